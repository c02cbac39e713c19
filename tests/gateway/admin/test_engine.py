"""The gateway's engine is made like every other engine (knowledge.db.make_engine)."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from gateway.app import create_app
from knowledge.db import upgrade
from tests.gateway.accounts import make_settings


def test_the_gateway_engine_enforces_sqlite_foreign_keys(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'kb.db'}"
    upgrade(url)
    app = create_app(make_settings(url))
    with TestClient(app), app.state.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
