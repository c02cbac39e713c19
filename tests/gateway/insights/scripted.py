"""A gateway on loopback in front of a scripted Rasa.

The scripted Rasa replaces only the model: a few fixed messages map to an intent (the way a
button payload does), then it runs Dalil's real actions on the test's knowledge base and asks
the gateway's real `/nlg` endpoint for `utter_*` responses, and answers in the shape of Rasa's
REST channel (a custom payload is its own message; texts split on blank lines). So the notes the
gateway reads are the ones the action server and the NLG endpoint really produce.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
import uvicorn
from rasa_sdk.executor import CollectingDispatcher
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from actions.clarify import ActionClarify
from actions.common import DalilAction, Services
from actions.emergency import ActionEmergency
from actions.handover import ActionHandover
from actions.service_points import ActionServicePoints
from actions.topics import ActionAnswerTopic
from bench.devstack import free_port
from gateway.app import create_app
from knowledge.db import make_engine, make_session_factory
from tests.actions.actionkit import DOMAIN, MONDAY_MORNING, make_tracker
from tests.fakes.server import LoopbackServer
from tests.gateway.accounts import make_settings

# Messages the scripted model "understands": text → (intent, slots, action or utter_ response).
FAIL = "/rasa_fails"


def understand(text: str) -> tuple[str, dict[str, Any], str]:
    """The intent, slots and next action for one scripted message."""
    if text.startswith("/ask_"):
        return text[1:], {}, "action_answer_topic"
    if text.startswith("/find_service_point"):
        return (
            "find_service_point",
            json.loads(text[len("/find_service_point") :]),
            "action_service_points",
        )
    if text == "/emergency":
        return "emergency", {}, "action_emergency"
    if text == "/human_handover":
        return "human_handover", {}, "action_handover"
    if text == "/unclear":
        return "nlu_fallback", {}, "action_clarify"
    return "out_of_scope", {}, "utter_default"


@dataclass
class ScriptedRasa:
    """The fake Rasa's state: what it received, and where the gateway's NLG is."""

    services: Services
    nlg_url: str = ""
    # Rasa calls /nlg with its token (bot/endpoints.yml), as the gateway requires.
    token: str = ""
    received: list[dict[str, Any]] = field(default_factory=list)

    def actions(self) -> dict[str, DalilAction]:
        """The real actions, on the test's knowledge base."""
        return {
            a.name(): a
            for a in (
                ActionAnswerTopic(self.services),
                ActionServicePoints(self.services),
                ActionEmergency(self.services),
                ActionHandover(self.services),
                ActionClarify(self.services),
            )
        }

    async def webhook(self, request: Request) -> Response:
        """Rasa's REST channel."""
        body = await request.json()
        self.received.append(body)
        if body["message"] == FAIL:
            return JSONResponse({"error": "boom"}, status_code=500)
        metadata = body.get("metadata") or {}
        intent, slots, next_action = understand(body["message"])
        ranking = [
            {"name": "ask_health_care", "confidence": 0.3},
            {"name": "ask_housing", "confidence": 0.2},
        ]
        tracker = make_tracker(
            text=body["message"],
            intent=intent,
            language=metadata.get("language"),
            slots=slots,
            intent_ranking=ranking,
        )
        tracker.latest_message["metadata"] = metadata
        if next_action.startswith("utter_"):
            produced = [{"response": next_action}]
        else:
            dispatcher = CollectingDispatcher()
            await self.actions()[next_action].run(dispatcher, tracker, DOMAIN)
            produced = dispatcher.messages
        out: list[dict[str, Any]] = []
        async with httpx.AsyncClient() as http:
            for message in produced:
                if message.get("response"):
                    nlg = await http.post(
                        self.nlg_url,
                        headers={"Authorization": f"Bearer {self.token}"},
                        json={
                            "response": message["response"],
                            "arguments": {},
                            "tracker": {
                                "latest_message": tracker.latest_message,
                                "slots": tracker.slots,
                                "events": [],
                            },
                            "channel": {"name": "rest"},
                        },
                    )
                    # RemoteAction._utter_responses: the action's own non-empty keys win.
                    draft = nlg.json()
                    draft.update(
                        {
                            k: v
                            for k, v in message.items()
                            if v and k not in ("response", "template")
                        }
                    )
                    message = draft
                out.extend(rest_messages(body["sender"], message))
        return JSONResponse(out)


def rest_messages(sender: str, message: dict[str, Any]) -> list[dict[str, Any]]:
    """What Rasa 3.6's REST channel returns for one bot message (OutputChannel.send_response)."""
    out: list[dict[str, Any]] = []
    if message.get("buttons"):
        out.append(
            {
                "recipient_id": sender,
                "text": message.get("text") or "",
                "buttons": message["buttons"],
            }
        )
    elif message.get("text"):
        out.extend(
            {"recipient_id": sender, "text": part} for part in message["text"].strip().split("\n\n")
        )
    if message.get("custom"):
        out.append({"recipient_id": sender, "custom": message["custom"]})
    return out


@dataclass
class Stack:
    """The running gateway and its scripted Rasa."""

    url: str
    rasa: ScriptedRasa

    def say(self, sender: str, text: str, language: str = "fr") -> dict[str, Any]:
        """One message through the chat API."""
        response = httpx.post(
            f"{self.url}/api/v1/chat",
            json={"sender": sender, "text": text, "language": language},
            timeout=30,
        )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body


def serve(app: Any) -> tuple[uvicorn.Server, threading.Thread, str]:
    """Run an ASGI app (with its lifespan) on a loopback port."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "server did not start"
        time.sleep(0.05)
    return server, thread, f"http://127.0.0.1:{port}"


@pytest.fixture
def stack(database_url: str) -> Iterator[Stack]:
    """The gateway on the test's database, in front of the scripted Rasa."""
    kb = make_engine(database_url)
    rasa = ScriptedRasa(
        Services(
            session_factory=make_session_factory(kb),
            clock=lambda: MONDAY_MORNING,
            points_per_page=3,
        )
    )
    fake = LoopbackServer(
        Starlette(
            routes=[
                Route("/webhooks/rest/webhook", rasa.webhook, methods=["POST"]),
                Route("/health", lambda _: JSONResponse({"status": "ok"})),
            ]
        )
    ).start()
    settings = make_settings(database_url, rasa_url=fake.url, action_server_url=fake.url)
    server, thread, url = serve(create_app(settings))
    rasa.nlg_url = f"{url}/nlg"
    rasa.token = settings.rasa_token.get_secret_value()
    try:
        yield Stack(url=url, rasa=rasa)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        fake.stop()
        kb.dispose()
