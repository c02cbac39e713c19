"""Alert tests reuse the admin tests' migrated database (PostgreSQL and SQLite) and users."""

import sys
from pathlib import Path

HERE = Path(__file__).resolve()
# `tests/gateway` (a folder without __init__) must not shadow the real `gateway` package.
sys.path[:0] = [str(HERE.parents[3]), str(HERE.parent.parent / "admin")]

from admin_harness import backend, client, database_url, engine, template_url  # noqa: E402

__all__ = ["backend", "client", "database_url", "engine", "template_url"]
