"""The review loop: grouped questions, a label, and NLU YAML written only on export."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from gateway.admin.models import UnansweredQuestion
from gateway.admin.review import annotate, group_questions
from gateway.admin.unanswered import record_unanswered
from gateway.app import create_app
from tests.fakes.gateway import fake_world
from tests.gateway.accounts import csrf_of, login, make_settings


@pytest.fixture
def reviewed(tmp_path: Path) -> Path:
    """The review folder of this test."""
    return tmp_path / "reviewed"


@pytest.fixture
def review_client(database_url: str, reviewed: Path) -> Iterator[TestClient]:
    """A gateway writing reviewed examples into the test's own folder."""
    settings = make_settings(database_url, review_dir=reviewed)
    with TestClient(create_app(settings), follow_redirects=False) as made:
        yield made


def _question(
    id_: int, text: str, language: str = "fr", intent: str | None = None
) -> UnansweredQuestion:
    return UnansweredQuestion(
        id=id_, text=text, language=language, reason="fallback", intent=intent
    )


def test_similar_questions_of_one_language_are_grouped() -> None:
    groups = group_questions([
        _question(1, "où trouver un avocat gratuit à Oujda", intent="ask_legal_aid"),
        _question(2, "je cherche un avocat gratuit", intent="ask_employment"),
        _question(3, "avocat gratuit ?", intent="ask_legal_aid"),
        _question(4, "quelle heure est-il", intent="out_of_scope"),
        _question(5, "avocat gratuit", language="es"),
    ])  # fmt: skip
    assert [[q.id for q in g.questions] for g in groups] == [[1, 2, 3], [4], [5]]
    assert groups[0].guess == "ask_legal_aid"


def test_entities_are_written_inline_as_rasa_reads_them() -> None:
    assert (
        annotate("aide  juridique à oujda ?", [("city", "Oujda")])
        == "aide juridique à [oujda](city) ?"
    )


def test_a_labelled_group_is_exported_only_on_request(
    review_client: TestClient, engine: Engine, reviewed: Path
) -> None:
    with Session(engine) as session:
        for text in ("avocat gratuit à Oujda, mon tel 0612345678", "un avocat gratuit svp"):
            record_unanswered(session, text=text, language="fr", reason="fallback",
                              intent="ask_employment", confidence=0.3)  # fmt: skip
        record_unanswered(
            session, text="محامي بالمجان فوجدة", language="ar", reason="low_confidence"
        )
        session.commit()
    login(review_client, "editor")
    page = review_client.get("/admin/review")
    assert page.status_code == 200
    assert "avocat gratuit à Oujda, mon tel [PHONE]" in page.text  # scrubbed when recorded
    assert not reviewed.exists()  # looking is not exporting

    with Session(engine) as session:
        ids = [q.id for q in session.query(UnansweredQuestion).filter_by(language="fr")]
    token = csrf_of(page.text)
    refused = review_client.post("/admin/review/export",
                                 data={"csrf_token": token, "intent": "ask_nothing", "ids": ids})  # fmt: skip
    assert refused.status_code == 422 and not reviewed.exists()

    done = review_client.post(
        "/admin/review/export",
        data={
            "csrf_token": token,
            "intent": "ask_legal_aid",
            "ids": ids,
            "entities": "city: Oujda",
        },
    )
    assert done.status_code == 303
    written = reviewed / "fr" / "ask_legal_aid.yml"
    nlu = yaml.safe_load(written.read_text(encoding="utf-8"))["nlu"]
    assert nlu[0]["intent"] == "ask_legal_aid"
    examples = nlu[0]["examples"].splitlines()
    assert "- avocat gratuit à [Oujda](city), mon tel [PHONE]" in examples
    assert "- un avocat gratuit svp" in examples
    # The exported questions leave the queue; the Arabic one is still waiting.
    left = review_client.get("/admin/review").text
    assert "un avocat gratuit svp" not in left and "محامي بالمجان فوجدة" in left


CHOICE_FORM = re.compile(r'<form[^>]*class="choice">(.*?)</form>', re.S)


def test_the_topic_chosen_after_did_you_mean_is_shown_and_accepted_in_one_click(
    database_url: str, engine: Engine, reviewed: Path
) -> None:
    with fake_world() as (_world, url):
        settings = make_settings(database_url, rasa_url=url, review_dir=reviewed)
        with TestClient(create_app(settings), follow_redirects=False) as client:

            def chat(sender: str, text: str) -> None:
                response = client.post(
                    "/api/v1/chat", json={"sender": sender, "text": text, "language": "en"}
                )
                assert response.status_code == 200, response.text

            chat("ana", "unsure landlord say i must go out, call me 0612345678")
            chat("ana", "/ask_housing")
            chat("ben", "unsure the landlord says i must leave the house")
            chat("ben", "/ask_housing")
            chat("ben", "/ask_social_assistance")  # the first topic chosen counts
            # Not among the topics offered: not taken as the answer to "did you mean…?".
            chat("eve", "unsure landlord wants me out")
            chat("eve", "/ask_employment")
            chat("bob", "/ask_housing")  # a topic button without a clarification before
            with Session(engine) as session:
                rows = session.scalars(select(UnansweredQuestion).order_by(UnansweredQuestion.id))
                assert [(q.reason, q.intent, q.chosen_intent) for q in rows] == [
                    ("clarify", "ask_housing", "ask_housing"),
                    ("clarify", "ask_housing", "ask_housing"),
                    ("clarify", "ask_housing", None),
                ]
            login(client, "editor")
            page = client.get("/admin/review").text
            assert "landlord say i must go out, call me [PHONE]" in page  # scrubbed
            choices = CHOICE_FORM.findall(page)
            assert len(choices) == 1 and "<code>ask_housing</code> (2)" in choices[0]
            fields = dict(re.findall(r'name="(csrf_token|intent)" value="([^"]+)"', choices[0]))
            ids = re.findall(r'name="ids" value="(\d+)"', choices[0])
            done = client.post("/admin/review/export", data={**fields, "ids": ids})
            assert done.status_code == 303
    examples = yaml.safe_load((reviewed / "en" / "ask_housing.yml").read_text())["nlu"][0]
    assert examples["examples"].splitlines() == [
        "- unsure landlord say i must go out, call me [PHONE]",
        "- unsure the landlord says i must leave the house",
    ]


def test_questions_the_bot_did_not_understand_reach_the_review_queue(
    database_url: str, engine: Engine, reviewed: Path
) -> None:
    """Rasa's fallback and out-of-scope answers queue the question (scrubbed) for review."""
    with fake_world() as (_world, url):
        settings = make_settings(database_url, rasa_url=url, review_dir=reviewed)
        with TestClient(create_app(settings), follow_redirects=False) as client:
            for sender, text in [
                ("ana", "blah my papers expire, call 0612345678"),
                ("ben", "weather in rabat tomorrow?"),
                ("eve", "topic:health_care"),  # understood: not queued
            ]:
                response = client.post(
                    "/api/v1/chat", json={"sender": sender, "text": text, "language": "en"}
                )
                assert response.status_code == 200, response.text
            with Session(engine) as session:
                rows = session.scalars(select(UnansweredQuestion).order_by(UnansweredQuestion.id))
                assert [(q.reason, q.intent, q.text) for q in rows] == [
                    ("fallback", "nlu_fallback", "blah my papers expire, call [PHONE]"),
                    ("out_of_scope", "out_of_scope", "weather in rabat tomorrow?"),
                ]
            login(client, "editor")
            page = client.get("/admin/review").text
            assert "blah my papers expire, call [PHONE]" in page
            assert "weather in rabat tomorrow?" in page
