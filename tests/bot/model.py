"""The newest trained model, and its parses of some texts (`engine_parse.py`, engine venv)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bot.scripts import train as trainer
from tests.engine import BOT, run_engine_script


def latest_model() -> Path:
    """The newest model in bot/models/; fails the test when there is none."""
    model = trainer.latest_model()
    if model is None:
        pytest.fail("no model in bot/models/: run `make train`")
    return model


def parse(texts: list[str]) -> dict[str, dict[str, Any]]:
    """The newest model's parses of `texts`, keyed by text."""
    result = run_engine_script(
        Path(__file__).with_name("engine_parse.py"), str(latest_model()),
        input=json.dumps(texts), cwd=BOT, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    return {p["text"]: p for p in json.loads(result.stdout.strip().splitlines()[-1])}
