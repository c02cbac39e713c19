"""Start the action server with JSON logs and, when configured, its Prometheus endpoint.

`python -m actions.serve --actions actions -p 5055` takes rasa-sdk's own arguments. Sanic runs
the actions in worker processes that it builds from a factory, so the logging and the metrics
endpoint are set up in that factory (`worker_app`), in the process that runs the actions.
"""

from __future__ import annotations

import logging
import os
import sys
from typing import Any

from prometheus_client import start_http_server
from rasa_sdk import endpoint, utils
from rasa_sdk.__main__ import main_from_args

from actions.settings import get_settings
from dalil.logging import configure_logging

log = logging.getLogger(__name__)
_build_app = endpoint.create_app_for_serve
_metrics_started = False


def _configure_logging(level: Any = None) -> None:
    settings = get_settings()
    name = logging.getLevelName(level) if isinstance(level, int) else level
    configure_logging(name or settings.log_level)


def worker_app(*args: Any, **kwargs: Any) -> Any:
    """rasa-sdk's app factory, after JSON logging and `/metrics` are set up in this process."""
    global _metrics_started
    _configure_logging()
    settings = get_settings()
    # Sanic also calls the factory in its primary process, which runs no action: only a worker
    # (it sets SANIC_WORKER_NAME) serves the metrics.
    in_worker = bool(os.environ.get("SANIC_WORKER_NAME"))
    if settings.actions_metrics_port and in_worker and not _metrics_started:
        try:
            start_http_server(settings.actions_metrics_port, addr=settings.actions_metrics_host)
            _metrics_started = True
        except OSError:
            # Several Sanic workers share one port: the first one serves it.
            log.warning("action metrics port busy; this worker's metrics are not exposed")
    return _build_app(*args, **kwargs)


def main(argv: list[str] | None = None) -> None:
    """Parse rasa-sdk's arguments, then run its server with our logging and metrics."""
    args = endpoint.create_argument_parser().parse_args(argv if argv is not None else sys.argv[1:])
    # rasa-sdk installs coloured text logs; every Dalil process logs JSON lines instead.
    utils.configure_colored_logging = _configure_logging
    endpoint.create_app_for_serve = worker_app
    main_from_args(args)


if __name__ == "__main__":
    # Imported by name, so the factory Sanic pickles for its workers is `actions.serve.worker_app`.
    from actions import serve

    serve.main()
