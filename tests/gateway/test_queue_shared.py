"""Several gateway processes on PostgreSQL and Redis share dedupe, order, limits and languages."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text

from gateway.inbox.models import GatewayBase
from knowledge.db import upgrade
from tests.databases import DB_PREFIX, recreate_pg_database
from tests.fakes.gateway import (
    REDIS_URL,
    TG_SECRET,
    create_tables,
    fake_world,
    running_gateway,
    sender_of,
    settings_for,
    wait_for,
)

pytestmark = [pytest.mark.postgres, pytest.mark.redis]


HEADERS = {"X-Telegram-Bot-Api-Secret-Token": TG_SECRET}


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh `dalil_test_gw` database with the inbox's tables."""
    url = recreate_pg_database(DB_PREFIX + "_gw")
    create_tables(url)
    yield url
    engine = create_engine(url)
    GatewayBase.metadata.drop_all(engine)
    engine.dispose()


def tg(update_id: int, chat: int, message: str) -> dict:
    """A Telegram text update."""
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "chat": {"id": chat, "type": "private"},
            "date": int(time.time()),
            "text": message,
        },
    }


def test_two_gateways_answer_each_message_once_and_in_order(postgres_url, redis_prefix) -> None:
    with fake_world() as (world, url):
        world.rasa_delay = (0.01, 0.05)
        settings = settings_for(
            url,
            postgres_url,
            redis_url=REDIS_URL,
            redis_key_prefix=redis_prefix,
            rate_limit_per_minute=100,
        )
        with running_gateway(settings) as a, running_gateway(settings) as b:
            for i in range(8):
                for chat in (1, 2, 3):
                    update = tg(100 * chat + i, chat, f"m{i}")
                    # Both processes receive every delivery, as after a provider's retry.
                    assert (
                        a.post("/webhooks/telegram", json=update, headers=HEADERS).status_code
                        == 200
                    )
                    assert (
                        b.post("/webhooks/telegram", json=update, headers=HEADERS).status_code
                        == 200
                    )
            wait_for(lambda: len(world.telegram) == 24, timeout=30)
        for chat in (1, 2, 3):
            assert world.rasa_texts(sender_of("tg", str(chat))) == [f"m{i}" for i in range(8)]
        assert len(world.rasa) == 24


def test_language_and_rate_limits_are_shared_through_redis(postgres_url, redis_prefix) -> None:
    with fake_world() as (world, url):
        settings = settings_for(
            url,
            postgres_url,
            redis_url=REDIS_URL,
            redis_key_prefix=redis_prefix,
            rate_limit_per_minute=4,
        )
        with running_gateway(settings) as a, running_gateway(settings) as b:
            # The limit counts per calendar minute: start early in one, so that all six
            # messages fall in the same window (a new minute would allow four more).
            if (into := time.time() % 60) > 30:
                time.sleep(60 - into + 0.2)
            a.post("/webhooks/telegram", json=tg(1, 7, "مرحبا"), headers=HEADERS)
            wait_for(lambda: len(world.rasa) == 1)
            b.post("/webhooks/telegram", json=tg(2, 7, "ok"), headers=HEADERS)
            wait_for(lambda: len(world.rasa) == 2)
            assert [m["metadata"]["language"] for m in world.rasa] == ["ar", "ar"]
            for i in range(3, 7):
                (a if i % 2 else b).post(
                    "/webhooks/telegram", json=tg(i, 7, f"m{i}"), headers=HEADERS
                )
            b.post("/webhooks/telegram", json=tg(50, 8, "other"), headers=HEADERS)
            wait_for(lambda: "other" in world.rasa_texts())
    assert world.rasa_texts(sender_of("tg", "7")) == ["مرحبا", "ok", "m3", "m4"]


def test_the_migration_creates_the_inbox_on_postgresql() -> None:
    url = recreate_pg_database(DB_PREFIX + "_gw_migration")
    upgrade(url)
    engine = create_engine(url)
    with engine.connect() as connection:
        constraint = connection.execute(
            text(
                "SELECT conname FROM pg_constraint WHERE conrelid = 'gateway_inbound'::regclass"
                " AND contype = 'u'"
            )
        ).scalar_one()
    engine.dispose()
    assert constraint == "uq_gateway_inbound_channel_provider_message_id"
