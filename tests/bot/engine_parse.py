"""Run in the engine venv by test_model.py: parse texts with the newest model, print JSON.

Usage: PYTHONPATH=bot .venv-rasa/bin/python tests/bot/engine_parse.py MODEL < texts.json > parses.json
"""

from __future__ import annotations

import asyncio
import json
import os
import sys

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")


async def _parse(model: str, texts: list[str]) -> list[dict[str, object]]:
    import fast_load
    from rasa.core.agent import Agent

    # As `rasa run` through bot/rasa_main.py (DALIL_RASA_STOCK_MODEL_LOAD=1: Rasa's own load).
    fast_load.install()
    agent = Agent.load(model)
    results = []
    for text in texts:
        parsed = await agent.parse_message(text)
        results.append(
            {
                "text": parsed["text"],
                "intent": parsed["intent"]["name"],
                "entities": [
                    {k: e.get(k) for k in ("entity", "start", "end", "value")}
                    for e in parsed.get("entities", [])
                ],
                "danger": parsed.get("dalil_danger"),
                "confidence": parsed["intent"].get("confidence"),
                "scores": parsed.get("dalil_intent_scores"),
            }
        )
    return results


if __name__ == "__main__":
    texts = json.load(sys.stdin)
    parses = asyncio.run(_parse(sys.argv[1], texts))
    import fast_load

    print(json.dumps({"fast_loads": fast_load.loaded}))
    print(json.dumps(parses, ensure_ascii=False))
