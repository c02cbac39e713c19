"""Opt-in on WhatsApp, Telegram, SMS and the web chat; a published change; review; one alert each.

Real gateway (workers, adapters, admin API, outbox) on a migrated PostgreSQL or SQLite database;
only the providers and Rasa are faked, on loopback (tests/fakes/providers.py).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session
from twilio.request_validator import RequestValidator

from gateway.alerts.models import Delivery, Subscription
from gateway.alerts.outbox import Outbox
from gateway.alerts.settings import AlertSettings
from gateway.app import create_app
from gateway.channels import build_channels
from gateway.inbox.models import Contact
from gateway.settings import GatewaySettings
from tests.fakes.gateway import (
    TW_PUBLIC_URL,
    fake_world,
    sender_of,
    settings_for,
    wa_envelope,
    wa_message,
    wa_sign,
    wa_text,
    wait_for,
)
from tests.fakes.providers import FakeWorld, dumps_like_meta
from tests.gateway.accounts import draft_answer, login

WA_USER = "212600000001"
TG_USER = 777001
SMS_USER = "+212600000004"
WEB_USER = "web-visitor-42"
TEMPLATE = "dalil_alert"


class Gateway:
    """The running gateway, the fakes, and helpers to write as each kind of user."""

    def __init__(self, client: TestClient, world: FakeWorld, settings: GatewaySettings) -> None:
        self.client, self.world, self.settings = client, world, settings
        self._n = 0

    def _id(self) -> int:
        self._n += 1
        return self._n

    def whatsapp(self, payload: dict[str, Any]) -> None:
        body = dumps_like_meta(payload)
        headers = {"Content-Type": "application/json", "X-Hub-Signature-256": wa_sign(body)}
        assert (
            self.client.post("/webhooks/whatsapp", content=body, headers=headers).status_code == 200
        )

    def telegram(self, update: dict[str, Any]) -> None:
        headers = {"X-Telegram-Bot-Api-Secret-Token": "tg_Secret-token_42"}
        assert (
            self.client.post("/webhooks/telegram", json=update, headers=headers).status_code == 200
        )

    def sms(self, text: str) -> None:
        params = {
            "MessageSid": f"SM{self._id():032d}",
            "From": SMS_USER,
            "To": "+15550001111",
            "Body": text,
        }
        signature = RequestValidator("twilio-auth-token").compute_signature(TW_PUBLIC_URL, params)
        response = self.client.post(
            "/webhooks/twilio", data=params, headers={"X-Twilio-Signature": signature}
        )
        assert response.status_code == 200

    def web(self, text: str, language: str | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {"sender": WEB_USER, "text": text}
        if language:
            body["language"] = language
        response = self.client.post("/api/v1/chat", json=body)
        assert response.status_code == 200, response.text
        return dict(response.json())


@pytest.fixture
def gateway(database_url: str) -> Iterator[Gateway]:
    with fake_world() as (world, url):
        settings = settings_for(
            url, database_url, session_secret="a-test-secret-that-is-long-enough"
        )
        with TestClient(create_app(settings), follow_redirects=False) as client:
            yield Gateway(client, world, settings)


def run_outbox(settings: GatewaySettings, engine: Engine, **overrides: Any) -> None:
    async def go() -> None:
        async with httpx.AsyncClient() as http:
            values: dict[str, Any] = {"whatsapp_template": TEMPLATE, "retry_seconds": 0}
            values.update(overrides)
            outbox = Outbox(engine, build_channels(settings, http), AlertSettings(**values))
            while await outbox.run_once():
                pass

    asyncio.run(go())


def subscribe_everywhere(gw: Gateway) -> None:
    """Four people ask about health care, each gets the offer and accepts it."""
    world = gw.world
    gw.whatsapp(
        wa_text("topic: je cherche un médecin pour mon enfant", wamid="wamid.in1", wa_id=WA_USER)
    )
    wait_for(lambda: len(world.whatsapp) >= 2)
    offer = world.whatsapp[1].body
    assert offer["type"] == "interactive"
    button = offer["interactive"]["action"]["buttons"][0]["reply"]
    assert button["id"] == "alerts:on:health_care:rabat"
    assert "STOP" in offer["interactive"]["body"]["text"]  # how to stop, in the consent text
    gw.whatsapp(
        wa_message(
            {
                "id": "wamid.in2",
                "type": "interactive",
                "interactive": {"type": "button_reply", "button_reply": button},
            },
            wa_id=WA_USER,
        )
    )
    wait_for(lambda: len(world.whatsapp) >= 3)

    gw.telegram(
        {
            "update_id": 1,
            "message": {
                "message_id": 1,
                "date": int(time.time()),
                "from": {"id": TG_USER, "is_bot": False, "first_name": "A", "language_code": "ar"},
                "chat": {"id": TG_USER, "type": "private"},
                "text": "topic: أين أجد طبيبا لطفلي",
            },
        }
    )
    wait_for(lambda: len(world.telegram) >= 2)
    keyboard = world.telegram[1].body["reply_markup"]["inline_keyboard"]
    gw.telegram(
        {
            "update_id": 2,
            "callback_query": {
                "id": "cb1",
                "from": {"id": TG_USER, "is_bot": False, "first_name": "A", "language_code": "ar"},
                "message": {"message_id": 2, "chat": {"id": TG_USER, "type": "private"}},
                "data": keyboard[0][0]["callback_data"],
            },
        }
    )
    wait_for(lambda: len(world.telegram) >= 3)

    gw.sms("topic: I need a doctor for my child please")
    wait_for(lambda: len(world.twilio) >= 2)
    assert "1. " in world.twilio[1].body["Body"]  # the offer as a numbered option
    gw.sms("1")
    wait_for(lambda: len(world.twilio) >= 3)

    answer = gw.web("topic: necesito un médico para mi hijo", language="es")
    offer_button = answer["messages"][-1]["buttons"][0]
    done = gw.web(offer_button["payload"])
    assert "BAJA" in done["messages"][0]["text"]


def publish_change(gw: Gateway) -> int:
    """An editor drafts a French change to health care; an admin publishes it."""
    client = gw.client
    token = login(client, "editor")
    h = {"X-CSRF-Token": token}
    draft = draft_answer(
        client,
        token,
        {"short_answer": "Les soins de santé primaires sont gratuits dans les centres publics."},
        topic="health_care",
        language="fr",
    )
    assert draft.status_code == 201, draft.text
    assert (
        client.post(f"/api/v1/admin/drafts/{draft.json()['id']}/submit", headers=h).status_code
        == 200
    )
    token = login(client, "admin")
    h = {"X-CSRF-Token": token}
    published = client.post(f"/api/v1/admin/drafts/{draft.json()['id']}/publish", headers=h)
    assert published.status_code == 200, published.text
    return int(draft.json()["id"])


@pytest.mark.postgres
def test_opt_in_everywhere_then_a_published_change_reaches_each_subscriber_once(
    gateway: Gateway, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    gw, world = gateway, gateway.world
    status_url = "https://dalil.example.org/webhooks/twilio/status"
    monkeypatch.setenv("DALIL_ALERT_TWILIO_STATUS_URL", status_url)
    subscribe_everywhere(gw)
    with Session(engine) as session:
        subs = {s.channel: s for s in session.scalars(select(Subscription))}
    assert set(subs) == {"whatsapp", "telegram", "twilio", "web"}
    assert {c: s.language for c, s in subs.items()} == {
        "whatsapp": "fr",
        "telegram": "ar",
        "twilio": "en",
        "web": "es",
    }
    assert all(s.topic == "health_care" and s.city == "rabat" for s in subs.values())
    # Nothing with a phone number or a chat id: pseudonyms only.
    assert subs["whatsapp"].sender == sender_of("wa", WA_USER)

    # The WhatsApp user's window closed 25 hours ago: the alert must go as a template.
    with Session(engine) as session, session.begin():
        session.execute(
            update(Contact)
            .where(Contact.sender == subs["whatsapp"].sender)
            .values(last_seen_at=datetime.now(UTC) - timedelta(hours=25))
        )

    publish_change(gw)
    client = gw.client
    alerts = client.get("/api/v1/admin/alerts").json()
    assert len(alerts) == 1
    alert = alerts[0]
    assert alert["status"] == "proposed" and alert["topic"] == "health_care"
    assert alert["recipients"] == 4
    assert "gratuits dans les centres publics" in alert["texts"]["fr"]
    assert set(alert["texts"]) >= {"fr", "ar", "en", "es", "sms:fr", "sms:ar", "sms:en", "sms:es"}
    assert "http" not in alert["texts"]["sms:en"]
    h = {"X-CSRF-Token": client.get("/api/v1/admin/session").json()["csrf_token"]}
    reviewed = {**alert["texts"], "en": alert["texts"]["en"] + " (reviewed)"}
    assert (
        client.put(
            f"/api/v1/admin/alerts/{alert['id']}/texts", headers=h, json={"texts": reviewed}
        ).status_code
        == 200
    )
    # Nothing goes before approval.
    assert client.post(f"/api/v1/admin/alerts/{alert['id']}/send", headers=h).status_code == 409
    assert client.post(f"/api/v1/admin/alerts/{alert['id']}/approve", headers=h).status_code == 200
    assert client.post(f"/api/v1/admin/alerts/{alert['id']}/send", headers=h).status_code == 200
    before = (len(world.whatsapp), len(world.telegram), len(world.twilio))

    run_outbox(gw.settings, engine, twilio_status_url=status_url)
    run_outbox(gw.settings, engine)  # a second pass (a restart) sends nothing again

    wa_new = [r.body for r in world.whatsapp[before[0] :]]
    assert len(wa_new) == 1 and wa_new[0]["type"] == "template"
    assert wa_new[0]["template"]["name"] == TEMPLATE
    assert wa_new[0]["template"]["language"]["code"] == "fr"
    assert wa_new[0]["to"] == WA_USER
    tg_new = [r.body for r in world.telegram[before[1] :]]
    assert len(tg_new) == 1 and tg_new[0]["text"] == alert["texts"]["ar"]
    sms_new = [r.body for r in world.twilio[before[2] :]]
    assert len(sms_new) == 1 and sms_new[0]["Body"] == alert["texts"]["sms:en"]
    assert len(sms_new[0]["Body"]) <= 300 and "http" not in sms_new[0]["Body"]

    # The web chat has no push: the alert comes with the person's next answer, once.
    shown = gw.web("hola")
    assert shown["messages"][0]["text"] == alert["texts"]["es"]
    assert all(m["text"] != alert["texts"]["es"] for m in gw.web("hola otra vez")["messages"])

    # Meta's status webhook for the template (our callback data echoed) is stored and shown.
    wamid = f"wamid.out{len(world.whatsapp)}"
    status = wa_envelope(
        {
            "statuses": [
                {
                    "id": wamid,
                    "status": "read",
                    "timestamp": "1717000100",
                    "recipient_id": WA_USER,
                    "biz_opaque_callback_data": wa_new[0]["biz_opaque_callback_data"],
                }
            ],
        }
    )
    gw.whatsapp(status)
    # Twilio's StatusCallback (signed over the URL with our row id) is stored too.
    callback = sms_new[0]["StatusCallback"]
    assert callback.startswith(status_url + "?d=")
    params = {"MessageSid": "SM" + "0" * 32, "MessageStatus": "delivered", "AccountSid": "AC1"}
    signature = RequestValidator("twilio-auth-token").compute_signature(callback, params)
    path = callback.removeprefix("https://dalil.example.org")
    forged = client.post(
        path,
        data=params,
        headers={
            "X-Twilio-Signature": "nope",
            "X-Forwarded-Proto": "https",
            "X-Forwarded-Host": "dalil.example.org",
        },
    )
    assert forged.status_code == 403
    # Signed for a host of the attacker's choosing: the configured URL decides, not the headers.
    evil = callback.replace("https://dalil.example.org", "https://evil.example.com")
    evil_signature = RequestValidator("twilio-auth-token").compute_signature(evil, params)
    forged_host = client.post(
        path,
        data=params,
        headers={"X-Twilio-Signature": evil_signature, "X-Forwarded-Host": "evil.example.com"},
    )
    assert forged_host.status_code == 403
    assert (
        client.post(
            path,
            data=params,
            headers={
                "X-Twilio-Signature": signature,
                "X-Forwarded-Proto": "https",
                "X-Forwarded-Host": "dalil.example.org",
            },
        ).status_code
        == 204
    )
    detail = client.get(f"/api/v1/admin/alerts/{alert['id']}").json()
    assert detail["status"] == "done"
    assert detail["deliveries"] == {"read": 1, "sent": 1, "delivered": 2}
    assert "read" in client.get(f"/admin/alerts/{alert['id']}").text
    with Session(engine) as session:
        assert (
            session.scalar(select(Delivery.path).where(Delivery.channel == "whatsapp"))
            == "template"
        )


STOPS = [("STOP", "fr"), ("ARRÊT", "fr"), ("توقف", "ar"), ("BAJA", "es"), ("unsubscribe", "en")]


@pytest.mark.postgres
@pytest.mark.parametrize(("word", "language"), STOPS)
def test_stop_words_remove_every_subscription(
    gateway: Gateway, engine: Engine, word: str, language: str
) -> None:
    gw = gateway
    answer = gw.web("topic: santé", language=language)
    gw.web(answer["messages"][-1]["buttons"][0]["payload"], language=language)
    assert "alerts:on:" not in str(gw.web("topic: santé", language=language))  # no second offer
    listing = gw.web(
        {"fr": "mes alertes", "ar": "تنبيهاتي", "es": "mis alertas", "en": "my alerts"}[language]
    )
    assert listing["messages"][0]["text"].count("\n- ") == 1
    rasa_before = len(gw.world.rasa)
    stopped = gw.web(word, language=language)
    assert len(gw.world.rasa) == rasa_before  # answered by the gateway, not Rasa
    with Session(engine) as session:
        assert session.scalar(select(Subscription.id)) is None
    assert stopped["language"] == language
    # With nothing left to stop, "stop" is the bot's again (e.g. to leave a form).
    gw.web(word, language=language)
    assert len(gw.world.rasa) == rasa_before + 1


@pytest.mark.postgres
def test_stop_is_honoured_during_a_handover_and_with_rasa_down(
    gateway: Gateway, engine: Engine
) -> None:
    from gateway.admin.models import Handover

    gw = gateway
    answer = gw.web("topic: santé", language="fr")
    gw.web(answer["messages"][-1]["buttons"][0]["payload"])
    sender = next(iter(Session(engine).scalars(select(Subscription.sender))))
    with Session(engine) as session, session.begin():
        session.add(Handover(sender=sender, channel="web", language="fr", reason="asked"))
    gw.world.rasa_down = True
    stopped = gw.web("STOP")
    assert "arrêtées" in stopped["messages"][0]["text"]
    with Session(engine) as session:
        assert session.scalar(select(Subscription.id)) is None


@pytest.mark.postgres
def test_delete_my_data_removes_subscriptions(gateway: Gateway, engine: Engine) -> None:
    gw = gateway
    answer = gw.web("topic: santé", language="fr")
    gw.web(answer["messages"][-1]["buttons"][0]["payload"])
    gw.web("delete")
    with Session(engine) as session:
        assert session.scalar(select(Subscription.id)) is None


@pytest.mark.postgres
def test_a_closed_window_switches_to_the_template_and_a_refused_template_tells_staff(
    gateway: Gateway, engine: Engine
) -> None:
    gw, world = gateway, gateway.world
    subscribe_everywhere(gw)
    world.whatsapp_closed.add(WA_USER)  # Meta says closed although we saw them minutes ago
    publish_change(gw)
    client = gw.client
    alert = client.get("/api/v1/admin/alerts").json()[0]
    h = {"X-CSRF-Token": client.get("/api/v1/admin/session").json()["csrf_token"]}
    client.post(f"/api/v1/admin/alerts/{alert['id']}/approve", headers=h)
    client.post(f"/api/v1/admin/alerts/{alert['id']}/send", headers=h)
    before = len(world.whatsapp)
    world.whatsapp_template_error = 132001
    run_outbox(gw.settings, engine)
    assert len(world.whatsapp) == before  # refused text, refused template: nothing delivered
    detail = client.get(f"/api/v1/admin/alerts/{alert['id']}").json()
    assert detail["deliveries"]["failed"] == 1
    assert "132001" in detail["attention"]
    # Refused is final: another pass does not retry it.
    world.whatsapp_template_error = None
    run_outbox(gw.settings, engine)
    assert len(world.whatsapp) == before


@pytest.mark.postgres
def test_a_broadcast_needs_a_second_admin_and_counts_its_audience_first(
    gateway: Gateway, engine: Engine
) -> None:
    from gateway.admin.models import AdminUser
    from gateway.admin.security import hash_password

    gw = gateway
    subscribe_everywhere(gw)
    with Session(engine) as session, session.begin():
        session.add(
            AdminUser(
                email="second@dalil.test",
                role="admin",
                active=True,
                password_hash=hash_password("correct horse battery staple"),
            )
        )
    client = gw.client
    h = {"X-CSRF-Token": login(client, "admin")}
    texts = {lang: f"Broadcast {lang}" for lang in ("fr", "ar", "en", "es")}
    texts.update({f"sms:{lang}": f"SMS {lang}" for lang in ("fr", "ar", "en", "es")})
    bad = client.post(
        "/api/v1/admin/broadcasts",
        headers=h,
        json={"texts": {**texts, "sms:fr": "voir https://example.org"}},
    )
    assert bad.status_code == 422
    made = client.post(
        "/api/v1/admin/broadcasts",
        headers=h,
        json={"texts": texts, "topic": "health_care", "languages": ["ar", "es"]},
    )
    assert made.status_code == 201, made.text
    broadcast = made.json()
    assert broadcast["recipients"] == 2 and broadcast["recipients_by_language"] == {
        "ar": 1,
        "es": 1,
    }
    assert (
        client.post(f"/api/v1/admin/alerts/{broadcast['id']}/approve", headers=h).status_code == 409
    )
    page = client.get("/admin/login")
    from tests.gateway.accounts import csrf_of

    client.post(
        "/admin/login",
        data={
            "email": "second@dalil.test",
            "password": "correct horse battery staple",
            "csrf_token": csrf_of(page.text),
        },
    )
    h = {"X-CSRF-Token": client.get("/api/v1/admin/session").json()["csrf_token"]}
    assert (
        client.post(f"/api/v1/admin/alerts/{broadcast['id']}/approve", headers=h).status_code == 200
    )
    assert client.post(f"/api/v1/admin/alerts/{broadcast['id']}/send", headers=h).status_code == 200
    before = len(gw.world.telegram)
    run_outbox(gw.settings, engine)
    assert [r.body["text"] for r in gw.world.telegram[before:]] == ["Broadcast ar"]


@pytest.mark.postgres
def test_stop_words_work_on_every_channel(gateway: Gateway, engine: Engine) -> None:
    gw, world = gateway, gateway.world
    subscribe_everywhere(gw)
    counts = (len(world.whatsapp), len(world.telegram), len(world.twilio))
    rasa_before = len(world.rasa)
    gw.whatsapp(wa_text("ARRÊT", wamid="wamid.stop", wa_id=WA_USER))
    gw.telegram(
        {
            "update_id": 9,
            "message": {
                "message_id": 9,
                "date": int(time.time()),
                "from": {"id": TG_USER, "is_bot": False, "first_name": "A", "language_code": "ar"},
                "chat": {"id": TG_USER, "type": "private"},
                "text": "توقف",
            },
        }
    )
    gw.sms("STOP")
    stopped_web = gw.web("BAJA")
    wait_for(
        lambda: (
            (len(world.whatsapp), len(world.telegram), len(world.twilio))
            == (counts[0] + 1, counts[1] + 1, counts[2] + 1)
        )
    )
    assert len(world.rasa) == rasa_before  # none of them reached Rasa
    assert "arrêtées" in world.sent_texts("whatsapp")[-1]
    assert "إيقاف" in world.sent_texts("telegram")[-1]
    assert "stopped" in world.sent_texts("twilio")[-1]
    assert "paradas" in stopped_web["messages"][0]["text"]
    with Session(engine) as session:
        assert session.scalar(select(Subscription.id)) is None


@pytest.mark.postgres
def test_a_waiting_web_alert_never_comes_before_the_emergency_numbers(
    gateway: Gateway, engine: Engine
) -> None:
    from gateway.alerts.models import Alert

    gw = gateway
    gw.web("bonjour", language="fr")
    sender = sender_of("web", WEB_USER)
    with Session(engine) as session, session.begin():
        alert = Alert(
            kind="broadcast",
            status="done",
            languages=[],
            channels=[],
            texts={"fr": "Alerte en attente"},
            created_at=datetime.now(UTC),
        )
        session.add(alert)
        session.flush()
        session.add(
            Delivery(
                alert_id=alert.id,
                sender=sender,
                channel="web",
                language="fr",
                status="sent",
                path="web",
                attempts=0,
            )
        )
    messages = gw.web("Au secours, un homme me frappe en ce moment")["messages"]
    assert "19" in messages[0]["text"] and "Alerte en attente" not in messages[0]["text"]
    assert [m["text"] for m in messages].count("Alerte en attente") == 1
