"""Personal data scrubbing and the unanswered questions queue."""

from __future__ import annotations

from datetime import timedelta

import pytest
import yaml
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from gateway.admin.scrub import scrub
from gateway.admin.unanswered import (
    CHOICE_WINDOW,
    CLARIFY,
    as_utc,
    record_choice,
    record_unanswered,
)
from tests.gateway.accounts import login


@pytest.mark.parametrize(
    ("text", "gone", "kept"),
    [
        (
            "Bonjour, je m'appelle Awa Diallo, mon numéro 06 12 34 56 78",
            ["Awa", "Diallo", "56 78"],
            ["Bonjour"],
        ),
        ("my name is John Smith and I need a lawyer", ["John", "Smith"], ["need a lawyer"]),
        (
            "Me llamo Juan, pasaporte AB1234567, correo juan.p@example.org",
            ["Juan", "AB1234567", "juan.p"],
            ["pasaporte"],
        ),
        ("اسمي محمد وأحتاج طبيبا", ["محمد"], ["اسمي"]),
        ("call +212 537 54 54 00 or +33 6 12 34 56 78", ["537", "6 12 34"], ["call"]),
        ("ma carte de séjour W123456 a expiré", ["W123456"], ["carte de séjour"]),
    ],
)
def test_scrub_removes_personal_data(text: str, gone: list[str], kept: list[str]) -> None:
    cleaned = scrub(text)
    for part in gone:
        assert part not in cleaned, cleaned
    for part in kept:
        assert part in cleaned, cleaned


def test_scrub_keeps_ordinary_numbers() -> None:
    assert scrub("I have 2 children aged 12 and 15") == "I have 2 children aged 12 and 15"


def test_queue_counts_handles_and_exports(client: TestClient, engine: Engine) -> None:
    with Session(engine) as session:
        record_unanswered(
            session,
            text="où trouver un avocat gratuit ? mon tel 0612345678",
            language="fr",
            reason="fallback",
            intent="ask_legal_aid",
            confidence=0.31,
            topic="legal_aid",
        )
        record_unanswered(
            session, text="¿dónde hay un abogado?", language="es", reason="out_of_scope"
        )
        record_unanswered(session, text="/ask_housing", language="fr")  # a button, not a question
        session.commit()
    token = login(client, "editor")
    data = client.get("/api/v1/admin/unanswered").json()
    assert data["total"] == 2
    assert data["by_language"] == {"fr": 1, "es": 1}
    assert data["by_topic"] == {"legal_aid": 1, "": 1}
    texts = {q["text"] for q in data["questions"]}
    assert "où trouver un avocat gratuit ? mon tel [PHONE]" in texts
    ids = [q["id"] for q in data["questions"]]
    export = client.post(
        "/admin/unanswered/export",
        data={"csrf_token": token, "intent": "ask_legal_aid", "ids": ids},
    )
    assert export.status_code == 200
    nlu = yaml.safe_load(export.text)["nlu"][0]
    assert nlu["intent"] == "ask_legal_aid"
    assert "- ¿dónde hay un abogado?" in nlu["examples"].splitlines()
    assert (
        client.post(f"/admin/unanswered/{ids[0]}/handled", data={"csrf_token": token}).status_code
        == 303
    )
    assert client.get("/api/v1/admin/unanswered").json()["total"] == 1


def test_a_topic_chosen_too_late_is_not_the_answer_to_did_you_mean(engine: Engine) -> None:
    with Session(engine) as session:
        asked = record_unanswered(
            session, text="landlord wants me out", language="en", reason=CLARIFY,
            sender="s", offered=["ask_housing", "ask_social_assistance"],
        )  # fmt: skip
        session.commit()
        assert asked is not None
        late = as_utc(asked.created_at) + CHOICE_WINDOW + timedelta(minutes=1)
        assert record_choice(session, sender="s", intent="ask_housing", at=late) is None
        in_time = late - timedelta(minutes=2)
        assert record_choice(session, sender="s", intent="ask_housing", at=in_time) is asked
        assert asked.chosen_intent == "ask_housing"
