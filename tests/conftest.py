"""Settings and hooks shared by every test folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
os.environ.setdefault("DALIL_ENVIRONMENT", "test")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip heavy tests (tests/reliability, tests/scale) unless pytest was pointed at their folder
    (`make test-reliability`) or DALIL_HEAVY_TESTS=1."""
    asked = " ".join(str(a) for a in config.args)
    if os.environ.get("DALIL_HEAVY_TESTS") == "1":
        return
    for item in items:
        folder = Path(str(item.fspath)).parent.name
        if "heavy" in item.keywords and f"tests/{folder}" not in asked:
            item.add_marker(pytest.mark.skip(reason=f"slow: run `pytest tests/{folder}`"))


def pytest_configure(config: pytest.Config) -> None:
    """Declare the marker (pyproject's list belongs to the lead)."""
    config.addinivalue_line("markers", "heavy: starts Rasa and runs minutes of load")
