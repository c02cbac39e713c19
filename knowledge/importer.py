"""Import the YAML content into the database and export it back, losslessly."""

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from knowledge.content import ContentError, canonical, iter_hours, load_content, write_content
from knowledge.models import (
    City,
    EligibilityRule,
    EligibilityText,
    EmergencyContactLabel,
    EmergencyContactRow,
    OpeningHoursRow,
    ServicePoint,
    ServicePointDescription,
    ServicePointLanguage,
    ServicePointPhone,
    ServicePointStatus,
    ServicePointTopic,
    Topic,
    TopicTranslation,
)
from knowledge.opening import WEEKDAYS
from knowledge.schema import (
    CityDoc,
    ContentDoc,
    EligibilityDoc,
    EligibilityTextDoc,
    EmergencyDoc,
    EmergencyLabelDoc,
    PhoneDoc,
    ServicePointDoc,
    SourceDoc,
    TopicDoc,
    TopicTranslationDoc,
)
from knowledge.validate import check_content

# --- database rows -> documents -------------------------------------------------------------


def topic_doc(topic: Topic) -> TopicDoc:
    """A topic row as its YAML document."""
    return TopicDoc(
        id=topic.id,
        position=topic.position,
        translations={
            t.language: TopicTranslationDoc(
                status=t.translation_status,  # type: ignore[arg-type]
                verified_at=t.verified_at,
                uncertain=t.uncertain,
                short_answer=t.short_answer,
                details=t.details,
                by_status=dict(t.by_status),
                legal_basis=t.legal_basis,
                sources=[SourceDoc(**s) for s in t.sources],
            )
            for t in sorted(topic.translations, key=lambda t: _language_rank(t.language))
        },
    )


def _language_rank(language: str) -> int:
    """Order languages as fr, ar, en, es, then others."""
    order = ("fr", "ar", "en", "es")
    return order.index(language) if language in order else len(order)


def city_doc(city: City) -> CityDoc:
    """A city row as its YAML document."""
    return CityDoc(
        id=city.id, lat=city.lat, lon=city.lon, names=dict(city.names), aliases=list(city.aliases)
    )


def service_point_doc(point: ServicePoint) -> ServicePointDoc:
    """A service point row as its YAML document."""
    hours: dict[str, list[str]] = {}
    for row in sorted(point.hours, key=lambda h: (h.weekday, h.opens)):
        hours.setdefault(WEEKDAYS[row.weekday], []).append(f"{row.opens:%H:%M}-{row.closes:%H:%M}")
    descriptions = sorted(point.descriptions, key=lambda d: _language_rank(d.language))
    return ServicePointDoc(
        id=point.id,
        name=point.name,
        organisation=point.organisation,
        city=point.city_id,
        address=point.address,
        lat=point.lat,
        lon=point.lon,
        approximate=point.approximate,
        phones=[
            PhoneDoc(number=p.number, kind=p.kind, label=p.label)  # type: ignore[arg-type]
            for p in point.phones
        ],
        email=point.email,
        website=point.website,
        hours=hours,
        topics=sorted(t.topic_id for t in point.topics),
        languages=[lang.language for lang in point.languages],
        serves=sorted(s.status for s in point.serves),
        verified_at=point.verified_at,
        uncertain=point.uncertain,
        sources=[SourceDoc(**s) for s in point.sources],
        description={d.language: d.text for d in descriptions},
        translation_status={
            d.language: d.translation_status  # type: ignore[misc]
            for d in descriptions
            if d.translation_status != "current"
        },
    )


def eligibility_doc(rule: EligibilityRule) -> EligibilityDoc:
    """An eligibility rule row as its YAML document."""
    return EligibilityDoc(
        status=rule.status,
        topic=rule.topic_id,
        entitled=rule.entitled,  # type: ignore[arg-type]
        where=rule.where_topic_id,
        uncertain=rule.uncertain,
        verified_at=rule.verified_at,
        text={
            t.language: EligibilityTextDoc(
                status=t.translation_status,  # type: ignore[arg-type]
                conditions=t.conditions,
                documents=list(t.documents),
            )
            for t in sorted(rule.texts, key=lambda t: _language_rank(t.language))
        },
    )


def emergency_doc(contact: EmergencyContactRow) -> EmergencyDoc:
    """An emergency contact row as its YAML document."""
    return EmergencyDoc(
        id=contact.id,
        number=contact.number,
        uncertain=contact.uncertain,
        verified_at=contact.verified_at,
        sources=[SourceDoc(**s) for s in contact.sources],
        labels={
            lab.language: EmergencyLabelDoc(
                status=lab.translation_status,  # type: ignore[arg-type]
                label=lab.label,
                note=lab.note,
            )
            for lab in sorted(contact.labels, key=lambda x: _language_rank(x.language))
        },
    )


def export_doc(session: Session) -> ContentDoc:
    """The whole database as one canonical content document."""
    return canonical(
        ContentDoc(
            topics=[topic_doc(t) for t in session.scalars(select(Topic))],
            cities=[city_doc(c) for c in session.scalars(select(City))],
            service_points=[service_point_doc(p) for p in session.scalars(select(ServicePoint))],
            eligibility=[eligibility_doc(r) for r in session.scalars(select(EligibilityRule))],
            emergency=[
                emergency_doc(c)
                for c in session.scalars(
                    select(EmergencyContactRow).order_by(EmergencyContactRow.position)
                )
            ],
        )
    )


def export_content(session: Session, path: Path) -> list[Path]:
    """Write the database as a content folder at `path`; returns the files written."""
    return write_content(export_doc(session), Path(path))


# --- documents -> database rows -------------------------------------------------------------


def _translations(doc: TopicDoc) -> list[TopicTranslation]:
    """Translation rows of a topic document."""
    return [
        TopicTranslation(
            language=language,
            short_answer=t.short_answer,
            details=t.details,
            by_status=dict(t.by_status),
            legal_basis=t.legal_basis,
            sources=[s.model_dump() for s in t.sources],
            verified_at=t.verified_at,
            translation_status=t.status,
            uncertain=t.uncertain,
        )
        for language, t in doc.translations.items()
    ]


def _service_point(doc: ServicePointDoc) -> ServicePoint:
    """A service point row (with its children) from its document."""
    point = ServicePoint(
        id=doc.id,
        name=doc.name,
        organisation=doc.organisation,
        city_id=doc.city,
        address=doc.address,
        lat=doc.lat,
        lon=doc.lon,
        approximate=doc.approximate,
        email=doc.email,
        website=doc.website,
        verified_at=doc.verified_at,
        uncertain=doc.uncertain,
        sources=[s.model_dump() for s in doc.sources],
    )
    point.phones = [
        ServicePointPhone(number=p.number, kind=p.kind, label=p.label, position=i)
        for i, p in enumerate(doc.phones)
    ]
    point.hours = [
        OpeningHoursRow(weekday=WEEKDAYS.index(day), opens=opens, closes=closes)
        for day, _text, opens, closes in iter_hours(doc.hours)
    ]
    point.topics = [ServicePointTopic(topic_id=t) for t in doc.topics]
    point.languages = [
        ServicePointLanguage(language=lang, position=i) for i, lang in enumerate(doc.languages)
    ]
    point.serves = [ServicePointStatus(status=s) for s in doc.serves]
    point.descriptions = [
        ServicePointDescription(
            language=lang, text=text, translation_status=doc.translation_status.get(lang, "current")
        )
        for lang, text in doc.description.items()
    ]
    return point


def _eligibility(doc: EligibilityDoc) -> EligibilityRule:
    """An eligibility rule row from its document."""
    rule = EligibilityRule(
        status=doc.status,
        topic_id=doc.topic,
        entitled=doc.entitled,
        where_topic_id=doc.where,
        uncertain=doc.uncertain,
        verified_at=doc.verified_at,
    )
    rule.texts = [
        EligibilityText(
            language=lang,
            conditions=t.conditions,
            documents=list(t.documents),
            translation_status=t.status,
        )
        for lang, t in doc.text.items()
    ]
    return rule


def _emergency(doc: EmergencyDoc, position: int) -> EmergencyContactRow:
    """An emergency contact row from its document."""
    contact = EmergencyContactRow(
        id=doc.id,
        number=doc.number,
        position=position,
        uncertain=doc.uncertain,
        verified_at=doc.verified_at,
        sources=[s.model_dump() for s in doc.sources],
    )
    contact.labels = [
        EmergencyContactLabel(
            language=lang, label=x.label, note=x.note, translation_status=x.status
        )
        for lang, x in doc.labels.items()
    ]
    return contact


def apply_content(session: Session, doc: ContentDoc) -> dict[str, int]:
    """Make the database equal to `doc`, touching only what differs; returns change counts."""
    doc = canonical(doc)
    changes = {"topics": 0, "cities": 0, "service_points": 0, "eligibility": 0, "emergency": 0}

    topics = {t.id: t for t in session.scalars(select(Topic))}
    for topic_in in doc.topics:
        existing = topics.get(topic_in.id)
        if existing is not None and topic_doc(existing) == topic_in:
            continue
        changes["topics"] += 1
        if existing is None:
            existing = Topic(id=topic_in.id)
            session.add(existing)
        existing.position = topic_in.position
        # Replace the translations wholesale: they have no identity beyond (topic, language).
        existing.translations = []
        session.flush()
        existing.translations = _translations(topic_in)

    cities = {c.id: c for c in session.scalars(select(City))}
    for city_in in doc.cities:
        existing_city = cities.get(city_in.id)
        if existing_city is not None and city_doc(existing_city) == city_in:
            continue
        changes["cities"] += 1
        if existing_city is None:
            existing_city = City(id=city_in.id)
            session.add(existing_city)
        existing_city.lat, existing_city.lon = city_in.lat, city_in.lon
        existing_city.names, existing_city.aliases = dict(city_in.names), list(city_in.aliases)
    session.flush()

    points = {p.id: p for p in session.scalars(select(ServicePoint))}
    wanted_points = {p.id for p in doc.service_points}
    for point_id, point in points.items():
        if point_id not in wanted_points:
            changes["service_points"] += 1
            session.delete(point)
    for point_in in doc.service_points:
        existing_point = points.get(point_in.id)
        if existing_point is not None and service_point_doc(existing_point) == point_in:
            continue
        changes["service_points"] += 1
        if existing_point is not None:
            session.delete(existing_point)
            session.flush()
        session.add(_service_point(point_in))
    session.flush()

    rules = {(r.status, r.topic_id): r for r in session.scalars(select(EligibilityRule))}
    wanted_rules = {(r.status, r.topic): r for r in doc.eligibility}
    for key, rule in rules.items():
        rule_in = wanted_rules.get(key)
        if rule_in is not None and eligibility_doc(rule) == rule_in:
            continue
        changes["eligibility"] += 1
        session.delete(rule)
    session.flush()
    for key, rule_in in wanted_rules.items():
        if key in rules and eligibility_doc(rules[key]) == rule_in:
            continue
        if key not in rules:
            changes["eligibility"] += 1
        session.add(_eligibility(rule_in))

    contacts = {c.id: c for c in session.scalars(select(EmergencyContactRow))}
    wanted_contacts = {c.id: (i, c) for i, c in enumerate(doc.emergency)}
    for contact_id, contact in contacts.items():
        wanted = wanted_contacts.get(contact_id)
        if (
            wanted is not None
            and contact.position == wanted[0]
            and emergency_doc(contact) == wanted[1]
        ):
            continue
        changes["emergency"] += 1
        session.delete(contact)
    session.flush()
    for contact_id, (position, contact_in) in wanted_contacts.items():
        old = contacts.get(contact_id)
        if old is not None and old.position == position and emergency_doc(old) == contact_in:
            continue
        if old is None:
            changes["emergency"] += 1
        session.add(_emergency(contact_in, position))
    session.flush()

    # Topics and cities go last: service points and rules may still have pointed at them.
    wanted_topics = {t.id for t in doc.topics}
    for topic_id, topic in topics.items():
        if topic_id not in wanted_topics:
            changes["topics"] += 1
            session.delete(topic)
    wanted_cities = {c.id for c in doc.cities}
    for city_id, city in cities.items():
        if city_id not in wanted_cities:
            changes["cities"] += 1
            session.delete(city)
    session.flush()
    return changes


def import_content(session: Session, path: Path, *, strict: bool = True) -> dict[str, int]:
    """Validate the content folder at `path` and make the database match it (no commit)."""
    loaded = load_content(Path(path))
    problems = check_content(loaded) if strict else loaded.errors
    errors = [p for p in problems if p.level == "error"]
    if errors:
        raise ContentError(errors)
    return apply_content(session, loaded.doc())


__all__ = ["ContentError", "export_content", "export_doc", "import_content"]
