"""Actions run against a real knowledge base: a migrated SQLite file holding the shipped content."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from actions.common import Services
from knowledge.db import make_engine, make_session_factory, upgrade
from knowledge.importer import import_content
from knowledge.settings import CONTENT_DIR
from tests.actions.actionkit import MONDAY_MORNING, services_for


@pytest.fixture(scope="session")
def kb_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A knowledge base built the way `dalil kb import` builds it."""
    path = tmp_path_factory.mktemp("kb") / "dalil.db"
    url = f"sqlite:///{path}"
    upgrade(url)
    engine = make_engine(url)
    with make_session_factory(engine)() as session:
        import_content(session, CONTENT_DIR)
        session.commit()
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def services(kb_path: Path) -> Services:
    """Services on the shared (read-only) knowledge base."""
    return services_for(kb_path)


@pytest.fixture
def kb_copy(kb_path: Path, tmp_path: Path) -> Path:
    """A private copy of the knowledge base, for tests that change it."""
    copy = tmp_path / "dalil.db"
    shutil.copy(kb_path, copy)
    return copy


@pytest.fixture
def kb(services: Services) -> Iterator[Session]:
    """A session on the shared knowledge base, to compare actions' output with the data."""
    with services.session_factory() as session:
        yield session


@pytest.fixture
def broken_services(tmp_path: Path) -> Services:
    """A database without the schema: every query fails, as when the database is down."""
    engine = make_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    return Services(session_factory=make_session_factory(engine), clock=lambda: MONDAY_MORNING)
