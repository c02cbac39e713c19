"""The trained model on Arabizi: topics understood, danger overridden, offsets in the user's text.

Probes written for this test (not in the training data nor in any test set). They run the engine
venv and need a trained model (`make train`).
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.bot.model import parse

TOPICS = {
    "salam 3afak, mrati mrida bzaf, fin n9der nl9a tbib fabor?": "ask_health_care",
    "bghit nkhdem f chi chantier, kayna chi khedma l lmigrants?": "ask_employment",
    "wach n9der nsajel bnti f lmadrasa dyal l7ouma?": "ask_school_access",
}
DANGER = ["3tqoni 3afak", "rajli kaydrebni w ma 3ndi fin nmchi"]
# A danger inside another question: only the keyword override makes it an emergency.
DANGER_INSIDE = "bghit nsajel wldi f lmadrasa walakin rajli kaydrebni"
CITY = "fin kayn lbureau dyal HCR f Rbat?"


@pytest.fixture(scope="module")
def parses() -> dict[str, dict[str, Any]]:
    """The newest model's parses of the probes, keyed by text."""
    return parse([*TOPICS, *DANGER, DANGER_INSIDE, CITY])


@pytest.mark.e2e
@pytest.mark.parametrize(("text", "intent"), list(TOPICS.items()))
def test_arabizi_questions_get_their_topic(
    parses: dict[str, dict[str, Any]], text: str, intent: str
) -> None:
    """Darija in Latin letters is understood, and the user's own text comes back."""
    assert parses[text]["intent"] == intent
    assert parses[text]["text"] == text


@pytest.mark.e2e
@pytest.mark.parametrize("text", DANGER)
def test_arabizi_danger_is_an_emergency(parses: dict[str, dict[str, Any]], text: str) -> None:
    """A danger written in Arabizi is answered as an emergency."""
    assert parses[text]["intent"] == "emergency"


@pytest.mark.e2e
def test_arabizi_danger_inside_another_question_is_overridden(
    parses: dict[str, dict[str, Any]],
) -> None:
    """The danger keywords, not a learned guess, turn a school question into an emergency."""
    parse = parses[DANGER_INSIDE]
    assert parse["intent"] == "emergency"
    assert parse["danger"] and parse["danger"]["category"] == "violence"


@pytest.mark.e2e
def test_arabizi_city_offsets_point_into_the_users_text(
    parses: dict[str, dict[str, Any]],
) -> None:
    """A city found in the Arabic-script rewrite is located in what the user typed."""
    city = [e for e in parses[CITY]["entities"] if e["entity"] == "city"]
    assert city, parses[CITY]
    assert city[0]["value"] == "rabat"
    assert CITY[city[0]["start"] : city[0]["end"]] == "Rbat"
