"""``make eval``: train if needed, evaluate on the held-out sets, print a score per language.

For each ``bot/tests/nlu/<lang>.yml`` (written apart from the training data) it prints intent
accuracy, intent macro-F1 and the F1 of the `city` entity, from Rasa's own reports written to
``bot/results/<lang>/``. Exits non-zero when a score is below ``--min`` (default: report only).

Usage: ``.venv/bin/python bot/scripts/eval.py [--no-train] [--min 0.95] [--set nlu_blind]``

``--set nlu_blind`` evaluates on ``bot/tests/nlu_blind/``: sets written later by people who saw
neither the training data nor the first held-out sets, and never used to choose data or settings.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import train as trainer

BOT_DIR = trainer.BOT_DIR
RESULTS = BOT_DIR / "results"
TESTS = BOT_DIR / "tests" / "nlu"
LANGUAGES = ("fr", "ar", "en", "es")
ENGINE_PYTHON = trainer.ROOT / ".venv-rasa" / "bin" / "python"


@dataclass(frozen=True)
class Scores:
    """The numbers `make eval` reports for one language."""

    language: str
    examples: int
    intent_accuracy: float
    intent_macro_f1: float
    city_f1: float | None
    city_support: int


def read_scores(language: str, directory: Path) -> Scores:
    """Read Rasa's intent and DIET entity reports for one language."""
    intents: dict[str, Any] = json.loads((directory / "intent_report.json").read_text())
    macro = intents["macro avg"]
    entity_file = directory / "DIETClassifier_report.json"
    entities: dict[str, Any] = json.loads(entity_file.read_text()) if entity_file.exists() else {}
    city = entities.get("city")
    return Scores(
        language=language,
        examples=int(macro["support"]),
        intent_accuracy=float(intents["accuracy"]),
        intent_macro_f1=float(macro["f1-score"]),
        city_f1=float(city["f1-score"]) if city else None,
        city_support=int(city["support"]) if city else 0,
    )


def format_table(rows: list[Scores]) -> str:
    """A plain-text table, one line per language."""
    lines = [f"{'lang':<5}{'n':>6}{'intent acc':>12}{'macro-F1':>10}{'city F1':>9}{'(n)':>6}"]
    for r in rows:
        city = f"{r.city_f1:.3f}" if r.city_f1 is not None else "  -  "
        lines.append(
            f"{r.language:<5}{r.examples:>6}{r.intent_accuracy:>12.3f}"
            f"{r.intent_macro_f1:>10.3f}{city:>9}{r.city_support:>6}"
        )
    return "\n".join(lines)


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-train", action="store_true", help="use the newest model as is")
    parser.add_argument("--min", type=float, default=None, help="fail below this score")
    parser.add_argument("--languages", nargs="*", default=list(LANGUAGES))
    parser.add_argument(
        "--set",
        default="nlu",
        help="which held-out sets: `nlu` (bot/tests/nlu/) or `nlu_blind` (bot/tests/nlu_blind/)",
    )
    args = parser.parse_args()

    model = trainer.latest_model() if args.no_train else trainer.train()
    if model is None:
        sys.exit("no model in bot/models/: run make train")
    folder = TESTS.parent / args.set
    tests = [(lang, folder / f"{lang}.yml") for lang in args.languages]
    missing = [str(path) for _, path in tests if not path.exists()]
    if missing:
        sys.exit(f"missing held-out sets: {', '.join(missing)}")
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false"}
    worker = Path(__file__).with_name("rasa_eval_worker.py")
    results = RESULTS if args.set == "nlu" else RESULTS / args.set
    command = [str(ENGINE_PYTHON), str(worker), "--model", str(model), "--out", str(results)]
    command += [f"{lang}={path}" for lang, path in tests]
    subprocess.run(command, cwd=BOT_DIR, env=env, check=True, stdout=subprocess.DEVNULL)
    rows = [read_scores(lang, results / lang) for lang, _ in tests]
    print(f"model: {model.name} · held-out sets: {folder.relative_to(trainer.ROOT)}/")
    print(format_table(rows))
    print(f"errors per language: {results.relative_to(trainer.ROOT)}/<lang>/intent_errors.json")
    if args.min is not None:
        low = [
            r.language
            for r in rows
            if min(r.intent_accuracy, r.intent_macro_f1, r.city_f1 or 1.0) < args.min
        ]
        if low:
            sys.exit(f"below {args.min}: {', '.join(low)}")


if __name__ == "__main__":
    main()
