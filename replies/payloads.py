"""Button payloads of docs/internals.md, built in one place (shared by the actions and `/nlg`).

Pure functions with no rasa-sdk import, so the gateway can use them too.
"""

from __future__ import annotations

import json
from typing import TypedDict

from dalil.i18n import TOPIC_TITLES, gettext, language_name, status_title, topic_title
from dalil.languages import LANGUAGES

# The twelve topics a user can ask about, in menu order (emergency numbers have their own intent).
MENU_TOPICS: tuple[str, ...] = tuple(t for t in TOPIC_TITLES if t != "emergency_numbers")
# Every topic id of the knowledge base, emergency numbers included (eligibility rules cover them).
ALL_TOPICS: tuple[str, ...] = tuple(TOPIC_TITLES)
STATUSES: tuple[str, ...] = ("refugee", "asylum_seeker", "regular_migrant", "undocumented", "minor")


# The command an action sends when it did not understand: the gateway queues the question
# for review (gateway/staff/handover.py).
UNANSWERED_COMMAND = "unanswered"


class Button(TypedDict):
    """A button as Rasa and the gateway exchange it."""

    title: str
    payload: str


def payload(intent: str, **entities: str) -> str:
    """`/intent{"entity":"value"}`, compact, the way Rasa parses a payload."""
    if not entities:
        return f"/{intent}"
    return f"/{intent}{json.dumps(entities, ensure_ascii=False, separators=(',', ':'))}"


def button(title: str, intent: str, **entities: str) -> Button:
    """One button."""
    return {"title": title, "payload": payload(intent, **entities)}


def topic_button(language: str, topic_id: str) -> Button:
    """Ask about a topic."""
    return button(topic_title(language, topic_id), f"ask_{topic_id}")


def topic_buttons(language: str, topics: tuple[str, ...] = MENU_TOPICS) -> list[Button]:
    """One button per topic, in menu order."""
    return [topic_button(language, t) for t in topics]


def status_buttons(language: str) -> list[Button]:
    """One button per administrative status."""
    return [button(status_title(language, s), "inform", status=s) for s in STATUSES]


def details_button(language: str, topic_id: str) -> Button:
    """Show a topic's details."""
    # Translators: button under a short answer; shows the full answer.
    return button(gettext(language, "More details"), "inform", detail=topic_id)


def where_button(language: str, topic_id: str) -> Button:
    """Find where to go for a topic."""
    # Translators: button under an answer; lists the offices that can help.
    return button(gettext(language, "Where to go"), "find_service_point", topic=topic_id)


def another_question_button(language: str) -> Button:
    """Back to the menu."""
    # Translators: button that shows the menu of subjects again.
    return button(gettext(language, "Another question"), "ask_capabilities")


def more_button(language: str, offset: int) -> Button:
    """Next page of service points."""
    # Translators: button that shows the next places in a list of offices.
    return button(gettext(language, "Show more places"), "inform", more=str(offset))


def person_button(language: str) -> Button:
    """Talk to a person."""
    # Translators: button that asks for a human (an NGO worker) to take over the conversation.
    return button(gettext(language, "Talk to a person"), "human_handover")


def leave_handover_button(language: str) -> Button:
    """Back to the bot while waiting for a person (the gateway handles `/leave_handover`)."""
    # Translators: button shown while a person (NGO staff) handles the conversation.
    return button(gettext(language, "Continue with the bot"), "leave_handover")


def emergency_button(language: str) -> Button:
    """Emergency numbers."""
    # Translators: button that shows the emergency phone numbers.
    return button(gettext(language, "Emergency"), "emergency")


def yes_no_buttons(language: str) -> list[Button]:
    """Yes and no."""
    # Translators: "yes" button of a confirmation question.
    yes = button(gettext(language, "Yes"), "affirm")
    # Translators: "no" button of a confirmation question.
    no = button(gettext(language, "No"), "deny")
    return [yes, no]


def language_buttons(current: str) -> list[Button]:
    """Switch to each other language, titled in that language."""
    return [
        button(language_name(code), "choose_language", language=code)
        for code in LANGUAGES
        if code != current
    ]
