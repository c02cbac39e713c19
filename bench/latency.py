"""End-to-end latency and throughput, gateway vs Rasa alone, with the same messages.

One run starts the real three processes (`bench.devstack`), then for 1, 10 and 50 concurrent
conversations sends the same user messages three ways, one after the other:

- `gateway`: `POST /api/v1/chat` (gateway → Rasa → actions/NLG → gateway), what users get;
- `rasa_rest`: Rasa's REST channel with the metadata the gateway would add (Rasa still calls
  the action server and the gateway's `/nlg`), so gateway / rasa_rest is the chat path's cost;
- `rasa_parse`: Rasa's `POST /model/parse`, NLU alone: the floor set by Rasa's own processing.

Each conversation sends its turns one after another (a person waits for the answer); bounded by
a message count and a time limit per level; loopback only. RSS of each process tree is sampled.
"""

from __future__ import annotations

import asyncio
import statistics
import subprocess
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from bench.devstack import Stack, running_stack
from bench.messages import sample
from bench.rss import RssSampler, tree_cpu_seconds
from dalil.settings import ROOT
from gateway.staff.handover import LEAVE_PAYLOAD

LEVELS = (1, 10, 50)
TARGETS = ("rasa_parse", "rasa_rest", "gateway")
# A send returns "ok", "empty" (no message at all), "apology" (the gateway's "cannot answer") or
# "handover" (the gateway stayed silent because the conversation was handed to a person: not an
# answer, so not a latency; counted apart, and the conversation goes back to the bot).
Send = Callable[[httpx.AsyncClient, str, str, str], Awaitable[str]]


@dataclass
class Level:
    """What one target did at one concurrency level."""

    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    empty: int = 0
    apology: int = 0
    handover: int = 0
    seconds: float = 0.0

    def summary(self) -> dict[str, Any]:
        """p50/p95/p99 in milliseconds, messages per second, errors."""
        ordered = sorted(self.latencies)

        def pct(p: float) -> float:
            if not ordered:
                return 0.0
            return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))] * 1000

        return {
            "messages": len(ordered),
            "p50_ms": round(pct(50), 1),
            "p95_ms": round(pct(95), 1),
            "p99_ms": round(pct(99), 1),
            "mean_ms": round(statistics.fmean(ordered) * 1000, 1) if ordered else 0.0,
            "per_second": round(len(ordered) / self.seconds, 2) if self.seconds else 0.0,
            "errors": self.errors,
            "empty": self.empty,
            "apology": self.apology,
            "handover": self.handover,
        }


async def handover_or_empty(http: httpx.AsyncClient, gateway_url: str, sender: str) -> str:
    """After a silent answer: "handover" (and back to the bot) if a person holds the conversation."""
    polled = await http.post(f"{gateway_url}/api/v1/chat/inbox", json={"sender": sender})
    if polled.status_code != 200 or not polled.json().get("handover"):
        return "empty"
    # The load measures the bot: leave the handover (the request stays in the staff inbox).
    left = await http.post(
        f"{gateway_url}/api/v1/chat", json={"sender": sender, "text": LEAVE_PAYLOAD}
    )
    left.raise_for_status()
    return "handover"


def senders(stack: Stack, apology: str) -> dict[str, Send]:
    """One send function per target."""
    metadata = {"channel": "web", "location": None}
    token = {"token": stack.rasa_token}

    async def gateway(http: httpx.AsyncClient, sender: str, text: str, language: str) -> str:
        # No explicit language: the gateway detects it, as for every messaging channel.
        response = await http.post(
            f"{stack.gateway_url}/api/v1/chat", json={"sender": sender, "text": text}
        )
        response.raise_for_status()
        messages = response.json()["messages"]
        if not messages:
            return await handover_or_empty(http, stack.gateway_url, sender)
        return "apology" if messages[0]["text"] == apology else "ok"

    async def rasa_rest(http: httpx.AsyncClient, sender: str, text: str, language: str) -> str:
        response = await http.post(
            f"{stack.rasa_url}/webhooks/rest/webhook",
            json={
                "sender": sender,
                "message": text,
                "metadata": {**metadata, "language": language},
            },
        )
        response.raise_for_status()
        return "ok" if response.json() else "empty"

    async def rasa_parse(http: httpx.AsyncClient, sender: str, text: str, language: str) -> str:
        response = await http.post(
            f"{stack.rasa_url}/model/parse", params=token, json={"text": text}
        )
        response.raise_for_status()
        return "ok" if response.json().get("intent") else "empty"

    return {"gateway": gateway, "rasa_rest": rasa_rest, "rasa_parse": rasa_parse}


async def run_level(
    send: Send,
    messages: list[tuple[str, str]],
    *,
    concurrency: int,
    tag: str,
    time_limit: float,
) -> Level:
    """`concurrency` conversations share out `messages`; each sends its turns in sequence."""
    level = Level()
    deadline = time.monotonic() + time_limit
    limits = httpx.Limits(
        max_connections=concurrency + 5, max_keepalive_connections=concurrency + 5
    )

    async def conversation(index: int, http: httpx.AsyncClient) -> None:
        sender = f"bench-{tag}-{concurrency}-{index}-{time.time_ns()}"
        for language, text in messages[index::concurrency]:
            if time.monotonic() > deadline:
                return
            started = time.perf_counter()
            try:
                outcome = await send(http, sender, text, language)
            except (httpx.HTTPError, KeyError, ValueError):
                level.errors += 1
                continue
            if outcome == "handover":
                level.handover += 1
                continue
            level.latencies.append(time.perf_counter() - started)
            level.empty += outcome == "empty"
            level.apology += outcome == "apology"

    async with httpx.AsyncClient(timeout=60, limits=limits) as http:
        started = time.monotonic()
        await asyncio.gather(*(conversation(i, http) for i in range(concurrency)))
        level.seconds = time.monotonic() - started
    return level


# One benchmark conversation sends up to 60 messages a minute: above the per-sender limit (30),
# which protects the service from a flooding sender but is not what is measured here.
STACK_ENV = {"DALIL_RATE_LIMIT_PER_MINUTE": "100000", "DALIL_LOG_LEVEL": "WARNING"}


def prepare_kb(workdir: Path) -> str:
    """A fresh SQLite knowledge base in `workdir`, imported from `knowledge/content/`."""
    database_url = f"sqlite:///{workdir / 'knowledge.db'}"
    (workdir / "knowledge.db").unlink(missing_ok=True)
    subprocess.run(
        [str(ROOT / ".venv" / "bin" / "dalil"), "kb", "import"],
        check=True,
        cwd=ROOT,
        env={"DALIL_DATABASE_URL": database_url, "PATH": "/usr/bin:/bin"},
        capture_output=True,
    )
    return database_url


async def measure(stack: Stack, *, quick: bool) -> dict[str, Any]:
    """Every level for every target, RSS sampled throughout."""
    from gateway.conversation import apology

    per_level = {1: 20, 10: 100, 50: 200} if quick else {1: 60, 10: 300, 50: 600}
    time_limit = 60.0 if quick else 180.0
    send = senders(stack, apology("fr").text)
    pids = {name: p.popen.pid for name, p in stack.processes.items() if p.popen is not None}
    sampler = RssSampler(pids)
    idle = sampler.snapshot()
    results: dict[str, Any] = {"levels": {}, "messages_per_level": per_level}
    async with sampler.running():
        # Warm every path (model caches, connection pools, the first tracker) before timing.
        await run_level(
            send["gateway"], sample(10, seed=1), concurrency=2, tag="warm", time_limit=60
        )
        await run_level(
            send["rasa_rest"], sample(10, seed=1), concurrency=2, tag="warm", time_limit=60
        )
        for concurrency in LEVELS:
            messages = sample(per_level[concurrency], seed=concurrency)
            row = {}
            for target in TARGETS:
                cpu_before = {name: tree_cpu_seconds(pid) for name, pid in pids.items()}
                level = await run_level(
                    send[target],
                    messages,
                    concurrency=concurrency,
                    tag=target,
                    time_limit=time_limit,
                )
                row[target] = level.summary()
                # CPU each process spent per answered message: what each part costs, measured
                # by the kernel (a sampling profiler could not see into Rasa's TensorFlow).
                done = max(1, row[target]["messages"])
                row[target]["cpu_ms_per_message"] = {
                    name: round((tree_cpu_seconds(pid) - cpu_before[name]) * 1000 / done, 1)
                    for name, pid in pids.items()
                }
                print(f"bench latency: c={concurrency} {target}: {row[target]}", flush=True)
            results["levels"][str(concurrency)] = row
    results["rss_mib"] = {"idle": idle, "peak": sampler.peak}
    return results


def run(
    *, quick: bool = False, stock_action_check: bool = False, stock_tracker_store: bool = False
) -> dict[str, Any]:
    """Start the stack on free ports, measure, stop it.

    `stock_action_check` runs Rasa with its own per-call JSON Schema check of action answers
    instead of Dalil's cached validator (bot/components/action_schema.py), to measure the gain.
    `stock_tracker_store` runs it with Rasa's SQLTrackerStore instead of Dalil's bounded one
    (bot/components/tracker_store.py).
    """
    workdir = ROOT / "var" / "bench" / "stack"
    workdir.mkdir(parents=True, exist_ok=True)
    for log in workdir.glob("*.log"):
        log.unlink()
    database_url = prepare_kb(workdir)
    env = dict(STACK_ENV)
    if stock_action_check:
        env["DALIL_RASA_STOCK_ACTION_CHECK"] = "1"
    (workdir / "rasa-tracker.db").unlink(missing_ok=True)
    store = (
        {"type": "SQL", "dialect": "sqlite", "db": str(workdir / "rasa-tracker.db")}
        if stock_tracker_store
        else None
    )
    with running_stack(workdir, database_url, extra_env=env, tracker_store=store) as stack:
        figures = asyncio.run(measure(stack, quick=quick))
        figures["model"] = stack.model.name
        figures["stock_action_check"] = stock_action_check
        figures["tracker_store"] = "stock" if stock_tracker_store else "bounded"
    return figures
