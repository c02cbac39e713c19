"""The web chat page: the visitor's language and direction from the first paint, no external resources."""

from __future__ import annotations

import re

import pytest

from dalil.languages import negotiate
from tests.fakes.gateway import Harness, running_gateway, settings_for


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
        # The footer's link to the source is followed by a person, never loaded by the page.
        body = harness.client.get(path).text.replace(f'href="{harness.settings.source_url}"', "")
        assert not re.search(r"https?://", body), path


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("fr", "Code source"),
        ("ar", "الشفرة المصدرية"),
        ("en", "Source code"),
        ("es", "Código fuente"),
    ],
)
def test_the_footer_links_to_the_source(harness: Harness, lang: str, text: str) -> None:
    """The AGPL (section 13): the users of the service are offered its source, in their language."""
    html = harness.client.get(f"/?lang={lang}").text
    link = f'<a id="source" href="/source" target="_blank" rel="noopener">{text}</a>'
    assert re.search(r"<footer>\s*" + re.escape(link) + r"\s*</footer>", html)
    assert f'"source": "{text}"' in html  # the script's strings, for a change of language


def test_the_source_link_is_a_setting(world_and_url: tuple[object, str], inbox_url: str) -> None:
    _, url = world_and_url
    settings = settings_for(url, inbox_url, source_url="https://code.example.org/our-fork")
    with running_gateway(settings) as client:
        html = client.get("/").text
    assert 'href="https://code.example.org/our-fork"' in html


def test_without_a_source_url_the_link_says_what_the_licence_grants(harness: Harness) -> None:
    """No invented address: the gateway's own page names the licence and the right to the source."""
    assert harness.settings.source_url is None
    response = harness.client.get("/source")
    assert response.status_code == 200
    assert "GNU Affero General Public License" in response.text
    assert "Section 13" in response.text and "article 13" in response.text


def test_the_page_is_labelled_for_screen_readers(harness: Harness) -> None:
    html = harness.client.get("/").text
    assert 'role="log"' in html and 'aria-live="polite"' in html
    assert '<label for="text"' in html and '<label for="language"' in html
    assert 'id="locate"' in html and "aria-label=" in html
