"""In a real browser: an editor corrects a phone number, an admin publishes it, the bot's read path sees it."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import uvicorn
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from bench.devstack import free_port
from gateway.app import create_app
from knowledge.repository import find_service_points
from tests.fakes.browser import CHROMIUM
from tests.gateway.accounts import log_in_page, make_settings

NEW_NUMBER = "+212537771234"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="needs Debian's chromium (apt-get install chromium)"
    ),
]


@pytest.fixture
def server(database_url: str) -> Iterator[str]:
    """The gateway served on a loopback port."""
    port = free_port()
    config = uvicorn.Config(
        create_app(make_settings(database_url)), host="127.0.0.1", port=port, log_level="warning"
    )
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        assert time.monotonic() < deadline, "gateway did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


def _phone(engine: Engine) -> str:
    with Session(engine) as session:
        point = next(
            p
            for p in find_service_points(session, city_id="rabat", limit=100)
            if p.id == "unhcr_rabat"
        )
        return point.phones[0].number


def test_editor_draft_published_by_admin_reaches_the_repository(
    server: str, engine: Engine, browser: Any
) -> None:
    old = _phone(engine)
    assert old != NEW_NUMBER
    editor = browser.new_page()
    editor.goto(f"{server}/admin/service-points/unhcr_rabat")
    log_in_page(editor, "editor")
    editor.wait_for_url("**/admin/service-points/unhcr_rabat")
    phones = editor.get_by_label("Phones", exact=False)
    phones.fill(phones.input_value().replace(old, NEW_NUMBER))
    editor.get_by_label("Note for the reviewer").fill("Number checked by phone today")
    editor.get_by_role("button", name="Save draft").click()
    editor.wait_for_url("**/admin/drafts/*")
    assert any(NEW_NUMBER in t for t in editor.locator("pre.diff ins").all_inner_texts())
    editor.get_by_role("button", name="Submit for review").click()
    assert editor.locator("#draft-status").inner_text() == "submitted"
    draft_url = editor.url
    assert _phone(engine) == old  # not published yet

    admin = browser.new_context().new_page()
    admin.goto(f"{server}/admin/login")
    log_in_page(admin, "admin")
    admin.wait_for_url("**/admin/")
    admin.goto(f"{server}/admin/drafts")
    admin.get_by_role("link", name=draft_url.rsplit("/", 1)[1], exact=True).click()
    admin.get_by_role("button", name="Publish").click()
    assert admin.locator("#draft-status").inner_text() == "published"
    # The very read path the actions use, on a new session: no restart, no cache.
    assert _phone(engine) == NEW_NUMBER
