"""When Rasa is unsure: offer the two most likely topics and a person."""

from __future__ import annotations

import re

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.types import DomainDict

from actions.common import DalilAction, Reply
from actions.route import ActionRouteInform
from actions.topics import TOPICS
from dalil.i18n import gettext
from replies.payloads import (
    UNANSWERED_COMMAND,
    another_question_button,
    person_button,
    topic_button,
)

# A follow-up names a city or a status in a few words ("and in Tanger?", "y en Tánger?").
FOLLOW_UP_MAX_WORDS = 4


def is_follow_up(tracker: Tracker) -> bool:
    """A short message that only adds a city or a status to the topic being discussed."""
    if tracker.get_slot("topic") not in TOPICS:
        return False
    message = tracker.latest_message or {}
    text = message.get("text")
    entities = [e for e in message.get("entities") or [] if e.get("entity") in ("city", "status")]
    if not isinstance(text, str) or text.startswith("/") or not entities:
        return False
    rest = text
    for found in sorted(entities, key=lambda e: -int(e.get("start") or 0)):
        start, end = found.get("start"), found.get("end")
        if isinstance(start, int) and isinstance(end, int):
            rest = rest[:start] + " " + rest[end:]
    return len(re.findall(r"\w+", rest)) <= FOLLOW_UP_MAX_WORDS


def likely_topics(tracker: Tracker, limit: int = 2) -> list[str]:
    """The `limit` topics Rasa found most likely, from `intent_ranking`."""
    ranking = (tracker.latest_message or {}).get("intent_ranking") or []
    ordered = sorted(ranking, key=lambda item: float(item.get("confidence") or 0), reverse=True)
    topics: list[str] = []
    for item in ordered:
        name = str(item.get("name") or "")
        if name.startswith("ask_") and name[4:] in TOPICS and name[4:] not in topics:
            topics.append(name[4:])
        if len(topics) == limit:
            break
    return topics


class ActionClarify(DalilAction):
    """`nlu_fallback`: "did you mean …?" with the likely topics and "talk to a person"."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_clarify"

    insight_kind = "clarify"

    async def respond(self, reply: Reply, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        """Continue the topic for a short follow-up; else offer the likely topics, else the
        menu, and always a person."""
        if is_follow_up(tracker):
            return await ActionRouteInform(self.services).respond(reply, tracker, domain)
        language = reply.language
        topics = likely_topics(tracker)
        if topics:
            text = gettext(
                language, "I am not sure I understood. Is your question about one of these?"
            )
            buttons = [topic_button(language, t) for t in topics]
            # The gateway keeps the question with the topic the person then picks (review loop).
            reply.notes["offered"] = [f"ask_{t}" for t in topics]
        else:
            text = gettext(
                language,
                "Sorry, I did not understand. Can you say it differently, in a few words? "
                "You can also choose a subject or talk to a person.",
            )
            buttons = [another_question_button(language)]
        reply.say(text, [*buttons, person_button(language)])
        if not topics:
            # Not understood at all: the gateway queues the question for review.
            reply.command(UNANSWERED_COMMAND)
        return []
