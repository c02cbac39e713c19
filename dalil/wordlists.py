"""Word lists kept as data: a YAML mapping of names to lists of words, beside the module that
uses them (e.g. `gateway/language_words.yml`, `actions/topic_words.yml`)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import yaml


class WordListError(ValueError):
    """A word-list file that cannot be used as it is; the message names the file and the entry."""


def load_word_lists(path: Path, *, required: Iterable[str] = ()) -> dict[str, tuple[str, ...]]:
    """The lists of `path`, checked: a mapping of names to lists of non-empty strings that has
    every name in `required` (YAML reads an unquoted yes, no, on, off or number as no word)."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise WordListError(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise WordListError(f"{path}: expected a mapping of names to lists of words")
    lists: dict[str, tuple[str, ...]] = {}
    for name, words in data.items():
        if not isinstance(words, list):
            raise WordListError(f"{path}: {name!r} must be a list of words")
        for position, word in enumerate(words, start=1):
            if not isinstance(word, str) or not word.strip():
                raise WordListError(
                    f"{path}: {name!r}, entry {position}: {word!r} is not a word "
                    "(quote yes, no, on, off and numbers)"
                )
        lists[str(name)] = tuple(words)
    missing = sorted(set(required) - lists.keys())
    if missing:
        raise WordListError(f"{path}: missing {', '.join(missing)}")
    return lists
