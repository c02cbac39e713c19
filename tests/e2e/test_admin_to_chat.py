"""An administrator corrects a phone number in the admin pages; the next chat answer shows it."""

from __future__ import annotations

import html
import re
import subprocess

import httpx
import pytest
from sqlalchemy.orm import Session

from bench.devstack import Stack
from dalil.settings import ROOT
from knowledge import repository

pytestmark = pytest.mark.e2e

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
PASSWORD = "a long enough e2e password"


def _account(stack: Stack, email: str, role: str) -> None:
    subprocess.run(
        [
            str(ROOT / ".venv" / "bin" / "dalil"),
            "admin",
            "create",
            "--email",
            email,
            "--role",
            role,
            "--password-stdin",
        ],
        input=f"{PASSWORD}\n",
        text=True,
        check=True,
        cwd=ROOT,
        env={
            "DALIL_DATABASE_URL": stack.database_url,
            "DALIL_ENVIRONMENT": "test",
            "PATH": "/usr/bin:/bin",
        },
    )


def _logged_in(stack: Stack, email: str) -> httpx.Client:
    client = httpx.Client(base_url=stack.gateway_url, follow_redirects=False, timeout=30)
    page = client.get("/admin/login").text
    response = client.post(
        "/admin/login",
        data={"email": email, "password": PASSWORD, "csrf_token": CSRF.search(page).group(1)},
    )
    assert response.status_code == 303, response.text
    return client


def _form(client: httpx.Client, path: str) -> dict[str, str]:
    """The edit form's current values, as the browser would submit them."""
    page = client.get(path).text
    data = dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', page))
    data.update(re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', page, re.S))
    data.update(
        {name: "on" for name in re.findall(r'<input type="checkbox" name="([^"]+)" checked', page)}
    )
    return {k: html.unescape(v) for k, v in data.items()}


def test_a_published_phone_correction_reaches_the_next_chat_answer(
    stack: Stack, kb: Session, conversation
) -> None:
    (point,) = repository.find_service_points(kb, city_id="rabat", topic_id="asylum", limit=1)
    old = point.phones[0].number
    new = "+212537770123" if old != "+212537770123" else "+212537770124"
    _account(stack, "editor.e2e@example.org", "editor")
    _account(stack, "admin.e2e@example.org", "admin")

    editor = _logged_in(stack, "editor.e2e@example.org")
    form = _form(editor, f"/admin/service-points/{point.id}")
    assert old in form["phones"]
    form["phones"] = form["phones"].replace(old, new)
    saved = editor.post(f"/admin/service-points/{point.id}", data=form)
    assert saved.status_code == 303, saved.text
    draft = saved.headers["location"]
    assert (
        editor.post(f"{draft}/submit", data={"csrf_token": form["csrf_token"]}).status_code == 303
    )

    chat = conversation("admin-edit", "fr")
    before = chat.say("où demander l'asile à Rabat ?")
    assert old[-6:] in before.replace(" ", ""), before  # a draft changes nothing for users

    admin = _logged_in(stack, "admin.e2e@example.org")
    token = CSRF.search(admin.get(draft).text).group(1)
    assert admin.post(f"{draft}/publish", data={"csrf_token": token}).status_code == 303

    after = conversation("admin-edit-after", "fr").say("où demander l'asile à Rabat ?")
    flat = after.replace(" ", "").replace("\u2066", "").replace("\u2069", "")
    assert new[-6:] in flat, after
    assert old[-6:] not in flat, after
