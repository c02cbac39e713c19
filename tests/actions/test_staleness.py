"""An unverified or stale fact is said so, in the user's language, with who can confirm it."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta

import pytest

from actions.eligibility import rule_text
from actions.service_points import phone_text, point_text
from actions.topics import answer_text
from dalil.i18n import gettext
from dalil.languages import LANGUAGES
from knowledge.content import today
from knowledge.opening import OpeningHours
from knowledge.repository import (
    EligibilityView,
    Phone,
    ServicePointView,
    Source,
    TopicAnswer,
    _frozen,
)
from tests.actions.actionkit import service_point

UNVERIFIED_TOPIC = (
    "This information has not been checked against a source yet: before you act on it, ask "
    "one of the organisations under “{where}” to confirm it."
)
STALE_TOPIC = (
    "This information was checked some time ago and may have changed: before you act on it, "
    "ask one of the organisations under “{where}” to confirm it."
)
UNVERIFIED_POINT = (
    "These details have not been checked against a source yet: ask {who} to confirm them "
    "before you go."
)
STALE_POINT = (
    "These details were checked some time ago and may have changed: ask {who} to confirm them "
    "before you go."
)
SOURCE = Source("Circulaire 13-487", "https://example.org/circulaire-13-487")
RECHECK = Source("Note (2015)", "https://example.org/note-2015", recheck=True)
FRESH = today() - timedelta(days=10)
OLD = today() - timedelta(days=400)


def _answer(language: str, verified_at: date | None, *sources: Source) -> TopicAnswer:
    return TopicAnswer(
        topic_id="school_access",
        language=language,
        requested_language=language,
        short_answer="Réponse courte.",
        details="",
        by_status=_frozen({}),
        legal_basis="",
        sources=sources,
        verified_at=verified_at,
        uncertain=False,
        translation_status="current",
    )


def _notice(language: str, msgid: str, **values: str) -> str:
    text = gettext(language, msgid, **values)
    # A missing translation would show the English (or nothing) to a French, Arabic or Spanish reader.
    assert text and (language == "en" or text != msgid.format(**values))
    return text


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_topic_fact_checked_recently_has_no_notice(language: str) -> None:
    text = answer_text(language, _answer(language, FRESH, SOURCE), None)
    where = gettext(language, "Where to go")
    assert _notice(language, STALE_TOPIC, where=where) not in text
    assert _notice(language, UNVERIFIED_TOPIC, where=where) not in text


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    ("verified_at", "sources", "msgid"),
    [
        (None, (SOURCE,), UNVERIFIED_TOPIC),
        (OLD, (SOURCE,), STALE_TOPIC),
        (FRESH, (SOURCE, RECHECK), STALE_TOPIC),
    ],
    ids=["unverified", "older-than-180-days", "source-says-recheck"],
)
def test_a_topic_fact_not_checked_is_said_so_in_the_users_language(
    language: str, verified_at: date | None, sources: tuple[Source, ...], msgid: str
) -> None:
    text = answer_text(language, _answer(language, verified_at, *sources), None)
    assert _notice(language, msgid, where=gettext(language, "Where to go")) in text


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_eligibility_rule_checked_long_ago_says_so(language: str) -> None:
    rule = EligibilityView(
        status="refugee",
        topic_id="school_access",
        entitled="yes",
        conditions="",
        documents=(),
        where_topic_id="school_access",
        language=language,
        requested_language=language,
        uncertain=False,
        verified_at=OLD,
        sources=(SOURCE,),
    )
    where = gettext(language, "Where to go")
    assert _notice(language, STALE_TOPIC, where=where) in rule_text(language, rule)
    fresh = rule_text(language, replace(rule, verified_at=FRESH))
    assert _notice(language, STALE_TOPIC, where=where) not in fresh


def _point(verified_at: date | None, *phones: Phone) -> ServicePointView:
    return service_point(verified_at=verified_at, phones=phones, sources=(SOURCE,))


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_service_point_not_checked_names_who_can_confirm(language: str) -> None:
    at = datetime(2026, 12, 2, 10, 0)
    unverified = point_text(_point(None), language, at)
    stale = point_text(_point(OLD), language, at)
    fresh = point_text(_point(FRESH), language, at)
    assert "UNHCR" in _notice(language, UNVERIFIED_POINT, who="UNHCR")
    assert gettext(language, UNVERIFIED_POINT, who="{who}").split("{who}")[0] in unverified
    assert "UNHCR" in unverified.splitlines()[-1]
    assert gettext(language, STALE_POINT, who="{who}").split("{who}")[0] in stale
    assert "UNHCR" in stale.splitlines()[-1]
    assert gettext(language, STALE_POINT, who="{who}").split("{who}")[0] not in fresh
    assert gettext(language, UNVERIFIED_POINT, who="{who}").split("{who}")[0] not in fresh


HOTLINE = Phone(
    number="+212666584361",
    kind="mobile",
    labels=_frozen(
        {
            "fr": "Ligne d'urgence protection",
            "ar": "الخط الساخن للحماية",
            "en": "Protection hotline",
            "es": "Línea directa de protección",
        }
    ),
    hours=(OpeningHours(4, time(9), time(12)),),
)


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_phone_shows_its_own_label_and_hours(language: str) -> None:
    text = phone_text(HOTLINE, language)
    assert HOTLINE.labels[language] in text
    assert "09:00–12:00" in text
    # The office's hours (Mon-Fri) are not this line's.
    point = point_text(_point(FRESH, HOTLINE), language, datetime(2026, 12, 2, 10, 0))
    assert text in point


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_phone_checked_long_ago_is_marked(language: str) -> None:
    marker = _notice(language, "number not checked recently")
    assert marker in phone_text(replace(HOTLINE, verified_at=OLD), language)
    assert marker in phone_text(replace(HOTLINE, verified_at=FRESH, sources=(RECHECK,)), language)
    assert marker not in phone_text(replace(HOTLINE, verified_at=FRESH), language)
    # A phone without its own check date goes with its service point's.
    assert marker not in phone_text(HOTLINE, language)
