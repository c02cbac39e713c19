"""Prometheus metrics of the gateway (`GET /metrics` is `gateway.routers.metrics`).

`/metrics` answers a bearer token (`DALIL_METRICS_TOKEN`) or, when no token is set, only
clients on loopback or private networks: a scrape from the Internet through the public proxy
gets 404. Labels never carry a sender, a text or a phone number.
"""

from __future__ import annotations

import hmac
import ipaddress
import re
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI, Request, Response
from prometheus_client import Counter, Gauge, Histogram
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

if TYPE_CHECKING:
    from gateway.inbox.runtime import Inbox

LATENCY_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 15.0, 30.0)

HTTP_REQUESTS = Counter(
    "dalil_http_requests_total",
    "HTTP requests by route, method and status.",
    ["route", "method", "status"],
)
HTTP_SECONDS = Histogram(
    "dalil_http_request_seconds",
    "HTTP request latency by route.",
    ["route"],
    buckets=LATENCY_BUCKETS,
)
TURNS = Counter(
    "dalil_turns_total", "User messages answered, by channel and outcome.", ["channel", "outcome"]
)
TURN_SECONDS = Histogram(
    "dalil_turn_seconds",
    "Time to answer one user message, by channel.",
    ["channel"],
    buckets=LATENCY_BUCKETS,
)
RASA_SECONDS = Histogram(
    "dalil_rasa_turn_seconds",
    "Latency of Rasa's REST channel for one message.",
    ["result"],
    buckets=LATENCY_BUCKETS,
)
FEEDBACK = Counter("dalil_feedback_total", "Answer ratings by vote.", ["vote"])
INBOX_PENDING = Gauge("dalil_inbox_pending", "Messages waiting in the channels' inbox.")
INBOX_RETRIES = Counter(
    "dalil_inbox_retries_total", "Inbox messages delayed for a retry, by channel.", ["channel"]
)
INBOX_FAILED = Counter(
    "dalil_inbox_failed_total",
    "Inbox messages given up after every retry, by channel.",
    ["channel"],
)
PROVIDER_SEND_FAILURES = Counter(
    "dalil_provider_send_failures_total",
    "Sends refused by a messaging provider, by channel and HTTP status (or 'network').",
    ["channel", "code"],
)
OPEN_HANDOVERS = Gauge("dalil_open_handovers", "Conversations waiting for or handled by a person.")
RATE_LIMITED = Counter(
    "dalil_rate_limited_total",
    "Messages refused by the per-sender rate limit, by channel.",
    ["channel"],
)
KNOWLEDGE_ERRORS = Counter(
    "dalil_knowledge_errors_total", "Database errors by process and place.", ["process", "where"]
)

_HTTP_CODE = re.compile(r"HTTP (\d{3})")
# Loopback and private networks (RFC 1918, unique local IPv6): where Prometheus and the compose
# network live. Not `ip_address.is_private`, which also admits documentation ranges.
INTERNAL_NETWORKS = tuple(
    ipaddress.ip_network(n)
    for n in ("127.0.0.0/8", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "::1/128", "fc00::/7")
)


def send_failure_code(error: str) -> str:
    """The provider's HTTP status in a `SendFailed` message, else "network"."""
    match = _HTTP_CODE.search(error)
    return match.group(1) if match else "network"


def allowed(request: Request, token: str | None) -> bool:
    """A matching bearer token, or, without a configured token, a loopback/private client."""
    if token:
        given = request.headers.get("authorization", "")
        return hmac.compare_digest(given.encode(), f"Bearer {token}".encode())
    host = request.client.host if request.client else ""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return any(address in network for network in INTERNAL_NETWORKS)


def refresh_gauges(engine: Engine | None, inbox: Inbox | None) -> None:
    """Gauges read from the database at scrape time (the source of truth across replicas)."""
    from gateway.admin.models import Handover
    from gateway.inbox.models import PENDING, InboundMessage

    try:
        if engine is not None:
            with Session(engine) as session:
                OPEN_HANDOVERS.set(
                    session.scalar(select(func.count()).where(Handover.status == "open")) or 0
                )
        if inbox is not None:
            with Session(inbox.store.engine) as session:
                INBOX_PENDING.set(
                    session.scalar(select(func.count()).where(InboundMessage.status == PENDING))
                    or 0
                )
    except SQLAlchemyError:
        KNOWLEDGE_ERRORS.labels(process="gateway", where="metrics").inc()


def install(app: FastAPI) -> None:
    """Count every request (`/metrics` itself is `gateway.routers.metrics`)."""

    @app.middleware("http")
    async def count_requests(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        started = time.perf_counter()
        response = await call_next(request)
        route: Any = request.scope.get("route")
        # The route's template, never the raw path: paths can hold a sender id.
        name = getattr(route, "path", None) or "unmatched"
        HTTP_REQUESTS.labels(
            route=name, method=request.method, status=str(response.status_code)
        ).inc()
        HTTP_SECONDS.labels(route=name).observe(time.perf_counter() - started)
        return response
