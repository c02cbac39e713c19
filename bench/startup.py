"""`python -m bench startup`: how long `make run` takes, from an already set-up tree, to answer.

Each run starts `make run` (venvs, catalogs, knowledge base and model already there, as on a
second start), stamps every line it prints, polls the three processes and the web chat, and
stops everything with Ctrl-C as a person would. Phases, in seconds from the start:

- make: until honcho starts the processes (make's prerequisites: stamps, `train.py`'s
  fingerprint check, the secrets file);
- gateway, actions: until `/healthz`, `/health` answer;
- rasa: until Rasa's HTTP server answers (it listens only once the model is loaded);
- answer: until `POST /api/v1/chat` returns a non-empty answer to "bonjour" (the first
  prediction included).

`python -m bench.startup --runs 3` prints the same without storing anything. The ports are
the Procfile's (8000, 5005, 5055): nothing else may hold them during the runs.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import httpx

from bench.common import ROOT

GATEWAY = "http://127.0.0.1:8000"
RASA = "http://127.0.0.1:5005"
ACTIONS = "http://127.0.0.1:5055"
PORTS = (8000, 5005, 5055)
PHASES = ("make", "gateway", "actions", "rasa", "answer")
LOG_DIR = ROOT / "var" / "bench" / "startup"
# Lines whose first appearance is worth a time stamp (Rasa's own steps while it loads).
MARKERS = {
    "honcho": re.compile(r"\| \w+\.\d+ started \(pid="),
    "rasa_loading_model": re.compile(r"[Ll]oading model"),
    "rasa_up": re.compile(r"Rasa server is up and running"),
}


def _port_busy(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _ok(http: httpx.Client, url: str) -> bool:
    try:
        return http.get(url, timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def _answered(http: httpx.Client) -> bool:
    body = {"sender": f"startup-{uuid.uuid4().hex[:12]}", "text": "bonjour", "language": "fr"}
    try:
        response = http.post(f"{GATEWAY}/api/v1/chat", json=body, timeout=60)
    except httpx.HTTPError:
        return False
    return response.status_code == 200 and bool(response.json().get("messages"))


class _Lines(threading.Thread):
    """Reads the child's output, stamping each line with seconds since the start."""

    def __init__(self, stream: Any, started: float, log: Path) -> None:
        super().__init__(daemon=True)
        self.stream, self.started, self.log = stream, started, log
        self.marks: dict[str, float] = {}

    def run(self) -> None:
        with self.log.open("w") as out:
            for raw in self.stream:
                line = raw.decode(errors="replace").rstrip()
                at = time.monotonic() - self.started
                out.write(f"{at:8.2f} {line}\n")
                out.flush()
                for name, pattern in MARKERS.items():
                    if name not in self.marks and pattern.search(line):
                        self.marks[name] = round(at, 2)


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Ctrl-C to the whole group, as in a terminal; then harder if it lingers."""
    for sig, wait in ((signal.SIGINT, 30), (signal.SIGTERM, 10), (signal.SIGKILL, 5)):
        if process.poll() is not None:
            return
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(wait)
        except subprocess.TimeoutExpired:
            continue


def one_run(index: int, *, command: list[str], timeout: float) -> dict[str, Any]:
    """Start, poll until the web chat answers, stop; the phase times of this run."""
    busy = [port for port in PORTS if _port_busy(port)]
    if busy:
        raise RuntimeError(f"ports already in use: {busy}; stop what holds them first")
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    log = LOG_DIR / f"run-{index}.log"
    load_before = [round(x, 2) for x in os.getloadavg()]
    started = time.monotonic()
    process = subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True
    )
    lines = _Lines(process.stdout, started, log)
    lines.start()
    times: dict[str, float] = {}
    probes = {"gateway": f"{GATEWAY}/healthz", "actions": f"{ACTIONS}/health", "rasa": RASA}
    try:
        with httpx.Client() as http:
            while "answer" not in times:
                now = time.monotonic() - started
                if now > timeout:
                    raise TimeoutError(f"no answer after {timeout:.0f} s; see {log}")
                if process.poll() is not None:
                    raise RuntimeError(f"`{' '.join(command)}` exited early; see {log}")
                for name, url in probes.items():
                    if name not in times and _ok(http, url):
                        times[name] = round(time.monotonic() - started, 2)
                if {"gateway", "actions", "rasa"} <= set(times) and _answered(http):
                    times["answer"] = round(time.monotonic() - started, 2)
                time.sleep(0.1)
    finally:
        _stop(process)
        lines.join(5)
    times["make"] = lines.marks.get("honcho", float("nan"))
    return {
        "run": index,
        "seconds": {phase: times[phase] for phase in PHASES},
        "marks": lines.marks,
        "load_average_before": load_before,
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "log": str(log.relative_to(ROOT)),
    }


def run(*, runs: int = 3, timeout: float = 300, command: list[str] | None = None) -> dict[str, Any]:
    """`runs` starts one after the other; the median of each phase across them."""
    command = command or ["make", "run"]
    results = []
    for index in range(1, runs + 1):
        result = one_run(index, command=command, timeout=timeout)
        print(f"startup run {index}: {json.dumps(result['seconds'])}", flush=True)
        results.append(result)
        time.sleep(3)  # let the ports close
    median = {
        phase: round(statistics.median(r["seconds"][phase] for r in results), 2) for phase in PHASES
    }
    return {"command": " ".join(command), "runs": results, "median_seconds": median}


def main() -> None:
    """Command-line entry point: print the figures, store nothing."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=300)
    args = parser.parse_args()
    figures = run(runs=args.runs, timeout=args.timeout)
    json.dump(figures["median_seconds"], sys.stdout)
    print()


if __name__ == "__main__":
    main()
