"""Import baselines (what the YAML said at the last import, per item) and facts served per day.

Revision ID: kb0003
Revises: kb0002
Create Date: 2026-11-30 09:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "kb0003"
down_revision: str | None = "kb0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "kb_import_baselines",
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("document", sa.JSON(), nullable=False),
        sa.Column(
            "imported_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("CURRENT_TIMESTAMP"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("kind", "key", name=op.f("pk_kb_import_baselines")),
    )
    op.create_table(
        "kb_facts_served",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", "kind", "key", name=op.f("pk_kb_facts_served")),
    )


def downgrade() -> None:
    """Revert this revision."""
    op.drop_table("kb_facts_served")
    op.drop_table("kb_import_baselines")
