"""Run inside the engine venv (.venv-rasa): cProfile Rasa's handling of real conversations.

Usage: `PYTHONPATH=bot .venv-rasa/bin/python bench/engine_profile.py MODEL ENDPOINTS MESSAGES.json
OUT.prof [TURNS]` (`bot/` on the path so the custom components import: bench.common.engine_env). The model runs in this process with the
endpoints file of a running stack (its action server and the gateway's `/nlg`). Without TURNS
the messages (`[[language, text], ...]`) are spread over 10 conversations, the first 20 warm up
unprofiled, and it prints, as JSON, the share of Rasa's time in each part of a turn. With TURNS,
one conversation of TURNS messages (the messages in a cycle) is profiled over its turns 2-31 and
its last 30, and it prints each part's milliseconds per turn in both windows (OUT.prof gets the
last window). Kept free of Dalil imports.
"""

from __future__ import annotations

import asyncio
import cProfile
import json
import logging
import pstats
import sys

# The parts of a turn: the functions (file suffix, name) whose cumulative time each part is.
PARTS = {
    ("rasa/core/tracker_store.py", "retrieve"): "tracker load",
    ("rasa/core/tracker_store.py", "save"): "tracker save",
    ("components/tracker_store.py", "save"): "tracker save",
    ("rasa/shared/core/trackers.py", "from_dict"): "tracker replay (from_dict)",
    ("rasa/shared/core/trackers.py", "past_states"): "history featurised (past_states)",
    ("rasa/shared/core/trackers.py", "current_state"): "tracker serialised (actions, NLG)",
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

    agent = await load_agent(
        model_path=model, endpoints=AvailableEndpoints.read_endpoints(endpoints)
    )
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
    return {
        "messages": len(messages) - 20,
        "profiled_seconds": round(total, 2),
        "percent_of_rasa_time": shares,
    }


def _ms_per_turn(profiler: cProfile.Profile, turns: int) -> dict[str, float]:
    stats = pstats.Stats(profiler)
    parts: dict[str, float] = {"total": round(1000 * stats.total_tt / turns, 1)}  # type: ignore[attr-defined]
    for (path, _, name), row in stats.stats.items():  # type: ignore[attr-defined]
        for (suffix, function), part in PARTS.items():
            if name == function and path.endswith(suffix):
                parts[part] = max(parts.get(part, 0.0), round(1000 * row[3] / turns, 1))
    return parts


async def profile_long(
    model: str, endpoints: str, messages: list[list[str]], out: str, turns: int
) -> dict:
    """One conversation of `turns` messages: ms per turn in each part, first vs last 30 turns."""
    from rasa.core.agent import load_agent
    from rasa.core.utils import AvailableEndpoints

    agent = await load_agent(
        model_path=model, endpoints=AvailableEndpoints.read_endpoints(endpoints)
    )
    if not agent.is_ready():
        raise SystemExit(f"could not load {model}")
    for i in range(5):
        await agent.handle_text(messages[i % len(messages)][1], sender_id="long-warm-up")
    windows = {"turns 2-31": range(1, 31), f"turns {turns - 29}-{turns}": range(turns - 30, turns)}
    profilers = {name: cProfile.Profile() for name in windows}
    for i in range(turns):
        profiler = next((profilers[n] for n, r in windows.items() if i in r), None)
        if profiler is not None:
            profiler.enable()
        await agent.handle_text(messages[i % len(messages)][1], sender_id="long")
        if profiler is not None:
            profiler.disable()
    profilers[f"turns {turns - 29}-{turns}"].dump_stats(out)
    return {
        "turns": turns,
        "store": type(agent.tracker_store).__name__,
        "ms_per_turn": {n: _ms_per_turn(p, 30) for n, p in profilers.items()},
    }


def main() -> None:
    """Command-line entry point."""
    logging.basicConfig(level=logging.ERROR)
    model, endpoints, messages_file, out = sys.argv[1:5]
    with open(messages_file, encoding="utf-8") as handle:
        messages = json.load(handle)
    if len(sys.argv) > 5:
        print(
            json.dumps(asyncio.run(profile_long(model, endpoints, messages, out, int(sys.argv[5]))))
        )
    else:
        print(json.dumps(asyncio.run(profile(model, endpoints, messages, out))))


if __name__ == "__main__":
    main()
