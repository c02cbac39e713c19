"""`dalil kb import|export|stats` against a real database file."""

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from knowledge.cli import kb_app as app
from knowledge.content import load_content
from knowledge.settings import CONTENT_DIR

runner = CliRunner()


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """Point DALIL_DATABASE_URL at a fresh SQLite file."""
    url = f"sqlite:///{tmp_path / 'kb.db'}"
    monkeypatch.setenv("DALIL_DATABASE_URL", url)
    return url


def test_import_stats_export(database: str, tmp_path: Path) -> None:
    """Import migrates and loads; stats count it; export writes it back; re-import is a no-op."""
    first = runner.invoke(app, ["import"])
    assert first.exit_code == 0, first.output
    stats = json.loads(runner.invoke(app, ["stats", "--json"]).output)
    doc = load_content(CONTENT_DIR).doc()
    assert stats["topics"] == 13
    assert stats["languages"] == {"fr": 13, "ar": 13, "en": 13, "es": 13}
    assert stats["service_points"] == len(doc.service_points)
    assert stats["cities"] == len({p.city for p in doc.service_points})
    out = tmp_path / "out"
    assert runner.invoke(app, ["export", str(out)]).exit_code == 0
    assert load_content(out).doc() == doc
    again = runner.invoke(app, ["import", str(out)])
    assert again.exit_code == 0 and "topics: 0, cities: 0, service_points: 0" in again.output


def test_outdated_translations_are_not_counted(tmp_path: Path) -> None:
    """Stats count only current translations."""
    import shutil

    import yaml

    content = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, content)
    path = content / "topics" / "housing.yml"
    data = yaml.safe_load(path.read_text("utf-8"))
    data["translations"]["es"]["status"] = "outdated"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    result = runner.invoke(app, ["stats", "--json", "--content", str(content)])
    assert json.loads(result.output)["languages"]["es"] == 12


def test_import_refuses_invalid_content(database: str, tmp_path: Path) -> None:
    """Invalid content is not imported, and the error names the file."""
    import shutil

    content = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, content)
    (content / "topics" / "housing.yml").unlink()
    result = runner.invoke(app, ["import", str(content)])
    assert result.exit_code == 1
    assert "topics/housing.yml" in result.output


def test_a_decision_without_an_audit_log_is_refused(
    database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without the `dalil` command's audit writer, --prefer-* changes nothing and exits 2."""
    monkeypatch.setattr("knowledge.cli._record_resolutions", None)
    result = runner.invoke(app, ["import", "--prefer-file"])
    assert result.exit_code == 2
    assert "dalil kb import" in result.output
    assert runner.invoke(app, ["stats", "--json"]).exit_code != 0  # not even migrated
