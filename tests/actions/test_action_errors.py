"""Failures inside actions: a knowledge base that cannot be read gets the safe answer with the
emergency numbers; a bug is logged with its traceback and raised, not disguised as an outage."""

from __future__ import annotations

import logging
import time
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.types import DomainDict
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from actions.common import DalilAction, Reply, Services, unavailable_text
from actions.emergency import ActionEmergency
from actions.topics import ActionAnswerTopic
from knowledge.emergency import role_number
from tests.actions.actionkit import MONDAY_MORNING, make_tracker, run_action, texts


def _probe(services: Services, work: Any) -> DalilAction:
    """An action whose work is given by the test. It subclasses a real action, so the action
    server's scan of every Action subclass (test_action_server_registers_every_action) finds
    nothing new in it."""

    class Probe(ActionEmergency):
        answers_despite_bugs = False  # an ordinary action: its bugs are raised

        async def respond(self, reply: Reply, tracker: Tracker, domain: DomainDict) -> list[Any]:
            reply.say(str(await work(self)))
            return []

    return Probe(services)


def _services(session_factory: Any, timeout: float = 5.0) -> Services:
    return Services(
        session_factory=session_factory, clock=lambda: MONDAY_MORNING, timeout_seconds=timeout
    )


def _refused() -> Session:
    raise OperationalError("connect", {}, ConnectionRefusedError("connection refused"))


def _slow() -> Session:
    time.sleep(0.5)
    raise AssertionError("the deadline should have passed")


@pytest.mark.parametrize(
    ("session_factory", "timeout"), [(_refused, 5.0), (_slow, 0.05)], ids=["refused", "too slow"]
)
async def test_a_database_that_cannot_be_read_gets_the_safe_answer(
    session_factory: Any, timeout: float, caplog: pytest.LogCaptureFixture
) -> None:
    """Connection refused or past the deadline: the localised answer with the emergency numbers."""
    action = ActionAnswerTopic(_services(session_factory, timeout))
    with caplog.at_level(logging.WARNING):
        messages, _ = await run_action(action, make_tracker(intent="ask_asylum", language="en"))
    text = texts(messages)
    assert text == unavailable_text("en")
    assert role_number("police") in text and role_number("ambulance") in text
    assert "knowledge base unavailable" in caplog.messages


async def test_a_bug_in_an_action_is_logged_with_its_traceback_and_raised(
    services: Services, caplog: pytest.LogCaptureFixture
) -> None:
    """A KeyError in the action's own code reaches the SDK; nothing pretends the base is down."""

    async def buggy(action: DalilAction) -> str:
        return {}["missing"]  # type: ignore[no-any-return]

    with caplog.at_level(logging.WARNING), pytest.raises(KeyError, match="missing"):
        await run_action(_probe(services, buggy), make_tracker(language="en"))
    failed = [r for r in caplog.records if r.getMessage() == "action failed"]
    assert failed and failed[0].exc_info and failed[0].exc_info[0] is KeyError
    assert "knowledge base unavailable" not in caplog.messages


async def test_a_bug_inside_a_query_is_not_an_outage(
    services: Services, caplog: pytest.LogCaptureFixture
) -> None:
    """A KeyError in the code run on the session is raised as itself, not as "unavailable"."""

    async def buggy_query(action: DalilAction) -> str:
        return await action.query(lambda session: {}["missing"])  # type: ignore[no-any-return]

    with caplog.at_level(logging.WARNING), pytest.raises(KeyError, match="missing"):
        await run_action(_probe(services, buggy_query), make_tracker(language="en"))
    failed = [r for r in caplog.records if r.getMessage() == "action failed"]
    assert failed and failed[0].exc_info and failed[0].exc_info[0] is KeyError
    assert "knowledge base unavailable" not in caplog.messages


async def test_a_query_that_works_answers(services: Services) -> None:
    """The probe itself answers when nothing fails (so the tests above test the failure)."""

    async def fine(action: DalilAction) -> str:
        return await action.query(lambda session: "answered")

    messages, _ = await run_action(_probe(services, fine), make_tracker(language="en"))
    assert texts(messages).startswith("answered")


async def test_a_bug_in_the_emergency_action_still_sends_the_numbers(
    services: Services, caplog: pytest.LogCaptureFixture
) -> None:
    """A person in danger never gets silence: the bug is logged, the generated numbers sent."""

    class BuggyEmergency(ActionEmergency):
        async def respond(self, reply: Reply, tracker: Tracker, domain: DomainDict) -> list[Any]:
            reply.say("half an answer")
            raise KeyError("missing")

    with caplog.at_level(logging.WARNING):
        messages, _ = await run_action(BuggyEmergency(services), make_tracker(language="en"))
    text = texts(messages)
    assert "half an answer" not in text
    assert role_number("police") in text and role_number("ambulance") in text
    failed = [r for r in caplog.records if r.getMessage() == "action failed"]
    assert failed and failed[0].exc_info and failed[0].exc_info[0] is KeyError
