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


def _unhcr(data: Any) -> Any:
    return next(p for p in data["service_points"] if p["id"] == "unhcr_rabat")


def _date_translations(data: Any, **dates: date) -> None:
    for language, value in dates.items():
        data["translations"][language]["verified_at"] = value


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
        lambda d: _date_translations(d, fr=date(2026, 1, 1), ar=date(2020, 1, 1)),
        "mark it outdated",
    ),
    (
        "eligibility.yml",
        "rules[0].topic",
        lambda d: d["rules"][0].update(topic="teleportation"),
        "unknown topic",
    ),
    (
        "eligibility.yml",
        "rules[3].sources",
        lambda d: d["rules"][3].pop("sources"),
        "a rule cannot be published without one",
    ),
    (
        "service_points/rabat.yml",
        "phones[0].labels.ar",
        lambda d: _unhcr(d)["phones"][0]["labels"].pop("ar"),
        "missing language",
    ),
    (
        "service_points/rabat.yml",
        "phones[2].hours.fri[0]",
        lambda d: _unhcr(d)["phones"][2].update(hours={"fri": ["12:00-09:00"]}),
        "closes before it opens",
    ),
    (
        "service_points/rabat.yml",
        "phones[1].sources",
        lambda d: _unhcr(d)["phones"][1].pop("sources"),
        "no source",
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
    """A date older than 180 days warns but does not fail."""
    old = date.today() - timedelta(days=200)
    edit(
        content / "service_points" / "agadir.yml", lambda d: _first_point(d).update(verified_at=old)
    )
    problems = check_content(load_content(content))
    stale = [p for p in problems if "more than 180 days ago" in p.message]
    assert stale and all(p.level == "warning" for p in stale)
    assert stale[0].file == "service_points/agadir.yml"
    result = runner.invoke(app, ["validate", str(content)])
    assert result.exit_code == 0 and "warning" in result.output


def test_missing_verification_date_is_unverified_not_an_error(content: Path) -> None:
    """No date means "unverified": answers say so, validation lists it to re-check."""
    edit(
        content / "service_points" / "agadir.yml",
        lambda d: _first_point(d).pop("verified_at", None),
    )
    problems = check_content(load_content(content))
    found = [
        p for p in problems if p.file == "service_points/agadir.yml" and "unverified" in p.message
    ]
    assert found and all(p.level == "warning" for p in found)


def test_future_verification_date_is_an_error(content: Path) -> None:
    """A verification date cannot be in the future."""
    future = date.today() + timedelta(days=3)
    edit(content / "emergency.yml", lambda d: d["contacts"][0].update(verified_at=future))
    assert any("contacts[0].verified_at" in e and "in the future" in e for e in errors(content))


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
    assert all(p.sources for p in doc.service_points)


# --- safety rules of the content (docs/content-guide.md) -------------------------------------


def _rule(data: Any, status: str, topic: str) -> Any:
    return next(r for r in data["rules"] if r["status"] == status and r["topic"] == topic)


def _line_of(path: Path, snippet: str) -> int:
    """The 1-based line of `path` where `snippet` starts."""
    for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
        if snippet in line:
            return number
    raise AssertionError(f"{snippet!r} not in {path}")


LRI, PDI = "\u2066", "\u2069"

SAFETY_CASES: list[tuple[str, str, Callable[[Any], None], str, str]] = [
    (
        "topics/trafficking_help.yml",
        "translations.fr.by_status.undocumented",
        lambda d: d["translations"]["fr"]["by_status"].update(
            undocumented="Allez au commissariat pour porter plainte."
        ),
        "named first without the risk of arrest",
        "Allez au commissariat",
    ),
    (
        "eligibility.yml",
        "text.ar.conditions",
        lambda d: _rule(d, "minor", "housing")["text"]["ar"].update(
            conditions="اتصلوا بالشرطة أولا."
        ),
        "named first without the risk of arrest",
        "اتصلوا بالشرطة أولا",
    ),
    (
        "topics/residence_permit.yml",
        "translations.en.by_status.undocumented",
        lambda d: d["translations"]["en"]["by_status"].update(
            undocumented="Go to the prefecture with your passport."
        ),
        "named first without the risk of arrest",
        "Go to the prefecture",
    ),
    (
        "eligibility.yml",
        "text.fr.conditions",
        lambda d: _rule(d, "asylum_seeker", "employment")["text"]["fr"].update(
            conditions="Oui, avec un contrat visé."
        ),
        "starts with yes",
        "Oui, avec un contrat",
    ),
    (
        "topics/employment.yml",
        "translations.es.by_status.asylum_seeker",
        lambda d: d["translations"]["es"]["by_status"].update(
            asylum_seeker="Sí: busque un empleador."
        ),
        "starts with yes",
        "busque un empleador",
    ),
    (
        "topics/social_assistance.yml",
        "translations.fr.by_status.undocumented",
        lambda d: d["translations"]["fr"]["by_status"].update(
            undocumented="L'Entraide nationale ne doit pas vous refuser."
        ),
        "absolute wording",
        "ne doit pas vous refuser",
    ),
    (
        "service_points/rabat.yml",
        "description.en",
        lambda d: next(p for p in d["service_points"] if p["id"].startswith("entraide"))[
            "description"
        ].update(en="Entraide Nationale must not refuse you."),
        "absolute wording",
        "must not refuse you",
    ),
    (
        "topics/asylum.yml",
        "translations.en.uncertain",
        lambda d: d["translations"]["en"].update(uncertain=False),
        "marked uncertain",
        "uncertain: false",
    ),
    (
        "topics/school_access.yml",
        "translations.ar.by_status.minor",
        lambda d: d["translations"]["ar"]["by_status"].update(minor="يحق لكل طفل التمدرس."),
        "claims a right that the French does not",
        "يحق لكل طفل",
    ),
    (
        "topics/legal_aid.yml",
        "translations.fr.details",
        lambda d: d["translations"]["fr"].update(details="Appelez le +212 12 pour de l'aide."),
        "invalid phone '+212 12'",
        "Appelez le +212 12",
    ),
    (
        "topics/housing.yml",
        "translations.en.short_answer",
        lambda d: d["translations"]["en"].update(short_answer="Call +212 522 12 34 56 for a bed."),
        "not a number of the knowledge base",
        "Call +212 522",
    ),
    (
        "topics/residence_permit.yml",
        "translations.ar.legal_basis",
        lambda d: d["translations"]["ar"].update(
            legal_basis="القانون 02-03 المتعلق بدخول الأجانب."
        ),
        "'02-03' must be wrapped in direction isolates",
        "القانون 02-03",
    ),
    (
        "topics/emergency_numbers.yml",
        "translations.ar.details",
        lambda d: d["translations"]["ar"].update(details="الرقم الأخضر القديم 0 8000 8888."),
        "'0 8000 8888' must be wrapped",
        "الرقم الأخضر",
    ),
    (
        "emergency.yml",
        "labels.ar.note",
        lambda d: d["contacts"][0]["labels"]["ar"].update(note="من 9:00–12:00 فقط."),
        "'9:00–12:00' must be wrapped",
        "9:00–12:00",
    ),
]


@pytest.mark.parametrize(("file", "field", "change", "message", "snippet"), SAFETY_CASES)
def test_each_safety_violation_is_refused_with_file_and_line(
    content: Path,
    file: str,
    field: str,
    change: Callable[[Any], None],
    message: str,
    snippet: str,
) -> None:
    """`dalil kb validate` exits non-zero and names the file, the line and the field."""
    edit(content / file, change)
    line = _line_of(content / file, snippet)
    found = errors(content)
    assert any(f"{file}:{line}:" in e and field in e and message in e for e in found), (
        line,
        found,
    )
    result = runner.invoke(app, ["validate", str(content)])
    assert result.exit_code == 1 and f"{file}:{line}:" in result.output


def test_line_points_inside_a_multi_line_block(content: Path) -> None:
    """In a `|` block the line is the one holding the mistake, not the block's first line."""
    path = content / "topics" / "legal_aid.yml"
    text = path.read_text("utf-8")
    bad = "- Droit et Justice (Casablanca)"
    assert bad in text
    path.write_text(text.replace(bad, bad + " : +212 12", 1), "utf-8")
    line = _line_of(path, "+212 12")
    assert any(f"topics/legal_aid.yml:{line}:" in e and "+212 12" in e for e in errors(content))


@pytest.mark.parametrize(
    "text",
    [
        "En danger immédiat : police 19. Sinon, l'OIM ou une association.",
        "Commencez par l'OIM ou une association ; la police ensuite si vous le souhaitez.",
        "Sans papiers, aller à la police peut comporter un risque d'arrestation.",
    ],
)
def test_police_is_allowed_in_danger_after_safer_steps_or_with_the_risk_said(
    content: Path, text: str
) -> None:
    """The rule targets the police as a first step with the risk unsaid, nothing more."""
    edit(
        content / "topics" / "trafficking_help.yml",
        lambda d: d["translations"]["fr"]["by_status"].update(undocumented=text),
    )
    assert not [e for e in errors(content) if "named first" in e]


def test_isolated_arabic_numbers_pass(content: Path) -> None:
    """The same law number wrapped in isolates is accepted."""
    edit(
        content / "topics" / "residence_permit.yml",
        lambda d: d["translations"]["ar"].update(legal_basis=f"القانون {LRI}02-03{PDI}."),
    )
    assert not [e for e in errors(content) if "isolates" in e]


def test_prose_number_of_the_knowledge_base_passes(content: Path) -> None:
    """A number in prose that a service point lists is accepted, whatever its spacing."""
    edit(
        content / "topics" / "housing.yml",
        lambda d: d["translations"]["en"].update(short_answer="Call IOM on +212 5376 52881."),
    )
    assert not [e for e in errors(content) if "phone" in e]
