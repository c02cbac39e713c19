"""The admin JSON API documents its answers in /openapi.json (Pydantic response models)."""

from __future__ import annotations

from typing import Any

from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from gateway.admin.api import api
from gateway.admin.models import DraftStatus
from gateway.app import create_app
from tests.gateway.accounts import make_settings


def _schema() -> dict[str, Any]:
    app = create_app(make_settings("sqlite:///:memory:", api_docs=True))
    document: dict[str, Any] = TestClient(app).get("/openapi.json").json()
    return document


def test_every_admin_api_answer_has_a_documented_model() -> None:
    document = _schema()
    ours = {route.path for route in api.routes if isinstance(route, APIRoute)}
    operations = {
        (method, path): operation
        for path, item in document["paths"].items()
        if path in ours
        for method, operation in item.items()
    }
    assert len(operations) == 8
    for (method, path), operation in operations.items():
        ok = operation["responses"].get("200") or operation["responses"]["201"]
        schema = ok["content"]["application/json"]["schema"]
        named = schema.get("$ref") or schema.get("items", {}).get("$ref")
        assert named, f"{method.upper()} {path} answers an undocumented object: {schema}"


def test_the_draft_status_is_the_enum() -> None:
    schemas = _schema()["components"]["schemas"]
    assert schemas["DraftStatus"]["enum"] == [s.value for s in DraftStatus]
    assert schemas["DraftOut"]["properties"]["status"] == {
        "$ref": "#/components/schemas/DraftStatus"
    }
