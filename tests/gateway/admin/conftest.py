"""Admin tests' fixtures (shared with tests/gateway/staff through admin_harness)."""

import sys
from pathlib import Path

# `tests/gateway` (a folder without __init__) must not shadow the real `gateway` package.
sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

from admin_harness import backend, client, database_url, engine, template_url

__all__ = ["backend", "client", "database_url", "engine", "template_url"]
