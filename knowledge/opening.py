"""Opening hours: evaluated in Moroccan local time, and written for a reader."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, time
from zoneinfo import ZoneInfo

from babel import Locale

from dalil.i18n import BABEL_LOCALES, isolate, join

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


def hours_text(hours: Iterable[OpeningHours], language: str) -> str:
    """Opening hours grouped by day, e.g. "Mon 09:00–15:00, Tue …", with the weekdays
    abbreviated in `language` (CLDR) and each time range isolated in right-to-left text."""
    locale = Locale.parse(BABEL_LOCALES[language])
    days = locale.days["format"]["abbreviated"]
    ordered = sorted(hours)
    parts = []
    for weekday in range(len(WEEKDAYS)):
        spans = [h for h in ordered if h.weekday == weekday]
        if spans:
            ranges = " ".join(isolate(f"{h.opens:%H:%M}–{h.closes:%H:%M}", language) for h in spans)
            parts.append(f"{days[weekday]} {ranges}")
    return join(parts, language)
