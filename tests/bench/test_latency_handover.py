"""The latency benchmark does not count a handover's silence as an answer."""

from __future__ import annotations

import json

import httpx

from bench.latency import handover_or_empty, run_level
from gateway.staff.handover import LEAVE_PAYLOAD


async def test_silences_of_a_handover_are_counted_apart_not_timed() -> None:
    outcomes = iter(["ok", "handover", "ok", "empty"])

    async def send(http: httpx.AsyncClient, sender: str, text: str, language: str) -> str:
        return next(outcomes)

    messages = [("fr", f"message {i}") for i in range(4)]
    level = await run_level(send, messages, concurrency=1, tag="t", time_limit=60)
    summary = level.summary()
    assert summary["messages"] == 3, "the handover's silence is not a latency"
    assert (summary["handover"], summary["empty"]) == (1, 1)


async def test_a_silent_answer_is_told_apart_and_the_conversation_goes_back_to_the_bot() -> None:
    posted: list[str] = []
    held = {"s-held": True, "s-broken": False}

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/api/v1/chat/inbox":
            # The web sender id travels in the body, never in the URL.
            sender = json.loads(request.content)["sender"]
            return httpx.Response(200, json={"handover": held[sender], "messages": []})
        posted.append(json.loads(request.content)["text"])
        return httpx.Response(200, json={"language": "fr", "messages": [{"text": "ok"}]})

    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as http:
        assert await handover_or_empty(http, "http://gw", "s-held") == "handover"
        assert await handover_or_empty(http, "http://gw", "s-broken") == "empty"
    assert posted == [LEAVE_PAYLOAD]
