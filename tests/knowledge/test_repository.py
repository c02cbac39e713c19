"""The knowledge API of docs/internals.md, on SQLite and PostgreSQL."""

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from knowledge.geo import haversine_km
from knowledge.models import ServicePoint, TopicTranslation
from knowledge.repository import (
    count_service_points,
    find_service_points,
    get_eligibility,
    get_emergency_contacts,
    get_topic_answer,
    list_topics,
    nearest_city_with,
    nearest_service_points,
)
from knowledge.schema import STATUSES, TOPICS

RABAT = (34.0209, -6.8416)


def test_topic_answer_in_each_language(kb: Session) -> None:
    """A current translation is served as asked, with its sources."""
    for language in ("fr", "ar", "en", "es"):
        answer = get_topic_answer(kb, topic_id="school_access", language=language)
        assert answer is not None
        assert answer.language == language and not answer.fallback
        assert answer.translation_status == "current"
        assert 0 < len(answer.short_answer) <= 600
        assert "13-487" in answer.legal_basis
        assert answer.sources


def test_outdated_translation_falls_back_to_french(kb: Session) -> None:
    """An outdated translation is never served as current: French is, flagged."""
    kb.execute(
        update(TopicTranslation)
        .where(TopicTranslation.topic_id == "school_access", TopicTranslation.language == "ar")
        .values(translation_status="outdated")
    )
    answer = get_topic_answer(kb, topic_id="school_access", language="ar")
    assert answer is not None
    assert answer.language == "fr" and answer.requested_language == "ar"
    assert answer.fallback and answer.translation_status == "outdated"
    french = get_topic_answer(kb, topic_id="school_access", language="fr")
    assert french is not None and answer.short_answer == french.short_answer


def test_missing_translation_falls_back_to_french(kb: Session) -> None:
    """A missing translation falls back to French, flagged as missing."""
    kb.execute(
        delete(TopicTranslation).where(
            TopicTranslation.topic_id == "school_access", TopicTranslation.language == "es"
        )
    )
    answer = get_topic_answer(kb, topic_id="school_access", language="es")
    assert answer is not None and answer.language == "fr"
    assert answer.translation_status == "missing"


def test_unknown_topic_has_no_answer(kb: Session) -> None:
    """An unknown topic gives None rather than a wrong answer."""
    assert get_topic_answer(kb, topic_id="teleportation", language="fr") is None


def test_list_topics_in_order(kb: Session) -> None:
    """Topics come in their display order with their current languages."""
    topics = list_topics(kb)
    ids = [t.topic_id for t in topics]
    assert ids == sorted(ids, key=TOPICS.index)
    assert all(set(t.languages) == {"fr", "ar", "en", "es"} for t in topics)


def test_service_points_by_city_and_topic(kb: Session) -> None:
    """Points are filtered by city and topic, paged stably, and counted."""
    total = count_service_points(kb, city_id="rabat")
    pages = [
        find_service_points(kb, city_id="rabat", limit=2, offset=o) for o in range(0, total, 2)
    ]
    ids = [p.id for page in pages for p in page]
    assert len(ids) == total == len(set(ids))
    assert all(p.city_id == "rabat" for page in pages for p in page)
    asylum = find_service_points(kb, city_id="rabat", topic_id="asylum", limit=50)
    assert asylum and all("asylum" in p.topics for p in asylum)
    assert count_service_points(kb, city_id="rabat", topic_id="asylum") == len(asylum)
    assert find_service_points(kb, city_id="atlantis") == []


def test_service_point_view_is_complete(kb: Session) -> None:
    """A view carries phones, hours, languages, statuses and current descriptions."""
    [unhcr] = [
        p for p in find_service_points(kb, city_id="rabat", limit=50) if p.id == "unhcr_rabat"
    ]
    assert unhcr.phones[0].number == "+212537545400"
    assert {h.weekday for h in unhcr.hours} == {0, 1, 2, 3, 4}
    assert "refugee" in unhcr.serves and "fr" in unhcr.languages
    text, language = unhcr.description("ar")
    assert language == "ar" and text


def test_nearest_matches_brute_force(kb: Session) -> None:
    """Nearest-N equals an exhaustive haversine ranking, nearest first."""
    everything = kb.scalars(select(ServicePoint)).all()
    for lat, lon in [RABAT, (35.76, -5.83), (27.15, -13.2), (32.0, -5.0)]:
        expected = sorted(everything, key=lambda p: haversine_km(lat, lon, p.lat, p.lon))[:5]
        got = nearest_service_points(kb, lat=lat, lon=lon, limit=5)
        assert [v.id for v, _ in got] == [p.id for p in expected]
        distances = [d for _, d in got]
        assert distances == sorted(distances)


def test_nearest_with_topic(kb: Session) -> None:
    """A topic filter keeps only points helping with it."""
    got = nearest_service_points(kb, lat=RABAT[0], lon=RABAT[1], topic_id="voluntary_return")
    assert got and all("voluntary_return" in v.topics for v, _ in got)
    assert got[0][1] < 20


def test_nearest_city_with(kb: Session) -> None:
    """A city with a matching point is its own answer; otherwise the nearest one that has it."""
    assert nearest_city_with(kb, city_id="rabat", topic_id="asylum") == "rabat"
    assert nearest_city_with(kb, city_id="temara", topic_id="asylum") == "rabat"


def test_eligibility(kb: Session) -> None:
    """Rules exist for every status, in the language asked."""
    for status in STATUSES:
        rules = get_eligibility(kb, status=status, topic_id=None, language="en")
        assert rules, status
        assert all(r.entitled in {"yes", "no", "conditional"} for r in rules)
    [rule] = get_eligibility(kb, status="undocumented", topic_id="school_access", language="es")
    assert rule.entitled == "yes" and rule.language == "es" and rule.conditions


def test_emergency_contacts(kb: Session) -> None:
    """Emergency numbers come labelled in the language asked, police first."""
    contacts = get_emergency_contacts(kb, language="ar")
    assert contacts[0].number == "19"
    assert all(c.language == "ar" for c in contacts)
    assert {"19", "15", "177", "8350", "2511"} <= {c.number for c in contacts}
