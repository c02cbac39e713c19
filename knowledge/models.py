"""Typed SQLAlchemy models of the knowledge base; Alembic owns the schema."""

from datetime import date, datetime, time
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    Time,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# Deterministic constraint names, so migrations can drop and alter them on both databases.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

SHORT_ANSWER_MAX = 600
TRANSLATION_STATUSES = ("current", "outdated", "missing")
ENTITLEMENTS = ("yes", "no", "conditional")


class Base(DeclarativeBase):
    """Declarative base with the naming convention."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Timestamped:
    """When a row was written to this database (not when its facts were verified)."""

    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )


class Topic(Timestamped, Base):
    """One entitlement topic; its id is the intent name without `ask_`."""

    __tablename__ = "topics"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    translations: Mapped[list["TopicTranslation"]] = relationship(
        back_populates="topic", cascade="all, delete-orphan", order_by="TopicTranslation.language"
    )


class TopicTranslation(Timestamped, Base):
    """A topic's answer in one language: one row per topic per language."""

    __tablename__ = "topic_translations"
    __table_args__ = (
        UniqueConstraint("topic_id", "language"),
        CheckConstraint(
            "translation_status IN ('current', 'outdated', 'missing')", name="translation_status"
        ),
        CheckConstraint(f"length(short_answer) <= {SHORT_ANSWER_MAX}", name="short_answer_length"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    topic_id: Mapped[str] = mapped_column(ForeignKey("topics.id", ondelete="CASCADE"), index=True)
    language: Mapped[str] = mapped_column(String(2))
    short_answer: Mapped[str] = mapped_column(String(SHORT_ANSWER_MAX), default="")
    details: Mapped[str] = mapped_column(Text, default="")
    by_status: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    legal_basis: Mapped[str] = mapped_column(Text, default="")
    sources: Mapped[list[Any]] = mapped_column(JSON, default=list)
    verified_at: Mapped[date | None] = mapped_column(Date)
    translation_status: Mapped[str] = mapped_column(String(10), default="current")
    uncertain: Mapped[bool] = mapped_column(Boolean, default=False)

    topic: Mapped[Topic] = relationship(back_populates="translations")


class City(Base):
    """A city the knowledge base knows, with its centre for distance queries."""

    __tablename__ = "cities"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    names: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    aliases: Mapped[list[Any]] = mapped_column(JSON, default=list)


class ServicePoint(Timestamped, Base):
    """An office or organisation a person can go to or call."""

    __tablename__ = "service_points"
    __table_args__ = (
        # The nearest-N prefilter is a bounding box on these two columns.
        Index("ix_service_points_lat_lon", "lat", "lon"),
        Index("ix_service_points_lon", "lon"),
    )

    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    organisation: Mapped[str] = mapped_column(String(200))
    city_id: Mapped[str] = mapped_column(ForeignKey("cities.id"), index=True)
    address: Mapped[str] = mapped_column(Text, default="")
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    approximate: Mapped[bool] = mapped_column(Boolean, default=False)
    email: Mapped[str | None] = mapped_column(String(200))
    website: Mapped[str | None] = mapped_column(String(300))
    verified_at: Mapped[date | None] = mapped_column(Date)
    uncertain: Mapped[bool] = mapped_column(Boolean, default=False)
    sources: Mapped[list[Any]] = mapped_column(JSON, default=list)

    phones: Mapped[list["ServicePointPhone"]] = relationship(
        cascade="all, delete-orphan", order_by="ServicePointPhone.position", lazy="selectin"
    )
    hours: Mapped[list["OpeningHoursRow"]] = relationship(
        cascade="all, delete-orphan",
        order_by=lambda: [OpeningHoursRow.weekday, OpeningHoursRow.opens],
        lazy="selectin",
    )
    topics: Mapped[list["ServicePointTopic"]] = relationship(
        cascade="all, delete-orphan", order_by="ServicePointTopic.topic_id", lazy="selectin"
    )
    languages: Mapped[list["ServicePointLanguage"]] = relationship(
        cascade="all, delete-orphan", order_by="ServicePointLanguage.position", lazy="selectin"
    )
    serves: Mapped[list["ServicePointStatus"]] = relationship(
        cascade="all, delete-orphan", order_by="ServicePointStatus.status", lazy="selectin"
    )
    descriptions: Mapped[list["ServicePointDescription"]] = relationship(
        cascade="all, delete-orphan", order_by="ServicePointDescription.language", lazy="selectin"
    )


class ServicePointPhone(Base):
    """A phone number (E.164 or short code) of a service point, with its own labels and hours."""

    __tablename__ = "service_point_phones"
    __table_args__ = (UniqueConstraint("service_point_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    service_point_id: Mapped[str] = mapped_column(
        ForeignKey("service_points.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(20), default="voice")
    # language -> what this line is for.
    labels: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # weekday ("mon".."sun") -> ["HH:MM-HH:MM", ...]; empty when the line's hours are unknown.
    hours: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    verified_at: Mapped[date | None] = mapped_column(Date)
    sources: Mapped[list[Any]] = mapped_column(JSON, default=list)
    position: Mapped[int] = mapped_column(Integer, default=0)


class OpeningHoursRow(Base):
    """One opening interval: weekday 0 (Monday) to 6, local time in Morocco."""

    __tablename__ = "service_point_hours"
    __table_args__ = (
        CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday"),
        CheckConstraint("opens < closes", name="opens_before_closes"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    service_point_id: Mapped[str] = mapped_column(
        ForeignKey("service_points.id", ondelete="CASCADE"), index=True
    )
    weekday: Mapped[int] = mapped_column(Integer)
    opens: Mapped[time] = mapped_column(Time)
    closes: Mapped[time] = mapped_column(Time)


class ServicePointTopic(Base):
    """A topic a service point helps with."""

    __tablename__ = "service_point_topics"

    service_point_id: Mapped[str] = mapped_column(
        ForeignKey("service_points.id", ondelete="CASCADE"), primary_key=True
    )
    topic_id: Mapped[str] = mapped_column(ForeignKey("topics.id"), primary_key=True, index=True)


class ServicePointLanguage(Base):
    """A language spoken at a service point (ISO 639 code, e.g. `ary` for Darija)."""

    __tablename__ = "service_point_languages"

    service_point_id: Mapped[str] = mapped_column(
        ForeignKey("service_points.id", ondelete="CASCADE"), primary_key=True
    )
    language: Mapped[str] = mapped_column(String(8), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)


class ServicePointStatus(Base):
    """An administrative status a service point serves."""

    __tablename__ = "service_point_statuses"

    service_point_id: Mapped[str] = mapped_column(
        ForeignKey("service_points.id", ondelete="CASCADE"), primary_key=True
    )
    status: Mapped[str] = mapped_column(String(20), primary_key=True)


class ServicePointDescription(Base):
    """What a service point does, in one language."""

    __tablename__ = "service_point_descriptions"
    __table_args__ = (
        CheckConstraint(
            "translation_status IN ('current', 'outdated', 'missing')", name="translation_status"
        ),
    )

    service_point_id: Mapped[str] = mapped_column(
        ForeignKey("service_points.id", ondelete="CASCADE"), primary_key=True
    )
    language: Mapped[str] = mapped_column(String(2), primary_key=True)
    text: Mapped[str] = mapped_column(Text, default="")
    translation_status: Mapped[str] = mapped_column(String(10), default="current")


class EligibilityRule(Timestamped, Base):
    """Whether a status gives access to a topic's entitlement."""

    __tablename__ = "eligibility_rules"
    __table_args__ = (
        UniqueConstraint("status", "topic_id"),
        CheckConstraint("entitled IN ('yes', 'no', 'conditional')", name="entitled"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    status: Mapped[str] = mapped_column(String(20), index=True)
    topic_id: Mapped[str] = mapped_column(ForeignKey("topics.id"), index=True)
    entitled: Mapped[str] = mapped_column(String(12))
    # The topic whose service points to look up for this need.
    where_topic_id: Mapped[str | None] = mapped_column(ForeignKey("topics.id"))
    uncertain: Mapped[bool] = mapped_column(Boolean, default=False)
    verified_at: Mapped[date | None] = mapped_column(Date)
    sources: Mapped[list[Any]] = mapped_column(JSON, default=list)
    texts: Mapped[list["EligibilityText"]] = relationship(
        cascade="all, delete-orphan", order_by="EligibilityText.language", lazy="selectin"
    )


class EligibilityText(Base):
    """A rule's conditions and documents in one language."""

    __tablename__ = "eligibility_texts"
    __table_args__ = (
        CheckConstraint(
            "translation_status IN ('current', 'outdated', 'missing')", name="translation_status"
        ),
    )

    rule_id: Mapped[int] = mapped_column(
        ForeignKey("eligibility_rules.id", ondelete="CASCADE"), primary_key=True
    )
    language: Mapped[str] = mapped_column(String(2), primary_key=True)
    conditions: Mapped[str] = mapped_column(Text, default="")
    documents: Mapped[list[Any]] = mapped_column(JSON, default=list)
    translation_status: Mapped[str] = mapped_column(String(10), default="current")


class EmergencyContactRow(Timestamped, Base):
    """A short emergency number or hotline."""

    __tablename__ = "emergency_contacts"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    number: Mapped[str] = mapped_column(String(20))
    position: Mapped[int] = mapped_column(Integer, default=0)
    uncertain: Mapped[bool] = mapped_column(Boolean, default=False)
    verified_at: Mapped[date | None] = mapped_column(Date)
    sources: Mapped[list[Any]] = mapped_column(JSON, default=list)
    labels: Mapped[list["EmergencyContactLabel"]] = relationship(
        cascade="all, delete-orphan", order_by="EmergencyContactLabel.language", lazy="selectin"
    )


class EmergencyContactLabel(Base):
    """What an emergency number is for, in one language."""

    __tablename__ = "emergency_contact_labels"
    __table_args__ = (
        CheckConstraint(
            "translation_status IN ('current', 'outdated', 'missing')", name="translation_status"
        ),
    )

    contact_id: Mapped[str] = mapped_column(
        ForeignKey("emergency_contacts.id", ondelete="CASCADE"), primary_key=True
    )
    language: Mapped[str] = mapped_column(String(2), primary_key=True)
    label: Mapped[str] = mapped_column(String(300))
    note: Mapped[str] = mapped_column(Text, default="")
    translation_status: Mapped[str] = mapped_column(String(10), default="current")


class ImportBaseline(Base):
    """What the YAML said about one item when it was last imported (the three-way merge's base).

    An item whose live document differs from its baseline was changed in this database after
    that import (an editor published a correction): an import never overwrites it silently.
    """

    __tablename__ = "kb_import_baselines"

    # topic, topic_translation, city, service_point, eligibility, emergency
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    document: Mapped[dict[str, Any]] = mapped_column(JSON)
    imported_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )


class FactServed(Base):
    """How many times a fact was shown to users on one day: no text, no pseudonym, no channel."""

    __tablename__ = "kb_facts_served"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    # topic_translation, service_point, eligibility, emergency
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)
