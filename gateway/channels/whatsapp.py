"""WhatsApp Cloud API (Meta): signed JSON webhooks, reply buttons, lists and the Graph send API."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

import httpx
from starlette.datastructures import Headers
from starlette.responses import PlainTextResponse, Response

from dalil.i18n import gettext
from gateway.channels.base import (
    LOCATION_TEXT,
    PAYLOAD_REF_PREFIX,
    BadPayload,
    Incoming,
    Outgoing,
    Parsed,
    SendFailed,
    choose_prompt,
    numbered,
    payload_key,
    shorten,
    split_text,
    unix_time,
)
from gateway.schemas import Location, Message

# Limits from Meta's interactive message docs (see /work/shared/channels.md §5).
MAX_BUTTONS = 3
BUTTON_TITLE = 20
MAX_ROWS = 10
ROW_TITLE = 24
ROW_ID = 200
LIST_LABEL = 20
INTERACTIVE_BODY = 1024
TEXT_BODY = 4096
# Reactions and system notices are not questions: acknowledged, never answered.
SILENT_TYPES = frozenset({"reaction", "system", "request_welcome", "ephemeral"})


class WhatsAppChannel:
    """The WhatsApp Cloud API adapter."""

    name = "whatsapp"
    prefix = "wa"

    def __init__(
        self,
        http: httpx.AsyncClient,
        *,
        verify_token: str,
        app_secret: str,
        access_token: str,
        phone_number_id: str,
        base_url: str,
        version: str,
    ) -> None:
        self._http = http
        self.verify_token = verify_token
        self._app_secret = app_secret.encode()
        self._access_token = access_token
        self._send_url = f"{base_url.rstrip('/')}/{version}/{phone_number_id}/messages"

    def handshake(self, mode: str | None, token: str | None, challenge: str | None) -> Response:
        """Meta's subscription check: echo the challenge when the verify token matches."""
        if (
            mode == "subscribe"
            and token is not None
            and challenge is not None
            and hmac.compare_digest(token.encode(), self.verify_token.encode())
        ):
            return PlainTextResponse(challenge)
        return PlainTextResponse("Forbidden", status_code=403)

    def verify(self, *, url: str, headers: Headers, body: bytes) -> bool:
        """HMAC-SHA256 of the raw body with the app secret, as in `X-Hub-Signature-256`."""
        signature = headers.get("x-hub-signature-256", "")
        if not signature.startswith("sha256="):
            return False
        expected = hmac.new(self._app_secret, body, hashlib.sha256).hexdigest()
        return hmac.compare_digest(signature[len("sha256=") :].encode(), expected.encode())

    def parse(self, *, headers: Headers, body: bytes) -> Parsed:
        """User messages from `entry[].changes[].value.messages`; statuses are only counted."""
        try:
            data = json.loads(body)
        except (ValueError, UnicodeDecodeError) as exc:
            raise BadPayload("body is not JSON") from exc
        if not isinstance(data, dict) or not isinstance(data.get("entry"), list):
            raise BadPayload("`entry` must be a list")
        parsed = Parsed()
        for entry in data["entry"]:
            changes = entry.get("changes") if isinstance(entry, dict) else None
            if not isinstance(changes, list):
                raise BadPayload("`entry[].changes` must be a list")
            for change in changes:
                value = change.get("value") if isinstance(change, dict) else None
                if not isinstance(value, dict) or change.get("field") != "messages":
                    parsed.ignored += 1
                    continue
                statuses = value.get("statuses")
                parsed.ignored += len(statuses) if isinstance(statuses, list) else 0
                messages = value.get("messages") or []
                if not isinstance(messages, list):
                    raise BadPayload("`value.messages` must be a list")
                for message in messages:
                    incoming = self._message(message)
                    if incoming is None:
                        parsed.ignored += 1
                    else:
                        parsed.messages.append(incoming)
        return parsed

    def _message(self, message: Any) -> Incoming | None:
        if not isinstance(message, dict):
            raise BadPayload("a message must be an object")
        wamid, sender, kind = message.get("id"), message.get("from"), message.get("type")
        if not (isinstance(wamid, str) and wamid and isinstance(sender, str) and sender):
            raise BadPayload("a message needs string `id` and `from`")
        base: dict[str, Any] = {
            "provider_message_id": wamid,
            "user_id": sender,
            "address": {"to": sender},
            "sent_at": unix_time(message.get("timestamp")),
        }
        if kind in SILENT_TYPES:
            return None
        if kind == "text":
            text = _get(message, "text", "body")
            if isinstance(text, str) and text.strip():
                return Incoming(**base, text=text)
        elif kind == "interactive":
            interactive = message.get("interactive") or {}
            reply = (
                interactive.get(interactive.get("type")) if isinstance(interactive, dict) else None
            )
            if isinstance(reply, dict) and isinstance(reply.get("id"), str):
                return Incoming(**base, text=str(reply.get("title") or ""), payload_ref=reply["id"])
        elif kind == "button":
            # A quick-reply button of a template message.
            payload = _get(message, "button", "payload") or _get(message, "button", "text")
            if isinstance(payload, str) and payload:
                return Incoming(**base, text=payload)
        elif kind == "location":
            location = message.get("location") or {}
            try:
                point = Location(lat=location["latitude"], lon=location["longitude"])
            except (KeyError, TypeError, ValueError) as exc:
                raise BadPayload("a location needs numeric latitude and longitude") from exc
            return Incoming(**base, text=LOCATION_TEXT, location=point)
        return Incoming(**base, kind="unsupported")

    def acknowledge(self, parsed: Parsed) -> Response:
        """Meta only needs a 200."""
        return PlainTextResponse("ok")

    def render(self, address: dict[str, str], message: Message, language: str) -> list[Outgoing]:
        """Text, reply buttons (≤3), a list (4–10) or numbered text (more)."""
        to = address["to"]
        buttons = message.buttons or []
        if not buttons:
            return [self._text(to, part) for part in split_text(message.text, TEXT_BODY)]
        if len(buttons) > MAX_ROWS:
            text, options = numbered(message, language)
            parts = split_text(text, TEXT_BODY)
            out = [self._text(to, part) for part in parts]
            return [*out[:-1], Outgoing(out[-1].body, numbered_options=options)]
        parts = split_text(message.text, INTERACTIVE_BODY) or [choose_prompt(language)]
        leading = [self._text(to, part) for part in parts[:-1]]
        if len(buttons) <= MAX_BUTTONS:
            action: dict[str, Any] = {
                "buttons": [
                    {
                        "type": "reply",
                        "reply": {
                            "id": _button_id(b.payload),
                            "title": shorten(b.title, BUTTON_TITLE),
                        },
                    }
                    for b in buttons
                ]
            }
            kind = "button"
        else:
            rows = [
                {"id": _button_id(b.payload), "title": shorten(b.title, ROW_TITLE)} for b in buttons
            ]
            action = {
                "button": shorten(gettext(language, "Options"), LIST_LABEL),
                "sections": [{"rows": rows}],
            }
            kind = "list"
        interactive = {"type": kind, "body": {"text": parts[-1]}, "action": action}
        return [*leading, Outgoing(self._envelope(to, type="interactive", interactive=interactive))]

    def _text(self, to: str, body: str) -> Outgoing:
        return Outgoing(self._envelope(to, type="text", text={"body": body, "preview_url": False}))

    @staticmethod
    def _envelope(to: str, **content: Any) -> dict[str, Any]:
        return {
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": to,
            **content,
        }

    async def send(self, outgoing: Outgoing) -> None:
        """POST to the Graph API's messages endpoint with the bearer token."""
        try:
            response = await self._http.post(
                self._send_url,
                json=outgoing.body,
                headers={"Authorization": f"Bearer {self._access_token}"},
            )
        except httpx.HTTPError as exc:
            raise SendFailed(f"WhatsApp unreachable: {type(exc).__name__}") from exc
        if response.status_code >= 300:
            raise SendFailed(f"WhatsApp answered HTTP {response.status_code}: {_error(response)}")


def _button_id(payload: str) -> str:
    """The payload itself when it fits a row id, else a short key the store maps back."""
    return payload if len(payload) <= ROW_ID else PAYLOAD_REF_PREFIX + payload_key(payload)


def _get(data: dict[str, Any], *keys: str) -> Any:
    value: Any = data
    for key in keys:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def _error(response: httpx.Response) -> str:
    """Meta's error code and title, never the message body we sent."""
    try:
        error = response.json().get("error", {})
        return f"code {error.get('code')} {str(error.get('type', ''))[:60]}"
    except (ValueError, AttributeError):
        return "no JSON error"
