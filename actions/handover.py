"""Handing the conversation over to a person from a partner association."""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.types import DomainDict

from actions.common import DalilAction, KnowledgeUnavailable, Reply
from dalil.i18n import gettext, isolate
from knowledge.emergency import ROLES, role_number
from knowledge.repository import get_emergency_contacts
from replies.payloads import emergency_button, leave_handover_button


def handover_text(language: str, police: str, ambulance: str) -> str:
    """What the user reads while waiting for a person."""
    return gettext(
        language,
        "I am asking a person from a partner association to answer you here. They will "
        "write as soon as they can, usually during office hours. In an emergency, call the "
        "police on {police} or an ambulance on {ambulance}.",
        police=isolate(police, language),
        ambulance=isolate(ambulance, language),
    )


class ActionHandover(DalilAction):
    """`human_handover`: tell the user, and tell the gateway with `{"dalil": "handover"}`."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_handover"

    async def respond(self, reply: Reply, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        """Announce the handover with the emergency numbers of the knowledge base."""
        language = reply.language
        # The fallback generated from the content, unless the knowledge base has newer numbers.
        numbers = {role: role_number(role) for role in ROLES}
        try:
            contacts = await self.query(lambda s: get_emergency_contacts(s, language=language))
            by_id = {c.id: c.number for c in contacts}
            for role, ids in ROLES.items():
                numbers[role] = next((by_id[i] for i in ids if i in by_id), numbers[role])
        except KnowledgeUnavailable:
            pass  # The handover matters more than the numbers' source.
        reply.say(
            handover_text(language, numbers["police"], numbers["ambulance"]),
            [emergency_button(language), leave_handover_button(language)],
        )
        reply.command("handover")
        return [SlotSet("handover_active", True)]
