"""Fake Rasa and fake messaging providers on loopback, recording what they receive.

Only the outside world is faked: the gateway's real adapters, HTTP client and inbox talk to it.
The fake Rasa answers like the REST channel: a list of `{recipient_id, text?, buttons?, custom?}`.
"""

from __future__ import annotations

import asyncio
import base64
import json
import random
import threading
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route


@dataclass
class Received:
    """One request a fake received."""

    path: str
    headers: dict[str, str]
    body: Any


@dataclass
class FakeWorld:
    """State of the fakes, shared with the test thread."""

    rasa: list[dict[str, Any]] = field(default_factory=list)
    rasa_deleted: list[str] = field(default_factory=list)
    whatsapp: list[Received] = field(default_factory=list)
    twilio: list[Received] = field(default_factory=list)
    telegram: list[Received] = field(default_factory=list)
    rasa_down: bool = False
    # WhatsApp recipients (`to` or `recipient`) whose 24-hour window Meta considers closed:
    # free-form messages to them fail with 131047, as Meta's send API answers.
    whatsapp_closed: set[str] = field(default_factory=set)
    # A template error code (132000-range) the fake answers to every template message.
    whatsapp_template_error: int | None = None
    providers_down: bool = False
    rasa_delay: tuple[float, float] = (0.0, 0.0)
    # Rasa inside a form whose model misses a message: every answer is the form's next question.
    form_prompt: str | None = None
    in_flight: int = 0
    max_in_flight: int = 0
    # Per conversation (Rasa's sender): how many of its messages Rasa handled at once, at most.
    in_flight_by_sender: dict[str, int] = field(default_factory=dict)
    max_in_flight_by_sender: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    # Answers Rasa gives to exact messages, before the scripted ones of `bot_answer`.
    answers: dict[str, list[str]] = field(default_factory=dict)

    def rasa_texts(self, sender: str | None = None) -> list[str]:
        """The texts Rasa received, optionally for one sender, in order of arrival."""
        return [m["message"] for m in self.rasa if sender is None or m["sender"] == sender]

    def sent_texts(self, provider: str) -> list[str]:
        """The texts a provider was asked to deliver, whatever its format."""
        texts = []
        for received in getattr(self, provider):
            body = received.body
            if provider == "whatsapp":
                if body.get("type") == "text":
                    texts.append(body["text"]["body"])
                elif body.get("type") == "template":
                    texts.append(f"template:{body['template']['name']}")
                else:
                    texts.append(body["interactive"]["body"]["text"])
            elif provider == "twilio":
                texts.append(body["Body"])
            else:
                texts.append(body["text"])
        return texts


def bot_answer(sender: str, message: str) -> list[dict[str, Any]]:
    """Scripted answers: `menu:N` gives N buttons, `delete` the deletion command,
    `/human_handover` the handover command, else an echo."""
    if message == "/human_handover":
        return [
            {"recipient_id": sender, "text": "handover"},
            {"recipient_id": sender, "custom": {"dalil": "handover"}},
        ]
    if message.startswith("menu:"):
        count = int(message.split(":")[1])
        buttons = [
            {"title": f"Option {i} « long title for a small screen »", "payload": f"/opt{i}"}
            for i in range(1, count + 1)
        ]
        return [{"recipient_id": sender, "text": "Choisissez", "buttons": buttons}]
    if message.startswith("arabic_buttons"):
        buttons = [
            {
                "title": "الحصول على الرعاية الصحية في المستشفى العمومي",
                "payload": '/inform{"detail":"الرعاية_الصحية_العمومية_للمهاجرين"}',
            },
            {"title": "أين أذهب", "payload": '/find_service_point{"topic":"health_care"}'},
        ]
        return [{"recipient_id": sender, "text": "اختر", "buttons": buttons}]
    if message.startswith("topic:"):
        # A topic answer: the action server asks the gateway to offer alerts (topic, city).
        return [
            {"recipient_id": sender, "text": f"answer:{message}"},
            {"recipient_id": sender, "custom": {"dalil": "alert_offer:health_care:rabat"}},
        ]
    if message == "/human_handover":
        return [
            {"recipient_id": sender, "text": "A person will answer."},
            {"recipient_id": sender, "custom": {"dalil": "handover"}},
        ]
    if message.startswith("unsure"):
        # action_clarify: "did you mean…?" with two topics; its insight note names them.
        offered = ["ask_housing", "ask_social_assistance"]
        buttons = [{"title": i, "payload": f"/{i}"} for i in [*offered, "human_handover"]]
        note = {"kind": "clarify", "intent": "nlu_fallback", "offered": offered}
        return [
            {"recipient_id": sender, "text": "Is your question about one of these?",
             "buttons": buttons},
            {"recipient_id": sender, "custom": {"insight": note}},
        ]  # fmt: skip
    if message.startswith(("weather", "blah")):
        # Rasa's own "did not understand" / "out of scope", rendered by the gateway's /nlg,
        # which adds a note naming the response (gateway/nlg.py).
        response = "utter_out_of_scope" if message.startswith("weather") else "utter_default"
        intent = "out_of_scope" if message.startswith("weather") else "nlu_fallback"
        return [
            {"recipient_id": sender, "text": "not understood",
             "custom": {"insight": {"response": response, "intent": intent}}},
        ]  # fmt: skip
    if message.startswith("huh"):
        return [
            {"recipient_id": sender, "text": "not understood"},
            {"recipient_id": sender, "custom": {"dalil": "unanswered"}},
        ]
    if message in ("delete", "supprimer mes données"):
        return [
            {"recipient_id": sender, "text": "deleted"},
            {"recipient_id": sender, "custom": {"dalil": "delete_my_data"}},
        ]
    return [{"recipient_id": sender, "text": f"echo:{message}"}]


def build_app(world: FakeWorld) -> Starlette:
    """The fake outside world as one ASGI app."""

    async def rasa_webhook(request: Request) -> Response:
        if world.rasa_down:
            return JSONResponse({"error": "down"}, status_code=503)
        body = await request.json()
        sender = body["sender"]
        with world.lock:
            world.in_flight += 1
            world.max_in_flight = max(world.max_in_flight, world.in_flight)
            now = world.in_flight_by_sender.get(sender, 0) + 1
            world.in_flight_by_sender[sender] = now
            world.max_in_flight_by_sender[sender] = max(
                world.max_in_flight_by_sender.get(sender, 0), now
            )
        try:
            low, high = world.rasa_delay
            if high:
                await asyncio.sleep(random.uniform(low, high))
            world.rasa.append(body)
        finally:
            with world.lock:
                world.in_flight -= 1
                world.in_flight_by_sender[sender] -= 1
        if body["message"] in world.answers:
            texts = world.answers[body["message"]]
            return JSONResponse([{"recipient_id": sender, "text": t} for t in texts])
        if world.form_prompt is not None:
            return JSONResponse([{"recipient_id": sender, "text": world.form_prompt}])
        return JSONResponse(bot_answer(body["sender"], body["message"]))

    async def rasa_events(request: Request) -> Response:
        world.rasa_deleted.append(request.path_params["sender"])
        return JSONResponse({"sender_id": request.path_params["sender"], "events": []})

    async def rasa_tracker(request: Request) -> Response:
        sender = request.path_params["sender"]
        events = [
            {"event": "user", "text": text, "metadata": {"language": "fr"}, "parse_data": {}}
            for text in world.rasa_texts(sender)
        ]
        return JSONResponse({"sender_id": sender, "events": events})

    async def rasa_status(request: Request) -> Response:
        return JSONResponse({"model_file": "fake.tar.gz"})

    def record(target: list[Received], request: Request, body: Any) -> None:
        target.append(Received(request.url.path, dict(request.headers), body))

    async def whatsapp(request: Request) -> Response:
        if world.providers_down:
            return JSONResponse({"error": {"code": 2, "type": "OAuthException"}}, status_code=503)
        body = await request.json()
        # Meta's send API: `to` (phone number) or `recipient` (business-scoped user id); the
        # response's contacts echo the input with `wa_id` or `user_id` accordingly.
        to, recipient = body.get("to"), body.get("recipient")
        if not (to or recipient):
            error = {"message": "(#100) The parameter to is required.", "code": 100}
            return JSONResponse({"error": {**error, "type": "OAuthException"}}, status_code=400)
        refusal = _whatsapp_refusal(world, body, to or recipient)
        if refusal is not None:
            return JSONResponse({"error": {**refusal, "type": "OAuthException"}}, status_code=400)
        record(world.whatsapp, request, body)
        contact = {"input": to, "wa_id": to} if to else {"input": recipient, "user_id": recipient}
        return JSONResponse(
            {
                "messaging_product": "whatsapp",
                "contacts": [contact],
                "messages": [{"id": f"wamid.out{len(world.whatsapp)}"}],
            }
        )

    async def twilio(request: Request) -> Response:
        if world.providers_down:
            return JSONResponse({"code": 20500}, status_code=500)
        body = dict(parse_qsl((await request.body()).decode(), keep_blank_values=True))
        record(world.twilio, request, body)
        return JSONResponse({"sid": f"SM{len(world.twilio):032d}"}, status_code=201)

    async def telegram(request: Request) -> Response:
        if world.providers_down:
            return JSONResponse({"ok": False}, status_code=502)
        record(world.telegram, request, await request.json())
        return JSONResponse({"ok": True, "result": {"message_id": len(world.telegram)}})

    return Starlette(
        routes=[
            Route("/webhooks/rest/webhook", rasa_webhook, methods=["POST"]),
            Route("/conversations/{sender}/tracker/events", rasa_events, methods=["PUT"]),
            Route("/conversations/{sender}/tracker", rasa_tracker, methods=["GET"]),
            Route("/status", rasa_status),
            Route("/{version}/{phone_id}/messages", whatsapp, methods=["POST"]),
            Route("/2010-04-01/Accounts/{sid}/Messages.json", twilio, methods=["POST"]),
            Route("/bot{token}/{method}", telegram, methods=["POST"]),
        ]
    )


def _whatsapp_refusal(world: FakeWorld, body: dict[str, Any], who: str) -> dict[str, Any] | None:
    """Meta's errors for a closed customer-service window and for a refused template."""
    if body.get("type") == "template":
        if world.whatsapp_template_error is not None:
            return {
                "message": "(#132001) Template name does not exist in the translation",
                "code": world.whatsapp_template_error,
            }
        return None
    if who in world.whatsapp_closed:
        return {"message": "(#131047) Re-engagement message", "code": 131047}
    return None


def basic_auth(received: Received) -> tuple[str, str]:
    """The user and password of a request's basic authorization."""
    scheme, _, value = received.headers["authorization"].partition(" ")
    assert scheme == "Basic"
    user, _, password = base64.b64decode(value).decode().partition(":")
    return user, password


def dumps_like_meta(payload: dict[str, Any]) -> bytes:
    """Meta's webhook bodies escape non-ASCII characters; the signature covers these bytes."""
    return json.dumps(payload, ensure_ascii=True).encode()
