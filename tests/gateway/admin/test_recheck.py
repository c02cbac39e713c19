"""The "to re-check" list (most served first) and the editors' "confirmed today" action."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from gateway.admin.models import AuditEntry
from gateway.admin.recheck import recheck_list
from knowledge.content import today
from knowledge.models import FactServed, ServicePoint
from knowledge.served import record_served
from tests.gateway.accounts import csrf_of, login

OFTEN, SOMETIMES, LONG_AGO, CHECKED = "unhcr_rabat", "omdh_rabat", "foo_rabat", "caritas_rabat"


def _prepare(engine: Engine) -> None:
    """Three unverified or stale points; served often, sometimes, and only 40 days ago."""
    now = today()
    with Session(engine) as session:
        points = {p.id: p for p in session.scalars(select(ServicePoint))}
        assert {OFTEN, SOMETIMES, LONG_AGO, CHECKED} <= set(points), sorted(points)
        points[OFTEN].verified_at = None
        points[SOMETIMES].verified_at = now - timedelta(days=400)
        points[LONG_AGO].verified_at = None
        points[CHECKED].verified_at = now - timedelta(days=3)
        points[CHECKED].sources = [{"title": "t", "url": "https://example.org/page"}]
        record_served(session, facts=[("service_point", OFTEN)] * 4, day=now)
        record_served(session, facts=[("service_point", OFTEN)], day=now - timedelta(days=29))
        record_served(session, facts=[("service_point", SOMETIMES)] * 2, day=now)
        record_served(
            session, facts=[("service_point", LONG_AGO)] * 50, day=now - timedelta(days=40)
        )
        session.commit()


def test_the_list_puts_the_most_served_facts_first(engine: Engine) -> None:
    _prepare(engine)
    with Session(engine) as session:
        items = recheck_list(session, today=today(), stale_after_days=180)
        served = {
            row.key: row.count
            for row in session.scalars(select(FactServed).where(FactServed.day == today()))
        }
    keys = [i.key for i in items if i.kind == "service_point"]
    assert keys.index(OFTEN) < keys.index(SOMETIMES) < keys.index(LONG_AGO)
    by_key = {i.key: i for i in items}
    assert (by_key[OFTEN].served, by_key[SOMETIMES].served, by_key[LONG_AGO].served) == (5, 2, 0)
    assert (by_key[OFTEN].state, by_key[SOMETIMES].state) == ("unverified", "stale")
    assert served[OFTEN] == 4  # one row per day and fact, counts added up
    # A fact checked recently is not on the list.
    assert CHECKED not in by_key


def test_an_editor_confirms_a_fact_today(client: TestClient, engine: Engine) -> None:
    _prepare(engine)
    login(client, "editor")
    page = client.get("/admin/recheck")
    assert page.status_code == 200
    html = page.text
    assert html.index(f'value="{OFTEN}"') < html.index(f'value="{SOMETIMES}"')

    response = client.post(
        "/admin/recheck/confirm",
        data={"csrf_token": csrf_of(html), "kind": "service_point", "key": OFTEN},
    )

    assert response.status_code == 303
    with Session(engine) as session:
        point = session.get(ServicePoint, OFTEN)
        assert point is not None and point.verified_at == today()
        entry = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "kb_confirmed_today")
        ).one()
    assert entry.target == f"service_point:{OFTEN}" and entry.actor_email == "editor@dalil.test"
    assert entry.detail == {"verified_at_before": None, "verified_at": today().isoformat()}
    assert f'value="{OFTEN}"' not in client.get("/admin/recheck").text
    missing = client.post(
        "/admin/recheck/confirm",
        data={"csrf_token": csrf_of(html), "kind": "service_point", "key": "nowhere"},
    )
    assert missing.status_code == 404
