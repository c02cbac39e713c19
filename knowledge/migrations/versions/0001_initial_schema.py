"""Initial schema: topics, translations, service points, eligibility, emergency contacts.

Revision ID: 0001
Revises:
Create Date: 2026-11-29 04:44:34.726285
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""

    op.create_table(
        "cities",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("names", sa.JSON(), nullable=False),
        sa.Column("aliases", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cities")),
    )
    op.create_table(
        "emergency_contacts",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("uncertain", sa.Boolean(), nullable=False),
        sa.Column("verified_at", sa.Date(), nullable=True),
        sa.Column("sources", sa.JSON(), nullable=False),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("CURRENT_TIMESTAMP"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_emergency_contacts")),
    )
    op.create_table(
        "topics",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("CURRENT_TIMESTAMP"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_topics")),
    )
    op.create_table(
        "eligibility_rules",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("topic_id", sa.String(length=40), nullable=False),
        sa.Column("entitled", sa.String(length=12), nullable=False),
        sa.Column("where_topic_id", sa.String(length=40), nullable=True),
        sa.Column("uncertain", sa.Boolean(), nullable=False),
        sa.Column("verified_at", sa.Date(), nullable=True),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("CURRENT_TIMESTAMP"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "entitled IN ('yes', 'no', 'conditional')", name=op.f("ck_eligibility_rules_entitled")
        ),
        sa.ForeignKeyConstraint(
            ["topic_id"], ["topics.id"], name=op.f("fk_eligibility_rules_topic_id_topics")
        ),
        sa.ForeignKeyConstraint(
            ["where_topic_id"],
            ["topics.id"],
            name=op.f("fk_eligibility_rules_where_topic_id_topics"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_eligibility_rules")),
        sa.UniqueConstraint(
            "status", "topic_id", name=op.f("uq_eligibility_rules_status_topic_id")
        ),
    )
    with op.batch_alter_table("eligibility_rules", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_eligibility_rules_status"), ["status"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_eligibility_rules_topic_id"), ["topic_id"], unique=False
        )

    op.create_table(
        "emergency_contact_labels",
        sa.Column("contact_id", sa.String(length=40), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("label", sa.String(length=300), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("translation_status", sa.String(length=10), nullable=False),
        sa.CheckConstraint(
            "translation_status IN ('current', 'outdated', 'missing')",
            name=op.f("ck_emergency_contact_labels_translation_status"),
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["emergency_contacts.id"],
            name=op.f("fk_emergency_contact_labels_contact_id_emergency_contacts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("contact_id", "language", name=op.f("pk_emergency_contact_labels")),
    )
    op.create_table(
        "service_points",
        sa.Column("id", sa.String(length=80), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("organisation", sa.String(length=200), nullable=False),
        sa.Column("city_id", sa.String(length=40), nullable=False),
        sa.Column("address", sa.Text(), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("approximate", sa.Boolean(), nullable=False),
        sa.Column("email", sa.String(length=200), nullable=True),
        sa.Column("website", sa.String(length=300), nullable=True),
        sa.Column("verified_at", sa.Date(), nullable=True),
        sa.Column("uncertain", sa.Boolean(), nullable=False),
        sa.Column("sources", sa.JSON(), nullable=False),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("CURRENT_TIMESTAMP"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["city_id"], ["cities.id"], name=op.f("fk_service_points_city_id_cities")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_points")),
    )
    with op.batch_alter_table("service_points", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_service_points_city_id"), ["city_id"], unique=False)
        batch_op.create_index("ix_service_points_lat_lon", ["lat", "lon"], unique=False)
        batch_op.create_index("ix_service_points_lon", ["lon"], unique=False)

    op.create_table(
        "topic_translations",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("topic_id", sa.String(length=40), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("short_answer", sa.String(length=600), nullable=False),
        sa.Column("details", sa.Text(), nullable=False),
        sa.Column("by_status", sa.JSON(), nullable=False),
        sa.Column("legal_basis", sa.Text(), nullable=False),
        sa.Column("sources", sa.JSON(), nullable=False),
        sa.Column("verified_at", sa.Date(), nullable=True),
        sa.Column("translation_status", sa.String(length=10), nullable=False),
        sa.Column("uncertain", sa.Boolean(), nullable=False),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("CURRENT_TIMESTAMP"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "translation_status IN ('current', 'outdated', 'missing')",
            name=op.f("ck_topic_translations_translation_status"),
        ),
        sa.CheckConstraint(
            "length(short_answer) <= 600", name=op.f("ck_topic_translations_short_answer_length")
        ),
        sa.ForeignKeyConstraint(
            ["topic_id"],
            ["topics.id"],
            name=op.f("fk_topic_translations_topic_id_topics"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_topic_translations")),
        sa.UniqueConstraint(
            "topic_id", "language", name=op.f("uq_topic_translations_topic_id_language")
        ),
    )
    with op.batch_alter_table("topic_translations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_topic_translations_topic_id"), ["topic_id"], unique=False
        )

    op.create_table(
        "eligibility_texts",
        sa.Column("rule_id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("conditions", sa.Text(), nullable=False),
        sa.Column("documents", sa.JSON(), nullable=False),
        sa.Column("translation_status", sa.String(length=10), nullable=False),
        sa.CheckConstraint(
            "translation_status IN ('current', 'outdated', 'missing')",
            name=op.f("ck_eligibility_texts_translation_status"),
        ),
        sa.ForeignKeyConstraint(
            ["rule_id"],
            ["eligibility_rules.id"],
            name=op.f("fk_eligibility_texts_rule_id_eligibility_rules"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("rule_id", "language", name=op.f("pk_eligibility_texts")),
    )
    op.create_table(
        "service_point_descriptions",
        sa.Column("service_point_id", sa.String(length=80), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("translation_status", sa.String(length=10), nullable=False),
        sa.CheckConstraint(
            "translation_status IN ('current', 'outdated', 'missing')",
            name=op.f("ck_service_point_descriptions_translation_status"),
        ),
        sa.ForeignKeyConstraint(
            ["service_point_id"],
            ["service_points.id"],
            name=op.f("fk_service_point_descriptions_service_point_id_service_points"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "service_point_id", "language", name=op.f("pk_service_point_descriptions")
        ),
    )
    op.create_table(
        "service_point_hours",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("service_point_id", sa.String(length=80), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=False),
        sa.Column("opens", sa.Time(), nullable=False),
        sa.Column("closes", sa.Time(), nullable=False),
        sa.CheckConstraint(
            "opens < closes", name=op.f("ck_service_point_hours_opens_before_closes")
        ),
        sa.CheckConstraint("weekday BETWEEN 0 AND 6", name=op.f("ck_service_point_hours_weekday")),
        sa.ForeignKeyConstraint(
            ["service_point_id"],
            ["service_points.id"],
            name=op.f("fk_service_point_hours_service_point_id_service_points"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_point_hours")),
    )
    with op.batch_alter_table("service_point_hours", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_service_point_hours_service_point_id"),
            ["service_point_id"],
            unique=False,
        )

    op.create_table(
        "service_point_languages",
        sa.Column("service_point_id", sa.String(length=80), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["service_point_id"],
            ["service_points.id"],
            name=op.f("fk_service_point_languages_service_point_id_service_points"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "service_point_id", "language", name=op.f("pk_service_point_languages")
        ),
    )
    op.create_table(
        "service_point_phones",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("service_point_id", sa.String(length=80), nullable=False),
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["service_point_id"],
            ["service_points.id"],
            name=op.f("fk_service_point_phones_service_point_id_service_points"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_point_phones")),
        sa.UniqueConstraint(
            "service_point_id",
            "number",
            name=op.f("uq_service_point_phones_service_point_id_number"),
        ),
    )
    with op.batch_alter_table("service_point_phones", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_service_point_phones_service_point_id"),
            ["service_point_id"],
            unique=False,
        )

    op.create_table(
        "service_point_statuses",
        sa.Column("service_point_id", sa.String(length=80), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["service_point_id"],
            ["service_points.id"],
            name=op.f("fk_service_point_statuses_service_point_id_service_points"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "service_point_id", "status", name=op.f("pk_service_point_statuses")
        ),
    )
    op.create_table(
        "service_point_topics",
        sa.Column("service_point_id", sa.String(length=80), nullable=False),
        sa.Column("topic_id", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["service_point_id"],
            ["service_points.id"],
            name=op.f("fk_service_point_topics_service_point_id_service_points"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["topic_id"], ["topics.id"], name=op.f("fk_service_point_topics_topic_id_topics")
        ),
        sa.PrimaryKeyConstraint(
            "service_point_id", "topic_id", name=op.f("pk_service_point_topics")
        ),
    )
    with op.batch_alter_table("service_point_topics", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_service_point_topics_topic_id"), ["topic_id"], unique=False
        )


def downgrade() -> None:
    """Revert this revision."""

    with op.batch_alter_table("service_point_topics", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_service_point_topics_topic_id"))

    op.drop_table("service_point_topics")
    op.drop_table("service_point_statuses")
    with op.batch_alter_table("service_point_phones", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_service_point_phones_service_point_id"))

    op.drop_table("service_point_phones")
    op.drop_table("service_point_languages")
    with op.batch_alter_table("service_point_hours", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_service_point_hours_service_point_id"))

    op.drop_table("service_point_hours")
    op.drop_table("service_point_descriptions")
    op.drop_table("eligibility_texts")
    with op.batch_alter_table("topic_translations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_topic_translations_topic_id"))

    op.drop_table("topic_translations")
    with op.batch_alter_table("service_points", schema=None) as batch_op:
        batch_op.drop_index("ix_service_points_lon")
        batch_op.drop_index("ix_service_points_lat_lon")
        batch_op.drop_index(batch_op.f("ix_service_points_city_id"))

    op.drop_table("service_points")
    op.drop_table("emergency_contact_labels")
    with op.batch_alter_table("eligibility_rules", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_eligibility_rules_topic_id"))
        batch_op.drop_index(batch_op.f("ix_eligibility_rules_status"))

    op.drop_table("eligibility_rules")
    op.drop_table("topics")
    op.drop_table("emergency_contacts")
    op.drop_table("cities")
