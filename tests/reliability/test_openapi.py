"""schemathesis against the gateway's own OpenAPI schema: no 500, no response off the schema.

The gateway runs for real (uvicorn on loopback, lifespan on, migrated SQLite database) with Rasa
and the providers faked on loopback. Bounded: a few examples per operation.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
import uvicorn
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

from bench.devstack import free_port
from gateway.app import create_app
from knowledge.db import upgrade
from tests.fakes.gateway import settings_for
from tests.fakes.providers import FakeWorld, build_app
from tests.fakes.server import LoopbackServer

pytestmark = pytest.mark.timeout(600)


class Gateway:
    """The gateway under uvicorn in a thread, lifespan on (its workers and clients start)."""

    def __init__(self, database: Path) -> None:
        self.world = FakeWorld()
        self.fakes = LoopbackServer(build_app(self.world)).start()
        url = f"sqlite:///{database}"
        upgrade(url)
        app = create_app(settings_for(self.fakes.url, url, log_level="WARNING"))
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._server = uvicorn.Server(
            uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning")
        )
        self._thread = threading.Thread(target=self._server.run, daemon=True)

    def start(self) -> Gateway:
        """Start and wait until it accepts connections."""
        self._thread.start()
        deadline = time.monotonic() + 30
        while not self._server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("gateway did not start")
            time.sleep(0.05)
        return self

    def stop(self) -> None:
        """Stop the gateway and the fakes."""
        self._server.should_exit = True
        self._thread.join(timeout=15)
        self.fakes.stop()


@pytest.fixture(scope="module")
def gateway(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Gateway]:
    """One running gateway for every generated case."""
    started = Gateway(tmp_path_factory.mktemp("openapi") / "gateway.db").start()
    try:
        yield started
    finally:
        started.stop()


def run_operation(operation: Any) -> dict[str, str]:
    """Generate cases for one operation; its failure, if any, by the operation's label."""
    documented = set(operation.definition.raw.get("responses", {}))

    @given(case=operation.as_strategy())
    @settings(
        max_examples=15,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def check(case: schemathesis.Case) -> None:
        response = case.call_and_validate(
            checks=[response_schema_conformance, content_type_conformance], timeout=30
        )
        # A 5xx the schema documents (503 from /readyz, a webhook before migrations) is
        # the contract; any other, and every 500, is a bug.
        status = response.status_code
        assert status < 500 or (status != 500 and str(status) in documented), (
            f"{case.method} {case.formatted_path} answered {status}: {response.text[:300]}"
        )

    try:
        check()
    except Exception as exc:  # one operation's failure must not hide the others'
        return {operation.label: f"{type(exc).__name__}: {str(exc)[:1500]}"}
    return {}


def test_no_server_error_and_every_response_matches_the_schema(gateway: Gateway) -> None:
    schema = schemathesis.openapi.from_url(f"{gateway.url}/openapi.json")
    failures: dict[str, str] = {}
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()  # type: ignore[union-attr]  # an Err raises here: a bad schema
        operations += 1
        failures.update(run_operation(operation))

    assert operations > 10, "the schema lists the gateway's operations"
    assert gateway.world.rasa, "valid chat requests were generated and reached (fake) Rasa"
    assert not failures, "\n\n".join(f"{k}\n{v}" for k, v in failures.items())
