"""Twilio Programmable Messaging (SMS and WhatsApp): signed form webhooks, numbered options."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

import httpx
from starlette.datastructures import Headers
from starlette.responses import Response
from twilio.request_validator import (
    HMAC_SHA1,
    SIGNATURE_SETTINGS_HEADER,
    RequestValidator,
    get_signature_algorithm,
)

from gateway.channels.base import (
    LOCATION_TEXT,
    BadPayload,
    Incoming,
    Outgoing,
    Parsed,
    SendFailed,
    numbered,
    split_text,
)
from gateway.schemas import Location, Message

# Twilio accepts bodies up to 1,600 characters; longer answers go as several messages.
MAX_BODY = 1600
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


class TwilioChannel:
    """The Twilio adapter; WhatsApp through Twilio has no free-form buttons, so options are numbered."""

    name = "twilio"
    prefix = "tw"

    def __init__(
        self,
        http: httpx.AsyncClient,
        *,
        account_sid: str,
        auth_token: str,
        public_url: str,
        base_url: str,
        shared_key: str | None = None,
    ) -> None:
        self._http = http
        self._account_sid = account_sid
        self._auth_token = auth_token
        self._validator = RequestValidator(auth_token)
        # Webhook Settings sign with their own SharedKey (HMAC-SHA256), not the auth token.
        self._shared_validator = RequestValidator(shared_key) if shared_key else None
        self._public_url = public_url
        self._send_url = f"{base_url.rstrip('/')}/2010-04-01/Accounts/{account_sid}/Messages.json"

    def verify(self, *, url: str, headers: Headers, body: bytes) -> bool:
        """`X-Twilio-Signature` over the public URL and every form parameter (fail closed).

        HMAC-SHA1 with the auth token by default; when `X-Twilio-Webhooks-Signature-Settings`
        names another algorithm (HMAC_SHA256), the Webhook Setting's shared key signed it.
        """
        signature = headers.get("x-twilio-signature")
        if not signature:
            return False
        try:
            params = _form(body)
        except BadPayload:
            return False
        settings = headers.get(SIGNATURE_SETTINGS_HEADER)
        validator = self._validator
        algorithm = get_signature_algorithm(settings) if settings else HMAC_SHA1
        if settings:
            if self._shared_validator is None:
                return False
            validator = self._shared_validator
        # Always the configured public URL: the request's own URL and Host are the client's.
        try:
            return bool(validator.validate(self._public_url, params, signature, algorithm))
        except ValueError:
            return False

    def parse(self, *, headers: Headers, body: bytes) -> Parsed:
        """One message per request: Body, location, or media without Body."""
        params = _form(body)
        sid, sender, bot = params.get("MessageSid"), params.get("From"), params.get("To")
        if not (sid and sender and bot):
            raise BadPayload("MessageSid, From and To are required")
        base: dict[str, Any] = {
            "provider_message_id": sid,
            "user_id": sender,
            "address": {"to": sender, "from": bot},
        }
        text = (params.get("ButtonPayload") or params.get("Body") or "").strip()
        latitude, longitude = params.get("Latitude"), params.get("Longitude")
        if latitude and longitude:
            try:
                point = Location(lat=float(latitude), lon=float(longitude))
            except ValueError as exc:
                raise BadPayload("Latitude and Longitude must be numbers") from exc
            return Parsed(messages=[Incoming(**base, text=LOCATION_TEXT, location=point)])
        if not text:
            # A picture or a voice note without a caption (the crash of Rasa's own connector).
            return Parsed(messages=[Incoming(**base, kind="unsupported")])
        return Parsed(messages=[Incoming(**base, text=text)])

    def acknowledge(self, parsed: Parsed) -> Response:
        """An empty TwiML document: the answer follows through the REST API."""
        return Response(EMPTY_TWIML, media_type="text/xml")

    def render(self, address: dict[str, str], message: Message, language: str) -> list[Outgoing]:
        """Plain text; buttons become numbered options remembered for the reply."""
        options: tuple[str, ...] | None = None
        text = message.text
        if message.buttons:
            text, options = numbered(message, language)
        parts = split_text(text, MAX_BODY)
        out = [Outgoing({"To": address["to"], "From": address["from"], "Body": p}) for p in parts]
        if options and out:
            out[-1] = Outgoing(out[-1].body, numbered_options=options)
        return out

    async def send(self, outgoing: Outgoing) -> str | None:
        """POST to Messages.json with basic auth; the new message's SID."""
        try:
            response = await self._http.post(
                self._send_url, data=outgoing.body, auth=(self._account_sid, self._auth_token)
            )
        except httpx.HTTPError as exc:
            raise SendFailed(f"Twilio unreachable: {type(exc).__name__}") from exc
        if response.status_code >= 300:
            raise SendFailed(f"Twilio answered HTTP {response.status_code}")
        try:
            found = response.json().get("sid")
        except (ValueError, AttributeError):
            return None
        return found if isinstance(found, str) else None


def _form(body: bytes) -> dict[str, str]:
    try:
        return dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True, strict_parsing=False))
    except (UnicodeDecodeError, ValueError) as exc:
        raise BadPayload("body is not a form") from exc
