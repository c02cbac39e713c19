"""Parts going down under a running gateway: clear answers, `/readyz` names the part, recovery.

The action server is stopped and restarted; the knowledge base (PostgreSQL) refuses every
connection and then accepts them again. The gateway is never restarted.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from actions.common import unavailable_text
from bench.devstack import Stack
from bench.pg import allow_connections
from gateway.conversation import apology
from knowledge.emergency import role_number
from tests.databases import DB_PREFIX

pytestmark = [pytest.mark.heavy, pytest.mark.timeout(600)]


DATABASE = DB_PREFIX + "_reliability"


def ask(stack: Stack, sender: str, text: str) -> str:
    """One turn through the chat API, in French; the answer's texts joined."""
    response = httpx.post(
        f"{stack.gateway_url}/api/v1/chat",
        json={"sender": sender, "text": text, "language": "fr"},
        timeout=60,
    )
    assert response.status_code == 200, response.text
    return "\n".join(m["text"] for m in response.json()["messages"])


def readyz(stack: Stack) -> tuple[int, dict[str, Any]]:
    """The readiness probe's status code and body."""
    response = httpx.get(f"{stack.gateway_url}/readyz", timeout=30)
    return response.status_code, response.json()


def eventually(check: Callable[[], bool], timeout: float = 120) -> None:
    """Poll until `check()` holds (a part coming back takes a moment)."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            pytest.fail("did not recover in time")
        time.sleep(1)


def test_action_server_down_readyz_names_it_and_answers_recover_without_restart(
    stack: Stack,
) -> None:
    normal = ask(stack, "rel-actions-before", "/ask_housing")
    assert normal and normal != apology("fr").text

    stack.processes["actions"].stop()
    try:
        status, body = readyz(stack)
        assert status == 503 and body["failing"] == ["action_server"]
        assert ask(stack, "rel-actions-down", "/ask_housing") != normal
    finally:
        stack.processes["actions"].start()

    eventually(lambda: readyz(stack)[0] == 200)
    assert ask(stack, "rel-actions-after", "/ask_housing") == normal


def test_action_server_down_gives_the_apology_with_emergency_numbers(stack: Stack) -> None:
    stack.processes["actions"].stop()
    try:
        answer = ask(stack, "rel-actions-down-2", "/ask_housing")
    finally:
        stack.processes["actions"].start()
        eventually(lambda: readyz(stack)[0] == 200)
    assert answer == apology("fr").text, "no misleading answer: the apology with emergency numbers"


def test_knowledge_base_down_gives_a_clear_answer_readyz_names_it_and_it_recovers(
    stack: Stack,
) -> None:
    normal = ask(stack, "rel-kb-before", "/ask_health_care")
    assert normal and unavailable_text("fr") not in normal

    allow_connections(DATABASE, False)
    try:
        answer = ask(stack, "rel-kb-down", "/ask_health_care")
        assert unavailable_text("fr") in answer, "the action says it cannot read the facts now"
        emergency = ask(stack, "rel-kb-down-emergency", "/emergency")
        assert role_number("police") in emergency and role_number("ambulance") in emergency, (
            "emergency numbers without the database"
        )
        status, body = readyz(stack)
        assert status == 503 and body["failing"] == ["database"]
    finally:
        allow_connections(DATABASE, True)

    eventually(lambda: readyz(stack)[0] == 200)
    eventually(lambda: ask(stack, "rel-kb-after", "/ask_health_care") == normal, timeout=60)
