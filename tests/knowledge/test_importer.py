"""Import and export: YAML -> database -> YAML is lossless, and re-importing changes nothing."""

import shutil
from pathlib import Path

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from knowledge.content import load_content
from knowledge.importer import export_content, export_doc, import_content
from knowledge.models import ServicePoint, TopicTranslation
from knowledge.settings import CONTENT_DIR


def _files(root: Path) -> dict[str, str]:
    """Every YAML file under `root`, by relative path."""
    return {str(p.relative_to(root)): p.read_text("utf-8") for p in sorted(root.rglob("*.yml"))}


def test_import_then_export_gives_back_the_content(empty_session: Session) -> None:
    """The database holds exactly what the YAML says."""
    import_content(empty_session, CONTENT_DIR)
    assert export_doc(empty_session) == load_content(CONTENT_DIR).doc()


def test_shipped_content_is_in_export_form(empty_session: Session, tmp_path: Path) -> None:
    """Exporting the imported content rewrites the shipped files byte for byte."""
    import_content(empty_session, CONTENT_DIR)
    export_content(empty_session, tmp_path)
    assert _files(tmp_path) == _files(CONTENT_DIR)


def test_import_export_import_round_trips(empty_session: Session, tmp_path: Path) -> None:
    """Importing an export changes nothing, and a second export is identical."""
    import_content(empty_session, CONTENT_DIR)
    export_content(empty_session, tmp_path / "a")
    changes = import_content(empty_session, tmp_path / "a").changes
    assert set(changes.values()) == {0}
    export_content(empty_session, tmp_path / "b")
    assert _files(tmp_path / "a") == _files(tmp_path / "b")


def test_import_twice_changes_nothing(empty_session: Session) -> None:
    """A second import reports no change and leaves timestamps alone."""
    first = import_content(empty_session, CONTENT_DIR).changes
    assert first["topics"] > 0 and first["service_points"] > 0
    empty_session.commit()
    before = {p.id: p.updated_at for p in empty_session.scalars(select(ServicePoint))}
    second = import_content(empty_session, CONTENT_DIR).changes
    empty_session.commit()
    assert set(second.values()) == {0}
    after = {p.id: p.updated_at for p in empty_session.scalars(select(ServicePoint))}
    assert after == before


def test_import_applies_edits_and_deletions(empty_session: Session, tmp_path: Path) -> None:
    """An edited phone and a removed point reach the database, and only they change."""
    import_content(empty_session, CONTENT_DIR)
    content = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, content)
    path = content / "service_points" / "rabat.yml"
    data = yaml.safe_load(path.read_text("utf-8"))
    edited, removed = data["service_points"][0], data["service_points"][1]
    edited["phones"][0]["number"] = "+212537000000"
    del data["service_points"][1]
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")

    changes = import_content(empty_session, content, strict=False).changes

    assert changes["service_points"] == 2
    assert changes["topics"] == 0
    point = empty_session.get(ServicePoint, edited["id"])
    assert point is not None and point.phones[0].number == "+212537000000"
    assert empty_session.get(ServicePoint, removed["id"]) is None


def test_translation_status_survives_import(empty_session: Session, tmp_path: Path) -> None:
    """A translation marked outdated is stored as outdated."""
    content = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, content)
    path = content / "topics" / "school_access.yml"
    data = yaml.safe_load(path.read_text("utf-8"))
    data["translations"]["es"]["status"] = "outdated"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    import_content(empty_session, content)
    row = empty_session.scalars(
        select(TopicTranslation).where(
            TopicTranslation.topic_id == "school_access", TopicTranslation.language == "es"
        )
    ).one()
    assert row.translation_status == "outdated"
