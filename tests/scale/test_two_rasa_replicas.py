"""Two Rasa processes behind the gateway, sharing the PostgreSQL tracker store and Redis locks.

A round-robin proxy stands where nginx stands in deploy/: consecutive turns of a conversation go
to different Rasa processes. 20 conversations × 10 turns run concurrently, and some turns are
sent twice at the same instant (a double tap). Every conversation must stay whole: each turn in
Rasa's tracker once, in order, each answered before the next one starts. The gateway's turn lock
(`gateway/turns.py`) hands Rasa one message per conversation at a time; without it, Rasa's own
Redis lock store (not atomic across processes) once failed a double-tapped turn with `LockError`."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis

from bench.devstack import Stack, free_port, latest_model
from bench.pg import create_database, drop_database, import_knowledge
from gateway.conversation import apology
from gateway.privacy import pseudonym
from tests.databases import DB_PREFIX
from tests.fakes.server import LoopbackServer
from tests.scale.rrproxy import round_robin_app

pytestmark = [pytest.mark.heavy, pytest.mark.timeout(1500)]


TRACKER_DB = DB_PREFIX + "_rasa_tracker"
REDIS_DB = 7  # dedicated to this test: flushed before and after
CONVERSATIONS = 10 * 2
TURNS = 10
TEXTS = [
    "bonjour",
    "je cherche un logement",
    "et pour la sante ?",
    "mon fils veut aller a l'ecole",
    "comment avoir une carte de sejour",
    "merci",
    "je veux travailler",
    "j'ai besoin d'un avocat",
    "formation professionnelle",
    "au revoir",
]
PSEUDONYM_KEY = "e2e-pseudonym-key"  # bench.devstack's


@pytest.fixture
def replicas(tmp_path: Path) -> Iterator[tuple[Stack, Any]]:
    """Actions, gateway, Rasa A and Rasa B, the proxy between the gateway and the Rasas."""
    latest_model()
    create_database(TRACKER_DB)
    locks = redis.Redis(host="127.0.0.1", port=6379, db=REDIS_DB)
    locks.flushdb()
    knowledge = f"sqlite:///{tmp_path / 'knowledge.db'}"
    import_knowledge(knowledge)
    second_port = free_port()
    stack = Stack(
        workdir=tmp_path,
        database_url=knowledge,
        tracker_store={
            "type": "components.tracker_store.BoundedSQLTrackerStore",  # endpoints.postgres.yml's
            "dialect": "postgresql",
            "url": "127.0.0.1",
            "port": 5432,
            "db": TRACKER_DB,
            "username": "root",
        },
        lock_store={"type": "redis", "url": "127.0.0.1", "port": 6379, "db": REDIS_DB},
    )
    app, served = round_robin_app([stack.rasa_url, f"http://127.0.0.1:{second_port}"])
    proxy = LoopbackServer(app).start()
    stack.extra_env["DALIL_RASA_URL"] = proxy.url
    try:
        stack.start()  # Rasa A first: it creates the tracker tables B then finds
        second = stack.rasa_process(port=second_port, name="rasa_b")
        stack.processes["rasa_b"] = second
        second.start()
        # /readyz goes through the proxy and may reach A only: wait for each Rasa directly.
        for url in (stack.rasa_url, f"http://127.0.0.1:{second_port}"):
            wait_for_model(url, stack.rasa_token, second)
        stack.wait_ready()
        served.clear()
        yield stack, served
    finally:
        stack.stop()
        proxy.stop()
        locks.flushdb()
        locks.close()
        drop_database(TRACKER_DB)


def wait_for_model(url: str, token: str, process: Any, timeout: float = 300) -> None:
    """Poll Rasa's /status until it has loaded a model (a minute or more on a busy machine)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.popen is not None and process.popen.poll() is not None:
            pytest.fail(f"{process.name} exited:\n{process.tail()}")
        try:
            response = httpx.get(f"{url}/status", params={"token": token}, timeout=5)
            if response.status_code == 200 and response.json().get("model_file"):
                return
        except httpx.HTTPError:
            pass
        time.sleep(1)
    pytest.fail(f"Rasa at {url} did not load its model in {timeout}s")


async def converse(gateway_url: str, name: str, double_tap: bool) -> list[str]:
    """One user's turns in sequence (one of them sent twice at once); the texts sent."""
    sent: list[str] = []
    async with httpx.AsyncClient(timeout=120) as http:

        async def say(text: str) -> dict[str, Any]:
            response = await http.post(
                f"{gateway_url}/api/v1/chat", json={"sender": name, "text": text, "language": "fr"}
            )
            assert response.status_code == 200, response.text
            body: dict[str, Any] = response.json()
            return body

        for turn, text in enumerate(TEXTS[:TURNS]):
            answers: list[dict[str, Any]]
            if double_tap and turn == 3:
                answers = list(await asyncio.gather(say(text), say(text)))
                sent += [text, text]
            else:
                answers = [await say(text)]
                sent.append(text)
            for answer in answers:
                assert answer["messages"][0]["text"] != apology("fr").text, "a turn was lost"
    return sent


def turns(events: list[dict[str, Any]]) -> list[str]:
    """User texts in tracker order, checking each turn ends (action_listen) before the next."""
    texts: list[str] = []
    open_turn = False
    for event in events:
        if event["event"] == "user":
            assert not open_turn, f"turn {event['text']!r} started before the previous ended"
            texts.append(event["text"])
            open_turn = True
        elif event["event"] == "action" and event.get("name") == "action_listen":
            open_turn = False
    return texts


def test_conversations_stay_whole_across_two_rasa_processes(
    replicas: tuple[Stack, Any],
) -> None:
    stack, served = replicas
    names = [f"scale-{i}" for i in range(CONVERSATIONS)]

    async def everyone() -> list[list[str]]:
        return await asyncio.gather(
            *(converse(stack.gateway_url, n, double_tap=i % 4 == 0) for i, n in enumerate(names))
        )

    sent = asyncio.run(everyone())
    assert len(served) == 2 and min(served.values()) >= CONVERSATIONS * TURNS // 3, served

    for name, texts in zip(names, sent, strict=True):
        sender = pseudonym("web", name, key=PSEUDONYM_KEY)
        response = httpx.get(
            f"{stack.rasa_url}/conversations/{sender}/tracker",
            params={"token": stack.rasa_token, "include_events": "ALL"},
            timeout=30,
        )
        response.raise_for_status()
        assert turns(response.json()["events"]) == texts, f"{name}: a turn lost or duplicated"
