"""A gateway wired to the fake outside world, and helpers to sign and post provider webhooks."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine
from twilio.request_validator import RequestValidator

from gateway.app import create_app
from gateway.inbox.models import GatewayBase
from gateway.privacy import pseudonym
from gateway.settings import GatewaySettings
from tests.fakes.providers import FakeWorld, build_app, dumps_like_meta
from tests.fakes.server import LoopbackServer

WA_VERIFY = "verify-me-please"
WA_SECRET = "whatsapp-app-secret"
WA_TOKEN = "EAAG-access-token"
WA_PHONE_ID = "106540352242922"
WA_VERSION = "v21.0"
TW_SID = "AC" + "0123456789abcdef" * 2
TW_TOKEN = "twilio-auth-token"
TW_PUBLIC_URL = "https://dalil.example.org/webhooks/twilio"
TG_TOKEN = "123456:ABC-DEF1234ghIkl"
TG_SECRET = "tg_Secret-token_42"
PSEUDONYM_KEY = "test-pseudonym-key"
REDIS_URL = "redis://127.0.0.1:6379/13"  # a Redis db for the tests; keys carry a per-test prefix


def settings_for(fake_url: str, database_url: str, **overrides: Any) -> GatewaySettings:
    """Every channel on, every provider and Rasa pointed at the fakes, fast retries."""
    values: dict[str, Any] = {
        "environment": "test",
        "database_url": database_url,
        "rasa_url": fake_url,
        "action_server_url": fake_url,
        "rasa_token": "rasa-token",
        "pseudonym_key": PSEUDONYM_KEY,
        "whatsapp_verify_token": WA_VERIFY,
        "whatsapp_app_secret": WA_SECRET,
        "whatsapp_access_token": WA_TOKEN,
        "whatsapp_phone_number_id": WA_PHONE_ID,
        "whatsapp_api_base_url": fake_url,
        "whatsapp_api_version": WA_VERSION,
        "twilio_account_sid": TW_SID,
        "twilio_auth_token": TW_TOKEN,
        "twilio_public_url": TW_PUBLIC_URL,
        "twilio_api_base_url": fake_url,
        "telegram_bot_token": TG_TOKEN,
        "telegram_secret_token": TG_SECRET,
        "telegram_api_base_url": fake_url,
        "worker_poll_seconds": 0.05,
        "retry_base_seconds": 0.1,
        "retry_max_delay_seconds": 0.3,
    }
    values.update(overrides)
    return GatewaySettings(**values)


def create_tables(database_url: str) -> None:
    """The inbox's tables (the migration itself is tested in test_queue_migration.py)."""
    engine = create_engine(database_url)
    GatewayBase.metadata.create_all(engine)
    engine.dispose()


def wait_for(predicate: Callable[[], object], timeout: float = 10.0) -> None:
    """Poll until `predicate()` is true, failing the test after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            pytest.fail("condition not met in time")
        time.sleep(0.02)


def sender_of(prefix: str, user_id: str) -> str:
    """The pseudonym the gateway gives a provider's user."""
    return pseudonym(prefix, user_id, key=PSEUDONYM_KEY)


def wa_sign(body: bytes, secret: str = WA_SECRET) -> str:
    """The X-Hub-Signature-256 header Meta computes."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def wa_envelope(value: dict[str, Any]) -> dict[str, Any]:
    """A Cloud API `messages` webhook around `value` (its messages or statuses, Meta's `messages` webhook; docs/channels.md)."""
    return {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "id": "102290129340398",
                "changes": [
                    {
                        "field": "messages",
                        "value": {
                            "messaging_product": "whatsapp",
                            "metadata": {
                                "display_phone_number": "15550001234",
                                "phone_number_id": WA_PHONE_ID,
                            },
                            **value,
                        },
                    }
                ],
            }
        ],
    }


def wa_message(message: dict[str, Any], *, wa_id: str = "212600000001") -> dict[str, Any]:
    """A Cloud API `messages` webhook around one message."""
    # Sent just now: the gateway refuses messages older than DALIL_MAX_MESSAGE_AGE_SECONDS.
    message = {"from": wa_id, "timestamp": str(int(time.time())), **message}
    return wa_envelope(
        {"contacts": [{"profile": {"name": "Amina"}, "wa_id": wa_id}], "messages": [message]}
    )


def wa_text(text: str, *, wamid: str, wa_id: str = "212600000001") -> dict[str, Any]:
    """A text message webhook."""
    return wa_message({"id": wamid, "type": "text", "text": {"body": text}}, wa_id=wa_id)


@dataclass
class Harness:
    """A running gateway and the fakes it talks to."""

    world: FakeWorld
    client: TestClient
    settings: GatewaySettings

    def whatsapp(self, payload: dict[str, Any], *, signature: str | None = None) -> httpx.Response:
        """POST a signed WhatsApp webhook (bytes as Meta sends them)."""
        body = dumps_like_meta(payload)
        headers = {"Content-Type": "application/json"}
        headers["X-Hub-Signature-256"] = signature if signature is not None else wa_sign(body)
        return self.client.post("/webhooks/whatsapp", content=body, headers=headers)

    def twilio(self, params: dict[str, str], *, signature: str | None = None) -> httpx.Response:
        """POST a Twilio webhook signed with the twilio package's own validator."""
        if signature is None:
            signature = RequestValidator(TW_TOKEN).compute_signature(TW_PUBLIC_URL, params)
        return self.client.post(
            "/webhooks/twilio", data=params, headers={"X-Twilio-Signature": signature}
        )

    def telegram(self, update: dict[str, Any], *, secret: str | None = TG_SECRET) -> httpx.Response:
        """POST a Telegram update with the secret token header."""
        headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret is not None else {}
        return self.client.post("/webhooks/telegram", content=json.dumps(update), headers=headers)


@contextmanager
def fake_world() -> Iterator[tuple[FakeWorld, str]]:
    """The fakes on loopback."""
    world = FakeWorld()
    server = LoopbackServer(build_app(world)).start()
    try:
        yield world, server.url
    finally:
        server.stop()


@contextmanager
def running_gateway(settings: GatewaySettings) -> Iterator[TestClient]:
    """The gateway app with its lifespan (and so its workers) running."""
    with TestClient(create_app(settings)) as client:
        yield client


@contextmanager
def running_harness(world: FakeWorld, settings: GatewaySettings) -> Iterator[Harness]:
    """The gateway of `settings` running in front of the fakes `world`."""
    with running_gateway(settings) as client:
        yield Harness(world, client, settings)
