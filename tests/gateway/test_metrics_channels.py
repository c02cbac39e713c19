"""Operators' counters on the messaging path: provider failures by code, retries, rate limits."""

from __future__ import annotations

import time

from prometheus_client import REGISTRY

from tests.fakes.gateway import TG_SECRET, Harness, wait_for

HEADERS = {"X-Telegram-Bot-Api-Secret-Token": TG_SECRET}


def tg(update_id: int, chat: int, text: str) -> dict:
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": int(time.time()),
            "text": text,
            "chat": {"id": chat, "type": "private"},
            "from": {"id": chat, "is_bot": False, "first_name": "A"},
        },
    }


def sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_a_refused_send_counts_by_provider_code_and_the_retry_is_counted(harness: Harness) -> None:
    failures = sample("dalil_provider_send_failures_total", channel="telegram", code="502")
    retries = sample("dalil_inbox_retries_total", channel="telegram")
    harness.world.providers_down = True
    assert (
        harness.client.post(
            "/webhooks/telegram", json=tg(1, 77, "salut"), headers=HEADERS
        ).status_code
        == 200
    )
    wait_for(lambda: sample("dalil_inbox_retries_total", channel="telegram") > retries)
    assert sample("dalil_provider_send_failures_total", channel="telegram", code="502") > failures
    harness.world.providers_down = False
    wait_for(lambda: "echo:salut" in harness.world.sent_texts("telegram"))


def test_messages_over_the_rate_limit_are_counted(harness: Harness) -> None:
    limited = sample("dalil_rate_limited_total", channel="telegram")
    limit = harness.settings.rate_limit_per_minute
    for i in range(limit + 2):
        harness.client.post("/webhooks/telegram", json=tg(100 + i, 78, f"m{i}"), headers=HEADERS)
    assert sample("dalil_rate_limited_total", channel="telegram") - limited == 2
