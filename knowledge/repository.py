"""Read-only queries of the knowledge base (keyword-only, a `Session` first)."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType

from sqlalchemy import Select, and_, func, select
from sqlalchemy.orm import Session

from knowledge.cities import cities as shipped_cities
from knowledge.content import iter_hours
from knowledge.geo import bounding_box, haversine_km
from knowledge.models import (
    City,
    EligibilityRule,
    EmergencyContactRow,
    ServicePoint,
    ServicePointPhone,
    ServicePointTopic,
    Topic,
    TopicTranslation,
)
from knowledge.opening import WEEKDAYS, OpeningHours

SOURCE_LANGUAGE = "fr"
# Nearest-N: start with a box this wide and double it until it holds enough points.
FIRST_RADIUS_KM = 25.0
MAX_RADIUS_KM = 5000.0


def _frozen(mapping: Mapping[str, str]) -> Mapping[str, str]:
    """A read-only copy, so views stay immutable."""
    return MappingProxyType(dict(mapping))


@dataclass(frozen=True)
class Source:
    """A public source of a fact."""

    title: str
    url: str
    # The source itself says the fact is dated or should be checked again.
    recheck: bool = False


@dataclass(frozen=True)
class TopicAnswer:
    """A topic's answer, in `language`; `fallback` is set when it is not the language asked for."""

    topic_id: str
    language: str
    requested_language: str
    short_answer: str
    details: str
    by_status: Mapping[str, str]
    legal_basis: str
    sources: tuple[Source, ...]
    verified_at: date | None
    uncertain: bool
    # Status of the requested translation: current, outdated or missing.
    translation_status: str

    @property
    def fallback(self) -> bool:
        """Whether the answer is in another language than asked (so the action can say so)."""
        return self.language != self.requested_language


@dataclass(frozen=True)
class TopicSummary:
    """A topic and the languages it is currently available in."""

    topic_id: str
    position: int
    languages: tuple[str, ...]


@dataclass(frozen=True)
class Phone:
    """A phone number (E.164 or short code) with its own labels, hours and provenance."""

    number: str
    kind: str
    labels: Mapping[str, str] = field(default_factory=lambda: _frozen({}))
    hours: tuple[OpeningHours, ...] = ()
    verified_at: date | None = None
    sources: tuple["Source", ...] = ()

    def label(self, language: str) -> str:
        """What this line is for in `language`, else French, else any label it has."""
        return (
            self.labels.get(language)
            or self.labels.get(SOURCE_LANGUAGE)
            or next(iter(self.labels.values()), "")
        )


@dataclass(frozen=True)
class ServicePointView:
    """A service point as shown to a user."""

    id: str
    name: str
    organisation: str
    city_id: str
    address: str
    lat: float
    lon: float
    approximate: bool
    phones: tuple[Phone, ...]
    email: str | None
    website: str | None
    hours: tuple[OpeningHours, ...]
    topics: tuple[str, ...]
    languages: tuple[str, ...]
    serves: tuple[str, ...]
    verified_at: date | None
    uncertain: bool
    sources: tuple[Source, ...]
    # Only current descriptions: an outdated translation is never shown as current.
    descriptions: Mapping[str, str] = field(default_factory=lambda: _frozen({}))

    def description(self, language: str) -> tuple[str, str]:
        """(text, language actually used): the current one in `language`, else French."""
        if language in self.descriptions:
            return self.descriptions[language], language
        return self.descriptions.get(SOURCE_LANGUAGE, ""), SOURCE_LANGUAGE


@dataclass(frozen=True)
class EligibilityView:
    """Whether a status is entitled to a topic, with conditions and where to go."""

    status: str
    topic_id: str
    entitled: str
    conditions: str
    documents: tuple[str, ...]
    where_topic_id: str | None
    language: str
    requested_language: str
    uncertain: bool
    verified_at: date | None
    sources: tuple[Source, ...] = ()

    @property
    def fallback(self) -> bool:
        """Whether the text is in another language than asked."""
        return self.language != self.requested_language


@dataclass(frozen=True)
class EmergencyContact:
    """An emergency number with what it is for."""

    id: str
    number: str
    label: str
    note: str
    language: str
    uncertain: bool
    verified_at: date | None


def _sources(raw: list[dict[str, str]]) -> tuple[Source, ...]:
    """Source views from stored JSON."""
    return tuple(
        Source(title=s["title"], url=s["url"], recheck=bool(s.get("recheck", False))) for s in raw
    )


def get_topic_answer(session: Session, *, topic_id: str, language: str) -> TopicAnswer | None:
    """The topic's answer in `language` if current, else the French source (flagged)."""
    rows = {
        t.language: t
        for t in session.scalars(
            select(TopicTranslation).where(
                TopicTranslation.topic_id == topic_id,
                TopicTranslation.language.in_({language, SOURCE_LANGUAGE}),
            )
        )
    }
    requested = rows.get(language)
    status = requested.translation_status if requested is not None else "missing"
    row = requested if status == "current" else rows.get(SOURCE_LANGUAGE)
    if row is None or row.translation_status != "current":
        return None
    return TopicAnswer(
        topic_id=topic_id,
        language=row.language,
        requested_language=language,
        short_answer=row.short_answer,
        details=row.details,
        by_status=_frozen(row.by_status),
        legal_basis=row.legal_basis,
        sources=_sources(row.sources),
        verified_at=row.verified_at,
        uncertain=row.uncertain,
        translation_status=status,
    )


def list_topics(session: Session) -> list[TopicSummary]:
    """Every topic in display order, with the languages it is current in."""
    topics = session.scalars(select(Topic).order_by(Topic.position, Topic.id))
    return [
        TopicSummary(
            topic_id=t.id,
            position=t.position,
            languages=tuple(
                x.language for x in t.translations if x.translation_status == "current"
            ),
        )
        for t in topics
    ]


def _view(point: ServicePoint) -> ServicePointView:
    """A service point row as an immutable view."""
    return ServicePointView(
        id=point.id,
        name=point.name,
        organisation=point.organisation,
        city_id=point.city_id,
        address=point.address,
        lat=point.lat,
        lon=point.lon,
        approximate=point.approximate,
        phones=tuple(_phone(p) for p in point.phones),
        email=point.email,
        website=point.website,
        hours=tuple(OpeningHours(h.weekday, h.opens, h.closes) for h in point.hours),
        topics=tuple(t.topic_id for t in point.topics),
        languages=tuple(x.language for x in point.languages),
        serves=tuple(s.status for s in point.serves),
        verified_at=point.verified_at,
        uncertain=point.uncertain,
        sources=_sources(point.sources),
        descriptions=_frozen(
            {d.language: d.text for d in point.descriptions if d.translation_status == "current"}
        ),
    )


def _phone(row: ServicePointPhone) -> Phone:
    """A phone row as an immutable view."""
    hours = tuple(
        OpeningHours(WEEKDAYS.index(day), opens, closes)
        for day, _text, opens, closes in iter_hours(row.hours)
    )
    return Phone(
        number=row.number,
        kind=row.kind,
        labels=_frozen(row.labels),
        hours=tuple(sorted(hours, key=lambda h: (h.weekday, h.opens))),
        verified_at=row.verified_at,
        sources=_sources(row.sources),
    )


def _points_query(city_id: str, topic_id: str | None) -> Select[ServicePoint]:
    """Service points of a city, optionally only those helping with a topic."""
    query = select(ServicePoint).where(ServicePoint.city_id == city_id)
    if topic_id is not None:
        query = query.where(
            ServicePoint.id.in_(
                select(ServicePointTopic.service_point_id).where(
                    ServicePointTopic.topic_id == topic_id
                )
            )
        )
    return query


def find_service_points(
    session: Session, *, city_id: str, topic_id: str | None = None, limit: int = 3, offset: int = 0
) -> list[ServicePointView]:
    """A page of a city's service points (for a topic), in a stable order."""
    query = (
        _points_query(city_id, topic_id)
        .order_by(ServicePoint.uncertain, ServicePoint.name, ServicePoint.id)
        .limit(limit)
        .offset(offset)
    )
    return [_view(p) for p in session.scalars(query)]


def count_service_points(session: Session, *, city_id: str, topic_id: str | None = None) -> int:
    """How many service points a city has (for a topic)."""
    subquery = _points_query(city_id, topic_id).subquery()
    return int(session.scalar(select(func.count()).select_from(subquery)) or 0)


def nearest_service_points(
    session: Session, *, lat: float, lon: float, topic_id: str | None = None, limit: int = 5
) -> list[tuple[ServicePointView, float]]:
    """The `limit` points nearest to (lat, lon), with their distance in km, nearest first."""
    if limit <= 0:
        return []
    radius = FIRST_RADIUS_KM
    while True:
        south, north, west, east = bounding_box(lat, lon, radius)
        # The box uses the lat/lon indexes; only the few rows inside it are measured exactly.
        query = select(ServicePoint.id, ServicePoint.lat, ServicePoint.lon).where(
            and_(ServicePoint.lat.between(south, north), ServicePoint.lon.between(west, east))
        )
        if topic_id is not None:
            query = query.join(
                ServicePointTopic,
                and_(
                    ServicePointTopic.service_point_id == ServicePoint.id,
                    ServicePointTopic.topic_id == topic_id,
                ),
            )
        measured = sorted(
            (haversine_km(lat, lon, p_lat, p_lon), point_id)
            for point_id, p_lat, p_lon in session.execute(query)
        )
        # Everything within `radius` is inside the box, so these are exactly the nearest.
        inside = [m for m in measured if m[0] <= radius]
        if len(inside) >= limit or radius >= MAX_RADIUS_KM:
            chosen = (inside if len(inside) >= limit else measured)[:limit]
            break
        radius *= 2
    points = {
        p.id: p
        for p in session.scalars(
            select(ServicePoint).where(ServicePoint.id.in_([pid for _d, pid in chosen]))
        )
    }
    return [(_view(points[pid]), distance) for distance, pid in chosen]


def _city_centres(session: Session) -> dict[str, tuple[float, float]]:
    """City centres from the database, else from the shipped cities file."""
    centres = {c.id: (c.lat, c.lon) for c in session.scalars(select(City))}
    return centres or {c.id: (c.lat, c.lon) for c in shipped_cities().values()}


def nearest_city_with(session: Session, *, city_id: str, topic_id: str) -> str | None:
    """The city nearest to `city_id` (itself first) with a service point for the topic."""
    centres = _city_centres(session)
    with_points = set(
        session.scalars(
            select(ServicePoint.city_id)
            .join(ServicePointTopic, ServicePointTopic.service_point_id == ServicePoint.id)
            .where(ServicePointTopic.topic_id == topic_id)
            .distinct()
        )
    )
    if city_id in with_points:
        return city_id
    origin = centres.get(city_id)
    if origin is None or not with_points:
        return None
    return min(
        (c for c in with_points if c in centres),
        key=lambda c: haversine_km(*origin, *centres[c]),
        default=None,
    )


def get_eligibility(
    session: Session, *, status: str, topic_id: str | None, language: str
) -> list[EligibilityView]:
    """Rules for a status (and topic), texts in `language` if current, else in French."""
    query = select(EligibilityRule).where(EligibilityRule.status == status)
    if topic_id is not None:
        query = query.where(EligibilityRule.topic_id == topic_id)
    query = query.join(Topic, Topic.id == EligibilityRule.topic_id).order_by(
        Topic.position, Topic.id
    )
    views = []
    for rule in session.scalars(query):
        texts = {t.language: t for t in rule.texts if t.translation_status == "current"}
        text = texts.get(language) or texts.get(SOURCE_LANGUAGE)
        if text is None:
            continue
        views.append(
            EligibilityView(
                status=rule.status,
                topic_id=rule.topic_id,
                entitled=rule.entitled,
                conditions=text.conditions,
                documents=tuple(text.documents),
                where_topic_id=rule.where_topic_id,
                language=text.language,
                requested_language=language,
                uncertain=rule.uncertain,
                verified_at=rule.verified_at,
                sources=_sources(rule.sources),
            )
        )
    return views


def get_emergency_contacts(session: Session, *, language: str) -> list[EmergencyContact]:
    """Emergency numbers in display order, labelled in `language` (else French)."""
    contacts = []
    query = select(EmergencyContactRow).order_by(EmergencyContactRow.position)
    for contact in session.scalars(query):
        labels = {x.language: x for x in contact.labels if x.translation_status == "current"}
        label = labels.get(language) or labels.get(SOURCE_LANGUAGE)
        if label is None:
            continue
        contacts.append(
            EmergencyContact(
                id=contact.id,
                number=contact.number,
                label=label.label,
                note=label.note,
                language=label.language,
                uncertain=contact.uncertain,
                verified_at=contact.verified_at,
            )
        )
    return contacts
