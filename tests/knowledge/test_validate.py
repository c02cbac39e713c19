"""`dalil kb validate`: the shipped content passes; each kind of mistake is named by file and field."""

import shutil
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from knowledge.cli import kb_app as app
from knowledge.content import load_content
from knowledge.schema import STATUSES, TOPICS
from knowledge.settings import CONTENT_DIR
from knowledge.validate import check_content

runner = CliRunner()


@pytest.fixture
def content(tmp_path: Path) -> Path:
    """A writable copy of the shipped content."""
    target = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, target)
    return target


def edit(path: Path, change: Callable[[Any], None]) -> None:
    """Apply `change` to a YAML file in place."""
    data = yaml.safe_load(path.read_text("utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")


def errors(root: Path) -> list[str]:
    """The error lines for a content folder."""
    return [str(p) for p in check_content(load_content(root)) if p.level == "error"]


def test_shipped_content_is_valid() -> None:
    """The content in the repository has no error."""
    assert errors(CONTENT_DIR) == []


def test_cli_validate_passes_on_shipped_content() -> None:
    """`dalil kb validate` exits 0 on the shipped content."""
    result = runner.invoke(app, ["validate"])
    assert result.exit_code == 0, result.output


def _first_point(data: Any) -> Any:
    return data["service_points"][0]


CASES: list[tuple[str, str, Callable[[Any], None], str]] = [
    (
        "topics/housing.yml",
        "translations.es",
        lambda d: d["translations"].pop("es"),
        "missing language",
    ),
    (
        "service_points/oujda.yml",
        "service_points[0].phones[0].number",
        lambda d: _first_point(d)["phones"].__setitem__(0, {"number": "+21266119370"}),
        "invalid phone",
    ),
    (
        "service_points/nador.yml",
        "service_points[0].lat",
        lambda d: _first_point(d).update(lat=40.4, lon=-3.7),
        "outside Morocco",
    ),
    (
        "service_points/fes.yml",
        "service_points[0].topics",
        lambda d: _first_point(d)["topics"].append("teleportation"),
        "unknown topic",
    ),
    (
        "service_points/tanger.yml",
        "service_points[1].id",
        lambda d: d["service_points"][1].update(id=d["service_points"][0]["id"]),
        "duplicate service point id",
    ),
    (
        "topics/asylum.yml",
        "translations.en.sources[0].url",
        lambda d: d["translations"]["en"]["sources"][0].update(url="help.unhcr.org morocco"),
        "malformed URL",
    ),
    (
        "service_points/rabat.yml",
        "hours.mon[0]",
        lambda d: next(p for p in d["service_points"] if p.get("hours"))["hours"].update(
            mon=["17:00-09:00"]
        ),
        "closes before it opens",
    ),
    (
        "service_points/rabat.yml",
        "hours.tue[1]",
        lambda d: next(p for p in d["service_points"] if p.get("hours"))["hours"].update(
            tue=["09:00-12:00", "11:00-13:00"]
        ),
        "overlaps",
    ),
    (
        "service_points/rabat.yml",
        "hours.mon[0]",
        lambda d: next(p for p in d["service_points"] if p.get("hours"))["hours"].update(
            mon=["9h-17h"]
        ),
        "is not HH:MM-HH:MM",
    ),
    (
        "topics/school_access.yml",
        "translations.fr.short_answer",
        lambda d: d["translations"]["fr"].update(short_answer="x" * 601),
        "more than 600",
    ),
    (
        "topics/school_access.yml",
        "translations.ar.status",
        lambda d: d["translations"]["ar"].update(verified_at=date(2020, 1, 1)),
        "mark it outdated",
    ),
    (
        "eligibility.yml",
        "rules[0].topic",
        lambda d: d["rules"][0].update(topic="teleportation"),
        "unknown topic",
    ),
]


@pytest.mark.parametrize(("file", "field", "change", "message"), CASES)
def test_each_mistake_is_reported_with_file_and_field(
    content: Path, file: str, field: str, change: Callable[[Any], None], message: str
) -> None:
    """The error line names the file, the field and the problem."""
    edit(content / file, change)
    found = errors(content)
    assert any(file in e and field in e and message in e for e in found), found


def test_cli_validate_fails_naming_file_and_field(content: Path) -> None:
    """`dalil kb validate PATH` exits non-zero and prints where the mistake is."""
    edit(content / "topics" / "housing.yml", lambda d: d["translations"].pop("ar"))
    result = runner.invoke(app, ["validate", str(content)])
    assert result.exit_code != 0
    assert "topics/housing.yml" in result.output and "translations.ar" in result.output


def test_stale_verification_is_a_warning(content: Path) -> None:
    """A date older than a year warns but does not fail."""
    old = date.today() - timedelta(days=400)
    edit(
        content / "service_points" / "agadir.yml", lambda d: _first_point(d).update(verified_at=old)
    )
    problems = check_content(load_content(content))
    stale = [p for p in problems if "more than a year ago" in p.message]
    assert stale and all(p.level == "warning" for p in stale)
    assert stale[0].file == "service_points/agadir.yml"
    result = runner.invoke(app, ["validate", str(content)])
    assert result.exit_code == 0 and "warning" in result.output


def test_shipped_content_covers_everything() -> None:
    """Every status × topic has a rule; ≥40 points in ≥9 cities, each sourced and dated."""
    doc = load_content(CONTENT_DIR).doc()
    pairs = {(r.status, r.topic) for r in doc.eligibility}
    assert pairs == {(s, t) for s in STATUSES for t in TOPICS}
    assert len(doc.service_points) >= 40
    cities = {p.city for p in doc.service_points}
    assert len(cities) >= 9
    assert {
        "rabat",
        "casablanca",
        "tanger",
        "oujda",
        "fes",
        "marrakech",
        "agadir",
        "nador",
        "laayoune",
    } <= cities
    assert all(p.sources and p.verified_at for p in doc.service_points)
