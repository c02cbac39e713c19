"""Delivery statuses from the providers' webhooks, applied to the alerts' outbox."""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

from sqlalchemy import Engine, inspect
from sqlalchemy.orm import Session

from gateway.alerts.models import Delivery
from gateway.alerts.outbox import record_status

log = logging.getLogger(__name__)


def whatsapp_statuses(body: bytes) -> list[dict[str, Any]]:
    """`entry[].changes[].value.statuses[]` of a (verified) WhatsApp webhook body."""
    if b'"statuses"' not in body:
        return []
    try:
        data = json.loads(body)
    except ValueError:
        return []
    found: list[dict[str, Any]] = []
    for entry in data.get("entry") or [] if isinstance(data, dict) else []:
        for change in (entry.get("changes") or []) if isinstance(entry, dict) else []:
            value = change.get("value") if isinstance(change, dict) else None
            statuses = value.get("statuses") if isinstance(value, dict) else None
            if isinstance(statuses, list):
                found.extend(s for s in statuses if isinstance(s, dict))
    return found


def apply_whatsapp(engine: Engine, body: bytes) -> int:
    """Store the statuses of alert messages (matched by our callback data or the wamid)."""
    statuses = whatsapp_statuses(body)
    if not statuses or not inspect(engine).has_table(Delivery.__tablename__):
        return 0
    applied = 0
    with Session(engine) as session, session.begin():
        for status in statuses:
            errors = status.get("errors") or []
            error = None
            if errors and isinstance(errors[0], dict):
                error = f"code {errors[0].get('code')} {str(errors[0].get('title', ''))[:80]}"
            applied += record_status(
                session,
                provider_message_id=status.get("id") if isinstance(status.get("id"), str) else None,
                callback=status.get("biz_opaque_callback_data"),
                status=str(status.get("status", "")),
                error=error,
            )
    return applied


async def record_webhook_statuses(engine: Engine, channel: str, body: bytes) -> None:
    """Called by the webhook route for every verified delivery; never fails the webhook."""
    if channel != "whatsapp":
        return
    try:
        await asyncio.to_thread(apply_whatsapp, engine, body)
    except Exception:
        log.exception("alert statuses not recorded")


# Twilio's MessageStatus values, as the alert statuses they mean (queued/sending say nothing new).
TWILIO_STATUSES = {
    "sent": "sent",
    "delivered": "delivered",
    "read": "read",
    "failed": "failed",
    "undelivered": "failed",
}


def apply_twilio(engine: Engine, params: dict[str, str], delivery_id: str | None) -> bool:
    """Store one Twilio status callback (MessageSid, MessageStatus, ErrorCode)."""
    status = TWILIO_STATUSES.get(params.get("MessageStatus", ""))
    if status is None:
        return False
    error = f"code {params['ErrorCode']}" if params.get("ErrorCode") else None
    with Session(engine) as session, session.begin():
        return record_status(
            session,
            provider_message_id=params.get("MessageSid"),
            callback=f"alert:{delivery_id}" if delivery_id else None,
            status=status,
            error=error,
        )
