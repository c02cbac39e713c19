"""One user message in, the bot's messages out: the path every channel shares."""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any, Protocol

from components.danger import DangerMatch

from dalil.i18n import gettext
from dalil.languages import Language
from dalil.logging import CORRELATION_ID, correlation, new_correlation_id
from gateway.insights.events import Insights, notes_of
from gateway.language import choose_language_off_loop
from gateway.rasa import RasaClient, RasaUnavailable
from gateway.safety import (
    DANGER_COMMAND,
    EMERGENCY_COMMAND,
    EmergencyNumbers,
    danger_in,
    exemptible,
)
from gateway.schemas import Button, Location, Message
from gateway.turns import TurnLock, turn_lock
from knowledge.emergency import reminder_numbers

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Inbound:
    """A user's message as every channel hands it over, the sender already pseudonymous."""

    channel: str
    sender: str
    text: str
    language: str | None = None
    language_hint: str | None = None
    location: Location | None = None
    # The web client's address (through trusted proxies): what handover limits count by.
    client: str | None = None


@dataclass
class Reply:
    """What the bot answers, plus commands for the gateway (handover, deletion)."""

    language: Language
    messages: list[Message]
    commands: list[str] = field(default_factory=list)
    degraded: bool = False
    # The actions' insight notes (topic, facts shown…), never shown to the user.
    notes: list[dict[str, Any]] = field(default_factory=list)


class LanguageMemory(Protocol):
    """Remembers each conversation's current language."""

    async def get(self, sender: str) -> str | None:
        """The conversation's language, if known."""

    async def set(self, sender: str, language: str) -> None:
        """Remember the conversation's language."""


class InMemoryLanguageMemory:
    """A bounded per-process memory; Redis replaces it when several gateways run."""

    def __init__(self, capacity: int = 100_000) -> None:
        self._items: OrderedDict[str, str] = OrderedDict()
        self._capacity = capacity

    async def get(self, sender: str) -> str | None:
        """The conversation's language, if known."""
        language = self._items.get(sender)
        if language is not None:
            self._items.move_to_end(sender)
        return language

    async def set(self, sender: str, language: str) -> None:
        """Remember the conversation's language, forgetting the oldest beyond capacity."""
        self._items[sender] = language
        self._items.move_to_end(sender)
        while len(self._items) > self._capacity:
            self._items.popitem(last=False)

    async def forget(self, sender: str) -> None:
        """Drop a person's language (deletion request)."""
        self._items.pop(sender, None)


def apology(language: str) -> Message:
    """The message a user gets when the assistant cannot answer now."""
    return Message(
        text=gettext(
            language,
            "Sorry, I cannot answer right now. Please try again in a few minutes. "
            "In an emergency, call the police on {police} or an ambulance on {ambulance}.",
            **reminder_numbers(language),
        )
    )


def to_messages(rasa_messages: list[dict[str, Any]]) -> tuple[list[Message], list[str]]:
    """Turn Rasa's REST output into our messages, and pick out the gateway commands."""
    messages: list[Message] = []
    commands: list[str] = []
    for item in rasa_messages:
        custom = item.get("custom")
        if isinstance(custom, dict) and isinstance(custom.get("dalil"), str):
            commands.append(custom["dalil"])
        text = item.get("text")
        buttons = [
            Button(title=str(b.get("title", "")), payload=str(b.get("payload", "")))
            for b in item.get("buttons") or []
            if b.get("payload")
        ]
        if text or buttons:
            messages.append(Message(text=text or "", buttons=buttons or None))
    return messages, commands


class ConversationService:
    """Chooses the language, asks Rasa, and shapes the answer."""

    def __init__(
        self,
        rasa: RasaClient,
        languages: LanguageMemory,
        turns: TurnLock | None = None,
        *,
        emergency: EmergencyNumbers | None = None,
    ) -> None:
        self.rasa = rasa
        self.languages = languages
        self.turns: TurnLock = turns or turn_lock(None)
        # Turn events and answer feedback (gateway/insights/); off when None.
        self.insights: Insights | None = None
        self.emergency = emergency or EmergencyNumbers()

    async def resolve_language(self, inbound: Inbound) -> Language:
        """The language of this turn's answer, remembered for the next turn."""
        current = await self.languages.get(inbound.sender)
        language = await choose_language_off_loop(
            inbound.text, explicit=inbound.language, current=current, hint=inbound.language_hint
        )
        if language != current:
            await self.languages.set(inbound.sender, language)
        return language

    async def handle(self, inbound: Inbound) -> Reply:
        """Answer one message, one turn at a time per conversation; raises RasaUnavailable."""
        with correlation(new_correlation_id()):
            if self.insights is not None and self.insights.owns(inbound.text):
                language = await self.resolve_language(inbound)
                own = await self.insights.intercept(inbound, language)
                if own is not None:
                    return Reply(language=language, messages=own)
            started = time.perf_counter()
            async with self.turns.hold(inbound.sender):
                reply = await self.answer(inbound)
            if self.insights is not None:
                await self.insights.observe(inbound, reply, time.perf_counter() - started)
            return reply

    async def answer(self, inbound: Inbound) -> Reply:
        """Answer one message; raises RasaUnavailable so queued channels can retry."""
        language = await self.resolve_language(inbound)
        return await self.answer_in(inbound, language, danger_in(inbound.text))

    async def answer_in(
        self, inbound: Inbound, language: Language, danger: DangerMatch | None
    ) -> Reply:
        """Ask Rasa in `language`; a danger message gets the numbers even when Rasa fails."""
        metadata: dict[str, Any] = {
            "language": language,
            "channel": inbound.channel,
            "location": inbound.location.model_dump() if inbound.location else None,
            "correlation_id": CORRELATION_ID.get(),
        }
        try:
            raw = await self.rasa.send(sender=inbound.sender, text=inbound.text, metadata=metadata)
        except RasaUnavailable:
            if danger is None:
                raise
            log.warning("rasa unavailable; danger answered by the gateway")
            return await self.danger_reply(language, degraded=True)
        messages, commands = to_messages(raw)
        if not messages and not commands:
            # Rasa's REST channel swallows action errors and answers with an empty list.
            log.warning("rasa returned no message", extra={"channel": inbound.channel})
            if danger is not None:
                return await self.danger_reply(language, degraded=True)
            return Reply(language=language, messages=[apology(language)], degraded=True)
        reply = Reply(language=language, messages=messages, commands=commands, notes=notes_of(raw))
        if danger is not None and EMERGENCY_COMMAND not in commands and not exemptible(danger):
            # The model missed it (inside a form, say): the numbers come first all the same.
            numbers = await self.emergency.message(language)
            reply.messages.insert(0, numbers)
            reply.commands.append(DANGER_COMMAND)
        return reply

    async def danger_reply(self, language: Language, *, degraded: bool = False) -> Reply:
        """The emergency numbers alone, answered by the gateway."""
        numbers = await self.emergency.message(language)
        return Reply(
            language=language, messages=[numbers], commands=[DANGER_COMMAND], degraded=degraded
        )

    async def handle_or_apologise(self, inbound: Inbound) -> Reply:
        """Answer one message, or apologise in the user's language when Rasa is down."""
        try:
            return await self.handle(inbound)
        except RasaUnavailable as exc:
            log.warning("rasa unavailable", extra={"reason": str(exc), "channel": inbound.channel})
            language = await self.resolve_language(inbound)
            reply = Reply(language=language, messages=[apology(language)], degraded=True)
            if self.insights is not None:
                await self.insights.observe(inbound, reply, 0.0)
            return reply
