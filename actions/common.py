"""What every action shares: the knowledge base and clock it is given, the language it answers
in, and what happens when something fails: a knowledge base that cannot be read (database
errors, the deadline) gets a localised answer with the emergency numbers; a bug is logged with
its traceback and raised, never disguised as an outage (Rasa's REST channel then answers nothing
and the gateway apologises, with the numbers for a danger message)."""

from __future__ import annotations

import asyncio
import logging
import time
from abc import ABCMeta, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any, TypeVar

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from actions.metrics import ACTION_SECONDS, KNOWLEDGE_ERRORS
from actions.settings import get_settings
from dalil.clock import utcnow
from dalil.i18n import gettext
from dalil.languages import Language, coerce_language
from dalil.logging import correlation
from knowledge.db import make_engine, make_session_factory
from knowledge.emergency import reminder_numbers
from knowledge.served import record_served
from replies.payloads import Button

log = logging.getLogger(__name__)
T = TypeVar("T")


class KnowledgeUnavailable(Exception):
    """The knowledge base could not be read (down, slow, or broken)."""


# What "the knowledge base cannot be read" is: the database's own errors (down, refused, schema
# missing, locked) and the deadline. Anything else is a bug and is not caught here.
KNOWLEDGE_ERRORS_CAUGHT: tuple[type[BaseException], ...] = (SQLAlchemyError, asyncio.TimeoutError)


@dataclass(frozen=True)
class Services:
    """What actions depend on from outside, injected so tests pass their own."""

    session_factory: Callable[[], Session]
    clock: Callable[[], datetime]
    points_per_page: int = 3
    timeout_seconds: float = 5.0


@cache
def default_services() -> Services:
    """Services built from the settings, once per process (the engine keeps a pool)."""
    settings = get_settings()
    engine = make_engine(settings.database_url, pool_pre_ping=True)
    return Services(
        session_factory=make_session_factory(engine),
        clock=utcnow,
        points_per_page=settings.points_per_page,
        timeout_seconds=settings.database_timeout_seconds,
    )


def message_metadata(tracker: Tracker) -> dict[str, Any]:
    """The gateway's metadata of the latest user message (docs/internals.md)."""
    metadata = (tracker.latest_message or {}).get("metadata") or {}
    return metadata if isinstance(metadata, dict) else {}


def tracker_language(tracker: Tracker) -> Language:
    """This turn's language: message metadata, then the `language` slot, then French."""
    return coerce_language(
        message_metadata(tracker).get("language") or tracker.get_slot("language")
    )


def latest_intent(tracker: Tracker) -> str:
    """The latest message's intent name ("" when none)."""
    return str(((tracker.latest_message or {}).get("intent") or {}).get("name") or "")


def entity(tracker: Tracker, name: str) -> str | None:
    """The latest message's first value for entity `name`."""
    value = next(tracker.get_latest_entity_values(name), None)
    return str(value) if value is not None else None


def shared_location(tracker: Tracker) -> tuple[float, float] | None:
    """The most recent location the user shared in this conversation, as (lat, lon)."""
    candidates = [message_metadata(tracker)] + [
        event.get("metadata") or {}
        for event in reversed(tracker.events)
        if event.get("event") == "user"
    ]
    for metadata in candidates:
        location = metadata.get("location") if isinstance(metadata, dict) else None
        if isinstance(location, dict):
            try:
                return float(location["lat"]), float(location["lon"])
            except (KeyError, TypeError, ValueError):
                continue
    return None


def unavailable_text(language: str) -> str:
    """What the user reads when the knowledge base cannot be read."""
    return gettext(
        language,
        "Sorry, I cannot answer right now. Please try again in a few minutes. "
        "In an emergency, call the police on {police} or an ambulance on {ambulance}.",
        **reminder_numbers(language),
    )


class Reply:
    """Messages of one action in one language, sent through Rasa's dispatcher."""

    def __init__(self, dispatcher: CollectingDispatcher, language: Language) -> None:
        self.dispatcher = dispatcher
        self.language = language
        # For the gateway's turn events: topic, ids of the facts shown, whether it may be rated.
        self.notes: dict[str, Any] = {}

    def note(
        self, *, topic: str | None = None, facts: list[str] | None = None, rateable: bool = False
    ) -> None:
        """Describe what this answer showed (never the text): see gateway/insights/events.py."""
        if topic:
            self.notes["topic"] = topic
        if facts:
            self.notes["facts"] = [*self.notes.get("facts", []), *facts]
        if rateable:
            self.notes["rateable"] = True

    def say(self, text: str, buttons: list[Button] | None = None) -> None:
        """Send one text message, with buttons if any."""
        self.dispatcher.utter_message(text=text, buttons=list(buttons or []))

    def response(self, name: str) -> None:
        """Send a domain response (rendered by the NLG endpoint in the user's language)."""
        self.dispatcher.utter_message(response=name)

    def command(self, name: str) -> None:
        """Send a custom payload the gateway acts on (docs/internals.md)."""
        self.dispatcher.utter_message(json_message={"dalil": name})


def with_language(events: list[EventType], tracker: Tracker, language: Language) -> list[EventType]:
    """Add `SlotSet("language")` when the slot lags behind this turn's language."""
    if tracker.get_slot("language") == language:
        return events
    if any(e.get("event") == "slot" and e.get("name") == "language" for e in events):
        return events
    return [*events, SlotSet("language", language)]


class KeepsLanguage:
    """Mixin for rasa-sdk's form validators: their events also keep the `language` slot current."""

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        """Validate as rasa-sdk does, then add the language slot if it lags."""
        events: list[dict[str, Any]] = await super().run(dispatcher, tracker, domain)  # type: ignore[misc]
        # Only beside a real slot: a lone language SlotSet would count as "validated" and keep
        # Rasa from rejecting the form, so an emergency or another question would be swallowed.
        if not any(e.get("event") == "slot" and e.get("name") != "requested_slot" for e in events):
            return events
        return with_language(events, tracker, tracker_language(tracker))


class DalilAction(Action, metaclass=ABCMeta):
    """An action that answers in the user's language; only a bug raises to Rasa."""

    def __init__(self, services: Services | None = None) -> None:
        self._services = services

    @property
    def services(self) -> Services:
        """The injected services, else those of the settings."""
        return self._services or default_services()

    async def query(self, fn: Callable[[Session], T]) -> T:
        """Run `fn` on a fresh knowledge-base session, off the event loop and with a deadline."""
        services = self.services

        def work() -> T:
            with services.session_factory() as session:
                return fn(session)

        try:
            return await asyncio.wait_for(asyncio.to_thread(work), services.timeout_seconds)
        except KNOWLEDGE_ERRORS_CAUGHT as exc:
            KNOWLEDGE_ERRORS.labels(action=self.name()).inc()
            log.warning(
                "knowledge base unavailable",
                extra={"action": self.name(), "error": type(exc).__name__},
            )
            raise KnowledgeUnavailable(str(exc)) from exc

    async def served(self, facts: list[tuple[str, str]]) -> None:
        """Count the facts this answer showed (for the admin's re-check list); never fails a turn."""
        if not facts:
            return
        services = self.services
        day = services.clock().date()

        def work() -> None:
            with services.session_factory() as session:
                sqlite = session.get_bind().dialect.name == "sqlite"
                if sqlite:
                    # A reader holding the SQLite file must not stall the next turns behind
                    # this write: skip the count at once instead of waiting for the lock.
                    session.connection().exec_driver_sql("PRAGMA busy_timeout = 0")
                try:
                    record_served(session, facts=facts, day=day)
                    session.commit()
                finally:
                    if sqlite:
                        session.rollback()
                        session.connection().exec_driver_sql("PRAGMA busy_timeout = 5000")
                        session.commit()

        try:
            await asyncio.wait_for(asyncio.to_thread(work), services.timeout_seconds)
        except KNOWLEDGE_ERRORS_CAUGHT as exc:
            log.warning(
                "facts served not counted", extra={"action": self.name(), "error": repr(exc)}
            )
        except Exception:
            # A bug: its traceback in the log, but the answer already given stands.
            log.exception("facts served not counted", extra={"action": self.name()})

    def language(self, tracker: Tracker) -> Language:
        """The language this action answers in."""
        return tracker_language(tracker)

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        """Answer, or apologise in the user's language; always keep the `language` slot current."""
        with correlation(message_metadata(tracker).get("correlation_id")):
            started = time.perf_counter()
            language = self.language(tracker)
            reply = Reply(dispatcher, language)
            first = len(dispatcher.messages)
            outcome = "ok"
            try:
                events = await self.respond(reply, tracker, domain)
            except KnowledgeUnavailable:
                outcome = "degraded"
                events = await self.degraded(reply, tracker)
            except Exception:
                # A bug, not an outage: traceback logged, then raised to the SDK (see the top),
                # except where silence is not acceptable (the emergency numbers).
                log.exception("action failed", extra={"action": self.name()})
                if not self.answers_despite_bugs:
                    self.observe(started, "error")
                    raise
                outcome = "error"
                del dispatcher.messages[first:]
                events = await self.degraded(reply, tracker)
            self.attach_note(reply, tracker, first)
            self.observe(started, outcome)
            return with_language(events, tracker, language)

    def observe(self, started: float, outcome: str) -> None:
        """Time this run (metrics and log) under `outcome`: ok, degraded or error."""
        seconds = time.perf_counter() - started
        ACTION_SECONDS.labels(action=self.name(), outcome=outcome).observe(seconds)
        log.info(
            "action",
            extra={"action": self.name(), "outcome": outcome, "ms": round(seconds * 1000, 1)},
        )

    # What the gateway's turn event says this action did ("answer", "emergency", "clarify").
    insight_kind = "answer"
    # True where silence is never acceptable: a bug gets `degraded`'s answer (traceback logged).
    answers_despite_bugs = False

    def attach_note(self, reply: Reply, tracker: Tracker, position: int) -> None:
        """Put the insight note in the `custom` of this action's first message (Rasa sends a
        custom payload as its own message, which the gateway reads and never shows)."""
        if not self.insight_kind:
            return
        city = tracker.get_slot("city")
        note = {
            "kind": self.insight_kind,
            "action": self.name(),
            "intent": latest_intent(tracker),
            "city": city if isinstance(city, str) else "",
            **reply.notes,
        }
        own = reply.dispatcher.messages[position:]
        target = next((m for m in own if not m.get("custom")), None)
        if target is None:
            reply.dispatcher.utter_message(json_message={"insight": note})
        else:
            target["custom"] = {"insight": note}

    async def degraded(self, reply: Reply, tracker: Tracker) -> list[EventType]:
        """What to do when the knowledge base cannot be read (override to do better)."""
        reply.say(unavailable_text(reply.language))
        return []

    @abstractmethod
    async def respond(self, reply: Reply, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        """Send this action's messages and return its events."""
