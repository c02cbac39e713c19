"""Fixtures of the admin and staff tests: a migrated database with content and one user per role."""

from __future__ import annotations

import itertools
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from dalil.devstack import free_port
from gateway.admin.models import AdminUser
from gateway.admin.security import hash_password
from gateway.app import create_app
from gateway.settings import GatewaySettings
from knowledge.db import make_engine, upgrade
from knowledge.importer import import_content
from knowledge.settings import CONTENT_DIR

# Parallel checkouts on one machine set their own prefix so their test databases never clash.
DB_PREFIX = os.environ.get("DALIL_TEST_DB_PREFIX", "dalil_test")


PG_ADMIN = os.environ.get("DALIL_TEST_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/postgres")
PG_BASE = PG_ADMIN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
TEMPLATE_DB = DB_PREFIX + "_admin"
PASSWORD = "correct horse battery staple"
EMAILS = {"admin": "admin@dalil.test", "editor": "editor@dalil.test", "staff": "staff@dalil.test"}
_numbers = itertools.count()


def _pg(sql: str) -> None:
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(sql)  # type: ignore[arg-type]


def _fill(url: str) -> None:
    upgrade(url)
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            import_content(session, CONTENT_DIR)
            for role, email in EMAILS.items():
                session.add(
                    AdminUser(
                        email=email, role=role, password_hash=hash_password(PASSWORD), active=True
                    )
                )
            session.commit()
    finally:
        engine.dispose()


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
        _fill(url)
        yield url
        return
    _pg(f'DROP DATABASE IF EXISTS "{TEMPLATE_DB}" WITH (FORCE)')
    _pg(f'CREATE DATABASE "{TEMPLATE_DB}"')
    url = f"{PG_BASE}/{TEMPLATE_DB}"
    _fill(url)
    yield url
    _pg(f'DROP DATABASE IF EXISTS "{TEMPLATE_DB}" WITH (FORCE)')


@pytest.fixture
def database_url(backend: str, template_url: str, tmp_path: Path) -> Iterator[str]:
    """A fresh copy of the template database for one test."""
    if backend == "sqlite":
        path = tmp_path / "kb.db"
        shutil.copy(template_url.removeprefix("sqlite:///"), path)
        yield f"sqlite:///{path}"
        return
    name = f"{TEMPLATE_DB}_{os.getpid()}_{next(_numbers)}"
    _pg(f'CREATE DATABASE "{name}" TEMPLATE "{TEMPLATE_DB}"')
    yield f"{PG_BASE}/{name}"
    _pg(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """An engine on the test's database, for checking what the pages wrote."""
    made = make_engine(database_url)
    yield made
    made.dispose()


def make_settings(database_url: str, **overrides: object) -> GatewaySettings:
    """Settings of a gateway whose Rasa is down (nothing listens) and whose database is the test's."""
    values: dict[str, object] = {
        "environment": "test",
        "database_url": database_url,
        "rasa_url": f"http://127.0.0.1:{free_port()}",
        "action_server_url": f"http://127.0.0.1:{free_port()}",
        "rasa_token": "t",
        "pseudonym_key": "k",
        "session_secret": "a-test-secret-that-is-long-enough",
        # Most tests here have one admin write and publish; test_four_eyes.py turns it off.
        "allow_self_publish": True,
    }
    values.update(overrides)
    return GatewaySettings(**values)  # type: ignore[arg-type]


@pytest.fixture
def client(database_url: str) -> Iterator[TestClient]:
    """A gateway on the test's database."""
    with TestClient(create_app(make_settings(database_url)), follow_redirects=False) as made:
        yield made


CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(html: str) -> str:
    """The CSRF token in a page's forms."""
    match = CSRF.search(html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def login(client: TestClient, role: str, password: str = PASSWORD) -> str:
    """Log in as the user of `role`; returns the session's CSRF token."""
    page = client.get("/admin/login")
    response = client.post(
        "/admin/login",
        data={"email": EMAILS[role], "password": password, "csrf_token": csrf_of(page.text)},
    )
    assert response.status_code == 303, response.text
    token = client.get("/api/v1/admin/session").json()["csrf_token"]
    return str(token)
