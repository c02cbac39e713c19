"""What a person of a given status can get, and where to go in their city, in one language."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from dalil.i18n import gettext, status_title, topic_title
from knowledge.cities import city_name
from knowledge.opening import hours_text
from knowledge.repository import (
    EligibilityView,
    ServicePointView,
    find_service_points,
    get_eligibility,
    get_topic_answer,
    nearest_city_with,
)

POINTS_PER_NEED = 3


@dataclass(frozen=True)
class Place:
    """A service point as the sheet shows it."""

    name: str
    address: str
    city_id: str
    phones: tuple[str, ...]
    hours: str
    description: str


@dataclass(frozen=True)
class Entitlement:
    """One need: whether the status gives access, on which conditions, with which documents."""

    topic_id: str
    title: str
    entitled: str
    summary: str
    conditions: str
    documents: tuple[str, ...]
    places: tuple[Place, ...]
    # Set when the city has no service point for this need and another city's are shown.
    places_city: str | None
    language: str
    uncertain: bool


@dataclass(frozen=True)
class Sheet:
    """Everything the checker shows for (status, city, language[, need])."""

    status: str
    city_id: str
    language: str
    entitlements: list[Entitlement] = field(default_factory=list)


def _place(point: ServicePointView, language: str) -> Place:
    text, _used = point.description(language)
    return Place(
        name=point.name,
        address=point.address,
        city_id=point.city_id,
        phones=tuple(p.number for p in point.phones),
        hours=hours_text(point.hours, language),
        description=text,
    )


def _entitlement(
    session: Session, rule: EligibilityView, *, city_id: str, language: str
) -> Entitlement:
    where = rule.where_topic_id or rule.topic_id
    points = find_service_points(session, city_id=city_id, topic_id=where, limit=POINTS_PER_NEED)
    places_city = None
    if not points:
        other = nearest_city_with(session, city_id=city_id, topic_id=where)
        if other and other != city_id:
            points = find_service_points(
                session, city_id=other, topic_id=where, limit=POINTS_PER_NEED
            )
            places_city = other
    answer = get_topic_answer(session, topic_id=rule.topic_id, language=language)
    summary = ""
    if answer is not None:
        summary = answer.by_status.get(rule.status) or answer.short_answer
    return Entitlement(
        topic_id=rule.topic_id,
        title=topic_title(language, rule.topic_id),
        entitled=rule.entitled,
        summary=summary,
        conditions=rule.conditions,
        documents=rule.documents,
        places=tuple(_place(p, language) for p in points),
        places_city=places_city,
        language=rule.language,
        uncertain=rule.uncertain,
    )


def entitlement_sheet(
    session: Session, *, status: str, city_id: str, language: str, need: str | None = None
) -> Sheet:
    """The entitlements of `status` (for one need, or all), with service points in `city_id`."""
    rules = get_eligibility(session, status=status, topic_id=need, language=language)
    return Sheet(
        status=status,
        city_id=city_id,
        language=language,
        entitlements=[_entitlement(session, r, city_id=city_id, language=language) for r in rules],
    )


def entitled_label(language: str, entitled: str) -> str:
    """ "Yes", "No" or "Under conditions", in `language`."""
    labels = {
        # Translators: on the staff's entitlement sheet: the person has this right.
        "yes": gettext(language, "Yes"),
        # Translators: on the staff's entitlement sheet: the person does not have this right.
        "no": gettext(language, "No"),
        # Translators: on the staff's entitlement sheet: the right depends on conditions.
        "conditional": gettext(language, "Under conditions"),
    }
    return labels.get(entitled, entitled)


def share_text(sheet: Sheet) -> str:
    """The sheet as short plain text to paste into WhatsApp (no markup, one line per fact)."""
    lang = sheet.language
    lines = [
        f"*{status_title(lang, sheet.status)} — {city_name(sheet.city_id, lang)}*",
    ]
    for item in sheet.entitlements:
        lines.append("")
        lines.append(f"*{item.title}*: {entitled_label(lang, item.entitled)}")
        if item.conditions:
            lines.append(item.conditions)
        if item.documents:
            # Translators: heading of the list of documents on the shared entitlement text.
            lines.append(gettext(lang, "Documents:") + " " + "; ".join(item.documents))
        for place in item.places[:2]:
            phone = f" {place.phones[0]}" if place.phones else ""
            lines.append(f"- {place.name}, {place.address}{phone}")
    return "\n".join(lines).strip()
