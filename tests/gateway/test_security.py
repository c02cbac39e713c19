"""The attacks of a security review, replayed as requests: each must fail against the gateway."""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient
from pydantic import ValidationError
from sqlalchemy import create_engine, func, select
from twilio.request_validator import RequestValidator

from dalil.clock import utcnow
from dalil.i18n import gettext
from gateway import language
from gateway.admin.models import AdminBase, Handover
from gateway.app import create_app
from gateway.inbox.store import InboxStore, make_inbox_engine
from gateway.settings import GatewaySettings
from knowledge.emergency import reminder_numbers, role_number
from tests.fakes.gateway import (
    PSEUDONYM_KEY,
    TW_PUBLIC_URL,
    TW_SID,
    TW_TOKEN,
    Harness,
    create_tables,
    running_gateway,
    sender_of,
    settings_for,
    wa_message,
    wa_text,
    wait_for,
)

ROOT = Path(__file__).resolve().parents[2]
NGINX = "172.30.0.10"


def chat(client: TestClient, sender: str, text: str = "bonjour", **headers: str) -> Any:
    return client.post(
        "/api/v1/chat", json={"sender": sender, "text": text, "language": "fr"}, headers=headers
    )


# --- the public chat API (docs/security.md) -------------------------------------------------------------------


def test_rotating_sender_ids_does_not_escape_the_per_address_limit(
    world_and_url, inbox_url
) -> None:
    _, url = world_and_url
    settings = settings_for(url, inbox_url, rate_limit_per_minute=8, chat_ip_limit_per_minute=8)
    with running_gateway(settings) as client:
        # Eight fresh ids pass; the ninth, from the same address, is refused like a ninth message.
        assert [chat(client, f"rotating-{n}").status_code for n in range(8)] == [200] * 8
        refused = chat(client, "rotating-9")
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    detail = refused.json()["detail"]
    # The numbers come from the knowledge base's content, like every emergency number.
    assert role_number("police") in detail and role_number("ambulance") in detail


@pytest.mark.parametrize("language", ["fr", "ar", "en", "es"])
def test_the_429_is_a_polite_sentence_in_the_users_language(
    world_and_url, inbox_url, language: str
) -> None:
    _, url = world_and_url
    settings = settings_for(url, inbox_url, chat_ip_limit_per_minute=1)
    with running_gateway(settings) as client:
        body = {"sender": "s", "text": "hello", "language": language}
        client.post("/api/v1/chat", json=body)
        refused = client.post("/api/v1/chat", json=body)
    assert refused.status_code == 429
    detail = refused.json()["detail"]
    assert detail.startswith(
        gettext(
            language,
            "You are sending many messages at once. Please wait a moment, then write again. In an emergency, call the police on {police} or an ambulance on {ambulance}.",
            police="",
            ambulance="",
        )[:20]
    )
    if language == "ar":
        assert "\u206619\u2069" in detail  # the number isolated inside right-to-left text


def test_rotating_x_forwarded_for_from_an_untrusted_peer_changes_nothing(
    world_and_url, inbox_url
) -> None:
    _, url = world_and_url
    settings = settings_for(url, inbox_url, chat_ip_limit_per_minute=3, trusted_proxies=NGINX)
    app = create_app(settings)
    with TestClient(app, client=("203.0.113.9", 4000)) as attacker:
        codes = [
            chat(attacker, f"x{n}", **{"X-Forwarded-For": f"198.51.100.{n}"}).status_code
            for n in range(5)
        ]
    assert codes == [200, 200, 200, 429, 429]


def test_behind_the_trusted_proxy_each_real_client_has_its_own_budget(
    world_and_url, inbox_url
) -> None:
    _, url = world_and_url
    settings = settings_for(url, inbox_url, chat_ip_limit_per_minute=2, trusted_proxies=NGINX)
    with TestClient(create_app(settings), client=(NGINX, 4000)) as proxy:
        first = [
            chat(proxy, f"a{n}", **{"X-Forwarded-For": "198.51.100.7"}).status_code
            for n in range(3)
        ]
        other = chat(proxy, "b", **{"X-Forwarded-For": "198.51.100.8"}).status_code
    assert first == [200, 200, 429] and other == 200


def test_the_deployment_trusts_only_nginx_which_overwrites_x_forwarded_for() -> None:
    nginx = (ROOT / "deploy" / "nginx.conf").read_text()
    assert "proxy_set_header X-Forwarded-For $remote_addr;" in nginx
    assert "$proxy_add_x_forwarded_for" not in nginx
    compose = yaml.safe_load((ROOT / "deploy" / "compose.yml").read_text())
    command = compose["services"]["gateway"]["command"]
    allowed = command[command.index("--forwarded-allow-ips") + 1]
    nginx_ip = compose["services"]["nginx"]["networks"]["private"]["ipv4_address"]
    assert allowed == nginx_ip == compose["x-app-env"]["DALIL_TRUSTED_PROXIES"]
    procfile = (ROOT / "Procfile").read_text()
    assert '--forwarded-allow-ips "${DALIL_TRUSTED_PROXIES:-127.0.0.1}"' in procfile
    assert '"*"' not in procfile


def test_turns_beyond_the_global_cap_are_refused_not_queued(world_and_url, inbox_url) -> None:
    world, url = world_and_url
    world.rasa_delay = (0.8, 0.8)
    settings = settings_for(url, inbox_url, chat_max_concurrent_turns=2)
    with running_gateway(settings) as client, ThreadPoolExecutor(4) as pool:
        codes = sorted(pool.map(lambda n: chat(client, f"c{n}").status_code, range(4)))
    assert codes == [200, 200, 429, 429]
    assert world.max_in_flight <= 2


def test_twenty_fresh_ids_asking_for_a_person_open_only_the_allowed_handovers(
    world_and_url, inbox_url
) -> None:
    _, url = world_and_url
    engine = create_engine(inbox_url)
    AdminBase.metadata.create_all(engine)
    settings = settings_for(url, inbox_url, handover_ip_limit_per_hour=3)
    with running_gateway(settings) as client:
        answers = [chat(client, f"h{n}", "/human_handover").json() for n in range(20)]
    with engine.connect() as connection:
        opened = connection.scalar(select(func.count()).select_from(Handover))
    engine.dispose()
    assert opened == 3
    busy = gettext(
        "fr",
        "Our partners cannot take another conversation right now. Please ask again later. In an emergency, call the police on {police} or an ambulance on {ambulance}.",
        **reminder_numbers("fr"),
    )
    assert [a["messages"][0]["text"] for a in answers[3:]] == [busy] * 17


def test_language_detection_runs_off_the_event_loop(monkeypatch) -> None:
    threads: list[str] = []
    real = language.lingua_scores

    def recording(text: str) -> dict[str, float]:
        threads.append(threading.current_thread().name)
        return real(text)

    monkeypatch.setattr(language, "lingua_scores", recording)

    async def main() -> str:
        loop_thread = threading.current_thread().name
        await language.choose_language_off_loop("hello, where can my son go to school please")
        return loop_thread

    loop_thread = asyncio.run(main())
    assert threads and loop_thread not in threads


# --- secrets ---------------------------------------------------------------------------------


def _env_settings(monkeypatch, **env: str) -> GatewaySettings:
    for name in list(__import__("os").environ):
        if name.startswith("DALIL_"):
            monkeypatch.delenv(name)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return GatewaySettings(_env_file=None)  # type: ignore[call-arg]


def test_an_empty_environment_refuses_to_start(monkeypatch) -> None:
    with pytest.raises(ValidationError, match="DALIL_RASA_TOKEN"):
        _env_settings(monkeypatch)


def test_test_and_production_need_every_secret(monkeypatch) -> None:
    with pytest.raises(ValidationError, match="DALIL_PSEUDONYM_KEY"):
        _env_settings(monkeypatch, DALIL_ENVIRONMENT="test", DALIL_RASA_TOKEN="a-real-token")
    with pytest.raises(ValidationError, match="DALIL_SESSION_SECRET"):
        _env_settings(
            monkeypatch, DALIL_RASA_TOKEN="a-real-token", DALIL_PSEUDONYM_KEY="a-real-key"
        )


def test_only_an_explicit_development_environment_runs_with_local_defaults(monkeypatch) -> None:
    settings = _env_settings(monkeypatch, DALIL_ENVIRONMENT="development")
    assert settings.pseudonym_key.get_secret_value() == "dev"


def test_make_run_gives_the_processes_random_keys_and_procfile_has_no_token_default() -> None:
    makefile = (ROOT / "Makefile").read_text()
    assert "honcho start -f Procfile -e var/local.env" in makefile
    assert "DALIL_PSEUDONYM_KEY=$$($(PYTHON) -c 'import secrets" in makefile
    assert ":-dev" not in (ROOT / "Procfile").read_text()
    assert "${DALIL_RASA_TOKEN:?" in (ROOT / "deploy" / "Dockerfile").read_text()


# --- webhooks ------------------------------------------------------------------------------


def test_a_webhook_replayed_after_the_purge_is_not_answered_again(world_and_url, inbox_url) -> None:
    world, url = world_and_url
    payload = wa_text("first time", wamid="wamid.REPLAY1")
    settings = settings_for(url, inbox_url)
    with running_gateway(settings) as client:
        assert Harness(world, client, settings).whatsapp(payload).status_code == 200
        wait_for(lambda: world.sent_texts("whatsapp") == ["echo:first time"])
    # `dalil purge` has since removed the message itself…
    engine = make_inbox_engine(inbox_url)
    asyncio.run(InboxStore(engine).purge_older_than(utcnow() + timedelta(days=1)))
    engine.dispose()
    # …and a captured, validly signed request is sent again.
    with running_gateway(settings) as client:
        assert Harness(world, client, settings).whatsapp(payload).status_code == 200
        time.sleep(0.5)
    assert world.rasa_texts() == ["first time"]


def test_an_old_message_is_refused(world_and_url, inbox_url) -> None:
    world, url = world_and_url
    old = wa_message(
        {
            "id": "wamid.OLD",
            "type": "text",
            "text": {"body": "from last week"},
            "timestamp": str(int(time.time()) - 7 * 86400),
        }
    )
    with running_gateway(settings_for(url, inbox_url)) as client:
        harness = Harness(world, client, settings_for(url, inbox_url))
        assert harness.whatsapp(old).status_code == 200
        assert harness.whatsapp(wa_text("today", wamid="wamid.NEW")).status_code == 200
        wait_for(lambda: world.rasa_texts() == ["today"])
        time.sleep(0.3)
    assert world.rasa_texts() == ["today"]


def _twilio_params() -> dict[str, str]:
    return {
        "MessageSid": "SM1",
        "From": "whatsapp:+212600000009",
        "To": "whatsapp:+14155238886",
        "Body": "bonjour",
        "AccountSid": TW_SID,
    }


def test_a_twilio_signature_for_a_forged_host_is_refused(world_and_url, inbox_url) -> None:
    _, url = world_and_url
    forged = "https://attacker.example/webhooks/twilio"
    params = _twilio_params()
    signature = RequestValidator(TW_TOKEN).compute_signature(forged, params)
    with running_gateway(settings_for(url, inbox_url)) as client:
        response = client.post(
            "/webhooks/twilio",
            data=params,
            headers={
                "X-Twilio-Signature": signature,
                "X-Forwarded-Host": "attacker.example",
                "X-Forwarded-Proto": "https",
                "Host": "attacker.example",
            },
        )
    assert response.status_code == 403


def test_twilio_refuses_to_start_without_its_public_url(world_and_url, inbox_url) -> None:
    _, url = world_and_url
    with pytest.raises(ValidationError, match="DALIL_TWILIO_PUBLIC_URL"):
        settings_for(url, inbox_url, twilio_public_url=None)


@pytest.mark.parametrize(("shared_key", "expected"), [("webhook-shared-key", 200), (None, 403)])
def test_twilio_hmac_sha256_signatures_are_checked_with_the_shared_key(
    world_and_url, inbox_url, shared_key: str | None, expected: int
) -> None:
    _, url = world_and_url
    params = _twilio_params()
    signature = RequestValidator("webhook-shared-key").compute_signature(
        TW_PUBLIC_URL, params, "HMAC_SHA256"
    )
    settings = settings_for(url, inbox_url, twilio_webhook_shared_key=shared_key)
    with running_gateway(settings) as client:
        response = client.post(
            "/webhooks/twilio",
            data=params,
            headers={
                "X-Twilio-Signature": signature,
                "X-Twilio-Webhooks-Signature-Settings": "key=webhooks_sharedkey_1,algorithm=HMAC_SHA256",
            },
        )
        # The same SHA-256 signature without the header is checked as SHA-1 with the auth token.
        plain = client.post(
            "/webhooks/twilio",
            data={**params, "MessageSid": "SM2"},
            headers={"X-Twilio-Signature": signature},
        )
    assert response.status_code == expected
    assert plain.status_code == 403


# --- the web conversation's id and pages -------------------------------------------------------------------------


def test_api_docs_are_off_in_production_unless_enabled(world_and_url, inbox_url) -> None:
    _, url = world_and_url
    secrets = {
        "session_secret": "a-production-session-secret",
        "rasa_token": "a-production-token",
        "pseudonym_key": "a-production-key",
    }
    production = settings_for(url, inbox_url, environment="production", **secrets)
    with running_gateway(production) as client:
        assert [client.get(p).status_code for p in ("/docs", "/redoc", "/openapi.json")] == [
            404
        ] * 3
        assert client.get("/").headers["Strict-Transport-Security"].startswith("max-age=")
    enabled = settings_for(url, inbox_url, environment="production", api_docs=True, **secrets)
    with running_gateway(enabled) as client:
        assert client.get("/openapi.json").status_code == 200
    with running_gateway(settings_for(url, inbox_url)) as client:
        assert client.get("/docs").status_code == 200
        assert "Strict-Transport-Security" not in client.get("/").headers


@pytest.mark.parametrize(
    "path", ["/", "/admin/login", "/api/v1/chat", "/healthz", "/static/chat.js"]
)
def test_every_answer_carries_the_security_headers(world_and_url, inbox_url, path: str) -> None:
    _, url = world_and_url
    engine = create_engine(inbox_url)
    AdminBase.metadata.create_all(engine)
    engine.dispose()
    with running_gateway(settings_for(url, inbox_url)) as client:
        response = client.get(path)
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"


def test_no_page_has_an_inline_script() -> None:
    """The CSP forbids them: an inline script in a template would silently stop working."""
    for template in [
        *(ROOT / "gateway" / "templates").rglob("*.html"),
        ROOT / "gateway" / "static" / "index.html",
    ]:
        text = template.read_text()
        for tag in text.split("<script")[1:]:
            head = tag.split(">", 1)[0]
            assert "src=" in head or 'type="application/json"' in head, template
        assert " onclick=" not in text and " onsubmit=" not in text, template


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def test_the_web_sender_id_never_appears_in_a_url_or_the_access_log(
    world_and_url, inbox_url
) -> None:
    _, url = world_and_url
    engine = create_engine(inbox_url)
    AdminBase.metadata.create_all(engine)
    engine.dispose()
    secret_id = "b1946ac9-2f0c-4b47-9e59-secret-sender"
    captured = _Records()
    access = logging.getLogger("gateway.access")
    with running_gateway(settings_for(url, inbox_url)) as client:
        access.addHandler(captured)
        assert client.post("/api/v1/chat/inbox", json={"sender": secret_id}).status_code == 200
        assert chat(client, secret_id).status_code == 200
        # The old URL form is gone: nothing answers a GET with the id in the path.
        assert client.get(f"/api/v1/chat/{secret_id}/inbox").status_code in (404, 405)
        access.removeHandler(captured)
    paths = [getattr(r, "path", "") for r in captured.records]
    assert "/api/v1/chat/inbox" in paths and "/api/v1/chat" in paths
    assert all(secret_id not in p for p in paths)
    assert secret_id not in (ROOT / "gateway" / "static" / "chat.js").read_text()
    assert sender_of("web", secret_id) != secret_id and PSEUDONYM_KEY


def test_delete_my_data_tells_the_web_chat_to_start_a_new_conversation(
    world_and_url, inbox_url
) -> None:
    _, url = world_and_url
    create_tables(inbox_url)
    with running_gateway(settings_for(url, inbox_url)) as client:
        deleted = chat(client, "someone", "delete").json()
        normal = chat(client, "someone-else", "hello").json()
    assert deleted["new_conversation"] is True
    assert "new_conversation" not in normal
