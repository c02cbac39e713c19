"""Handover: a person takes a conversation over from the bot, then hands it back.

While a handover is open the bot stays silent: the gateway stores the user's messages for the
staff inbox instead of sending them to Rasa. Staff replies reach the user through the same
channel: messaging providers directly, the web chat by polling `POST /api/v1/chat/inbox` (the sender id in the body).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

import httpx
from sqlalchemy import Engine, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from gateway.admin.models import AdminUser, Handover, HandoverMessage, aware, utcnow
from gateway.admin.unanswered import FALLBACK, record_unanswered
from gateway.conversation import ConversationService, Inbound, LanguageMemory, Reply
from gateway.rasa import RasaClient
from gateway.ratelimit import handovers_busy
from gateway.schemas import Message
from gateway.turns import TurnLock

log = logging.getLogger(__name__)
HANDOVER_COMMAND = "handover"
# Proposed command for actions that could not answer (e.g. `action_clarify`): queue the question.
UNANSWERED_COMMAND = "unanswered"
# How many of the user's messages before the handover the staff see.
SUMMARY_TURNS = 6
WEB_CHANNEL = "web"


@dataclass(frozen=True)
class Turn:
    """One user message from before the handover, with what the bot understood."""

    text: str
    language: str | None
    intent: str | None


class TrackerReader(Protocol):
    """Reads a conversation's recent user messages (Rasa's tracker)."""

    async def recent_user_turns(self, sender: str, *, limit: int) -> list[Turn]:
        """The last `limit` user messages of the conversation, oldest first."""


class RasaTrackerReader:
    """Reads Rasa's tracker over its HTTP API (needs the server's `--auth-token`)."""

    def __init__(self, http: httpx.AsyncClient, *, base_url: str, token: str) -> None:
        self._http = http
        self._base_url = base_url.rstrip("/")
        self._token = token

    async def recent_user_turns(self, sender: str, *, limit: int) -> list[Turn]:
        """The last user messages; empty when Rasa cannot be reached (the summary is a help, not a must)."""
        try:
            response = await self._http.get(
                f"{self._base_url}/conversations/{sender}/tracker",
                params={"token": self._token, "include_events": "AFTER_RESTART"},
                timeout=5.0,
            )
            response.raise_for_status()
            events = response.json().get("events") or []
        except (httpx.HTTPError, ValueError):
            log.warning("could not read the tracker for a handover summary")
            return []
        turns = [
            Turn(
                text=str(e.get("text") or ""),
                language=(e.get("metadata") or {}).get("language"),
                intent=((e.get("parse_data") or {}).get("intent") or {}).get("name"),
            )
            for e in events
            if e.get("event") == "user" and e.get("text")
        ]
        return turns[-limit:]


class UserSender(Protocol):
    """Delivers a staff member's message to the user of a handover."""

    async def send_to_user(self, handover: Handover, text: str) -> bool:
        """Send now; False when the message waits to be fetched (web chat)."""


class ChannelSender:
    """Sends through the messaging channels of the gateway's inbox (WhatsApp, Twilio, Telegram)."""

    def __init__(self, inbox: Any) -> None:
        # `gateway.inbox.runtime.Inbox`: its channels and the store holding each sender's address.
        self._inbox = inbox

    async def send_to_user(self, handover: Handover, text: str) -> bool:
        """Render the text for the user's channel and send it; web chat messages wait for a poll."""
        if handover.channel == WEB_CHANNEL:
            return False
        channels: Mapping[str, Any] = self._inbox.channels
        channel = channels.get(handover.channel)
        contact = await self._inbox.store.contact(handover.sender)
        if channel is None or contact is None:
            raise LookupError(f"cannot reach this {handover.channel} user any more")
        for outgoing in channel.render(contact.address, Message(text=text), handover.language):
            await channel.send(outgoing)
        return True


class WebOnlySender:
    """For a gateway without messaging channels: everything waits for the web chat's poll."""

    async def send_to_user(self, handover: Handover, text: str) -> bool:
        """Nothing to send now."""
        return False


# --- the desk: storage shared by the conversation path and the staff pages -------------------


def active_handover(session: Session, sender: str) -> Handover | None:
    """The open handover of a conversation, if any."""
    return session.scalar(
        select(Handover).where(Handover.sender == sender, Handover.status == "open").order_by(Handover.id.desc())
    )


def open_handover(
    session: Session, *, sender: str, channel: str, language: str, reason: str, turns: list[Turn], topic: str | None
) -> Handover:
    """Open a handover (or keep the open one) and store the messages that led to it."""
    existing = active_handover(session, sender)
    if existing is not None:
        return existing
    handover = Handover(sender=sender, channel=channel, language=language, reason=reason, topic=topic)
    session.add(handover)
    session.flush()
    for turn in turns:
        session.add(HandoverMessage(handover_id=handover.id, author="user", text=turn.text, language=turn.language))
    return handover


def add_user_message(session: Session, handover: Handover, *, text: str, language: str | None) -> HandoverMessage:
    """Store a message the user sent while a person handles the conversation."""
    message = HandoverMessage(handover_id=handover.id, author="user", text=text, language=language)
    session.add(message)
    return message


def add_staff_message(session: Session, handover: Handover, *, staff: AdminUser, text: str) -> HandoverMessage:
    """Store a staff member's reply (delivered later for the web chat)."""
    message = HandoverMessage(
        handover_id=handover.id, author="staff", text=text, language=handover.language, staff_id=staff.id
    )
    session.add(message)
    if handover.claimed_by is None:
        handover.claimed_by = staff.id
    return message


def close_handover(session: Session, handover: Handover, *, staff: AdminUser) -> None:
    """Hand the conversation back to the bot."""
    handover.status = "closed"
    handover.closed_at = utcnow()
    handover.closed_by = staff.id


def fetch_web_messages(session: Session, sender: str) -> list[HandoverMessage]:
    """Staff messages not yet shown in the web chat of `sender`, marked delivered."""
    messages = list(
        session.scalars(
            select(HandoverMessage)
            .join(Handover, Handover.id == HandoverMessage.handover_id)
            .where(
                Handover.sender == sender,
                HandoverMessage.author == "staff",
                HandoverMessage.delivered_at.is_(None),
            )
            .order_by(HandoverMessage.id)
        )
    )
    for message in messages:
        message.delivered_at = utcnow()
    return messages


def handover_messages(session: Session, handover_id: int) -> list[HandoverMessage]:
    """Every message of a handover, in order."""
    return list(
        session.scalars(
            select(HandoverMessage).where(HandoverMessage.handover_id == handover_id).order_by(HandoverMessage.id)
        )
    )


def open_handovers(session: Session) -> list[Handover]:
    """Open handovers, oldest first (the longest wait first)."""
    return list(session.scalars(select(Handover).where(Handover.status == "open").order_by(Handover.opened_at)))


def waiting_since(handover: Handover) -> float:
    """Seconds since the handover was opened."""
    return (utcnow() - aware(handover.opened_at)).total_seconds()


class HandoverDesk:
    """The conversation path's side of handovers: silence the bot, open handovers, queue questions."""

    def __init__(self, engine: Engine, *, tracker: TrackerReader | None = None) -> None:
        self._engine = engine
        self._tracker = tracker

    def _write(self, fn: Any) -> Any:
        with Session(self._engine, expire_on_commit=False) as session:
            result = fn(session)
            session.commit()
            return result

    async def intercept(self, inbound: Inbound, language: str) -> bool:
        """True (and the message stored for the staff) when a person handles this conversation."""

        def work(session: Session) -> bool:
            handover = active_handover(session, inbound.sender)
            if handover is None:
                return False
            add_user_message(session, handover, text=inbound.text, language=language)
            return True

        return bool(await asyncio.to_thread(self._write, work))

    async def after_reply(self, inbound: Inbound, reply: Reply) -> Handover | None:
        """Open a handover when the bot asked for one; queue the question if it was not understood."""
        wants_handover = HANDOVER_COMMAND in reply.commands
        unanswered = UNANSWERED_COMMAND in reply.commands
        if not wants_handover and not unanswered:
            return None
        turns: list[Turn] = []
        if wants_handover and self._tracker is not None:
            turns = await self._tracker.recent_user_turns(inbound.sender, limit=SUMMARY_TURNS)
        if not turns or turns[-1].text != inbound.text:
            turns.append(Turn(text=inbound.text, language=reply.language, intent=None))
        asked = inbound.text.startswith("/human_handover") or any(t.intent == "human_handover" for t in turns[-1:])
        topic = next(
            (t.intent[4:] for t in reversed(turns) if t.intent and t.intent.startswith("ask_")), None
        )

        def work(session: Session) -> Handover | None:
            if unanswered:
                record_unanswered(
                    session, text=inbound.text, language=reply.language, reason=FALLBACK, channel=inbound.channel
                )
            if not wants_handover:
                return None
            return open_handover(
                session,
                sender=inbound.sender,
                channel=inbound.channel,
                language=reply.language,
                reason="asked" if asked else "bot_gave_up",
                turns=turns[-SUMMARY_TURNS:],
                topic=topic,
            )

        result: Handover | None = await asyncio.to_thread(self._write, work)
        return result


def handover_refused(reply: Reply) -> Reply:
    """The reply without its handover: the user is told to ask later, with the numbers."""
    buttons = reply.messages[0].buttons if reply.messages else None
    return Reply(
        language=reply.language,
        messages=[Message(text=handovers_busy(reply.language), buttons=buttons)],
        commands=[c for c in reply.commands if c != HANDOVER_COMMAND],
        degraded=reply.degraded,
    )


class HandoverConversationService(ConversationService):
    """The conversation path with handovers: silent while a person answers, opening on request."""

    def __init__(
        self,
        rasa: RasaClient,
        languages: LanguageMemory,
        desk: HandoverDesk,
        turns: TurnLock | None = None,
        *,
        may_open_handover: Callable[[Inbound], Awaitable[bool]] | None = None,
    ) -> None:
        super().__init__(rasa, languages, turns)
        self.desk = desk
        self.may_open_handover = may_open_handover

    async def answer(self, inbound: Inbound) -> Reply:
        """Store the message for the staff during a handover; otherwise ask Rasa as usual."""
        language = await self.resolve_language(inbound)
        try:
            intercepted = await self.desk.intercept(inbound, language)
        except SQLAlchemyError:
            # The database is down: answering from the bot beats leaving the user unanswered.
            log.exception("handover desk unavailable; answering from the bot")
            intercepted = False
        if intercepted:
            return Reply(language=language, messages=[], commands=["handover_active"])
        reply = await super().answer(inbound)
        gate = self.may_open_handover
        if HANDOVER_COMMAND in reply.commands and gate is not None and not await gate(inbound):
            reply = handover_refused(reply)
        try:
            await self.desk.after_reply(inbound, reply)
        except SQLAlchemyError:
            log.exception("handover desk unavailable; reply not recorded")
        return reply
