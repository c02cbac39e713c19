"""Throwaway PostgreSQL databases for the tests.

Parallel checkouts on one machine set their own `DALIL_TEST_DB_PREFIX` so their test databases
never clash; `DALIL_TEST_PG_ADMIN` points at another server.
"""

from __future__ import annotations

import os

import psycopg

DB_PREFIX = os.environ.get("DALIL_TEST_DB_PREFIX", "dalil_test")
PG_ADMIN = os.environ.get("DALIL_TEST_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/postgres")
PG_BASE = PG_ADMIN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)


def pg(sql: str) -> None:
    """Run one statement on the server's administration database."""
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(sql)  # type: ignore[arg-type]


def pg_url(name: str) -> str:
    """The SQLAlchemy URL of database `name`."""
    return f"{PG_BASE}/{name}"


def recreate_pg_database(name: str, *, template: str | None = None) -> str:
    """Drop and create database `name` (a copy of `template` if given); return its URL."""
    drop_pg_database(name)
    pg(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
    return pg_url(name)


def drop_pg_database(name: str) -> None:
    """Remove a test database, disconnecting whoever is still on it."""
    pg(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
