"""Structured (JSON lines) logging for every Dalil process.

Each user message gets one correlation id at the gateway; it travels to Rasa and the action
server in the message's metadata and appears as `cid` in every log line written while that
message is handled, so one message can be followed across the three processes. The line
format (`JsonFormatter`) is Rasa's too: it lives in `components.json_logging`, which the engine
venv can import.
"""

import logging
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from components.json_logging import JsonFormatter

__all__ = [
    "CORRELATION_ID",
    "JsonFormatter",
    "configure_logging",
    "correlation",
    "new_correlation_id",
]

CORRELATION_ID: ContextVar[str | None] = ContextVar("dalil_correlation_id", default=None)


def new_correlation_id() -> str:
    """A fresh id for one user message."""
    return uuid.uuid4().hex


def _record_with_correlation(*args: Any, **kwargs: Any) -> logging.LogRecord:
    """Stamp each record with the correlation id when it is created, not when it is written:
    handlers may format later, outside the message's context."""
    record = _base_factory(*args, **kwargs)
    cid = CORRELATION_ID.get()
    if cid:
        record.cid = cid
    return record


_base_factory = logging.getLogRecordFactory()
if getattr(_base_factory, "__name__", "") != "_record_with_correlation":
    logging.setLogRecordFactory(_record_with_correlation)


@contextmanager
def correlation(cid: str | None) -> Iterator[str | None]:
    """Tag every log line of the block with `cid` (nothing when None)."""
    token = CORRELATION_ID.set(cid)
    try:
        yield cid
    finally:
        CORRELATION_ID.reset(token)


def configure_logging(level: str = "INFO") -> None:
    """Send every logger's records to stderr as JSON lines."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for noisy in ("httpx", "httpcore", "uvicorn.access"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
