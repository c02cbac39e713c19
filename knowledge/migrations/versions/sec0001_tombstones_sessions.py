"""Hashed tombstones of provider message ids; server-side admin sessions (revocable).

Owned by the gateway (gateway/inbox/models.py SeenMessage, gateway/admin/models.py AdminSession).

Revision ID: sec0001
Revises: alr0001
Create Date: 2026-12-02 01:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "sec0001"
down_revision: str | None = "alr0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    """Create the tombstone and session tables."""
    op.create_table(
        "gateway_seen_messages",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_gateway_seen_messages")),
    )
    op.create_index("ix_gateway_seen_messages_seen_at", "gateway_seen_messages", ["seen_at"])
    op.create_table(
        "admin_sessions",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("user_id", Id, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ip", sa.String(length=64), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_by", Id, nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["admin_users.id"], name=op.f("fk_admin_sessions_user_id_admin_users")
        ),
        sa.ForeignKeyConstraint(
            ["revoked_by"],
            ["admin_users.id"],
            name=op.f("fk_admin_sessions_revoked_by_admin_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_admin_sessions")),
    )
    op.create_index("ix_admin_sessions_user_id", "admin_sessions", ["user_id"])


def downgrade() -> None:
    """Drop them."""
    op.drop_index("ix_admin_sessions_user_id", table_name="admin_sessions")
    op.drop_table("admin_sessions")
    op.drop_index("ix_gateway_seen_messages_seen_at", table_name="gateway_seen_messages")
    op.drop_table("gateway_seen_messages")
