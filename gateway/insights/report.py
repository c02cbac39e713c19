"""Aggregates of the insights page and its CSV export, with small cells suppressed; roll-up.

Every figure is a count over cells (day × channel × language × city × topic × outcome). A cell
shown to anyone must hold at least `MIN_CONVERSATIONS` conversations; smaller cells are
replaced by `None` ("fewer than 5") before anything is rendered or exported. Conversations are
counted per day (the event's conversation key changes every day), so a week's figure is a sum
of conversation-days.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from statistics import median
from typing import Any

from sqlalchemy import and_, delete, func, select
from sqlalchemy.orm import Session

from gateway.admin.models import Handover, HandoverMessage, UnansweredQuestion, aware
from gateway.insights.models import DailyRollup, FeedbackEvent, TurnEvent
from knowledge.models import ServicePoint, TopicTranslation

MIN_CONVERSATIONS = 5
DIMENSIONS = ("day", "week", "topic", "language", "channel", "city", "outcome")


@dataclass(frozen=True)
class Filters:
    """What the page's form narrows the figures to."""

    start: date
    end: date
    language: str = ""
    channel: str = ""
    city: str = ""


@dataclass(frozen=True)
class Cell:
    """One row of a table: its label, events and conversations; None when suppressed."""

    label: str
    events: int | None
    conversations: int | None

    @property
    def suppressed(self) -> bool:
        """Fewer than `MIN_CONVERSATIONS` conversations: not shown."""
        return self.conversations is None


@dataclass
class Report:
    """Everything the page shows."""

    filters: Filters
    tables: dict[str, list[Cell]] = field(default_factory=dict)
    feedback: list[dict[str, Any]] = field(default_factory=list)
    handovers: dict[str, Any] = field(default_factory=dict)
    unanswered: list[Cell] = field(default_factory=list)
    facts: list[dict[str, Any]] = field(default_factory=list)


def _week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def suppress(label: str, events: int, conversations: int) -> Cell:
    """The cell as shown: both numbers hidden below the threshold."""
    if conversations < MIN_CONVERSATIONS:
        return Cell(label, None, None)
    return Cell(label, events, conversations)


def _filtered(query: Any, model: Any, filters: Filters, *, has_city: bool = True) -> Any:
    query = query.where(model.day >= filters.start, model.day <= filters.end)
    if filters.language:
        query = query.where(model.language == filters.language)
    if filters.channel:
        query = query.where(model.channel == filters.channel)
    if filters.city and has_city:
        query = query.where(model.city == filters.city)
    return query


def _day_cells(
    session: Session, filters: Filters, column: str, *, kind: str = "turn", outcome: str = ""
) -> dict[tuple[date, str], tuple[int, int]]:
    """(day, value of `column`) → (events, conversations), raw events and roll-ups together."""
    raw_model: Any = TurnEvent if kind == "turn" else FeedbackEvent
    has_city = kind == "turn"
    key_column = "day" if column in ("day", "week") else column
    if kind == "feedback" and key_column == "outcome":
        key_column = "vote"
    raw_key = getattr(raw_model, key_column)
    query = select(
        raw_model.day, raw_key, func.count(), func.count(func.distinct(raw_model.conversation))
    ).group_by(raw_model.day, raw_key)
    query = _filtered(query, raw_model, filters, has_city=has_city)
    if outcome:
        query = query.where((raw_model.outcome if kind == "turn" else raw_model.vote) == outcome)
    cells: dict[tuple[date, str], tuple[int, int]] = defaultdict(lambda: (0, 0))
    for day, value, events, conversations in session.execute(query):
        previous = cells[(day, str(value))]
        cells[(day, str(value))] = (previous[0] + events, previous[1] + conversations)
    rolled_key = getattr(DailyRollup, "outcome" if key_column == "vote" else key_column)
    rolled = (
        select(
            DailyRollup.day,
            rolled_key,
            func.sum(DailyRollup.events),
            func.sum(DailyRollup.conversations),
        )
        .where(DailyRollup.kind == kind)
        .group_by(DailyRollup.day, rolled_key)
    )
    rolled = _filtered(rolled, DailyRollup, filters, has_city=has_city)
    if outcome:
        rolled = rolled.where(DailyRollup.outcome == outcome)
    for day, value, events, conversations in session.execute(rolled):
        previous = cells[(day, str(value))]
        cells[(day, str(value))] = (previous[0] + int(events), previous[1] + int(conversations))
    return cells


def table(
    session: Session, filters: Filters, dimension: str, *, kind: str = "turn", outcome: str = ""
) -> list[Cell]:
    """Events and conversations by one dimension, small cells suppressed."""
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for (day, value), (events, conversations) in _day_cells(
        session, filters, dimension, kind=kind, outcome=outcome
    ).items():
        label = _week(day) if dimension == "week" else value
        totals[label][0] += events
        totals[label][1] += conversations
    ordered: Iterable[str]
    if dimension in ("day", "week"):
        ordered = sorted(totals)
    else:
        ordered = sorted(totals, key=lambda label: (-totals[label][0], label))
    return secondary([suppress(label, *totals[label]) for label in ordered])


def secondary(cells: list[Cell]) -> list[Cell]:
    """Hide one more cell when only one is hidden: else the total minus the rest would reveal it."""
    hidden = [c for c in cells if c.suppressed]
    shown = [c for c in cells if not c.suppressed]
    if len(hidden) != 1 or not shown:
        return cells
    smallest = min(shown, key=lambda c: (c.conversations or 0, c.events or 0))
    return [Cell(c.label, None, None) if c is smallest else c for c in cells]


def feedback_by_topic(session: Session, filters: Filters) -> list[dict[str, Any]]:
    """Per topic: answers that could be rated, votes, feedback rate and 👍 share."""
    answered = {c.label: c for c in table(session, filters, "topic", outcome="answered")}
    votes: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    for (_day, key), (events, conversations) in _day_cells(
        session, filters, "topic", kind="feedback"
    ).items():
        votes[key]["all"][0] += events
        votes[key]["all"][1] += conversations
    for vote in ("up",):
        for (_day, key), (events, conversations) in _day_cells(
            session, filters, "topic", kind="feedback", outcome=vote
        ).items():
            votes[key][vote][0] += events
            votes[key][vote][1] += conversations
    rows = []
    for topic in sorted(set(votes) | {t for t in answered if t}):
        all_votes = votes[topic]["all"]
        answers = answered.get(topic)
        shown = all_votes[1] >= MIN_CONVERSATIONS and answers is not None and not answers.suppressed
        up = votes[topic]["up"][0]
        rows.append(
            {
                "topic": topic,
                "answers": answers.events if answers else None,
                "votes": all_votes[0] if shown else None,
                "rate": round(100 * all_votes[0] / answers.events)
                if shown and answers and answers.events
                else None,
                "up_share": round(100 * up / all_votes[0]) if shown and all_votes[0] else None,
            }
        )
    return rows


def handover_times(session: Session, filters: Filters) -> dict[str, Any]:
    """Median minutes until a person first answered, and until the handover was closed."""
    start = datetime.combine(filters.start, datetime.min.time())
    end = datetime.combine(filters.end + timedelta(days=1), datetime.min.time())
    query = select(Handover).where(Handover.opened_at >= start, Handover.opened_at < end)
    if filters.language:
        query = query.where(Handover.language == filters.language)
    if filters.channel:
        query = query.where(Handover.channel == filters.channel)
    handovers = list(session.scalars(query))
    first_reply = dict(
        session.execute(
            select(HandoverMessage.handover_id, func.min(HandoverMessage.created_at))
            .where(
                HandoverMessage.author == "staff",
                HandoverMessage.handover_id.in_([h.id for h in handovers] or [-1]),
            )
            .group_by(HandoverMessage.handover_id)
        ).all()
    )
    waits = [
        (aware(first_reply[h.id]) - aware(h.opened_at)).total_seconds() / 60
        for h in handovers
        if h.id in first_reply
    ]
    resolutions = [
        (aware(h.closed_at) - aware(h.opened_at)).total_seconds() / 60
        for h in handovers
        if h.closed_at is not None
    ]
    enough = len(handovers) >= MIN_CONVERSATIONS
    return {
        "count": len(handovers) if enough else None,
        "open": sum(1 for h in handovers if h.status == "open") if enough else None,
        "wait_minutes": round(median(waits), 1)
        if enough and len(waits) >= MIN_CONVERSATIONS
        else None,
        "resolution_minutes": (
            round(median(resolutions), 1)
            if enough and len(resolutions) >= MIN_CONVERSATIONS
            else None
        ),
    }


def unanswered_groups(session: Session, filters: Filters, limit: int = 10) -> list[Cell]:
    """The most frequent unanswered questions (already scrubbed), only when asked 5 times or more."""
    start = datetime.combine(filters.start, datetime.min.time())
    end = datetime.combine(filters.end + timedelta(days=1), datetime.min.time())
    text = func.lower(func.trim(UnansweredQuestion.text))
    query = (
        select(text, func.count())
        .where(UnansweredQuestion.created_at >= start, UnansweredQuestion.created_at < end)
        .group_by(text)
        .having(func.count() >= MIN_CONVERSATIONS)
        .order_by(func.count().desc(), text)
        .limit(limit)
    )
    if filters.language:
        query = query.where(UnansweredQuestion.language == filters.language)
    if filters.channel:
        query = query.where(UnansweredQuestion.channel == filters.channel)
    return [Cell(str(label), int(n), int(n)) for label, n in session.execute(query)]


def facts_served(
    session: Session, filters: Filters, today: date, limit: int = 15
) -> list[dict[str, Any]]:
    """The facts shown most often, and how many days ago each was last checked."""
    query = _filtered(
        select(TurnEvent.day, TurnEvent.conversation, TurnEvent.facts).where(TurnEvent.facts != ""),
        TurnEvent,
        filters,
    )
    served: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    seen: set[tuple[str, date, str]] = set()
    for day, conversation, facts in session.execute(query):
        for fact in facts.split(","):
            served[fact][0] += 1
            if (fact, day, conversation) not in seen:
                seen.add((fact, day, conversation))
                served[fact][1] += 1
    rows = []
    for fact, (times, conversations) in sorted(served.items(), key=lambda item: -item[1][0]):
        if conversations < MIN_CONVERSATIONS:
            continue
        rows.append({"fact": fact, "times": times, "checked_days_ago": _age(session, fact, today)})
        if len(rows) == limit:
            break
    return rows


def _age(session: Session, fact: str, today: date) -> int | None:
    kind, _, ident = fact.partition(":")
    verified: date | None = None
    if kind == "topic":
        verified = session.scalar(
            select(func.min(TopicTranslation.verified_at)).where(
                TopicTranslation.topic_id == ident, TopicTranslation.language == "fr"
            )
        )
    elif kind == "point":
        verified = session.scalar(select(ServicePoint.verified_at).where(ServicePoint.id == ident))
    return (today - verified).days if verified else None


def build(session: Session, filters: Filters, *, today: date, by: str = "day") -> Report:
    """Every table of the page."""
    report = Report(filters)
    report.tables["questions"] = table(session, filters, "week" if by == "week" else "day")
    for dimension in ("topic", "language", "channel", "city", "outcome"):
        report.tables[dimension] = table(session, filters, dimension)
    report.tables["emergencies"] = table(
        session, filters, "week" if by == "week" else "day", outcome="emergency"
    )
    report.feedback = feedback_by_topic(session, filters)
    report.handovers = handover_times(session, filters)
    report.unanswered = unanswered_groups(session, filters)
    report.facts = facts_served(session, filters, today)
    return report


def options(session: Session) -> dict[str, list[str]]:
    """The values the filters offer (from the events themselves)."""
    found: dict[str, list[str]] = {}
    for name in ("language", "channel", "city"):
        values = set(session.scalars(select(getattr(TurnEvent, name)).distinct()))
        values |= set(session.scalars(select(getattr(DailyRollup, name)).distinct()))
        found[name] = sorted(v for v in values if v)
    return found


def roll_up(session: Session, *, before: date) -> int:
    """Fold the events of days before `before` into daily counts and delete them; returns rows removed."""
    removed = 0
    turn_cells = session.execute(
        select(
            TurnEvent.day,
            TurnEvent.channel,
            TurnEvent.language,
            TurnEvent.city,
            TurnEvent.topic,
            TurnEvent.outcome,
            func.count(),
            func.count(func.distinct(TurnEvent.conversation)),
            func.coalesce(func.sum(TurnEvent.latency_ms), 0),
        )
        .where(TurnEvent.day < before)
        .group_by(
            TurnEvent.day,
            TurnEvent.channel,
            TurnEvent.language,
            TurnEvent.city,
            TurnEvent.topic,
            TurnEvent.outcome,
        )
    ).all()
    feedback_cells = session.execute(
        select(
            FeedbackEvent.day,
            FeedbackEvent.channel,
            FeedbackEvent.language,
            FeedbackEvent.topic,
            FeedbackEvent.vote,
            func.count(),
            func.count(func.distinct(FeedbackEvent.conversation)),
        )
        .where(FeedbackEvent.day < before)
        .group_by(
            FeedbackEvent.day,
            FeedbackEvent.channel,
            FeedbackEvent.language,
            FeedbackEvent.topic,
            FeedbackEvent.vote,
        )
    ).all()
    for day, channel, language, city, topic, outcome, events, conversations, latency in turn_cells:
        _add(
            session,
            "turn",
            day,
            channel,
            language,
            city,
            topic,
            outcome,
            events,
            conversations,
            latency,
        )
    for day, channel, language, topic, vote, events, conversations in feedback_cells:
        _add(session, "feedback", day, channel, language, "", topic, vote, events, conversations, 0)
    for model in (TurnEvent, FeedbackEvent):
        result: Any = session.execute(delete(model).where(model.day < before))
        removed += result.rowcount or 0
    return removed


def _add(session: Session, kind: str, *values: Any) -> None:
    day, channel, language, city, topic, outcome, events, conversations, latency = values
    row = session.scalar(
        select(DailyRollup).where(
            and_(
                DailyRollup.kind == kind,
                DailyRollup.day == day,
                DailyRollup.channel == channel,
                DailyRollup.language == language,
                DailyRollup.city == city,
                DailyRollup.topic == topic,
                DailyRollup.outcome == outcome,
            )
        )
    )
    if row is None:
        session.add(
            DailyRollup(
                kind=kind,
                day=day,
                channel=channel,
                language=language,
                city=city,
                topic=topic,
                outcome=outcome,
                events=events,
                conversations=conversations,
                latency_ms_sum=int(latency),
            )
        )
        session.flush()
        return
    row.events += events
    row.conversations += conversations
    row.latency_ms_sum += int(latency)


def csv_rows(report: Report, name: str) -> Sequence[Sequence[str]]:
    """One table of the report as CSV rows, suppressed cells written "<5"."""
    hidden = f"<{MIN_CONVERSATIONS}"
    if name == "feedback":
        rows: list[list[str]] = [
            ["topic", "answers", "votes", "feedback_rate_percent", "up_share_percent"]
        ]
        for row in report.feedback:
            rows.append(
                [row["topic"]]
                + [
                    hidden if row[k] is None else str(row[k])
                    for k in ("answers", "votes", "rate", "up_share")
                ]
            )
        return rows
    cells = report.unanswered if name == "unanswered" else report.tables[name]
    rows = [[name, "messages", "conversations"]]
    for cell in cells:
        rows.append(
            [
                cell.label,
                hidden if cell.events is None else str(cell.events),
                hidden if cell.conversations is None else str(cell.conversations),
            ]
        )
    return rows
