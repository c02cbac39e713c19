"""`python -m bench nlu` reusing a trained baseline, and the page sections it feeds."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bench import nlu, report
from tests.bench import MACHINE


def _rows(predicted: str) -> list[dict[str, str]]:
    return [
        {"file": "fr", "gold": "greet", "predicted": predicted},
        {"file": "ar", "gold": "thank", "predicted": "thank"},
    ]


def test_a_trained_baseline_is_evaluated_again_without_retraining(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ours = tmp_path / "ours.tar.gz"
    ours.write_bytes(b"model")
    (tmp_path / "default").mkdir()
    (tmp_path / "default" / "model.tar.gz").write_bytes(b"model")
    (tmp_path / "default" / nlu.SECONDS_FILE).write_text(
        json.dumps({"train_seconds": 4321.0, "commit": "d9b5d2b"})
    )

    def no_training(*args: Any, **kwargs: Any) -> float:
        raise AssertionError("the baseline was trained again")

    evaluated: list[Path] = []

    def predict(model: Path, out: Path, log: Path) -> list[dict[str, str]]:
        evaluated.append(model)
        return _rows("greet" if model == ours else "thank")

    monkeypatch.setattr(nlu, "train", no_training)
    monkeypatch.setattr(nlu, "predict", predict)
    figures = nlu.run(tmp_path, reuse_model=ours, reuse_baseline=True)

    assert evaluated == [ours, tmp_path / "default" / "model.tar.gz"]
    assert figures["train_seconds_nlu_only_default"] == 4321.0
    assert "default_model_trained" in figures
    assert figures["default_model_commit"] == "d9b5d2b"
    assert figures["ours"]["fr"]["accuracy"] == 1.0
    assert figures["default"]["fr"]["accuracy"] == 0.0


def test_without_a_trained_baseline_reuse_trains_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ours = tmp_path / "ours.tar.gz"
    ours.write_bytes(b"model")
    trained: list[Path] = []

    def train(config: Path, out: Path, *, nlu_only: bool, log: Path) -> float:
        trained.append(out)
        return 12.0

    monkeypatch.setattr(nlu, "train", train)
    monkeypatch.setattr(nlu, "predict", lambda model, out, log: _rows("greet"))
    figures = nlu.run(tmp_path, reuse_model=ours, reuse_baseline=True)

    assert trained == [tmp_path / "default"]
    assert figures["train_seconds_nlu_only_default"] == 12.0


def _record(figures: dict[str, Any]) -> dict[str, Any]:
    return {"part": "nlu", "machine": MACHINE, "command": "python -m bench nlu", "figures": figures}


def test_the_page_shows_both_columns_and_says_the_baseline_was_reused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    scores = nlu.per_language(_rows("greet"))
    figures = {
        "ours": scores,
        "default": nlu.per_language(_rows("thank")),
        "ours_model": "m.tar.gz",
        "train_seconds_nlu_only_default": 4321.0,
        "default_model_trained": "2026-11-29 14:00 UTC",
        "default_model_commit": "d9b5d2b",
    }
    monkeypatch.setattr(report, "load", lambda part: _record(figures))

    section = report.nlu_section()
    assert "| fr | 1 | 100.0 % | 1.000 | 0.0 % | 0.000 |" in section
    assert "reused here (`--reuse-baseline`)" in section
    assert "data of commit d9b5d2b" in section
    training = report.training_section()
    assert "Ours was not trained in this run" in training
    assert "Rasa's default pipeline, NLU only: 4321 s." in training


def test_the_training_time_of_ours_is_shown_when_it_was_trained(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    figures = {"ours": nlu.per_language(_rows("greet")), "train_seconds_full_model_ours": 181.4}
    monkeypatch.setattr(report, "load", lambda part: _record(figures))

    training = report.training_section()
    assert "`bot/config.yml`: **181 s**." in training
    assert "empty Rasa cache" in training
    assert "default pipeline" not in training.split("empty Rasa cache")[1]
