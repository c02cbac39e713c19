"""Where Rasa's time goes in a turn: `python -m bench.hotspots [--messages N]`.

Starts the real stack on loopback (as `python -m bench latency` does), then runs the trained
model in a profiled engine process against that stack's action server and `/nlg`, with held-out
messages spread over 10 conversations. Prints each part's share of Rasa's time and leaves the
full profile in `var/bench/profile/rasa.prof` (`python -m pstats` reads it). How
bench/analysis.md found the costs it lists; not part of `make bench` (profiling slows Rasa
about twofold, so its times are only shares).

`--long 300`: one conversation of 300 turns (bench/longconv.py's script) instead, profiled over
turns 2-31 and the last 30; prints each part's milliseconds per turn in both windows (tracker
load, replay and save, the policies' featurisation of the history, actions, NLG), with the
tracker store of bot/endpoints.yml or, with `--stock-tracker-store`, Rasa's own.
"""

from __future__ import annotations

import argparse
import json
import subprocess

from bench import latency, longconv, messages
from bench.common import ENGINE_PYTHON, ROOT, engine_env
from bench.devstack import running_stack


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(prog="python -m bench.hotspots", description=__doc__)
    parser.add_argument("--messages", type=int, default=220, help="how many (20 warm up)")
    parser.add_argument(
        "--long",
        type=int,
        default=0,
        metavar="TURNS",
        help="profile one conversation of TURNS turns (at least 60)",
    )
    parser.add_argument(
        "--stock-tracker-store",
        action="store_true",
        help="with --long: Rasa's SQLTrackerStore instead of Dalil's",
    )
    args = parser.parse_args()
    workdir = ROOT / "var" / "bench" / "profile"
    workdir.mkdir(parents=True, exist_ok=True)
    database_url = latency.prepare_kb(workdir)
    sample = workdir / "messages.json"
    texts = (
        [["fr", text] for text in longconv.SCRIPT] if args.long else messages.sample(args.messages)
    )
    sample.write_text(json.dumps(texts, ensure_ascii=False))
    (workdir / "rasa-tracker.db").unlink(missing_ok=True)
    store = (
        {"type": "SQL", "dialect": "sqlite", "db": str(workdir / "rasa-tracker.db")}
        if args.stock_tracker_store
        else None
    )
    with running_stack(
        workdir, database_url, extra_env=dict(latency.STACK_ENV), tracker_store=store
    ) as stack:
        endpoints = stack.endpoints_file()
        result = subprocess.run(
            [
                str(ENGINE_PYTHON),
                str(ROOT / "bench" / "engine_profile.py"),
                str(stack.model),
                str(endpoints),
                str(sample),
                str(workdir / "rasa.prof"),
                *([str(max(60, args.long))] if args.long else []),
            ],
            cwd=ROOT / "bot",
            env=engine_env(),
            capture_output=True,
            text=True,
            check=False,
        )
    if result.returncode:
        raise SystemExit(f"the profiled engine failed:\n{result.stderr[-3000:]}")
    print(result.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    main()
