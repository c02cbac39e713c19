"""The train wrapper retrains only on change; the eval script reads Rasa's reports right."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from bot.scripts import eval as evaluator
from bot.scripts import train as trainer


@pytest.fixture
def bot_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A throwaway copy of the model's inputs, with the wrapper pointed at it."""
    bot = tmp_path / "bot"
    for name in trainer.INPUTS:
        source = trainer.BOT_DIR / name
        if source.is_dir():
            shutil.copytree(source, bot / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            bot.mkdir(exist_ok=True)
            shutil.copy(source, bot / name)
    monkeypatch.setattr(trainer, "BOT_DIR", bot)
    monkeypatch.setattr(trainer, "MODELS_DIR", bot / "models")
    monkeypatch.setattr(trainer, "ROOT", tmp_path)
    return bot


def test_fingerprint_follows_inputs(bot_copy: Path) -> None:
    """Same inputs, same fingerprint; any edit to data, domain or components changes it."""
    first = trainer.fingerprint()
    assert trainer.fingerprint() == first
    for path in [
        "data/rules/emergency.yml",
        "domain/_shared.yml",
        "components/danger_keywords.yml",
    ]:
        file = bot_copy / path
        original = file.read_text(encoding="utf-8")
        file.write_text(original + "\n# edited\n", encoding="utf-8")
        assert trainer.fingerprint() != first, path
        file.write_text(original, encoding="utf-8")
        assert trainer.fingerprint() == first


def _fake_rasa(calls: list[list[str]]) -> Any:
    def run(command: list[str], cwd: Path, **_: Any) -> subprocess.CompletedProcess[str]:
        calls.append(command)
        name = command[command.index("--fixed-model-name") + 1]
        (Path(cwd) / "models" / f"{name}.tar.gz").write_bytes(b"model")
        return subprocess.CompletedProcess(command, 0)

    return run


def test_trains_once_then_reuses(bot_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A second run with unchanged inputs trains nothing; a changed input trains again."""
    calls: list[list[str]] = []
    monkeypatch.setattr(trainer.subprocess, "run", _fake_rasa(calls))
    first = trainer.train()
    assert len(calls) == 1 and "train" in calls[0]
    assert trainer.train() == first
    assert len(calls) == 1

    (bot_copy / "config.yml").write_text(
        (bot_copy / "config.yml").read_text() + "\n# edited\n", encoding="utf-8"
    )
    second = trainer.train()
    assert len(calls) == 2 and second != first
    assert trainer.latest_model() == second


def test_reverting_makes_the_old_model_newest(
    bot_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Going back to earlier inputs serves the earlier model again without retraining."""
    calls: list[list[str]] = []
    monkeypatch.setattr(trainer.subprocess, "run", _fake_rasa(calls))
    config = bot_copy / "config.yml"
    original = config.read_text(encoding="utf-8")
    first = trainer.train()
    os.utime(first, (1, 1))  # older than anything trained later
    config.write_text(original + "\n# edited\n", encoding="utf-8")
    trainer.train()
    config.write_text(original, encoding="utf-8")
    assert trainer.train() == first
    assert len(calls) == 2
    assert trainer.latest_model() == first


def test_read_scores(tmp_path: Path) -> None:
    """Accuracy, macro-F1 and city F1 come from Rasa's report files."""
    (tmp_path / "intent_report.json").write_text(
        json.dumps(
            {
                "greet": {"precision": 1.0, "recall": 1.0, "f1-score": 1.0, "support": 10},
                "accuracy": 0.9,
                "macro avg": {"precision": 0.8, "recall": 0.85, "f1-score": 0.82, "support": 20},
                "weighted avg": {"precision": 0.9, "recall": 0.9, "f1-score": 0.9, "support": 20},
            }
        )
    )
    (tmp_path / "DIETClassifier_report.json").write_text(
        json.dumps({"city": {"precision": 1.0, "recall": 0.9, "f1-score": 0.947, "support": 12}})
    )
    scores = evaluator.read_scores("fr", tmp_path)
    assert scores == evaluator.Scores("fr", 20, 0.9, 0.82, 0.947, 12)
    table = evaluator.format_table([scores])
    assert "0.900" in table and "0.820" in table and "0.947" in table


def test_read_scores_without_city(tmp_path: Path) -> None:
    """A test set without cities reports no city score rather than crashing."""
    (tmp_path / "intent_report.json").write_text(
        json.dumps({"accuracy": 1.0, "macro avg": {"f1-score": 1.0, "support": 3}})
    )
    scores = evaluator.read_scores("es", tmp_path)
    assert scores.city_f1 is None
    assert " - " in evaluator.format_table([scores])


def _write_reports(directory: Path, accuracy: float, support: int) -> None:
    directory.mkdir(parents=True)
    (directory / "intent_report.json").write_text(
        json.dumps({"accuracy": accuracy, "macro avg": {"f1-score": accuracy, "support": support}})
    )


def test_default_run_reports_every_set_side_by_side(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`make eval` evaluates held-out, blind and independent sets with one model load."""
    model = tmp_path / "dalil-x.tar.gz"
    model.write_bytes(b"model")
    results = tmp_path / "results"
    monkeypatch.setattr(evaluator, "RESULTS", results)
    monkeypatch.setattr(evaluator.trainer, "latest_model", lambda: model)
    monkeypatch.setattr(sys, "argv", ["eval.py", "--no-train", "--languages", "fr", "ar"])
    runs: list[list[str]] = []

    def engine(command: list[str], **_: Any) -> subprocess.CompletedProcess[str]:
        runs.append(command)
        out = Path(command[command.index("--out") + 1])
        for item in command[command.index("--out") + 2 :]:
            key, path = item.split("=", 1)
            assert Path(path).exists()
            accuracy = {"nlu": 0.97, "nlu_blind": 0.95, "nlu_independent": 0.91}[
                key.split("/")[0] if "/" in key else "nlu"
            ]
            _write_reports(out / key, accuracy, 100)
        return subprocess.CompletedProcess(command, 0)

    monkeypatch.setattr(evaluator.subprocess, "run", engine)
    evaluator.main()
    assert len(runs) == 1
    keys = sorted(item.split("=", 1)[0] for item in runs[0][runs[0].index("--out") + 2 :])
    assert keys == sorted(
        ["fr", "ar", "nlu_blind/fr", "nlu_blind/ar", "nlu_independent/fr", "nlu_independent/ar"]
    )
    printed = capsys.readouterr().out
    assert "bot/tests/nlu_independent/" in printed
    summary = printed.split("intent accuracy (examples) per set")[1]
    assert "nlu_independent" in summary
    fr_line = next(line for line in summary.splitlines() if line.startswith("fr"))
    assert fr_line.split() == ["fr", "0.970", "(100)", "0.950", "(100)", "0.910", "(100)"]


def test_min_fails_on_the_independent_set(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`--min` names the language and set below the bar."""
    model = tmp_path / "dalil-x.tar.gz"
    model.write_bytes(b"model")
    monkeypatch.setattr(evaluator, "RESULTS", tmp_path / "results")
    monkeypatch.setattr(evaluator.trainer, "latest_model", lambda: model)
    argv = [
        "eval.py",
        "--no-train",
        "--set",
        "nlu_independent",
        "--languages",
        "ar",
        "--min",
        "0.95",
    ]
    monkeypatch.setattr(sys, "argv", argv)

    def engine(command: list[str], **_: Any) -> subprocess.CompletedProcess[str]:
        out = Path(command[command.index("--out") + 1])
        _write_reports(out / "nlu_independent" / "ar", 0.9, 127)
        return subprocess.CompletedProcess(command, 0)

    monkeypatch.setattr(evaluator.subprocess, "run", engine)
    with pytest.raises(SystemExit, match=r"ar \(nlu_independent\)"):
        evaluator.main()


def test_record_feeds_the_benchmarks_page(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`--record` stores the figures with the machine; `bench report` renders them per set."""
    import bench.common
    import bench.report

    model = tmp_path / "dalil-x.tar.gz"
    model.write_bytes(b"model")
    monkeypatch.setattr(evaluator, "RESULTS", tmp_path / "results")
    monkeypatch.setattr(evaluator.trainer, "latest_model", lambda: model)
    monkeypatch.setattr(bench.common, "RESULTS_DIR", tmp_path / "figures")
    argv = ["eval.py", "--no-train", "--set", "nlu_independent", "--languages", "ar", "--record"]
    monkeypatch.setattr(sys, "argv", argv)

    real_run = subprocess.run

    def engine(command: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
        if "--out" not in command:  # `git rev-parse` for the machine's description
            return real_run(command, **kwargs)
        out = Path(command[command.index("--out") + 1])
        _write_reports(out / "nlu_independent" / "ar", 0.937, 127)
        return subprocess.CompletedProcess(command, 0)

    monkeypatch.setattr(evaluator.subprocess, "run", engine)
    evaluator.main()
    record = json.loads((tmp_path / "figures" / "nlu-sets.json").read_text())
    assert record["machine"]["cores"] and record["figures"]["model"] == "dalil-x.tar.gz"
    section = bench.report.nlu_sets_section()
    assert "| ar | 127 | 0.937 | 0.937 |" in section
    assert "independent (n)" in section


REVIEWED_FILE = """version: "3.1"
nlu:
- intent: ask_housing
  examples: |
    - landlord say i must go out
    - proprio veut me mettre dehors
"""


def test_the_model_without_reviewed_examples_leaves_only_them_out(bot_copy: Path) -> None:
    """`--without-reviewed` trains on every file of data/ but bot/data/nlu/reviewed/."""
    without = trainer.fingerprint()
    assert trainer.data_paths(without_reviewed=True) == ["data"]
    reviewed = bot_copy / trainer.REVIEWED / "en" / "ask_housing.yml"
    reviewed.parent.mkdir(parents=True)
    reviewed.write_text(REVIEWED_FILE, encoding="utf-8")
    assert trainer.reviewed_examples() == 2
    assert trainer.fingerprint() != without
    assert trainer.fingerprint(without_reviewed=True) == without
    paths = trainer.data_paths(without_reviewed=True)
    listed = {
        file
        for path in paths
        for file in (
            [bot_copy / path] if (bot_copy / path).is_file() else (bot_copy / path).rglob("*")
        )
        if file.is_file()
    }
    everything = {file for file in (bot_copy / "data").rglob("*") if file.is_file()}
    assert listed == everything - {reviewed}
    assert "data/rules" in paths and "data/nlu/en" in paths


def test_reviewed_examples_get_a_before_and_after(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """With reviewed examples, `make eval` also scores a model trained without them."""
    results = tmp_path / "results"
    monkeypatch.setattr(evaluator, "RESULTS", results)
    monkeypatch.setattr(evaluator.trainer, "reviewed_examples", lambda: 2)
    trained: list[bool] = []

    def train(*, without_reviewed: bool = False, **_: Any) -> Path:
        trained.append(without_reviewed)
        model = tmp_path / ("dalil-before.tar.gz" if without_reviewed else "dalil-after.tar.gz")
        model.write_bytes(b"model")
        return model

    monkeypatch.setattr(evaluator.trainer, "train", train)
    argv = ["eval.py", "--set", "nlu_independent", "--languages", "en", "fr"]
    monkeypatch.setattr(sys, "argv", argv)

    def engine(command: list[str], **_: Any) -> subprocess.CompletedProcess[str]:
        out = Path(command[command.index("--out") + 1])
        before = "before" in command[command.index("--model") + 1]
        shutil.rmtree(out / "nlu_independent", ignore_errors=True)  # a second run rewrites
        for lang, accuracy in (("en", 0.93 if before else 0.96), ("fr", 0.97)):
            _write_reports(out / "nlu_independent" / lang, accuracy, 100)
        return subprocess.CompletedProcess(command, 0)

    monkeypatch.setattr(evaluator.subprocess, "run", engine)
    evaluator.main()
    assert trained == [True, False], "the model with every example is trained last (served)"
    printed = capsys.readouterr().out
    comparison = [line.split() for line in printed.split("without and with them")[1].splitlines()]
    assert ["en", "0.930", "(100)", "0.960", "(100)", "+0.030"] in comparison
    assert ["fr", "0.970", "(100)", "0.970", "(100)", "+0.000"] in comparison

    trained.clear()
    monkeypatch.setattr(sys, "argv", [*argv, "--no-before"])
    evaluator.main()
    assert trained == [False] and "without and with them" not in capsys.readouterr().out
