"""Run inside the engine venv (.venv-rasa): cProfile Rasa's handling of real conversations.

Usage: `.venv-rasa/bin/python bench/engine_profile.py MODEL ENDPOINTS MESSAGES.json OUT.prof`
from `bot/` (so the custom components import). The model runs in this process with the
endpoints file of a running stack (its action server and the gateway's `/nlg`); the messages
(`[[language, text], ...]`) are spread over 10 conversations; the first 20 warm up unprofiled.
Prints, as JSON, the share of Rasa's time in each part of a turn. Kept free of Dalil imports.
"""

from __future__ import annotations

import asyncio
import cProfile
import json
import logging
import os
import pstats
import sys

# The parts of a turn: the functions (file suffix, name) whose cumulative time each part is.
PARTS = {
    ("rasa/core/tracker_store.py", "retrieve"): "tracker load",
    ("rasa/core/tracker_store.py", "save"): "tracker save",
    ("rasa/core/processor.py", "_parse_message_with_graph"): "NLU",
    ("rasa/core/processor.py", "_predict_next_with_tracker"): "policies",
    ("rasa/core/actions/action.py", "run"): "custom actions (HTTP + checks)",
    ("rasa/core/nlg/callback.py", "generate"): "NLG (HTTP + checks)",
    ("rasa/core/actions/action.py", "_validate_action_result"): "action-answer check",
    ("components/action_schema.py", "validate_action_result"): "action-answer check",
}


async def profile(model: str, endpoints: str, messages: list[list[str]], out: str) -> dict:
    """Handle every message, profiled after a warm-up; the shares of each part."""
    from rasa.core.agent import load_agent
    from rasa.core.utils import AvailableEndpoints

    agent = await load_agent(model_path=model, endpoints=AvailableEndpoints.read_endpoints(endpoints))
    if not agent.is_ready():
        raise SystemExit(f"could not load {model}")
    for i, (_, text) in enumerate(messages[:20]):
        await agent.handle_text(text, sender_id=f"warm-up-{i % 5}")
    profiler = cProfile.Profile()
    profiler.enable()
    for i, (_, text) in enumerate(messages[20:]):
        await agent.handle_text(text, sender_id=f"profiled-{i % 10}")
    profiler.disable()
    profiler.dump_stats(out)
    stats = pstats.Stats(profiler)
    total = stats.total_tt  # type: ignore[attr-defined]
    shares: dict[str, float] = {}
    for (path, _, name), row in stats.stats.items():  # type: ignore[attr-defined]
        for (suffix, function), part in PARTS.items():
            if name == function and path.endswith(suffix):
                shares[part] = max(shares.get(part, 0.0), round(100 * row[3] / total, 1))
    return {"messages": len(messages) - 20, "profiled_seconds": round(total, 2),
            "percent_of_rasa_time": shares}


def main() -> None:
    """Command-line entry point."""
    logging.basicConfig(level=logging.ERROR)
    sys.path.insert(0, os.getcwd())  # bot/: the custom components
    model, endpoints, messages_file, out = sys.argv[1:5]
    with open(messages_file, encoding="utf-8") as handle:
        messages = json.load(handle)
    print(json.dumps(asyncio.run(profile(model, endpoints, messages, out))))


if __name__ == "__main__":
    main()
