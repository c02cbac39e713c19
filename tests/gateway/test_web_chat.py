"""The web chat page: the visitor's language and direction from the first paint, no external resources."""

from __future__ import annotations

import re

import pytest
from fakes.gateway import Harness, database_url, harness, world_and_url

from dalil.languages import negotiate

__all__ = ["database_url", "harness", "world_and_url"]


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("ar-MA,ar;q=0.9,fr;q=0.8", "ar"),
        ("de-DE,de;q=0.9,es;q=0.5,en;q=0.7", "en"),
        ("fr-FR", "fr"),
        ("de, it;q=0.5", None),
        ("", None),
        ("en;q=abc, es;q=0.2", "es"),
        ("es;q=0, en;q=0.1", "en"),
        ("AR", "ar"),
        (None, None),
    ],
)
def test_accept_language_is_negotiated_by_quality(header: str | None, expected: str | None) -> None:
    assert negotiate(header) == expected


def _html_tag(html: str) -> str:
    match = re.search(r"<html[^>]*>", html)
    assert match
    return match.group(0)


def test_arabic_browsers_get_a_right_to_left_page(harness: Harness) -> None:
    response = harness.client.get("/", headers={"Accept-Language": "ar-MA,ar;q=0.9"})
    assert response.status_code == 200
    assert _html_tag(response.text) == '<html lang="ar" dir="rtl">'
    assert '<option value="ar" lang="ar" selected>' in response.text
    assert response.headers["vary"] == "Accept-Language"


@pytest.mark.parametrize(("query", "lang"), [("", "fr"), ("?lang=es", "es"), ("?lang=xx", "fr")])
def test_other_visitors_get_a_left_to_right_page(harness: Harness, query: str, lang: str) -> None:
    response = harness.client.get(f"/{query}", headers={"Accept-Language": "de-DE"})
    assert _html_tag(response.text) == f'<html lang="{lang}" dir="ltr">'


def test_the_page_loads_nothing_from_elsewhere(harness: Harness) -> None:
    for path in ("/", "/static/chat.js", "/static/chat.css"):
        body = harness.client.get(path).text
        assert not re.search(r"https?://", body), path


def test_the_page_is_labelled_for_screen_readers(harness: Harness) -> None:
    html = harness.client.get("/").text
    assert 'role="log"' in html and 'aria-live="polite"' in html
    assert '<label for="text"' in html and '<label for="language"' in html
    assert 'id="locate"' in html and "aria-label=" in html
