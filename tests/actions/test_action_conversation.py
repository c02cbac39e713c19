"""Emergency, handover, language, deletion, clarification and session start."""

from __future__ import annotations

import pytest
from rasa_sdk import Tracker
from sqlalchemy.orm import Session

from actions.clarify import ActionClarify
from actions.common import Services
from actions.emergency import ActionEmergency
from actions.handover import ActionHandover
from actions.language import ActionSetLanguage
from actions.privacy import ActionDeleteMyData
from actions.route import ActionRouteInform
from actions.session import ActionSessionStart
from dalil.i18n import LRI, PDI
from dalil.languages import LANGUAGES
from gateway.staff.handover import LEAVE_PAYLOAD
from knowledge.emergency import build_fallback, role_number
from knowledge.repository import get_emergency_contacts
from replies.responses import render_response
from tests.actions.actionkit import make_tracker, payloads, run_action, slot_events, texts

# The fallback is generated from the content: every number of emergency.yml.
FALLBACK_NUMBERS = tuple(c["number"] for c in build_fallback()["contacts"])


@pytest.mark.parametrize("language", LANGUAGES)
async def test_emergency_from_knowledge_base(
    services: Services, kb: Session, language: str
) -> None:
    """Every number of the knowledge base, with its label in the user's language."""
    contacts = get_emergency_contacts(kb, language=language)
    assert contacts
    messages, _ = await run_action(
        ActionEmergency(services), make_tracker(intent="emergency", language=language)
    )
    text = texts(messages)
    for contact in contacts:
        assert contact.label in text
        assert contact.number in text
    assert payloads(messages) == ["/human_handover"]


@pytest.mark.parametrize("language", LANGUAGES)
async def test_emergency_without_knowledge_base(broken_services: Services, language: str) -> None:
    """The database is down: the numbers generated from the content, never an apology."""
    messages, _ = await run_action(
        ActionEmergency(broken_services), make_tracker(intent="emergency", language=language)
    )
    text = texts(messages)
    for number in FALLBACK_NUMBERS:
        assert (f"{LRI}{number}{PDI}" if language == "ar" else f": {number}") in text
    assert "Sorry" not in text and "Désolé" not in text


async def test_handover(services: Services) -> None:
    """Tell the user, tell the gateway, remember the handover."""
    messages, events = await run_action(
        ActionHandover(services), make_tracker(intent="human_handover", language="es")
    )
    assert messages[0]["text"].startswith("Pido a una persona")
    assert role_number("police") in messages[0]["text"]
    assert role_number("ambulance") in messages[0]["text"]
    assert {"dalil": "handover"} in [m.get("custom") for m in messages]
    # The way back to the bot, which the gateway's handover desk understands.
    assert payloads(messages)[-1] == LEAVE_PAYLOAD
    assert slot_events(events) == {"handover_active": True, "language": "es"}


async def test_handover_without_knowledge_base(broken_services: Services) -> None:
    """The handover still happens when the database is down."""
    messages, _ = await run_action(ActionHandover(broken_services), make_tracker(language="fr"))
    assert {"dalil": "handover"} in [m.get("custom") for m in messages]
    assert "19" in texts(messages)


@pytest.mark.parametrize(
    ("value", "expected"), [("ar", "ar"), ("en", "en"), ("es", "es"), ("fr", "fr")]
)
async def test_set_language(services: Services, value: str, expected: str) -> None:
    """The confirmation is already in the new language, and the slot follows."""
    tracker = make_tracker(
        intent="choose_language",
        entities={"language": value},
        language="fr" if value != "fr" else "en",
    )
    messages, events = await run_action(ActionSetLanguage(services), tracker)
    assert slot_events(events)["language"] == expected
    confirmations = {
        "ar": "حسنا، سأجيبكم",
        "en": "All right, I will answer in English",
        "es": "De acuerdo, le responderé en Español",
        "fr": "D'accord, je vous réponds en Français",
    }
    assert messages[0]["text"].startswith(confirmations[expected])


async def test_set_language_without_entity_offers_all(services: Services) -> None:
    """No recognised language: one button per language, in its own name."""
    messages, events = await run_action(
        ActionSetLanguage(services), make_tracker(intent="choose_language", language="en")
    )
    assert [b["title"] for b in messages[0]["buttons"]] == [
        "Français",
        "العربية",
        "English",
        "Español",
    ]
    assert "language" not in slot_events(events) or slot_events(events)["language"] == "en"


async def test_delete_my_data(services: Services) -> None:
    """The gateway's command is emitted after a localised confirmation."""
    messages, _ = await run_action(
        ActionDeleteMyData(services), make_tracker(intent="affirm", language="ar")
    )
    assert messages[0]["text"].startswith("تم")
    assert messages[-1]["custom"] == {"dalil": "delete_my_data"}


async def test_clarify_offers_two_likely_topics(services: Services) -> None:
    """The two best-ranked topic intents, then a person."""
    ranking = [
        {"name": "nlu_fallback", "confidence": 0.7},
        {"name": "greet", "confidence": 0.3},
        {"name": "ask_housing", "confidence": 0.2},
        {"name": "ask_asylum", "confidence": 0.25},
        {"name": "ask_legal_aid", "confidence": 0.1},
    ]
    tracker = make_tracker(intent="nlu_fallback", intent_ranking=ranking, language="en")
    messages, _ = await run_action(ActionClarify(services), tracker)
    assert payloads(messages) == ["/ask_asylum", "/ask_housing", "/human_handover"]
    assert [b["title"] for b in messages[0]["buttons"]] == ["Asylum", "Housing", "Talk to a person"]
    # The gateway keeps the question with the topic then chosen among these (review loop).
    assert messages[0]["custom"]["insight"]["offered"] == ["ask_asylum", "ask_housing"]


async def test_clarify_without_topics(services: Services) -> None:
    """Nothing topical in the ranking: the menu and a person."""
    tracker = make_tracker(
        intent="nlu_fallback", intent_ranking=[{"name": "greet", "confidence": 0.2}], language="fr"
    )
    messages, _ = await run_action(ActionClarify(services), tracker)
    assert payloads(messages) == ["/ask_capabilities", "/human_handover"]


def session_tracker(language: str | None, previous: str | None) -> Tracker:
    """A tracker at the start of a new session, the first message's metadata in the slot."""
    return make_tracker(
        language=None,
        slots={
            "language": previous,
            "city": "oujda",
            "session_started_metadata": {"language": language} if language else None,
        },
    )


async def test_session_start_greets_in_new_language(services: Services) -> None:
    """The first message's language wins; other slots are carried over; the session is listened to."""
    messages, events = await run_action(ActionSessionStart(services), session_tracker("ar", "fr"))
    greet = render_response("utter_greet", "ar")
    assert greet is not None
    assert messages[0]["text"] == greet[0]
    assert events[0]["event"] == "session_started"
    assert (events[-1]["event"], events[-1]["name"]) == ("action", "action_listen")
    slots = slot_events(events)
    assert slots["language"] == "ar"
    assert slots["city"] == "oujda"
    assert "session_started_metadata" not in slots


async def test_session_start_carries_language(services: Services) -> None:
    """No language in the metadata: the previous session's language is kept."""
    messages, events = await run_action(ActionSessionStart(services), session_tracker(None, "es"))
    assert slot_events(events)["language"] == "es"
    greet = render_response("utter_greet", "es")
    assert greet is not None and messages[0]["text"] == greet[0]


async def test_route_without_entities_says_it_did_not_understand(services: Services) -> None:
    """An `inform` with nothing usable gets the default response, not an exception."""
    messages, _ = await run_action(
        ActionRouteInform(services), make_tracker(intent="inform", language="fr")
    )
    assert messages[0]["response"] == "utter_default"


def test_action_server_registers_every_action() -> None:
    """`python -m rasa_sdk --actions actions` serves exactly the actions of docs/internals.md."""
    from rasa_sdk.executor import ActionExecutor

    executor = ActionExecutor()
    executor.register_package("actions")
    assert set(executor.actions) == {
        "action_session_start",
        "action_answer_topic",
        "action_route_inform",
        "validate_service_point_form",
        "action_service_points",
        "validate_eligibility_form",
        "action_check_eligibility",
        "action_emergency",
        "action_handover",
        "action_set_language",
        "action_delete_my_data",
        "action_clarify",
    }


async def test_form_validators_keep_the_language_slot() -> None:
    """The forms' validation actions set `language` beside a validated slot, never alone."""
    from actions.eligibility import ValidateEligibilityForm
    from actions.service_points import ValidateServicePointForm

    # Rasa extracted the city from the entity: a trailing SlotSet, as it sends it.
    tracker = make_tracker(
        language="ar",
        slots={"requested_slot": "city", "city": "Rabat"},
        active_loop={"name": "service_point_form"},
    )
    tracker.events.append({"event": "slot", "name": "city", "value": "Rabat"})
    _messages, events = await run_action(ValidateServicePointForm(), tracker)
    assert slot_events(events) == {"city": "rabat", "language": "ar"}
    # Nothing validated: no event at all, so Rasa rejects the form and other rules can answer.
    tracker = make_tracker(
        text="bla",
        language="es",
        slots={"requested_slot": "need"},
        active_loop={"name": "eligibility_form"},
    )
    _messages, events = await run_action(ValidateEligibilityForm(), tracker)
    assert slot_events(events) == {}


async def test_form_validators_set_nothing_on_emergency() -> None:
    """An emergency inside a form sets no slot, even with a shared location or a topic word."""
    from actions.eligibility import ValidateEligibilityForm
    from actions.service_points import ValidateServicePointForm

    tracker = make_tracker(
        text="Santé au secours",
        intent="emergency",
        language="fr",
        location={"lat": 34.0, "lon": -6.8},
        slots={"requested_slot": "topic"},
        active_loop={"name": "service_point_form"},
    )
    _messages, events = await run_action(ValidateServicePointForm(), tracker)
    assert slot_events(events) == {}
    tracker = make_tracker(
        text="salud",
        intent="emergency",
        language="es",
        slots={"requested_slot": "need"},
        active_loop={"name": "eligibility_form"},
    )
    _messages, events = await run_action(ValidateEligibilityForm(), tracker)
    assert slot_events(events) == {}
