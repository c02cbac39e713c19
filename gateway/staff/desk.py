"""When the staff desk answers: opening hours and closed days, kept in the database.

An administrator edits them on /staff/desk. With no hours at all the desk counts as always
open (a deployment that has not set its hours yet still hands conversations over); the
no-reply notice then tells the user when nobody answered in time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from gateway.admin.models import StaffDeskClosedDay, StaffDeskHours
from knowledge.opening import MOROCCO

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# How far ahead to look for the next opening (closed days can run for a while).
LOOKAHEAD_DAYS = 60


@dataclass(frozen=True)
class Span:
    """One opening span of one weekday, local time."""

    weekday: int
    opens: time
    closes: time


def parse_time(value: str) -> time:
    """`09:00` as a time; raises ValueError."""
    hours, _, minutes = value.strip().partition(":")
    return time(int(hours), int(minutes or 0))


def parse_spans(weekday: int, text: str) -> list[Span]:
    """`09:00-12:00, 14:00-17:00` (empty: closed) as spans; raises ValueError."""
    spans = []
    for part in text.replace("–", "-").split(","):
        if not part.strip():
            continue
        opens, _, closes = part.partition("-")
        span = Span(weekday, parse_time(opens), parse_time(closes))
        if span.closes <= span.opens:
            raise ValueError(f"{WEEKDAYS[weekday]}: {part.strip()} closes before it opens")
        spans.append(span)
    return spans


def desk_spans(session: Session) -> list[Span]:
    """Every opening span, by weekday then time."""
    rows = session.scalars(
        select(StaffDeskHours).order_by(StaffDeskHours.weekday, StaffDeskHours.opens)
    )
    return [Span(r.weekday, parse_time(r.opens), parse_time(r.closes)) for r in rows]


def closed_days(session: Session) -> list[StaffDeskClosedDay]:
    """Closed days, in date order."""
    return list(session.scalars(select(StaffDeskClosedDay).order_by(StaffDeskClosedDay.day)))


def save_desk(session: Session, *, spans: list[Span], closed: list[tuple[date, str]]) -> None:
    """Replace the desk's hours and closed days."""
    session.execute(delete(StaffDeskHours))
    session.execute(delete(StaffDeskClosedDay))
    session.flush()
    for span in spans:
        session.add(
            StaffDeskHours(
                weekday=span.weekday,
                opens=span.opens.strftime("%H:%M"),
                closes=span.closes.strftime("%H:%M"),
            )
        )
    for day, note in closed:
        session.add(StaffDeskClosedDay(day=day, note=note[:120]))


@dataclass(frozen=True)
class DeskStatus:
    """Whether someone is on duty now, and if not, when they next are."""

    open_now: bool
    next_opening: datetime | None


def desk_status(session: Session, at: datetime) -> DeskStatus:
    """The desk's status at `at` (timezone-aware), in Morocco's time."""
    spans = desk_spans(session)
    if not spans:
        return DeskStatus(open_now=True, next_opening=None)
    closed = {c.day for c in closed_days(session)}
    local = at.astimezone(MOROCCO)
    for offset in range(LOOKAHEAD_DAYS):
        day = local.date() + timedelta(days=offset)
        if day in closed:
            continue
        for span in (s for s in spans if s.weekday == day.weekday()):
            opens = datetime.combine(day, span.opens, tzinfo=MOROCCO)
            closes = datetime.combine(day, span.closes, tzinfo=MOROCCO)
            if opens <= local < closes:
                return DeskStatus(open_now=True, next_opening=None)
            if opens > local:
                return DeskStatus(open_now=False, next_opening=opens)
    return DeskStatus(open_now=False, next_opening=None)
