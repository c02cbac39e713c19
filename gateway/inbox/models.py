"""The gateway's tables; Alembic owns the schema (knowledge/migrations/versions/*_gateway_inbox.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from knowledge.models import NAMING_CONVENTION

PENDING, DONE, DROPPED, FAILED = "pending", "done", "dropped", "failed"
# SQLite only auto-increments an INTEGER PRIMARY KEY; PostgreSQL gets a bigint.
Id = BigInteger().with_variant(Integer(), "sqlite")


class GatewayBase(DeclarativeBase):
    """Declarative base of the gateway's tables, with the knowledge base's naming convention."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class InboundMessage(GatewayBase):
    """One user message received from a provider, kept until answered (text erased after)."""

    __tablename__ = "gateway_inbound"
    __table_args__ = (
        # Idempotency: a provider's redelivery hits this constraint and is answered only once.
        UniqueConstraint("channel", "provider_message_id"),
        Index("ix_gateway_inbound_status_sender_id", "status", "sender", "id"),
        Index("ix_gateway_inbound_sender", "sender"),
        Index("ix_gateway_inbound_received_at", "received_at"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    channel: Mapped[str] = mapped_column(String(16))
    provider_message_id: Mapped[str] = mapped_column(String(128))
    sender: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default=PENDING)
    kind: Mapped[str] = mapped_column(String(16), default="text")
    text: Mapped[str] = mapped_column(Text, default="")
    payload_ref: Mapped[str | None] = mapped_column(String(256))
    location: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    language_hint: Mapped[str | None] = mapped_column(String(16))
    # Rasa's answer, stored before sending so a provider outage never asks Rasa twice.
    reply: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    sent_count: Mapped[int] = mapped_column(Integer, default=0)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    apologised: Mapped[bool] = mapped_column(Boolean, default=False)
    last_error: Mapped[str | None] = mapped_column(String(200))
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    processed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Contact(GatewayBase):
    """Where to reply to a pseudonymous sender: the only place a phone number or chat id is kept."""

    __tablename__ = "gateway_contacts"

    sender: Mapped[str] = mapped_column(String(64), primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    address: Mapped[dict[str, str]] = mapped_column(JSON)
    # The payloads behind the numbered options last shown, so a reply "2" means the second.
    options: Mapped[list[str] | None] = mapped_column(JSON)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class SenderAlias(GatewayBase):
    """Another pseudonym of a person, pointing at the one their conversation is kept under.

    WhatsApp identifies a person by phone number, by business-scoped user id, or both, and
    either can change; when Meta reveals that two ids are one person, the later pseudonym
    points here at the first, so Rasa's tracker and the reply address stay one conversation.
    """

    __tablename__ = "gateway_sender_aliases"

    alias: Mapped[str] = mapped_column(String(64), primary_key=True)
    sender: Mapped[str] = mapped_column(String(64), index=True)
    linked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class SenderLease(GatewayBase):
    """Which worker owns a sender's queue until when: one at a time, across processes."""

    __tablename__ = "gateway_sender_leases"

    sender: Mapped[str] = mapped_column(String(64), primary_key=True)
    owner: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ButtonPayload(GatewayBase):
    """Button payloads behind short keys (Telegram's 64-byte callback_data, long WhatsApp ids)."""

    __tablename__ = "gateway_button_payloads"

    key: Mapped[str] = mapped_column(String(16), primary_key=True)
    payload: Mapped[str] = mapped_column(Text)


class SeenMessage(GatewayBase):
    """A keyed hash of a provider message id, kept after the message itself is purged, so a
    redelivery or a replay months later is still recognised; it reveals no phone number."""

    __tablename__ = "gateway_seen_messages"
    __table_args__ = (Index("ix_gateway_seen_messages_seen_at", "seen_at"),)

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
