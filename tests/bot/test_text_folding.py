"""Every text normaliser of the project, pinned on fr/ar/en/es/Arabizi strings.

The gateway, the actions, the knowledge layer and the Rasa components fold text for matching
(accents, case, Arabic letter forms and diacritics, separators). `folding_golden.json` holds
their outputs on `folding_corpus.txt` as they were before they became one implementation
(`components.textnorm.fold`): a change of any output fails here.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from components.textnorm import normalize

from actions.topics import _normalise as topic_normalise
from actions.topics import resolve_topic, topic_named_in
from gateway.alerts.texts import is_my_alerts, is_stop, word_language
from gateway.alerts.texts import normalise as alert_normalise
from gateway.language import WORDS, detect_message
from knowledge.cities import cities_named_in, resolve_city
from knowledge.cities import normalize as city_normalize

DATA = Path(__file__).with_name("data")
CORPUS = (DATA / "folding_corpus.txt").read_text(encoding="utf-8").splitlines()
GOLDEN = json.loads((DATA / "folding_golden.json").read_text(encoding="utf-8"))


def _detection(text: str) -> list[object] | None:
    found = detect_message(text)
    return [found.language, found.confident] if found else None


FUNCTIONS: dict[str, Callable[[str], object]] = {
    "textnorm.normalize": normalize,
    "cities.normalize": city_normalize,
    "cities.resolve_city": resolve_city,
    "cities.cities_named_in": cities_named_in,
    "topics.normalise": topic_normalise,
    "topics.resolve_topic": resolve_topic,
    "topics.topic_named_in": topic_named_in,
    "alerts.normalise": alert_normalise,
    "alerts.is_stop": is_stop,
    "alerts.is_my_alerts": is_my_alerts,
    "alerts.word_language": word_language,
    "language.detect_message": _detection,
}


def outputs(name: str) -> list[object]:
    """What `name` gives on each corpus line (JSON-shaped)."""
    return [json.loads(json.dumps(FUNCTIONS[name](line))) for line in CORPUS]


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_outputs_are_unchanged(name: str) -> None:
    """Each normaliser and each matcher built on one gives what it gave before."""
    assert dict(zip(CORPUS, outputs(name), strict=True)) == dict(
        zip(CORPUS, GOLDEN[name], strict=True)
    )


def test_language_word_lists_are_unchanged() -> None:
    """The language detector's word lists, folded, are what they were."""
    assert {lang: sorted(words) for lang, words in WORDS.items()} == GOLDEN["language.WORDS"]


def test_the_corpus_covers_every_language() -> None:
    """A corpus line in each of fr/ar/en/es and in Arabizi, so the pin means something."""
    detected = {tuple(d) if d else None for d in GOLDEN["language.detect_message"]}
    assert {("fr", True), ("ar", True), ("en", True), ("es", True), ("fr", False)} <= detected
