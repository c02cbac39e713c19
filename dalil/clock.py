"""The current time: one clock for every process, in UTC and timezone-aware (database columns
are `timezone=True`; local times are derived with `zoneinfo` where shown)."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    """The current time in UTC, timezone-aware."""
    return datetime.now(UTC)
