"""Actions describe what they showed (never the text) and log with the message's correlation id."""

from __future__ import annotations

import json
import logging

import pytest

from actions.clarify import ActionClarify
from actions.common import Services
from actions.emergency import ActionEmergency
from actions.service_points import ActionServicePoints
from actions.session import ActionSessionStart
from actions.topics import ActionAnswerTopic
from dalil.logging import JsonFormatter
from tests.actions.actionkit import make_tracker, run_action


def notes(messages: list[dict]) -> list[dict]:
    return [m["custom"]["insight"] for m in messages if "insight" in (m.get("custom") or {})]


async def test_a_topic_answer_names_its_topic_and_fact(services: Services) -> None:
    tracker = make_tracker(
        text="/ask_health_care", intent="ask_health_care", slots={"city": "rabat"}
    )
    messages, _ = await run_action(ActionAnswerTopic(services), tracker)
    assert notes(messages) == [
        {
            "kind": "answer",
            "action": "action_answer_topic",
            "intent": "ask_health_care",
            "city": "rabat",
            "topic": "health_care",
            "facts": ["topic:health_care"],
            "rateable": True,
        }
    ]
    assert messages[0]["text"]  # the note rides on the answer, which the user still reads first


async def test_a_list_of_places_names_each_place(services: Services) -> None:
    tracker = make_tracker(intent="find_service_point", slots={"topic": "asylum", "city": "rabat"})
    messages, _ = await run_action(ActionServicePoints(services), tracker)
    (note,) = notes(messages)
    assert note["topic"] == "asylum" and note["rateable"] and note["city"] == "rabat"
    assert note["facts"] and all(f.startswith("point:") for f in note["facts"])
    assert len(note["facts"]) == len(set(note["facts"])) <= services.points_per_page


@pytest.mark.parametrize(
    ("action", "kind"), [(ActionEmergency, "emergency"), (ActionClarify, "clarify")]
)
async def test_emergencies_and_clarifications_are_never_rateable(
    services: Services, action: type, kind: str
) -> None:
    messages, _ = await run_action(action(services), make_tracker(text="x", intent="emergency"))
    (note,) = notes(messages)
    assert note["kind"] == kind and "rateable" not in note and "topic" not in note


async def test_the_session_start_is_not_a_turn(services: Services) -> None:
    messages, _ = await run_action(ActionSessionStart(services), make_tracker())
    assert notes(messages) == []


async def test_action_logs_carry_the_correlation_id_and_no_text(
    services: Services, caplog: pytest.LogCaptureFixture
) -> None:
    tracker = make_tracker(
        text="mon numéro est 0612345678, je cherche un médecin", intent="ask_health_care"
    )
    tracker.latest_message["metadata"]["correlation_id"] = "c0ffee" * 5 + "00"
    with caplog.at_level(logging.INFO):
        await run_action(ActionAnswerTopic(services), tracker)
    lines = [
        json.loads(JsonFormatter().format(r))
        for r in caplog.records
        if r.name.startswith("actions")
    ]
    assert lines and all(line["cid"] == "c0ffee" * 5 + "00" for line in lines)
    assert any(
        line["msg"] == "action" and line["action"] == "action_answer_topic" for line in lines
    )
    assert not any(
        "0612345678" in json.dumps(line) or "médecin" in json.dumps(line) for line in lines
    )
