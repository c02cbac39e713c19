"""Handover lifecycle and deletion: urgency, inactivity, why a handover closed, desk hours,
and the pseudonym on unanswered questions so "delete my data" can find them.

Revision ID: safe0001
Revises: kb0003
Create Date: 2026-12-02 01:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "safe0001"
down_revision: str | None = "kb0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

When = sa.DateTime(timezone=True)


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("handovers") as batch:
        batch.add_column(
            sa.Column("urgent", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(
            sa.Column("bot_active", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(
            sa.Column("after_hours", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(sa.Column("last_activity_at", When, nullable=True))
        batch.add_column(sa.Column("no_reply_notice_at", When, nullable=True))
        batch.add_column(sa.Column("close_reason", sa.String(20), nullable=True))
    with op.batch_alter_table("unanswered_questions") as batch:
        batch.add_column(sa.Column("sender", sa.String(64), nullable=True))
        batch.create_index("ix_unanswered_questions_sender", ["sender"])
    op.create_table(
        "staff_desk_hours",
        sa.Column("weekday", sa.Integer(), nullable=False),
        sa.Column("opens", sa.String(5), nullable=False),
        sa.Column("closes", sa.String(5), nullable=False),
        sa.PrimaryKeyConstraint("weekday", "opens", name=op.f("pk_staff_desk_hours")),
        sa.CheckConstraint("weekday BETWEEN 0 AND 6", name=op.f("ck_staff_desk_hours_weekday")),
    )
    op.create_table(
        "staff_desk_closed_days",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("note", sa.String(120), nullable=False, server_default=""),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_staff_desk_closed_days")),
    )


def downgrade() -> None:
    """Revert this revision."""
    op.drop_table("staff_desk_closed_days")
    op.drop_table("staff_desk_hours")
    with op.batch_alter_table("unanswered_questions") as batch:
        batch.drop_index("ix_unanswered_questions_sender")
        batch.drop_column("sender")
    with op.batch_alter_table("handovers") as batch:
        for column in (
            "close_reason",
            "no_reply_notice_at",
            "last_activity_at",
            "after_hours",
            "bot_active",
            "urgent",
        ):
            batch.drop_column(column)
