"""The actions on PostgreSQL, the production database (the other tests use the SQLite default)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from actions.common import Services
from actions.eligibility import ActionCheckEligibility
from actions.emergency import ActionEmergency
from actions.service_points import ActionServicePoints
from actions.topics import ActionAnswerTopic
from knowledge.db import make_engine, make_session_factory, upgrade
from knowledge.importer import import_content
from knowledge.repository import find_service_points, get_eligibility, get_topic_answer
from knowledge.settings import CONTENT_DIR
from tests.actions.actionkit import MONDAY_MORNING, make_tracker, payloads, run_action, texts
from tests.databases import DB_PREFIX, drop_pg_database, recreate_pg_database

pytestmark = pytest.mark.postgres


NAME = DB_PREFIX + "_actions"


@pytest.fixture(scope="module")
def pg_services() -> Iterator[Services]:
    """A migrated PostgreSQL knowledge base holding the shipped content."""
    url = recreate_pg_database(NAME)
    upgrade(url)
    engine = make_engine(url)
    factory = make_session_factory(engine)
    with factory() as session:
        import_content(session, CONTENT_DIR)
        session.commit()
    yield Services(session_factory=factory, clock=lambda: MONDAY_MORNING)
    engine.dispose()
    drop_pg_database(NAME)


async def test_topic_points_eligibility_and_emergency(pg_services: Services) -> None:
    """The same answers as on SQLite, read from PostgreSQL."""
    with pg_services.session_factory() as kb:
        answer = get_topic_answer(kb, topic_id="legal_aid", language="ar")
        points = find_service_points(kb, city_id="casablanca", topic_id="health_care", limit=3)
        (rule,) = get_eligibility(
            kb, status="asylum_seeker", topic_id="school_access", language="es"
        )
    assert answer is not None and points

    messages, _ = await run_action(
        ActionAnswerTopic(pg_services), make_tracker(intent="ask_legal_aid", language="ar")
    )
    assert answer.short_answer.strip() in texts(messages)

    tracker = make_tracker(language="fr", slots={"topic": "health_care", "city": "casablanca"})
    messages, _ = await run_action(ActionServicePoints(pg_services), tracker)
    assert all(p.name in texts(messages) for p in points)

    tracker = make_tracker(
        language="es", slots={"status": "asylum_seeker", "need": "school_access"}
    )
    messages, _ = await run_action(ActionCheckEligibility(pg_services), tracker)
    assert rule.conditions.strip() in texts(messages)

    messages, _ = await run_action(ActionEmergency(pg_services), make_tracker(language="en"))
    assert "8350" in texts(messages) and payloads(messages) == ["/human_handover"]
