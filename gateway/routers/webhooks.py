"""Provider webhooks: verify, parse, persist, acknowledge; the inbox's workers answer later."""

from __future__ import annotations

import logging
import time
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import JSONResponse, Response

from gateway import metrics
from gateway.alerts.statuses import record_webhook_statuses
from gateway.channels.base import BadPayload, Channel, Incoming
from gateway.channels.whatsapp import WhatsAppChannel
from gateway.dependencies import InboxDep, SettingsDep
from gateway.inbox.runtime import Inbox
from gateway.privacy import pseudonym
from gateway.ratelimit import BodyTooLarge
from gateway.settings import GatewaySettings

log = logging.getLogger(__name__)
router = APIRouter(prefix="/webhooks", tags=["webhooks"])
RESPONSES: dict[int | str, dict[str, str]] = {
    400: {"description": "The body is not what the provider documents."},
    403: {"description": "The signature or secret token is wrong or missing."},
    404: {"description": "This channel is not configured."},
    413: {"description": "The body is too large."},
    503: {"description": "The gateway's tables are missing (run the migrations)."},
}


def _channel(inbox: Inbox, name: str) -> Channel:
    channel = inbox.channels.get(name)
    if channel is None:
        raise HTTPException(status_code=404, detail=f"The {name} channel is not configured.")
    return channel


async def _body(request: Request, limit: int) -> bytes:
    # Counted as it streams: a chunked body has no Content-Length for the middleware to check.
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge()
        chunks.append(chunk)
    return b"".join(chunks)


def seen_key(channel: str, provider_message_id: str, *, key: str) -> str:
    """The tombstone of a provider message id: keyed, because a WhatsApp id embeds the number."""
    return pseudonym("seen", f"{channel}:{provider_message_id}", key=key).removeprefix("seen:")


def _stale(incoming: Incoming, max_age_seconds: int) -> bool:
    return incoming.sent_at is not None and time.time() - incoming.sent_at > max_age_seconds


async def _receive(
    request: Request, settings: GatewaySettings, inbox: Inbox, name: str
) -> Response:
    channel = _channel(inbox, name)
    if not inbox.ready:
        raise HTTPException(status_code=503, detail="The gateway's tables are missing.")
    body = await _body(request, settings.max_body_bytes)
    if not channel.verify(url=str(request.url), headers=request.headers, body=body):
        log.warning("webhook signature rejected", extra={"channel": name})
        return JSONResponse({"detail": "Invalid signature."}, status_code=403)
    try:
        parsed = channel.parse(headers=request.headers, body=body)
    except BadPayload as exc:
        return JSONResponse({"detail": f"Malformed {name} payload: {exc}"}, status_code=400)
    await record_webhook_statuses(inbox.store.engine, name, body)
    key = settings.pseudonym_key.get_secret_value()

    def alias(raw_id: str) -> str:
        return pseudonym(channel.prefix, raw_id, key=key)

    for previous, current in parsed.links:
        # The provider says one person changed id: the new pseudonym joins the old conversation.
        await inbox.store.resolve_sender(alias(current), [alias(previous)])
    for incoming in parsed.messages:
        if _stale(incoming, settings.max_message_age_seconds):
            # A replayed capture, or a backlog no one should be answered for a day later.
            log.warning("stale message refused", extra={"channel": name})
            continue
        sender = await inbox.store.resolve_sender(
            alias(incoming.user_id), [alias(a) for a in incoming.aliases]
        )
        accepted = await inbox.limiter.allow(sender)
        if not accepted:
            metrics.RATE_LIMITED.labels(channel=name).inc()
            log.warning("sender over the rate limit", extra={"channel": name, "sender": sender})
        # Persisted before the provider hears 200: a crash after this loses nothing.
        new = await inbox.store.enqueue(
            channel=name,
            sender=sender,
            incoming=incoming,
            accepted=accepted,
            tombstone=seen_key(name, incoming.provider_message_id, key=key),
        )
        if not new:
            log.info("duplicate delivery ignored", extra={"channel": name})
    inbox.worker.wake()
    return channel.acknowledge(parsed)


@router.get(
    "/whatsapp", response_class=Response, responses={403: RESPONSES[403], 404: RESPONSES[404]}
)
async def whatsapp_verify(
    inbox: InboxDep,
    mode: Annotated[str | None, Query(alias="hub.mode")] = None,
    token: Annotated[str | None, Query(alias="hub.verify_token")] = None,
    challenge: Annotated[str | None, Query(alias="hub.challenge")] = None,
) -> Response:
    """Meta's webhook verification: the challenge as text when the verify token matches."""
    channel = _channel(inbox, "whatsapp")
    assert isinstance(channel, WhatsAppChannel)
    return channel.handshake(mode, token, challenge)


@router.post("/whatsapp", response_class=Response, responses=RESPONSES)
async def whatsapp(request: Request, settings: SettingsDep, inbox: InboxDep) -> Response:
    """WhatsApp Cloud API messages and statuses (signed with X-Hub-Signature-256)."""
    return await _receive(request, settings, inbox, "whatsapp")


@router.post("/twilio", response_class=Response, responses=RESPONSES)
async def twilio(request: Request, settings: SettingsDep, inbox: InboxDep) -> Response:
    """Twilio SMS and WhatsApp messages (signed with X-Twilio-Signature); answered by REST."""
    return await _receive(request, settings, inbox, "twilio")


@router.post("/telegram", response_class=Response, responses=RESPONSES)
async def telegram(request: Request, settings: SettingsDep, inbox: InboxDep) -> Response:
    """Telegram updates (X-Telegram-Bot-Api-Secret-Token)."""
    return await _receive(request, settings, inbox, "telegram")
