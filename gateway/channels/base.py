"""The one interface every messaging channel implements: verify → parse → render → send."""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

import regex
from starlette.datastructures import Headers
from starlette.responses import Response

from dalil.i18n import gettext
from gateway.schemas import Location, Message
from knowledge.emergency import reminder_numbers

# The text sent to Rasa with a shared location: it starts the service point form, whose
# validation reads the coordinates from the message metadata (docs/internals.md).
LOCATION_TEXT = "/find_service_point"
# Button payloads too long for a provider's id field travel as `b:<key>` (see `payload_key`).
PAYLOAD_REF_PREFIX = "b:"

Kind = Literal["text", "unsupported"]


class BadPayload(ValueError):
    """The webhook body, or one item in it, is not what the provider documents.

    A whole body that cannot be read is answered with a 400; one bad item among others is
    skipped (`Parsed.skipped`). The message must never quote the user's text.
    """


class SendFailed(Exception):
    """The provider's send API refused or could not be reached; the message will be retried.

    `code` is the provider's error code when it gave one (WhatsApp: 131047 for a closed
    customer-service window, 132000-132999 for template problems).
    """

    def __init__(self, message: str, *, code: int | None = None) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Incoming:
    """One user message parsed from a webhook, before pseudonymisation."""

    provider_message_id: str
    # The provider's id of the person (phone number, chat id): pseudonymised before anything else.
    user_id: str
    address: dict[str, str]
    kind: Kind = "text"
    text: str = ""
    payload_ref: str | None = None
    location: Location | None = None
    language_hint: str | None = None
    # Other ids of the same person in this message (WhatsApp: the phone number beside the
    # business-scoped user id), so a conversation begun under one continues under the other.
    aliases: tuple[str, ...] = ()
    # When the user sent it (Unix seconds, as the provider says), to refuse stale replays.
    sent_at: float | None = None


def unix_time(value: object) -> float | None:
    """A provider's Unix timestamp (an int, or digits in a string), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str) and value.isdigit():
        return float(value)
    return None


@dataclass
class Parsed:
    """What one webhook delivery holds: user messages, plus how many events were ignored."""

    messages: list[Incoming] = field(default_factory=list)
    ignored: int = 0
    # Items that could not be parsed, logged without their text and skipped: the rest of the
    # delivery is still processed and acknowledged, since a provider would resend it all.
    skipped: int = 0
    # (previous id, current id) of people whose provider id changed, as the provider reports it.
    links: list[tuple[str, str]] = field(default_factory=list)
    # Telegram lets the webhook's answer carry one Bot API call (answerCallbackQuery).
    reply_method: dict[str, Any] | None = None


@dataclass(frozen=True)
class Outgoing:
    """One request to a provider's send API, and the payloads a numbered reply stands for."""

    body: dict[str, Any]
    numbered_options: tuple[str, ...] | None = None


class Channel(Protocol):
    """A messaging provider's adapter."""

    name: str
    prefix: str

    def verify(self, *, url: str, headers: Headers, body: bytes) -> bool:
        """True when the request really comes from the provider (fail closed)."""

    def parse(self, *, headers: Headers, body: bytes) -> Parsed:
        """The user messages in a verified webhook body; raises BadPayload."""

    def acknowledge(self, parsed: Parsed) -> Response:
        """The fast answer to the webhook, once its messages are persisted."""

    def render(self, address: dict[str, str], message: Message, language: str) -> list[Outgoing]:
        """The provider requests that show `message` to the user at `address`."""

    async def send(self, outgoing: Outgoing) -> str | None:
        """Send one rendered request and return the provider's message id; raises SendFailed."""


def payload_key(payload: str) -> str:
    """A short, stable key for a button payload (Telegram's callback_data holds 64 bytes)."""
    digest = hashlib.sha256(payload.encode()).digest()
    return base64.urlsafe_b64encode(digest[:9]).decode()


_GRAPHEME = regex.compile(r"\X")


def utf16_length(text: str) -> int:
    """Length as providers count it: UTF-16 code units (an emoji outside the BMP counts 2)."""
    return len(text.encode("utf-16-le")) // 2


def shorten(text: str, limit: int, *, ellipsis: str = "…") -> str:
    """Fit `text` in `limit` UTF-16 units, cutting at a word boundary, never inside a grapheme."""
    text = " ".join(text.split())
    if utf16_length(text) <= limit:
        return text
    budget = limit - utf16_length(ellipsis)
    kept: list[str] = []
    used = 0
    for grapheme in _GRAPHEME.findall(text):
        size = utf16_length(grapheme)
        if used + size > budget:
            break
        kept.append(grapheme)
        used += size
    cut = "".join(kept)
    # Prefer the last whole word; only a single word longer than the limit is cut inside.
    at_boundary = text[len(cut) : len(cut) + 1].isspace()
    if not at_boundary and " " in cut:
        cut = cut[: cut.rstrip().rfind(" ")]
    return cut.rstrip(" ,;:-–—،؛") + ellipsis


def split_text(text: str, limit: int) -> list[str]:
    """Split a long text into parts of at most `limit` units, at paragraph or word boundaries."""
    parts: list[str] = []
    rest = text.strip()
    while utf16_length(rest) > limit:
        window = "".join(_take_graphemes(rest, limit))
        cut = max(window.rfind("\n"), window.rfind(" "))
        if cut <= 0:
            cut = len(window)
        parts.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        parts.append(rest)
    return parts


def _take_graphemes(text: str, limit: int) -> list[str]:
    taken: list[str] = []
    used = 0
    for grapheme in _GRAPHEME.findall(text):
        size = utf16_length(grapheme)
        if used + size > limit:
            break
        taken.append(grapheme)
        used += size
    return taken


def numbered(message: Message, language: str) -> tuple[str, tuple[str, ...]]:
    """Buttons as numbered lines the user answers with a digit, for channels without buttons."""
    buttons = message.buttons or []
    lines = [f"{i}. {b.title}" for i, b in enumerate(buttons, start=1)]
    hint = gettext(language, "Reply with the number of your choice.")
    head = message.text.strip()
    text = "\n".join(lines) + "\n" + hint
    return (f"{head}\n\n{text}" if head else text), tuple(b.payload for b in buttons)


def choose_prompt(language: str) -> str:
    """The body of a buttons-only message (interactive messages need a body)."""
    return gettext(language, "Choose an option:")


def only_text_message(language: str) -> str:
    """The polite answer to a voice note, a picture or anything else that is not text."""
    return gettext(
        language,
        "I can only read text messages for now. Please write your question in a few words.",
    )


def delayed_message(language: str) -> str:
    """Told once when an answer is delayed: it will come, and whom to call meanwhile."""
    return gettext(
        language,
        "I received your message but cannot answer right now; I will answer as soon as "
        "I can. In an emergency, call the police on {police} or an ambulance on {ambulance}.",
        **reminder_numbers(language),
    )
