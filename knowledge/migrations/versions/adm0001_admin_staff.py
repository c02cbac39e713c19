"""Admin and staff side: accounts, drafts, revisions, audit log, unanswered questions, handovers.

Revision ID: adm0001
Revises: gw0001
Create Date: 2026-11-29 06:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "adm0001"
down_revision: str | None = "gw0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
When = sa.DateTime(timezone=True)


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "admin_users",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("role", sa.String(10), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", When, nullable=False),
        sa.Column("last_login_at", When, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_admin_users")),
        sa.UniqueConstraint("email", name=op.f("uq_admin_users_email")),
        sa.CheckConstraint(
            "role IN ('admin', 'editor', 'staff')", name=op.f("ck_admin_users_role")
        ),
    )
    op.create_table(
        "kb_drafts",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("entity_id", sa.String(80), nullable=False),
        sa.Column("language", sa.String(2), nullable=True),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("base_payload", sa.JSON(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("author_id", Id, nullable=False),
        sa.Column("created_at", When, nullable=False),
        sa.Column("updated_at", When, nullable=False),
        sa.Column("submitted_at", When, nullable=True),
        sa.Column("reviewed_by", Id, nullable=True),
        sa.Column("reviewed_at", When, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kb_drafts")),
        sa.ForeignKeyConstraint(
            ["author_id"], ["admin_users.id"], name=op.f("fk_kb_drafts_author_id_admin_users")
        ),
        sa.ForeignKeyConstraint(
            ["reviewed_by"], ["admin_users.id"], name=op.f("fk_kb_drafts_reviewed_by_admin_users")
        ),
        sa.CheckConstraint(
            "status IN ('draft', 'submitted', 'published', 'rejected')",
            name=op.f("ck_kb_drafts_status"),
        ),
        sa.CheckConstraint(
            "kind IN ('topic_translation', 'service_point')", name=op.f("ck_kb_drafts_kind")
        ),
    )
    op.create_index("ix_kb_drafts_status", "kb_drafts", ["status"])
    op.create_table(
        "kb_revisions",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("entity_id", sa.String(80), nullable=False),
        sa.Column("language", sa.String(2), nullable=True),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=False),
        sa.Column("draft_id", Id, nullable=True),
        sa.Column("author_id", Id, nullable=True),
        sa.Column("published_by", Id, nullable=False),
        sa.Column("published_at", When, nullable=False),
        sa.Column("rollback_of", Id, nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kb_revisions")),
        sa.ForeignKeyConstraint(
            ["draft_id"], ["kb_drafts.id"], name=op.f("fk_kb_revisions_draft_id_kb_drafts")
        ),
        sa.ForeignKeyConstraint(
            ["author_id"], ["admin_users.id"], name=op.f("fk_kb_revisions_author_id_admin_users")
        ),
        sa.ForeignKeyConstraint(
            ["published_by"],
            ["admin_users.id"],
            name=op.f("fk_kb_revisions_published_by_admin_users"),
        ),
        sa.ForeignKeyConstraint(
            ["rollback_of"],
            ["kb_revisions.id"],
            name=op.f("fk_kb_revisions_rollback_of_kb_revisions"),
        ),
    )
    op.create_index("ix_kb_revisions_entity", "kb_revisions", ["kind", "entity_id", "language"])
    op.create_table(
        "audit_log",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("at", When, nullable=False),
        sa.Column("actor_id", Id, nullable=True),
        sa.Column("actor_email", sa.String(254), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("target", sa.String(160), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("ip", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["admin_users.id"], name=op.f("fk_audit_log_actor_id_admin_users")
        ),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"])
    op.create_table(
        "unanswered_questions",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("created_at", When, nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("language", sa.String(2), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("reason", sa.String(20), nullable=False),
        sa.Column("intent", sa.String(60), nullable=True),
        sa.Column("confidence", sa.Float(), nullable=True),
        sa.Column("topic", sa.String(40), nullable=True),
        sa.Column("handled", sa.Boolean(), nullable=False),
        sa.Column("handled_by", Id, nullable=True),
        sa.Column("handled_at", When, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unanswered_questions")),
        sa.ForeignKeyConstraint(
            ["handled_by"],
            ["admin_users.id"],
            name=op.f("fk_unanswered_questions_handled_by_admin_users"),
        ),
    )
    op.create_index(
        "ix_unanswered_questions_handled_created",
        "unanswered_questions",
        ["handled", "created_at"],
    )
    op.create_table(
        "handovers",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("sender", sa.String(64), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("language", sa.String(2), nullable=False),
        sa.Column("reason", sa.String(20), nullable=False),
        sa.Column("topic", sa.String(40), nullable=True),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("opened_at", When, nullable=False),
        sa.Column("claimed_by", Id, nullable=True),
        sa.Column("closed_at", When, nullable=True),
        sa.Column("closed_by", Id, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handovers")),
        sa.ForeignKeyConstraint(
            ["claimed_by"], ["admin_users.id"], name=op.f("fk_handovers_claimed_by_admin_users")
        ),
        sa.ForeignKeyConstraint(
            ["closed_by"], ["admin_users.id"], name=op.f("fk_handovers_closed_by_admin_users")
        ),
        sa.CheckConstraint("status IN ('open', 'closed')", name=op.f("ck_handovers_status")),
    )
    op.create_index("ix_handovers_sender_status", "handovers", ["sender", "status"])
    op.create_table(
        "handover_messages",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("handover_id", Id, nullable=False),
        sa.Column("author", sa.String(5), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("language", sa.String(2), nullable=True),
        sa.Column("staff_id", Id, nullable=True),
        sa.Column("created_at", When, nullable=False),
        sa.Column("delivered_at", When, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handover_messages")),
        sa.ForeignKeyConstraint(
            ["handover_id"],
            ["handovers.id"],
            name=op.f("fk_handover_messages_handover_id_handovers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["admin_users.id"], name=op.f("fk_handover_messages_staff_id_admin_users")
        ),
        sa.CheckConstraint(
            "author IN ('user', 'bot', 'staff')", name=op.f("ck_handover_messages_author")
        ),
    )
    op.create_index("ix_handover_messages_handover_id", "handover_messages", ["handover_id", "id"])


def downgrade() -> None:
    """Revert this revision."""
    for table in (
        "handover_messages",
        "handovers",
        "unanswered_questions",
        "audit_log",
        "kb_revisions",
        "kb_drafts",
        "admin_users",
    ):
        op.drop_table(table)
