"""Rasa's REST channel, with JSON logs and the gateway's correlation id on them.

`credentials.yml` names this class instead of `rest:`; the webhook stays
`/webhooks/rest/webhook`. Credentials are not part of the model: changing them needs no training.
"""

import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint
from sanic.request import Request

from components import json_logging

logger = logging.getLogger(__name__)


class DalilRestInput(RestInput):
    """The REST channel; each message's lines carry its metadata's `correlation_id`."""

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        """Created once at start-up: from here on, Rasa's lines are JSON."""
        json_logging.install()
        return cls()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """Registered after Sanic set up its own text handlers: take them over again.

        Each message handled writes one `message` line (its duration in ms, no text), so that
        Rasa's part of every message appears in its log under the message's `cid`.
        """
        json_logging.install()

        async def handle(message: UserMessage) -> None:
            start = time.perf_counter()
            outcome = "error"
            try:
                await on_new_message(message)
                outcome = "ok"
            finally:
                ms = round((time.perf_counter() - start) * 1000, 1)
                logger.info("message", extra={"outcome": outcome, "ms": ms})

        return super().blueprint(handle)

    def get_metadata(self, request: Request) -> dict[str, Any] | None:
        """The message's metadata; its correlation id tags the lines of this request's task."""
        metadata = super().get_metadata(request)
        json_logging.set_correlation_id((metadata or {}).get("correlation_id"))
        return metadata
