"""The independent NLU test sets stay independent: never trained on, sourced, labelled right."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from components.textnorm import normalize

BOT_DIR = Path(__file__).resolve().parents[2] / "bot"
SETS = BOT_DIR / "tests" / "nlu_independent"
# Smaller independent sets written later, for some languages only (bot/scripts/eval.py).
FRESH = sorted((BOT_DIR / "tests" / "nlu_fresh").glob("*.yml"))
LANGUAGES = ("fr", "ar", "en", "es")
TOPIC_INTENTS = {
    "ask_asylum",
    "ask_residence_permit",
    "ask_legal_aid",
    "ask_health_care",
    "ask_school_access",
    "ask_employment",
    "ask_vocational_training",
    "ask_housing",
    "ask_social_assistance",
    "ask_birth_registration",
    "ask_voluntary_return",
    "ask_trafficking_help",
    "find_service_point",
    "check_eligibility",
    "emergency",
}
_ANNOTATION = re.compile(r"\[([^\]]*)\](?:\{[^}]*\}|\([^)]*\))")


def _examples(path: Path) -> dict[str, str]:
    """Each example's normalised text (entity markup removed) -> its intent."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    found: dict[str, str] = {}
    for block in data.get("nlu") or []:
        if "intent" not in block:
            continue
        for line in str(block.get("examples", "")).splitlines():
            text = line.strip().removeprefix("- ").strip()
            if text:
                found[normalize(_ANNOTATION.sub(r"\1", text))] = block["intent"]
    return found


def _training_texts() -> set[str]:
    texts: set[str] = set()
    for path in sorted((BOT_DIR / "data").rglob("*.yml")):
        texts.update(_examples(path))
    return texts


def _domain_intents() -> set[str]:
    intents: set[str] = set()
    for path in (BOT_DIR / "domain").glob("*.yml"):
        intents.update((yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("intents", []))
    return intents


@pytest.mark.parametrize(
    "path",
    [SETS / f"{language}.yml" for language in LANGUAGES] + FRESH,
    ids=lambda p: p.parent.name + "/" + p.name,
)
def test_never_trained_on(path: Path) -> None:
    """No example of an independent set appears in the training data, even re-cased or re-accented."""
    leaked = sorted(set(_examples(path)) & _training_texts())
    assert not leaked, leaked


def test_the_fresh_sets_exist_and_use_known_intents() -> None:
    """The fresh sets are checked like the others (an empty folder would check nothing)."""
    assert FRESH
    for path in FRESH:
        examples = _examples(path)
        assert len(examples) >= 20 and set(examples.values()) <= _domain_intents()


@pytest.mark.parametrize("language", LANGUAGES)
def test_sized_and_labelled_with_known_intents(language: str) -> None:
    """About a hundred questions per language, every label an intent of the domain."""
    examples = _examples(SETS / f"{language}.yml")
    assert len(examples) >= 100
    assert set(examples.values()) <= _domain_intents()


@pytest.mark.parametrize(
    "path",
    [SETS / f"{language}.yml" for language in LANGUAGES] + FRESH,
    ids=lambda p: p.parent.name + "/" + p.name,
)
def test_every_topic_group_says_where_its_wording_came_from(path: Path) -> None:
    """Right above every topic group: a comment naming the page its wording was paraphrased from."""
    lines = path.read_text(encoding="utf-8").splitlines()
    for index, line in enumerate(lines):
        intent = line.removeprefix("- intent:").strip()
        if not line.startswith("- intent:") or intent not in TOPIC_INTENTS:
            continue
        comments: list[str] = []
        above = index - 1
        while above >= 0 and lines[above].startswith("#"):
            comments.append(lines[above])
            above -= 1
        assert any(re.search(r"https?://|\.org|\.info|IOM|UNHCR", c) for c in comments), intent


def test_leak_check_catches_a_copied_line(tmp_path: Path) -> None:
    """A training line pasted into a test set is caught even re-cased, re-accented, annotated."""
    training_file = tmp_path / "train.yml"
    training_file.write_text(
        'version: "3.1"\nnlu:\n- intent: ask_school_access\n  examples: |\n'
        "    - comment inscrire mon enfant a l ecole a [Rabat](city)\n",
        encoding="utf-8",
    )
    test_file = tmp_path / "fr.yml"
    test_file.write_text(
        'version: "3.1"\nnlu:\n- intent: ask_school_access\n  examples: |\n'
        "    - Comment inscrire mon enfant à l ÉCOLE à Rabat\n",
        encoding="utf-8",
    )
    assert set(_examples(test_file)) & set(_examples(training_file))
