"""Turn events for each outcome, without text or pseudonym; the feedback buttons and their rules."""

from __future__ import annotations

import json
import logging
import re

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from dalil.logging import JsonFormatter
from gateway.conversation import Reply
from gateway.insights.events import REPHRASE_PAYLOAD, classify, feedback_payload
from gateway.insights.models import FeedbackEvent, TurnEvent
from gateway.privacy import pseudonym
from tests.gateway.insights.scripted import FAIL, Stack

POINTS = '/find_service_point{"topic":"health_care","city":"rabat"}'
PROMPT = "Cette réponse vous a-t-elle aidé ?"


def _turns(engine: Engine) -> list[TurnEvent]:
    with Session(engine) as session:
        return list(session.scalars(select(TurnEvent).order_by(TurnEvent.id)))


def _feedback(engine: Engine) -> list[FeedbackEvent]:
    with Session(engine) as session:
        return list(session.scalars(select(FeedbackEvent).order_by(FeedbackEvent.id)))


def _payloads(body: dict) -> list[str]:
    return [b["payload"] for m in body["messages"] for b in m.get("buttons") or []]


def test_each_outcome_is_recorded_without_text_or_sender(stack: Stack, engine: Engine) -> None:
    script = [
        ("amina", "/ask_health_care", "answered", "health_care"),
        ("amina", POINTS, "answered", "health_care"),
        ("bilal", "/unclear", "clarified", ""),
        ("chris", "je veux une voiture rouge", "fallback", ""),
        ("dina", "/emergency", "emergency", ""),
        ("emma", "/human_handover", "handover", ""),
        ("emma", "bonjour, vous êtes là ?", "staff", ""),
        ("farid", FAIL, "unavailable", ""),
    ]
    for sender, text, _, _ in script:
        stack.say(sender, text)
    events = _turns(engine)
    assert [(e.outcome, e.topic) for e in events] == [(o, t) for _, _, o, t in script]
    assert all(e.channel == "web" and e.language == "fr" for e in events)
    assert events[0].intent == "ask_health_care" and events[0].facts == "topic:health_care"
    assert events[1].city == "rabat" and events[1].facts.startswith("point:")
    assert events[3].intent == "out_of_scope"
    # Nothing that could identify a person or repeat what they wrote.
    senders = {pseudonym("web", s, key="k") for s, *_ in script} | {s for s, *_ in script}
    for event in events:
        values = [str(getattr(event, c.key)) for c in TurnEvent.__table__.columns]
        assert not any(v in senders for v in values)
        assert not any(
            text in v for v in values for _, text, _, _ in script if not text.startswith("/")
        )
        assert re.fullmatch(r"[0-9a-f]{16}", event.conversation)
    # The same person on one day is one conversation; different people are different ones.
    assert events[0].conversation == events[1].conversation != events[2].conversation


def test_feedback_prompt_once_per_topic_and_one_vote_counted(stack: Stack, engine: Engine) -> None:
    first = stack.say("amina", "/ask_health_care")
    assert first["messages"][-1]["text"] == PROMPT
    up = feedback_payload("health_care", "up")
    assert _payloads(first)[-2:] == [up, feedback_payload("health_care", "down")]

    again = stack.say("amina", "/ask_health_care")
    assert PROMPT not in [m["text"] for m in again["messages"]]
    other_topic = stack.say("amina", POINTS)  # a list of places for the same topic: no new prompt
    assert PROMPT not in [m["text"] for m in other_topic["messages"]]
    housing = stack.say("amina", "/ask_housing")
    assert housing["messages"][-1]["text"] == PROMPT

    thanks = stack.say("amina", up)
    assert thanks["messages"] == [{"text": "Merci, cela nous aide à améliorer les réponses."}]
    stack.say("amina", up)  # a second tap does not count twice
    stack.say("bilal", up)  # never offered to this conversation: not counted
    votes = _feedback(engine)
    assert [(v.topic, v.vote, v.facts, v.language) for v in votes] == [
        ("health_care", "up", "topic:health_care", "fr")
    ]
    # The buttons are the gateway's own: Rasa never saw them.
    assert not any(r["message"].startswith("/dalil_") for r in stack.rasa.received)
    # Feedback taps are not questions: no turn event for them.
    assert [e.outcome for e in _turns(engine)] == ["answered"] * 4


def test_thumbs_down_offers_a_person_and_asking_differently(stack: Stack, engine: Engine) -> None:
    stack.say("amina", "/ask_asylum", language="ar")
    down = stack.say("amina", feedback_payload("asylum", "down"), language="ar")
    assert down["language"] == "ar"
    assert _payloads(down) == [REPHRASE_PAYLOAD, "/human_handover"]
    assert "شخص" in down["messages"][0]["text"]
    rephrase = stack.say("amina", REPHRASE_PAYLOAD, language="ar")
    assert rephrase["messages"][0]["text"].startswith("أعد كتابة سؤالك")
    assert [(v.topic, v.vote, v.language) for v in _feedback(engine)] == [("asylum", "down", "ar")]


def test_no_feedback_prompt_after_an_emergency_or_a_clarification(stack: Stack) -> None:
    for text in ("/emergency", "/unclear", "je veux une voiture rouge", "/human_handover"):
        body = stack.say("dina", text)
        assert not any(p.startswith("/dalil_feedback") for p in _payloads(body)), text


def test_each_message_carries_its_own_correlation_id_to_rasa(stack: Stack) -> None:
    stack.say("amina", "/ask_health_care")
    stack.say("amina", "/ask_housing")
    ids = [r["metadata"]["correlation_id"] for r in stack.rasa.received]
    assert len(set(ids)) == 2 and all(re.fullmatch(r"[0-9a-f]{32}", i) for i in ids)


def test_an_emergency_in_the_same_turn_as_an_answer_is_never_rated() -> None:
    answer = {
        "kind": "answer",
        "topic": "health_care",
        "facts": ["topic:health_care"],
        "rateable": True,
    }
    emergency = {"kind": "emergency", "intent": "emergency"}
    assert classify(Reply(language="fr", messages=[], notes=[answer])).rateable
    both = classify(Reply(language="fr", messages=[], notes=[emergency, answer]))
    assert both.outcome == "emergency" and not both.rateable
    handed = classify(Reply(language="fr", messages=[], commands=["handover"], notes=[answer]))
    assert handed.outcome == "handover" and not handed.rateable


def test_one_correlation_id_follows_a_message_through_gateway_and_actions_logs(
    stack: Stack, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO):
        stack.say("amina", "mon numéro est 0612345678 /ask_health_care")
        stack.say("amina", "/ask_health_care")
    lines = [json.loads(JsonFormatter().format(r)) for r in caplog.records]
    for received in stack.rasa.received:
        cid = received["metadata"]["correlation_id"]
        tagged = [line for line in lines if line.get("cid") == cid]
        # A question the scripted model does not understand runs no action, only the NLG.
        processes = {"gateway", "actions"} if received["message"].startswith("/") else {"gateway"}
        assert {line["logger"].split(".")[0] for line in tagged} >= processes
        assert any(line["msg"] == "turn" and line["channel"] == "web" for line in tagged)
    assert not any(
        "0612345678" in json.dumps(line) or "amina" in json.dumps(line) for line in lines
    )


def test_the_gateways_own_emergency_numbers_count_as_an_emergency_even_with_rasa_down() -> None:
    danger = classify(Reply(language="ar", messages=[], commands=["danger"], degraded=True))
    assert danger.outcome == "emergency" and not danger.rateable
    assert classify(Reply(language="fr", messages=[], degraded=True)).outcome == "unavailable"
