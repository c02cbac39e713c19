"""Train the Rasa model only when its inputs changed (``make train``).

The fingerprint covers everything that shapes the model: config, domain, training data and the
custom components. The model is saved as ``bot/models/dalil-<fingerprint>.tar.gz``; Rasa serves
the newest file of ``bot/models/``, so an existing model with the current fingerprint is made
the newest again instead of being retrained (switching back to an older config is instant).

``--without-reviewed`` trains on everything but the reviewed questions of ``/admin/review``
(``bot/data/nlu/reviewed/``): the "before" model of ``make eval``'s before/after comparison.

Usage: ``.venv/bin/python bot/scripts/train.py [--force] [--keep N] [--without-reviewed]``
"""

from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

BOT_DIR = Path(__file__).resolve().parents[1]
ROOT = BOT_DIR.parent
MODELS_DIR = BOT_DIR / "models"
RASA = ROOT / ".venv-rasa" / "bin" / "rasa"
INPUTS = ("config.yml", "domain", "data", "components")
PREFIX = "dalil-"
# Examples labelled on /admin/review (gateway/admin/review.py), relative to BOT_DIR.
REVIEWED = Path("data") / "nlu" / "reviewed"


def _reviewed(path: Path) -> bool:
    return path.is_relative_to(BOT_DIR / REVIEWED)


def _input_files(*, without_reviewed: bool = False) -> Iterator[Path]:
    for name in INPUTS:
        path = BOT_DIR / name
        if path.is_file():
            yield path
        elif path.is_dir():
            for file in sorted(path.rglob("*")):
                skipped = "__pycache__" in file.parts or (without_reviewed and _reviewed(file))
                if file.is_file() and not skipped:
                    yield file


def reviewed_examples() -> int:
    """How many reviewed examples `bot/data/nlu/reviewed/` holds."""
    return sum(
        1
        for file in sorted((BOT_DIR / REVIEWED).rglob("*.yml"))
        for line in file.read_text(encoding="utf-8").splitlines()
        if line.lstrip().startswith("- ") and not line.lstrip().startswith("- intent:")
    )


def data_paths(*, without_reviewed: bool = False) -> list[str]:
    """The `--data` arguments of `rasa train`: all of data/, or everything beside the
    reviewed folder (its parents are listed child by child instead)."""
    if not without_reviewed or not (BOT_DIR / REVIEWED).exists():
        return ["data"]
    paths: list[str] = []
    pending = [BOT_DIR / "data"]
    while pending:
        folder = pending.pop(0)
        for child in sorted(folder.iterdir()):
            if _reviewed(child):
                continue
            if child.is_dir() and (BOT_DIR / REVIEWED).is_relative_to(child):
                pending.append(child)
            else:
                paths.append(child.relative_to(BOT_DIR).as_posix())
    return paths


def fingerprint(*, without_reviewed: bool = False) -> str:
    """A hash of the names and contents of every file the model is built from."""
    digest = hashlib.sha256()
    for file in sorted(_input_files(without_reviewed=without_reviewed)):
        digest.update(file.relative_to(BOT_DIR).as_posix().encode())
        digest.update(b"\0")
        digest.update(file.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()[:16]


def model_path(fp: str) -> Path:
    """Where the model for a fingerprint lives."""
    return MODELS_DIR / f"{PREFIX}{fp}.tar.gz"


def latest_model() -> Path | None:
    """The model Rasa would serve: the newest file of bot/models/."""
    models = list(MODELS_DIR.glob("*.tar.gz"))
    return max(models, key=lambda p: p.stat().st_mtime) if models else None


def _prune(keep: int) -> None:
    """Keep the `keep` most recent models; older ones only take disk space."""
    models = sorted(MODELS_DIR.glob(f"{PREFIX}*.tar.gz"), key=lambda p: p.stat().st_mtime)
    for old in models[:-keep] if keep > 0 else []:
        old.unlink()


def train(*, force: bool = False, keep: int = 3, without_reviewed: bool = False) -> Path:
    """Make sure the newest model matches the current inputs; return its path."""
    fp = fingerprint(without_reviewed=without_reviewed)
    target = model_path(fp)
    if target.exists() and not force:
        if latest_model() != target:
            os.utime(target)  # make it the one Rasa serves
        print(f"model up to date: {target.relative_to(ROOT)}")
        return target
    MODELS_DIR.mkdir(exist_ok=True)
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false"}
    # `rasa data validate --fail-on-warnings` runs in `make test` (tests/bot/test_model.py), so
    # training skips Rasa's own pass over the data: ~30 s of every retraining.
    command = [
        str(RASA), "train", "--config", "config.yml", "--domain", "domain",
        "--data", *data_paths(without_reviewed=without_reviewed),
        "--out", "models", "--fixed-model-name", target.name.removesuffix(".tar.gz"),
        "--skip-validation",
    ]  # fmt: skip
    started = time.monotonic()
    subprocess.run(command, cwd=BOT_DIR, env=env, check=True)
    print(f"trained {target.relative_to(ROOT)} in {time.monotonic() - started:.0f} s")
    _prune(keep)
    return target


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--force", action="store_true", help="retrain even if up to date")
    parser.add_argument("--keep", type=int, default=3, help="how many models to keep")
    parser.add_argument(
        "--without-reviewed",
        action="store_true",
        help=f"leave out the reviewed examples of bot/{REVIEWED.as_posix()}/",
    )
    args = parser.parse_args()
    try:
        train(force=args.force, keep=args.keep, without_reviewed=args.without_reviewed)
    except subprocess.CalledProcessError as exc:
        sys.exit(exc.returncode)


if __name__ == "__main__":
    main()
