"""The one place that turns content documents into database rows and rows back into documents.

The importer (`dalil kb import`/`export`) and the admin publish path both go through here, so
adding a field to a fact touches the schema, the model, a migration and this module only.
"""

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from knowledge.content import iter_hours
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

LANGUAGE_ORDER = ("fr", "ar", "en", "es")


def language_rank(language: str) -> int:
    """Order languages as fr, ar, en, es, then others."""
    return LANGUAGE_ORDER.index(language) if language in LANGUAGE_ORDER else len(LANGUAGE_ORDER)


def _sources_json(sources: list[SourceDoc]) -> list[dict[str, Any]]:
    return [s.model_dump() for s in sources]


def _sources_doc(raw: list[Any]) -> list[SourceDoc]:
    return [SourceDoc(**s) for s in raw]


def _weekday_sorted(hours: dict[str, list[str]]) -> dict[str, list[str]]:
    """Hours keyed in weekday order, so equal hours compare and export equal."""
    return {day: list(hours[day]) for day in WEEKDAYS if day in hours}


# --- rows -> documents ----------------------------------------------------------------------


def topic_translation_doc(row: TopicTranslation) -> TopicTranslationDoc:
    """A topic translation row as its document."""
    return TopicTranslationDoc(
        status=row.translation_status,  # type: ignore[arg-type]
        verified_at=row.verified_at,
        uncertain=row.uncertain,
        short_answer=row.short_answer,
        details=row.details,
        by_status=dict(row.by_status),
        legal_basis=row.legal_basis,
        sources=_sources_doc(row.sources),
    )


def topic_doc(topic: Topic) -> TopicDoc:
    """A topic row as its YAML document."""
    return TopicDoc(
        id=topic.id,
        position=topic.position,
        translations={
            t.language: topic_translation_doc(t)
            for t in sorted(topic.translations, key=lambda t: language_rank(t.language))
        },
    )


def city_doc(city: City) -> CityDoc:
    """A city row as its YAML document."""
    return CityDoc(
        id=city.id, lat=city.lat, lon=city.lon, names=dict(city.names), aliases=list(city.aliases)
    )


def phone_doc(phone: ServicePointPhone) -> PhoneDoc:
    """A phone row as its document."""
    return PhoneDoc(
        number=phone.number,
        kind=phone.kind,  # type: ignore[arg-type]
        labels={k: phone.labels[k] for k in sorted(phone.labels, key=language_rank)},
        hours=_weekday_sorted(phone.hours),  # type: ignore[arg-type]
        verified_at=phone.verified_at,
        sources=_sources_doc(phone.sources),
    )


def service_point_doc(point: ServicePoint) -> ServicePointDoc:
    """A service point row as its YAML document."""
    hours: dict[str, list[str]] = {}
    for row in sorted(point.hours, key=lambda h: (h.weekday, h.opens)):
        hours.setdefault(WEEKDAYS[row.weekday], []).append(f"{row.opens:%H:%M}-{row.closes:%H:%M}")
    descriptions = sorted(point.descriptions, key=lambda d: language_rank(d.language))
    return ServicePointDoc(
        id=point.id,
        name=point.name,
        organisation=point.organisation,
        city=point.city_id,
        address=point.address,
        lat=point.lat,
        lon=point.lon,
        approximate=point.approximate,
        phones=[phone_doc(p) for p in point.phones],
        email=point.email,
        website=point.website,
        hours=hours,
        topics=sorted(t.topic_id for t in point.topics),
        languages=[lang.language for lang in point.languages],
        serves=sorted(s.status for s in point.serves),
        verified_at=point.verified_at,
        uncertain=point.uncertain,
        sources=_sources_doc(point.sources),
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
        sources=_sources_doc(rule.sources),
        text={
            t.language: EligibilityTextDoc(
                status=t.translation_status,  # type: ignore[arg-type]
                conditions=t.conditions,
                documents=list(t.documents),
            )
            for t in sorted(rule.texts, key=lambda t: language_rank(t.language))
        },
    )


def emergency_doc(contact: EmergencyContactRow) -> EmergencyDoc:
    """An emergency contact row as its YAML document."""
    return EmergencyDoc(
        id=contact.id,
        number=contact.number,
        uncertain=contact.uncertain,
        verified_at=contact.verified_at,
        sources=_sources_doc(contact.sources),
        labels={
            lab.language: EmergencyLabelDoc(
                status=lab.translation_status,  # type: ignore[arg-type]
                label=lab.label,
                note=lab.note,
            )
            for lab in sorted(contact.labels, key=lambda x: language_rank(x.language))
        },
    )


# --- documents -> rows ----------------------------------------------------------------------


def fill_topic_translation(row: TopicTranslation, doc: TopicTranslationDoc) -> TopicTranslation:
    """Write a translation document's fields onto `row` (new or existing)."""
    row.short_answer = doc.short_answer
    row.details = doc.details
    row.by_status = dict(doc.by_status)
    row.legal_basis = doc.legal_basis
    row.sources = _sources_json(doc.sources)
    row.verified_at = doc.verified_at
    row.translation_status = doc.status
    row.uncertain = doc.uncertain
    return row


def topic_translations(doc: TopicDoc) -> list[TopicTranslation]:
    """Translation rows of a topic document."""
    return [
        fill_topic_translation(TopicTranslation(language=language), t)
        for language, t in doc.translations.items()
    ]


def phone_row(doc: PhoneDoc, position: int) -> ServicePointPhone:
    """A phone row from its document."""
    return ServicePointPhone(
        number=doc.number,
        kind=doc.kind,
        labels=dict(doc.labels),
        hours=_weekday_sorted({str(day): list(spans) for day, spans in doc.hours.items()}),
        verified_at=doc.verified_at,
        sources=_sources_json(doc.sources),
        position=position,
    )


def service_point_row(doc: ServicePointDoc) -> ServicePoint:
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
        sources=_sources_json(doc.sources),
    )
    point.phones = [phone_row(p, i) for i, p in enumerate(doc.phones)]
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


def eligibility_row(doc: EligibilityDoc) -> EligibilityRule:
    """An eligibility rule row from its document."""
    rule = EligibilityRule(
        status=doc.status,
        topic_id=doc.topic,
        entitled=doc.entitled,
        where_topic_id=doc.where,
        uncertain=doc.uncertain,
        verified_at=doc.verified_at,
        sources=_sources_json(doc.sources),
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


def emergency_row(doc: EmergencyDoc, position: int) -> EmergencyContactRow:
    """An emergency contact row from its document."""
    contact = EmergencyContactRow(
        id=doc.id,
        number=doc.number,
        position=position,
        uncertain=doc.uncertain,
        verified_at=doc.verified_at,
        sources=_sources_json(doc.sources),
    )
    contact.labels = [
        EmergencyContactLabel(
            language=lang, label=x.label, note=x.note, translation_status=x.status
        )
        for lang, x in doc.labels.items()
    ]
    return contact


# --- writing one published item ---------------------------------------------------------------


def write_topic_translation(
    session: Session, *, topic_id: str, language: str, doc: TopicTranslationDoc
) -> TopicTranslation:
    """Insert or update one topic translation from its document."""
    row = session.scalar(
        select(TopicTranslation).where(
            TopicTranslation.topic_id == topic_id, TopicTranslation.language == language
        )
    )
    if row is None:
        row = TopicTranslation(topic_id=topic_id, language=language)
        session.add(row)
    return fill_topic_translation(row, doc)


def write_service_point(session: Session, doc: ServicePointDoc) -> ServicePoint:
    """Replace (or create) one service point and its children from its document."""
    existing = session.get(ServicePoint, doc.id)
    if existing is not None:
        # Children have no identity of their own: replace them with the point.
        session.delete(existing)
        session.flush()
    point = service_point_row(doc)
    session.add(point)
    return point


def write_eligibility(session: Session, doc: EligibilityDoc) -> EligibilityRule:
    """Replace (or create) one eligibility rule from its document."""
    existing = session.scalar(
        select(EligibilityRule).where(
            EligibilityRule.status == doc.status, EligibilityRule.topic_id == doc.topic
        )
    )
    if existing is not None:
        session.delete(existing)
        session.flush()
    rule = eligibility_row(doc)
    session.add(rule)
    return rule
