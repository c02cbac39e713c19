"""Resident memory of each process tree, with psutil when installed, else from /proc."""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import AsyncIterator
from pathlib import Path

try:
    import psutil
except ImportError:  # pragma: no cover - depends on the venv
    psutil = None


def _tree_pids(pid: int) -> list[int]:
    if psutil is not None:
        try:
            root = psutil.Process(pid)
            return [pid, *(child.pid for child in root.children(recursive=True))]
        except psutil.Error:
            return []
    children = Path(f"/proc/{pid}/task/{pid}/children")
    try:
        kids = [int(x) for x in children.read_text().split()]
    except OSError:
        return [pid]
    return [pid, *(p for kid in kids for p in _tree_pids(kid))]


def _rss_bytes(pid: int) -> int:
    if psutil is not None:
        try:
            return int(psutil.Process(pid).memory_info().rss)
        except psutil.Error:
            return 0
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def tree_rss_mib(pid: int) -> float:
    """RSS of a process and all its children, in MiB (Sanic and uvicorn may fork workers)."""
    return round(sum(_rss_bytes(p) for p in _tree_pids(pid)) / 2**20, 1)


def _cpu_seconds(pid: int) -> float:
    if psutil is not None:
        try:
            times = psutil.Process(pid).cpu_times()
            return float(times.user + times.system)
        except psutil.Error:
            return 0.0
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


def tree_cpu_seconds(pid: int) -> float:
    """CPU time (user + system) a process and its children have used so far, in seconds."""
    return sum(_cpu_seconds(p) for p in _tree_pids(pid))


class RssSampler:
    """Samples each named process tree's RSS and keeps the peak."""

    def __init__(self, pids: dict[str, int], interval: float = 0.5) -> None:
        self.pids = pids
        self.interval = interval
        self.peak: dict[str, float] = dict.fromkeys(pids, 0.0)

    def snapshot(self) -> dict[str, float]:
        """Each tree's RSS now, also folded into the peaks."""
        now = {name: tree_rss_mib(pid) for name, pid in self.pids.items()}
        for name, value in now.items():
            self.peak[name] = max(self.peak[name], value)
        return now

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        """Sample in the background while the block runs."""

        async def loop() -> None:
            while True:
                self.snapshot()
                await asyncio.sleep(self.interval)

        task = asyncio.create_task(loop())
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            self.snapshot()
