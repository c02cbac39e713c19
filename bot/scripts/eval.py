"""``make eval``: train if needed, evaluate on the NLU test sets, print a score per language.

Three kinds of test set, one file per language, none of them trained on:

- ``bot/tests/nlu/`` (``--set nlu``): held-out sets written apart from the training data, but
  used for error analysis and to choose settings, so their figures are optimistic;
- ``bot/tests/nlu_blind/`` (``--set nlu_blind``): written later by people who saw neither the
  training data nor the first held-out sets;
- ``bot/tests/nlu_independent/`` (``--set nlu_independent``): questions paraphrased from public
  FAQ pages (UNHCR-Help, GADEM, Enabel), in the words of the people who ask them, including
  Darija, Levantine and Sudanese Arabic and Arabizi;
- ``bot/tests/nlu_fresh/`` (``--set nlu_fresh --languages en``, not part of the default): a
  small English set written from other public pages before the model's answers on it were seen.

By default all three are evaluated with one load of the model. For each set and language it
prints intent accuracy, intent macro-F1 and the F1 of the `city` entity, from Rasa's own reports
written to ``bot/results/<lang>/`` (held-out) or ``bot/results/<set>/<lang>/``, then one line per
language with the intent accuracy on every set. Exits non-zero when a score is below ``--min``
(default: report only).

When ``bot/data/nlu/reviewed/`` holds examples labelled on ``/admin/review``, it also trains
(if needed) a model without them and prints the independent sets' intent accuracy without and
with them, side by side (``--no-before`` skips that model when time matters; with
``--no-train`` the model without them is used only if it was trained before).

``--record`` also stores the figures, with the machine, date and commit, in
``bench/figures/nlu-sets.json``, from which ``python -m bench report`` writes them into
``docs/benchmarks.md``.

Usage: ``.venv/bin/python bot/scripts/eval.py [--no-train] [--min 0.95] [--set nlu_independent]
[--record] [--no-before]``
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import train as trainer

BOT_DIR = trainer.BOT_DIR
RESULTS = BOT_DIR / "results"
TESTS = BOT_DIR / "tests" / "nlu"
SETS = ("nlu", "nlu_blind", "nlu_independent")
# Smaller sets, not in every language, evaluated only when named: `--set nlu_fresh --languages en`.
EXTRA_SETS = ("nlu_fresh",)
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


def _shown(path: Path) -> Path:
    """A path as printed: relative to the checkout when it is inside it."""
    return path.relative_to(trainer.ROOT) if path.is_relative_to(trainer.ROOT) else path


def _machine() -> dict[str, Any]:
    """The machine and moment, described as every benchmark figure is (bench/common.py)."""
    sys.path.insert(0, str(trainer.ROOT))
    from bench.common import machine

    started: dict[str, Any] = machine()
    return started


def _record(figures: dict[str, Any], started: dict[str, Any]) -> Path:
    """Store the figures next to the other benchmark results."""
    from bench.common import RESULTS_DIR

    path = RESULTS_DIR / "nlu-sets.json"
    record = {
        "part": "nlu-sets",
        "machine": started,
        "command": "python bot/scripts/eval.py " + " ".join(sys.argv[1:]),
        "figures": figures,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def results_dir(test_set: str) -> Path:
    """Where Rasa's reports for one test set go (the held-out set keeps its historic place)."""
    return RESULTS if test_set == "nlu" else RESULTS / test_set


def format_summary(scores: dict[str, list[Scores]]) -> str:
    """One line per language: intent accuracy on each set, side by side."""
    sets = list(scores)
    languages = [r.language for r in next(iter(scores.values()))]
    lines = [f"{'lang':<5}" + "".join(f"{name:>17}" for name in sets)]
    for language in languages:
        cells = []
        for name in sets:
            row = next((r for r in scores[name] if r.language == language), None)
            cells.append(f"{row.intent_accuracy:.3f} ({row.examples})" if row else "-")
        lines.append(f"{language:<5}" + "".join(f"{cell:>17}" for cell in cells))
    return "\n".join(lines)


def evaluate(model: Path, tests: list[tuple[str, str, Path]], out: Path) -> None:
    """Run Rasa's evaluation of `model` on the test sets, writing each report under `out`."""
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false"}
    worker = Path(__file__).with_name("rasa_eval_worker.py")
    command = [str(ENGINE_PYTHON), str(worker), "--model", str(model), "--out", str(out)]
    # The worker writes each set's reports under --out/<key>; the key may hold a folder.
    command += [
        f"{results_dir(name).relative_to(RESULTS) / lang}={path}" for name, lang, path in tests
    ]
    subprocess.run(command, cwd=BOT_DIR, env=env, check=True, stdout=subprocess.DEVNULL)


def format_before_after(before: list[Scores], after: list[Scores]) -> str:
    """Intent accuracy without and with the reviewed examples, one line per language."""
    lines = [f"{'lang':<5}{'without':>14}{'with':>14}{'change':>9}"]
    for old in before:
        new = next(r for r in after if r.language == old.language)
        change = new.intent_accuracy - old.intent_accuracy
        lines.append(
            f"{old.language:<5}{f'{old.intent_accuracy:.3f} ({old.examples})':>14}"
            f"{f'{new.intent_accuracy:.3f} ({new.examples})':>14}{change:>+9.3f}"
        )
    return "\n".join(lines)


def _model_without_reviewed(*, no_train: bool) -> Path | None:
    """The model trained without bot/data/nlu/reviewed/, trained first unless `no_train`."""
    if no_train:
        path = trainer.model_path(trainer.fingerprint(without_reviewed=True))
        if not path.exists():
            print("no model without the reviewed examples yet: run without --no-train")
            return None
        return path
    return trainer.train(without_reviewed=True)


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-train", action="store_true", help="use the newest model as is")
    parser.add_argument("--min", type=float, default=None, help="fail below this score")
    parser.add_argument("--languages", nargs="*", default=list(LANGUAGES))
    parser.add_argument(
        "--set",
        choices=[*SETS, *EXTRA_SETS, "all"],
        default="all",
        help="which test sets: nlu (held-out), nlu_blind, nlu_independent, all (default: those "
        "three), or nlu_fresh (English only so far)",
    )
    parser.add_argument(
        "--record",
        action="store_true",
        help="store the figures in bench/figures/nlu-sets.json for docs/benchmarks.md",
    )
    parser.add_argument(
        "--no-before",
        action="store_true",
        help="skip the model without the reviewed examples (no before/after comparison)",
    )
    args = parser.parse_args()

    started_at = time.monotonic()
    sets = list(SETS) if args.set == "all" else [args.set]
    tests = [
        (name, lang, TESTS.parent / name / f"{lang}.yml")
        for name in sets
        for lang in args.languages
    ]
    missing = [str(path) for _, _, path in tests if not path.exists()]
    if missing:
        sys.exit(f"missing test sets: {', '.join(missing)}")
    reviewed = 0 if args.no_before else trainer.reviewed_examples()
    # Trained first, so that the model with every example ends up the newest (the one served).
    before = _model_without_reviewed(no_train=args.no_train) if reviewed else None
    model = trainer.latest_model() if args.no_train else trainer.train()
    if model is None:
        sys.exit("no model in bot/models/: run make train")
    if args.record:
        started = _machine()
    evaluate(model, tests, RESULTS)
    scores = {
        name: [read_scores(lang, results_dir(name) / lang) for lang in args.languages]
        for name in sets
    }
    print(f"model: {model.name}")
    for name, rows in scores.items():
        print(f"\ntest set: {_shown(TESTS.parent / name)}/")
        print(format_table(rows))
        errors = _shown(results_dir(name))
        print(f"errors per language: {errors}/<lang>/intent_errors.json")
    if len(scores) > 1:
        print("\nintent accuracy (examples) per set")
        print(format_summary(scores))
    compared: dict[str, list[Scores]] = {}
    if before is not None and before != model:
        compared_set = "nlu_independent" if "nlu_independent" in sets else sets[0]
        evaluate(before, [t for t in tests if t[0] == compared_set], RESULTS / "before")
        folder = RESULTS / "before" / results_dir(compared_set).relative_to(RESULTS)
        compared[compared_set] = [read_scores(lang, folder / lang) for lang in args.languages]
        print(
            f"\nreviewed examples: {reviewed} in bot/{trainer.REVIEWED.as_posix()}/; "
            f"model without them: {before.name}"
        )
        print(f"intent accuracy on {compared_set}, without and with them")
        print(format_before_after(compared[compared_set], scores[compared_set]))
    if args.record:
        figures = {
            "model": model.name,
            "sets": {name: [asdict(row) for row in rows] for name, rows in scores.items()},
            "without_reviewed": {
                name: [asdict(row) for row in rows] for name, rows in compared.items()
            },
            "wall_seconds": round(time.monotonic() - started_at, 1),
        }
        print(f"recorded: {_shown(_record(figures, started))}")
    if args.min is not None:
        low = sorted(
            {
                f"{r.language} ({name})"
                for name, rows in scores.items()
                for r in rows
                if min(r.intent_accuracy, r.intent_macro_f1, r.city_f1 or 1.0) < args.min
            }
        )
        if low:
            sys.exit(f"below {args.min}: {', '.join(low)}")


if __name__ == "__main__":
    main()
