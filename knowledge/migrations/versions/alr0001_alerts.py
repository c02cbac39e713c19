"""Alerts: opt-in subscriptions, reviewed alerts and broadcasts, and the delivery outbox.

Owned by the alerts (gateway/alerts/models.py). One file, so it is easy to re-chain.

Revision ID: alr0001
Revises: safe0001
Create Date: 2026-12-10 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "alr0001"
down_revision: str | None = "safe0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    """Create the subscriptions, alerts and deliveries tables."""
    op.create_table(
        "alert_subscriptions",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        sa.Column("sender", sa.String(length=64), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("topic", sa.String(length=40), nullable=False),
        sa.Column("city", sa.String(length=40), nullable=False),
        sa.Column("consented_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_subscriptions")),
        sa.UniqueConstraint(
            "sender", "topic", "city", name=op.f("uq_alert_subscriptions_sender_topic_city")
        ),
    )
    op.create_index(op.f("ix_alert_subscriptions_sender"), "alert_subscriptions", ["sender"])
    op.create_index("ix_alert_subscriptions_topic_city", "alert_subscriptions", ["topic", "city"])
    op.create_table(
        "alerts",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("topic", sa.String(length=40), nullable=True),
        sa.Column("city", sa.String(length=40), nullable=True),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("channels", sa.JSON(), nullable=False),
        sa.Column("texts", sa.JSON(), nullable=False),
        sa.Column("source", sa.String(length=500), nullable=True),
        sa.Column("changed_on", sa.String(length=10), nullable=True),
        sa.Column("revision_id", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("approved_by", sa.Integer(), nullable=True),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attention", sa.String(length=200), nullable=True),
        sa.CheckConstraint("kind IN ('change', 'broadcast')", name=op.f("ck_alerts_kind")),
        sa.CheckConstraint(
            "status IN ('proposed', 'approved', 'sending', 'done', 'cancelled')",
            name=op.f("ck_alerts_status"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alerts")),
    )
    op.create_table(
        "alert_deliveries",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        sa.Column("alert_id", Id, nullable=False),
        sa.Column("sender", sa.String(length=64), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("path", sa.String(length=10), nullable=True),
        sa.Column("provider_message_id", sa.String(length=128), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("error", sa.String(length=200), nullable=True),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["alert_id"],
            ["alerts.id"],
            name=op.f("fk_alert_deliveries_alert_id_alerts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_deliveries")),
        sa.UniqueConstraint("alert_id", "sender", name=op.f("uq_alert_deliveries_alert_id_sender")),
    )
    op.create_index(
        "ix_alert_deliveries_alert_id_status", "alert_deliveries", ["alert_id", "status", "id"]
    )
    op.create_index(
        "ix_alert_deliveries_provider_message_id", "alert_deliveries", ["provider_message_id"]
    )


def downgrade() -> None:
    """Drop the alert tables."""
    op.drop_table("alert_deliveries")
    op.drop_table("alerts")
    op.drop_index(op.f("ix_alert_subscriptions_sender"), table_name="alert_subscriptions")
    op.drop_index("ix_alert_subscriptions_topic_city", table_name="alert_subscriptions")
    op.drop_table("alert_subscriptions")
