"""The word lists kept as data (gateway/language_words.yml, actions/topic_words.yml) load, and a
malformed file fails with a message that names the file and the entry."""

from __future__ import annotations

from pathlib import Path

import pytest

from dalil.wordlists import WordListError, load_word_lists
from gateway import language


def test_the_language_word_lists_load() -> None:
    """Each list is there, non-empty, made of words; the detector uses them folded."""
    lists = load_word_lists(language.WORDS_FILE, required=("neutral", "fr", "en", "es"))
    assert all(lists[name] for name in ("neutral", "fr", "en", "es"))
    assert "merci" in language.NEUTRAL_WORDS
    assert {"ecole", "ca"} <= language.WORDS["fr"]  # "école" and "ça", folded
    assert {"donde", "que"} <= language.WORDS["es"]


def test_the_topic_word_lists_load() -> None:
    """actions/topic_words.yml passes the same checks."""
    path = Path(language.__file__).parents[1] / "actions" / "topic_words.yml"
    assert "health_care" in load_word_lists(path)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("fr: [et, je\n", "not valid YAML"),
        ("- et\n- je\n", "expected a mapping"),
        ("fr: et\n", "'fr' must be a list of words"),
        ("fr: [et, je]\nen: [yes, no]\n", "'en', entry 1: True is not a word"),
        ("fr: [et, 4]\n", "'fr', entry 2: 4 is not a word"),
        ("fr: [et, '']\n", "'fr', entry 2: '' is not a word"),
        ("fr: [et]\n", "missing en"),
    ],
)
def test_a_malformed_file_fails_clearly(tmp_path: Path, text: str, message: str) -> None:
    """The error names the file and what is wrong with it."""
    path = tmp_path / "words.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(WordListError, match=r"words\.yml") as error:
        load_word_lists(path, required=("fr", "en"))
    assert message in str(error.value)
