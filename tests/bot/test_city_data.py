"""The committed city synonyms and lookup table match knowledge/content/cities.yml."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import yaml
from components.textnorm import normalize

SCRIPT = Path(__file__).resolve().parents[2] / "bot" / "scripts" / "gen_city_data.py"


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_city_data", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["gen_city_data"] = module
    spec.loader.exec_module(module)
    return module


def test_generated_files_are_in_sync() -> None:
    """Run `.venv/bin/python bot/scripts/gen_city_data.py` when this fails."""
    gen = _generator()
    synonyms_text, lookup_text = gen.render(gen.load_cities())
    assert gen.SYNONYMS_FILE.read_text(encoding="utf-8") == synonyms_text
    assert gen.LOOKUP_FILE.read_text(encoding="utf-8") == lookup_text


def test_every_city_and_spelling_maps_to_its_id() -> None:
    """Each city's names in the four languages and its aliases resolve to the canonical id."""
    gen = _generator()
    cities = gen.load_cities()
    synonyms = yaml.safe_load(gen.SYNONYMS_FILE.read_text(encoding="utf-8"))["nlu"]
    table = {
        normalize(line[2:]): entry["synonym"]
        for entry in synonyms
        for line in entry["examples"].splitlines()
    }
    assert {entry["synonym"] for entry in synonyms} == {city["id"] for city in cities}
    for city in cities:
        for name in [*city["names"].values(), *city.get("aliases", [])]:
            assert table[normalize(name)] == city["id"], name


def test_no_spelling_names_two_cities() -> None:
    """A spelling shared by two cities would make the synonym mapping arbitrary."""
    gen = _generator()
    owners: dict[str, str] = {}
    for city_id, names in gen.city_spellings(gen.load_cities()).items():
        for name in names:
            key = normalize(name)
            assert owners.setdefault(key, city_id) == city_id, (
                f"{name}: {owners[key]} and {city_id}"
            )
