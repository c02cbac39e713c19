"""The entitlement checker: page and API, in four languages, printable, with share text."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from dalil.i18n import LRI, PDI
from knowledge.repository import find_service_points, get_eligibility
from tests.gateway.accounts import login


def test_api_answers_a_refugee_in_tanger_in_spanish(client: TestClient, engine: Engine) -> None:
    login(client, "staff")
    response = client.get(
        "/api/v1/entitlements", params={"status": "refugee", "city": "tanger", "lang": "es"}
    )
    assert response.status_code == 200
    body = response.json()
    with Session(engine) as session:
        rules = get_eligibility(session, status="refugee", topic_id=None, language="es")
        health_points = find_service_points(
            session, city_id="tanger", topic_id="health_care", limit=3
        )
    assert [e["topic"] for e in body["entitlements"]] == [r.topic_id for r in rules]
    school = next(e for e in body["entitlements"] if e["topic"] == "school_access")
    expected = next(r for r in rules if r.topic_id == "school_access")
    assert school["conditions"] == expected.conditions and school["text_language"] == "es"
    assert school["documents"] == list(expected.documents)
    health = next(e for e in body["entitlements"] if e["topic"] == "health_care")
    assert [p["name"] for p in health["service_points"]] == [p.name for p in health_points]
    assert all(p["city"] == "tanger" for p in health["service_points"])
    assert health["service_points"][0]["phones"] == [x.number for x in health_points[0].phones]
    assert expected.conditions in body["share_text"]


def test_api_one_need_only_and_bad_input(client: TestClient) -> None:
    login(client, "staff")
    one = client.get(
        "/api/v1/entitlements",
        params={"status": "undocumented", "city": "rabat", "lang": "fr", "need": "health_care"},
    )
    assert [e["topic"] for e in one.json()["entitlements"]] == ["health_care"]
    assert (
        client.get(
            "/api/v1/entitlements", params={"status": "tourist", "city": "rabat"}
        ).status_code
        == 422
    )
    assert (
        client.get(
            "/api/v1/entitlements", params={"status": "refugee", "city": "paris"}
        ).status_code
        == 422
    )
    assert (
        client.get(
            "/api/v1/entitlements", params={"status": "refugee", "city": "rabat", "lang": "de"}
        ).status_code
        == 422
    )


def test_page_in_spanish_is_printable_with_a_copy_block(client: TestClient) -> None:
    login(client, "staff")
    page = client.get("/staff/", params={"status": "refugee", "city": "tanger", "lang": "es"}).text
    assert '<html lang="es" dir="ltr">' in page
    assert 'id="sheet"' in page and 'id="share-text"' in page
    assert "solicitud por escrito" in page  # a document from the Spanish rule text
    css = client.get("/static/admin.css").text
    print_block = css[css.index("@media print") :]
    assert ".no-print" in print_block and "display: none" in print_block and "@page" in print_block
    # Everything that is not the sheet is hidden when printing.
    assert re.search(r'<form[^>]*class="inline no-print"', page)
    assert 'class="share no-print"' in page


def test_page_in_arabic_is_right_to_left(client: TestClient) -> None:
    login(client, "staff")
    page = client.get(
        "/staff/", params={"status": "asylum_seeker", "city": "rabat", "lang": "ar"}
    ).text
    assert '<html lang="ar" dir="rtl">' in page
    assert 'id="sheet"' in page


def test_arabic_opening_hours_keep_their_direction(client: TestClient) -> None:
    """The checker writes hours as the bot does: each time range isolated in Arabic text."""
    login(client, "staff")
    body = client.get(
        "/api/v1/entitlements", params={"status": "asylum_seeker", "city": "rabat", "lang": "ar"}
    ).json()
    hours = [p["hours"] for e in body["entitlements"] for p in e["service_points"] if p["hours"]]
    assert hours
    assert all(h.count(LRI) == h.count(PDI) >= 1 for h in hours)
