"""Run inside the engine venv (.venv-rasa): predict the intent of every held-out example.

Usage: `PYTHONPATH=bot .venv-rasa/bin/python bench/engine_predict.py MODEL OUT.json TEST.yml...`
(`bot/` on the path so the custom components import: bench.common.engine_env). Writes `[{"file", "text", "gold", "predicted"}]`. Kept free
of Dalil imports: the engine venv has only Rasa.
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path


async def predict(model: str, files: list[str]) -> list[dict[str, str]]:
    """Load the model once and parse every example of every file."""
    from rasa.core.agent import Agent
    from rasa.shared.nlu.training_data.loading import load_data

    agent = Agent.load(model)
    rows: list[dict[str, str]] = []
    for file in files:
        for example in load_data(file).intent_examples:
            parsed = await agent.parse_message(example.get("text"))
            rows.append(
                {
                    "file": Path(file).stem,
                    "text": example.get("text"),
                    "gold": example.get("intent"),
                    "predicted": (parsed.get("intent") or {}).get("name") or "",
                }
            )
    return rows


def main() -> None:
    """Command-line entry point."""
    model, out, *files = sys.argv[1:]
    rows = asyncio.run(predict(model, files))
    Path(out).write_text(json.dumps(rows, ensure_ascii=False))


if __name__ == "__main__":
    main()
