"""WhatsApp's customer-service window for staff replies.

Outside 24 hours after the person's last message, WhatsApp accepts only approved templates.
A staff reply then goes as the template "we have answered your question; reply to read it"
(`DALIL_ALERT_WHATSAPP_REPLY_TEMPLATE`) and the reply itself waits, undelivered, until the
person writes: `take_held_replies` hands it to the conversation path, inside the new window.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from functools import cache
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dalil.clock import utcnow
from gateway.admin.models import Handover, HandoverMessage
from gateway.alerts.outbox import WINDOW, WINDOW_CLOSED, is_template_error, template_outgoing
from gateway.alerts.settings import AlertSettings
from gateway.channels.base import SendFailed

log = logging.getLogger(__name__)


class TemplateRefused(LookupError):
    """WhatsApp refused the reply template (132000-range): the staff page says so."""


@cache
def _settings() -> AlertSettings:
    return AlertSettings()


def window_open(last_seen: datetime | None) -> bool:
    """Whether a WhatsApp contact wrote within the last 24 hours."""
    if last_seen is None:
        return False
    seen = last_seen if last_seen.tzinfo else last_seen.replace(tzinfo=UTC)
    return utcnow() - seen < WINDOW


async def hold_for_window(inbox: Any, handover: Handover, text: str) -> bool | None:
    """None when the reply may go as text now; False once the template went and the reply waits.

    Called by the staff reply path before it sends. A 131047 on the text (Meta's clock says
    closed although ours said open) also switches to the template.
    """
    if handover.channel != "whatsapp":
        return None
    contact = await inbox.store.contact(handover.sender)
    channel = inbox.channels.get("whatsapp")
    if contact is None or channel is None:
        return None
    if window_open(contact.last_seen_at):
        from gateway.schemas import Message

        try:
            for out in channel.render(contact.address, Message(text=text), handover.language):
                await channel.send(out)
            return True
        except SendFailed as exc:
            if exc.code != WINDOW_CLOSED:
                raise
    await send_reply_template(channel, contact.address, handover.language)
    return False


async def send_reply_template(channel: Any, address: dict[str, str], language: str) -> None:
    """Send the approved "we answered; reply to read it" template, or tell staff why not."""
    settings = _settings()
    name = settings.whatsapp_reply_template
    if not name:
        raise TemplateRefused(
            "The person's 24-hour WhatsApp window is closed and no reply template is set "
            "(DALIL_ALERT_WHATSAPP_REPLY_TEMPLATE)."
        )
    code = settings.whatsapp_template_languages.get(language, "fr")
    try:
        await channel.send(template_outgoing(address, name=name, language=code, parameters=[]))
    except SendFailed as exc:
        if is_template_error(exc.code):
            raise TemplateRefused(
                f"WhatsApp refused the reply template (code {exc.code}); fix it in WhatsApp Manager."
            ) from exc
        raise


def take_held_replies(session: Session, *, sender: str) -> list[str]:
    """Staff replies held behind a closed window, marked delivered as they are sent now."""
    rows = list(
        session.scalars(
            select(HandoverMessage)
            .join(Handover, Handover.id == HandoverMessage.handover_id)
            .where(
                Handover.sender == sender,
                Handover.channel == "whatsapp",
                HandoverMessage.author == "staff",
                HandoverMessage.delivered_at.is_(None),
            )
            .order_by(HandoverMessage.id)
        )
    )
    for row in rows:
        row.delivered_at = utcnow()
    return [row.text for row in rows]
