"""Start the action server with JSON logs and, when configured, its Prometheus endpoint.

`python -m actions.serve --actions actions -p 5055` takes rasa-sdk's own arguments.
"""

from __future__ import annotations

import sys

from prometheus_client import start_http_server
from rasa_sdk import utils
from rasa_sdk.__main__ import main_from_args
from rasa_sdk.endpoint import create_argument_parser

from actions.settings import get_settings
from dalil.logging import configure_logging


def main(argv: list[str] | None = None) -> None:
    """Parse rasa-sdk's arguments, then run its server with our logging."""
    args = create_argument_parser().parse_args(argv if argv is not None else sys.argv[1:])
    settings = get_settings()
    # rasa-sdk installs coloured text logs; every Dalil process logs JSON lines instead.
    utils.configure_colored_logging = lambda level: configure_logging(level or settings.log_level)
    if settings.metrics_port:
        start_http_server(settings.metrics_port, addr=settings.metrics_host)
    main_from_args(args)


if __name__ == "__main__":
    main()
