"""A new session keeps the conversation's language (and slots) and greets in it."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import ActionExecuted, EventType, SessionStarted, SlotSet
from rasa_sdk.types import DomainDict

from actions.common import DalilAction, Reply, message_metadata
from dalil.languages import Language, coerce_language
from replies.responses import render_response

# Slots Rasa manages itself; carrying them over would confuse the new session.
NOT_CARRIED = frozenset({"session_started_metadata", "requested_slot", "handover_active"})


def session_language(tracker: Tracker) -> Language:
    """The first message's language (its metadata), else the language carried over, else French."""
    started = tracker.get_slot("session_started_metadata")
    metadata: dict[str, Any] = started if isinstance(started, dict) else message_metadata(tracker)
    return coerce_language(metadata.get("language") or tracker.get_slot("language"))


class ActionSessionStart(DalilAction):
    """`action_session_start`: carry the slots over, set `language`, greet in it."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_session_start"

    # The session's start is not a user's question: no turn note.
    insight_kind = ""

    def language(self, tracker: Tracker) -> Language:
        """The language of the new session."""
        return session_language(tracker)

    async def respond(self, reply: Reply, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        """Start the session and greet with the same text as `utter_greet`, in the session's language."""
        events: list[EventType] = [SessionStarted()]
        carry = (domain.get("session_config") or {}).get("carry_over_slots_to_new_session", True)
        if carry:
            events.extend(
                SlotSet(name, value)
                for name, value in tracker.current_slot_values().items()
                if value is not None and name not in NOT_CARRIED and name != "language"
            )
        events.append(SlotSet("language", reply.language))
        rendered = render_response("utter_greet", reply.language)
        if rendered is not None:
            reply.say(*rendered)
        events.append(ActionExecuted("action_listen"))
        return events
