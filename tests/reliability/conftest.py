"""The real stack for the reliability tests, with WhatsApp pointed at a fake Graph API.

The heavy tests (marked `heavy`) start Rasa (~1.3 GB, a minute to load) and push hundreds of
messages through it: they run with `make test-reliability` (`pytest tests/reliability`), and are
skipped when pytest was not pointed at their folder (as in `make test`).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.devstack import Stack, latest_model, running_stack
from bench.pg import create_database, drop_database, import_knowledge
from tests.databases import DB_PREFIX
from tests.fakes.gateway import fake_world
from tests.fakes.providers import FakeWorld
from tests.reliability.reliability_env import WA_PHONE_ID, WA_SECRET, WA_VERSION

DATABASE = DB_PREFIX + "_reliability"


@pytest.fixture(scope="session")
def graph() -> Iterator[tuple[FakeWorld, str]]:
    """A fake Graph API (and other providers) on loopback, recording every send."""
    with fake_world() as value:
        yield value


@pytest.fixture(scope="session")
def database_url() -> Iterator[str]:
    """A fresh PostgreSQL database for the knowledge base and the gateway's inbox."""
    url = create_database(DATABASE)
    import_knowledge(url)
    try:
        yield url
    finally:
        drop_database(DATABASE)


@pytest.fixture(scope="session")
def stack(
    graph: tuple[FakeWorld, str], database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Stack]:
    """Rasa, actions and gateway; WhatsApp on; fast retries so outages heal within the test."""
    try:
        latest_model()
    except FileNotFoundError as exc:
        pytest.fail(f"{exc} (make test-reliability trains it first)")
    _, graph_url = graph
    env = {
        "DALIL_WHATSAPP_VERIFY_TOKEN": "reliability-verify",
        "DALIL_WHATSAPP_APP_SECRET": WA_SECRET,
        "DALIL_WHATSAPP_ACCESS_TOKEN": "reliability-access-token",
        "DALIL_WHATSAPP_PHONE_NUMBER_ID": WA_PHONE_ID,
        "DALIL_WHATSAPP_API_BASE_URL": graph_url,
        "DALIL_WHATSAPP_API_VERSION": WA_VERSION,
        "DALIL_WORKER_CONCURRENCY": "8",
        "DALIL_WORKER_POLL_SECONDS": "0.2",
        "DALIL_RETRY_BASE_SECONDS": "0.5",
        "DALIL_RETRY_MAX_DELAY_SECONDS": "3",
        # Every delivery counts, duplicates too: 40 per sender here, not an abuse.
        "DALIL_RATE_LIMIT_PER_MINUTE": "100000",
        "DALIL_LOG_LEVEL": "WARNING",
    }
    workdir: Path = tmp_path_factory.mktemp("reliability")
    with running_stack(workdir, database_url, extra_env=env) as started:
        yield started
