"""Topic questions: a short sourced answer in the user's language, details on request."""

from __future__ import annotations

import re
from datetime import date
from functools import cache
from pathlib import Path

from components.textnorm import fold, separator_pattern
from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.types import DomainDict

from actions.common import DalilAction, Reply, entity, latest_intent
from actions.settings import get_settings
from dalil.i18n import format_date, gettext, status_title, topic_title
from dalil.languages import LANGUAGES
from dalil.wordlists import load_word_lists
from knowledge.content import today
from knowledge.repository import Source, TopicAnswer, get_topic_answer
from knowledge.staleness import Freshness, freshness
from replies.payloads import (
    ALL_TOPICS,
    MENU_TOPICS,
    another_question_button,
    details_button,
    person_button,
    where_button,
)

TOPICS: frozenset[str] = frozenset(MENU_TOPICS)
_ARTICLES = re.compile(r"^(?:la|le|les|l|el|los|las|the|a|an)\s+")
_PUNCTUATION = separator_pattern("¿¡")


def _normalise(text: str) -> str:
    """Lowercase, no accents or Arabic diacritics, no leading article, single spaces."""
    return _ARTICLES.sub("", fold(text, separators=_PUNCTUATION)).strip()


@cache
def _topic_names() -> dict[str, str]:
    """Every topic's id and menu title in the four languages, normalised, mapped to its id."""
    names: dict[str, str] = {}
    for topic_id in ALL_TOPICS:
        names[_normalise(topic_id)] = topic_id
        for language in LANGUAGES:
            names.setdefault(_normalise(topic_title(language, topic_id)), topic_id)
    return names


def resolve_topic(value: object) -> str | None:
    """A topic id from an id, or from a menu title typed in any language ("la santé", "الصحة")."""
    if not isinstance(value, str):
        return None
    if value in ALL_TOPICS:
        return value
    return _topic_names().get(_normalise(value))


@cache
def _topic_words() -> dict[str, tuple[str, ...]]:
    """The words of `topic_words.yml`, normalised, by topic."""
    raw = load_word_lists(Path(__file__).with_name("topic_words.yml"))
    return {
        topic: tuple(_normalise(w.rstrip("*")) + ("*" if w.endswith("*") else "") for w in words)
        for topic, words in raw.items()
        if topic in ALL_TOPICS
    }


_ARABIC_LETTER = re.compile("[\u0600-\u06ff]")


def _word_matches(word: str, tokens: list[str]) -> bool:
    if _ARABIC_LETTER.search(word):
        return any(word in token for token in tokens)
    if word.endswith("*"):
        return any(token.startswith(word[:-1]) for token in tokens)
    return word in tokens


def topic_named_in(text: object) -> str | None:
    """The one topic named in `text` by its menu title or one of its words ("donde pido asilo
    cerca", "فين نقدر نتعالج"), if only one is."""
    if not isinstance(text, str):
        return None
    normalised = _normalise(text)
    padded = f" {normalised} "
    found = {
        topic_id for name, topic_id in _topic_names().items() if name and f" {name} " in padded
    }
    if not found:
        tokens = normalised.split()
        found = {
            topic_id
            for topic_id, words in _topic_words().items()
            if any(_word_matches(word, tokens) for word in words)
        }
    return found.pop() if len(found) == 1 else None


def topic_of(tracker: Tracker) -> str | None:
    """The topic asked about: the `ask_<topic>` intent, else the `topic` entity, else the slot."""
    intent = latest_intent(tracker)
    if intent.startswith("ask_") and intent[4:] in TOPICS:
        return intent[4:]
    for candidate in (resolve_topic(entity(tracker, "topic")), tracker.get_slot("topic")):
        if candidate in TOPICS:
            return candidate
    return None


def checked_on(language: str, verified_at: date | None) -> str:
    """ "checked on 29 November 2026", or that the date is unknown."""
    if verified_at is None:
        # Translators: shown instead of a verification date that is missing.
        return gettext(language, "date of check unknown")
    # Translators: {date} is a full date, e.g. "29 November 2026".
    return gettext(language, "checked on {date}", date=format_date(verified_at, language))


def source_line(language: str, sources: tuple[Source, ...], verified_at: date | None) -> str:
    """ "Source: <title> (<url>), checked on <date>" for the first source."""
    if not sources:
        # Translators: {checked} is "checked on <date>".
        return gettext(
            language, "Source: not given ({checked})", checked=checked_on(language, verified_at)
        )
    first = sources[0]
    # Translators: {title} is a document's title, {url} its address, {checked} "checked on <date>".
    return gettext(
        language,
        "Source: {title} ({url}), {checked}",
        title=first.title,
        url=first.url,
        checked=checked_on(language, verified_at),
    )


def fact_freshness(verified_at: date | None, sources: tuple[Source, ...]) -> Freshness:
    """Whether a fact is checked, unverified or stale, with the configured age limit."""
    return freshness(
        verified_at,
        sources,
        today=today(),
        stale_after_days=get_settings().kb_stale_after_days,
    )


def freshness_notice(
    language: str, verified_at: date | None, sources: tuple[Source, ...], *, who: str | None = None
) -> str | None:
    """Said with an unverified or stale fact: that it may be wrong, and who can confirm it.

    `who` names the organisation of a service point; a topic or rule sends the user to the
    organisations listed under the "Where to go" button.
    """
    state = fact_freshness(verified_at, sources)
    if state == "checked":
        return None
    if who is not None:
        if state == "unverified":
            # Translators: {who} is an organisation's name, e.g. "UNHCR".
            return gettext(
                language,
                "These details have not been checked against a source yet: ask {who} to "
                "confirm them before you go.",
                who=who,
            )
        # Translators: {who} is an organisation's name, e.g. "UNHCR".
        return gettext(
            language,
            "These details were checked some time ago and may have changed: ask {who} to "
            "confirm them before you go.",
            who=who,
        )
    where = gettext(language, "Where to go")
    if state == "unverified":
        # Translators: {where} is the title of the button that lists offices ("Where to go").
        return gettext(
            language,
            "This information has not been checked against a source yet: before you act on "
            "it, ask one of the organisations under “{where}” to confirm it.",
            where=where,
        )
    # Translators: {where} is the title of the button that lists offices ("Where to go").
    return gettext(
        language,
        "This information was checked some time ago and may have changed: before you act "
        "on it, ask one of the organisations under “{where}” to confirm it.",
        where=where,
    )


def notices(language: str, *, uncertain: bool, fallback: bool, missing: bool) -> list[str]:
    """Warnings the user must read before acting on an answer."""
    lines = []
    if fallback:
        if missing:
            # Translators: the answer that follows is in French because no translation exists yet.
            lines.append(
                gettext(
                    language,
                    "This answer is not available in your language yet, so here it is in French.",
                )
            )
        else:
            # Translators: the translation exists but is older than the French text, so French is shown.
            lines.append(
                gettext(
                    language,
                    "The translation of this answer is being updated, so here is the French version, which is current.",
                )
            )
    if uncertain:
        lines.append(
            gettext(
                language,
                "Part of this information could not be fully confirmed or may have changed: "
                "check with an association or the office before you act on it.",
            )
        )
    return lines


def answer_text(language: str, answer: TopicAnswer, status: str | None) -> str:
    """Short answer, the line for the user's status if known, sourcing and notices."""
    parts = [answer.short_answer.strip()]
    for_status = answer.by_status.get(status or "")
    if for_status:
        # Translators: {status} is e.g. "Asylum seeker"; {text} what applies to that status.
        parts.append(
            gettext(
                language,
                "For you ({status}): {text}",
                status=status_title(language, status or ""),
                text=for_status,
            )
        )
    if answer.legal_basis:
        # Translators: {basis} names laws or circulars.
        parts.append(gettext(language, "Legal basis: {basis}", basis=answer.legal_basis))
    parts.append(source_line(language, answer.sources, answer.verified_at))
    stale = freshness_notice(language, answer.verified_at, answer.sources)
    if stale:
        parts.append(stale)
    parts.extend(
        notices(
            language,
            uncertain=answer.uncertain,
            fallback=answer.fallback,
            missing=answer.translation_status == "missing",
        )
    )
    return "\n\n".join(parts)


def no_answer_text(language: str, topic_id: str) -> str:
    """When the knowledge base has no checked answer for a topic yet."""
    return gettext(
        language,
        "I do not have a checked answer about {topic} yet. An association or the offices "
        "below can help you.",
        topic=topic_title(language, topic_id),
    )


class ActionAnswerTopic(DalilAction):
    """`ask_<topic>`: the short answer, sourced, with details / where to go / another question."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_answer_topic"

    async def respond(self, reply: Reply, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        """Answer the topic the user asked about, with the places in the city they named."""
        # Imported here: service_points builds on this module's answers.
        from actions.service_points import answer_with_places, city_asked

        topic_id = topic_of(tracker)
        if topic_id is None:
            reply.response("utter_capabilities")
            return []
        city_id = city_asked(tracker)
        if city_id is not None:
            return await answer_with_places(self, reply, tracker, topic_id, city_id)
        await answer_topic(self, reply, topic_id, tracker.get_slot("status"))
        offer_alerts(reply, topic_id, tracker.get_slot("city"))
        return [SlotSet("topic", topic_id)]


def offer_alerts(reply: Reply, topic_id: str, city: object) -> None:
    """Ask the gateway to offer alerts on this topic (and city): it renders the consent text."""
    place = city if isinstance(city, str) and city and not city.startswith("__") else ""
    reply.command(f"alert_offer:{topic_id}:{place}")


async def answer_topic(
    action: DalilAction, reply: Reply, topic_id: str, status: str | None
) -> None:
    """Send a topic's short answer (shared with `action_route_inform`)."""
    language = reply.language
    answer = await action.query(lambda s: get_topic_answer(s, topic_id=topic_id, language=language))
    if answer is None:
        reply.say(
            no_answer_text(language, topic_id),
            [where_button(language, topic_id), person_button(language)],
        )
        return
    buttons = [where_button(language, topic_id), another_question_button(language)]
    if answer.details.strip():
        buttons.insert(0, details_button(language, topic_id))
    reply.say(answer_text(language, answer, status), buttons)
    reply.note(topic=topic_id, facts=[f"topic:{topic_id}"], rateable=True)
    await action.served([("topic_translation", f"{topic_id}/{answer.language}")])


async def send_details(action: DalilAction, reply: Reply, topic_id: str) -> None:
    """Send a topic's details with every source."""
    language = reply.language
    answer = await action.query(lambda s: get_topic_answer(s, topic_id=topic_id, language=language))
    if answer is None:
        reply.say(
            no_answer_text(language, topic_id),
            [where_button(language, topic_id), person_button(language)],
        )
        return
    parts = [answer.details.strip() or answer.short_answer.strip()]
    if answer.sources:
        # Translators: heading of the list of sources under a detailed answer.
        lines = [
            gettext(
                language, "Sources ({checked}):", checked=checked_on(language, answer.verified_at)
            )
        ]
        lines.extend(f"- {source.title}: {source.url}" for source in answer.sources)
        parts.append("\n".join(lines))
    stale = freshness_notice(language, answer.verified_at, answer.sources)
    if stale:
        parts.append(stale)
    parts.extend(
        notices(
            language,
            uncertain=answer.uncertain,
            fallback=answer.fallback,
            missing=answer.translation_status == "missing",
        )
    )
    reply.say(
        "\n\n".join(parts), [where_button(language, topic_id), another_question_button(language)]
    )
    reply.note(topic=topic_id, facts=[f"topic:{topic_id}"], rateable=True)
    await action.served([("topic_translation", f"{topic_id}/{answer.language}")])
