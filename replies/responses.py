"""The texts of Rasa's `utter_*` responses, from the catalogs (rendered by the gateway's `/nlg`).

They live beside the actions because `action_session_start` greets with the same text, and the
actions must not depend on the gateway.
"""

from __future__ import annotations

from collections.abc import Callable

from dalil.i18n import gettext
from knowledge.cities import city_name
from knowledge.emergency import reminder_numbers
from replies.payloads import (
    Button,
    another_question_button,
    button,
    emergency_button,
    language_buttons,
    person_button,
    status_buttons,
    topic_buttons,
    yes_no_buttons,
)

# Cities offered as buttons when asking "which city?": where most migrants live (RGPH 2024).
CITY_SHORTCUTS: tuple[str, ...] = ("casablanca", "rabat", "tanger", "oujda", "fes", "marrakech")


def _menu(language: str) -> list[Button]:
    """The main menu: every topic, where to go, am I entitled, emergency."""
    return [
        *topic_buttons(language),
        # Translators: menu button; finds the offices that can help near the user.
        button(gettext(language, "Where to go near me"), "find_service_point"),
        # Translators: menu button; checks what the user's status entitles them to.
        button(gettext(language, "What am I entitled to?"), "check_eligibility"),
        emergency_button(language),
    ]


Rendered = tuple[str, list[Button]]


def _greet(language: str) -> Rendered:
    # Translators: first message of a conversation. Keep it short: it is read on a phone.
    text = gettext(
        language,
        "Hello, I am Dalil. I tell you, for free, what you are entitled to in Morocco as a "
        "migrant or refugee, and where to go: school, health care, asylum, papers, work and "
        "more. Ask your question in your own words, or choose below.",
    )
    # Translators: button that opens the menu of subjects.
    menu = button(gettext(language, "What can you do?"), "ask_capabilities")
    return text, [menu, emergency_button(language), *language_buttons(language)]


def _greet_again(language: str) -> Rendered:
    # Translators: answer to "hello" right after the welcome message (not a second welcome).
    text = gettext(language, "Hello! What do you need? Write your question or choose a subject.")
    return text, [button(gettext(language, "What can you do?"), "ask_capabilities")]


def _goodbye(language: str) -> Rendered:
    text = gettext(
        language,
        "Goodbye, take care. You can write to me again at any time. "
        "In an emergency, call the police on {police} or an ambulance on {ambulance}.",
        **reminder_numbers(language),
    )
    return text, []


def _youre_welcome(language: str) -> Rendered:
    return gettext(language, "You're welcome. Can I help you with anything else?"), [
        another_question_button(language)
    ]


def _bot_challenge(language: str) -> Rendered:
    text = gettext(
        language,
        "I am Dalil, an automatic assistant (a computer program), not a person and not a "
        "lawyer. My answers come from public sources, which I name with the date they were "
        "checked. You can ask to talk to a person at any time.",
    )
    return text, [person_button(language)]


def _capabilities(language: str) -> Rendered:
    text = gettext(
        language,
        "I can tell you what you are entitled to and where to go. Choose a subject, or "
        "write your question in your own words:",
    )
    return text, _menu(language)


def _out_of_scope(language: str) -> Rendered:
    text = gettext(
        language,
        "Sorry, I cannot help with that. I answer questions about the rights of migrants and "
        "refugees in Morocco and where to find help. Here is what I can do:",
    )
    return text, [*_menu(language), person_button(language)]


def _ask_topic(language: str) -> Rendered:
    # Translators: asked before listing offices, to know which kind of help is needed.
    return gettext(language, "What do you need help with?"), topic_buttons(language)


def _ask_city(language: str) -> Rendered:
    # Translators: asked before listing offices. "Share your location" is the phone's feature.
    text = gettext(
        language,
        "In which city are you? Write its name, or share your location.",
    )
    cities = [button(city_name(c, language), "inform", city=c) for c in CITY_SHORTCUTS]
    return text, cities


def _ask_status(language: str) -> Rendered:
    # Translators: asked before saying what a person is entitled to. Neutral, not judging.
    text = gettext(
        language,
        "To tell you what applies to you, what is your situation? "
        "Your answer is only used to answer you.",
    )
    return text, status_buttons(language)


def _ask_need(language: str) -> Rendered:
    # Translators: asked during the eligibility check, after the status.
    return gettext(language, "What do you want to know about?"), topic_buttons(language)


def _confirm_delete(language: str) -> Rendered:
    text = gettext(
        language,
        "Do you want me to delete everything you have written to me? This cannot be undone.",
    )
    return text, yes_no_buttons(language)


def _delete_cancelled(language: str) -> Rendered:
    return gettext(language, "All right, I have not deleted anything."), []


def _anything_else(language: str) -> Rendered:
    return gettext(language, "Can I help you with anything else?"), [
        another_question_button(language)
    ]


def _default(language: str) -> Rendered:
    text = gettext(
        language,
        "Sorry, I did not understand. Can you say it differently, in a few words? "
        "You can also choose a subject or talk to a person.",
    )
    return text, [another_question_button(language), person_button(language)]


def _deny_ack(language: str) -> Rendered:
    return gettext(language, "All right. If you need anything, just write to me."), []


RESPONSES: dict[str, Callable[[str], Rendered]] = {
    "utter_greet": _greet,
    # Not a domain response: what `/nlg` renders for utter_greet when the session already greeted.
    "utter_greet_again": _greet_again,
    "utter_goodbye": _goodbye,
    "utter_youre_welcome": _youre_welcome,
    "utter_bot_challenge": _bot_challenge,
    "utter_capabilities": _capabilities,
    "utter_out_of_scope": _out_of_scope,
    "utter_ask_topic": _ask_topic,
    "utter_ask_city": _ask_city,
    "utter_ask_status": _ask_status,
    "utter_ask_need": _ask_need,
    "utter_confirm_delete": _confirm_delete,
    "utter_delete_cancelled": _delete_cancelled,
    "utter_anything_else": _anything_else,
    "utter_default": _default,
    "utter_deny_ack": _deny_ack,
}


def render_response(response: str, language: str) -> Rendered | None:
    """One response's text and buttons in `language`, or None for an unknown name."""
    renderer = RESPONSES.get(response)
    return renderer(language) if renderer else None
