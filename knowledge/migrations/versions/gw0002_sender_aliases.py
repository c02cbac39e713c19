"""Gateway: sender aliases, so a WhatsApp user's phone number and business-scoped user id
(and a changed id) stay one conversation, and `delete_my_data` reaches them all.

Owned by the gateway (gateway/inbox/models.py).

Revision ID: gw0002
Revises: adm0001
Create Date: 2026-12-01 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "gw0002"
down_revision: str | None = "adm0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create the aliases table."""
    op.create_table(
        "gateway_sender_aliases",
        sa.Column("alias", sa.String(length=64), nullable=False),
        sa.Column("sender", sa.String(length=64), nullable=False),
        sa.Column("linked_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("alias", name=op.f("pk_gateway_sender_aliases")),
    )
    op.create_index(op.f("ix_gateway_sender_aliases_sender"), "gateway_sender_aliases", ["sender"])


def downgrade() -> None:
    """Drop the aliases table."""
    op.drop_index(op.f("ix_gateway_sender_aliases_sender"), table_name="gateway_sender_aliases")
    op.drop_table("gateway_sender_aliases")
