"""`POST /nlg` renders every response of docs/internals.md from the catalogs, in the right language."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from dalil.i18n import gettext
from dalil.languages import LANGUAGES
from gateway.nlg import router
from tests.actions.actionkit import ASKED_TOPICS

RESPONSES = (
    "utter_greet",
    "utter_goodbye",
    "utter_youre_welcome",
    "utter_bot_challenge",
    "utter_capabilities",
    "utter_out_of_scope",
    "utter_ask_topic",
    "utter_ask_city",
    "utter_ask_status",
    "utter_ask_need",
    "utter_confirm_delete",
    "utter_delete_cancelled",
    "utter_anything_else",
    "utter_default",
    "utter_deny_ack",
)
# A payload as Rasa parses it: /intent or /intent{"entity":"value"}.
PAYLOAD = re.compile(r'^/[a-z_]+(\{"[a-z_]+":"[^"]+"\})?$')


NLG_TOKEN = "rasa-token-for-nlg"


def nlg_app() -> FastAPI:
    """The NLG router alone, with the settings it reads its token from."""
    from gateway.settings import GatewaySettings

    app = FastAPI()
    app.include_router(router)
    app.state.settings = GatewaySettings(
        environment="test", rasa_token=NLG_TOKEN, pseudonym_key="k"
    )
    return app


@pytest.fixture(scope="module")
def client() -> TestClient:
    """The NLG router alone, called as Rasa calls it: it needs neither Rasa nor a database."""
    return TestClient(nlg_app(), headers={"Authorization": f"Bearer {NLG_TOKEN}"})


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer wrong"},
        {"Authorization": NLG_TOKEN},
        {"Authorization": "Basic x"},
    ],
)
def test_nlg_refuses_callers_without_rasas_token(headers: dict[str, str]) -> None:
    """Anyone reaching /nlg could otherwise read every response and probe the action server."""
    answer = TestClient(nlg_app()).post("/nlg", json=body("utter_greet"), headers=headers)
    assert answer.status_code == 401


def body(response: str, *, metadata: str | None = None, slot: str | None = None) -> dict[str, Any]:
    """The JSON Rasa 3.6 posts (trimmed to what matters)."""
    return {
        "response": response,
        "arguments": {},
        "tracker": {
            "sender_id": "u1",
            "slots": {"language": slot},
            "latest_message": {"text": "x", "metadata": {"language": metadata} if metadata else {}},
            "events": [],
        },
        "channel": {"name": "collector"},
    }


def render(client: TestClient, response: str, **kwargs: str | None) -> dict[str, Any]:
    """POST one response and return the JSON answer."""
    answer = client.post("/nlg", json=body(response, **kwargs))
    assert answer.status_code == 200, answer.text
    return answer.json()


@pytest.mark.parametrize("response", RESPONSES)
def test_every_response_in_every_language(client: TestClient, response: str) -> None:
    """Each response has text in each language, different between French and English."""
    texts = {lang: render(client, response, metadata=lang)["text"] for lang in LANGUAGES}
    assert all(t.strip() for t in texts.values())
    assert texts["fr"] != texts["en"]
    assert texts["ar"] != texts["en"]
    assert any("\u0600" <= c <= "\u06ff" for c in texts["ar"])
    assert response not in texts["fr"], "the domain's placeholder leaked"


@pytest.mark.parametrize("response", RESPONSES)
def test_buttons_carry_valid_payloads(client: TestClient, response: str) -> None:
    """Every button has a title and a payload Rasa can parse."""
    for button in render(client, response, metadata="es")["buttons"]:
        assert button["title"].strip()
        assert PAYLOAD.match(button["payload"]), button["payload"]
        if "{" in button["payload"]:
            json.loads(button["payload"][button["payload"].index("{") :])


def test_language_order_metadata_then_slot_then_french(client: TestClient) -> None:
    """The message's metadata wins over the slot; the slot over the French default."""
    greet = {lang: render(client, "utter_greet", metadata=lang)["text"] for lang in LANGUAGES}
    assert render(client, "utter_greet", metadata="ar", slot="en")["text"] == greet["ar"]
    assert render(client, "utter_greet", slot="es")["text"] == greet["es"]
    assert render(client, "utter_greet")["text"] == greet["fr"]
    assert render(client, "utter_greet", metadata="de")["text"] == greet["fr"]


def test_menus_use_the_internal_payloads(client: TestClient) -> None:
    """Topic menus ask `/ask_<topic>`, with localised titles."""
    for response in ("utter_capabilities", "utter_ask_topic", "utter_ask_need"):
        fr = render(client, response, metadata="fr")["buttons"]
        ar = render(client, response, metadata="ar")["buttons"]
        payloads = [b["payload"] for b in fr]
        assert [f"/ask_{t}" for t in ASKED_TOPICS] == [p for p in payloads if p.startswith("/ask_")]
        assert [b["payload"] for b in ar] == payloads
        school = next(b for b in fr if b["payload"] == "/ask_school_access")
        assert school["title"] == gettext("fr", "School") == "École"


def test_specific_payloads(client: TestClient) -> None:
    """Yes/no, statuses, cities and languages use docs/internals.md's payloads."""
    confirm = render(client, "utter_confirm_delete", metadata="en")["buttons"]
    assert [b["payload"] for b in confirm] == ["/affirm", "/deny"]
    statuses = [b["payload"] for b in render(client, "utter_ask_status", metadata="fr")["buttons"]]
    assert '/inform{"status":"asylum_seeker"}' in statuses and len(statuses) == 5
    cities = render(client, "utter_ask_city", metadata="ar")["buttons"]
    assert {"title": "الدار البيضاء", "payload": '/inform{"city":"casablanca"}'} in cities
    greet = [b["payload"] for b in render(client, "utter_greet", metadata="fr")["buttons"]]
    assert '/choose_language{"language":"ar"}' in greet
    assert '/choose_language{"language":"fr"}' not in greet
    assert "/human_handover" in [b["payload"] for b in render(client, "utter_default")["buttons"]]


def test_unknown_response_falls_back_to_default(client: TestClient) -> None:
    """A response missing here still gives the user a sensible sentence."""
    assert (
        render(client, "utter_not_there", metadata="en")["text"]
        == render(client, "utter_default", metadata="en")["text"]
    )


def test_malformed_request_is_rejected(client: TestClient) -> None:
    """No `response` field: 422, not a crash."""
    assert client.post("/nlg", json={"tracker": {}}).status_code == 422


def test_default_becomes_the_apology_when_the_action_server_is_down() -> None:
    """Rasa says utter_default when an action call fails: the user reads the apology instead."""
    import httpx
    from fastapi import FastAPI

    from bench.devstack import free_port
    from gateway.conversation import apology
    from gateway.settings import GatewaySettings

    app = FastAPI()
    app.include_router(router)
    app.state.settings = GatewaySettings(
        environment="test",
        action_server_url=f"http://127.0.0.1:{free_port()}",
        rasa_token="t",
        pseudonym_key="k",
    )
    app.state.http = httpx.AsyncClient()
    with TestClient(app, headers={"Authorization": "Bearer t"}) as down:
        answer = down.post("/nlg", json=body("utter_default", metadata="ar")).json()
        assert answer["text"] == apology("ar").text
        assert [b["payload"] for b in answer["buttons"]] == ["/human_handover"]
        # Not "did not understand": the review queue must not take it for a misunderstanding.
        assert answer["custom"]["insight"]["response"] == "apology"
        # Other responses are unaffected.
        assert (
            down.post("/nlg", json=body("utter_greet", metadata="ar")).json()["text"]
            != answer["text"]
        )


def test_default_is_default_when_the_action_server_is_up(client: TestClient) -> None:
    """Without a probe target (or with a healthy server) utter_default stays what it says."""
    assert render(client, "utter_default", metadata="en")["text"].startswith(
        "Sorry, I did not understand."
    )


def test_default_stays_when_the_probe_succeeds() -> None:
    """A healthy action server (a real HTTP server on loopback) leaves utter_default as it is."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    import httpx
    from fastapi import FastAPI

    from gateway.settings import GatewaySettings

    class Health(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200 if self.path == "/health" else 404)
            self.end_headers()
            self.wfile.write(b'{"status":"ok"}')

        def log_message(self, *args: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Health)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        app = FastAPI()
        app.include_router(router)
        app.state.settings = GatewaySettings(
            environment="test",
            action_server_url=f"http://127.0.0.1:{server.server_port}",
            rasa_token="t",
            pseudonym_key="k",
        )
        app.state.http = httpx.AsyncClient()
        with TestClient(app, headers={"Authorization": "Bearer t"}) as up:
            text = up.post("/nlg", json=body("utter_default", metadata="en")).json()["text"]
        assert text.startswith("Sorry, I did not understand.")
    finally:
        server.shutdown()


def test_greeting_is_not_repeated_right_after_the_session_welcome(client: TestClient) -> None:
    """ "bonjour" as a first message: action_session_start welcomed already, so a short hello."""
    welcome = render(client, "utter_greet", metadata="fr")["text"]
    request = body("utter_greet", metadata="fr")
    request["tracker"]["events"] = [
        {"event": "session_started"},
        {"event": "bot", "text": welcome},
        {"event": "user", "text": "bonjour"},
    ]
    short = client.post("/nlg", json=request).json()
    assert short["text"] != welcome
    assert short["text"] == gettext(
        "fr", "Hello! What do you need? Write your question or choose a subject."
    )
    assert [b["payload"] for b in short["buttons"]] == ["/ask_capabilities"]
    # A welcome from an earlier session does not count.
    request["tracker"]["events"].append({"event": "session_started"})
    assert client.post("/nlg", json=request).json()["text"] == welcome
