"""The conversation path's alert words, answered by the gateway before Rasa.

STOP (ARRÊT, توقف, BAJA…), MY ALERTS and the offer's button are answered here, in every
conversation state: inside a Rasa form, during a handover, with Rasa down. The offer itself
follows a topic answer when the action server sends `{"dalil": "alert_offer:<topic>:<city>"}`.
Web chat users read their alerts with the next answer (the web chat has no push).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from functools import partial
from typing import TypeVar

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from dalil.languages import Language, coerce_language
from gateway.alerts import subscriptions, texts
from gateway.alerts.outbox import take_web_alerts
from gateway.alerts.window import take_held_replies
from gateway.conversation import ConversationService, Inbound, Reply
from gateway.safety import DANGER_COMMAND
from gateway.schemas import Button, Message
from knowledge.schema import TOPICS

log = logging.getLogger(__name__)
T = TypeVar("T")


class AlertControls(ConversationService):
    """Wraps the conversation service: alert words first, the offer after a topic answer."""

    def __init__(self, inner: ConversationService, engine: Engine) -> None:
        super().__init__(inner.rasa, inner.languages, inner.turns, emergency=inner.emergency)
        self.inner = inner
        self.engine = engine

    def _db(self, fn: Callable[[Session], T]) -> T:
        with Session(self.engine, expire_on_commit=False) as session, session.begin():
            return fn(session)

    async def _run(self, fn: Callable[[Session], T]) -> T:
        return await asyncio.to_thread(self._db, fn)

    async def answer(self, inbound: Inbound) -> Reply:
        """Alert words and the offer's button here; anything else to the wrapped service."""
        try:
            own = await self._control(inbound)
        except SQLAlchemyError:
            log.exception("alerts unavailable; the message goes to the bot")
            own = None
        if own is not None:
            return own
        reply = await self.inner.answer(inbound)
        try:
            await self._after(inbound, reply)
        except SQLAlchemyError:
            log.exception("alerts unavailable; no offer, no web alerts this turn")
        return reply

    async def _control(self, inbound: Inbound) -> Reply | None:
        text = inbound.text.strip()
        sender = inbound.sender
        wanted = texts.parse_subscribe(text)
        if wanted is not None:
            topic, city = wanted
            if topic not in TOPICS:
                return None
            language = await self._language(inbound)
            await self._run(
                lambda s: subscriptions.subscribe(
                    s,
                    sender=sender,
                    channel=inbound.channel,
                    language=language,
                    topic=topic,
                    city=city,
                )
            )
            log.info("alert subscription", extra={"channel": inbound.channel, "topic": topic})
            return Reply(language, [Message(text=texts.subscribed_text(language, topic, city))])
        if texts.is_my_alerts(text):
            language = await self._language(inbound, texts.word_language(text))
            found = await self._run(lambda s: subscriptions.subjects(s, sender=sender))
            return Reply(language, [Message(text=texts.my_alerts_text(language, found))])
        if texts.is_stop(text):
            removed = await self._run(lambda s: subscriptions.unsubscribe_all(s, sender=sender))
            if not removed:
                return None  # nothing to stop: "stop" may mean something to the bot (a form)
            language = await self._language(inbound, texts.word_language(text))
            log.info("alert subscriptions stopped", extra={"channel": inbound.channel})
            return Reply(language, [Message(text=texts.stopped_text(language))])
        return None

    async def _language(self, inbound: Inbound, word: str | None = None) -> Language:
        """A payload or a one-word command says little about the language: the word's own
        language when only one language has it, else the conversation's."""
        if inbound.language is None:
            chosen = word or await self.languages.get(inbound.sender)
            if chosen is not None:
                language = coerce_language(chosen)
                await self.languages.set(inbound.sender, language)
                return language
        return await self.resolve_language(inbound)

    async def _after(self, inbound: Inbound, reply: Reply) -> None:
        offers = [o for c in reply.commands if (o := texts.parse_offer(c)) is not None]
        sender, language = inbound.sender, reply.language
        for topic, city in offers[:1]:
            if topic not in TOPICS:
                continue
            if await self._run(
                partial(subscriptions.is_subscribed, sender=sender, topic=topic, city=city)
            ):
                continue
            button = Button(
                title=texts.offer_button(language), payload=texts.subscribe_payload(topic, city)
            )
            reply.messages.append(
                Message(text=texts.offer_text(language, topic, city), buttons=[button])
            )
        # Emergency numbers stay first; what waited for the person comes right after them.
        at = 1 if DANGER_COMMAND in reply.commands and reply.messages else 0
        if inbound.channel == "web":
            waiting = await self._run(lambda s: take_web_alerts(s, sender=sender))
            reply.messages[at:at] = [Message(text=t) for t in waiting]
        elif inbound.channel == "whatsapp":
            # The person wrote: their window is open again for staff replies held behind it.
            held = await self._run(lambda s: take_held_replies(s, sender=sender))
            reply.messages[at:at] = [Message(text=t) for t in held]
