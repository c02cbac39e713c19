"""Tables of the alerts; Alembic owns the schema (versions/alr0001_alerts.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from knowledge.models import NAMING_CONVENTION

Id = BigInteger().with_variant(Integer(), "sqlite")
# No city: the subscription covers the topic everywhere ("" rather than NULL, so the unique
# constraint holds: NULLs never collide).
ANY_CITY = ""
ALERT_KINDS = ("change", "broadcast")
ALERT_STATUSES = ("proposed", "approved", "sending", "done", "cancelled")
# pending → sending (claimed) → sent → delivered → read; failed at any step. `uncertain`: the
# process died between the provider's answer and our commit; a status webhook settles it.
DELIVERY_STATUSES = ("pending", "sending", "uncertain", "sent", "delivered", "read", "failed")


class AlertsBase(DeclarativeBase):
    """Declarative base of the alert tables, with the knowledge base's naming convention."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Subscription(AlertsBase):
    """One person's consent to hear when a topic (in a city, or anywhere) changes."""

    __tablename__ = "alert_subscriptions"
    __table_args__ = (
        UniqueConstraint("sender", "topic", "city"),
        Index("ix_alert_subscriptions_topic_city", "topic", "city"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    sender: Mapped[str] = mapped_column(String(64), index=True)
    channel: Mapped[str] = mapped_column(String(16))
    language: Mapped[str] = mapped_column(String(2))
    topic: Mapped[str] = mapped_column(String(40))
    city: Mapped[str] = mapped_column(String(40), default=ANY_CITY)
    consented_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Alert(AlertsBase):
    """A message to subscribers: proposed after a published change, or written by staff."""

    __tablename__ = "alerts"
    __table_args__ = (
        CheckConstraint("kind IN ('change', 'broadcast')", name="kind"),
        CheckConstraint(
            "status IN ('proposed', 'approved', 'sending', 'done', 'cancelled')", name="status"
        ),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(10), default="proposed")
    # The audience: topic and city of the subscriptions, optionally narrowed to languages and
    # channels ([] = all).
    topic: Mapped[str | None] = mapped_column(String(40))
    city: Mapped[str | None] = mapped_column(String(40))
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    channels: Mapped[list[str]] = mapped_column(JSON, default=list)
    # The text in each of the four languages, as reviewed.
    texts: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    source: Mapped[str | None] = mapped_column(String(500))
    changed_on: Mapped[str | None] = mapped_column(String(10))
    revision_id: Mapped[int | None] = mapped_column(Integer)
    created_by: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    approved_by: Mapped[int | None] = mapped_column(Integer)
    approved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Set when a template was refused (132000-range): staff must fix the template.
    attention: Mapped[str | None] = mapped_column(String(200))


class Delivery(AlertsBase):
    """The outbox: one alert to one person, at most once (unique per alert and recipient)."""

    __tablename__ = "alert_deliveries"
    __table_args__ = (
        UniqueConstraint("alert_id", "sender"),
        Index("ix_alert_deliveries_alert_id_status", "alert_id", "status", "id"),
        Index("ix_alert_deliveries_provider_message_id", "provider_message_id"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alerts.id", ondelete="CASCADE"))
    sender: Mapped[str] = mapped_column(String(64))
    channel: Mapped[str] = mapped_column(String(16))
    language: Mapped[str] = mapped_column(String(2))
    status: Mapped[str] = mapped_column(String(10), default="pending")
    # "text" or "template" (WhatsApp outside the 24-hour window).
    path: Mapped[str | None] = mapped_column(String(10))
    provider_message_id: Mapped[str | None] = mapped_column(String(128))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(String(200))
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


def as_dict(row: Any) -> dict[str, Any]:
    """A row's columns, for the JSON API."""
    return {c.name: getattr(row, c.name) for c in row.__table__.columns}
