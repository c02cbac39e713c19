"""Logging in, roles, CSRF and login rate limits."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from gateway.admin.models import AuditEntry
from gateway.admin.security import SESSION_COOKIE
from gateway.app import create_app
from tests.gateway.accounts import EMAILS, PASSWORD, csrf_of, draft_answer, login, make_settings

# (method, path, permission needed); POSTs carry a valid CSRF token so only the role decides.
PAGES = [
    ("GET", "/admin/topics", "content"),
    ("GET", "/admin/topics/school_access/es", "content"),
    ("GET", "/admin/service-points", "content"),
    ("GET", "/admin/service-points/unhcr_rabat", "content"),
    ("GET", "/admin/drafts", "content"),
    ("GET", "/admin/revisions", "content"),
    ("GET", "/api/v1/admin/topics", "content"),
    ("GET", "/admin/unanswered", "unanswered"),
    ("GET", "/api/v1/admin/unanswered", "unanswered"),
    ("GET", "/admin/audit", "audit"),
    ("GET", "/staff/", "staff"),
    ("GET", "/staff/?status=refugee&city=tanger&lang=es", "staff"),
    ("GET", "/api/v1/entitlements?status=refugee&city=tanger&lang=es", "staff"),
    ("GET", "/staff/handovers", "staff"),
    ("GET", "/api/v1/staff/handovers", "staff"),
]
ROLE_PERMISSIONS = {
    "admin": {"content", "unanswered", "audit", "staff", "publish"},
    "editor": {"content", "unanswered"},
    "staff": {"staff"},
}


@pytest.mark.parametrize("role", ["admin", "editor", "staff"])
def test_each_role_reaches_its_pages_and_is_refused_the_others(
    client: TestClient, role: str
) -> None:
    login(client, role)
    for method, path, permission in PAGES:
        response = client.request(method, path)
        expected = 200 if permission in ROLE_PERMISSIONS[role] else 403
        assert response.status_code == expected, (role, path, response.status_code)


def test_anonymous_pages_redirect_to_login_and_api_answers_401(client: TestClient) -> None:
    for _method, path, _permission in PAGES:
        response = client.get(path)
        if path.startswith("/api/"):
            assert response.status_code == 401, path
        else:
            assert response.status_code == 303, path
            assert response.headers["location"].startswith("/admin/login?next=")


def test_editor_cannot_publish_nor_roll_back(client: TestClient) -> None:
    token = login(client, "editor")
    draft = draft_answer(client, token, {"short_answer": "Edited."})
    assert draft.status_code == 201
    draft_id = draft.json()["id"]
    assert (
        client.post(
            f"/api/v1/admin/drafts/{draft_id}/submit", headers={"X-CSRF-Token": token}
        ).status_code
        == 200
    )
    assert (
        client.post(
            f"/api/v1/admin/drafts/{draft_id}/publish", headers={"X-CSRF-Token": token}
        ).status_code
        == 403
    )
    assert (
        client.post(f"/admin/drafts/{draft_id}/publish", data={"csrf_token": token}).status_code
        == 403
    )
    assert client.post("/admin/revisions/1/rollback", data={"csrf_token": token}).status_code == 403


def test_staff_cannot_create_drafts(client: TestClient) -> None:
    token = login(client, "staff")
    response = client.post(
        "/admin/service-points/unhcr_rabat", data={"csrf_token": token, "name": "x"}
    )
    assert response.status_code == 403


@pytest.mark.parametrize("token", [None, "", "forged-token"])
def test_a_post_without_the_session_csrf_token_is_refused(
    client: TestClient, engine: Engine, token: str | None
) -> None:
    login(client, "editor")
    data = {"short_answer": "Changed without a token."}
    if token is not None:
        data["csrf_token"] = token
    response = client.post("/admin/topics/housing/en", data=data)
    assert response.status_code == 403
    api = draft_answer(client, token, {"short_answer": "x"})
    assert api.status_code == 403
    with Session(engine) as session:
        assert (
            session.scalar(select(AuditEntry).where(AuditEntry.action == "draft_created")) is None
        )


def test_another_sessions_token_does_not_work(client: TestClient, database_url: str) -> None:
    login(client, "editor")
    with TestClient(create_app(make_settings(database_url)), follow_redirects=False) as other:
        foreign = login(other, "editor")
    response = client.post(
        "/admin/topics/housing/en", data={"csrf_token": foreign, "short_answer": "x"}
    )
    assert response.status_code == 403


def test_login_form_needs_its_csrf_token(client: TestClient) -> None:
    client.get("/admin/login")
    response = client.post("/admin/login", data={"email": EMAILS["admin"], "password": PASSWORD})
    assert response.status_code == 403


def test_session_cookie_is_httponly_samesite_and_signed(client: TestClient) -> None:
    page = client.get("/admin/login")
    response = client.post(
        "/admin/login",
        data={"email": EMAILS["admin"], "password": PASSWORD, "csrf_token": csrf_of(page.text)},
    )
    cookie = response.headers["set-cookie"]
    assert f"{SESSION_COOKIE}=" in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie or "SameSite=Lax" in cookie
    # A tampered cookie is no session at all.
    value = client.cookies.get(SESSION_COOKIE)
    assert value
    client.cookies.set(SESSION_COOKIE, value[:-2] + ("AA" if not value.endswith("AA") else "BB"))
    assert client.get("/api/v1/admin/topics").status_code == 401


def test_secure_cookies_in_production(database_url: str) -> None:
    settings = make_settings(
        database_url,
        environment="production",
        rasa_token="r" * 20,
        pseudonym_key="p" * 20,
        session_secret="s" * 40,
    )
    with TestClient(create_app(settings), follow_redirects=False) as c:
        assert "Secure" in c.get("/admin/login").headers["set-cookie"]


def test_placeholder_session_secret_refused_outside_development(database_url: str) -> None:
    with pytest.raises(ValueError, match="DALIL_SESSION_SECRET"):
        make_settings(database_url, session_secret="change-me")
    with pytest.raises(ValueError, match="DALIL_SESSION_SECRET"):
        make_settings(
            database_url,
            environment="production",
            rasa_token="r" * 20,
            pseudonym_key="p" * 20,
            session_secret=None,
        )


def test_wrong_password_is_refused_and_audited(client: TestClient, engine: Engine) -> None:
    page = client.get("/admin/login")
    response = client.post(
        "/admin/login",
        data={"email": EMAILS["admin"], "password": "wrong", "csrf_token": csrf_of(page.text)},
    )
    assert response.status_code == 401
    assert client.get("/api/v1/admin/topics").status_code == 401
    with Session(engine) as session:
        entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "login_failed"))
        assert entry is not None and entry.actor_email == EMAILS["admin"]


def _attempt(client: TestClient, email: str, password: str) -> int:
    page = client.get("/admin/login")
    return client.post(
        "/admin/login",
        data={"email": email, "password": password, "csrf_token": csrf_of(page.text)},
    ).status_code


def test_login_is_rate_limited_per_account(database_url: str) -> None:
    settings = make_settings(
        database_url, login_max_failures_per_account=3, login_max_failures_per_ip=100
    )
    with TestClient(create_app(settings), follow_redirects=False) as c:
        assert [_attempt(c, EMAILS["editor"], "nope") for _ in range(3)] == [401, 401, 401]
        # Blocked now, even with the right password; other accounts still log in.
        assert _attempt(c, EMAILS["editor"], PASSWORD) == 429
        assert _attempt(c, EMAILS["staff"], PASSWORD) == 303


def test_login_is_rate_limited_per_ip(database_url: str) -> None:
    settings = make_settings(
        database_url, login_max_failures_per_account=100, login_max_failures_per_ip=4
    )
    with TestClient(create_app(settings), follow_redirects=False) as c:
        codes = [_attempt(c, f"guess{i}@dalil.test", "nope") for i in range(4)]
        assert codes == [401] * 4
        assert _attempt(c, EMAILS["admin"], PASSWORD) == 429


def test_logout_ends_the_session(client: TestClient) -> None:
    token = login(client, "admin")
    assert client.post("/admin/logout", data={"csrf_token": token}).status_code == 303
    assert client.get("/api/v1/admin/topics").status_code == 401


def test_login_redirect_stays_on_this_site(client: TestClient) -> None:
    page = client.get("/admin/login")
    response = client.post(
        "/admin/login",
        data={
            "email": EMAILS["admin"],
            "password": PASSWORD,
            "csrf_token": csrf_of(page.text),
            "next": "//evil.example/",
        },
    )
    assert response.headers["location"] == "/admin/"
