"""Emergency numbers: from the knowledge base, else from the catalogs (it must always answer)."""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.types import DomainDict

from actions.common import DalilAction, Reply
from actions.payloads import person_button
from dalil.i18n import gettext, isolate
from knowledge.repository import EmergencyContact, get_emergency_contacts


def fallback_text(language: str) -> str:
    """The emergency numbers of knowledge-sources.md §5, for when the knowledge base is down."""
    # Translators: keep one number per line; the numbers must not change.
    return gettext(
        language,
        "If you are in danger, call now:\n"
        "- Police: {police}\n"
        "- Ambulance and fire brigade: {ambulance}\n"
        "- Civil protection: {civil}\n"
        "- Royal Gendarmerie (outside towns): {gendarmerie}\n"
        "- Women victims of violence (Kolonamaak): {women}\n"
        "- Children in danger: {children}",
        police=isolate("19", language),
        ambulance=isolate("150", language),
        civil=isolate("15", language),
        gendarmerie=isolate("177", language),
        women=isolate("8350", language),
        children=isolate("2511", language),
    )


def contacts_text(language: str, contacts: list[EmergencyContact]) -> str:
    """The knowledge base's numbers, one per line, with their notes."""
    lines = [gettext(language, "If you are in danger, call now:")]
    for contact in contacts:
        line = f"- {contact.label}: {isolate(contact.number, language)}"
        if contact.note:
            line += f" ({contact.note})"
        if contact.uncertain:
            # Translators: appended to an emergency number that could not be fully confirmed.
            line += " " + gettext(language, "[may have changed]")
        lines.append(line)
    return "\n".join(lines)


class ActionEmergency(DalilAction):
    """`emergency`: the numbers to call, always, even when the knowledge base is down."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_emergency"

    insight_kind = "emergency"

    async def respond(self, reply: Reply, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        """Send the numbers of the knowledge base, or the catalog's if it has none."""
        language = reply.language
        contacts = await self.query(lambda s: get_emergency_contacts(s, language=language))
        text = contacts_text(language, contacts) if contacts else fallback_text(language)
        reply.say(text, [person_button(language)])
        return []

    async def degraded(self, reply: Reply, tracker: Tracker) -> list[EventType]:
        """The knowledge base is down: the numbers from the catalog."""
        reply.say(fallback_text(reply.language), [person_button(reply.language)])
        return []
