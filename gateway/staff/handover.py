"""Handover: a person takes a conversation over from the bot, then hands it back.

While a person handles a handover the bot stays silent: the gateway stores the user's messages
for the staff inbox instead of sending them to Rasa. Staff replies reach the user through the
same channel: messaging providers directly, the web chat by polling `POST /api/v1/chat/inbox`
(the sender id in the body). Three things always get through (docs/internals.md, "Handovers"): a danger message is answered with the emergency numbers and marks the handover
urgent; a word such as "bot" or «رجوع» (or the button) gives the conversation back to the bot;
"delete my data" reaches Rasa's confirmation. Outside the desk's hours the bot keeps answering
and the request waits in the inbox.
"""

from __future__ import annotations

import asyncio
import dataclasses
import enum
import logging
import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any, Protocol

import httpx
import yaml
from babel.dates import format_datetime
from components.textnorm import normalize
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from dalil.i18n import gettext, isolate
from gateway.admin.models import AdminUser, Handover, HandoverMessage, aware, utcnow
from gateway.admin.unanswered import (
    CLARIFY,
    FALLBACK,
    UNANSWERED_TEMPLATES,
    chosen_intent,
    clarification_offered,
    record_choice,
    record_unanswered,
)
from gateway.alerts.window import hold_for_window
from gateway.conversation import ConversationService, Inbound, LanguageMemory, Reply
from gateway.rasa import RasaClient
from gateway.ratelimit import handovers_busy
from gateway.safety import DANGER_COMMAND, EmergencyNumbers, danger_in
from gateway.schemas import Button, Message
from gateway.staff.desk import desk_status
from gateway.turns import TurnLock
from knowledge.emergency import reminder_numbers
from knowledge.opening import MOROCCO
from replies.payloads import UNANSWERED_COMMAND

log = logging.getLogger(__name__)
HANDOVER_COMMAND = "handover"
# How many of the user's messages before the handover the staff see.
SUMMARY_TURNS = 6
WEB_CHANNEL = "web"
# The button that gives the conversation back to the bot; handled here, never sent to Rasa.
LEAVE_PAYLOAD = "/leave_handover"
DELETE_PAYLOAD = "/delete_my_data"
MENU_PAYLOAD = "/ask_capabilities"
WORDS_FILE = Path(__file__).with_name("handover_words.yml")
_PUNCTUATION = re.compile(r"[^\w\s]")


@cache
def _words() -> dict[str, tuple[str, ...]]:
    with WORDS_FILE.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    return {
        kind: tuple(normalize(str(w)) for words in data[kind].values() for w in words)
        for kind in ("leave", "delete")
    }


def _plain(text: str) -> str:
    return " ".join(_PUNCTUATION.sub(" ", normalize(text)).split())


def wants_to_leave(text: str) -> bool:
    """The whole message asks for the bot back ("bot", "menu", «رجوع», "volver", the button)."""
    if text.strip() == LEAVE_PAYLOAD:
        return True
    return _plain(text) in _words()["leave"]


def asks_deletion(text: str) -> bool:
    """The message asks to delete the user's data (the button, or words in any language)."""
    if text.strip().startswith(DELETE_PAYLOAD):
        return True
    plain = f" {_plain(text)} "
    return any(f" {words} " in plain for words in _words()["delete"])


def leave_button(language: str) -> Button:
    """Give the conversation back to the bot."""
    # Translators: button shown while a person (NGO staff) handles the conversation.
    return Button(title=gettext(language, "Continue with the bot"), payload=LEAVE_PAYLOAD)


def when_text(moment: datetime, language: str) -> str:
    """A day and time in Morocco's time, in the user's language."""
    local = moment.astimezone(MOROCCO)
    return isolate(format_datetime(local, "EEEE d MMMM, HH:mm", locale=language), language)


def after_hours_notice(language: str, next_opening: datetime | None) -> str:
    """Told when a person is asked for outside the desk's hours."""
    numbers = reminder_numbers(language)
    if next_opening is None:
        return gettext(
            language,
            "Our team is not available at the moment. Your request has been passed on and "
            "someone will read it as soon as they can. Meanwhile I keep answering your "
            "questions; ask me about asylum for UNHCR's phone lines. In an emergency, call the "
            "police on {police} or an ambulance on {ambulance}.",
            **numbers,
        )
    return gettext(
        language,
        "Our team is not available at the moment. Your request has been passed on and "
        "someone will read it from {when}. Meanwhile I keep answering your questions; ask me "
        "about asylum for UNHCR's phone lines. In an emergency, call the police on {police} or "
        "an ambulance on {ambulance}.",
        when=when_text(next_opening, language),
        **numbers,
    )


def no_reply_notice(language: str) -> str:
    """Told when nobody from the team answered in time."""
    return gettext(
        language,
        "Nobody from our team has been able to answer yet. Your request stays with them and "
        "they will answer you here. Meanwhile, to continue with the bot, press the button or "
        "write “menu”.",
    )


def left_notice(language: str) -> str:
    """Told when the user gives the conversation back to the bot."""
    return gettext(
        language,
        "You are talking to the bot again. Your request stays with our team, who may still "
        "answer you here. What do you need?",
    )


def closed_notice(language: str, hours: float) -> str:
    """Told when a handover closes after a long silence."""
    return gettext(
        language,
        "This conversation with our team has been closed because nobody wrote in it for "
        "{hours} hours. You are talking to the bot again; you can ask for a person at any time.",
        hours=isolate(f"{hours:g}", language),
    )


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
        if (sent := await hold_for_window(self._inbox, handover, text)) is not None:
            return sent  # WhatsApp outside its 24-hour window: a template now, the reply later
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
        select(Handover)
        .where(Handover.sender == sender, Handover.status == "open")
        .order_by(Handover.id.desc())
    )


def open_handover(
    session: Session,
    *,
    sender: str,
    channel: str,
    language: str,
    reason: str,
    turns: list[Turn],
    topic: str | None,
    after_hours: bool = False,
) -> Handover:
    """Open a handover (or keep the open one) and store the messages that led to it."""
    existing = active_handover(session, sender)
    if existing is not None:
        existing.last_activity_at = utcnow()
        return existing
    handover = Handover(
        sender=sender,
        channel=channel,
        language=language,
        reason=reason,
        topic=topic,
        after_hours=after_hours,
        # Outside the desk's hours the bot keeps answering; the request waits in the inbox.
        bot_active=after_hours,
        urgent=False,
        opened_at=utcnow(),
        last_activity_at=utcnow(),
    )
    session.add(handover)
    session.flush()
    for turn in turns:
        session.add(
            HandoverMessage(
                handover_id=handover.id, author="user", text=turn.text, language=turn.language
            )
        )
    return handover


def add_user_message(
    session: Session, handover: Handover, *, text: str, language: str | None
) -> HandoverMessage:
    """Store a message the user sent while a person handles the conversation."""
    message = HandoverMessage(handover_id=handover.id, author="user", text=text, language=language)
    session.add(message)
    handover.last_activity_at = utcnow()
    return message


def add_bot_message(session: Session, handover: Handover, *, text: str) -> HandoverMessage:
    """Store what the gateway told the user about the handover (staff see it; the web chat fetches it)."""
    message = HandoverMessage(
        handover_id=handover.id, author="bot", text=text, language=handover.language
    )
    session.add(message)
    return message


def add_staff_message(
    session: Session, handover: Handover, *, staff: AdminUser, text: str
) -> HandoverMessage:
    """Store a staff member's reply (delivered later for the web chat); a person is on again."""
    message = HandoverMessage(
        handover_id=handover.id,
        author="staff",
        text=text,
        language=handover.language,
        staff_id=staff.id,
    )
    session.add(message)
    if handover.claimed_by is None:
        handover.claimed_by = staff.id
    handover.bot_active = False
    handover.last_activity_at = utcnow()
    return message


def close_handover(
    session: Session, handover: Handover, *, staff: AdminUser | None, reason: str = "staff"
) -> None:
    """Hand the conversation back to the bot, saying why (staff, inactive)."""
    handover.status = "closed"
    handover.closed_at = utcnow()
    handover.closed_by = staff.id if staff is not None else None
    handover.close_reason = reason


def fetch_web_messages(session: Session, sender: str) -> list[HandoverMessage]:
    """Staff and handover notices not yet shown in the web chat of `sender`, marked delivered."""
    messages = list(
        session.scalars(
            select(HandoverMessage)
            .join(Handover, Handover.id == HandoverMessage.handover_id)
            .where(
                Handover.sender == sender,
                HandoverMessage.author.in_(("staff", "bot")),
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
            select(HandoverMessage)
            .where(HandoverMessage.handover_id == handover_id)
            .order_by(HandoverMessage.id)
        )
    )


def open_handovers(session: Session) -> list[Handover]:
    """Open handovers: urgent ones first, then the longest wait first."""
    return list(
        session.scalars(
            select(Handover)
            .where(Handover.status == "open")
            .order_by(Handover.urgent.desc(), Handover.opened_at, Handover.id)
        )
    )


def waiting_since(handover: Handover, at: datetime | None = None) -> float:
    """Seconds since the handover was opened."""
    return ((at or utcnow()) - aware(handover.opened_at)).total_seconds()


def has_staff_reply(session: Session, handover: Handover) -> bool:
    """True once a staff member wrote in the handover."""
    return (
        session.scalar(
            select(HandoverMessage.id)
            .where(HandoverMessage.handover_id == handover.id, HandoverMessage.author == "staff")
            .limit(1)
        )
        is not None
    )


class Held(enum.Enum):
    """What the handover did with a user's message."""

    NONE = "none"  # no open handover
    HELD = "held"  # stored for the staff; the bot stays silent
    DANGER = "danger"  # stored, marked urgent; the user gets the emergency numbers
    LEFT = "left"  # the user asked for the bot back
    PASS = "pass"  # the bot answers (outside hours, after leaving, or a deletion request)


class HandoverDesk:
    """The conversation path's side of handovers: silence the bot, open handovers, queue questions."""

    def __init__(
        self,
        engine: Engine,
        *,
        tracker: TrackerReader | None = None,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self._engine = engine
        self._tracker = tracker
        self.clock = clock
        self.emergency = EmergencyNumbers(engine)

    @property
    def engine(self) -> Engine:
        """The database the desk writes to."""
        return self._engine

    def _write(self, fn: Any) -> Any:
        with Session(self._engine, expire_on_commit=False) as session:
            result = fn(session)
            session.commit()
            return result

    async def intercept(self, inbound: Inbound, language: str, *, danger: bool = False) -> Held:
        """Decide what an open handover does with this message (and store it for the staff)."""

        def work(session: Session) -> Held:
            handover = active_handover(session, inbound.sender)
            if handover is None:
                return Held.NONE
            if danger:
                add_user_message(session, handover, text=inbound.text, language=language)
                handover.urgent = True
                return Held.DANGER
            if wants_to_leave(inbound.text):
                handover.bot_active = True
                handover.last_activity_at = utcnow()
                return Held.LEFT
            if asks_deletion(inbound.text):
                # Rasa asks "are you sure?": the answer must reach it too.
                handover.bot_active = True
                return Held.PASS
            if handover.bot_active:
                return Held.PASS
            add_user_message(session, handover, text=inbound.text, language=language)
            return Held.HELD

        result: Held = await asyncio.to_thread(self._write, work)
        return result

    async def after_reply(self, inbound: Inbound, reply: Reply) -> Handover | None:
        """Open a handover when the bot asked for one; queue the question if it was not
        understood or the bot asked "did you mean…?", and keep the topic then chosen with it."""
        wants_handover = HANDOVER_COMMAND in reply.commands
        offered = clarification_offered(reply.notes)
        # Not understood: the bot said so (utter_default, utter_out_of_scope, rendered by /nlg
        # with a note naming the response), or an action asked for the question to be queued.
        unanswered = None if reply.degraded or offered else unanswered_reason(reply)
        chosen = chosen_intent(inbound.text)
        if not wants_handover and not unanswered and not offered and not chosen:
            return None
        turns: list[Turn] = []
        if wants_handover and self._tracker is not None:
            turns = await self._tracker.recent_user_turns(inbound.sender, limit=SUMMARY_TURNS)
        if not turns or turns[-1].text != inbound.text:
            turns.append(Turn(text=inbound.text, language=reply.language, intent=None))
        asked = inbound.text.startswith("/human_handover") or any(
            t.intent == "human_handover" for t in turns[-1:]
        )
        topic = next(
            (t.intent[4:] for t in reversed(turns) if t.intent and t.intent.startswith("ask_")),
            None,
        )
        at = self.clock()

        def work(session: Session) -> Handover | None:
            if chosen:
                record_choice(session, sender=inbound.sender, intent=chosen, at=at)
            if offered:
                record_unanswered(
                    session,
                    text=inbound.text,
                    language=reply.language,
                    reason=CLARIFY,
                    intent=offered[0],
                    channel=inbound.channel,
                    sender=inbound.sender,
                    offered=offered,
                )
            if unanswered:
                reason, intent = unanswered
                record_unanswered(
                    session,
                    text=inbound.text,
                    language=reply.language,
                    reason=reason,
                    intent=intent,
                    channel=inbound.channel,
                    sender=inbound.sender,
                )
            if not wants_handover:
                return None
            status = desk_status(session, at)
            handover = open_handover(
                session,
                sender=inbound.sender,
                channel=inbound.channel,
                language=reply.language,
                reason="asked" if asked else "bot_gave_up",
                turns=turns[-SUMMARY_TURNS:],
                topic=topic,
                after_hours=not status.open_now,
            )
            if handover.after_hours and handover.bot_active:
                notice = after_hours_notice(reply.language, status.next_opening)
                add_bot_message(session, handover, text=notice).delivered_at = utcnow()
                reply.messages.append(Message(text=notice))
            return handover

        result: Handover | None = await asyncio.to_thread(self._write, work)
        return result


def unanswered_reason(reply: Reply) -> tuple[str, str | None] | None:
    """(reason, intent) when this reply says the question was not understood, else None."""
    for note in reply.notes:
        reason = UNANSWERED_TEMPLATES.get(str(note.get("response") or ""))
        if reason is not None:
            intent = note.get("intent")
            return reason, intent if isinstance(intent, str) and intent else None
    if UNANSWERED_COMMAND in reply.commands:
        intent = next((n["intent"] for n in reply.notes if isinstance(n.get("intent"), str)), None)
        return FALLBACK, intent or None
    return None


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
        super().__init__(rasa, languages, turns, emergency=desk.emergency)
        self.desk = desk
        self.may_open_handover = may_open_handover

    async def answer(self, inbound: Inbound) -> Reply:
        """Danger first, then the handover, then Rasa."""
        language = await self.resolve_language(inbound)
        danger = danger_in(inbound.text)
        try:
            held = await self.desk.intercept(inbound, language, danger=danger is not None)
        except Exception:
            # The database is down, or a bug: answering from the bot (danger included) beats
            # leaving the user unanswered; the traceback is in the log.
            log.exception("handover desk unavailable; answering from the bot")
            held = Held.NONE
        if held is Held.DANGER:
            # A person may take minutes to read it: the numbers go out now, from the gateway.
            reply = await self.danger_reply(language)
            reply.commands.append("handover_active")
            return reply
        if held is Held.HELD:
            return Reply(language=language, messages=[], commands=["handover_active"])
        if held is Held.LEFT:
            message = Message(text=left_notice(language), buttons=None)
            return Reply(language=language, messages=[message], commands=["handover_left"])
        if held is Held.NONE and inbound.text.strip() == LEAVE_PAYLOAD:
            # An old "continue with the bot" button after the handover ended: Rasa's domain has
            # no such intent, so show the menu instead.
            inbound = dataclasses.replace(inbound, text=MENU_PAYLOAD)
        reply = await self.answer_in(inbound, language, danger)
        gate = self.may_open_handover
        if HANDOVER_COMMAND in reply.commands and gate is not None and not await gate(inbound):
            reply = handover_refused(reply)
        try:
            await self.desk.after_reply(inbound, reply)
        except Exception:
            # Bookkeeping (handover, review queue) never costs the person the answer.
            log.exception("handover desk unavailable; reply not recorded")
        return reply


__all__ = ["DANGER_COMMAND", "HandoverConversationService", "HandoverDesk", "Held"]
