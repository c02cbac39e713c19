"""What staff see: urgent handovers first, live counts and waiting times, why a handover
closed, and the desk hours an administrator edits."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from gateway.admin.models import utcnow
from gateway.staff.desk import desk_spans
from gateway.staff.handover import add_user_message, close_handover, open_handover
from tests.gateway.accounts import csrf_of, login


def _open(engine: Engine, sender: str, *, minutes_ago: int, urgent: bool = False) -> int:
    with Session(engine) as session:
        handover = open_handover(
            session,
            sender=sender,
            channel="web",
            language="fr",
            reason="asked",
            turns=[],
            topic=None,
        )
        handover.opened_at = utcnow() - timedelta(minutes=minutes_ago)
        add_user_message(session, handover, text=f"message de {sender}", language="fr")
        handover.urgent = urgent
        session.commit()
        return handover.id


def test_counts_and_waiting_times_for_the_header(client: TestClient, engine: Engine) -> None:
    login(client, "staff")
    assert client.get("/api/v1/staff/handovers/count").json()["open"] == 0
    older = _open(engine, "web:a", minutes_ago=30)
    urgent = _open(engine, "web:b", minutes_ago=2, urgent=True)
    counts = client.get("/api/v1/staff/handovers/count").json()
    assert (counts["open"], counts["new"], counts["urgent"]) == (2, 2, 1)
    assert [w["id"] for w in counts["waiting"]] == [urgent, older], "urgent first"
    assert counts["waiting"][1]["seconds"] >= 30 * 60
    page = client.get("/staff/handovers").text
    assert page.index(f"#{urgent}") < page.index(f"#{older}") and "URGENT" in page
    assert '<script src="/static/staff.js"' in page
    assert client.get("/static/staff.js").status_code == 200


def test_the_count_needs_a_staff_login(client: TestClient) -> None:
    assert client.get("/api/v1/staff/handovers/count").status_code in (401, 303, 403)


def test_staff_see_why_a_handover_closed(client: TestClient, engine: Engine) -> None:
    login(client, "staff")
    handover_id = _open(engine, "web:c", minutes_ago=1)
    with Session(engine) as session:
        from gateway.admin.models import Handover

        close_handover(session, session.get(Handover, handover_id), staff=None, reason="inactive")
        session.commit()
    assert "Closed after a long silence" in client.get(f"/staff/handovers/{handover_id}").text


def test_an_admin_edits_the_desk_hours(client: TestClient, engine: Engine) -> None:
    login(client, "admin")
    page = client.get("/staff/desk")
    assert page.status_code == 200
    form = {f"day{d}": "" for d in range(7)}
    form.update(
        {
            "day0": "09:00-12:30, 14:00-17:00",
            "closed": "2026-12-25 Noël",
            "csrf_token": csrf_of(page.text),
        }
    )
    assert client.post("/staff/desk", data=form).status_code == 303
    with Session(engine) as session:
        assert [
            (s.weekday, s.opens.isoformat(), s.closes.isoformat()) for s in desk_spans(session)
        ] == [
            (0, "09:00:00", "12:30:00"),
            (0, "14:00:00", "17:00:00"),
        ]
    assert "2026-12-25 Noël" in client.get("/staff/desk").text
    form["day1"] = "17:00-09:00"
    refused = client.post("/staff/desk", data=form)
    assert refused.status_code == 422 and "closes before it opens" in refused.text


def test_staff_cannot_edit_the_desk_hours(client: TestClient) -> None:
    login(client, "staff")
    assert client.get("/staff/desk").status_code in (302, 303, 403)
