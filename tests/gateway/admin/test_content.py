"""Drafts, review, publication, translation status, history, rollback and audit."""

from __future__ import annotations

import re

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from gateway.admin.models import AuditEntry, Revision
from gateway.app import create_app
from knowledge.models import TopicTranslation
from knowledge.repository import find_service_points, get_topic_answer
from tests.gateway.accounts import draft_answer, login, make_settings, point_form

NEW_NUMBER = "+212537771234"


def _statuses(engine: Engine, topic: str) -> dict[str, str]:
    with Session(engine) as session:
        rows = session.scalars(select(TopicTranslation).where(TopicTranslation.topic_id == topic))
        return {r.language: r.translation_status for r in rows}


def test_an_edit_reaches_users_only_after_an_admin_publishes_it(
    database_url: str, engine: Engine
) -> None:
    with TestClient(_app(database_url), follow_redirects=False) as editor:
        login(editor, "editor")
        form = point_form(editor, "unhcr_rabat")
        form["phones"] = form["phones"].replace("+212537545400", NEW_NUMBER)
        saved = editor.post("/admin/service-points/unhcr_rabat", data=form)
        assert saved.status_code == 303
        draft_path = saved.headers["location"]
        page = editor.get(draft_path).text
        assert re.search(rf"<ins>\+.*{re.escape(NEW_NUMBER)}", page)
        with Session(engine) as session:  # a draft changes nothing for users
            phones = find_service_points(session, city_id="rabat", limit=50)
            assert NEW_NUMBER not in {p.number for v in phones for p in v.phones}
        assert (
            editor.post(f"{draft_path}/submit", data={"csrf_token": form["csrf_token"]}).status_code
            == 303
        )
    with TestClient(_app(database_url), follow_redirects=False) as admin:
        token = login(admin, "admin")
        assert admin.post(f"{draft_path}/publish", data={"csrf_token": token}).status_code == 303
    with Session(engine) as session:
        point = next(
            p
            for p in find_service_points(session, city_id="rabat", limit=50)
            if p.id == "unhcr_rabat"
        )
        assert point.phones[0].number == NEW_NUMBER
        revision = session.scalars(select(Revision).order_by(Revision.id.desc())).first()
        assert revision is not None and revision.entity_id == "unhcr_rabat"
        actions = [e.action for e in session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
        assert [a for a in actions if a.startswith(("draft", "revision"))] == [
            "draft_created",
            "draft_submit",
            "revision_published",
            "draft_publish",
        ]


def _app(database_url: str) -> FastAPI:
    return create_app(make_settings(database_url))


def _publish_topic(client: TestClient, token: str, topic: str, language: str, payload: dict) -> int:
    h = {"X-CSRF-Token": token}
    draft = draft_answer(client, token, payload, topic=topic, language=language)
    assert draft.status_code == 201, draft.text
    draft_id = draft.json()["id"]
    assert client.post(f"/api/v1/admin/drafts/{draft_id}/submit", headers=h).status_code == 200
    published = client.post(f"/api/v1/admin/drafts/{draft_id}/publish", headers=h)
    assert published.status_code == 200 and published.json()["status"] == "published"
    return int(draft_id)


def test_editing_french_marks_the_other_languages_outdated(
    client: TestClient, engine: Engine
) -> None:
    token = login(client, "admin")
    assert set(_statuses(engine, "housing").values()) == {"current"}
    _publish_topic(
        client, token, "housing", "fr", {"short_answer": "Nouvelle réponse courte vérifiée."}
    )
    assert _statuses(engine, "housing") == {
        "fr": "current",
        "ar": "outdated",
        "en": "outdated",
        "es": "outdated",
    }
    listing = {t["topic_id"]: t["statuses"] for t in client.get("/api/v1/admin/topics").json()}
    assert listing["housing"]["es"] == "outdated"
    assert "status-outdated" in client.get("/admin/topics").text
    with Session(
        engine
    ) as session:  # the bot answers in French rather than with a stale translation
        answer = get_topic_answer(session, topic_id="housing", language="es")
        assert answer is not None and answer.language == "fr" and answer.fallback
    _publish_topic(
        client, token, "housing", "es", {"short_answer": "Nueva respuesta corta revisada."}
    )
    assert _statuses(engine, "housing")["es"] == "current"
    with Session(engine) as session:
        answer = get_topic_answer(session, topic_id="housing", language="es")
        assert answer is not None and answer.short_answer == "Nueva respuesta corta revisada."


def test_revision_diff_and_rollback(client: TestClient, engine: Engine) -> None:
    token = login(client, "admin")
    with Session(engine) as session:
        before = get_topic_answer(session, topic_id="school_access", language="en")
        assert before is not None
    _publish_topic(client, token, "school_access", "en", {"short_answer": "A wrong answer."})
    with Session(engine) as session:
        revision = session.scalars(select(Revision).order_by(Revision.id.desc())).first()
        assert revision is not None
        revision_id = revision.id
    page = client.get(f"/admin/revisions/{revision_id}").text
    assert "<ins>+short_answer: A wrong answer.</ins>" in page
    assert "<del>-short_answer:" in page
    response = client.post(f"/admin/revisions/{revision_id}/rollback", data={"csrf_token": token})
    assert response.status_code == 303
    with Session(engine) as session:
        after = get_topic_answer(session, topic_id="school_access", language="en")
        assert after is not None and after.short_answer == before.short_answer
        newest = session.scalars(select(Revision).order_by(Revision.id.desc())).first()
        assert newest is not None and newest.rollback_of == revision_id
        assert (
            session.scalar(select(AuditEntry).where(AuditEntry.action == "revision_rolled_back"))
            is not None
        )


def test_invalid_phone_number_is_refused_with_the_field_named(client: TestClient) -> None:
    login(client, "editor")
    form = point_form(client, "unhcr_rabat")
    form["phones"] = "0537 54 54 00"
    response = client.post("/admin/service-points/unhcr_rabat", data=form)
    assert response.status_code == 422
    assert "phones.0" in response.text and "E.164" in response.text


def test_a_draft_must_be_submitted_before_it_is_published(client: TestClient) -> None:
    token = login(client, "admin")
    h = {"X-CSRF-Token": token}
    draft = draft_answer(client, token, {"short_answer": "x"})
    assert (
        client.post(f"/api/v1/admin/drafts/{draft.json()['id']}/publish", headers=h).status_code
        == 403
    )


def test_audit_page_lists_who_did_what(client: TestClient) -> None:
    token = login(client, "admin")
    _publish_topic(client, token, "housing", "en", {"short_answer": "Checked answer."})
    page = client.get("/admin/audit").text
    assert (
        "revision_published" in page
        and "admin@dalil.test" in page
        and "topic_translation:housing:en" in page
    )
