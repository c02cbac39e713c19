"""The chat API's contract: validation errors and the answer when Rasa is down."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from bench.devstack import free_port
from gateway.app import create_app
from gateway.settings import GatewaySettings
from knowledge.db import upgrade
from knowledge.emergency import role_number


def _settings(database_url: str) -> GatewaySettings:
    # Nothing listens on these ports: Rasa and the action server are down.
    return GatewaySettings(
        environment="test",
        database_url=database_url,
        rasa_url=f"http://127.0.0.1:{free_port()}",
        action_server_url=f"http://127.0.0.1:{free_port()}",
        rasa_token="t",
        pseudonym_key="k",
    )


@pytest.fixture
def client(tmp_path) -> Iterator[TestClient]:
    url = f"sqlite:///{tmp_path / 'kb.db'}"
    upgrade(url)
    with TestClient(create_app(_settings(url))) as c:
        yield c


def test_a_gateway_without_its_tables_still_apologises_instead_of_failing(tmp_path) -> None:
    with TestClient(create_app(_settings(f"sqlite:///{tmp_path / 'empty.db'}"))) as c:
        response = c.post("/api/v1/chat", json={"sender": "s", "text": "hello", "language": "en"})
    assert response.status_code == 200
    assert role_number("ambulance") in response.json()["messages"][0]["text"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"text": "bonjour"}, "sender"),
        ({"sender": "a"}, "text"),
        ({"sender": "a", "text": ""}, "text"),
        ({"sender": "a", "text": "   "}, "text"),
        ({"sender": "a", "text": "x" * 4097}, "text"),
        ({"sender": "a", "text": "hi", "language": "de"}, "language"),
        ({"sender": "a", "text": "hi", "location": {"lat": 200, "lon": 0}}, "location.lat"),
    ],
)
def test_bad_input_gets_a_422_naming_the_field(client: TestClient, body: dict, field: str) -> None:
    response = client.post("/api/v1/chat", json=body)
    assert response.status_code == 422
    assert field in [e["field"] for e in response.json()["errors"]]
    assert field.split(".")[0] in response.json()["detail"]


def test_malformed_json_is_a_422_not_a_500(client: TestClient) -> None:
    response = client.post(
        "/api/v1/chat", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 422


def test_oversized_body_is_refused(client: TestClient) -> None:
    response = client.post(
        "/api/v1/chat", content=b"x" * (300 * 1024), headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 413


@pytest.mark.parametrize(
    ("language", "expected"),
    [("fr", "urgence"), ("ar", "الطوارئ"), ("en", "emergency"), ("es", "emergencia")],
)
def test_rasa_down_apologises_in_the_users_language_with_emergency_numbers(
    client: TestClient, language: str, expected: str
) -> None:
    response = client.post(
        "/api/v1/chat", json={"sender": "s1", "text": "école", "language": language}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["language"] == language
    (message,) = body["messages"]
    assert role_number("police") in message["text"]
    assert role_number("ambulance") in message["text"]
    assert expected in message["text"].lower()
    assert "Traceback" not in message["text"]


def test_arabic_text_is_answered_in_arabic_without_an_explicit_choice(client: TestClient) -> None:
    response = client.post("/api/v1/chat", json={"sender": "s2", "text": "بغيت نسجل ولدي فالمدرسة"})
    assert response.json()["language"] == "ar"


def test_healthz_is_alive_while_readyz_names_the_parts_that_are_down(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    response = client.get("/readyz")
    assert response.status_code == 503
    assert set(response.json()["failing"]) == {"rasa", "action_server"}


def test_web_chat_page_is_served_without_external_resources(client: TestClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert "<html" in response.text
    # The footer's link to the source is followed by a person, never loaded by the page.
    source = 'href="/source"'
    page = response.text.replace(source, "")
    assert source in response.text
    assert "http://" not in page and "https://" not in page
