"""What every benchmark shares: the machine's description and where results are kept."""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

from dalil.settings import ROOT

RESULTS_DIR = ROOT / "bench" / "figures"  # committed: the page is rendered from them
ENGINE_PYTHON = ROOT / ".venv-rasa" / "bin" / "python"
RASA_BIN = ROOT / ".venv-rasa" / "bin" / "rasa"


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory_gib() -> float:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    return 0.0


def _git_commit() -> str:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return out.stdout.strip()


def machine() -> dict[str, Any]:
    """The machine and moment a figure was measured on; figures mean nothing without it."""
    load = os.getloadavg()
    return {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "memory_gib": round(_memory_gib(), 1),
        "python": platform.python_version(),
        "os": f"{platform.system()} {platform.release()}",
        "load_average_at_start": [round(x, 2) for x in load],
        "commit": _git_commit(),
    }


def command() -> str:
    """The command that produced a result, as someone would type it."""
    return "python -m bench " + shlex.join(sys.argv[1:])


def save(part: str, figures: dict[str, Any], *, started: dict[str, Any]) -> Path:
    """Store one part's figures with the machine, date and command, as JSON next to the code."""
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / f"{part}.json"
    record = {"part": part, "machine": started, "command": command(), "figures": figures}
    path.write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n")
    return path


def load(part: str) -> dict[str, Any] | None:
    """A part's last stored result, if it was ever run."""
    path = RESULTS_DIR / f"{part}.json"
    if not path.exists():
        return None
    data: dict[str, Any] = json.loads(path.read_text())
    return data


def engine_env(**extra: str) -> dict[str, str]:
    """The environment for engine (Rasa) subprocesses, plus `extra`.

    `bot/` comes first on their import path: Rasa imports the custom components (`components.*`)
    and the tracker store from there, as `rasa run` does from that folder, whatever script runs.
    """
    path = os.pathsep.join(p for p in (str(ROOT / "bot"), os.environ.get("PYTHONPATH", "")) if p)
    return {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "PYTHONPATH": path, **extra}
