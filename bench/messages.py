"""Realistic user messages for the load generators: the held-out NLU examples, de-annotated."""

from __future__ import annotations

import random
import re
from pathlib import Path

import yaml

from dalil.languages import LANGUAGES
from dalil.settings import ROOT

# `[Rabat](city)`, `[Rabat]{"entity": "city"}`: keep the words the user typed.
_ANNOTATION = re.compile(r"\[([^\]]+)\](?:\([^)]*\)|\{[^}]*\})")


def _examples(path: Path) -> list[tuple[str, str]]:
    data = yaml.safe_load(path.read_text()) or {}
    rows = []
    for block in data.get("nlu") or []:
        intent = block.get("intent")
        for line in str(block.get("examples") or "").splitlines():
            text = _ANNOTATION.sub(r"\1", line.strip().removeprefix("- ").strip())
            if intent and text:
                rows.append((intent, text))
    return rows


def sample(count: int, *, seed: int = 8) -> list[tuple[str, str]]:
    """`count` (language, text) pairs from every language's held-out set, in a fixed order."""
    pool = [
        (lang, text)
        for lang in LANGUAGES
        if (path := ROOT / "bot" / "tests" / "nlu" / f"{lang}.yml").exists()
        for intent, text in _examples(path)
        # Deleting one's data and handing over change the conversation's course, not its cost.
        if intent not in {"delete_my_data", "human_handover"}
    ]
    if not pool:
        raise FileNotFoundError("no held-out NLU set in bot/tests/nlu/")
    rng = random.Random(seed)
    return [rng.choice(pool) for _ in range(count)]
