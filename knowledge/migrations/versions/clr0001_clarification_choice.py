"""Clarifications in the review queue: the intents `action_clarify` offered for a question and
the one the user then chose, so /admin/review can show (and accept) what users meant.

Revision ID: clr0001
Revises: ins0001
Create Date: 2026-12-02 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "clr0001"
down_revision: str | None = "ins0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("unanswered_questions") as batch:
        batch.add_column(sa.Column("offered", sa.String(200), nullable=True))
        batch.add_column(sa.Column("chosen_intent", sa.String(60), nullable=True))


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("unanswered_questions") as batch:
        batch.drop_column("chosen_intent")
        batch.drop_column("offered")
