"""Switching the conversation's language on request."""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.types import DomainDict

from actions.common import DalilAction, Reply, entity, tracker_language
from dalil.i18n import gettext, language_name
from dalil.languages import LANGUAGES, Language, coerce_language
from replies.payloads import another_question_button, language_buttons


def requested_language(tracker: Tracker) -> Language | None:
    """The language the user asked for (the `language` entity), if it is one we speak."""
    value = entity(tracker, "language")
    if value is None:
        return None
    code = coerce_language(value, default="fr")
    return code if value.strip().lower()[:2] in LANGUAGES else None


class ActionSetLanguage(DalilAction):
    """`choose_language`: answer from now on in the language asked for."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_set_language"

    def language(self, tracker: Tracker) -> Language:
        """The new language, so the confirmation is already in it."""
        return requested_language(tracker) or tracker_language(tracker)

    async def respond(self, reply: Reply, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        """Confirm in the new language, or offer the four languages."""
        chosen = requested_language(tracker)
        if chosen is None:
            # Translators: shown with one button per language, each titled in its own language.
            reply.say(
                gettext(reply.language, "Which language do you prefer?"), language_buttons("")
            )
            return []
        # Translators: {language} is the language's own name, e.g. "English", "العربية".
        text = gettext(
            chosen,
            "All right, I will answer in {language}. What do you need?",
            language=language_name(chosen),
        )
        reply.say(text, [another_question_button(chosen)])
        return [SlotSet("language", chosen)]
