"""The inbox: order per sender under concurrency, outages, restarts, deletion, limits."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import time
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import create_engine, func, select, update
from typer.testing import CliRunner

from gateway.channels.base import delayed_message
from gateway.inbox.models import Contact, InboundMessage
from gateway.inbox.store import InboxStore, make_inbox_engine
from gateway.inbox.worker import Worker
from gateway.purge import app as purge_app
from gateway.purge import parse_duration
from tests.fakes.gateway import (
    TG_SECRET,
    Harness,
    create_tables,
    fake_world,
    running_gateway,
    sender_of,
    settings_for,
    wait_for,
)


def tg(update_id: int, chat: int, text: str) -> dict:
    """A Telegram text update from `chat`."""
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "from": {"id": chat, "is_bot": False, "first_name": "A"},
            "chat": {"id": chat, "type": "private"},
            "date": int(time.time()),
            "text": text,
        },
    }


def test_each_senders_messages_reach_rasa_in_order_while_senders_run_concurrently(
    harness: Harness,
) -> None:
    harness.world.rasa_delay = (0.01, 0.06)
    senders, per_sender = 6, 5
    update_id = 0
    for n in range(per_sender):
        for chat in range(1, senders + 1):
            update_id += 1
            assert harness.telegram(tg(update_id, chat, f"m{n}")).status_code == 200
    wait_for(lambda: len(harness.world.telegram) == senders * per_sender, timeout=30)
    for chat in range(1, senders + 1):
        assert harness.world.rasa_texts(sender_of("tg", str(chat))) == [
            f"m{n}" for n in range(per_sender)
        ]
    assert harness.world.max_in_flight > 1  # several senders were answered at the same time


def test_the_webhook_answers_before_rasa_does(harness: Harness) -> None:
    harness.world.rasa_delay = (1.0, 1.0)
    started = time.perf_counter()
    assert harness.telegram(tg(1, 1, "slow")).status_code == 200
    assert time.perf_counter() - started < 0.5
    wait_for(lambda: harness.world.telegram)


def test_rasa_outage_and_recovery_keeps_order_and_apologises_once(harness: Harness) -> None:
    harness.world.rasa_down = True
    for i in range(3):
        harness.telegram(tg(i + 1, 5, f"m{i}"))
    wait_for(lambda: harness.world.telegram)
    time.sleep(0.8)
    assert harness.world.sent_texts("telegram") == [delayed_message("fr")]
    harness.world.rasa_down = False
    wait_for(lambda: len(harness.world.rasa) == 3)
    assert harness.world.rasa_texts() == ["m0", "m1", "m2"]
    wait_for(lambda: len(harness.world.telegram) >= 4)
    answers = [t for t in harness.world.sent_texts("telegram") if t.startswith("echo:")]
    assert answers == ["echo:m0", "echo:m1", "echo:m2"]


def test_pending_messages_survive_a_restart(world_and_url, inbox_url) -> None:
    world, url = world_and_url
    settings = settings_for(url, inbox_url)
    world.rasa_down = True
    with running_gateway(settings) as client:
        headers = {"X-Telegram-Bot-Api-Secret-Token": TG_SECRET}
        assert (
            client.post("/webhooks/telegram", json=tg(1, 9, "avant"), headers=headers).status_code
            == 200
        )
        wait_for(lambda: world.telegram)  # told the answer is delayed
    assert world.rasa == []
    world.rasa_down = False
    with running_gateway(settings):
        wait_for(lambda: world.rasa_texts() == ["avant"])
        wait_for(lambda: len(world.telegram) == 2)
    assert world.sent_texts("telegram") == [delayed_message("fr"), "echo:avant"]


def _tracker_db(path) -> str:
    """A stand-in for Rasa's SQL tracker store: its `events` table."""
    connection = sqlite3.connect(path)
    connection.execute(
        "CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id VARCHAR(255), type_name VARCHAR(255),"
        " timestamp FLOAT, intent_name VARCHAR(255), action_name VARCHAR(255), data TEXT)"
    )
    connection.commit()
    connection.close()
    return f"sqlite:///{path}"


def _add_events(path, sender: str, timestamps: list[float]) -> None:
    connection = sqlite3.connect(path)
    connection.executemany(
        "INSERT INTO events (sender_id, type_name, timestamp, data) VALUES (?, 'user', ?, '{}')",
        [(sender, t) for t in timestamps],
    )
    connection.commit()
    connection.close()


def _count_events(path, sender: str | None = None) -> int:
    connection = sqlite3.connect(path)
    query, params = "SELECT count(*) FROM events", ()
    if sender:
        query, params = query + " WHERE sender_id = ?", (sender,)
    (count,) = connection.execute(query, params).fetchone()
    connection.close()
    return int(count)


def test_delete_my_data_removes_the_persons_records_and_rasa_tracker(
    world_and_url, inbox_url, tmp_path
) -> None:
    world, url = world_and_url
    tracker = tmp_path / "tracker.db"
    settings = settings_for(url, inbox_url, rasa_tracker_database_url=_tracker_db(tracker))
    me, other = sender_of("tg", "41"), sender_of("tg", "42")
    _add_events(tracker, me, [1.0, 2.0])
    _add_events(tracker, other, [1.0])
    with running_gateway(settings) as client:
        headers = {"X-Telegram-Bot-Api-Secret-Token": TG_SECRET}
        client.post("/webhooks/telegram", json=tg(1, 41, "Bonjour"), headers=headers)
        client.post("/webhooks/telegram", json=tg(2, 42, "Salut"), headers=headers)
        client.post("/webhooks/telegram", json=tg(3, 41, "delete"), headers=headers)
        wait_for(lambda: world.rasa_deleted == [me])
        # The confirmation was sent before the data went.
        assert "deleted" in world.sent_texts("telegram")
        # A redelivery of a deleted person's message is still recognised and not answered again.
        client.post("/webhooks/telegram", json=tg(1, 41, "Bonjour"), headers=headers)
        client.post("/webhooks/telegram", json=tg(4, 42, "after"), headers=headers)
        wait_for(lambda: "after" in world.rasa_texts())
    assert world.rasa_texts(me) == ["Bonjour", "delete"]
    engine = create_engine(inbox_url)
    with engine.connect() as connection:
        rows = connection.execute(select(InboundMessage.sender, InboundMessage.text)).all()
        contacts = connection.execute(select(Contact.sender)).scalars().all()
    engine.dispose()
    assert me not in [sender for sender, _ in rows]
    assert "Bonjour" not in json.dumps([text for _, text in rows])
    assert me not in contacts and other in contacts
    assert _count_events(tracker, me) == 0
    assert _count_events(tracker, other) == 1


def _pending(inbox_url: str) -> int:
    engine = create_engine(inbox_url)
    with engine.connect() as connection:
        count = connection.execute(
            select(func.count())
            .select_from(InboundMessage)
            .where(InboundMessage.status == "pending")
        ).scalar_one()
    engine.dispose()
    return int(count)


def test_purge_removes_old_conversations_only(
    world_and_url, inbox_url, tmp_path, monkeypatch
) -> None:
    world, url = world_and_url
    tracker = tmp_path / "tracker.db"
    tracker_url = _tracker_db(tracker)
    settings = settings_for(url, inbox_url)
    with running_gateway(settings) as client:
        headers = {"X-Telegram-Bot-Api-Secret-Token": TG_SECRET}
        client.post("/webhooks/telegram", json=tg(1, 51, "old"), headers=headers)
        client.post("/webhooks/telegram", json=tg(2, 52, "new"), headers=headers)
        wait_for(lambda: len(world.telegram) == 2)
        # The reply reaches the provider a moment before the message is marked answered.
        wait_for(lambda: _pending(inbox_url) == 0)
    old, new = sender_of("tg", "51"), sender_of("tg", "52")
    long_ago = time.time() - 40 * 86400
    _add_events(tracker, old, [long_ago])
    _add_events(tracker, new, [long_ago, time.time()])
    engine = create_engine(inbox_url)
    from datetime import UTC, datetime

    past = datetime.now(UTC) - timedelta(days=40)
    with engine.begin() as connection:
        connection.execute(
            update(InboundMessage).where(InboundMessage.sender == old).values(received_at=past)
        )
        connection.execute(update(Contact).where(Contact.sender == old).values(last_seen_at=past))
    for name, value in {
        "DALIL_DATABASE_URL": inbox_url,
        "DALIL_RASA_URL": url,
        "DALIL_RASA_TOKEN": "rasa-token",
        "DALIL_PSEUDONYM_KEY": "test-pseudonym-key",
        "DALIL_RASA_TRACKER_DATABASE_URL": tracker_url,
    }.items():
        monkeypatch.setenv(name, value)
    result = CliRunner().invoke(purge_app, ["--older-than", "30d"])
    assert result.exit_code == 0, result.output
    assert "purged 1 messages, 1 contacts" in result.output
    with engine.connect() as connection:
        senders = connection.execute(select(InboundMessage.sender)).scalars().all()
        contacts = connection.execute(select(Contact.sender)).scalars().all()
    engine.dispose()
    assert senders == [new] and contacts == [new]
    assert world.rasa_deleted == [old]
    assert _count_events(tracker, old) == 0
    assert _count_events(tracker, new) == 1


def test_purge_refuses_a_bad_duration() -> None:
    result = CliRunner().invoke(purge_app, ["--older-than", "soon"])
    assert result.exit_code != 0
    assert parse_duration("30d") == timedelta(days=30)
    assert parse_duration("12h") == timedelta(hours=12)


def test_a_sender_over_the_rate_limit_is_not_forwarded(world_and_url, inbox_url) -> None:
    world, url = world_and_url
    settings = settings_for(url, inbox_url, rate_limit_per_minute=3)
    with running_gateway(settings) as client:
        headers = {"X-Telegram-Bot-Api-Secret-Token": TG_SECRET}
        for i in range(5):
            assert (
                client.post(
                    "/webhooks/telegram", json=tg(i + 1, 61, f"m{i}"), headers=headers
                ).status_code
                == 200
            )
        client.post("/webhooks/telegram", json=tg(10, 62, "someone else"), headers=headers)
        wait_for(lambda: "someone else" in world.rasa_texts())
        time.sleep(0.3)
    assert world.rasa_texts(sender_of("tg", "61")) == ["m0", "m1", "m2"]


def _chunks(size: int) -> Iterator[bytes]:
    for _ in range(size // 1024):
        yield b"x" * 1024


@pytest.mark.parametrize("path", ["/webhooks/telegram", "/webhooks/whatsapp", "/api/v1/chat"])
def test_a_chunked_body_over_the_limit_is_refused(harness: Harness, path: str) -> None:
    response = harness.client.post(
        path,
        content=_chunks(harness.settings.max_body_bytes + 4096),
        headers={"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": TG_SECRET},
    )
    assert response.status_code == 413


def test_webhooks_answer_503_until_the_migration_ran(world_and_url, tmp_path) -> None:
    _, url = world_and_url
    settings = settings_for(url, f"sqlite:///{tmp_path / 'empty.db'}")
    with running_gateway(settings) as client:
        response = client.post(
            "/webhooks/telegram",
            json=tg(1, 1, "x"),
            headers={"X-Telegram-Bot-Api-Secret-Token": TG_SECRET},
        )
        assert response.status_code == 503
    create_tables(settings.database_url)


def test_fake_world_records_nothing_by_itself() -> None:
    with fake_world() as (world, _):
        assert world.rasa == [] and world.telegram == []


def test_stopping_ends_the_dispatcher_without_cancelling_it_even_as_a_message_wakes_it(
    inbox_url: str,
) -> None:
    # On Python 3.11 a cancel that lands as the wake-up event is set can be swallowed by
    # asyncio.wait_for, and a shutdown then waits forever: stop() must end the loop itself.
    async def scenario() -> list[bool]:
        store = InboxStore(make_inbox_engine(inbox_url))

        async def forget(sender: str, up_to_id: int | None = None) -> None:
            return None

        outcomes = []
        for _ in range(20):
            worker = Worker(store, None, {}, forget=forget, poll_seconds=0.01)  # type: ignore[arg-type]
            dispatcher = asyncio.create_task(worker.run())
            await asyncio.sleep(0.005)
            worker.wake()
            await worker.stop()
            done, _ = await asyncio.wait({dispatcher}, timeout=5)
            outcomes.append(dispatcher in done and not dispatcher.cancelled())
            dispatcher.cancel()
        return outcomes

    assert all(asyncio.run(scenario()))
