"""A published service point change proposes alerts for its topics in its city, in four languages."""

from __future__ import annotations

import html as html_lib
import re

import pytest
from fastapi.testclient import TestClient

from tests.gateway.accounts import login

NEW_NUMBER = "+212537000111"


def _point_form(client: TestClient, point_id: str) -> dict[str, str]:
    html = client.get(f"/admin/service-points/{point_id}").text
    data = dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', html))
    data.update(re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', html, re.S))
    for name in re.findall(r'<input type="checkbox" name="([^"]+)" checked', html):
        data[name] = "on"
    return {k: html_lib.unescape(v) for k, v in data.items()}


@pytest.mark.postgres
def test_a_service_point_change_proposes_alerts_for_its_topics(client: TestClient) -> None:
    login(client, "editor")
    form = _point_form(client, "unhcr_rabat")
    form["phones"] = form["phones"].replace("+212537545400", NEW_NUMBER)
    saved = client.post("/admin/service-points/unhcr_rabat", data=form)
    assert saved.status_code == 303
    draft = saved.headers["location"]
    assert (
        client.post(f"{draft}/submit", data={"csrf_token": form["csrf_token"]}).status_code == 303
    )
    token = login(client, "admin")
    assert client.get("/api/v1/admin/alerts").json() == []  # nothing before publication
    assert client.post(f"{draft}/publish", data={"csrf_token": token}).status_code == 303
    alerts = client.get("/api/v1/admin/alerts").json()
    assert alerts and all(a["city"] == "rabat" and a["status"] == "proposed" for a in alerts)
    assert len({a["topic"] for a in alerts}) == len(alerts)
    for alert in alerts:
        assert NEW_NUMBER in alert["texts"]["fr"]
        # Arabic: the number sits in a left-to-right isolate inside the right-to-left text.
        assert f"\u2066{NEW_NUMBER}\u2069" in alert["texts"]["ar"]
        assert alert["source"] and alert["changed_on"]
        assert "http" not in alert["texts"]["sms:es"]
