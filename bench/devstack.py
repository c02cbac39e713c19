"""Start Rasa, the action server and the gateway as real processes on free ports.

Used by the end-to-end, reliability and scale tests and by the benchmarks (a tool, not part of
the installed packages): the same commands as the
Procfile, pointed at a private knowledge base and private ports so they never clash with `make run`.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import yaml

from bench.common import ENGINE_PYTHON
from dalil.settings import ROOT

APP_PYTHON = ROOT / ".venv" / "bin" / "python"


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def latest_model(models_dir: Path = ROOT / "bot" / "models") -> Path:
    """The newest trained model (the convention of `make train`)."""
    models = sorted(models_dir.glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    if not models:
        raise FileNotFoundError(f"no trained model in {models_dir}: run `make train`")
    return models[-1]


@dataclass
class Process:
    """One child process and where its output goes."""

    name: str
    command: list[str]
    cwd: Path
    env: dict[str, str]
    log_path: Path
    popen: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        """Start the process in its own process group."""
        log = self.log_path.open("ab")
        self.popen = subprocess.Popen(
            self.command,
            cwd=self.cwd,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 20) -> None:
        """Stop the process group, killing it if it does not stop in time."""
        if self.popen is None or self.popen.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, sig)
        try:
            self.popen.wait(timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.popen.pid, signal.SIGKILL)
            self.popen.wait(5)

    def tail(self, lines: int = 40) -> str:
        """The end of the process's log, for failure messages."""
        if not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])


@dataclass
class Stack:
    """The three Dalil processes, wired to each other on free ports."""

    workdir: Path
    database_url: str
    model: Path = field(default_factory=latest_model)
    rasa_port: int = field(default_factory=free_port)
    actions_port: int = field(default_factory=free_port)
    gateway_port: int = field(default_factory=free_port)
    rasa_token: str = "e2e-token"
    extra_env: dict[str, str] = field(default_factory=dict)
    tracker_store: dict[str, object] | None = None
    lock_store: dict[str, object] | None = None
    processes: dict[str, Process] = field(default_factory=dict)

    @property
    def gateway_url(self) -> str:
        """Where the gateway listens."""
        return f"http://127.0.0.1:{self.gateway_port}"

    @property
    def rasa_url(self) -> str:
        """Where Rasa listens."""
        return f"http://127.0.0.1:{self.rasa_port}"

    def endpoints_file(self) -> Path:
        """Write Rasa's endpoints file for this stack (its ports and stores); return its path."""
        base = yaml.safe_load((ROOT / "bot" / "endpoints.yml").read_text()) or {}
        base["action_endpoint"] = {"url": f"http://127.0.0.1:{self.actions_port}/webhook"}
        # Written out, not ${DALIL_RASA_TOKEN}: the file is this stack's own, like its ports.
        base["nlg"] = {
            "url": f"{self.gateway_url}/nlg",
            "headers": {"Authorization": f"Bearer {self.rasa_token}"},
        }
        # By default the tracker store of `make run` (its type and options), in this stack's file.
        base["tracker_store"] = self.tracker_store or {
            **(base.get("tracker_store") or {"type": "SQL"}),
            "dialect": "sqlite",
            "db": str(self.workdir / "rasa-tracker.db"),
        }
        if self.lock_store:
            base["lock_store"] = self.lock_store
        else:
            base.pop("lock_store", None)
        path = self.workdir / "endpoints.yml"
        path.write_text(yaml.safe_dump(base))
        return path

    def env(self) -> dict[str, str]:
        """The environment every process gets."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("DALIL_")}
        env.update(
            RASA_TELEMETRY_ENABLED="false",
            DALIL_ENVIRONMENT="test",
            DALIL_DATABASE_URL=self.database_url,
            DALIL_RASA_URL=self.rasa_url,
            DALIL_RASA_TOKEN=self.rasa_token,
            DALIL_ACTION_SERVER_URL=f"http://127.0.0.1:{self.actions_port}",
            DALIL_PSEUDONYM_KEY="e2e-pseudonym-key",
            # Every client of this stack (tests, bench) is one loopback address sending many
            # conversations at once: the per-address and turns-at-once limits would measure
            # themselves. tests/gateway/test_security.py tests them.
            DALIL_CHAT_IP_LIMIT_PER_MINUTE="1000000",
            DALIL_CHAT_MAX_CONCURRENT_TURNS="1000",
            SANIC_HOST="127.0.0.1",
        )
        env.update(self.extra_env)
        return env

    def rasa_process(self, port: int | None = None, name: str = "rasa") -> Process:
        """A Rasa server process (several may share the tracker and lock stores)."""
        port = port or self.rasa_port
        return Process(
            name,
            [
                str(ENGINE_PYTHON),  # `rasa_main`: JSON logs from Rasa's first line
                "-m",
                "rasa_main",
                "run",
                "--enable-api",
                "--auth-token",
                self.rasa_token,
                "-i",
                "127.0.0.1",
                "-p",
                str(port),
                "-m",
                str(self.model),
                "--endpoints",
                str(self.endpoints_file()),
                "--credentials",
                str(ROOT / "bot" / "credentials.yml"),
            ],
            ROOT / "bot",
            self.env(),
            self.workdir / f"{name}.log",
        )

    def start(self) -> None:
        """Start all three processes and wait until the gateway says it is ready."""
        self.workdir.mkdir(parents=True, exist_ok=True)
        env = self.env()
        self.processes = {
            "actions": Process(
                "actions",
                [
                    str(APP_PYTHON),
                    "-m",
                    "actions.serve",
                    "--actions",
                    "actions",
                    "-p",
                    str(self.actions_port),
                ],
                ROOT,
                env,
                self.workdir / "actions.log",
            ),
            "gateway": Process(
                "gateway",
                [
                    str(APP_PYTHON),
                    "-m",
                    "uvicorn",
                    "gateway.main:app",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(self.gateway_port),
                ],
                ROOT,
                env,
                self.workdir / "gateway.log",
            ),
            "rasa": self.rasa_process(),
        }
        for process in self.processes.values():
            process.start()
        self.wait_ready()

    def wait_ready(self, timeout: float = 240) -> None:
        """Poll /readyz until every part answers, or fail with the processes' logs."""
        deadline = time.monotonic() + timeout
        last = ""
        while time.monotonic() < deadline:
            for process in self.processes.values():
                if process.popen is not None and process.popen.poll() is not None:
                    raise RuntimeError(f"{process.name} exited early:\n{process.tail()}")
            try:
                response = httpx.get(f"{self.gateway_url}/readyz", timeout=5)
                if response.status_code == 200:
                    return
                last = response.text
            except httpx.HTTPError as exc:
                last = repr(exc)
            time.sleep(1)
        logs = "\n".join(f"--- {p.name}\n{p.tail()}" for p in self.processes.values())
        raise TimeoutError(f"stack not ready after {timeout}s: {last}\n{logs}")

    def stop(self) -> None:
        """Stop every process."""
        for process in self.processes.values():
            process.stop()


@contextlib.contextmanager
def running_stack(workdir: Path, database_url: str, **kwargs: object) -> Iterator[Stack]:
    """A started stack, stopped on exit."""
    stack = Stack(workdir=workdir, database_url=database_url, **kwargs)  # type: ignore[arg-type]
    try:
        stack.start()
        yield stack
    finally:
        stack.stop()
