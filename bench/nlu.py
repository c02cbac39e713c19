"""Intent accuracy and macro-F1 per language: our pipeline vs Rasa's default, same data.

Both models are trained from scratch on `bot/data/` (ours as the full model, which also gives
the training time `make train` costs; the default as NLU only) and evaluated on the held-out
sets `bot/tests/nlu/<lang>.yml`, which are never trained on. A prediction of `nlu_fallback`
counts as wrong: the user gets a clarification question instead of an answer.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from collections import Counter
from pathlib import Path
from typing import Any

from bench.common import ENGINE_PYTHON, RASA_BIN, ROOT, engine_env, machine
from dalil.languages import LANGUAGES

BOT = ROOT / "bot"
DEFAULT_CONFIG = ROOT / "bench" / "default_config.yml"
PREDICT = ROOT / "bench" / "engine_predict.py"
SECONDS_FILE = "train-seconds.json"


def test_files() -> list[Path]:
    """The held-out sets, one per language, that exist."""
    return [p for lang in LANGUAGES if (p := BOT / "tests" / "nlu" / f"{lang}.yml").exists()]


def train(config: Path, out: Path, *, nlu_only: bool, log: Path) -> float:
    """Train a model into `out` from a cold cache; return the wall-clock seconds it took.

    Rasa reuses cached component outputs (`bot/.rasa/cache`) from earlier trainings, which
    would make the time meaningless, so each training gets an empty cache of its own. Ours is
    trained as `make train` does it (`--skip-validation`: `make test` validates the data).
    The seconds are also written next to the model, for `--reuse-baseline`.
    """
    if nlu_only:
        args = ["train", "nlu", "--config", str(config), "--nlu", "data"]
    else:
        args = [
            "train",
            "--config",
            str(config),
            "--domain",
            "domain",
            "--data",
            "data",
            "--skip-validation",
        ]
    command = [str(RASA_BIN), *args, "--out", str(out), "--fixed-model-name", "model"]
    cache = out / "cache"
    shutil.rmtree(cache, ignore_errors=True)
    env = engine_env(RASA_CACHE_DIRECTORY=str(cache))
    started = time.monotonic()
    with log.open("wb") as sink:
        subprocess.run(command, cwd=BOT, env=env, stdout=sink, stderr=subprocess.STDOUT, check=True)
    seconds = time.monotonic() - started
    shutil.rmtree(cache, ignore_errors=True)
    record = {"train_seconds": round(seconds, 1), "commit": machine()["commit"]}
    (out / SECONDS_FILE).write_text(json.dumps(record))
    return seconds


def predict(model: Path, out: Path, log: Path) -> list[dict[str, str]]:
    """The model's intent for every held-out example (run in the engine venv)."""
    command = [str(ENGINE_PYTHON), str(PREDICT), str(model), str(out), *map(str, test_files())]
    with log.open("ab") as sink:
        subprocess.run(
            command, cwd=BOT, env=engine_env(), stdout=sink, stderr=subprocess.STDOUT, check=True
        )
    rows: list[dict[str, str]] = json.loads(out.read_text())
    return rows


def scores(rows: list[dict[str, str]]) -> dict[str, float]:
    """Accuracy and macro-F1 (over every label seen in gold or predictions, as scikit-learn)."""
    if not rows:
        return {"n": 0, "accuracy": 0.0, "macro_f1": 0.0}
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    for row in rows:
        gold, predicted = row["gold"], row["predicted"]
        if gold == predicted:
            tp[gold] += 1
        else:
            fp[predicted] += 1
            fn[gold] += 1
    labels = {r["gold"] for r in rows} | {r["predicted"] for r in rows}
    f1s = []
    for label in labels:
        denominator = 2 * tp[label] + fp[label] + fn[label]
        f1s.append(2 * tp[label] / denominator if denominator else 0.0)
    return {
        "n": len(rows),
        "accuracy": sum(tp.values()) / len(rows),
        "macro_f1": sum(f1s) / len(f1s),
    }


def per_language(rows: list[dict[str, str]]) -> dict[str, dict[str, float]]:
    """Scores for each held-out file, plus all languages together."""
    result: dict[str, dict[str, float]] = {
        lang: scores([r for r in rows if r["file"] == lang]) for lang in LANGUAGES
    }
    result["all"] = scores(rows)
    return result


def confusions(rows: list[dict[str, str]], top: int = 8) -> list[dict[str, Any]]:
    """The most frequent (gold, predicted) mistakes, to say where the model goes wrong."""
    counts = Counter((r["gold"], r["predicted"]) for r in rows if r["gold"] != r["predicted"])
    return [{"gold": g, "predicted": p, "count": c} for (g, p), c in counts.most_common(top)]


def run(
    workdir: Path,
    *,
    reuse_model: Path | None = None,
    baseline: bool = True,
    reuse_baseline: bool = False,
) -> dict[str, Any]:
    """Train (or reuse) our model, train the baseline, evaluate both; return the figures.

    `reuse_model` evaluates an already trained model (e.g. the one `make train` serves) instead
    of training ours again: no training time then. `baseline=False` skips Rasa's default;
    `reuse_baseline` evaluates the default model an earlier run trained in `workdir` (it takes
    more than an hour on 2 cores) instead of training it again, if there is one.
    """
    workdir.mkdir(parents=True, exist_ok=True)
    figures: dict[str, Any] = {"test_files": [p.name for p in test_files()]}
    if reuse_model is None:
        seconds = train(
            BOT / "config.yml", workdir / "ours", nlu_only=False, log=workdir / "train-ours.log"
        )
        ours_model = workdir / "ours" / "model.tar.gz"
        figures["train_seconds_full_model_ours"] = round(seconds, 1)
    else:
        ours_model = reuse_model
    figures["ours_model"] = ours_model.name
    figures["model_megabytes_ours"] = round(ours_model.stat().st_size / 1e6, 1)
    ours = predict(ours_model, workdir / "ours.json", workdir / "predict.log")
    figures["ours"] = per_language(ours)
    figures["ours_confusions"] = confusions(ours)
    if baseline:
        default_model = workdir / "default" / "model.tar.gz"
        if reuse_baseline and default_model.exists():
            recorded = workdir / "default" / SECONDS_FILE
            if recorded.exists():
                record = json.loads(recorded.read_text())
                figures["train_seconds_nlu_only_default"] = record["train_seconds"]
                if record.get("commit"):
                    figures["default_model_commit"] = record["commit"]
            figures["default_model_trained"] = time.strftime(
                "%Y-%m-%d %H:%M UTC", time.gmtime(default_model.stat().st_mtime)
            )
        else:
            seconds = train(
                DEFAULT_CONFIG,
                workdir / "default",
                nlu_only=True,
                log=workdir / "train-default.log",
            )
            figures["train_seconds_nlu_only_default"] = round(seconds, 1)
        default = predict(default_model, workdir / "default.json", workdir / "predict.log")
        figures["default"] = per_language(default)
    return figures
