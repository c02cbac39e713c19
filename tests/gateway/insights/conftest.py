"""Insights tests: the admin tests' migrated database and users, a gateway on loopback, and a
scripted Rasa that runs the real actions and the gateway's real NLG endpoint."""

import sys
from pathlib import Path

HERE = Path(__file__).resolve()
# `tests/gateway` (a folder without __init__) must not shadow the real `gateway` package.
sys.path[:0] = [
    str(HERE.parents[3]),
    str(HERE.parent.parent / "admin"),
    str(HERE.parents[2] / "actions"),
]

from admin_harness import backend, client, database_url, engine, template_url  # noqa: E402
from scripted import stack  # noqa: E402

__all__ = ["backend", "client", "database_url", "engine", "stack", "template_url"]
