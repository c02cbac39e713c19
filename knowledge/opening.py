"""Opening hours, evaluated in Moroccan local time."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, time
from zoneinfo import ZoneInfo

MOROCCO = ZoneInfo("Africa/Casablanca")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True, order=True)
class OpeningHours:
    """One interval: weekday 0 (Monday) to 6, from `opens` to `closes` local time."""

    weekday: int
    opens: time
    closes: time


def is_open(hours: Iterable[OpeningHours], at: datetime) -> bool:
    """Whether any interval contains `at`; a naive `at` is taken as Moroccan local time."""
    local = at.replace(tzinfo=MOROCCO) if at.tzinfo is None else at.astimezone(MOROCCO)
    moment = local.time().replace(tzinfo=None)
    weekday = local.weekday()
    return any(h.weekday == weekday and h.opens <= moment < h.closes for h in hours)
