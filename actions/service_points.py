"""Where to go: service points by city and topic, or nearest to a shared location."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

import phonenumbers
from babel import Locale
from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict
from sqlalchemy.orm import Session

from actions.common import (
    DalilAction,
    KeepsLanguage,
    Reply,
    entity,
    latest_intent,
    message_metadata,
    shared_location,
    tracker_language,
)
from actions.topics import (
    TOPICS,
    answer_topic,
    checked_on,
    fact_freshness,
    freshness_notice,
    resolve_topic,
    topic_named_in,
)
from dalil.i18n import (
    BABEL_LOCALES,
    gettext,
    isolate,
    join,
    ngettext,
    rtl_lines,
    status_title,
    topic_title,
)
from knowledge.cities import cities, cities_named_in, city_name, resolve_city
from knowledge.geo import haversine_km
from knowledge.opening import MOROCCO, hours_text, is_open
from knowledge.repository import (
    Phone,
    ServicePointView,
    count_service_points,
    find_service_points,
    nearest_city_with,
    nearest_service_points,
)
from replies.payloads import another_question_button, more_button, person_button

log = logging.getLogger(__name__)

# The `city` slot's value when the user shared a location instead of naming a city.
LOCATION = "__location__"
# Where UNHCR and the national offices are: a person naming it beside another city is asking
# whether to travel there from the other one, where they are.
CAPITAL = "rabat"
# A shared location this close to Rabat's centre (Salé, Témara) needs no travel warning.
NEAR_CAPITAL_KM = 30.0


def format_phone(number: str, language: str) -> str:
    """A phone number as people dial it from abroad or Morocco, kept left to right."""
    try:
        parsed = phonenumbers.parse(number, "MA")
        shown = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    except phonenumbers.NumberParseException:
        shown = number
    return isolate(shown, language)


def language_names(codes: tuple[str, ...], language: str) -> str:
    """Language codes as names in `language` ("French, Arabic")."""
    locale = Locale.parse(BABEL_LOCALES[language])
    return join(
        [isolate(locale.languages.get(code, code), language, direction="auto") for code in codes],
        language,
    )


def phone_text(phone: Phone, language: str) -> str:
    """A number with its own label and hours, e.g. "+212 6… (Protection hotline, Fri 09:00–12:00)"."""
    shown = format_phone(phone.number, language)
    if phone.kind == "whatsapp":
        shown += " (WhatsApp)"
    about = []
    label = phone.label(language)
    if label:
        about.append(isolate(label, language, direction="auto"))
    if phone.hours:
        about.append(hours_text(phone.hours, language))
    if (phone.verified_at is not None or phone.sources) and fact_freshness(
        phone.verified_at, phone.sources
    ) != "checked":
        # Translators: after a phone number whose own check is old or missing.
        about.append(gettext(language, "number not checked recently"))
    separator = "؛ " if language == "ar" else "; "  # the Arabic semicolon
    return f"{shown} ({separator.join(about)})" if about else shown


def open_status(point: ServicePointView, at: datetime, language: str) -> str:
    """Open now, closed now, or unknown hours (then: call first)."""
    if not point.hours:
        return gettext(language, "Opening hours unknown: call before you go.")
    hours = hours_text(point.hours, language)
    if is_open(point.hours, at):
        # Translators: {hours} lists the opening hours, e.g. "Mon 09:00–15:00, Tue 09:00–15:00".
        return gettext(language, "Open now. Hours: {hours}", hours=hours)
    # Translators: {hours} lists the opening hours, e.g. "Mon 09:00–15:00, Tue 09:00–15:00".
    return gettext(language, "Closed now. Hours: {hours}", hours=hours)


def point_text(
    point: ServicePointView, language: str, at: datetime, distance_km: float | None = None
) -> str:
    """One service point: name, address, phones, open now, languages, whom it serves."""
    lines = [isolate(point.name, language, direction="auto")]
    if point.address:
        lines.append(isolate(point.address, language, direction="auto"))
    if distance_km is not None:
        # Translators: distance from the user's shared location; {km} is a number.
        lines.append(
            gettext(language, "About {km} km away", km=isolate(f"{distance_km:.1f}", language))
        )
    phones = join([phone_text(p, language) for p in point.phones], language)
    if phones:
        lines.append(gettext(language, "Phone: {phones}", phones=phones))
    lines.append(open_status(point, at, language))
    if point.languages:
        lines.append(
            gettext(
                language,
                "Languages spoken: {languages}",
                languages=language_names(point.languages, language),
            )
        )
    if point.serves:
        serves = join([status_title(language, s) for s in point.serves], language)
        lines.append(gettext(language, "Helps: {statuses}", statuses=serves))
    description, _used = point.description(language)
    if description:
        lines.append(description)
    if point.uncertain or point.approximate:
        lines.append(gettext(language, "These details may have changed: call before you go."))
    lines.append(checked_on(language, point.verified_at))
    stale = freshness_notice(
        language,
        point.verified_at,
        point.sources,
        who=isolate(point.organisation, language, direction="auto"),
    )
    if stale:
        lines.append(stale)
    return rtl_lines("\n".join(lines), language)


def city_asked(tracker: Tracker) -> str | None:
    """The city the latest message asks about, `LOCATION` for a shared location, or None.

    A `city` entity first, else a city named in the text by an exact spelling. When several
    are named ("Do I have to go to Rabat? I am in Oujda"), the last one that is not the
    capital: that is where the person is.
    """
    named = [
        c for c in (resolve_city(str(v)) for v in tracker.get_latest_entity_values("city")) if c
    ]
    text = (tracker.latest_message or {}).get("text")
    if not named and isinstance(text, str) and not text.startswith("/"):
        named = cities_named_in(text)
    if named:
        elsewhere = [c for c in named if c != CAPITAL]
        return (elsewhere or named)[-1]
    if isinstance(message_metadata(tracker).get("location"), dict):
        return LOCATION
    return None


def topic_and_city_asked(tracker: Tracker) -> tuple[str, str] | None:
    """(topic, city) when the latest typed message names both ("ayuda legal en Tánger")."""
    text = (tracker.latest_message or {}).get("text")
    if not isinstance(text, str) or text.startswith("/"):
        return None
    topic_id = resolve_topic(entity(tracker, "topic")) or topic_named_in(text)
    city_id = city_asked(tracker)
    if topic_id in TOPICS and city_id is not None:
        return topic_id, city_id
    return None


def near_capital(tracker: Tracker, city_id: str | None) -> bool:
    """Whether the person is in Rabat or, for a shared location, within a short trip of it."""
    if city_id != LOCATION:
        return city_id == CAPITAL
    location = shared_location(tracker)
    capital = cities().get(CAPITAL)
    if location is None or capital is None:
        return False
    return haversine_km(*location, capital.lat, capital.lon) <= NEAR_CAPITAL_KM


def travel_notice(
    language: str, topic_id: str | None, city_id: str | None, tracker: Tracker
) -> str | None:
    """For asylum outside Rabat: the first step needs no journey, and the journey has a risk."""
    if topic_id != "asylum" or city_id is None or near_capital(tracker, city_id):
        return None
    # Translators: said with the asylum answer to someone outside Rabat. Travelling without
    # papers exposes people to arrest; UNHCR registers requests by phone and WhatsApp.
    return gettext(
        language,
        "You do not have to travel to Rabat first to ask for asylum: you can ask UNHCR to "
        "register you by phone or WhatsApp (the numbers above). Travelling without papers can "
        "expose you to arrest on the way. The places below can help you where you are.",
    )


async def answer_with_places(
    action: DalilAction, reply: Reply, tracker: Tracker, topic_id: str, city_id: str
) -> list[EventType]:
    """A topic question naming a city or sent with a location: the short answer, then the
    places for that topic there (shared with `action_answer_topic`)."""
    await answer_topic(action, reply, topic_id, tracker.get_slot("status"))
    notice = travel_notice(reply.language, topic_id, city_id, tracker)
    if notice:
        reply.say(notice)
    tracker.slots.update({"topic": topic_id, "city": city_id})
    return [
        SlotSet("topic", topic_id),
        SlotSet("city", city_id),
        *await list_points(action, reply, tracker, offset=0),
    ]


class ValidateServicePointForm(KeepsLanguage, FormValidationAction):
    """Fill `topic` and `city` of `service_point_form`; a shared location stands for a city."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "validate_service_point_form"

    async def extract_city(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """A location shared with this message fills `city` with `__location__`."""
        if latest_intent(tracker) == "emergency":
            return {}  # The form must reject the message so the emergency rule answers.
        if isinstance(message_metadata(tracker).get("location"), dict):
            return {"city": LOCATION}
        return {}

    async def extract_topic(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """A topic in words the NLU did not tag: a typed menu title answering "which help?"
        ("Santé"), or a topic's title inside the request that opened the form ("asilo")."""
        intent = latest_intent(tracker)
        if intent == "emergency" or tracker.get_slot("topic") in TOPICS:
            return {}
        text = (tracker.latest_message or {}).get("text")
        if tracker.get_slot("requested_slot") == "topic":
            topic_id = resolve_topic(text)
        elif intent == "find_service_point":
            topic_id = topic_named_in(text)
        else:
            return {}
        return {"topic": topic_id} if topic_id in TOPICS else {}

    def validate_topic(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Keep only topics we know, whatever words named them."""
        topic_id = resolve_topic(value)
        return {"topic": topic_id if topic_id in TOPICS else None}

    def validate_city(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Resolve any spelling to the canonical city id, or ask again."""
        if value == LOCATION:
            return {"city": LOCATION}
        city_id = resolve_city(value) if isinstance(value, str) else None
        if city_id is None:
            language = tracker_language(tracker)
            dispatcher.utter_message(
                text=gettext(
                    language,
                    'I do not know the city "{city}". Check the spelling, write a bigger '
                    "city nearby, or share your location.",
                    city=isolate(str(value or ""), language, direction="auto"),
                )
            )
            return {"city": None}
        return {"city": city_id}


class ActionServicePoints(DalilAction):
    """After the form: the first page of service points, or the nearest ones to the location."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_service_points"

    async def respond(self, reply: Reply, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        """List the places for the slots' topic and city; when one typed message asked for
        both ("where can I see a doctor in Oujda?"), the topic's short answer comes first."""
        topic_id = tracker.get_slot("topic")
        asked = topic_and_city_asked(tracker)
        if latest_intent(tracker) == "find_service_point" and asked and asked[0] == topic_id:
            await answer_topic(self, reply, topic_id, tracker.get_slot("status"))
            notice = travel_notice(reply.language, topic_id, tracker.get_slot("city"), tracker)
            if notice:
                reply.say(notice)
        return await list_points(self, reply, tracker, offset=0)


async def list_points(
    action: DalilAction, reply: Reply, tracker: Tracker, *, offset: int
) -> list[EventType]:
    """A page of service points (shared with the "more" button of `action_route_inform`)."""
    topic_id = tracker.get_slot("topic")
    city_id = tracker.get_slot("city")
    topic_id = topic_id if topic_id in TOPICS else None
    if city_id == LOCATION:
        location = shared_location(tracker)
        if location is not None:
            return await _nearest(action, reply, topic_id, location, offset)
        city_id = None
    if not city_id:
        reply.response("utter_ask_city")
        return []
    return await _in_city(action, reply, topic_id, city_id, offset)


async def _in_city(
    action: DalilAction, reply: Reply, topic_id: str | None, city_id: str, offset: int
) -> list[EventType]:
    """Places in a city, or the nearest city that has one."""
    language = reply.language
    per_page = action.services.points_per_page

    def load(session: Session) -> tuple[int, list[ServicePointView], str | None]:
        total = count_service_points(session, city_id=city_id, topic_id=topic_id)
        points = find_service_points(
            session, city_id=city_id, topic_id=topic_id, limit=per_page, offset=offset
        )
        other = None
        if total == 0 and topic_id is not None:
            other = nearest_city_with(session, city_id=city_id, topic_id=topic_id)
        return total, points, other

    total, points, other = await action.query(load)
    now = action.services.clock()
    topic = topic_title(language, topic_id) if topic_id else None
    city = isolate(city_name(city_id, language), language, direction="auto")
    if total == 0:
        if other and other != city_id:
            other_name = isolate(city_name(other, language), language, direction="auto")
            reply.say(
                gettext(
                    language,
                    "I know no place for {topic} in {city}. The nearest city where I know one is {other}:",
                    topic=topic or "",
                    city=city,
                    other=other_name,
                )
            )
            return [SlotSet("city", other), *await _in_city(action, reply, topic_id, other, 0)]
        reply.say(
            gettext(
                language,
                "I know no place for this in {city} yet. A person from a partner association can help you find one.",
                city=city,
            ),
            [person_button(language), another_question_button(language)],
        )
        return []
    if not points:
        reply.say(
            gettext(language, "That is all the places I know."), [another_question_button(language)]
        )
        return []
    if offset == 0:
        header = (
            # Translators: {topic} is a subject such as "School"; {city} a city's name.
            ngettext(
                language,
                "{n} place for {topic} in {city}:",
                "{n} places for {topic} in {city}:",
                total,
                topic=topic,
                city=city,
            )
            if topic
            else ngettext(
                language, "{n} place in {city}:", "{n} places in {city}:", total, city=city
            )
        )
        reply.say(header)
    for point in points:
        reply.say(point_text(point, language, now.astimezone(MOROCCO)))
    reply.note(topic=topic_id, facts=[f"point:{p.id}" for p in points], rateable=True)
    await action.served([("service_point", p.id) for p in points])
    shown = offset + len(points)
    buttons = [another_question_button(language)]
    if shown < total:
        buttons.insert(0, more_button(language, shown))
    reply.say(
        gettext(
            language,
            "Places {first} to {last} of {total}.",
            first=offset + 1,
            last=shown,
            total=total,
        ),
        buttons,
    )
    return []


async def _nearest(
    action: DalilAction,
    reply: Reply,
    topic_id: str | None,
    location: tuple[float, float],
    offset: int,
) -> list[EventType]:
    """Places nearest to the shared location, nearest first."""
    language = reply.language
    per_page = action.services.points_per_page
    lat, lon = location
    # One more than the page, to know whether a "more" button is needed.
    found = await action.query(
        lambda s: nearest_service_points(
            s, lat=lat, lon=lon, topic_id=topic_id, limit=offset + per_page + 1
        )
    )
    page = found[offset : offset + per_page]
    if not page:
        reply.say(
            gettext(language, "That is all the places I know."), [another_question_button(language)]
        )
        return []
    now = action.services.clock()
    if offset == 0:
        header = (
            gettext(
                language, "The nearest places for {topic}:", topic=topic_title(language, topic_id)
            )
            if topic_id
            else gettext(language, "The nearest places:")
        )
        reply.say(header)
    for point, distance in page:
        reply.say(point_text(point, language, now.astimezone(MOROCCO), distance))
    reply.note(topic=topic_id, facts=[f"point:{p.id}" for p, _ in page], rateable=True)
    await action.served([("service_point", p.id) for p, _distance in page])
    buttons = [another_question_button(language)]
    if len(found) > offset + per_page:
        buttons.insert(0, more_button(language, offset + per_page))
    reply.say(gettext(language, "Call before you go: hours and addresses change."), buttons)
    return []


def page_offset(value: str | None) -> int:
    """The offset carried by a "more" button, or 0."""
    try:
        return max(0, int(value or 0))
    except ValueError:
        return 0
