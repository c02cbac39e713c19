"""The one clock (`dalil.clock.utcnow`): what every process stamps its rows with."""

from __future__ import annotations

import time
from datetime import UTC, timedelta

from dalil.clock import utcnow


def test_utcnow_is_timezone_aware_utc_and_now() -> None:
    """Aware (columns are `timezone=True`), in UTC, and the current time."""
    now = utcnow()
    assert now.tzinfo is UTC
    assert now.utcoffset() == timedelta(0)
    assert abs(now.timestamp() - time.time()) < 5
