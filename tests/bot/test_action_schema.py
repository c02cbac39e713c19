"""The cached validation of action server answers behaves exactly like Rasa's own check."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from components import action_schema

from tests.engine import run_engine_script


def _run_engine_check(env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """engine_action_schema.py's output: one JSON line per case."""
    return run_engine_script(
        Path(__file__).with_name("engine_action_schema.py"), env=env, check=True, timeout=300
    )


def test_outside_the_engine_installing_is_a_no_op() -> None:
    assert action_schema.install() is False
    assert action_schema.ORIGINAL is None


def test_in_the_engine_it_is_installed_and_accepts_and_refuses_what_rasa_does() -> None:
    result = _run_engine_check()
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert lines[0] == {"installed": True}
    cases = {line["case"]: line for line in lines[1:]}
    assert len(cases) == 7
    for case in cases.values():
        assert case["ours"] == case["rasa"], case
    assert cases["events and responses"]["ours"] == "ok"
    refused = ["unknown event", "events not a list", "slot without name", "responses not a list"]
    for name in refused:
        assert "Failed to validate Action server response" in cases[name]["ours"], name


def test_the_stock_check_can_be_kept_to_measure_it() -> None:
    result = _run_engine_check({action_schema.STOCK_ENV: "1"})
    first = next(line for line in result.stdout.splitlines() if line.startswith("{"))
    assert json.loads(first) == {"installed": False}
