"""The latency section's comparison of Rasa's own action-answer check with the cached one."""

from __future__ import annotations

from typing import Any

import pytest

from bench import report
from tests.bench import MACHINE


def _row(rasa_ms: float, per_second: float) -> dict[str, Any]:
    return {
        "messages": 10,
        "p50_ms": 1.0,
        "p95_ms": 2.0,
        "p99_ms": 3.0,
        "per_second": per_second,
        "errors": 0,
        "empty": 0,
        "apology": 0,
        "cpu_ms_per_message": {"rasa": rasa_ms},
    }


def _figures(rasa_ms: float, per_second: float) -> dict[str, Any]:
    return {
        "levels": {
            "1": {
                "rasa_rest": _row(rasa_ms, per_second),
                "gateway": _row(rasa_ms + 1, per_second - 1),
            }
        },
        "messages_per_level": {"1": 10},
        "model": "m.tar.gz",
    }


def test_both_runs_are_shown_side_by_side_when_the_stock_run_exists(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    records = {
        "latency": {
            "machine": MACHINE,
            "command": "python -m bench latency",
            "figures": _figures(33.4, 26.5),
        },
        "latency-stock": {
            "machine": MACHINE,
            "command": "python -m bench latency --stock-action-check",
            "figures": _figures(68.2, 12.8),
        },
    }
    monkeypatch.setattr(report, "load", records.get)
    section = report.latency_section()
    assert "its own vs Dalil's cached validator" in section
    assert "| 1 | rasa_rest | 68.2 | 33.4 | 12.8 | 26.5 |" in section
    assert "| 1 | gateway | 69.2 | 34.4 | 11.8 | 25.5 |" in section


def test_without_a_stock_run_there_is_no_comparison(monkeypatch: pytest.MonkeyPatch) -> None:
    records = {
        "latency": {
            "machine": MACHINE,
            "command": "python -m bench latency",
            "figures": _figures(33.4, 26.5),
        }
    }
    monkeypatch.setattr(report, "load", records.get)
    assert "cached validator" not in report.latency_section()
