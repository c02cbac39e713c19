"""Corrections found in review stay corrected: each test reads the shipped content (or the
database it is imported into) and fails if the mistake comes back."""

import re
from collections.abc import Iterator

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from knowledge.content import load_content
from knowledge.models import EmergencyContactRow, ServicePoint
from knowledge.schema import ContentDoc, ServicePointDoc
from knowledge.settings import CONTENT_DIR

LRI, PDI = "\u2066", "\u2069"


@pytest.fixture(scope="module")
def doc() -> ContentDoc:
    """The shipped content."""
    return load_content(CONTENT_DIR).doc()


def _texts(doc: ContentDoc, language: str | None = None) -> Iterator[tuple[str, str]]:
    """(where, text) for every user-facing text, optionally of one language."""
    for topic in doc.topics:
        for lang, t in topic.translations.items():
            if language in (None, lang):
                for name in ("short_answer", "details", "legal_basis"):
                    yield f"{topic.id}.{lang}.{name}", getattr(t, name)
                for status, text in t.by_status.items():
                    yield f"{topic.id}.{lang}.by_status.{status}", text
    for rule in doc.eligibility:
        for lang, et in rule.text.items():
            if language in (None, lang):
                yield f"rule {rule.status}/{rule.topic}.{lang}", et.conditions
                for document in et.documents:
                    yield f"rule {rule.status}/{rule.topic}.{lang}.documents", document
    for point in doc.service_points:
        for lang, text in point.description.items():
            if language in (None, lang):
                yield f"{point.id}.{lang}", text
    for contact in doc.emergency:
        for lang, label in contact.labels.items():
            if language in (None, lang):
                yield f"{contact.id}.{lang}", f"{label.label} {label.note}"


def _found(doc: ContentDoc, pattern: str, language: str | None = None) -> list[str]:
    regex = re.compile(pattern, re.IGNORECASE)
    return [where for where, text in _texts(doc, language) if regex.search(text)]


# --- one ambulance number ----------------------------------------------------------------


def test_one_ambulance_number_15(doc: ContentDoc) -> None:
    """Fire and ambulance is 15; 150 is neither a contact nor written in any text."""
    numbers = {c.id: c.number for c in doc.emergency}
    assert numbers["civil_protection"] == "15"
    assert "150" not in numbers.values()
    assert _found(doc, r"(?<![\d\u2066])150(?![\d])") == []


def test_imported_database_has_no_150(kb: Session) -> None:
    """What the database serves (and the fallback is built from) has no 150 either."""
    numbers = set(kb.scalars(select(EmergencyContactRow.number)))
    assert "15" in numbers and "150" not in numbers


# --- service points ------------------------------------------------------------------------

HOSPITALS = {
    "hopital_hassan_ii_agadir",
    "chu_ibn_rochd_casablanca",
    "chu_hassan_ii_fes",
    "hopital_moulay_hassan_ben_elmehdi_laayoune",
    "chu_mohammed_vi_marrakech",
    "hopital_hassani_nador",
    "chu_mohammed_vi_oujda",
    "chu_ibn_sina_rabat",
    "hopital_mohammed_v_tanger",
}


def test_unsourced_hospitals_are_gone(doc: ContentDoc, kb: Session) -> None:
    """The nine hospitals named without a source are not shipped nor imported."""
    assert HOSPITALS.isdisjoint(p.id for p in doc.service_points)
    assert HOSPITALS.isdisjoint(kb.scalars(select(ServicePoint.id)))


def test_city_centre_coordinates_never_pretend_precision(doc: ContentDoc) -> None:
    """A point placed at its city's centre is marked approximate."""
    centres = {c.id: (c.lat, c.lon) for c in doc.cities}
    at_centre = [p.id for p in doc.service_points if (p.lat, p.lon) == centres[p.city]]
    assert at_centre
    assert [pid for pid in at_centre if not _point(doc, pid).approximate] == []


def _point(doc: ContentDoc, point_id: str) -> ServicePointDoc:
    return next(p for p in doc.service_points if p.id == point_id)


def test_legal_aid_walk_in_is_at_foo_not_at_the_lawyers_office(doc: ContentDoc) -> None:
    """The Wednesday 15-17 walk-in has FOO's address; the office shows no such hours."""
    office = _point(doc, "legal_aid_lemseguem_rabat")
    assert "Takaddoum" in office.address
    assert office.hours == {}
    walk_ins = [p for p in doc.service_points if p.hours.get("wed") == ["15:00-17:00"]]
    assert walk_ins
    for point in walk_ins:
        assert "Orient-Occident" in point.address
        assert "legal_aid" in point.topics


# --- claims only as strong as their sources ---------------------------------------------------

UNSOURCED = [
    r"urgences (?:sont )?gratuit|urgences gratuit",  # "emergencies are free" (fr)
    r"emergenc\w* (?:are )?free|free emergenc",
    r"ne doit pas (?:vous )?refuser|must not refuse|no debe rechazar|لا يجوز (?:له|لها)? ?رفض",
    r"droit à un avocat|right to a lawyer|derecho a un abogado|الحق في محام",
    r"n'est pas remis en cause|is not affected|no se ve afectado|لا تتأثر",
    r"demande d'asile continue|claim continues|sigue adelante|يستمر طلب",
    r"sera close|will be closed|será cerrada|سيُغلق",
    r"laissez-passer|salvoconducto|جواز مرور",
    r"prioritaire au HCR|priority by UNHCR|prioritario para el ACNUR",
    r"partir de 16 ans|from 16|moins de 15 ans|under 15|menores de 15",
    r"sert aussi pour la carte|counts for the residence card|sirve también para la tarjeta",
]


@pytest.mark.parametrize("pattern", UNSOURCED)
def test_unsourced_claims_are_not_stated(doc: ContentDoc, pattern: str) -> None:
    """Claims that review found in no source stay out of every language."""
    assert _found(doc, pattern) == []


def test_asylum_seeker_work_is_never_a_yes(doc: ContentDoc) -> None:
    """The conditional rule says 'not confirmed' and does not hand over a work dossier."""
    rule = next(
        r for r in doc.eligibility if (r.status, r.topic) == ("asylum_seeker", "employment")
    )
    assert rule.entitled == "conditional"
    assert rule.text["fr"].conditions.startswith("Non confirmé")
    assert not any("contrat" in d for d in rule.text["fr"].documents)


def test_no_residence_card_dossier_for_people_without_papers(doc: ContentDoc) -> None:
    """Undocumented people and asylum seekers are not told what to bring to the police."""
    for status in ("undocumented", "asylum_seeker", "minor"):
        rule = next(
            r for r in doc.eligibility if (r.status, r.topic) == (status, "residence_permit")
        )
        documents = " ".join(rule.text["fr"].documents)
        assert "casier" not in documents and "timbre" not in documents, status


def test_police_is_not_the_first_step_for_people_at_risk(doc: ContentDoc) -> None:
    """Trafficking answers start with IOM/NGOs; the police appears with danger or the risk."""
    topic = next(t for t in doc.topics if t.id == "trafficking_help")
    for language, t in topic.translations.items():
        short = t.short_answer
        police = re.search(r"police|policía|الشرطة", short, re.IGNORECASE)
        iom = re.search(r"OIM|IOM|المنظمة الدولية للهجرة", short)
        assert police and iom and iom.start() < police.start(), language


def test_dated_facts_say_their_date(doc: ContentDoc) -> None:
    """Syrians 'heard but not recognised' is dated 2015; the 2021-2025 plan is in the past."""
    asylum = next(t for t in doc.topics if t.id == "asylum").translations
    for language, t in asylum.items():
        sentence = next(
            s
            for s in re.split(r"[.\n]", t.details)
            if re.search("syri|sirio|سوري", s, re.IGNORECASE)
        )
        assert "2015" in sentence, language
    health = next(t for t in doc.topics if t.id == "health_care").translations["fr"]
    assert "couvrait 2021-2025" in health.legal_basis


# --- Arabic ----------------------------------------------------------------------------------


def test_arabic_green_line_and_law_numbers_are_isolated(doc: ContentDoc) -> None:
    """0 8000 8888 and the law numbers read in order inside Arabic text."""
    arabic = "\n".join(text for _, text in _texts(doc, "ar"))
    for run in ("0 8000 8888", "02-03", "27-14", "13-487"):
        assert run in arabic
        assert arabic.count(run) == arabic.count(f"{LRI}{run}{PDI}"), run


def test_arabic_wording_fixed(doc: ContentDoc) -> None:
    """Names and terms that review corrected in Arabic."""
    assert _found(doc, r"الحق والعدالة", "ar") == []
    assert _found(doc, r"عدم الترحيل القسري", "ar") == []
    assert _found(doc, r"عدم الإعادة القسرية", "ar")
    refugee_texts = [
        text
        for where, text in _texts(doc, "ar")
        if ".by_status.refugee" in where or where.startswith("rule refugee/")
    ]
    assert not any("بطاقة الإقامة" in text for text in refugee_texts)


def test_translations_are_not_more_certain_than_peut(doc: ContentDoc) -> None:
    """Where the French says 'peut', Spanish and Arabic do not state a right or a fact."""
    assert _found(doc, r"(?<!puede )sirve como documento", "es") == []
    school = next(t for t in doc.topics if t.id == "school_access").translations
    assert "يحق" not in school["ar"].short_answer
    assert "يحق" not in school["ar"].by_status["minor"]


def test_closed_asylum_claim_on_return_is_attributed_to_its_source(doc: ContentDoc) -> None:
    """'The claim is then closed' is said only as GADEM's legal guide says it, and cited."""
    topic = next(t for t in doc.topics if t.id == "voluntary_return")
    for language, t in topic.translations.items():
        assert "GADEM" in t.by_status["asylum_seeker"], language
        assert any(
            s.url.endswith("/sortie-volontaire/quitter-le-territoire-avec-loim") for s in t.sources
        ), language
