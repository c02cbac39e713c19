"""Fixtures of the gateway's tests.

Two kinds of database, by name:
- `inbox_url`: a fresh SQLite file with only the inbox's tables, for the channel and queue tests
  that put a gateway in front of the fake outside world (`world_and_url`, `harness`);
- `database_url` (with `backend`, `template_url`, `engine`, `client`): the admin, staff, alerts
  and insights tests' database, migrated, holding the shipped content and one user per role
  (tests/gateway/accounts.py), on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import itertools
import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from gateway.app import create_app
from knowledge.db import make_engine, upgrade
from tests.databases import DB_PREFIX, drop_pg_database, recreate_pg_database
from tests.fakes.browser import chromium
from tests.fakes.gateway import (
    REDIS_URL,
    Harness,
    create_tables,
    fake_world,
    running_harness,
    settings_for,
)
from tests.fakes.providers import FakeWorld
from tests.gateway.accounts import fill, make_settings

TEMPLATE_DB = DB_PREFIX + "_admin"
_numbers = itertools.count()


# The fake outside world and a gateway talking to it.


@pytest.fixture
def world_and_url() -> Iterator[tuple[FakeWorld, str]]:
    """The fakes for one test."""
    with fake_world() as value:
        yield value


def _sqlite(path: Path, prepare: Callable[[str], object]) -> str:
    """The URL of a new SQLite file at `path`, prepared by `prepare(url)`."""
    url = f"sqlite:///{path}"
    prepare(url)
    return url


@pytest.fixture
def inbox_url(tmp_path: Path) -> str:
    """A fresh SQLite database with the inbox's tables."""
    return _sqlite(tmp_path / "gateway.db", create_tables)


@pytest.fixture
def harness(world_and_url: tuple[FakeWorld, str], inbox_url: str) -> Iterator[Harness]:
    """A gateway on SQLite with in-process queues, talking to the fakes."""
    world, url = world_and_url
    with running_harness(world, settings_for(url, inbox_url)) as started:
        yield started


@pytest.fixture
def redis_prefix() -> Iterator[str]:
    """A key prefix of our own in the tests' Redis db, its keys deleted after the test."""
    prefix = f"dalil-test-{uuid.uuid4().hex[:8]}:"
    yield prefix
    client = redis.Redis.from_url(REDIS_URL)
    keys = list(client.scan_iter(f"{prefix}*"))
    if keys:
        client.delete(*keys)
    client.close()


@pytest.fixture
def migrated_url(tmp_path: Path) -> str:
    """A SQLite database with every table: all the migrations, admin and handovers included."""
    return _sqlite(tmp_path / "dalil.db", upgrade)


@pytest.fixture
def full_gateway(world_and_url: tuple[FakeWorld, str], migrated_url: str) -> Iterator[Harness]:
    """The whole gateway (web chat, channels, handover desk) in front of the fakes."""
    world, url = world_and_url
    with running_harness(world, settings_for(url, migrated_url)) as started:
        yield started


# The admin pages' database and users.


@pytest.fixture(
    scope="session", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def backend(request: pytest.FixtureRequest) -> str:
    """The database backend under test."""
    return str(request.param)


@pytest.fixture(scope="session")
def template_url(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A migrated database with the shipped content and three users, copied for each test."""
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('admin') / 'template.db'}"
        fill(url)
        yield url
        return
    url = recreate_pg_database(TEMPLATE_DB)
    fill(url)
    yield url
    drop_pg_database(TEMPLATE_DB)


@pytest.fixture
def database_url(backend: str, template_url: str, tmp_path: Path) -> Iterator[str]:
    """A fresh copy of the template database for one test."""
    if backend == "sqlite":
        path = tmp_path / "kb.db"
        shutil.copy(template_url.removeprefix("sqlite:///"), path)
        yield f"sqlite:///{path}"
        return
    name = f"{TEMPLATE_DB}_{os.getpid()}_{next(_numbers)}"
    yield recreate_pg_database(name, template=TEMPLATE_DB)
    drop_pg_database(name)


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """An engine on the test's database, for checking what the pages wrote."""
    made = make_engine(database_url)
    yield made
    made.dispose()


@pytest.fixture
def client(database_url: str) -> Iterator[TestClient]:
    """A gateway on the test's database."""
    with TestClient(create_app(make_settings(database_url)), follow_redirects=False) as made:
        yield made


# A browser, for the tests marked `browser`.


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's Chromium driven by Playwright, one per test module (skipped where it is absent)."""
    with chromium() as launched:
        yield launched
