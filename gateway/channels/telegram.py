"""Telegram Bot API: secret-token webhooks, inline keyboards with short callback ids."""

from __future__ import annotations

import hmac
import json
from typing import Any

import httpx
from starlette.datastructures import Headers
from starlette.responses import JSONResponse, Response

from gateway.channels.base import (
    LOCATION_TEXT,
    PAYLOAD_REF_PREFIX,
    BadPayload,
    Incoming,
    Outgoing,
    Parsed,
    SendFailed,
    choose_prompt,
    payload_key,
    shorten,
    split_text,
    unix_time,
)
from gateway.schemas import Location, Message

MAX_TEXT = 4096
# Inline keyboard buttons show about this many characters on a phone before eliding.
BUTTON_TEXT = 40


class TelegramChannel:
    """The Telegram adapter."""

    name = "telegram"
    prefix = "tg"

    def __init__(
        self, http: httpx.AsyncClient, *, bot_token: str, secret_token: str, base_url: str
    ) -> None:
        self._http = http
        self._secret = secret_token.encode()
        self._api = f"{base_url.rstrip('/')}/bot{bot_token}"

    def verify(self, *, url: str, headers: Headers, body: bytes) -> bool:
        """The `X-Telegram-Bot-Api-Secret-Token` given to setWebhook (Telegram has no HMAC)."""
        token = headers.get("x-telegram-bot-api-secret-token")
        return token is not None and hmac.compare_digest(token.encode(), self._secret)

    def parse(self, *, headers: Headers, body: bytes) -> Parsed:
        """A `message` (text, location, other) or a `callback_query`; other updates are ignored."""
        try:
            update = json.loads(body)
        except (ValueError, UnicodeDecodeError) as exc:
            raise BadPayload("body is not JSON") from exc
        if not isinstance(update, dict) or not isinstance(update.get("update_id"), int):
            raise BadPayload("an update needs an integer `update_id`")
        update_id = str(update["update_id"])
        if isinstance(update.get("callback_query"), dict):
            return self._callback(update_id, update["callback_query"])
        message = update.get("message")
        if not isinstance(message, dict):
            return Parsed(ignored=1)  # edited messages, channel posts, member updates…
        chat_id = _get(message, "chat", "id")
        if not isinstance(chat_id, int):
            raise BadPayload("`message.chat.id` must be an integer")
        if _get(message, "from", "is_bot") is True:
            return Parsed(ignored=1)
        base: dict[str, Any] = {
            "provider_message_id": update_id,
            "user_id": str(chat_id),
            "address": {"chat_id": str(chat_id)},
            "language_hint": _language(message.get("from")),
            "sent_at": unix_time(message.get("date")),
        }
        text = message.get("text")
        if isinstance(text, str) and text.strip():
            return Parsed(messages=[Incoming(**base, text=text)])
        location = message.get("location")
        if isinstance(location, dict):
            try:
                point = Location(lat=location["latitude"], lon=location["longitude"])
            except (KeyError, TypeError, ValueError) as exc:
                raise BadPayload("a location needs numeric latitude and longitude") from exc
            return Parsed(messages=[Incoming(**base, text=LOCATION_TEXT, location=point)])
        return Parsed(messages=[Incoming(**base, kind="unsupported")])

    def _callback(self, update_id: str, query: dict[str, Any]) -> Parsed:
        chat_id = _get(query, "message", "chat", "id") or _get(query, "from", "id")
        query_id, data = query.get("id"), query.get("data")
        if not isinstance(chat_id, int) or not isinstance(query_id, str):
            raise BadPayload("a callback_query needs an `id` and a chat")
        # Answering stops the spinner on the user's button; done in the webhook's own answer.
        method = {"method": "answerCallbackQuery", "callback_query_id": query_id}
        if not isinstance(data, str) or not data:
            return Parsed(ignored=1, reply_method=method)
        incoming = Incoming(
            provider_message_id=update_id,
            user_id=str(chat_id),
            address={"chat_id": str(chat_id)},
            payload_ref=data,
            language_hint=_language(query.get("from")),
        )
        return Parsed(messages=[incoming], reply_method=method)

    def acknowledge(self, parsed: Parsed) -> Response:
        """200, carrying answerCallbackQuery when a button was pressed."""
        return JSONResponse(parsed.reply_method or {})

    def render(self, address: dict[str, str], message: Message, language: str) -> list[Outgoing]:
        """sendMessage, with one inline keyboard row per button (readable on narrow screens)."""
        parts = split_text(message.text, MAX_TEXT) or (
            [choose_prompt(language)] if message.buttons else []
        )
        out = [Outgoing({"chat_id": address["chat_id"], "text": p}) for p in parts]
        if message.buttons and out:
            keyboard = [
                [{"text": shorten(b.title, BUTTON_TEXT), "callback_data": callback_data(b.payload)}]
                for b in message.buttons
            ]
            out[-1].body["reply_markup"] = {"inline_keyboard": keyboard}
        return out

    async def send(self, outgoing: Outgoing) -> str | None:
        """POST sendMessage; the new message's id."""
        try:
            response = await self._http.post(f"{self._api}/sendMessage", json=outgoing.body)
        except httpx.HTTPError as exc:
            raise SendFailed(f"Telegram unreachable: {type(exc).__name__}") from exc
        if response.status_code >= 300:
            raise SendFailed(f"Telegram answered HTTP {response.status_code}")
        try:
            found = response.json().get("result", {}).get("message_id")
        except (ValueError, AttributeError):
            return None
        return str(found) if found is not None else None


def callback_data(payload: str) -> str:
    """At most 64 bytes whatever the payload's script: a key the store maps back."""
    return PAYLOAD_REF_PREFIX + payload_key(payload)


def _language(user: Any) -> str | None:
    code = user.get("language_code") if isinstance(user, dict) else None
    return code if isinstance(code, str) else None


def _get(data: dict[str, Any], *keys: str) -> Any:
    value: Any = data
    for key in keys:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value
