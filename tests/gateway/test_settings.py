"""One declaration of the database URL, one `.env` file, for every service."""

from __future__ import annotations

from pathlib import Path

import pytest

from actions.settings import ActionSettings
from dalil.settings import ROOT, DalilSettings, env_file
from gateway.settings import GatewaySettings
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


def test_an_empty_variable_is_the_default_and_none_trusts_no_proxy(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Compose passes `${VAR:-}`: empty is unset. `none` is how to believe no proxy at all."""
    monkeypatch.setenv("DALIL_TRUSTED_PROXIES", "")
    monkeypatch.setenv("DALIL_WHATSAPP_API_VERSION", "")
    settings = GatewaySettings(environment="development")
    assert settings.trusted_proxy_list == ["127.0.0.1"]
    assert settings.whatsapp_api_version == GatewaySettings.model_fields[
        "whatsapp_api_version"
    ].get_default(call_default_factory=True)
    monkeypatch.setenv("DALIL_TRUSTED_PROXIES", "none")
    assert GatewaySettings(environment="development").trusted_proxy_list == []
