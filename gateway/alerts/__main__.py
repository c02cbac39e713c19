"""The alerts' outbox process: `python -m gateway.alerts` (resumes whatever a restart left)."""

from __future__ import annotations

import asyncio
import contextlib
import signal

import httpx

from dalil.logging import configure_logging
from gateway.alerts.outbox import Outbox
from gateway.alerts.settings import AlertSettings
from gateway.channels import build_channels
from gateway.inbox.store import make_inbox_engine
from gateway.settings import GatewaySettings

PROVIDER_TIMEOUT_SECONDS = 15.0


async def main(*, once: bool = False) -> None:
    """Send the deliveries of alerts being sent, until stopped (or once through)."""
    settings = GatewaySettings()
    configure_logging(settings.log_level)
    engine = make_inbox_engine(settings.database_url)
    async with httpx.AsyncClient(timeout=PROVIDER_TIMEOUT_SECONDS) as http:
        outbox = Outbox(engine, build_channels(settings, http), AlertSettings())
        try:
            if once:
                while await outbox.run_once():
                    pass
                return
            task = asyncio.create_task(outbox.run_forever())
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGTERM, signal.SIGINT):
                loop.add_signal_handler(sig, task.cancel)
            with contextlib.suppress(asyncio.CancelledError):
                await task
        finally:
            engine.dispose()


if __name__ == "__main__":
    import sys

    asyncio.run(main(once="--once" in sys.argv))
