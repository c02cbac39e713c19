"""Fixtures: a migrated SQLite file and a migrated PostgreSQL database, empty and loaded."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from knowledge.db import make_engine, make_session_factory, upgrade
from knowledge.importer import import_content
from knowledge.settings import CONTENT_DIR
from tests.databases import DB_PREFIX, drop_pg_database, recreate_pg_database

BACKENDS = [pytest.param("sqlite"), pytest.param("postgres", marks=pytest.mark.postgres)]


def _migrated_url(backend: str, label: str, tmp: Path) -> Iterator[str]:
    """A database of `backend` built with `alembic upgrade head`."""
    if backend == "sqlite":
        url = f"sqlite:///{tmp / f'{label}.db'}"
        upgrade(url)
        yield url
        return
    name = f"{DB_PREFIX}_kb_{label}"
    url = recreate_pg_database(name)
    upgrade(url)
    yield url
    drop_pg_database(name)


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """The database backend under test."""
    return str(request.param)


@pytest.fixture(scope="session")
def empty_engine(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """An engine on a migrated, empty database."""
    for url in _migrated_url(backend, "empty", tmp_path_factory.mktemp(backend)):
        engine = make_engine(url)
        yield engine
        engine.dispose()


@pytest.fixture(scope="session")
def loaded_engine(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """An engine on a migrated database holding the shipped content."""
    for url in _migrated_url(backend, "loaded", tmp_path_factory.mktemp(backend)):
        engine = make_engine(url)
        with make_session_factory(engine)() as session:
            import_content(session, CONTENT_DIR)
            session.commit()
        yield engine
        engine.dispose()


def _rolled_back(engine: Engine) -> Iterator[Session]:
    """A session whose every change, commits included, is undone at the end."""
    with engine.connect() as connection:
        transaction = connection.begin()
        session = Session(bind=connection, join_transaction_mode="create_savepoint")
        try:
            yield session
        finally:
            session.close()
            transaction.rollback()


@pytest.fixture
def empty_session(empty_engine: Engine) -> Iterator[Session]:
    """A rolled-back session on an empty database."""
    yield from _rolled_back(empty_engine)


@pytest.fixture
def kb(loaded_engine: Engine) -> Iterator[Session]:
    """A rolled-back session on a database holding the shipped content."""
    yield from _rolled_back(loaded_engine)
