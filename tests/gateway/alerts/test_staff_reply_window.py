"""A staff reply to a WhatsApp user whose 24-hour window closed: a template now, the reply later."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from gateway.admin.models import Handover, HandoverMessage
from gateway.alerts import window
from gateway.app import create_app
from gateway.inbox.models import Contact
from tests.fakes.gateway import fake_world, sender_of, settings_for, wa_text, wait_for
from tests.fakes.providers import FakeWorld, dumps_like_meta
from tests.gateway.accounts import csrf_of, login

WA_USER = "212600000009"


@pytest.fixture
def running(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[TestClient, FakeWorld]]:
    monkeypatch.setenv("DALIL_ALERT_WHATSAPP_REPLY_TEMPLATE", "dalil_reply_waiting")
    window._settings.cache_clear()
    with fake_world() as (world, url):
        settings = settings_for(
            url, database_url, session_secret="a-test-secret-that-is-long-enough"
        )
        with TestClient(create_app(settings), follow_redirects=False) as client:
            yield client, world
    window._settings.cache_clear()


def _post_whatsapp(client: TestClient, text: str, wamid: str) -> None:
    from tests.fakes.gateway import wa_sign

    body = dumps_like_meta(wa_text(text, wamid=wamid, wa_id=WA_USER))
    headers = {"Content-Type": "application/json", "X-Hub-Signature-256": wa_sign(body)}
    assert client.post("/webhooks/whatsapp", content=body, headers=headers).status_code == 200


@pytest.mark.postgres
def test_reply_outside_the_window_sends_the_template_then_the_reply_when_the_user_writes(
    running: tuple[TestClient, FakeWorld], engine: Engine
) -> None:
    client, world = running
    sender = sender_of("wa", WA_USER)
    _post_whatsapp(client, "bonjour", "wamid.a1")
    wait_for(lambda: len(world.whatsapp) >= 1)
    with Session(engine) as session, session.begin():
        session.add(Handover(sender=sender, channel="whatsapp", language="fr", reason="asked"))
        session.execute(
            update(Contact)
            .where(Contact.sender == sender)
            .values(last_seen_at=datetime.now(UTC) - timedelta(hours=30))
        )
    handover_id = Session(engine).scalar(select(Handover.id))
    login(client, "staff")
    page = client.get(f"/staff/handovers/{handover_id}")
    sent = client.post(
        f"/staff/handovers/{handover_id}/reply",
        data={"text": "Votre rendez-vous est lundi.", "csrf_token": csrf_of(page.text)},
    )
    assert sent.status_code == 303, sent.text
    last = world.whatsapp[-1].body
    assert last["type"] == "template" and last["template"]["name"] == "dalil_reply_waiting"
    assert last["template"]["language"]["code"] == "fr"
    assert "Votre rendez-vous" not in str(last)
    with Session(engine) as session:
        held = session.scalar(select(HandoverMessage).where(HandoverMessage.author == "staff"))
        assert held is not None and held.delivered_at is None
    count = len(world.whatsapp)
    _post_whatsapp(client, "oui ?", "wamid.a2")  # the person answers the template: window open
    wait_for(lambda: len(world.whatsapp) > count)
    assert world.sent_texts("whatsapp")[count:] == ["Votre rendez-vous est lundi."]
    with Session(engine) as session:
        held = session.scalar(select(HandoverMessage).where(HandoverMessage.author == "staff"))
        assert held is not None and held.delivered_at is not None


@pytest.mark.postgres
def test_a_refused_reply_template_is_told_to_staff_and_not_retried(
    running: tuple[TestClient, FakeWorld], engine: Engine
) -> None:
    client, world = running
    sender = sender_of("wa", WA_USER)
    _post_whatsapp(client, "bonjour", "wamid.b1")
    wait_for(lambda: len(world.whatsapp) >= 1)
    world.whatsapp_closed.add(WA_USER)  # Meta: closed (131047), although we saw them just now
    world.whatsapp_template_error = 132015  # and the template is paused
    with Session(engine) as session, session.begin():
        session.add(Handover(sender=sender, channel="whatsapp", language="fr", reason="asked"))
    handover_id = Session(engine).scalar(select(Handover.id))
    login(client, "staff")
    page = client.get(f"/staff/handovers/{handover_id}")
    count = len(world.whatsapp)
    sent = client.post(
        f"/staff/handovers/{handover_id}/reply",
        data={"text": "Bonjour", "csrf_token": csrf_of(page.text)},
    )
    assert sent.status_code == 502  # the page tells the staff member
    assert len(world.whatsapp) == count
