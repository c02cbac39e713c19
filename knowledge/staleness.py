"""Whether a fact can be shown as checked: unverified, stale (too old) or flagged for re-check."""

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Literal, Protocol

DEFAULT_STALE_AFTER_DAYS = 180
Freshness = Literal["checked", "unverified", "stale"]


class HasRecheck(Protocol):
    """A source (document or view) that may say the fact should be re-checked."""

    @property
    def recheck(self) -> bool: ...


def freshness(
    verified_at: date | None,
    sources: Iterable[HasRecheck],
    *,
    today: date,
    stale_after_days: int = DEFAULT_STALE_AFTER_DAYS,
) -> Freshness:
    """ "unverified" without a check date; "stale" when the check is too old or a source says
    to re-check; otherwise "checked"."""
    if verified_at is None:
        return "unverified"
    if any(s.recheck for s in sources) or today - verified_at > timedelta(days=stale_after_days):
        return "stale"
    return "checked"
