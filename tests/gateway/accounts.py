"""The admin pages' test users (one per role), their gateway settings, and how they log in.

The databases holding them are the fixtures of tests/gateway/conftest.py.
"""

from __future__ import annotations

import html as html_lib
import re
from typing import Any

import httpx
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from bench.devstack import free_port
from gateway.admin.models import AdminUser
from gateway.admin.security import hash_password
from gateway.settings import GatewaySettings
from knowledge.db import make_engine, upgrade
from knowledge.importer import import_content
from knowledge.settings import CONTENT_DIR

PASSWORD = "correct horse battery staple"
EMAILS = {"admin": "admin@dalil.test", "editor": "editor@dalil.test", "staff": "staff@dalil.test"}


def fill(url: str) -> None:
    """Migrate the database at `url`, load the shipped content and add one user per role."""
    upgrade(url)
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            import_content(session, CONTENT_DIR)
            for role, email in EMAILS.items():
                session.add(
                    AdminUser(
                        email=email, role=role, password_hash=hash_password(PASSWORD), active=True
                    )
                )
            session.commit()
    finally:
        engine.dispose()


def make_settings(database_url: str, **overrides: object) -> GatewaySettings:
    """Settings of a gateway whose Rasa is down (nothing listens) and whose database is the test's."""
    values: dict[str, object] = {
        "environment": "test",
        "database_url": database_url,
        "rasa_url": f"http://127.0.0.1:{free_port()}",
        "action_server_url": f"http://127.0.0.1:{free_port()}",
        "rasa_token": "t",
        "pseudonym_key": "k",
        "session_secret": "a-test-secret-that-is-long-enough",
        # Most tests here have one admin write and publish; test_four_eyes.py turns it off.
        "allow_self_publish": True,
    }
    values.update(overrides)
    return GatewaySettings(**values)  # type: ignore[arg-type]


CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(html: str) -> str:
    """The CSRF token in a page's forms."""
    match = CSRF.search(html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def login(client: TestClient, role: str, password: str = PASSWORD) -> str:
    """Log in as the user of `role`; returns the session's CSRF token."""
    page = client.get("/admin/login")
    response = client.post(
        "/admin/login",
        data={"email": EMAILS[role], "password": password, "csrf_token": csrf_of(page.text)},
    )
    assert response.status_code == 303, response.text
    token = client.get("/api/v1/admin/session").json()["csrf_token"]
    return str(token)


def point_form(client: TestClient, point_id: str) -> dict[str, str]:
    """The edit form's current values, as a browser would submit them."""
    html = client.get(f"/admin/service-points/{point_id}").text
    data: dict[str, str] = {}
    for name, value in re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', html):
        data[name] = value
    for name, value in re.findall(
        r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', html, re.S
    ):
        data[name] = value
    for name in re.findall(r'<input type="checkbox" name="([^"]+)" checked', html):
        data[name] = "on"
    return {k: html_lib.unescape(v) for k, v in data.items()}


def log_in_page(page: Any, role: str) -> None:
    """In a browser showing the login form: log in as the user of `role`."""
    page.get_by_label("E-mail address").fill(EMAILS[role])
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def draft_answer(
    client: TestClient,
    token: str | None,
    payload: dict[str, Any],
    *,
    topic: str = "housing",
    language: str = "en",
) -> httpx.Response:
    """Draft a change to `topic`'s answer in `language` through the admin API, as the user whose
    session's CSRF `token` it is (None: no token header)."""
    return client.post(
        "/api/v1/admin/drafts",
        headers={} if token is None else {"X-CSRF-Token": token},
        json={
            "kind": "topic_translation",
            "entity_id": topic,
            "language": language,
            "payload": payload,
        },
    )
