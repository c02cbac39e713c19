"""Where Rasa's time goes in a turn: `python -m bench.hotspots [--messages N]`.

Starts the real stack on loopback (as `python -m bench latency` does), then runs the trained
model in a profiled engine process against that stack's action server and `/nlg`, with held-out
messages spread over 10 conversations. Prints each part's share of Rasa's time and leaves the
full profile in `var/bench/profile/rasa.prof` (`python -m pstats` reads it). How
bench/analysis.md found the costs it lists; not part of `make bench` (profiling slows Rasa
about twofold, so its times are only shares).
"""

from __future__ import annotations

import argparse
import json
import subprocess

from bench import latency, messages
from bench.common import ENGINE_PYTHON, ROOT, engine_env
from dalil.devstack import running_stack


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(prog="python -m bench.hotspots", description=__doc__)
    parser.add_argument("--messages", type=int, default=220, help="how many (20 warm up)")
    args = parser.parse_args()
    workdir = ROOT / "var" / "bench" / "profile"
    workdir.mkdir(parents=True, exist_ok=True)
    database_url = latency.prepare_kb(workdir)
    sample = workdir / "messages.json"
    sample.write_text(json.dumps(messages.sample(args.messages), ensure_ascii=False))
    (workdir / "rasa-tracker.db").unlink(missing_ok=True)
    with running_stack(workdir, database_url, extra_env=dict(latency.STACK_ENV)) as stack:
        endpoints = stack.endpoints_file()
        result = subprocess.run(
            [str(ENGINE_PYTHON), str(ROOT / "bench" / "engine_profile.py"), str(stack.model),
             str(endpoints), str(sample), str(workdir / "rasa.prof")],
            cwd=ROOT / "bot", env=engine_env(), capture_output=True, text=True, check=False,
        )
    if result.returncode:
        raise SystemExit(f"the profiled engine failed:\n{result.stderr[-3000:]}")
    print(result.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    main()
