"""One long conversation: does a turn cost more the longer the conversation has lasted?

`python -m bench longconv` starts the real stack (`bench.devstack`) once per configuration and
tracker store, and sends one conversation of 300 turns through the gateway (`POST /api/v1/chat`),
each turn after the previous answer, timing every turn:

- configurations: `sqlite` (what `make run` uses: SQLite knowledge base and tracker store,
  in-memory lock store) and `postgres` (production: PostgreSQL knowledge base and tracker
  store, Redis lock store and gateway state);
- tracker stores: `stock` (Rasa's `SQLTrackerStore`, before) and `bounded` (Dalil's
  `BoundedSQLTrackerStore`, bot/components/tracker_store.py, after).

The figure of merit is within one run: p50 of the last 30 turns ÷ p50 of turns 2-31. The
answers of both stores are compared turn by turn: bounding the session must not change them.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from pathlib import Path
from typing import Any

import httpx
import redis
import yaml

from bench import latency, pg
from bench.devstack import Stack, running_stack
from dalil.settings import ROOT

CONFIGS = ("sqlite", "postgres")
STORES = ("stock", "bounded")
TURNS = 300
FIRST = (2, 31)  # turns compared (1-based, inclusive): the first is the session start
WINDOW = 30
REDIS_DB = 11  # the benchmark's own Redis database: flushed before and after
TRACKER_DB = "dalil_bench_long_tracker"
KB_DB = "dalil_bench_long_kb"
# A WhatsApp-like thread: short questions, thanks, city and status given, topics revisited.
SCRIPT = [
    "bonjour",
    "je cherche un logement",
    "merci",
    "et pour la santé ?",
    "mon fils veut aller à l'école",
    "comment avoir une carte de séjour",
    "merci beaucoup",
    "je veux travailler",
    "j'ai besoin d'un avocat",
    "formation professionnelle",
    "ok merci",
    "comment demander l'asile ?",
]


def tracker_store(config: str, store: str, workdir: Path) -> dict[str, Any]:
    """The endpoints' `tracker_store` for one configuration and store."""
    bounded = yaml.safe_load((ROOT / "bot" / "endpoints.yml").read_text())["tracker_store"]
    options: dict[str, Any] = (
        {"type": "SQL"}
        if store == "stock"
        else {k: v for k, v in bounded.items() if k not in {"dialect", "db"}}
    )
    if config == "sqlite":
        return {**options, "dialect": "sqlite", "db": str(workdir / "rasa-tracker.db")}
    return {
        **options,
        "dialect": "postgresql",
        "url": "127.0.0.1",
        "port": 5432,
        "db": TRACKER_DB,
        "username": "root",
    }


def p50(values: list[float]) -> float:
    """The median in milliseconds."""
    return round(statistics.median(values) * 1000, 1) if values else 0.0


async def converse(stack: Stack, turns: int) -> tuple[list[float], list[str]]:
    """One sender, `turns` messages in sequence: each turn's seconds and first answer text."""
    sender = f"bench-long-{time.time_ns()}"
    seconds: list[float] = []
    answers: list[str] = []
    async with httpx.AsyncClient(timeout=120) as http:
        for turn in range(turns):
            text = SCRIPT[turn % len(SCRIPT)]
            started = time.perf_counter()
            response = await http.post(
                f"{stack.gateway_url}/api/v1/chat",
                json={"sender": sender, "text": text, "language": "fr"},
            )
            seconds.append(time.perf_counter() - started)
            response.raise_for_status()
            messages = response.json()["messages"]
            answers.append(messages[0]["text"] if messages else "")
    return seconds, answers


def summarise(seconds: list[float]) -> dict[str, Any]:
    """p50 of turns 2-31 and of the last 30, their ratio, and p50 per block of 30 turns."""
    first = p50(seconds[FIRST[0] - 1 : FIRST[1]])
    last = p50(seconds[-WINDOW:])
    blocks = [
        {
            "turns": f"{i + 1}-{min(i + WINDOW, len(seconds))}",
            "p50_ms": p50(seconds[i : i + WINDOW]),
        }
        for i in range(0, len(seconds), WINDOW)
    ]
    return {
        "p50_first_ms": first,
        "p50_last_ms": last,
        "ratio": round(last / first, 2) if first else None,
        "blocks": blocks,
        "ms": [round(s * 1000, 1) for s in seconds],
    }


def one(config: str, store: str, turns: int) -> dict[str, Any]:
    """Start the stack for one configuration and store, run the conversation, stop it."""
    workdir = ROOT / "var" / "bench" / "longconv" / f"{config}-{store}"
    workdir.mkdir(parents=True, exist_ok=True)
    for stale in (*workdir.glob("*.log"), workdir / "rasa-tracker.db"):
        stale.unlink(missing_ok=True)
    env = dict(latency.STACK_ENV)
    lock_store = None
    locks = None
    if config == "sqlite":
        database_url = latency.prepare_kb(workdir)
    else:
        pg.create_database(TRACKER_DB)
        database_url = pg.create_database(KB_DB)
        pg.import_knowledge(database_url)
        locks = redis.Redis(host="127.0.0.1", port=6379, db=REDIS_DB)
        locks.flushdb()
        lock_store = {
            "type": "redis",
            "url": "127.0.0.1",
            "port": 6379,
            "db": REDIS_DB,
            "key_prefix": "dalil-bench",
        }
        env["DALIL_REDIS_URL"] = f"redis://127.0.0.1:6379/{REDIS_DB}"
    try:
        with running_stack(
            workdir,
            database_url,
            extra_env=env,
            tracker_store=tracker_store(config, store, workdir),
            lock_store=lock_store,
        ) as stack:
            # Warm the model, the pools and the first tracker on another sender.
            asyncio.run(converse(stack, 5))
            cpu_before = _cpu(stack)
            started = time.monotonic()
            seconds, answers = asyncio.run(converse(stack, turns))
            wall = time.monotonic() - started
            cpu = {name: spent - cpu_before[name] for name, spent in _cpu(stack).items()}
            log = stack.processes["rasa"].log_path.read_text(errors="replace")
    finally:
        if locks is not None:
            locks.flushdb()
            locks.close()
            pg.drop_database(TRACKER_DB)
            pg.drop_database(KB_DB)
    if "not found. Using `InMemoryTrackerStore`" in log:
        raise RuntimeError(f"{config}-{store}: Rasa could not load the tracker store")
    result = summarise(seconds)
    result.update(
        answers=answers,
        seconds=round(wall, 1),
        rasa_cpu_ms_per_turn=round(cpu["rasa"] * 1000 / turns, 1),
        cpu_ms_per_turn={name: round(spent * 1000 / turns, 1) for name, spent in cpu.items()},
    )
    print(
        f"bench longconv: {config} {store}: turns 2-31 p50 {result['p50_first_ms']} ms, "
        f"last 30 p50 {result['p50_last_ms']} ms, ratio {result['ratio']}",
        flush=True,
    )
    return result


def _cpu(stack: Stack) -> dict[str, float]:
    """CPU seconds each process tree has used so far (rasa, actions, gateway)."""
    from bench.rss import tree_cpu_seconds

    return {
        name: tree_cpu_seconds(process.popen.pid)
        for name, process in stack.processes.items()
        if process.popen is not None
    }


def run(*, quick: bool = False, configs: tuple[str, ...] = CONFIGS) -> dict[str, Any]:
    """Every configuration with both stores; the answers of the two stores compared."""
    turns = 60 if quick else TURNS
    figures: dict[str, Any] = {"turns": turns, "script": SCRIPT, "runs": {}}
    for config in configs:
        runs: dict[str, Any] = {store: one(config, store, turns) for store in STORES}
        stock, bounded = runs["stock"]["answers"], runs["bounded"]["answers"]
        runs["answers_differ"] = [
            i + 1 for i, (a, b) in enumerate(zip(stock, bounded, strict=True)) if a != b
        ]
        figures["runs"][config] = runs
    return figures
