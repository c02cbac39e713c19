"""One database URL, one `.env`, and the gateway's engine made like every other engine."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from actions.settings import ActionSettings
from dalil.devstack import free_port
from dalil.settings import ROOT, DalilSettings, env_file
from gateway.app import create_app
from gateway.settings import GatewaySettings
from knowledge.db import upgrade
from knowledge.settings import KnowledgeSettings

GATEWAY_SECRETS = {"environment": "test", "rasa_token": "t", "pseudonym_key": "k"}


def test_the_database_url_is_declared_once() -> None:
    """Every service reads DALIL_DATABASE_URL through the one shared declaration."""
    for model in (KnowledgeSettings, ActionSettings, GatewaySettings):
        assert issubclass(model, DalilSettings), model
        declared_here = {
            name
            for klass in model.__mro__[: model.__mro__.index(DalilSettings)]
            for name in vars(klass).get("__annotations__", {})
        }
        assert "database_url" not in declared_here, model


@pytest.mark.parametrize("model", [KnowledgeSettings, ActionSettings, GatewaySettings])
def test_a_relative_sqlite_path_is_anchored_at_the_root_for_every_service(
    model: type[DalilSettings], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir("/")
    extra = GATEWAY_SECRETS if model is GatewaySettings else {}
    settings = model(database_url="sqlite:///var/dalil.db", _env_file=None, **extra)  # type: ignore[call-arg]
    assert settings.database_url == f"sqlite:///{ROOT / 'var' / 'dalil.db'}"


def test_the_env_file_is_at_the_root_unless_dalil_env_file_says(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("DALIL_ENV_FILE", raising=False)
    monkeypatch.chdir(tmp_path)
    assert env_file() == ROOT / ".env"
    monkeypatch.setenv("DALIL_ENV_FILE", str(tmp_path / "dalil.env"))
    assert env_file() == tmp_path / "dalil.env"


def test_every_settings_class_reads_the_same_env_file() -> None:
    from gateway.alerts.settings import AlertSettings

    files = {
        model.model_config.get("env_file")
        for model in (
            DalilSettings,
            KnowledgeSettings,
            ActionSettings,
            GatewaySettings,
            AlertSettings,
        )
    }
    assert files == {env_file()}


def test_the_gateway_engine_enforces_sqlite_foreign_keys(tmp_path: Path) -> None:
    """The gateway's engine comes from knowledge.db.make_engine, like the CLI's and the actions'."""
    url = f"sqlite:///{tmp_path / 'kb.db'}"
    upgrade(url)
    settings = GatewaySettings(
        environment="test",
        database_url=url,
        rasa_url=f"http://127.0.0.1:{free_port()}",
        action_server_url=f"http://127.0.0.1:{free_port()}",
        rasa_token="t",
        pseudonym_key="k",
        _env_file=None,  # type: ignore[call-arg]
    )
    app = create_app(settings)
    with TestClient(app), app.state.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
