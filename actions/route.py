"""`inform` outside a form: details, the next page of places, or a city, topic or status given alone."""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.types import DomainDict

from actions.common import DalilAction, Reply, entity
from actions.eligibility import check_eligibility
from actions.service_points import (
    answer_with_places,
    city_asked,
    list_points,
    page_offset,
    topic_and_city_asked,
    travel_notice,
)
from actions.topics import TOPICS, answer_topic, resolve_topic, send_details
from replies.payloads import STATUSES


class ActionRouteInform(DalilAction):
    """Route an `inform` message by the entity it carries (docs/internals.md)."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_route_inform"

    async def respond(self, reply: Reply, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        """Details, more places, places in a city or near a location, a topic's answer, or eligibility."""
        detail = entity(tracker, "detail")
        if detail in TOPICS:
            await send_details(self, reply, detail)
            return [SlotSet("topic", detail)]
        more = entity(tracker, "more")
        if more is not None:
            return await list_points(self, reply, tracker, offset=page_offset(more))

        topic_entity = resolve_topic(entity(tracker, "topic"))
        topic = topic_entity if topic_entity in TOPICS else tracker.get_slot("topic")
        # A city named, or a location shared without text (a bare `/inform`, docs/internals.md).
        city = city_asked(tracker)
        status = entity(tracker, "status")

        if city is not None:
            asked = topic_and_city_asked(tracker)
            if asked is not None:
                # The topic is named in this very message: its answer, then the places.
                return await answer_with_places(self, reply, tracker, asked[0], city)
            events: list[EventType] = [SlotSet("city", city)]
            if topic in TOPICS:
                # "and in Tanger?": the places for the topic already being discussed.
                tracker.slots.update({"city": city, "topic": topic})
                notice = travel_notice(reply.language, topic, city, tracker)
                if notice:
                    reply.say(notice)
                return [
                    *events,
                    SlotSet("topic", topic),
                    *await list_points(self, reply, tracker, offset=0),
                ]
            reply.response("utter_ask_topic")
            return events
        if status in STATUSES:
            need = tracker.get_slot("need")
            focus = need if need in TOPICS else topic if topic in TOPICS else None
            if focus is None:
                reply.response("utter_ask_need")
                return [SlotSet("status", status)]
            await check_eligibility(self, reply, status, focus)
            return [SlotSet("status", status)]
        if topic_entity in TOPICS:
            await answer_topic(self, reply, topic_entity, tracker.get_slot("status"))
            return [SlotSet("topic", topic_entity)]
        reply.response("utter_default")
        return []
