"""`inform` outside a form: details, the next page of places, or a city, topic or status given alone."""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.types import DomainDict

from actions.common import DalilAction, Reply, entity, message_metadata
from actions.eligibility import check_eligibility
from actions.payloads import STATUSES
from actions.service_points import LOCATION, list_points, page_offset
from actions.topics import TOPICS, answer_topic, resolve_topic, send_details
from knowledge.cities import resolve_city


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
        raw_city = entity(tracker, "city")
        city = resolve_city(raw_city) if raw_city else None
        status = entity(tracker, "status")

        if city is None and isinstance(message_metadata(tracker).get("location"), dict):
            # A location shared without text arrives as a bare `/inform` (docs/internals.md).
            city = LOCATION
        if city is not None:
            events: list[EventType] = [SlotSet("city", city)]
            if topic in TOPICS:
                tracker.slots.update({"city": city, "topic": topic})
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
