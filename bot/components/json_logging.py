"""JSON lines logging for the Rasa process, with the message's correlation id.

`JsonFormatter` writes every Dalil process's lines (`dalil/logging.py` uses it for the gateway
and the action server): the keys `ts`, `level`, `logger`, `msg`, `cid`, then the extras, with
only the standard library, as the engine venv does not have Dalil's package. `channel.DalilRestInput` installs it when Rasa
creates its input channel and sets the correlation id of each message it receives.

Rasa writes a user's text only at DEBUG level, so the handler never writes below INFO whatever
`--debug` or `LOG_LEVEL` say.
"""

import json
import logging
import re
import sys
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

CORRELATION_ID: ContextVar[str | None] = ContextVar("dalil_rasa_correlation_id", default=None)

# The gateway's ids are uuid4().hex; anything else is not logged (it could be any text).
_CID = re.compile(r"[0-9a-f]{32}")

# Sanic installs its own text handlers on these loggers when the server app is created.
_SANIC_LOGGERS = ("sanic.root", "sanic.error", "sanic.access", "sanic.server", "sanic.websockets")

_RESERVED = set(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {
    "message",
    "asctime",
    "cid",
}


def set_correlation_id(value: object) -> None:
    """Tag the lines of the current message (the request's task) with `value`, if it is an id."""
    CORRELATION_ID.set(value if isinstance(value, str) and _CID.fullmatch(value) else None)


class CorrelationFilter(logging.Filter):
    """Stamp each record with the correlation id of the message being handled."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Add `cid` when the record is written inside a message's handling."""
        cid = CORRELATION_ID.get()
        if cid and not getattr(record, "cid", None):
            record.cid = cid
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line, with the keys of Dalil's other processes."""

    def format(self, record: logging.LogRecord) -> str:
        """Render the record as JSON."""
        payload: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        cid = getattr(record, "cid", None)
        if cid:
            payload["cid"] = cid
        payload.update(
            {
                k: v
                for k, v in record.__dict__.items()
                if k not in _RESERVED and not k.startswith("_")
            }
        )
        if record.exc_info:
            payload["exc"] = self.formatException(record.exc_info)
        return json.dumps(payload, ensure_ascii=False, default=str)


class _JsonHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Marks Dalil's handler so that installing twice keeps one."""


def install() -> None:
    """Make every log line of this process a JSON line on stderr, never below INFO.

    Replaces the root logger's handlers (Rasa's coloured text) and Sanic's, and routes Python
    warnings through logging so that they are JSON lines too. Safe to call more than once.
    """
    root = logging.getLogger()
    handler = next((h for h in root.handlers if isinstance(h, _JsonHandler)), None)
    if handler is None:
        handler = _JsonHandler(sys.stderr)
        handler.setFormatter(JsonFormatter())
        handler.addFilter(CorrelationFilter())
    handler.setLevel(logging.INFO)
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)
    for name in _SANIC_LOGGERS:
        sanic_logger = logging.getLogger(name)
        sanic_logger.handlers.clear()
        sanic_logger.propagate = True
    logging.captureWarnings(True)
