"""Insights: turn events, feedback votes and their daily roll-ups (no text, no pseudonym).

Owned by the gateway (gateway/insights/models.py). A single file so it can be re-chained.

Revision ID: ins0001
Revises: sec0001
Create Date: 2026-12-02 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "ins0001"
down_revision: str | None = "sec0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _common() -> list[sa.Column]:
    return [
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("conversation", sa.String(length=16), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
    ]


def upgrade() -> None:
    """Create the three insights tables."""
    op.create_table(
        "insight_turns",
        *_common(),
        sa.Column("city", sa.String(length=64), nullable=False),
        sa.Column("topic", sa.String(length=64), nullable=False),
        sa.Column("intent", sa.String(length=64), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("latency_ms", sa.Integer(), nullable=False),
        sa.Column("facts", sa.String(length=512), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_insight_turns")),
    )
    op.create_index(op.f("ix_insight_turns_day"), "insight_turns", ["day"])
    op.create_table(
        "insight_feedback",
        *_common(),
        sa.Column("topic", sa.String(length=64), nullable=False),
        sa.Column("vote", sa.String(length=4), nullable=False),
        sa.Column("facts", sa.String(length=512), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_insight_feedback")),
    )
    op.create_index(op.f("ix_insight_feedback_day"), "insight_feedback", ["day"])
    op.create_table(
        "insight_daily",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("city", sa.String(length=64), nullable=False),
        sa.Column("topic", sa.String(length=64), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("events", sa.Integer(), nullable=False),
        sa.Column("conversations", sa.Integer(), nullable=False),
        sa.Column("latency_ms_sum", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_insight_daily")),
        sa.UniqueConstraint(
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
    op.create_index(op.f("ix_insight_daily_day"), "insight_daily", ["day"])


def downgrade() -> None:
    """Drop the insights tables."""
    for table in ("insight_daily", "insight_feedback", "insight_turns"):
        op.drop_index(op.f(f"ix_{table}_day"), table_name=table)
        op.drop_table(table)
