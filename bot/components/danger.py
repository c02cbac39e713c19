"""Danger keyword matching (pure: no Rasa imports), used by the emergency override component."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from components.textnorm import normalize

KEYWORDS_FILE = Path(__file__).with_name("danger_keywords.yml")
LANGUAGES = ("fr", "ar", "en", "es")


@dataclass(frozen=True)
class DangerMatch:
    """Which danger category a text matched, and on which keyword."""

    category: str
    keyword: str


@dataclass(frozen=True)
class _Category:
    name: str
    pattern: re.Pattern[str]
    exempt_intents: frozenset[str]


def _is_arabic(keyword: str) -> bool:
    return any("\u0600" <= char <= "\u06ff" for char in keyword)


def _keyword_regex(keyword: str) -> str:
    """A regex for one keyword: whole words for Latin, anywhere for Arabic (clitics)."""
    keyword = normalize(keyword.strip())
    wildcard = keyword.endswith("*")
    body = re.escape(keyword.rstrip("*"))
    body = body.replace(r"\ ", r"\s+").replace("'", "['’ ]?")
    if _is_arabic(keyword):
        return body
    return rf"(?<!\w){body}" + (r"\w*" if wildcard else r"(?!\w)")


def compile_categories(data: Mapping[str, Any]) -> tuple[_Category, ...]:
    """Compile the YAML structure of danger_keywords.yml."""
    categories = []
    for name, spec in data["categories"].items():
        keywords: list[str] = []
        for language in LANGUAGES:
            keywords.extend(str(k) for k in spec.get(language, []))
        # Longest first so the reported keyword is the most specific one.
        keywords.sort(key=len, reverse=True)
        pattern = re.compile(
            "|".join(f"(?P<k{i}>{_keyword_regex(k)})" for i, k in enumerate(keywords))
        )
        categories.append(_Category(name, pattern, frozenset(spec.get("exempt_intents", []))))
    return tuple(categories)


@lru_cache(maxsize=4)
def load_categories(path: Path = KEYWORDS_FILE) -> tuple[_Category, ...]:
    """Load and compile the keyword file once."""
    with path.open(encoding="utf-8") as handle:
        return compile_categories(yaml.safe_load(handle))


def find_danger(
    text: str,
    *,
    intent: str | Iterable[str] | None = None,
    categories: Iterable[_Category] | None = None,
) -> DangerMatch | None:
    """The first danger category ``text`` matches, unless ``intent`` is exempt from it.

    ``intent`` may be several plausible intents (the classifier's top choices): a category is
    skipped when any of them is exempt, so a question about trafficking that the classifier
    ranked second is still answered as that question, not as an emergency.
    """
    plausible = {intent} if isinstance(intent, str) else set(intent or ())
    normalized = normalize(text)
    for category in categories if categories is not None else load_categories():
        if plausible & set(category.exempt_intents):
            continue
        match = category.pattern.search(normalized)
        if match:
            return DangerMatch(category.name, match.group(0))
    return None
