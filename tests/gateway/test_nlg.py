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

RESPONSES = (
    "utter_greet", "utter_goodbye", "utter_youre_welcome", "utter_bot_challenge",
    "utter_capabilities", "utter_out_of_scope", "utter_ask_topic", "utter_ask_city",
    "utter_ask_status", "utter_ask_need", "utter_confirm_delete", "utter_delete_cancelled",
    "utter_anything_else", "utter_default", "utter_deny_ack",
)
TOPICS = (
    "school_access", "health_care", "housing", "employment", "vocational_training", "legal_aid",
    "asylum", "residence_permit", "voluntary_return", "trafficking_help", "social_assistance",
    "birth_registration",
)
# A payload as Rasa parses it: /intent or /intent{"entity":"value"}.
PAYLOAD = re.compile(r'^/[a-z_]+(\{"[a-z_]+":"[^"]+"\})?$')


@pytest.fixture(scope="module")
def client() -> TestClient:
    """The NLG router alone: it needs neither Rasa nor a database."""
    app = FastAPI()
    app.include_router(router)
    return TestClient(app)


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
        assert [f"/ask_{t}" for t in TOPICS] == [p for p in payloads if p.startswith("/ask_")]
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
    assert render(client, "utter_not_there", metadata="en")["text"] == render(
        client, "utter_default", metadata="en"
    )["text"]


def test_malformed_request_is_rejected(client: TestClient) -> None:
    """No `response` field: 422, not a crash."""
    assert client.post("/nlg", json={"tracker": {}}).status_code == 422
