"""`python -m bench [part ...]`: rerun the benchmarks and rewrite docs/benchmarks.md.

Parts: nlu (two trainings, minutes), language, latency (starts the real stack), longconv (one
300-turn conversation, four stacks, about 15 minutes), kb, alerts (a 10,000-subscriber alert
killed mid-way and restarted), startup (`make run` three times from a set-up tree, until the web
chat answers), report (only rewrites the page from bench/figures/). No part: all of them, in that
order.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from typing import Any

from bench import common, report

PARTS = ("nlu", "language", "latency", "longconv", "kb", "alerts", "startup")


def _nlu(args: argparse.Namespace) -> dict[str, Any]:
    from bench import nlu
    from bench.devstack import latest_model

    reuse = latest_model() if args.reuse_model else None
    return nlu.run(
        common.ROOT / "var" / "bench" / "nlu",
        reuse_model=reuse,
        baseline=not args.no_baseline,
        reuse_baseline=args.reuse_baseline,
    )


def _language(args: argparse.Namespace) -> dict[str, Any]:
    from bench import langchoice

    return langchoice.run()


def _latency(args: argparse.Namespace) -> dict[str, Any]:
    from bench import latency

    return latency.run(
        quick=args.quick,
        stock_action_check=args.stock_action_check,
        stock_tracker_store=args.stock_tracker_store,
    )


def _longconv(args: argparse.Namespace) -> dict[str, Any]:
    from bench import longconv

    return longconv.run(quick=args.quick)


def _kb(args: argparse.Namespace) -> dict[str, Any]:
    from bench import kb

    return kb.run(quick=args.quick)


def _alerts(args: argparse.Namespace) -> dict[str, Any]:
    from bench import alerts

    return alerts.run(quick=args.quick)


def _startup(args: argparse.Namespace) -> dict[str, Any]:
    from bench import startup

    return startup.run(runs=1 if args.quick else 3)


RUNNERS: dict[str, Callable[[argparse.Namespace], dict[str, Any]]] = {
    "nlu": _nlu,
    "language": _language,
    "latency": _latency,
    "longconv": _longconv,
    "kb": _kb,
    "alerts": _alerts,
    "startup": _startup,
}


def main() -> None:
    """Run the parts asked for, store each result, then rewrite the page."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("parts", nargs="*", choices=[*PARTS, "report"], help="default: all")
    parser.add_argument(
        "--quick", action="store_true", help="fewer messages and points (smoke run)"
    )
    parser.add_argument(
        "--reuse-model",
        action="store_true",
        help="nlu: evaluate the model `make train` serves instead of training ours again",
    )
    parser.add_argument(
        "--no-baseline", action="store_true", help="nlu: skip training Rasa's default pipeline"
    )
    parser.add_argument(
        "--stock-action-check",
        action="store_true",
        help="latency: with Rasa's own per-call schema check (stored as latency-stock)",
    )
    parser.add_argument(
        "--stock-tracker-store",
        action="store_true",
        help="latency: with Rasa's SQLTrackerStore (stored as latency-stock-tracker)",
    )
    parser.add_argument(
        "--reuse-baseline",
        action="store_true",
        help="nlu: evaluate the default model an earlier run trained (var/bench/nlu/default/)",
    )
    args = parser.parse_args()
    parts = [p for p in args.parts if p != "report"] if args.parts else list(PARTS)
    failed = []
    for part in parts:
        started, t0 = common.machine(), time.monotonic()
        print(f"bench: {part} …", flush=True)
        try:
            figures = RUNNERS[part](args)
        except Exception as exc:
            # One part failing (e.g. a missing script of another team) must not lose the others.
            print(f"bench: {part} failed: {type(exc).__name__}: {exc}", file=sys.stderr)
            failed.append(part)
            continue
        figures["wall_seconds"] = round(time.monotonic() - t0, 1)
        stored = part
        if part == "latency" and args.stock_action_check:
            stored = "latency-stock"
        elif part == "latency" and args.stock_tracker_store:
            stored = "latency-stock-tracker"
        if part == "longconv" and (common.RESULTS_DIR / "longconv.json").exists():
            # Latency figures on a shared machine are noisy: the page shows two runs.
            (common.RESULTS_DIR / "longconv.json").replace(
                common.RESULTS_DIR / "longconv-previous.json"
            )
        print(f"bench: {part} stored in {common.save(stored, figures, started=started)}")
    path = report.write()
    print(f"bench: wrote {path}")
    if failed:
        sys.exit(f"bench: failed parts: {', '.join(failed)}")


if __name__ == "__main__":
    main()
