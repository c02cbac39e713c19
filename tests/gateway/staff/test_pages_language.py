"""Staff and admin pages speak the staff member's language: chosen, remembered, or the browser's."""

from __future__ import annotations

from fastapi.testclient import TestClient

from dalil.i18n import gettext
from tests.gateway.accounts import login


def test_the_checker_is_in_arabic_when_arabic_is_chosen(client: TestClient) -> None:
    login(client, "staff")
    page = client.get(
        "/staff/", params={"status": "asylum_seeker", "city": "rabat", "lang": "ar"}
    ).text
    assert '<html lang="ar" dir="rtl">' in page
    for message in ("What is this person entitled to?", "Log out", "Text to send on WhatsApp"):
        arabic = gettext("ar", message)
        assert arabic != message and arabic in page, message
        assert message not in page


def test_the_language_switch_is_remembered_across_pages(client: TestClient) -> None:
    login(client, "staff")
    page = client.get("/staff/handovers", params={"ui": "ar"})
    assert page.status_code == 200
    assert '<html lang="ar" dir="rtl">' in page.text
    assert gettext("ar", "Conversations waiting for a person") in page.text
    assert "Conversations waiting for a person" not in page.text
    # Every page offers the four languages, the current one marked.
    assert 'href="?ui=fr" lang="fr"' in page.text and 'aria-current="true">العربية' in page.text

    # The choice is kept in a cookie: the next page, without the parameter, is still Arabic.
    later = client.get("/staff/handovers").text
    assert '<html lang="ar" dir="rtl">' in later
    assert gettext("ar", "Log out") in later


def test_without_a_choice_the_browser_language_is_used(client: TestClient) -> None:
    page = client.get("/admin/login", headers={"Accept-Language": "es-ES,es;q=0.9,en;q=0.5"}).text
    assert '<html lang="es" dir="ltr">' in page
    assert gettext("es", "Password") in page and "Password" not in page
    english = client.get("/admin/login").text
    assert '<html lang="en" dir="ltr">' in english and "Password" in english
