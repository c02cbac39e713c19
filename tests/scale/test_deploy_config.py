"""The deployment files agree with the code, and Rasa really runs on bot/endpoints.postgres.yml.

No Docker engine runs here, so the compose file is checked for what would break a deployment:
replicas, settings the app does not know, load balancers pointing at missing services, variables
Rasa needs but is not given. The endpoints file is read by Rasa itself, whose stores then save
and read a tracker on the local PostgreSQL, under a lock in the local Redis.
"""

from __future__ import annotations

import json
import os
import re
import uuid
from pathlib import Path
from typing import Any

import pytest
import redis
import yaml

from actions.settings import ActionSettings
from bench.pg import create_database, drop_database
from dalil.settings import ROOT
from gateway.alerts.settings import AlertSettings
from gateway.settings import GatewaySettings
from knowledge.settings import KnowledgeSettings
from tests.databases import DB_PREFIX
from tests.engine import run_engine_script

DEPLOY = ROOT / "deploy"
ENDPOINTS = ROOT / "bot" / "endpoints.postgres.yml"
TRACKER_DB = DB_PREFIX + "_endpoints_tracker"
REDIS_DB = 8  # dedicated to this test
# Compose's `${NAME}`, `${NAME:-default}`, `${NAME:?message}` (and without the colon); `$$` escapes.
INTERPOLATION = re.compile(r"(?<!\$)\$\{(\w+)(?::?([-?])([^}]*))?\}")
APP_SETTINGS = {"DALIL_": (GatewaySettings, KnowledgeSettings, ActionSettings)}
APP_SETTINGS["DALIL_ALERT_"] = (AlertSettings,)


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    """deploy/compose.yml, parsed."""
    data: dict[str, Any] = yaml.safe_load((DEPLOY / "compose.yml").read_text())
    return data


def endpoint_variables() -> set[str]:
    """The ${VAR}s bot/endpoints.postgres.yml needs."""
    lines = [
        line for line in ENDPOINTS.read_text().splitlines() if not line.lstrip().startswith("#")
    ]
    return set(re.findall(r"\$\{(\w+)\}", "\n".join(lines)))


def test_rasa_actions_and_gateway_run_at_least_two_replicas(compose: dict[str, Any]) -> None:
    for name in ("rasa", "actions", "gateway"):
        assert compose["services"][name]["deploy"]["replicas"] >= 2, name


def app_fields() -> dict[str, tuple[type[Any], str]]:
    """Every `DALIL_*` variable the app reads → (its settings class, its field)."""
    return {
        f"{prefix}{name.upper()}": (model, name)
        for prefix, models in APP_SETTINGS.items()
        for model in models
        for name in model.model_fields
    }


def secret_names() -> set[str]:
    """The variables that hold secrets: the settings typed SecretStr, and the database password."""
    secrets = {
        variable
        for variable, (model, name) in app_fields().items()
        if "SecretStr" in str(model.model_fields[name].annotation)
    }
    return secrets | {"POSTGRES_PASSWORD"}


def app_services(compose: dict[str, Any]) -> list[str]:
    """The services built from the app image (gateway, actions, alerts, purge, migrate)."""
    return [
        name
        for name, service in compose["services"].items()
        if service.get("build", {}).get("target") == "app"
    ]


def test_every_app_setting_in_compose_is_one_the_app_reads(compose: dict[str, Any]) -> None:
    known = set(app_fields())
    assert {"gateway", "actions", "migrate", "alerts", "purge"} <= set(app_services(compose))
    for name in app_services(compose):
        variables = {v for v in compose["services"][name]["environment"] if v.startswith("DALIL_")}
        unknown = variables - known
        assert not unknown, f"{name}: settings nobody reads: {unknown}"


def test_rasa_gets_every_variable_its_endpoints_file_needs(compose: dict[str, Any]) -> None:
    rasa = compose["services"]["rasa"]
    assert "endpoints.postgres.yml" in rasa["command"]
    assert endpoint_variables() <= set(rasa["environment"])
    # Rasa's stores must be shared: SQL tracker store on PostgreSQL, Redis lock store.
    endpoints = yaml.safe_load(ENDPOINTS.read_text())
    assert endpoints["tracker_store"]["type"] == "components.tracker_store.BoundedSQLTrackerStore"
    assert endpoints["tracker_store"]["dialect"] == "postgresql"
    assert endpoints["lock_store"]["type"] == "redis"


def test_load_balancers_point_at_services_that_exist(compose: dict[str, Any]) -> None:
    services = set(compose["services"])
    haproxy = (DEPLOY / "haproxy.cfg").read_text()
    targets = set(re.findall(r"server-template \w+ \d+ (\w+):\d+", haproxy))
    assert targets == {"rasa", "actions", "gateway"} and targets <= services
    nginx = (DEPLOY / "nginx.conf").read_text()
    assert re.search(r"server gateway:8000", nginx)
    # Only nginx publishes ports; Rasa's webhooks are unauthenticated and must stay private.
    published = {name for name, s in compose["services"].items() if s.get("ports")}
    assert published == {"nginx"}
    assert compose["networks"]["private"]["internal"] is True


@pytest.fixture
def tracker_database() -> Any:
    """A fresh tracker database and a clean, dedicated Redis index."""
    create_database(TRACKER_DB)
    locks = redis.Redis(host="127.0.0.1", port=6379, db=REDIS_DB)
    locks.flushdb()
    yield
    locks.flushdb()
    locks.close()
    drop_database(TRACKER_DB)


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.usefixtures("tracker_database")
def test_rasa_builds_postgres_tracker_and_redis_lock_stores_from_the_endpoints_file() -> None:
    env = {
        "DALIL_RASA_ACTION_URL": "http://127.0.0.1:5055/webhook",
        "DALIL_RASA_NLG_URL": "http://127.0.0.1:8000/nlg",
        "DALIL_RASA_TRACKER_URL": f"postgresql://root@127.0.0.1:5432/{TRACKER_DB}",
        "DALIL_RASA_REDIS_HOST": "127.0.0.1",
        "DALIL_RASA_REDIS_PORT": "6379",
        "DALIL_RASA_REDIS_DB": str(REDIS_DB),
        "DALIL_RASA_REDIS_PASSWORD": "",
        "DALIL_RASA_TOKEN": "rasa-sends-this-to-nlg",
    }
    assert endpoint_variables() <= set(env)
    sender = f"deploy-check-{uuid.uuid4().hex[:8]}"
    done = run_engine_script(
        Path(__file__).with_name("engine_stores.py"),
        str(ENDPOINTS),
        sender,
        env=env,
        timeout=240,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    # Rasa falls back to an in-memory store (with a warning) if it cannot import ours.
    assert result["inner_store"] == "BoundedSQLTrackerStore"
    assert result["lock_store"] == "RedisLockStore"
    assert result["texts"] == ["bonjour"]
    assert result["action_url"] == env["DALIL_RASA_ACTION_URL"]
    assert result["nlg_url"] == env["DALIL_RASA_NLG_URL"]
    # The gateway's /nlg answers only this header (gateway/nlg.py).
    assert result["nlg_headers"] == {"Authorization": "Bearer rasa-sends-this-to-nlg"}


def test_every_long_running_service_has_a_healthcheck(compose: dict[str, Any]) -> None:
    for name, service in compose["services"].items():
        if service.get("restart") == "no":
            continue  # one-shot (migrate): it exits, and the others wait for its success
        check = service.get("healthcheck", {})
        assert check.get("test") and not check.get("disable"), f"{name} has no health check"


def test_no_secret_has_a_default_value(compose: dict[str, Any]) -> None:
    secrets = secret_names()
    assert {"DALIL_RASA_TOKEN", "DALIL_TELEGRAM_BOT_TOKEN"} <= secrets
    assert "DALIL_ALERT_WHATSAPP_TEMPLATE" not in secrets
    text = (DEPLOY / "compose.yml").read_text()
    used = set()
    for name, operator, default in INTERPOLATION.findall(text):
        if name in secrets:
            used.add(name)
            assert operator == "?" or default == "", f"${{{name}}} has a default: {default!r}"
    assert {"DALIL_RASA_TOKEN", "DALIL_PSEUDONYM_KEY", "POSTGRES_PASSWORD"} <= used
    # Nor a value written in the file: a secret setting is its own variable, passed through.
    for service_name, service in compose["services"].items():
        environment = service.get("environment") or {}
        for key in secrets & set(environment):
            value = str(environment[key])
            assert re.fullmatch(rf"\$\{{{key}(:\?|:-)\}}", value), f"{service_name}: {key}"


def test_every_channel_and_alert_setting_can_be_switched_on(compose: dict[str, Any]) -> None:
    wanted = {
        variable
        for variable, (model, name) in app_fields().items()
        if model is AlertSettings or name.startswith(("whatsapp_", "twilio_", "telegram_"))
    }
    for service in ("gateway", "alerts"):
        environment = compose["services"][service]["environment"]
        missing = wanted - set(environment)
        assert not missing, f"{service}: not passed through: {sorted(missing)}"
        for variable in wanted:
            assert environment[variable] == f"${{{variable}:-}}", variable


def test_unset_compose_variables_leave_the_app_defaults(
    compose: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Compose turns every unset `${VAR:-}` into an empty string: the app must read it as unset."""

    def interpolate(value: str) -> str:
        # As compose would with only the required variables set.
        return INTERPOLATION.sub(lambda m: "x" * 40 if m.group(2) == "?" else m.group(3), value)

    environment = {
        key: interpolate(str(value))
        for key, value in compose["services"]["gateway"]["environment"].items()
    }
    for key in [k for k in os.environ if k.startswith("DALIL_")]:
        monkeypatch.delenv(key)
    for key, value in environment.items():
        monkeypatch.setenv(key, value)
    unset = {key for key, value in environment.items() if value == ""}
    assert "DALIL_ALERT_RATE_WHATSAPP" in unset and "DALIL_WHATSAPP_API_VERSION" in unset
    fields = app_fields()
    for model in (GatewaySettings, AlertSettings):
        settings = model(_env_file=None)  # type: ignore[call-arg]
        for key in unset:
            owner, name = fields[key]
            if owner is model:
                assert getattr(settings, name) == model.model_fields[name].get_default(), key
