"""Through /api/v1/chat: Arabizi opens in French and does not flip an Arabic conversation."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from bench.devstack import free_port
from gateway.app import create_app
from gateway.settings import GatewaySettings
from knowledge.db import upgrade


@pytest.fixture
def client(tmp_path) -> Iterator[TestClient]:
    url = f"sqlite:///{tmp_path / 'kb.db'}"
    upgrade(url)
    settings = GatewaySettings(
        environment="test",
        database_url=url,
        # Nothing listens here: the language choice happens before Rasa is asked.
        rasa_url=f"http://127.0.0.1:{free_port()}",
        action_server_url=f"http://127.0.0.1:{free_port()}",
        rasa_token="t",
        pseudonym_key="k",
    )
    with TestClient(create_app(settings)) as c:
        yield c


def test_a_first_message_in_arabizi_is_answered_in_french(client: TestClient) -> None:
    """Not in Spanish, which lingua guessed for it."""
    response = client.post(
        "/api/v1/chat", json={"sender": "z1", "text": "salam, bghit nsajel wldi f lmadrasa"}
    )
    assert response.status_code == 200
    assert response.json()["language"] == "fr"


def test_arabizi_keeps_an_arabic_conversation_in_arabic(client: TestClient) -> None:
    """Someone who wrote in Arabic script and then in Arabizi keeps Arabic answers."""
    first = client.post("/api/v1/chat", json={"sender": "z2", "text": "بغيت نسجل ولدي فالمدرسة"})
    assert first.json()["language"] == "ar"
    second = client.post("/api/v1/chat", json={"sender": "z2", "text": "3ndi mochkil m3a lkarta"})
    assert second.json()["language"] == "ar"
