"""The Rasa project as a whole: data validation, test stories, and the trained model's parses.

These run the engine venv. The model tests need `make train` first (`make test` does it).
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.bot.model import latest_model, parse
from tests.engine import BOT, RASA, engine_env, run_engine_script

ENV = engine_env()


def test_data_validates() -> None:
    """`rasa data validate --fail-on-warnings` accepts the domain, NLU data, rules and stories."""
    result = subprocess.run(
        [str(RASA), "data", "validate", "--domain", "domain", "--fail-on-warnings"],
        cwd=BOT, env=ENV, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


@pytest.mark.e2e
def test_stories_pass(tmp_path: Path) -> None:
    """Every flow in every language, with NLU, predicts exactly the expected actions."""
    result = subprocess.run(
        [
            str(RASA), "test", "core", "--model", str(latest_model()), "--stories", "tests/stories",
            "--fail-on-prediction-errors", "--out", str(tmp_path),
        ],
        cwd=BOT, env=ENV, capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    failed = (
        (tmp_path / "failed_test_stories.yml").read_text(encoding="utf-8")
        if (tmp_path / "failed_test_stories.yml").exists()
        else ""
    )
    assert result.returncode == 0, failed + result.stdout[-3000:] + result.stderr[-3000:]


@pytest.fixture(scope="module")
def parses() -> dict[str, dict[str, Any]]:
    """The model's parses of the probe sentences, keyed by text."""
    texts = [
        "je veux inscrire mon fils à l'école mais mon mari me bat",
        "I need a job, my boss beats me",
        "بغيت نخدم ولكن كيضربني المعلم",
        "busco trabajo, me quieren matar",
        "مَدْرَسَةٌ فالرَّبَاط",
        "où aller à Témara",
        '/inform{"detail":"school_access"}',
        "how can my daughter register at school",
    ]
    return parse(texts)


@pytest.mark.e2e
@pytest.mark.parametrize(
    "text",
    [
        "je veux inscrire mon fils à l'école mais mon mari me bat",
        "I need a job, my boss beats me",
        "بغيت نخدم ولكن كيضربني المعلم",
        "busco trabajo, me quieren matar",
    ],
)
def test_danger_inside_another_question_is_an_emergency(
    parses: dict[str, dict[str, Any]], text: str
) -> None:
    """The deployed model, not just the keyword list, answers these as emergencies."""
    assert parses[text]["intent"] == "emergency"
    assert parses[text]["danger"]


@pytest.mark.e2e
def test_entities_point_into_the_original_text(parses: dict[str, dict[str, Any]]) -> None:
    """Offsets refer to what the user typed (diacritics, glued preposition), values are canonical."""
    text = "مَدْرَسَةٌ فالرَّبَاط"
    parse = parses[text]
    assert parse["text"] == text
    city = [e for e in parse["entities"] if e["entity"] == "city"]
    assert city, parse
    assert text[city[0]["start"] : city[0]["end"]] == "الرَّبَاط"
    assert city[0]["value"] == "rabat"

    text = "où aller à Témara"
    city = [e for e in parses[text]["entities"] if e["entity"] == "city"]
    assert city and text[city[0]["start"] : city[0]["end"]] == "Témara"
    assert city[0]["value"] == "temara"


@pytest.mark.e2e
def test_button_payloads_are_not_normalised(parses: dict[str, dict[str, Any]]) -> None:
    """A button payload keeps its intent and entity exactly."""
    parse = parses['/inform{"detail":"school_access"}']
    assert parse["intent"] == "inform"
    assert parse["entities"][0]["value"] == "school_access"


@pytest.mark.e2e
def test_the_served_intent_is_the_blend_of_diet_and_the_ngram_model(
    parses: dict[str, dict[str, Any]],
) -> None:
    """The model carries the n-gram blender, with the weight bot/config.yml sets."""
    config = yaml.safe_load((BOT / "config.yml").read_text())
    (blender,) = [c for c in config["pipeline"] if c["name"].endswith("NgramIntentBlender")]
    parse = parses["how can my daughter register at school"]
    assert parse["intent"] == "ask_school_access"
    learned, linear = parse["scores"]["learned"], parse["scores"]["linear"]
    expected = blender["weight"] * learned.get("ask_school_access", 0.0) + (
        1 - blender["weight"]
    ) * linear.get("ask_school_access", 0.0)
    assert parse["confidence"] == pytest.approx(expected, abs=1e-3)
    # A button payload is Rasa's to parse: the blender leaves it alone.
    assert parses['/inform{"detail":"school_access"}']["scores"] is None


def _held_out_texts(per_language: int = 30) -> list[str]:
    texts = []
    for language in ("fr", "ar", "en", "es"):
        data = yaml.safe_load((BOT / "tests" / "nlu" / f"{language}.yml").read_text())
        examples = [
            line.strip().removeprefix("- ")
            for block in data["nlu"]
            for line in block["examples"].splitlines()
            if line.strip()
        ]
        texts += examples[:: max(1, len(examples) // per_language)][:per_language]
    return texts


def _parse_with(texts: list[str], *, stock_model_load: bool) -> list[dict[str, Any]]:
    result = run_engine_script(
        Path(__file__).with_name("engine_parse.py"), str(latest_model()),
        env={"DALIL_RASA_STOCK_MODEL_LOAD": "1" if stock_model_load else "0"},
        input=json.dumps(texts), cwd=BOT, timeout=900,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    *_, counts, last = result.stdout.strip().splitlines()
    # DIET is the only model loaded through RasaModel.load: once the light way, or not at all.
    assert json.loads(counts)["fast_loads"] == (0 if stock_model_load else 1)
    parses: list[dict[str, Any]] = json.loads(last)
    return parses


@pytest.mark.e2e
def test_diet_loaded_without_a_training_step_predicts_as_rasas_load() -> None:
    """bot/fast_load.py (what `rasa run` uses) against Rasa's own `RasaModel.load`."""
    texts = _held_out_texts()
    assert len(texts) >= 100
    light = _parse_with(texts, stock_model_load=False)
    stock = _parse_with(texts, stock_model_load=True)
    assert [p["intent"] for p in light] == [p["intent"] for p in stock]
    assert [p["entities"] for p in light] == [p["entities"] for p in stock]
    for ours, theirs in zip(light, stock, strict=True):
        assert ours["confidence"] == pytest.approx(theirs["confidence"], abs=1e-6), ours["text"]
        assert ours["scores"] == theirs["scores"], ours["text"]
