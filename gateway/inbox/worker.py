"""Background workers: one sender's queue at a time, in order; many senders concurrently."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import uuid
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from tenacity import AsyncRetrying, retry_if_exception_type, stop_after_attempt, wait_exponential

from dalil.clock import utcnow
from dalil.languages import coerce_language
from gateway import metrics
from gateway.channels.base import (
    PAYLOAD_REF_PREFIX,
    Channel,
    SendFailed,
    delayed_message,
    only_text_message,
)
from gateway.conversation import ConversationService, Inbound
from gateway.inbox.models import Contact, InboundMessage
from gateway.inbox.store import InboxStore
from gateway.rasa import RasaUnavailable
from gateway.schemas import Location, Message

log = logging.getLogger(__name__)
DELETE_COMMAND = "delete_my_data"
# Sent to Rasa when a pressed button's key is unknown (e.g. a very old message): show the menu.
UNKNOWN_BUTTON_TEXT = "/ask_capabilities"
Forget = Callable[[str, int], Awaitable[None]]


def backoff(attempt: int, *, base: float = 1.0, cap: float = 300.0) -> float:
    """Exponential delay with jitter before retry number `attempt` (1, 2, …)."""
    delay = min(cap, base * 2 ** (attempt - 1))
    return delay * random.uniform(0.8, 1.0)


def option_number(text: str) -> int | None:
    """The option a reply like "2", " 2. " or "٢" picks (int() reads every script's digits)."""
    stripped = text.strip().rstrip(".)")
    if 0 < len(stripped) <= 2 and stripped.isdecimal():
        return int(stripped)
    return None


def _aware(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes; the inbox only ever writes UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class Worker:
    """Drains the inbox: asks Rasa, sends the answer, retries with backoff, never loses a message."""

    def __init__(
        self,
        store: InboxStore,
        conversations: ConversationService,
        channels: Mapping[str, Channel],
        *,
        forget: Forget,
        concurrency: int = 4,
        lease_seconds: float = 120.0,
        poll_seconds: float = 1.0,
        retry_base_seconds: float = 1.0,
        retry_max_delay: float = 300.0,
        give_up_after: int = 200,
        send_attempts: int = 3,
    ) -> None:
        self.store = store
        self.conversations = conversations
        self.channels = channels
        self.owner = uuid.uuid4().hex
        self._forget = forget
        self._concurrency = concurrency
        self._lease = lease_seconds
        self._poll = poll_seconds
        self._retry_base = retry_base_seconds
        self._retry_cap = retry_max_delay
        self._give_up_after = give_up_after
        self._send_attempts = send_attempts
        self._wake = asyncio.Event()
        self._stopping = False
        self._active: dict[str, asyncio.Task[None]] = {}

    def wake(self) -> None:
        """A message was persisted: look for work now rather than at the next poll."""
        self._wake.set()

    async def run(self) -> None:
        """The dispatcher: lease ready senders and drain each in its own task, until `stop()`."""
        while not self._stopping:
            self._wake.clear()
            try:
                await self._dispatch()
            except Exception:
                # A database hiccup must not stop the dispatcher; the next round retries.
                log.exception("inbox dispatch failed")
            if self._stopping:
                break
            # asyncio.timeout, not wait_for: on 3.11 wait_for can swallow a cancellation that
            # arrives as the event is set, and a shutdown then waits forever.
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self._poll):
                    await self._wake.wait()

    async def _dispatch(self) -> None:
        free = self._concurrency - len(self._active)
        if free <= 0:
            return
        for sender in await self.store.ready_senders(limit=free, exclude=self._active):
            if await self.store.acquire(sender, self.owner, seconds=self._lease):
                if self._stopping:
                    # Stopped while leasing: leave the queue for the next start.
                    await self.store.release(sender, self.owner)
                    return
                self._active[sender] = asyncio.create_task(self._drain(sender))

    async def stop(self) -> None:
        """Stop dispatching, then cancel the queues being drained; their messages stay pending."""
        self._stopping = True
        self._wake.set()
        tasks = list(self._active.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def _drain(self, sender: str) -> None:
        try:
            while True:
                message = await self.store.head(sender)
                if message is None or _aware(message.next_attempt_at) > utcnow():
                    return
                if not await self.store.acquire(sender, self.owner, seconds=self._lease):
                    return
                if not await self.process(message):
                    return
        except Exception:
            log.exception("inbox worker failed", extra={"sender": sender})
        finally:
            self._active.pop(sender, None)
            with contextlib.suppress(Exception):
                await asyncio.shield(self.store.release(sender, self.owner))
            self.wake()

    async def process(self, message: InboundMessage) -> bool:
        """Answer one message; False when it must wait for a retry (the queue stops behind it)."""
        channel = self.channels.get(message.channel)
        contact = await self.store.contact(message.sender)
        if contact is None:
            await self.store.mark_done(message.id)  # the person asked to be forgotten
            return True
        inbound = await self._inbound(message, contact)
        try:
            if channel is None:
                raise SendFailed(f"channel {message.channel} is not configured")
            if message.reply is None:
                message.reply = await self._answer(message, inbound)
                await self.store.save_reply(message.id, message.reply)
            await self._deliver(message, contact, channel)
        except (RasaUnavailable, SendFailed) as exc:
            await self._failed(message, contact, channel, inbound, exc)
            return False
        await self.store.mark_done(message.id)
        if DELETE_COMMAND in message.reply.get("commands", []):
            await self._forget(message.sender, message.id)
        return True

    async def _inbound(self, message: InboundMessage, contact: Contact) -> Inbound:
        text = message.text
        if message.payload_ref:
            ref = message.payload_ref
            if ref.startswith(PAYLOAD_REF_PREFIX):
                resolved = await self.store.resolve_payload(ref[len(PAYLOAD_REF_PREFIX) :])
                text = resolved or text or UNKNOWN_BUTTON_TEXT
            else:
                text = ref
        elif (
            contact.options
            and (number := option_number(text)) is not None
            and 1 <= number <= len(contact.options)
        ):
            text = contact.options[number - 1]
        return Inbound(
            channel=message.channel,
            sender=message.sender,
            text=text,
            language_hint=message.language_hint,
            location=Location(**message.location) if message.location else None,
        )

    async def _answer(self, message: InboundMessage, inbound: Inbound) -> dict[str, Any]:
        if message.kind == "unsupported":
            language = await self._language(inbound)
            return {"language": language, "messages": [{"text": only_text_message(language)}]}
        reply = await self.conversations.handle(inbound)
        return {
            "language": reply.language,
            "messages": [m.model_dump(exclude_none=True) for m in reply.messages],
            "commands": reply.commands,
        }

    async def _language(self, inbound: Inbound) -> str:
        current = await self.conversations.languages.get(inbound.sender)
        return coerce_language(current or inbound.language_hint)

    async def _deliver(self, message: InboundMessage, contact: Contact, channel: Channel) -> None:
        reply = message.reply or {}
        language = reply["language"]
        messages = [Message(**m) for m in reply.get("messages", [])]
        outgoing = [o for m in messages for o in channel.render(contact.address, m, language)]
        await self.store.remember_payloads(b.payload for m in messages for b in m.buttons or [])
        options: list[str] | None = None
        for index, out in enumerate(outgoing):
            if out.numbered_options:
                options = list(out.numbered_options)
            if index < message.sent_count:
                continue  # reached the user before an earlier failure
            await self._send(channel, out)
            message.sent_count = index + 1
            await self.store.mark_sent(message.id, message.sent_count)
        await self.store.set_options(message.sender, options)

    async def _send(self, channel: Channel, out: Any) -> None:
        # A few quick tries for a blip; longer outages go back to the inbox's backoff.
        async for attempt in AsyncRetrying(
            stop=stop_after_attempt(self._send_attempts),
            wait=wait_exponential(multiplier=0.2, max=2),
            retry=retry_if_exception_type(SendFailed),
            reraise=True,
        ):
            with attempt:
                try:
                    await channel.send(out)
                except SendFailed as exc:
                    code = metrics.send_failure_code(str(exc))
                    metrics.PROVIDER_SEND_FAILURES.labels(channel=channel.name, code=code).inc()
                    raise

    async def _failed(
        self,
        message: InboundMessage,
        contact: Contact,
        channel: Channel | None,
        inbound: Inbound,
        exc: Exception,
    ) -> None:
        attempts = await self.store.record_failure(
            message.id,
            error=str(exc),
            delay=backoff(message.attempts + 1, base=self._retry_base, cap=self._retry_cap),
            give_up_after=self._give_up_after,
        )
        metrics.INBOX_RETRIES.labels(channel=message.channel).inc()
        if attempts >= self._give_up_after:
            metrics.INBOX_FAILED.labels(channel=message.channel).inc()
        log.warning(
            "inbox message delayed",
            extra={"channel": message.channel, "attempts": attempts, "reason": str(exc)[:200]},
        )
        if message.apologised or channel is None:
            return
        language = (
            await self.conversations.resolve_language(inbound)
            if message.kind == "text"
            else await self._language(inbound)
        )
        try:
            for out in channel.render(
                contact.address, Message(text=delayed_message(language)), language
            ):
                await channel.send(out)
        except SendFailed:
            return  # the provider is down too; try telling them at the next failure
        await self.store.mark_apologised(message.id)
