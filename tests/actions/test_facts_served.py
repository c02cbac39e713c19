"""Answers count the facts they showed, per day, without any text or pseudonym."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import delete, inspect, select
from sqlalchemy.orm import Session

from actions.topics import ActionAnswerTopic
from knowledge.db import make_engine
from knowledge.models import FactServed
from tests.actions.actionkit import MONDAY_MORNING, make_tracker, run_action, services_for


async def test_a_topic_answer_is_counted_per_day(kb_copy: Path) -> None:
    engine = make_engine(f"sqlite:///{kb_copy}")
    with Session(engine) as session:
        # The copy carries the counts of the tests that answered on the shared database.
        session.execute(delete(FactServed))
        session.commit()
    services = services_for(kb_copy)
    for language in ("fr", "fr", "ar"):
        tracker = make_tracker(text="asile ?", intent="ask_asylum", language=language)
        await run_action(ActionAnswerTopic(services), tracker)
    with Session(engine) as session:
        rows = {(r.day, r.kind, r.key): r.count for r in session.scalars(select(FactServed))}
    engine.dispose()
    day = MONDAY_MORNING.date()
    assert rows == {
        (day, "topic_translation", "asylum/fr"): 2,
        (day, "topic_translation", "asylum/ar"): 1,
    }
    # Nothing that could say who asked or what they wrote.
    assert {c.key for c in inspect(FactServed).columns} == {"day", "kind", "key", "count"}
