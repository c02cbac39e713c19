"""Throwaway PostgreSQL databases and knowledge bases, for the benchmarks and the slow tests."""

from __future__ import annotations

import subprocess

import psycopg

from dalil.settings import ROOT

ADMIN_URL = "postgresql://root@127.0.0.1:5432/postgres"


def url_of(name: str, *, driver: str = "psycopg") -> str:
    """The SQLAlchemy URL of a local database."""
    return f"postgresql+{driver}://root@127.0.0.1:5432/{name}"


def create_database(name: str) -> str:
    """Drop and create database `name` on the local server; return its URL."""
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return url_of(name)


def drop_database(name: str) -> None:
    """Drop database `name`, disconnecting whoever is still on it."""
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def allow_connections(name: str, allowed: bool) -> None:
    """Take a database down (refuse and cut every connection) or bring it back."""
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS {str(allowed).lower()}')
        if not allowed:
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                (name,),
            )


def import_knowledge(database_url: str) -> None:
    """Migrate the database and load knowledge/content into it (`dalil kb import`)."""
    subprocess.run(
        [str(ROOT / ".venv" / "bin" / "dalil"), "kb", "import"],
        check=True,
        cwd=ROOT,
        capture_output=True,
        env={"DALIL_DATABASE_URL": database_url, "PATH": "/usr/bin:/bin"},
    )
