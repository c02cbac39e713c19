"""Import the YAML content into the database and export it back, losslessly."""

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from knowledge.content import ContentError, canonical, load_content, write_content
from knowledge.models import (
    City,
    EligibilityRule,
    EmergencyContactRow,
    ImportBaseline,
    ServicePoint,
    Topic,
)
from knowledge.schema import (
    CityDoc,
    ContentDoc,
    EligibilityDoc,
    EmergencyDoc,
    ServicePointDoc,
    TopicDoc,
)
from knowledge.validate import check_content
from knowledge.writer import (
    city_doc,
    eligibility_doc,
    eligibility_row,
    emergency_doc,
    emergency_row,
    language_rank,
    service_point_doc,
    service_point_row,
    topic_doc,
    topic_translations,
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
        existing.translations = topic_translations(topic_in)

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
        session.add(service_point_row(point_in))
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
        session.add(eligibility_row(rule_in))

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
        session.add(emergency_row(contact_in, position))
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


# --- the live database and the YAML: a three-way merge per item -----------------------------

Items = dict[tuple[str, str], dict[str, Any]]
Prefer = Literal["file", "live"]
# The item does not exist on that side (removed from the YAML, or never in the database).
ABSENT = "(absent)"


@dataclass(frozen=True)
class Conflict:
    """One field of one item changed both in the live database and in the YAML, differently."""

    kind: str
    key: str
    field: str
    live: Any
    file: Any

    @property
    def item(self) -> str:
        """`kind:key`, as written in the audit log."""
        return f"{self.kind}:{self.key}"

    def __str__(self) -> str:
        return f"conflict: {self.item}: {self.field}: live {_shown(self.live)} / file {_shown(self.file)}"


def _shown(value: Any, limit: int = 300) -> str:
    """A value as compact JSON, cut at `limit` characters."""
    text = value if value == ABSENT else json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass
class ImportReport:
    """What an import changed, the conflicts it met and how they were resolved (if at all)."""

    changes: dict[str, int]
    conflicts: list[Conflict] = field(default_factory=list)
    prefer: Prefer | None = None

    @property
    def unresolved(self) -> list[Conflict]:
        """Conflicts left as they are live, to be decided by a person."""
        return [] if self.prefer else self.conflicts


def content_items(doc: ContentDoc) -> Items:
    """The content as items an editor changes one at a time, each a flat JSON document."""
    items: Items = {}
    for topic in doc.topics:
        items["topic", topic.id] = {"position": topic.position}
        for language, translation in topic.translations.items():
            items["topic_translation", f"{topic.id}/{language}"] = translation.model_dump(
                mode="json"
            )
    for city in doc.cities:
        items["city", city.id] = city.model_dump(mode="json")
    for point in doc.service_points:
        items["service_point", point.id] = point.model_dump(mode="json")
    for rule in doc.eligibility:
        items["eligibility", f"{rule.status}/{rule.topic}"] = rule.model_dump(mode="json")
    for position, contact in enumerate(doc.emergency):
        items["emergency", contact.id] = {**contact.model_dump(mode="json"), "position": position}
    return items


def content_from_items(items: Items) -> ContentDoc:
    """The content document made of `items` (the inverse of `content_items`)."""
    translations: dict[str, dict[str, Any]] = {}
    for (kind, key), document in items.items():
        if kind == "topic_translation":
            topic_id, _, language = key.partition("/")
            translations.setdefault(topic_id, {})[language] = document
    topics = [
        TopicDoc(
            id=key,
            position=document["position"],
            translations=dict(
                sorted(translations.get(key, {}).items(), key=lambda x: language_rank(x[0]))
            ),
        )
        for (kind, key), document in items.items()
        if kind == "topic"
    ]
    contacts = sorted(
        (document for (kind, _key), document in items.items() if kind == "emergency"),
        key=lambda d: (d["position"], d["id"]),
    )
    return canonical(
        ContentDoc(
            topics=topics,
            cities=[CityDoc.model_validate(d) for (k, _), d in items.items() if k == "city"],
            service_points=[
                ServicePointDoc.model_validate(d)
                for (k, _), d in items.items()
                if k == "service_point"
            ],
            eligibility=[
                EligibilityDoc.model_validate(d)
                for (k, _), d in items.items()
                if k == "eligibility"
            ],
            emergency=[
                EmergencyDoc.model_validate({k: v for k, v in d.items() if k != "position"})
                for d in contacts
            ],
        )
    )


def _merge_item(
    kind: str,
    key: str,
    base: dict[str, Any] | None,
    live: dict[str, Any],
    file: dict[str, Any],
    prefer: Prefer | None,
) -> tuple[dict[str, Any], list[Conflict]]:
    """Field by field: the side that changed since the base wins; both changed is a conflict."""
    merged: dict[str, Any] = {}
    conflicts: list[Conflict] = []
    for name in dict.fromkeys([*live, *file]):
        live_value, file_value = live.get(name), file.get(name)
        if live_value == file_value:
            merged[name] = live_value
        elif base is not None and live_value == base.get(name):
            merged[name] = file_value
        elif base is not None and file_value == base.get(name):
            merged[name] = live_value
        else:
            conflicts.append(Conflict(kind, key, name, live_value, file_value))
            merged[name] = file_value if prefer == "file" else live_value
    return merged, conflicts


def merge_content(
    *, base: Items, live: Items, file: Items, prefer: Prefer | None = None
) -> tuple[Items, Items, list[Conflict]]:
    """Merge the YAML into the live content; returns (merged items, new baselines, conflicts).

    An item unchanged live since its baseline takes the YAML; an item changed live keeps its
    live fields unless the YAML changed the same field too, which is a conflict. Without
    `prefer` a conflicting item stays entirely as it is live and keeps its old baseline, so
    the conflict is reported again until someone decides.
    """
    merged: Items = {}
    baselines: Items = {}
    conflicts: list[Conflict] = []
    for item in dict.fromkeys([*live, *file]):
        kind, key = item
        live_doc, file_doc, base_doc = live.get(item), file.get(item), base.get(item)
        if live_doc is None:
            if file_doc is not None:
                merged[item], baselines[item] = file_doc, file_doc
            continue
        if file_doc is None:
            if base_doc is None or base_doc == live_doc:
                # Never came from the YAML (kept), or removed from it and not edited since.
                if base_doc is None:
                    merged[item] = live_doc
                continue
            conflict = Conflict(kind, key, "(item)", live_doc, ABSENT)
            conflicts.append(conflict)
            if prefer != "file":
                merged[item] = live_doc
            if prefer is None:
                baselines[item] = base_doc
            continue
        merged_doc, item_conflicts = _merge_item(kind, key, base_doc, live_doc, file_doc, prefer)
        conflicts.extend(item_conflicts)
        if item_conflicts and prefer is None:
            merged[item] = live_doc
            if base_doc is not None:
                baselines[item] = base_doc
        else:
            merged[item], baselines[item] = merged_doc, file_doc
    for kind, key in list(merged):
        # A translation kept live keeps its topic, even if the YAML removed the topic.
        topic_item = ("topic", key.partition("/")[0])
        if kind == "topic_translation" and topic_item not in merged and topic_item in live:
            merged[topic_item] = live[topic_item]
    return merged, baselines, conflicts


def _baselines(session: Session) -> Items:
    """The baseline of every item imported so far."""
    return {(b.kind, b.key): dict(b.document) for b in session.scalars(select(ImportBaseline))}


def _store_baselines(session: Session, baselines: Items) -> None:
    """Replace the stored baselines by `baselines`, touching only those that changed."""
    stored = {(b.kind, b.key): b for b in session.scalars(select(ImportBaseline))}
    for item, row in stored.items():
        if item not in baselines:
            session.delete(row)
        elif row.document != baselines[item]:
            row.document = baselines[item]
    for item, document in baselines.items():
        if item not in stored:
            session.add(ImportBaseline(kind=item[0], key=item[1], document=document))
    session.flush()


def merge_into_live(
    session: Session, doc: ContentDoc, *, prefer: Prefer | None = None
) -> ImportReport:
    """Bring the YAML's changes into the live database without losing what was published there."""
    live = content_items(export_doc(session))
    file = content_items(canonical(doc))
    merged, baselines, conflicts = merge_content(
        base=_baselines(session), live=live, file=file, prefer=prefer
    )
    changes = apply_content(session, content_from_items(merged))
    _store_baselines(session, baselines)
    return ImportReport(changes=changes, conflicts=conflicts, prefer=prefer if conflicts else None)


def import_content(
    session: Session, path: Path, *, strict: bool = True, prefer: Prefer | None = None
) -> ImportReport:
    """Validate the content folder at `path` and merge it into the database (no commit).

    Into an empty database this loads the content as it is. Into a live one it adds what is
    new and applies YAML changes to items nobody changed live; an item changed live and in
    the YAML is a conflict, reported and left live unless `prefer` decides it.
    """
    loaded = load_content(Path(path))
    problems = check_content(loaded) if strict else loaded.errors
    errors = [p for p in problems if p.level == "error"]
    if errors:
        raise ContentError(errors)
    return merge_into_live(session, loaded.doc(), prefer=prefer)


def has_content(session: Session) -> bool:
    """Whether the database already holds published content (then it is the live source)."""
    return session.scalar(select(Topic.id).limit(1)) is not None


__all__ = [
    "Conflict",
    "ContentError",
    "ImportReport",
    "export_content",
    "export_doc",
    "has_content",
    "import_content",
]
