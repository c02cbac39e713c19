"""A real HTTP server on loopback, in a thread, for whatever ASGI app a test needs."""

from __future__ import annotations

import threading
import time

import uvicorn
from starlette.types import ASGIApp

from bench.devstack import free_port


class LoopbackServer:
    """Runs `app` with uvicorn on 127.0.0.1 and a free port until stopped."""

    def __init__(self, app: ASGIApp, *, lifespan: bool = False) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(
            app,
            host="127.0.0.1",
            port=self.port,
            log_level="warning",
            lifespan="on" if lifespan else "off",
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True)

    def start(self) -> LoopbackServer:
        """Start and wait until the socket accepts connections."""
        self._thread.start()
        # A gateway with its lifespan starts slowly on a busy machine.
        deadline = time.monotonic() + 60
        while not self._server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("fake server did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        """Shut down and join the thread."""
        self._server.should_exit = True
        self._thread.join(timeout=10)
