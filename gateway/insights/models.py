"""Tables of the insights: one row per bot turn, one per feedback vote, and daily roll-ups.

No row holds a message text or a sender pseudonym. `conversation` is a keyed hash of the sender
*and the day*: it lets a day's cells count conversations (for the small-cell rule) but cannot be
joined to the inbox, the handovers or another day. Roll-up deletes it with the row.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, Integer, MetaData, String, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from gateway.admin.models import Id, utcnow
from knowledge.models import NAMING_CONVENTION

OUTCOMES = ("answered", "clarified", "fallback", "handover", "emergency", "staff", "unavailable")
VOTES = ("up", "down")


class InsightsBase(DeclarativeBase):
    """Declarative base of the insights tables, with the knowledge base's naming convention."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class TurnEvent(InsightsBase):
    """One user message and how the bot's turn ended."""

    __tablename__ = "insight_turns"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    day: Mapped[date] = mapped_column(Date, index=True)
    conversation: Mapped[str] = mapped_column(String(16))
    channel: Mapped[str] = mapped_column(String(16))
    language: Mapped[str] = mapped_column(String(2))
    city: Mapped[str] = mapped_column(String(64), default="")
    topic: Mapped[str] = mapped_column(String(64), default="")
    intent: Mapped[str] = mapped_column(String(64), default="")
    outcome: Mapped[str] = mapped_column(String(16))
    latency_ms: Mapped[int] = mapped_column(Integer, default=0)
    # Comma-separated ids of the facts shown ("topic:health,point:unhcr_rabat"), capped.
    facts: Mapped[str] = mapped_column(String(512), default="")


class FeedbackEvent(InsightsBase):
    """One 👍 or 👎 on an answer."""

    __tablename__ = "insight_feedback"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    day: Mapped[date] = mapped_column(Date, index=True)
    conversation: Mapped[str] = mapped_column(String(16))
    channel: Mapped[str] = mapped_column(String(16))
    language: Mapped[str] = mapped_column(String(2))
    topic: Mapped[str] = mapped_column(String(64))
    vote: Mapped[str] = mapped_column(String(4))
    facts: Mapped[str] = mapped_column(String(512), default="")


class DailyRollup(InsightsBase):
    """What remains of a day's events once they are older than the retention: counts per cell."""

    __tablename__ = "insight_daily"
    __table_args__ = (
        UniqueConstraint(
            "kind",
            "day",
            "channel",
            "language",
            "city",
            "topic",
            "outcome",
            name="uq_insight_daily_kind",
        ),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    # "turn" (outcome = the turn's outcome) or "feedback" (outcome = the vote).
    kind: Mapped[str] = mapped_column(String(8))
    day: Mapped[date] = mapped_column(Date, index=True)
    channel: Mapped[str] = mapped_column(String(16))
    language: Mapped[str] = mapped_column(String(2))
    city: Mapped[str] = mapped_column(String(64), default="")
    topic: Mapped[str] = mapped_column(String(64), default="")
    outcome: Mapped[str] = mapped_column(String(16))
    events: Mapped[int] = mapped_column(Integer)
    conversations: Mapped[int] = mapped_column(Integer)
    latency_ms_sum: Mapped[int] = mapped_column(Integer, default=0)
