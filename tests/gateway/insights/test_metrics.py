"""`/metrics` scraped like Prometheus does; only the internal network or a token may read it."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families
from starlette.requests import Request

from gateway.app import create_app
from gateway.metrics import allowed
from gateway.settings import GatewaySettings
from tests.gateway.accounts import make_settings
from tests.gateway.insights.scripted import FAIL, Stack


def scrape(url: str, **headers: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = httpx.get(f"{url}/metrics", headers=headers, timeout=10)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def value(samples: dict, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def test_metrics_count_turns_rasa_latency_requests_and_handovers(stack: Stack) -> None:
    before = scrape(stack.url)
    stack.say("amina", "/ask_health_care")
    stack.say("bilal", "/human_handover")
    stack.say("chris", FAIL)
    after = scrape(stack.url)

    def grew(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert grew("dalil_turns_total", channel="web", outcome="answered") == 1
    assert grew("dalil_turns_total", channel="web", outcome="handover") == 1
    assert grew("dalil_turns_total", channel="web", outcome="unavailable") == 1
    assert grew("dalil_rasa_turn_seconds_count", result="200") == 2
    assert grew("dalil_rasa_turn_seconds_count", result="500") == 1
    assert grew("dalil_http_requests_total", route="/api/v1/chat", method="POST", status="200") == 3
    assert grew("dalil_turn_seconds_count", channel="web") == 3
    assert value(after, "dalil_open_handovers") == 1
    # No label carries a sender or a text.
    assert not any("amina" in str(key) or "health_care" in str(key) for key in after)


@pytest.fixture
def guarded(database_url: str) -> Iterator[TestClient]:
    with TestClient(
        create_app(make_settings(database_url, metrics_token="scrape-token-123"))
    ) as made:
        yield made


def test_a_configured_token_is_required(guarded: TestClient) -> None:
    assert guarded.get("/metrics").status_code == 404
    assert guarded.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 404
    ok = guarded.get("/metrics", headers={"Authorization": "Bearer scrape-token-123"})
    assert ok.status_code == 200 and "dalil_http_requests_total" in ok.text


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("127.0.0.1", True),
        ("10.1.2.3", True),
        ("172.18.0.4", True),
        ("::1", True),
        ("203.0.113.5", False),
        ("8.8.8.8", False),
    ],
)
def test_without_a_token_only_internal_addresses_may_scrape(host: str, expected: bool) -> None:
    request = Request({"type": "http", "headers": [], "client": (host, 40000)})
    assert allowed(request, None) is expected


def test_an_empty_token_means_none_but_a_placeholder_is_refused_in_production() -> None:
    secrets = {"rasa_token": "r" * 24, "pseudonym_key": "p" * 24, "session_secret": "s" * 40}
    assert (
        GatewaySettings(environment="production", metrics_token="", **secrets).metrics_token is None
    )
    with pytest.raises(ValueError, match="DALIL_METRICS_TOKEN"):
        GatewaySettings(environment="production", metrics_token="change-me", **secrets)
