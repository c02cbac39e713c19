"""Where to go: by city and topic, by shared location, paging, open now, no match in a city."""

from __future__ import annotations

import pytest
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.orm import Session

from actions.common import Services
from actions.route import ActionRouteInform
from actions.service_points import (
    LOCATION,
    ActionServicePoints,
    ValidateServicePointForm,
    format_phone,
    point_text,
)
from dalil.i18n import gettext
from dalil.languages import LANGUAGES
from knowledge.cities import city_name
from knowledge.opening import is_open
from knowledge.repository import (
    count_service_points,
    find_service_points,
    nearest_city_with,
    nearest_service_points,
)
from tests.actions.actionkit import (
    DOMAIN,
    MONDAY_MORNING,
    SUNDAY_NOON,
    make_tracker,
    payloads,
    run_action,
    slot_events,
    texts,
)

RABAT = {"lat": 34.0209, "lon": -6.8416}


@pytest.mark.parametrize("language", LANGUAGES)
async def test_city_and_topic(services: Services, kb: Session, language: str) -> None:
    """At most three places, each with name, address, phone, open now, languages and whom it serves."""
    expected = find_service_points(kb, city_id="rabat", topic_id="asylum", limit=3)
    total = count_service_points(kb, city_id="rabat", topic_id="asylum")
    assert expected
    tracker = make_tracker(language=language, slots={"topic": "asylum", "city": "rabat"})
    messages, _ = await run_action(ActionServicePoints(services), tracker)
    point_messages = [m for m in messages if any(p.name in (m.get("text") or "") for p in expected)]
    assert len(point_messages) == len(expected)
    for point, message in zip(expected, point_messages, strict=True):
        text = message["text"]
        assert point.address in text
        for phone in point.phones:
            assert format_phone(phone.number, language) in text
        if point.hours:
            now_open = is_open(point.hours, services.clock())
            word = "Open now. Hours: {hours}" if now_open else "Closed now. Hours: {hours}"
            assert gettext(language, word, hours="").strip() in text
    header = messages[0]["text"]
    assert city_name("rabat", language) in header
    if total > 3:
        assert '/inform{"more":"3"}' in payloads(messages)
    assert payloads(messages)[-1] == "/ask_capabilities"


def test_open_and_closed_follow_the_clock(kb: Session) -> None:
    """The same place is open on Monday morning and closed on Sunday (Casablanca time)."""
    point = next(
        p
        for p in find_service_points(kb, city_id="rabat", limit=50)
        if is_open(p.hours, MONDAY_MORNING)
    )
    assert "Open now." in point_text(point, "en", MONDAY_MORNING)
    assert "Closed now." in point_text(point, "en", SUNDAY_NOON)
    assert "Ouvert maintenant." in point_text(point, "fr", MONDAY_MORNING)


async def test_more_pages_through_the_rest(services: Services, kb: Session) -> None:
    """The "more" button's offset shows the next places, and the last page has no "more"."""
    total = count_service_points(kb, city_id="rabat")
    assert total > 6
    second = find_service_points(kb, city_id="rabat", limit=3, offset=3)
    tracker = make_tracker(
        intent="inform", entities={"more": "3"}, language="fr", slots={"city": "rabat"}
    )
    messages, _ = await run_action(ActionRouteInform(services), tracker)
    for point in second:
        assert point.name in texts(messages)
    assert '/inform{"more":"6"}' in payloads(messages)
    last = make_tracker(
        intent="inform", entities={"more": str(total - 1)}, language="fr", slots={"city": "rabat"}
    )
    messages, _ = await run_action(ActionRouteInform(services), last)
    assert not any(p.startswith('/inform{"more"') for p in payloads(messages))


async def test_nearest_to_shared_location(services: Services, kb: Session) -> None:
    """A shared location lists the nearest places first, with their distance."""
    nearest = nearest_service_points(
        kb, lat=RABAT["lat"], lon=RABAT["lon"], topic_id="legal_aid", limit=3
    )
    tracker = make_tracker(
        language="es", location=RABAT, slots={"topic": "legal_aid", "city": LOCATION}
    )
    messages, _ = await run_action(ActionServicePoints(services), tracker)
    names = [m["text"].splitlines()[0] for m in messages if "km" in (m.get("text") or "")]
    assert names == [p.name for p, _ in nearest]
    assert f"A unos {nearest[0][1]:.1f} km" in texts(messages)


async def test_no_place_in_city_offers_nearest_city(services: Services, kb: Session) -> None:
    """Kenitra has no office for asylum: say so, and list the nearest city's."""
    assert count_service_points(kb, city_id="kenitra", topic_id="asylum") == 0
    other = nearest_city_with(kb, city_id="kenitra", topic_id="asylum")
    assert other is not None
    tracker = make_tracker(language="en", slots={"topic": "asylum", "city": "kenitra"})
    messages, events = await run_action(ActionServicePoints(services), tracker)
    assert f"The nearest city where I know one is {city_name(other, 'en')}" in messages[0]["text"]
    first = find_service_points(kb, city_id=other, topic_id="asylum", limit=1)[0]
    assert first.name in texts(messages)
    assert slot_events(events)["city"] == other


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("Casablanca", "casablanca"),
        ("casa blanca", "casablanca"),
        ("طنجة", "tanger"),
        ("Fès", "fes"),
    ],
)
def test_form_resolves_city_spellings(said: str, expected: str) -> None:
    """Any spelling becomes the canonical id."""
    dispatcher = CollectingDispatcher()
    result = ValidateServicePointForm().validate_city(said, dispatcher, make_tracker(), DOMAIN)
    assert result == {"city": expected}


def test_form_rejects_unknown_city_in_users_language() -> None:
    """An unknown city is asked again, explained in the user's language."""
    dispatcher = CollectingDispatcher()
    result = ValidateServicePointForm().validate_city(
        "Atlantis", dispatcher, make_tracker(language="es"), DOMAIN
    )
    assert result == {"city": None}
    assert "Atlantis" in dispatcher.messages[0]["text"]
    assert dispatcher.messages[0]["text"].startswith("No conozco la ciudad")


async def test_form_takes_shared_location_as_city() -> None:
    """A location shared while the form runs fills `city` with `__location__`."""
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(location=RABAT, active_loop={"name": "service_point_form"})
    extracted = await ValidateServicePointForm().extract_city(dispatcher, tracker, DOMAIN)
    assert extracted == {"city": LOCATION}
    assert await ValidateServicePointForm().extract_city(dispatcher, make_tracker(), DOMAIN) == {}


async def test_city_alone_sets_slot_and_asks_topic(services: Services) -> None:
    """`inform{"city": ...}` outside a form remembers the city and asks which help is needed."""
    tracker = make_tracker(intent="inform", entities={"city": "Tanger"}, language="fr")
    messages, events = await run_action(ActionRouteInform(services), tracker)
    assert slot_events(events)["city"] == "tanger"
    assert messages == [
        {"response": "utter_ask_topic", **{k: v for k, v in messages[0].items() if k != "response"}}
    ]


async def test_knowledge_base_down(broken_services: Services) -> None:
    """No exception reaches Rasa: a localised apology instead."""
    tracker = make_tracker(language="en", slots={"topic": "asylum", "city": "rabat"})
    messages, _ = await run_action(ActionServicePoints(broken_services), tracker)
    assert texts(messages).startswith("Sorry, I cannot answer right now.")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("asylum", "asylum"),
        ("اللجوء", "asylum"),
        ("la santé", "health_care"),
        ("Salud", "health_care"),
        ("l'asile", "asylum"),
        ("emergency_numbers", None),
        ("pizza", None),
    ],
)
def test_form_topic_from_any_language(value: str, expected: str | None) -> None:
    """A topic entity in words (the NLU's raw value) becomes the topic id."""
    result = ValidateServicePointForm().validate_topic(
        value, CollectingDispatcher(), make_tracker(), DOMAIN
    )
    assert result == {"topic": expected}


async def test_form_topic_from_a_typed_menu_title() -> None:
    """Typing "Santé" when asked which help is needed fills the topic, even without an entity."""
    tracker = make_tracker(
        text="Santé",
        intent="greet",
        slots={"requested_slot": "topic"},
        active_loop={"name": "service_point_form"},
    )
    extracted = await ValidateServicePointForm().extract_topic(
        CollectingDispatcher(), tracker, DOMAIN
    )
    assert extracted == {"topic": "health_care"}
    other = make_tracker(text="Santé", slots={"requested_slot": "city"})
    assert (
        await ValidateServicePointForm().extract_topic(CollectingDispatcher(), other, DOMAIN) == {}
    )


async def test_location_alone_outside_a_form(services: Services, kb: Session) -> None:
    """A bare `/inform` with a location lists the nearest places for the topic already known."""
    nearest = nearest_service_points(
        kb, lat=RABAT["lat"], lon=RABAT["lon"], topic_id="asylum", limit=1
    )
    tracker = make_tracker(
        text="/inform", intent="inform", language="en", location=RABAT, slots={"topic": "asylum"}
    )
    messages, events = await run_action(ActionRouteInform(services), tracker)
    assert slot_events(events)["city"] == LOCATION
    assert nearest[0][0].name in texts(messages)
    # No topic yet: remember the location and ask which help is needed.
    tracker = make_tracker(text="/inform", intent="inform", language="en", location=RABAT)
    messages, events = await run_action(ActionRouteInform(services), tracker)
    assert slot_events(events)["city"] == LOCATION
    assert messages[0]["response"] == "utter_ask_topic"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("donde pido asilo cerca de mi", "asylum"),
        ("where can I ask for asylum near me", "asylum"),
        ("فين نمشي نطلب اللجوء قريب مني", "asylum"),
        ("je cherche un endroit pour la santé à Fès", "health_care"),
        ("where can I see a doctor?", "health_care"),
        ("asylum or housing near me", None),
    ],
)
async def test_form_finds_a_topic_title_in_the_request(text: str, expected: str | None) -> None:
    """When the NLU tagged no topic, one topic title inside the request fills it (two: none)."""
    tracker = make_tracker(
        text=text, intent="find_service_point", active_loop={"name": "service_point_form"}
    )
    extracted = await ValidateServicePointForm().extract_topic(
        CollectingDispatcher(), tracker, DOMAIN
    )
    assert extracted == ({"topic": expected} if expected else {})
