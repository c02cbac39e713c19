"""Structured (JSON lines) logging for every Dalil process.

Each user message gets one correlation id at the gateway; it travels to Rasa and the action
server in the message's metadata and appears as `cid` in every log line written while that
message is handled, so one message can be followed across the three processes.
"""

import json
import logging
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

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


_RESERVED = set(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """One JSON object per line; extra fields passed with `extra=` become keys."""

    def format(self, record: logging.LogRecord) -> str:
        """Render the record as JSON."""
        payload: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        payload.update({k: v for k, v in record.__dict__.items() if k not in _RESERVED})
        if record.exc_info:
            payload["exc"] = self.formatException(record.exc_info)
        return json.dumps(payload, ensure_ascii=False, default=str)


def configure_logging(level: str = "INFO") -> None:
    """Send every logger's records to stderr as JSON lines."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for noisy in ("httpx", "httpcore", "uvicorn.access"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
