"""The long-conversation figures: the ratio last/first, the table and the chart drawn from them."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from bench import longconv, report
from tests.bench import MACHINE


def growing(turns: int, base: float, per_turn: float) -> list[float]:
    return [base + per_turn * i for i in range(turns)]


def test_the_ratio_compares_the_last_30_turns_with_turns_2_to_31() -> None:
    # 100 ms + 2 ms per earlier turn: turns 2-31 have median 100 + 2*15.5, the last 30 100 + 2*284.5
    seconds = [ms / 1000 for ms in growing(300, 100, 2)]
    result = longconv.summarise(seconds)
    assert result["p50_first_ms"] == 131.0
    assert result["p50_last_ms"] == 669.0
    assert result["ratio"] == pytest.approx(669 / 131, abs=0.01)
    assert [b["turns"] for b in result["blocks"]][:2] == ["1-30", "31-60"]
    assert len(result["ms"]) == 300

    flat = longconv.summarise([0.1] * 300)
    assert flat["ratio"] == 1.0


def _run(first: float, per_turn: float) -> dict[str, Any]:
    result = longconv.summarise([ms / 1000 for ms in growing(60, first, per_turn)])
    result.update(answers=["a"] * 60, seconds=1.0, rasa_cpu_ms_per_turn=30.0)
    return result


def test_the_section_shows_both_stores_and_writes_the_chart_from_the_data(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    figures = {
        "turns": 60,
        "script": ["bonjour"],
        "runs": {
            config: {"stock": _run(100, 3), "bounded": _run(100, 0), "answers_differ": []}
            for config in ("sqlite", "postgres")
        },
    }
    record = {"machine": MACHINE, "command": "python -m bench longconv", "figures": figures}
    monkeypatch.setattr(report, "load", {"longconv": record}.get)
    monkeypatch.setattr(report, "CHART", tmp_path / "long-conversation.svg")
    section = report.longconv_section()
    stock_ratio = figures["runs"]["sqlite"]["stock"]["ratio"]
    assert stock_ratio > 1.5
    assert "| sqlite | stock | " in section and f"**{stock_ratio}**" in section
    assert "| postgres | bounded | 100.0 | 100.0 | **1.0** | 30.0 |" in section
    assert "differed at 0 of 60 turns" in section
    svg = ET.fromstring((tmp_path / "long-conversation.svg").read_text())
    lines = svg.findall("{http://www.w3.org/2000/svg}polyline")
    assert len(lines) == 4
    # Each line has one point per turn, and the stock line climbs while the bounded one is flat.
    for line in lines:
        assert len(line.get("points", "").split()) == 60
    ys = [[float(p.split(",")[1]) for p in line.get("points", "").split()] for line in lines]
    assert ys[0][-1] < ys[0][0]  # SVG y grows downwards: the stock line rose
    assert ys[2][-1] == ys[2][0]  # bounded, sqlite: flat
