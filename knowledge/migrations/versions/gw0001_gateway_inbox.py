"""Gateway inbox: inbound messages (dedupe, queue, retries), contacts, sender leases, button keys.

Owned by the gateway (gateway/inbox/models.py).

Revision ID: gw0001
Revises: 0001
Create Date: 2026-11-29 05:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "gw0001"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    """Create the gateway's tables."""
    op.create_table(
        "gateway_inbound",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("provider_message_id", sa.String(length=128), nullable=False),
        sa.Column("sender", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("payload_ref", sa.String(length=256), nullable=True),
        sa.Column("location", sa.JSON(), nullable=True),
        sa.Column("language_hint", sa.String(length=16), nullable=True),
        sa.Column("reply", sa.JSON(), nullable=True),
        sa.Column("sent_count", sa.Integer(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("apologised", sa.Boolean(), nullable=False),
        sa.Column("last_error", sa.String(length=200), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gateway_inbound")),
        sa.UniqueConstraint(
            "channel",
            "provider_message_id",
            name=op.f("uq_gateway_inbound_channel_provider_message_id"),
        ),
    )
    op.create_index(
        "ix_gateway_inbound_status_sender_id", "gateway_inbound", ["status", "sender", "id"]
    )
    op.create_index("ix_gateway_inbound_sender", "gateway_inbound", ["sender"])
    op.create_index("ix_gateway_inbound_received_at", "gateway_inbound", ["received_at"])
    op.create_table(
        "gateway_contacts",
        sa.Column("sender", sa.String(length=64), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("address", sa.JSON(), nullable=False),
        sa.Column("options", sa.JSON(), nullable=True),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("sender", name=op.f("pk_gateway_contacts")),
    )
    op.create_index(op.f("ix_gateway_contacts_last_seen_at"), "gateway_contacts", ["last_seen_at"])
    op.create_table(
        "gateway_sender_leases",
        sa.Column("sender", sa.String(length=64), nullable=False),
        sa.Column("owner", sa.String(length=64), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("sender", name=op.f("pk_gateway_sender_leases")),
    )
    op.create_table(
        "gateway_button_payloads",
        sa.Column("key", sa.String(length=16), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_gateway_button_payloads")),
    )


def downgrade() -> None:
    """Drop the gateway's tables."""
    op.drop_table("gateway_button_payloads")
    op.drop_table("gateway_sender_leases")
    op.drop_index(op.f("ix_gateway_contacts_last_seen_at"), table_name="gateway_contacts")
    op.drop_table("gateway_contacts")
    op.drop_index("ix_gateway_inbound_received_at", table_name="gateway_inbound")
    op.drop_index("ix_gateway_inbound_sender", table_name="gateway_inbound")
    op.drop_index("ix_gateway_inbound_status_sender_id", table_name="gateway_inbound")
    op.drop_table("gateway_inbound")
