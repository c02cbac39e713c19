"""Engine-side half of ``make eval``: run Rasa's own NLU evaluation on each held-out set.

Runs in the engine venv (imports Rasa), loads the model once, and writes Rasa's reports to
``<out>/<lang>/`` (intent_report.json, DIETClassifier_report.json, errors). Called by eval.py.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from pathlib import Path

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
BOT_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(BOT_DIR))  # custom components are imported as `components.*`


async def _evaluate(model: str, tests: list[tuple[str, str]], out: Path) -> None:
    from rasa.core.agent import Agent
    from rasa.nlu.test import run_evaluation

    agent = Agent.load(model)
    assert agent.processor is not None
    for language, path in tests:
        await run_evaluation(
            path,
            agent.processor,
            output_directory=str(out / language),
            errors=True,
            disable_plotting=True,
            report_as_dict=True,
            domain_path=str(BOT_DIR / "domain"),
        )


def main() -> None:
    """Command-line entry point: --model M --out DIR lang=path ..."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", required=True)
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("tests", nargs="+", help="lang=path/to/test.yml")
    args = parser.parse_args()
    tests = [(lang, path) for lang, path in (item.split("=", 1) for item in args.tests)]
    asyncio.run(_evaluate(args.model, tests, args.out))


if __name__ == "__main__":
    main()
