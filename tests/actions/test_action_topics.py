"""Topic answers: short, sourced, dated, in the user's language, with the right buttons."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session

from actions.common import Services
from actions.route import ActionRouteInform
from actions.topics import ActionAnswerTopic
from dalil.i18n import format_date, gettext
from dalil.languages import LANGUAGES
from knowledge.emergency import role_number
from knowledge.models import TopicTranslation
from knowledge.repository import get_topic_answer
from tests.actions.actionkit import (
    ASKED_TOPICS,
    make_tracker,
    payloads,
    run_action,
    services_for,
    slot_events,
    texts,
)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("topic", ASKED_TOPICS)
async def test_every_topic_in_every_language(
    services: Services, kb: Session, topic: str, language: str
) -> None:
    """The knowledge base's short answer, its legal basis, source, its date if checked, and three buttons."""
    answer = get_topic_answer(kb, topic_id=topic, language=language)
    assert answer is not None, f"no content for {topic}"
    tracker = make_tracker(text="?", intent=f"ask_{topic}", language=language)
    messages, events = await run_action(ActionAnswerTopic(services), tracker)
    text = texts(messages)
    assert answer.short_answer.strip() in text
    assert answer.legal_basis in text
    assert answer.sources[0].url in text
    if answer.verified_at is not None:
        checked = format_date(answer.verified_at, language)
        assert gettext(language, "checked on {date}", date=checked) in text
    assert payloads(messages) == [
        f'/inform{{"detail":"{topic}"}}',
        f'/find_service_point{{"topic":"{topic}"}}',
        "/ask_capabilities",
    ]
    assert slot_events(events) == {"topic": topic, "language": language}
    uncertain = gettext(
        language,
        "Part of this information could not be fully confirmed or may have changed: check with an association or the office before you act on it.",
    )
    assert (uncertain in text) == answer.uncertain


async def test_status_line_when_status_known(services: Services, kb: Session) -> None:
    """A user who said they are an asylum seeker reads what applies to them."""
    answer = get_topic_answer(kb, topic_id="school_access", language="en")
    assert answer is not None
    tracker = make_tracker(
        intent="ask_school_access", language="en", slots={"status": "asylum_seeker"}
    )
    messages, _ = await run_action(ActionAnswerTopic(services), tracker)
    assert f"For you (Asylum seeker): {answer.by_status['asylum_seeker']}" in texts(messages)


async def test_french_fallback_is_announced(kb_copy: Path) -> None:
    """An outdated Spanish translation is not shown: the French text is, with a notice."""
    services = services_for(kb_copy)
    with services.session_factory() as session:
        session.execute(
            update(TopicTranslation)
            .where(TopicTranslation.topic_id == "housing", TopicTranslation.language == "es")
            .values(translation_status="outdated")
        )
        session.commit()
        french = get_topic_answer(session, topic_id="housing", language="fr")
    assert french is not None
    messages, _ = await run_action(
        ActionAnswerTopic(services), make_tracker(intent="ask_housing", language="es")
    )
    text = texts(messages)
    assert french.short_answer.strip() in text
    assert (
        gettext(
            "es",
            "The translation of this answer is being updated, so here is the French version, which is current.",
        )
        in text
    )


async def test_details_on_request(services: Services, kb: Session) -> None:
    """`inform{"detail": topic}` shows the details and every source."""
    answer = get_topic_answer(kb, topic_id="asylum", language="ar")
    assert answer is not None
    tracker = make_tracker(intent="inform", entities={"detail": "asylum"}, language="ar")
    messages, events = await run_action(ActionRouteInform(services), tracker)
    text = texts(messages)
    assert answer.details.strip() in text
    for source in answer.sources:
        assert source.url in text
    assert payloads(messages) == ['/find_service_point{"topic":"asylum"}', "/ask_capabilities"]
    assert slot_events(events)["topic"] == "asylum"


async def test_language_slot_follows_metadata(services: Services) -> None:
    """The metadata's language wins over the slot, and the slot is updated."""
    tracker = make_tracker(intent="ask_asylum", language="en", slots={"language": "fr"})
    messages, events = await run_action(ActionAnswerTopic(services), tracker)
    assert slot_events(events)["language"] == "en"
    assert "More details" in [b["title"] for b in messages[0]["buttons"]]


async def test_knowledge_base_down(broken_services: Services) -> None:
    """A clear localised message, emergency numbers included, and no exception."""
    messages, events = await run_action(
        ActionAnswerTopic(broken_services), make_tracker(intent="ask_asylum", language="ar")
    )
    assert texts(messages) == gettext(
        "ar",
        "Sorry, I cannot answer right now. Please try again in a few minutes. In an emergency, call the police on {police} or an ambulance on {ambulance}.",
        police=f"\u2066{role_number('police')}\u2069",
        ambulance=f"\u2066{role_number('ambulance')}\u2069",
    )
    assert slot_events(events) == {"language": "ar"}


@pytest.mark.parametrize(
    ("city", "command"),
    [
        ("rabat", "alert_offer:health_care:rabat"),
        (None, "alert_offer:health_care:"),
        ("__location__", "alert_offer:health_care:"),
    ],
)
async def test_a_topic_answer_asks_the_gateway_to_offer_alerts(
    services: Services, city: str | None, command: str
) -> None:
    """The gateway renders the offer and its consent text from `{"dalil": "alert_offer:…"}`."""
    tracker = make_tracker(text="?", intent="ask_health_care", slots={"city": city})
    messages, _ = await run_action(ActionAnswerTopic(services), tracker)
    # Other custom payloads (the insight note, docs/insights.md) are not gateway commands.
    assert [m["custom"]["dalil"] for m in messages if "dalil" in (m.get("custom") or {})] == [
        command
    ]
