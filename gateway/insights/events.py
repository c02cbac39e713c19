"""Turn and feedback events, recorded where the gateway sees each turn's outcome.

The action server attaches a small note to its answers (`{"insight": {...}}` as a custom
message: topic, intent, city, ids of the facts shown, and whether the answer may be rated), and
the NLG endpoint does the same for `utter_*` responses. The gateway reads the notes of a turn,
decides its outcome and writes one event: no text, no pseudonym (see `models.py`).

Feedback (👍 / 👎) buttons are payloads the gateway answers itself, never sent to Rasa, so the
model needs no new intent.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Protocol

from redis.asyncio import Redis
from redis.exceptions import RedisError
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from dalil.i18n import gettext
from gateway import metrics
from gateway.admin.models import utcnow
from gateway.insights.models import FeedbackEvent, TurnEvent
from gateway.schemas import Button, Message
from knowledge.opening import MOROCCO
from knowledge.schema import TOPICS
from replies.payloads import person_button

if TYPE_CHECKING:
    from gateway.conversation import Inbound, Reply

log = logging.getLogger(__name__)

NOTE_KEY = "insight"
FEEDBACK_PAYLOAD = "/dalil_feedback"
REPHRASE_PAYLOAD = "/dalil_rephrase"
# Responses the NLG endpoint renders when the bot did not understand.
FALLBACK_RESPONSES = frozenset({"utter_default", "utter_out_of_scope"})
MAX_FACTS_CHARS = 512
# Gateway commands that mean the reply carries the emergency numbers (gateway/safety.py).
EMERGENCY_COMMANDS = frozenset({"emergency", "danger"})


def notes_of(raw: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The insight notes among Rasa's REST messages (custom messages the user never sees)."""
    notes = []
    for item in raw:
        custom = item.get("custom")
        if isinstance(custom, dict) and isinstance(custom.get(NOTE_KEY), dict):
            notes.append(custom[NOTE_KEY])
    return notes


@dataclass(frozen=True)
class TurnFacts:
    """What an event records about one turn."""

    outcome: str
    topic: str = ""
    intent: str = ""
    city: str = ""
    facts: tuple[str, ...] = ()
    # A topic answer or a list of service points: the user may rate it.
    rateable: bool = False


def _text(value: object, limit: int = 64) -> str:
    return value[:limit] if isinstance(value, str) else ""


def classify(reply: Reply) -> TurnFacts:
    """The outcome of a turn, from the bot's commands and the actions' notes."""
    notes = reply.notes
    kinds = {str(n.get("kind") or "") for n in notes}
    responses = {str(n.get("response") or "") for n in notes}
    topic = next((t for n in notes if (t := _text(n.get("topic"))) in TOPICS), "")
    intent = next((i for n in notes if (i := _text(n.get("intent")))), "")
    city = next((c for n in notes if (c := _text(n.get("city")))), "")
    facts = tuple(
        dict.fromkeys(
            str(f)[:80] for n in notes for f in n.get("facts") or [] if isinstance(f, str)
        )
    )
    # The emergency numbers count as an emergency however they came: the action, or the
    # gateway's own danger check (gateway/safety.py), even with Rasa down.
    if "emergency" in kinds or intent == "emergency" or EMERGENCY_COMMANDS & set(reply.commands):
        outcome = "emergency"
    elif reply.degraded:
        outcome = "unavailable"
    elif "handover_active" in reply.commands:
        outcome = "staff"
    elif "handover" in reply.commands:
        outcome = "handover"
    elif "clarify" in kinds:
        outcome = "clarified"
    elif "unanswered" in reply.commands or responses & FALLBACK_RESPONSES:
        outcome = "fallback"
    else:
        outcome = "answered"
    rateable = outcome == "answered" and bool(topic) and any(n.get("rateable") for n in notes)
    return TurnFacts(outcome, topic, intent, city, facts, rateable)


def parse_feedback(text: str) -> tuple[str, str] | None:
    """(topic, vote) from a feedback button's payload, else None."""
    if not text.startswith(FEEDBACK_PAYLOAD):
        return None
    try:
        body = json.loads(text[len(FEEDBACK_PAYLOAD) :] or "{}")
    except ValueError:
        return None
    if not isinstance(body, dict):
        return None
    topic, vote = body.get("topic"), body.get("vote")
    if topic not in TOPICS or vote not in ("up", "down"):
        return None
    return str(topic), str(vote)


def feedback_payload(topic: str, vote: str) -> str:
    """The payload of a feedback button."""
    return FEEDBACK_PAYLOAD + json.dumps({"topic": topic, "vote": vote}, separators=(",", ":"))


def feedback_prompt(language: str, topic: str) -> Message:
    """ "Was this useful? 👍 👎" under a topic answer or a list of places."""
    return Message(
        # Translators: asked once under an answer; the user taps thumbs up or thumbs down.
        text=gettext(language, "Was this answer useful?"),
        buttons=[
            # Translators: feedback button; keep the emoji first.
            Button(title=gettext(language, "👍 Useful"), payload=feedback_payload(topic, "up")),
            # Translators: feedback button; keep the emoji first.
            Button(
                title=gettext(language, "👎 Not useful"), payload=feedback_payload(topic, "down")
            ),
        ],
    )


def feedback_thanks(language: str, vote: str) -> Message:
    """The answer to a vote; a 👎 offers to ask differently or to talk to a person."""
    if vote == "up":
        # Translators: answer to a 👍 on an answer.
        return Message(text=gettext(language, "Thank you, this helps us improve the answers."))
    person = person_button(language)
    return Message(
        # Translators: answer to a 👎 on an answer.
        text=gettext(
            language,
            "Sorry this did not help. You can ask your question differently, or talk to a person.",
        ),
        buttons=[
            # Translators: button after a 👎; the user then writes the question again.
            Button(title=gettext(language, "Ask differently"), payload=REPHRASE_PAYLOAD),
            Button(title=person["title"], payload=person["payload"]),
        ],
    )


def rephrase_message(language: str) -> Message:
    """What "ask differently" answers."""
    return Message(
        # Translators: the user pressed "Ask differently" after a 👎.
        text=gettext(
            language,
            "Write your question again in other words, in a few words: what you need and in which town.",
        )
    )


class FeedbackMemory(Protocol):
    """Which topics a conversation was asked to rate, and which it rated."""

    async def offer(self, sender: str, topic: str, facts: tuple[str, ...]) -> bool:
        """Remember the prompt; False when this topic was already offered to this conversation."""

    async def take_vote(self, sender: str, topic: str) -> tuple[str, ...] | None:
        """The facts of the prompt, once; None when never offered or already rated."""


class InMemoryFeedbackMemory:
    """One process; bounded. Redis replaces it when several gateways run."""

    def __init__(self, capacity: int = 100_000) -> None:
        self._items: OrderedDict[str, dict[str, Any]] = OrderedDict()
        self._capacity = capacity

    def _entry(self, sender: str) -> dict[str, Any]:
        entry = self._items.setdefault(sender, {"offered": {}, "voted": set()})
        self._items.move_to_end(sender)
        while len(self._items) > self._capacity:
            self._items.popitem(last=False)
        return entry

    async def offer(self, sender: str, topic: str, facts: tuple[str, ...]) -> bool:
        """Remember the prompt; False when already offered."""
        entry = self._entry(sender)
        if topic in entry["offered"]:
            return False
        entry["offered"][topic] = facts
        return True

    async def take_vote(self, sender: str, topic: str) -> tuple[str, ...] | None:
        """The prompt's facts, once."""
        entry = self._entry(sender)
        if topic not in entry["offered"] or topic in entry["voted"]:
            return None
        entry["voted"].add(topic)
        return tuple(entry["offered"][topic])


class RedisFeedbackMemory:
    """`FeedbackMemory` in Redis: one hash per conversation, forgotten after a quiet period."""

    def __init__(
        self, redis: Redis, *, prefix: str = "dalil:", ttl_seconds: int = 30 * 86400
    ) -> None:
        self._redis = redis
        self._prefix = prefix
        self._ttl = ttl_seconds

    def key(self, sender: str) -> str:
        """The Redis key of a conversation's feedback state."""
        return f"{self._prefix}feedback:{sender}"

    async def offer(self, sender: str, topic: str, facts: tuple[str, ...]) -> bool:
        """Remember the prompt; False when already offered."""
        key = self.key(sender)
        added = await self._redis.hsetnx(key, f"offered:{topic}", json.dumps(list(facts)))
        await self._redis.expire(key, self._ttl)
        return bool(added)

    async def take_vote(self, sender: str, topic: str) -> tuple[str, ...] | None:
        """The prompt's facts, once."""
        key = self.key(sender)
        offered = await self._redis.hget(key, f"offered:{topic}")
        if offered is None or not await self._redis.hsetnx(key, f"voted:{topic}", "1"):
            return None
        return tuple(json.loads(offered))


def feedback_memory(redis: Redis | None, *, prefix: str = "dalil:") -> FeedbackMemory:
    """Shared through Redis when there is one."""
    return (
        RedisFeedbackMemory(redis, prefix=prefix) if redis is not None else InMemoryFeedbackMemory()
    )


def local_day(moment: datetime) -> date:
    """The day in Morocco, which is what "per day" means on the dashboard."""
    return moment.astimezone(MOROCCO).date()


@dataclass
class Insights:
    """Records turn and feedback events and adds the feedback prompt; never fails a turn."""

    engine: Engine
    key: bytes
    memory: FeedbackMemory = field(default_factory=InMemoryFeedbackMemory)
    clock: Callable[[], datetime] = utcnow

    def conversation_key(self, sender: str, day: date) -> str:
        """A keyed hash of the sender and the day: counts a day's conversations, links nothing."""
        digest = hmac.new(self.key, f"insights|{day.isoformat()}|{sender}".encode(), hashlib.sha256)
        return digest.hexdigest()[:16]

    def _write(self, row: TurnEvent | FeedbackEvent) -> None:
        with Session(self.engine) as session:
            session.add(row)
            session.commit()

    async def _store(self, row: TurnEvent | FeedbackEvent) -> None:
        try:
            await asyncio.to_thread(self._write, row)
        except SQLAlchemyError:
            # Analytics must never cost a user an answer.
            metrics.KNOWLEDGE_ERRORS.labels(process="gateway", where="insights").inc()
            log.warning("insight event not recorded")

    def owns(self, text: str) -> bool:
        """Whether a message is one of the gateway's own buttons (feedback, ask differently)."""
        stripped = text.strip()
        return stripped == REPHRASE_PAYLOAD or stripped.startswith(FEEDBACK_PAYLOAD)

    async def intercept(self, inbound: Inbound, language: str) -> list[Message] | None:
        """Answer a feedback or "ask differently" button here; None for anything else."""
        if inbound.text.strip() == REPHRASE_PAYLOAD:
            return [rephrase_message(language)]
        parsed = parse_feedback(inbound.text.strip())
        if parsed is None:
            return None
        topic, vote = parsed
        try:
            facts = await self.memory.take_vote(inbound.sender, topic)
        except RedisError:
            facts = None
            log.warning("feedback memory unavailable; vote not counted")
        if facts is not None:
            now = self.clock()
            day = local_day(now)
            await self._store(
                FeedbackEvent(
                    occurred_at=now,
                    day=day,
                    conversation=self.conversation_key(inbound.sender, day),
                    channel=inbound.channel[:16],
                    language=language,
                    topic=topic,
                    vote=vote,
                    facts=",".join(facts)[:MAX_FACTS_CHARS],
                )
            )
            metrics.FEEDBACK.labels(vote=vote).inc()
        return [feedback_thanks(language, vote)]

    async def observe(self, inbound: Inbound, reply: Reply, seconds: float) -> None:
        """Record the turn's event, and add the feedback prompt when the answer may be rated."""
        turn = classify(reply)
        now = self.clock()
        day = local_day(now)
        log.info(
            "turn",
            extra={
                "channel": inbound.channel,
                "language": reply.language,
                "outcome": turn.outcome,
                "topic": turn.topic,
                "ms": round(seconds * 1000, 1),
            },
        )
        metrics.TURNS.labels(channel=inbound.channel, outcome=turn.outcome).inc()
        metrics.TURN_SECONDS.labels(channel=inbound.channel).observe(seconds)
        await self._store(
            TurnEvent(
                occurred_at=now,
                day=day,
                conversation=self.conversation_key(inbound.sender, day),
                channel=inbound.channel[:16],
                language=reply.language,
                city=turn.city,
                topic=turn.topic,
                intent=turn.intent,
                outcome=turn.outcome,
                latency_ms=round(seconds * 1000),
                facts=",".join(turn.facts)[:MAX_FACTS_CHARS],
            )
        )
        if not turn.rateable:
            return
        try:
            first = await self.memory.offer(inbound.sender, turn.topic, turn.facts)
        except RedisError:
            return
        if first:
            reply.messages.append(feedback_prompt(reply.language, turn.topic))
