"""Small cells are suppressed in the page and the CSV; old events become daily counts."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from gateway.cli import app as cli
from gateway.insights import report
from gateway.insights.models import DailyRollup, FeedbackEvent, TurnEvent
from tests.gateway.accounts import login

TODAY = date(2026, 11, 30)


def add_turns(
    engine: Engine, n: int, *, day: date = TODAY, conversations: int | None = None, **values: str
) -> None:
    """`n` turn events spread over `conversations` conversations (default: one each)."""
    fields = {
        "channel": "web",
        "language": "fr",
        "city": "",
        "topic": "",
        "intent": "",
        "outcome": "answered",
    }
    fields.update(values)
    with Session(engine) as session:
        for i in range(n):
            conversation = f"{(i % (conversations or n)):016x}"
            session.add(
                TurnEvent(
                    occurred_at=datetime.combine(day, datetime.min.time(), tzinfo=UTC)
                    + timedelta(hours=10),
                    day=day,
                    conversation=conversation,
                    latency_ms=100,
                    facts="",
                    **fields,
                )
            )
        session.commit()


def filters(**narrow: str) -> report.Filters:
    return report.Filters(start=TODAY - timedelta(days=6), end=TODAY, **narrow)


def test_cells_under_five_conversations_are_hidden(engine: Engine) -> None:
    add_turns(engine, 5, topic="health_care")
    add_turns(engine, 4, topic="housing")
    add_turns(engine, 9, topic="asylum", conversations=3)  # many messages, few people
    with Session(engine) as session:
        cells = {c.label: c for c in report.table(session, filters(), "topic")}
    assert (cells["health_care"].events, cells["health_care"].conversations) == (5, 5)
    assert cells["housing"].suppressed and cells["housing"].events is None
    assert cells["asylum"].suppressed and cells["asylum"].events is None


def test_a_lone_hidden_cell_takes_the_smallest_shown_one_with_it(engine: Engine) -> None:
    """Otherwise the day's total minus the shown outcomes gives the hidden one away."""
    add_turns(engine, 20, outcome="answered")
    add_turns(engine, 6, outcome="fallback")
    add_turns(engine, 2, outcome="emergency")
    with Session(engine) as session:
        outcomes = {c.label: c.events for c in report.table(session, filters(), "outcome")}
        days = report.table(session, filters(), "day")
    assert outcomes == {"answered": 20, "fallback": None, "emergency": None}
    assert [c.events for c in days] == [28]


def test_filters_narrow_the_cells(engine: Engine) -> None:
    add_turns(engine, 6, topic="health_care", language="ar", channel="whatsapp", city="rabat")
    add_turns(engine, 7, topic="health_care", language="fr", channel="web", city="tanger")
    with Session(engine) as session:
        ar = report.table(session, filters(language="ar"), "topic")
        tanger = report.table(session, filters(city="tanger"), "channel")
        both = report.table(session, filters(), "topic")
    assert [(c.label, c.events) for c in ar] == [("health_care", 6)]
    assert [(c.label, c.events) for c in tanger] == [("web", 7)]
    assert [(c.label, c.events) for c in both] == [("health_care", 13)]


def test_page_and_csv_hide_the_same_small_cells(client: TestClient, engine: Engine) -> None:
    today = report.date.today()
    add_turns(engine, 8, day=today, topic="health_care")
    add_turns(engine, 6, day=today, topic="asylum")  # hidden with housing, the only small cell
    add_turns(engine, 3, day=today, topic="housing")
    login(client, "staff")
    page = client.get("/admin/insights", params={"lang": "fr"})
    assert page.status_code == 200
    assert 'data-label="housing"' in page.text
    housing_row = page.text.split('data-label="housing"', 1)[1].split("</tr>", 1)[0]
    assert "&lt;5" in housing_row and "3" not in housing_row
    exported = client.get("/admin/insights.csv", params={"table": "topic"})
    assert exported.status_code == 200 and exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(exported.text)))
    assert rows[0] == ["topic", "messages", "conversations"]
    assert rows[1:] == [["health_care", "8", "8"], ["asylum", "<5", "<5"], ["housing", "<5", "<5"]]


def test_anonymous_users_cannot_see_or_export(client: TestClient) -> None:
    assert client.get("/admin/insights").status_code == 303
    assert client.get("/admin/insights.csv").status_code == 303


@pytest.mark.parametrize("role", ["admin", "editor", "staff"])
def test_every_role_may_read_the_insights(client: TestClient, role: str) -> None:
    login(client, role)
    assert client.get("/admin/insights").status_code == 200


def test_rollup_keeps_the_figures_and_deletes_the_events(
    engine: Engine, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = report.date.today() - timedelta(days=200)
    add_turns(engine, 6, day=old, topic="health_care", city="rabat")
    add_turns(engine, 2, day=old, topic="housing")
    add_turns(engine, 5, day=report.date.today(), topic="health_care")
    with Session(engine) as session:
        session.add(
            FeedbackEvent(
                occurred_at=datetime.now(UTC),
                day=old,
                conversation="0" * 16,
                channel="web",
                language="fr",
                topic="health_care",
                vote="up",
                facts="topic:health_care",
            )
        )
        session.commit()
    span = report.Filters(start=old, end=report.date.today())
    with Session(engine) as session:
        before = report.table(session, span, "topic")
    for name, value in {
        "DATABASE_URL": database_url,
        "RASA_TOKEN": "t",
        "PSEUDONYM_KEY": "k",
        "SESSION_SECRET": "a-test-secret-that-is-long-enough",
    }.items():
        monkeypatch.setenv(f"DALIL_{name}", value)
    from gateway.settings import get_settings

    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(cli, ["insights", "rollup", "--older-than-days", "90"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    assert "9 events" in result.output
    with Session(engine) as session:
        assert (
            session.scalar(select(func.count()).select_from(TurnEvent).where(TurnEvent.day == old))
            == 0
        )
        assert session.scalar(select(func.count()).select_from(FeedbackEvent)) == 0
        assert session.scalar(select(func.count()).select_from(TurnEvent)) == 5
        rolled = session.scalars(select(DailyRollup).where(DailyRollup.kind == "turn")).all()
        assert {(r.topic, r.city, r.events, r.conversations) for r in rolled} == {
            ("health_care", "rabat", 6, 6),
            ("housing", "", 2, 2),
        }
        after = report.table(session, span, "topic")
    assert after == before
