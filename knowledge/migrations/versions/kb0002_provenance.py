"""Provenance per fact: each phone's own labels, hours, sources and verified_at; rules' sources.

A phone's single `label` becomes `labels` (language -> text); the old label is kept under
`en`, the language the shipped labels were written in.

Revision ID: kb0002
Revises: gw0002
Create Date: 2026-11-30 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "kb0002"
down_revision: str | None = "gw0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

phones = sa.table(
    "service_point_phones",
    sa.column("id", sa.Integer),
    sa.column("label", sa.String),
    sa.column("labels", sa.JSON),
    sa.column("hours", sa.JSON),
    sa.column("sources", sa.JSON),
)
rules = sa.table("eligibility_rules", sa.column("sources", sa.JSON))


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("service_point_phones") as batch_op:
        batch_op.add_column(sa.Column("labels", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("hours", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("verified_at", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("sources", sa.JSON(), nullable=True))
    connection = op.get_bind()
    for row_id, label in connection.execute(sa.select(phones.c.id, phones.c.label)).all():
        connection.execute(
            phones.update()
            .where(phones.c.id == row_id)
            .values(labels={"en": label} if label else {}, hours={}, sources=[])
        )
    with op.batch_alter_table("service_point_phones") as batch_op:
        batch_op.alter_column("labels", existing_type=sa.JSON(), nullable=False)
        batch_op.alter_column("hours", existing_type=sa.JSON(), nullable=False)
        batch_op.alter_column("sources", existing_type=sa.JSON(), nullable=False)
        batch_op.drop_column("label")

    with op.batch_alter_table("eligibility_rules") as batch_op:
        batch_op.add_column(sa.Column("sources", sa.JSON(), nullable=True))
    connection.execute(rules.update().values(sources=[]))
    with op.batch_alter_table("eligibility_rules") as batch_op:
        batch_op.alter_column("sources", existing_type=sa.JSON(), nullable=False)


def downgrade() -> None:
    """Revert this revision (a phone keeps its English, else French, label)."""
    with op.batch_alter_table("eligibility_rules") as batch_op:
        batch_op.drop_column("sources")
    with op.batch_alter_table("service_point_phones") as batch_op:
        batch_op.add_column(sa.Column("label", sa.String(200), nullable=True))
    connection = op.get_bind()
    for row_id, labels in connection.execute(sa.select(phones.c.id, phones.c.labels)).all():
        labels = labels or {}
        label = labels.get("en") or labels.get("fr") or ""
        connection.execute(phones.update().where(phones.c.id == row_id).values(label=label))
    with op.batch_alter_table("service_point_phones") as batch_op:
        batch_op.alter_column("label", existing_type=sa.String(200), nullable=False)
        batch_op.drop_column("sources")
        batch_op.drop_column("verified_at")
        batch_op.drop_column("hours")
        batch_op.drop_column("labels")
