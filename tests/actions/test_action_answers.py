"""The question that was asked: a topic with a city gets its places; follow-ups keep the topic."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from actions.clarify import ActionClarify
from actions.common import Services
from actions.eligibility import ActionCheckEligibility, ValidateEligibilityForm
from actions.route import ActionRouteInform
from actions.service_points import ActionServicePoints, city_asked
from actions.topics import ActionAnswerTopic
from dalil.i18n import gettext
from knowledge.repository import find_service_points, get_topic_answer
from tests.actions.actionkit import make_tracker, run_action, slot_events, texts

TRAVEL = (
    "You do not have to travel to Rabat first to ask for asylum: you can ask UNHCR to "
    "register you by phone or WhatsApp (the numbers above). Travelling without papers can "
    "expose you to arrest on the way. The places below can help you where you are."
)


def _names(kb: Session, topic: str, city: str) -> list[str]:
    return [p.name for p in find_service_points(kb, city_id=city, topic_id=topic, limit=50)]


def _short(kb: Session, topic: str, language: str) -> str:
    answer = get_topic_answer(kb, topic_id=topic, language=language)
    assert answer is not None
    return answer.short_answer.strip()[:60]


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "where can I see a doctor in Oujda?"),
        ("ar", "أين أجد طبيبا في وجدة؟"),
        ("fr", "où voir un médecin à Oujda ?"),
        ("es", "¿dónde puedo ver a un médico en Oujda?"),
    ],
)
async def test_a_topic_question_with_a_city_gets_the_answer_and_the_places_there(
    services: Services, kb: Session, language: str, text: str
) -> None:
    tracker = make_tracker(
        text=text, intent="ask_health_care", entities={"city": "oujda"}, language=language
    )
    messages, events = await run_action(ActionAnswerTopic(services), tracker)
    said = texts(messages)
    assert _short(kb, "health_care", language) in said
    shown = [n for n in _names(kb, "health_care", "oujda") if n in said]
    assert shown, said
    assert slot_events(events) | {"language": language} == {
        "topic": "health_care",
        "city": "oujda",
        "language": language,
    }


async def test_a_city_named_only_in_the_text_is_found(services: Services, kb: Session) -> None:
    tracker = make_tracker(
        text="¿y hay ayuda legal gratuita en Tánger?", intent="ask_legal_aid", language="es"
    )
    messages, events = await run_action(ActionAnswerTopic(services), tracker)
    said = texts(messages)
    assert _short(kb, "legal_aid", "es") in said
    assert any(n in said for n in _names(kb, "legal_aid", "tanger")), said
    assert slot_events(events)["city"] == "tanger"


async def test_without_a_city_only_the_topic_is_answered(services: Services, kb: Session) -> None:
    tracker = make_tracker(text="how do I apply for asylum in Morocco?", intent="ask_asylum",
                           language="en")  # fmt: skip
    messages, events = await run_action(ActionAnswerTopic(services), tracker)
    assert _short(kb, "asylum", "en") in texts(messages)
    assert "city" not in slot_events(events) and slot_events(events)["topic"] == "asylum"


@pytest.mark.parametrize("language", ["en", "fr", "ar", "es"])
async def test_asylum_from_oujda_gets_the_remote_lines_and_the_local_partner_first(
    services: Services, kb: Session, language: str
) -> None:
    tracker = make_tracker(
        text="Do I have to go to Rabat to ask for asylum? I am in Oujda",
        intent="ask_asylum",
        language=language,
    )
    # Rasa tags both cities; the person is where the capital is not.
    tracker.latest_message["entities"] = [
        {"entity": "city", "value": "Rabat"},
        {"entity": "city", "value": "Oujda"},
    ]
    assert city_asked(tracker) == "oujda"
    messages, events = await run_action(ActionAnswerTopic(services), tracker)
    said = texts(messages)
    assert "537 54 54 00" in said.replace("\u00a0", " ") or "5 37 54 54 00" in said, said
    notice = gettext(language, TRAVEL)
    assert notice in said
    assert said.index(_short(kb, "asylum", language)) < said.index(notice)
    assert "OMDH – Oujda" in said
    assert not any(n in said for n in _names(kb, "asylum", "rabat")), said
    assert slot_events(events)["city"] == "oujda"


async def test_asked_as_an_eligibility_question_it_is_answered_without_a_status_form(
    services: Services, kb: Session
) -> None:
    tracker = make_tracker(
        text="est-ce que je dois aller à Rabat pour demander l'asile ? je suis à Oujda",
        intent="check_eligibility",
        language="fr",
    )
    tracker.latest_message["entities"] = [
        {"entity": "city", "value": "Rabat"},
        {"entity": "status", "value": "asylum"},
        {"entity": "city", "value": "Oujda"},
    ]
    form = ValidateEligibilityForm()
    assert await form.required_slots(["status", "need"], None, tracker, {}) == []  # type: ignore[arg-type]
    messages, _events = await run_action(ActionCheckEligibility(services), tracker)
    said = texts(messages)
    assert gettext("fr", TRAVEL) in said and "OMDH – Oujda" in said
    # A plain eligibility question still asks for the status.
    plain = make_tracker(text="à quoi j'ai droit ?", intent="check_eligibility", language="fr")
    assert await form.required_slots(["status", "need"], None, plain, {}) == ["status", "need"]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "and in Tanger?"),
        ("fr", "et à Tanger ?"),
        ("es", "y en Tánger?"),
        ("ar", "وفي طنجة؟"),
    ],
)
async def test_a_follow_up_naming_only_a_city_continues_the_topic(
    services: Services, kb: Session, language: str, text: str
) -> None:
    # Rasa is unsure about such short messages (nlu_fallback) but tags the city.
    tracker = make_tracker(
        text=text,
        intent="nlu_fallback",
        entities={"city": "tanger"},
        language=language,
        slots={"topic": "legal_aid", "city": "oujda"},
    )
    messages, events = await run_action(ActionClarify(services), tracker)
    said = texts(messages)
    assert any(n in said for n in _names(kb, "legal_aid", "tanger")), said
    assert slot_events(events)["city"] == "tanger"
    # The same words as an `inform` take the same path.
    tracker.latest_message["intent"] = {"name": "inform", "confidence": 0.9}
    messages, _ = await run_action(ActionRouteInform(services), tracker)
    assert any(n in texts(messages) for n in _names(kb, "legal_aid", "tanger"))


async def test_a_long_unclear_message_with_a_city_is_still_clarified(services: Services) -> None:
    tracker = make_tracker(
        text="my cousin told me many things about the people living near the port of Tanger",
        intent="nlu_fallback",
        entities={"city": "tanger"},
        language="en",
        slots={"topic": "legal_aid"},
    )
    messages, events = await run_action(ActionClarify(services), tracker)
    assert "city" not in slot_events(events)
    assert messages and messages[0]["buttons"]


async def test_a_typed_where_question_gets_the_short_answer_a_button_does_not(
    services: Services, kb: Session
) -> None:
    typed = make_tracker(
        text="where can I see a doctor in Oujda?",
        intent="find_service_point",
        entities={"city": "oujda"},
        language="en",
        slots={"topic": "health_care", "city": "oujda"},
    )
    messages, _ = await run_action(ActionServicePoints(services), typed)
    assert _short(kb, "health_care", "en") in texts(messages)
    button = make_tracker(
        text='/find_service_point{"topic":"health_care"}',
        intent="find_service_point",
        language="en",
        slots={"topic": "health_care", "city": "oujda"},
    )
    messages, _ = await run_action(ActionServicePoints(services), button)
    assert _short(kb, "health_care", "en") not in texts(messages)
    assert any(n in texts(messages) for n in _names(kb, "health_care", "oujda"))


@pytest.mark.parametrize(
    ("where", "warned"),
    [({"lat": 34.6814, "lon": -1.9086}, True), ({"lat": 34.0209, "lon": -6.8416}, False)],
    ids=["oujda", "rabat"],
)
async def test_asylum_near_me_warns_about_the_journey_only_far_from_rabat(
    services: Services, where: dict[str, float], warned: bool
) -> None:
    tracker = make_tracker(
        text="where can I ask for asylum near me",
        intent="ask_asylum",
        language="en",
        location=where,
    )
    messages, events = await run_action(ActionAnswerTopic(services), tracker)
    assert (TRAVEL in texts(messages)) is warned
    assert slot_events(events)["city"] == "__location__"


async def test_a_message_not_understood_at_all_is_queued_for_review(services: Services) -> None:
    """No likely topic: "say it differently", and the command that queues the question."""
    unclear = make_tracker(text="zzz qqq", intent="nlu_fallback", language="en")
    messages, _ = await run_action(ActionClarify(services), unclear)
    commands = [(m.get("custom") or {}).get("dalil") for m in messages]
    assert "unanswered" in commands
    assert messages[0]["text"]  # the sentence comes first, with the action's note
    offering = make_tracker(
        text="my landlord wants me out", intent="nlu_fallback", language="en",
        intent_ranking=[
            {"name": "nlu_fallback", "confidence": 0.6},
            {"name": "ask_housing", "confidence": 0.3},
            {"name": "ask_social_assistance", "confidence": 0.25},
        ],
    )  # fmt: skip
    messages, _ = await run_action(ActionClarify(services), offering)
    assert "unanswered" not in [(m.get("custom") or {}).get("dalil") for m in messages]
