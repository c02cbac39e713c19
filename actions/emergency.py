"""Emergency numbers: from the knowledge base, else from the fallback generated from the content."""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.types import DomainDict

from actions.common import DalilAction, Reply
from knowledge.emergency import contacts_text, fallback_text
from knowledge.repository import get_emergency_contacts
from replies.payloads import person_button

# Tells the gateway the numbers were sent, so its own danger check does not repeat them.
EMERGENCY_COMMAND = "emergency"


class ActionEmergency(DalilAction):
    """`emergency`: the numbers to call, always, even when the knowledge base is down."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_emergency"

    insight_kind = "emergency"
    # A person in danger never gets silence: a bug here still sends the generated numbers.
    answers_despite_bugs = True

    async def respond(self, reply: Reply, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        """Send the numbers of the knowledge base, or the fallback's if it has none."""
        language = reply.language
        contacts = await self.query(lambda s: get_emergency_contacts(s, language=language))
        text = contacts_text(language, contacts) if contacts else fallback_text(language)
        reply.say(text, [person_button(language)])
        reply.command(EMERGENCY_COMMAND)
        return []

    async def degraded(self, reply: Reply, tracker: Tracker) -> list[EventType]:
        """The knowledge base is down: the numbers generated from the content at build time."""
        reply.say(fallback_text(reply.language), [person_button(reply.language)])
        reply.command(EMERGENCY_COMMAND)
        return []
