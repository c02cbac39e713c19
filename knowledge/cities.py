"""Resolve the many spellings of Moroccan cities to canonical ids (pure, no database)."""

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml
from components.textnorm import fold, separator_pattern
from rapidfuzz import fuzz, process

from knowledge.settings import CONTENT_DIR

CITIES_FILE = CONTENT_DIR / "cities.yml"
# Below this similarity (0-100) a typo is too far from any city to guess.
FUZZY_CUTOFF = 80
MIN_FUZZY_LENGTH = 4
# Spellings that are also everyday words ("casa" is a house, "sale" is dirty): they name a
# city only when they are the whole text, never inside a sentence or as a typo target.
WHOLE_TEXT_ONLY = frozenset({"casa", "sale", "sla", "fas", "kech", "anfa"})

_SEPARATORS = separator_pattern()


@dataclass(frozen=True)
class CityInfo:
    """A city's id, centre and names."""

    id: str
    lat: float
    lon: float
    names: Mapping[str, str]
    aliases: tuple[str, ...]


def normalize(text: str) -> str:
    """Lowercase, strip accents and Arabic diacritics, unify Arabic letter forms and separators."""
    return fold(text, letter_forms=True, separators=_SEPARATORS)


def load_cities(path: Path = CITIES_FILE) -> dict[str, CityInfo]:
    """Read the cities file."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    cities: dict[str, CityInfo] = {}
    for entry in data["cities"]:
        cities[entry["id"]] = CityInfo(
            id=entry["id"],
            lat=float(entry["lat"]),
            lon=float(entry["lon"]),
            names=dict(entry["names"]),
            aliases=tuple(str(a) for a in entry.get("aliases", [])),
        )
    return cities


@lru_cache(maxsize=1)
def cities() -> dict[str, CityInfo]:
    """The shipped cities, read once."""
    return load_cities()


@lru_cache(maxsize=1)
def _spellings() -> dict[str, str]:
    """Every normalised spelling mapped to its city id."""
    table: dict[str, str] = {}
    for city in cities().values():
        for spelling in (city.id, *city.names.values(), *city.aliases):
            key = normalize(spelling)
            if key:
                table.setdefault(key, city.id)
    return table


def _ngrams(words: list[str], max_n: int = 3) -> list[str]:
    """Word n-grams of a phrase, longest first, so "el aaiun" wins over "el"."""
    grams: list[str] = []
    for n in range(min(max_n, len(words)), 0, -1):
        grams.extend(" ".join(words[i : i + n]) for i in range(len(words) - n + 1))
    return grams


def resolve_city(text: str) -> str | None:
    """Return the canonical id of the city named in `text`, or None."""
    key = normalize(text)
    if not key:
        return None
    table = _spellings()
    if key in table:
        return table[key]
    grams = _ngrams(key.split())
    for gram in grams:
        if gram in table and gram not in WHOLE_TEXT_ONLY:
            return table[gram]
    targets = [k for k in table if k not in WHOLE_TEXT_ONLY]
    best: tuple[str, float] | None = None
    for candidate in [key, *grams]:
        if len(candidate.replace(" ", "")) < MIN_FUZZY_LENGTH:
            continue
        match = process.extractOne(candidate, targets, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF)
        if match is not None and (best is None or match[1] > best[1]):
            best = (table[match[0]], match[1])
    return best[0] if best else None


def cities_named_in(text: str) -> list[str]:
    """The cities a sentence names by one of their exact spellings, in the order it names them.

    No fuzzy matching here: in a whole sentence, a near-spelling is more often another word.
    """
    words = normalize(text).split()
    table = _spellings()
    found: list[tuple[int, str]] = []
    taken: set[int] = set()
    for n in range(min(3, len(words)), 0, -1):
        for start in range(len(words) - n + 1):
            span = set(range(start, start + n))
            gram = " ".join(words[start : start + n])
            if gram in table and gram not in WHOLE_TEXT_ONLY and not span & taken:
                taken |= span
                found.append((start, table[gram]))
    ordered: list[str] = []
    for _start, city_id in sorted(found):
        if city_id not in ordered:
            ordered.append(city_id)
    return ordered


def city_name(city_id: str, language: str) -> str:
    """The city's name in `language`, falling back to French, then to the id."""
    city = cities().get(city_id)
    if city is None:
        return city_id
    return city.names.get(language) or city.names.get("fr") or city_id
