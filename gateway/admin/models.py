"""Tables of the admin and staff side; Alembic owns the schema (versions/adm0001_admin_staff.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from dalil.clock import utcnow
from knowledge.models import NAMING_CONVENTION

ROLES = ("admin", "editor", "staff")


class DraftStatus(StrEnum):
    """Where a draft is: written, waiting for an admin, then published or sent back."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    PUBLISHED = "published"
    REJECTED = "rejected"


# Drafts that still wait for something: the author (draft) or an admin (submitted).
PENDING_DRAFT_STATUSES = (DraftStatus.DRAFT, DraftStatus.SUBMITTED)
# What a draft edits: one language of a topic, or a whole service point.
DRAFT_KINDS = ("topic_translation", "service_point")
HANDOVER_STATUSES = ("open", "closed")
# SQLite only auto-increments an INTEGER PRIMARY KEY; PostgreSQL gets a bigint.
Id = BigInteger().with_variant(Integer(), "sqlite")


def aware(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; everything here is written in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class AdminBase(DeclarativeBase):
    """Declarative base of the admin tables, with the knowledge base's naming convention."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class AdminUser(AdminBase):
    """A person who logs in to /admin or /staff."""

    __tablename__ = "admin_users"
    __table_args__ = (CheckConstraint("role IN ('admin', 'editor', 'staff')", name="role"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(10))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Draft(AdminBase):
    """A proposed change to the knowledge base, invisible to users until an admin publishes it."""

    __tablename__ = "kb_drafts"
    __table_args__ = (
        CheckConstraint(
            "status IN (" + ", ".join(f"'{s.value}'" for s in DraftStatus) + ")", name="status"
        ),
        CheckConstraint("kind IN ('topic_translation', 'service_point')", name="kind"),
        Index("ix_kb_drafts_status", "status"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(20))
    entity_id: Mapped[str] = mapped_column(String(80))
    language: Mapped[str | None] = mapped_column(String(2))
    # The edited document (the knowledge schema's TopicTranslationDoc or ServicePointDoc as JSON).
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    # The published document the edit started from, so a reviewer sees what changes.
    base_payload: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10), default=DraftStatus.DRAFT.value)
    author_id: Mapped[int] = mapped_column(ForeignKey("admin_users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reviewed_by: Mapped[int | None] = mapped_column(ForeignKey("admin_users.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Revision(AdminBase):
    """One published change: the document before and after, who wrote it and who published it."""

    __tablename__ = "kb_revisions"
    __table_args__ = (Index("ix_kb_revisions_entity", "kind", "entity_id", "language"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(20))
    entity_id: Mapped[str] = mapped_column(String(80))
    language: Mapped[str | None] = mapped_column(String(2))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any]] = mapped_column(JSON)
    draft_id: Mapped[int | None] = mapped_column(ForeignKey("kb_drafts.id"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("admin_users.id"))
    published_by: Mapped[int] = mapped_column(ForeignKey("admin_users.id"))
    published_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    rollback_of: Mapped[int | None] = mapped_column(ForeignKey("kb_revisions.id"))
    note: Mapped[str] = mapped_column(Text, default="")


class AuditEntry(AdminBase):
    """Who did what and when; never updated, never deleted by the app."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    # The e-mail is copied so the log stays readable if an account is renamed.
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("admin_users.id"))
    actor_email: Mapped[str] = mapped_column(String(254), default="")
    action: Mapped[str] = mapped_column(String(40))
    target: Mapped[str] = mapped_column(String(160), default="")
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    ip: Mapped[str] = mapped_column(String(64), default="")


class UnansweredQuestion(AdminBase):
    """A user message the bot could not answer, personal data scrubbed before it was stored."""

    __tablename__ = "unanswered_questions"
    __table_args__ = (Index("ix_unanswered_questions_handled_created", "handled", "created_at"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    text: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(2))
    channel: Mapped[str] = mapped_column(String(16), default="")
    reason: Mapped[str] = mapped_column(String(20))
    intent: Mapped[str | None] = mapped_column(String(60))
    confidence: Mapped[float | None] = mapped_column(Float)
    topic: Mapped[str | None] = mapped_column(String(40))
    handled: Mapped[bool] = mapped_column(Boolean, default=False)
    handled_by: Mapped[int | None] = mapped_column(ForeignKey("admin_users.id"))
    handled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The conversation's pseudonym, only so "delete my data" finds the question.
    sender: Mapped[str | None] = mapped_column(String(64), index=True)
    # A clarification (reason "clarify"): the intents offered, space-separated, and the one
    # the user chose next, if any (gateway/admin/unanswered.py: record_choice).
    offered: Mapped[str | None] = mapped_column(String(200))
    chosen_intent: Mapped[str | None] = mapped_column(String(60))


class Handover(AdminBase):
    """A conversation a person took over from the bot."""

    __tablename__ = "handovers"
    __table_args__ = (
        CheckConstraint("status IN ('open', 'closed')", name="status"),
        Index("ix_handovers_sender_status", "sender", "status"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    sender: Mapped[str] = mapped_column(String(64))
    channel: Mapped[str] = mapped_column(String(16))
    language: Mapped[str] = mapped_column(String(2))
    reason: Mapped[str] = mapped_column(String(20), default="asked")
    topic: Mapped[str | None] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(10), default="open")
    opened_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    claimed_by: Mapped[int | None] = mapped_column(ForeignKey("admin_users.id"))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_by: Mapped[int | None] = mapped_column(ForeignKey("admin_users.id"))
    # A danger message arrived during the handover: shown first in the inbox.
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    # The bot answers the user meanwhile (outside desk hours, after no reply, or the user left).
    bot_active: Mapped[bool] = mapped_column(Boolean, default=False)
    after_hours: Mapped[bool] = mapped_column(Boolean, default=False)
    last_activity_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    no_reply_notice_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # staff, user_left, inactive: shown to staff in the closed handover.
    close_reason: Mapped[str | None] = mapped_column(String(20))


class HandoverMessage(AdminBase):
    """One message of a handed-over conversation: from the user, the bot or a staff member."""

    __tablename__ = "handover_messages"
    __table_args__ = (
        CheckConstraint("author IN ('user', 'bot', 'staff')", name="author"),
        Index("ix_handover_messages_handover_id", "handover_id", "id"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    handover_id: Mapped[int] = mapped_column(ForeignKey("handovers.id", ondelete="CASCADE"))
    author: Mapped[str] = mapped_column(String(5))
    text: Mapped[str] = mapped_column(Text)
    language: Mapped[str | None] = mapped_column(String(2))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("admin_users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Web chat only: set once the page has fetched a staff message.
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class StaffDeskHours(AdminBase):
    """When the staff desk answers: one opening span of one weekday (0 = Monday), local time."""

    __tablename__ = "staff_desk_hours"
    __table_args__ = (CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday"),)

    weekday: Mapped[int] = mapped_column(Integer, primary_key=True)
    opens: Mapped[str] = mapped_column(String(5), primary_key=True)
    closes: Mapped[str] = mapped_column(String(5))


class StaffDeskClosedDay(AdminBase):
    """A day the desk is closed although its weekday has hours (holidays)."""

    __tablename__ = "staff_desk_closed_days"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    note: Mapped[str] = mapped_column(String(120), default="")


class AdminSession(AdminBase):
    """A logged-in session, so logging out or an admin ending it takes effect on the server."""

    __tablename__ = "admin_sessions"
    __table_args__ = (Index("ix_admin_sessions_user_id", "user_id"),)

    # SHA-256 of the random id in the cookie: the table alone cannot be replayed as cookies.
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("admin_users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ip: Mapped[str | None] = mapped_column(String(64))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_by: Mapped[int | None] = mapped_column(ForeignKey("admin_users.id"))
