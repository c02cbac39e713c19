"""Data migrations keep what a live database already holds."""

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from knowledge.db import make_engine, upgrade
from tests.databases import DB_PREFIX, drop_pg_database, recreate_pg_database


@pytest.fixture
def url(backend: str, tmp_path: Path) -> Iterator[str]:
    """An empty database of the backend under test."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'kb.db'}"
        return
    name = f"{DB_PREFIX}_kb_migrations"
    yield recreate_pg_database(name)
    drop_pg_database(name)


def test_a_phones_single_label_becomes_its_english_label(url: str) -> None:
    upgrade(url, "gw0002")
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO cities (id, lat, lon, names, aliases) VALUES ('rabat', 34, -6.8, '{}', '[]')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO service_points (id, name, organisation, city_id, address, lat, lon,"
                " approximate, uncertain, sources) VALUES ('p', 'P', 'O', 'rabat', '', 34, -6.8,"
                " false, false, '[]')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO service_point_phones (service_point_id, number, kind, label, position)"
                " VALUES ('p', '+212537545400', 'voice', 'Registration helpline', 0),"
                " ('p', '+212537545401', 'voice', '', 1)"
            )
        )
    upgrade(url)
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT labels, hours, sources FROM service_point_phones ORDER BY position")
        ).all()
    engine.dispose()
    # SQLite hands JSON back as text, PostgreSQL as values.
    decoded = [tuple(json.loads(v) if isinstance(v, str) else v for v in row) for row in rows]
    assert decoded == [({"en": "Registration helpline"}, {}, []), ({}, {}, [])]
