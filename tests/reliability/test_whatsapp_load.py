"""50 WhatsApp senders × 20 messages through the real stack: duplicates, disorder, a Rasa crash.

Every message is delivered twice (some copies at the same instant, some later) and some
neighbours swap places, as Meta's retries do. In the middle of the load Rasa is killed and
restarted. Afterwards: every message was answered exactly once, each sender's replies reached
the fake Graph API in the order the messages arrived, nothing was lost, and the senders whose
answer was held up were told so.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import random
import signal
import threading
import time
from collections import defaultdict
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bench.devstack import Stack
from gateway.alerts.texts import SUBSCRIBE_PREFIX
from gateway.channels.base import delayed_message
from gateway.channels.whatsapp import WhatsAppChannel
from gateway.conversation import apology, to_messages
from gateway.inbox.models import DONE, InboundMessage
from gateway.insights.events import FEEDBACK_PAYLOAD
from gateway.privacy import pseudonym
from knowledge.db import make_engine
from tests.fakes.providers import FakeWorld
from tests.reliability.reliability_env import PSEUDONYM_KEY, WA_PHONE_ID, WA_SECRET

pytestmark = [pytest.mark.heavy, pytest.mark.timeout(1200)]

SENDERS = 50
PER_SENDER = 20
# Twenty different things people ask, in the four languages: consecutive messages differ, so
# the order Rasa saw them in can be read back from its tracker.
TEXTS = [
    "Bonjour",
    "je cherche un logement a rabat",
    "mon fils peut aller a l'ecole ?",
    "comment avoir la carte de sejour",
    "merci beaucoup",
    "je veux demander l'asile",
    "أريد العلاج في المستشفى",
    "كيف أحصل على بطاقة الإقامة",
    "شكرا جزيلا",
    "مرحبا",
    "how can I find a job",
    "I need a lawyer",
    "hello",
    "thank you",
    "necesito ayuda para volver a mi pais",
    "hola",
    "quiero trabajar en Marruecos",
    "are you a robot?",
    "what can you do",
    "formation professionnelle pour adultes",
]


def wa_id(n: int) -> str:
    """The n-th sender's WhatsApp id (a Moroccan mobile number)."""
    return f"2126{n:08d}"


def webhook(sender: int, index: int) -> bytes:
    """The body Meta would POST for message `index` of `sender` (escaped as Meta sends it)."""
    text = TEXTS[(sender + index) % len(TEXTS)]
    message = {
        "from": wa_id(sender),
        "id": f"wamid.rel.{sender}.{index}",
        "timestamp": str(int(time.time()) + index),
        "type": "text",
        "text": {"body": text},
    }
    value = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "15550001234", "phone_number_id": WA_PHONE_ID},
        "contacts": [{"profile": {"name": f"User {sender}"}, "wa_id": wa_id(sender)}],
        "messages": [message],
    }
    payload = {
        "object": "whatsapp_business_account",
        "entry": [{"id": "102290129340398", "changes": [{"field": "messages", "value": value}]}],
    }
    return json.dumps(payload, ensure_ascii=True).encode()


def delivery_plan(sender: int, rng: random.Random) -> list[list[int]]:
    """Rounds of message indexes to POST; one round's posts go out at the same instant."""
    order = list(range(PER_SENDER))
    for i in range(0, PER_SENDER - 1, 5):  # some neighbours arrive swapped
        order[i], order[i + 1] = order[i + 1], order[i]
    rounds: list[list[int]] = []
    late: list[int] = []
    for index in order:
        if rng.random() < 0.3:
            rounds.append([index, index])  # both copies at once: the dedupe must be atomic
        else:
            rounds.append([index])
            late.append(index)
        if late and rng.random() < 0.4:
            rounds.append([late.pop(0)])  # the retry comes a little later
    rounds.extend([i] for i in late)
    return rounds


def first_arrival(rounds: list[list[int]]) -> list[int]:
    """The order the gateway first sees each message in (one sender posts round by round)."""
    seen: list[int] = []
    for batch in rounds:
        for index in batch:
            if index not in seen:
                seen.append(index)
    return seen


async def post_all(stack: Stack, plans: dict[int, list[list[int]]]) -> list[int]:
    """Every sender posts its rounds in sequence; senders run concurrently. Status codes back."""
    statuses: list[int] = []
    url = f"{stack.gateway_url}/webhooks/whatsapp"

    async def post(http: httpx.AsyncClient, sender: int, index: int) -> None:
        body = webhook(sender, index)
        signature = "sha256=" + hmac.new(WA_SECRET.encode(), body, hashlib.sha256).hexdigest()
        response = await http.post(
            url,
            content=body,
            headers={
                "Content-Type": "application/json",
                "X-Hub-Signature-256": signature,
            },
        )
        statuses.append(response.status_code)

    async def sender_task(http: httpx.AsyncClient, sender: int) -> None:
        rng = random.Random(sender)
        for batch in plans[sender]:
            await asyncio.gather(*(post(http, sender, index) for index in batch))
            await asyncio.sleep(rng.uniform(0, 0.05))

    async with httpx.AsyncClient(timeout=30) as http:
        await asyncio.gather(*(sender_task(http, s) for s in plans))
    return statuses


def rendered(stack_world: FakeWorld) -> dict[str, list[dict[str, Any]]]:
    """The send requests the fake Graph API received, by recipient, in order of arrival."""
    by_recipient: dict[str, list[dict[str, Any]]] = defaultdict(list)
    with stack_world.lock:
        for received in stack_world.whatsapp:
            if received.body.get("type") in {"text", "interactive"}:
                by_recipient[received.body["to"]].append(received.body)
    return by_recipient


def button_ids(body: dict[str, Any]) -> list[str]:
    """The payloads of a send request's reply buttons or list rows."""
    if body["type"] != "interactive":
        return []
    action = body["interactive"].get("action", {})
    ids = [b["reply"]["id"] for b in action.get("buttons", [])]
    return ids + [row["id"] for sec in action.get("sections", []) for row in sec.get("rows", [])]


def gateway_prompt(body: dict[str, Any]) -> bool:
    """A question the gateway adds after a topic answer (feedback, alert offer), not Rasa's."""
    return any(i.startswith((FEEDBACK_PAYLOAD, SUBSCRIBE_PREFIX)) for i in button_ids(body))


def body_text(body: dict[str, Any]) -> str:
    """The text a send request shows."""
    if body["type"] == "text":
        return str(body["text"]["body"])
    return str(body["interactive"]["body"]["text"])


def crash_rasa_midway(stack: Stack, world: FakeWorld, *, after_replies: int) -> threading.Thread:
    """Kill Rasa (SIGKILL) once `after_replies` answers went out, then start it again."""

    def crash() -> None:
        deadline = time.monotonic() + 600
        while len(world.whatsapp) < after_replies and time.monotonic() < deadline:
            time.sleep(0.1)
        stack.processes["rasa"].stop(signal.SIGKILL)
        time.sleep(3)  # long enough for workers to hit the outage and tell users
        stack.processes["rasa"] = stack.rasa_process()
        stack.processes["rasa"].start()

    thread = threading.Thread(target=crash, daemon=True)
    thread.start()
    return thread


def tracker_turns(stack: Stack, sender: str) -> list[tuple[str, str, list[dict[str, Any]]]]:
    """Each user turn in Rasa's tracker: (text, language, the REST channel's output for it).

    The output is rebuilt from the turn's `bot` events the way Rasa's CollectingOutputChannel
    builds its response (text split on blank lines unless it has buttons; custom apart).
    """
    response = httpx.get(
        f"{stack.rasa_url}/conversations/{sender}/tracker",
        params={"token": stack.rasa_token, "include_events": "ALL"},
        timeout=30,
    )
    response.raise_for_status()
    turns: list[tuple[str, str, list[dict[str, Any]]]] = []
    # A new session's greeting is dispatched by action_session_start while Rasa handles the
    # first message, before that message's user event is logged: bot events outside a turn
    # (user … action_listen) belong to the next turn's output.
    pending: list[dict[str, Any]] = []
    open_turn = False
    for event in response.json()["events"]:
        if event["event"] == "user":
            language = (event.get("metadata") or {}).get("language", "fr")
            turns.append((event["text"], language, pending))
            pending, open_turn = [], True
        elif event["event"] == "action" and event.get("name") == "action_listen":
            open_turn = False
        elif event["event"] == "bot":
            output = turns[-1][2] if open_turn else pending
            data = event.get("data") or {}
            if data.get("buttons"):
                output.append({"text": event.get("text"), "buttons": data["buttons"]})
            elif event.get("text"):
                output.extend({"text": part} for part in event["text"].strip().split("\n\n"))
            if data.get("custom"):
                output.append({"custom": data["custom"]})
    return turns


def last_of_repeats(
    turns: list[tuple[str, str, list[dict[str, Any]]]],
) -> tuple[list[tuple[str, str, list[dict[str, Any]]]], int]:
    """Keep the last of immediately repeated turns (a message Rasa handled just before it was
    killed, whose answer never left, is handled again); count the repeats."""
    kept: list[tuple[str, str, list[dict[str, Any]]]] = []
    for turn in turns:
        if kept and kept[-1][0] == turn[0]:
            kept[-1] = turn
        else:
            kept.append(turn)
    return kept, len(turns) - len(kept)


def expected_bodies(
    channel: WhatsAppChannel, to: str, turns: list[tuple[str, str, list[dict[str, Any]]]]
) -> list[dict[str, Any]]:
    """What the gateway must have sent for these turns: Rasa's output, shaped and rendered."""
    bodies = []
    for _, language, output in turns:
        messages, commands = to_messages(output)
        if not messages and not commands:
            messages = [apology(language)]
        bodies += [out.body for m in messages for out in channel.render({"to": to}, m, language)]
    return bodies


def first_difference(got: list[dict[str, Any]], expected: list[dict[str, Any]]) -> str:
    """Where two lists of send requests part, for a readable failure."""
    for index, (a, b) in enumerate(zip(got, expected, strict=False)):
        if a != b:
            return f"at {index}:\n sent     {json.dumps(a, ensure_ascii=False)[:900]}\n expected {json.dumps(b, ensure_ascii=False)[:900]}"
    return f"lengths: sent {len(got)}, expected {len(expected)}"


def test_every_message_answered_once_in_order_through_duplicates_disorder_and_a_rasa_crash(
    stack: Stack, graph: tuple[FakeWorld, str]
) -> None:
    world, _ = graph
    rng = random.Random(8)
    plans = {s: delivery_plan(s, rng) for s in range(SENDERS)}
    total = SENDERS * PER_SENDER
    crasher = crash_rasa_midway(stack, world, after_replies=total // 3)

    statuses = asyncio.run(post_all(stack, plans))
    assert statuses and set(statuses) == {200}, "every delivery, duplicate or not, gets 200"
    assert len(statuses) == 2 * total

    engine = make_engine(stack.database_url)

    def rows() -> list[InboundMessage]:
        with Session(engine) as session:
            return list(
                session.scalars(
                    select(InboundMessage)
                    .where(InboundMessage.channel == "whatsapp")
                    .order_by(InboundMessage.id)
                )
            )

    deadline = time.monotonic() + 900
    while time.monotonic() < deadline:
        if sum(r.status == DONE for r in rows()) == total:
            break
        time.sleep(2)
    crasher.join(timeout=60)
    stack.wait_ready()
    inbox = rows()
    engine.dispose()
    assert len(inbox) == total, "each message stored once despite two deliveries"
    assert all(r.status == DONE for r in inbox), "no message lost or given up on"

    channel = WhatsAppChannel(
        httpx.AsyncClient(),
        verify_token="-",
        app_secret="-",
        access_token="-",
        phone_number_id=WA_PHONE_ID,
        base_url="http://unused",
        version="v0",
    )
    notices = {delayed_message(lang) for lang in ("fr", "ar", "en", "es")}
    sent = rendered(world)
    told_of_delay = 0
    repeats = 0
    for s in range(SENDERS):
        sender = pseudonym("wa", wa_id(s), key=PSEUDONYM_KEY)
        arrival = first_arrival(plans[s])
        mine = [r for r in inbox if r.sender == sender]
        assert [r.provider_message_id for r in mine] == [f"wamid.rel.{s}.{i}" for i in arrival], (
            "stored once each, in order of first arrival"
        )

        turns, repeated = last_of_repeats(tracker_turns(stack, sender))
        repeats += repeated
        assert [t[0] for t in turns] == [TEXTS[(s + i) % len(TEXTS)] for i in arrival], (
            f"sender {s}: Rasa handled each message once, in order"
        )
        got = sent[wa_id(s)]
        prompts = [b for b in got if gateway_prompt(b)]
        feedback = [
            tuple(button_ids(b)) for b in prompts if button_ids(b)[0].startswith(FEEDBACK_PAYLOAD)
        ]
        assert len(set(feedback)) == len(feedback), f"sender {s}: feedback asked once per topic"
        answers = [b for b in got if body_text(b) not in notices and not gateway_prompt(b)]
        told_of_delay += len(got) - len(answers) - len(prompts)
        expected = expected_bodies(channel, wa_id(s), turns)
        assert answers == expected, (
            f"sender {s}: each answer sent once, in order\n" + first_difference(answers, expected)
        )
    # Only a message Rasa was handling when it was killed can be handled twice (at most one
    # per worker), and its user still got one answer.
    assert repeats <= 8
    assert told_of_delay >= 1, "senders whose answer was held up by the crash were told"
