"""WhatsApp Cloud API (Meta): signed JSON webhooks, reply buttons, lists and the Graph send API."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
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

log = logging.getLogger(__name__)

# Limits from Meta's Cloud API interactive message reference (reply buttons, list messages).
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
        """User messages from `entry[].changes[].value.messages`; statuses are only counted.

        Only a body that is not a JSON object with an `entry` list is refused: anything
        malformed inside it is logged (never its text) and skipped, and the rest processed,
        because Meta resends a refused delivery whole and would never get past the bad item.
        """
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
                _skip(parsed, "`entry[].changes` must be a list")
                continue
            for change in changes:
                value = change.get("value") if isinstance(change, dict) else None
                if not isinstance(value, dict) or change.get("field") != "messages":
                    parsed.ignored += 1
                    continue
                # Statuses carry `recipient_id` (phone) or, for a username user, only
                # `recipient_user_id` (BSUID): either way they are counted, never parsed.
                statuses = value.get("statuses")
                parsed.ignored += len(statuses) if isinstance(statuses, list) else 0
                messages = value.get("messages") or []
                if not isinstance(messages, list):
                    _skip(parsed, "`value.messages` must be a list")
                    continue
                contacts = _contact_ids(value.get("contacts"))
                for message in messages:
                    try:
                        incoming = self._message(message, contacts, parsed)
                    except BadPayload as exc:
                        _skip(parsed, str(exc), message)
                        continue
                    if incoming is None:
                        parsed.ignored += 1
                    else:
                        parsed.messages.append(incoming)
        return parsed

    def _message(self, message: Any, contacts: dict[str, str], parsed: Parsed) -> Incoming | None:
        if not isinstance(message, dict):
            raise BadPayload("a message must be an object")
        wamid, kind = message.get("id"), message.get("type")
        if not (isinstance(wamid, str) and wamid):
            raise BadPayload("a message needs a string `id`")
        # A user with a username may have no phone number in the webhook (`from` empty or
        # absent); the business-scoped user id (BSUID) is then the only id, and it is the
        # stable one: the pseudonym comes from it whenever it is present.
        phone = _text(message.get("from"))
        bsuid = _text(message.get("from_user_id")) or contacts.get(phone or "")
        if kind == "system":
            parsed.links.extend(_id_changes(message, phone, bsuid))
            return None
        if not (phone or bsuid):
            raise BadPayload("a message needs `from` or `from_user_id`")
        # Meta's send API takes `to` (a phone number) or `recipient` (a BSUID); it prefers
        # the phone number when it may still be used.
        address = {"to": phone} if phone else {"recipient": bsuid}
        base: dict[str, Any] = {
            "provider_message_id": wamid,
            "user_id": bsuid or phone,
            "address": address,
            "aliases": (phone,) if (bsuid and phone) else (),
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
        to = _recipient(address)
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

    def _text(self, to: dict[str, str], body: str) -> Outgoing:
        return Outgoing(self._envelope(to, type="text", text={"body": body, "preview_url": False}))

    @staticmethod
    def _envelope(to: dict[str, str], **content: Any) -> dict[str, Any]:
        return {
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            **to,
            **content,
        }

    async def send(self, outgoing: Outgoing) -> str | None:
        """POST to the Graph API's messages endpoint; the new message's wamid."""
        try:
            response = await self._http.post(
                self._send_url,
                json=outgoing.body,
                headers={"Authorization": f"Bearer {self._access_token}"},
            )
        except httpx.HTTPError as exc:
            raise SendFailed(f"WhatsApp unreachable: {type(exc).__name__}") from exc
        if response.status_code >= 300:
            raise SendFailed(
                f"WhatsApp answered HTTP {response.status_code}: {_error(response)}",
                code=_error_code(response),
            )
        return _message_id(response)


def _recipient(address: dict[str, str]) -> dict[str, str]:
    """`to` for a phone number, else `recipient` for a business-scoped user id (one, not both:
    Meta's send API lets `to` win when both are given)."""
    if address.get("to"):
        return {"to": address["to"]}
    return {"recipient": address["recipient"]}


def _text(value: Any) -> str | None:
    """A non-empty string, else None: Meta sends withheld ids as "" or leaves them out."""
    return value if isinstance(value, str) and value else None


def _contact_ids(contacts: Any) -> dict[str, str]:
    """BSUIDs of `value.contacts[]` by phone number (`wa_id`), and by "" for a lone contact,
    for messages that carry `from` without `from_user_id`."""
    found: dict[str, str] = {}
    if not isinstance(contacts, list):
        return found
    for contact in contacts:
        if not isinstance(contact, dict) or not _text(contact.get("user_id")):
            continue
        found[_text(contact.get("wa_id")) or ""] = contact["user_id"]
    if len(contacts) == 1 and found:
        found.setdefault("", next(iter(found.values())))
    return found


# `system` messages that report a user's new id (Meta's system messages webhook reference).
ID_CHANGES = frozenset({"user_changed_number", "user_changed_user_id"})


def _id_changes(
    message: dict[str, Any], phone: str | None, bsuid: str | None
) -> list[tuple[str, str]]:
    """(previous id, new id) pairs of a `user_changed_number` or `user_changed_user_id` event."""
    system = message.get("system")
    if not isinstance(system, dict) or system.get("type") not in ID_CHANGES:
        return []
    previous = _text(system.get("previous_user_id")) or bsuid or phone
    if previous is None:
        raise BadPayload("an id change needs the previous id")
    news = [_text(system.get("user_id")), _text(system.get("wa_id"))]
    return [(previous, new) for new in news if new and new != previous]


def _skip(parsed: Parsed, reason: str, message: Any = None) -> None:
    """Count and log one unreadable item: its reason and message id, never its text."""
    parsed.skipped += 1
    wamid = message.get("id") if isinstance(message, dict) else None
    log.warning(
        "whatsapp item skipped",
        extra={"reason": reason, "provider_message_id": wamid if isinstance(wamid, str) else None},
    )


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


def _error_code(response: httpx.Response) -> int | None:
    try:
        code = response.json().get("error", {}).get("code")
    except (ValueError, AttributeError):
        return None
    return code if isinstance(code, int) else None


def _message_id(response: httpx.Response) -> str | None:
    """`messages[0].id` of the send API's answer."""
    try:
        messages = response.json().get("messages") or []
        found = messages[0].get("id") if messages else None
    except (ValueError, AttributeError, IndexError):
        return None
    return found if isinstance(found, str) else None


def _error(response: httpx.Response) -> str:
    """Meta's error code and title, never the message body we sent."""
    try:
        error = response.json().get("error", {})
        return f"code {error.get('code')} {str(error.get('type', ''))[:60]}"
    except (ValueError, AttributeError):
        return "no JSON error"
