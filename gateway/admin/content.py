"""Drafts, publication, revisions and rollback of knowledge-base content."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dalil.languages import LANGUAGES, SOURCE_LANGUAGE
from gateway.admin.audit import audit
from gateway.admin.models import (
    PENDING_DRAFT_STATUSES,
    AdminUser,
    Draft,
    DraftStatus,
    Revision,
    utcnow,
)
from gateway.admin.security import Permission, allowed
from gateway.alerts.proposals import proposed_after_publish
from knowledge.content import dump_yaml, iter_hours
from knowledge.models import City, ServicePoint, Topic, TopicTranslation
from knowledge.schema import (
    STATUSES,
    TOPICS,
    EligibilityDoc,
    ServicePointDoc,
    SourceDoc,
    TopicTranslationDoc,
)
from knowledge.validate import valid_e164, valid_url
from knowledge.writer import (
    service_point_doc,
    topic_translation_doc,
    write_eligibility,
    write_service_point,
    write_topic_translation,
)

TOPIC_TRANSLATION = "topic_translation"
SERVICE_POINT = "service_point"


class ContentProblem(ValueError):
    """An edit that cannot be saved or published; the message says what to fix."""


class NotAllowed(PermissionError):
    """The user's role or the draft's state does not allow this step."""


# --- published documents ---------------------------------------------------------------------


def published_topic_translation(
    session: Session, *, topic_id: str, language: str
) -> dict[str, Any] | None:
    """The published translation of a topic as a JSON document, or None."""
    row = session.scalar(
        select(TopicTranslation).where(
            TopicTranslation.topic_id == topic_id, TopicTranslation.language == language
        )
    )
    return None if row is None else topic_translation_doc(row).model_dump(mode="json")


def published_service_point(session: Session, *, point_id: str) -> dict[str, Any] | None:
    """The published service point as a JSON document, or None."""
    point = session.get(ServicePoint, point_id)
    return None if point is None else service_point_doc(point).model_dump(mode="json")


def published(
    session: Session, *, kind: str, entity_id: str, language: str | None
) -> dict[str, Any] | None:
    """The published document a draft of `kind` edits."""
    if kind == TOPIC_TRANSLATION:
        return published_topic_translation(session, topic_id=entity_id, language=language or "")
    return published_service_point(session, point_id=entity_id)


# --- validation ------------------------------------------------------------------------------


def _errors(exc: ValidationError) -> str:
    return "; ".join(
        f"{'.'.join(str(p) for p in e['loc']) or 'document'}: {e['msg']}" for e in exc.errors()
    )


def validate(
    session: Session, *, kind: str, entity_id: str, language: str | None, payload: dict[str, Any]
) -> dict[str, Any]:
    """The payload checked against the content schema and our rules; raises ContentProblem."""
    if kind == TOPIC_TRANSLATION:
        if entity_id not in TOPICS or session.get(Topic, entity_id) is None:
            raise ContentProblem(f"unknown topic {entity_id!r}")
        if language not in LANGUAGES:
            raise ContentProblem(f"unknown language {language!r}")
        try:
            topic_doc = TopicTranslationDoc.model_validate(payload)
        except ValidationError as exc:
            raise ContentProblem(_errors(exc)) from exc
        if not topic_doc.short_answer.strip():
            raise ContentProblem("short_answer: must not be empty")
        if len(topic_doc.short_answer) > 600:
            raise ContentProblem("short_answer: at most 600 characters")
        unknown = set(topic_doc.by_status) - set(STATUSES)
        if unknown:
            raise ContentProblem(f"by_status: unknown status {sorted(unknown)}")
        _check_sources(topic_doc.sources)
        return topic_doc.model_dump(mode="json")
    if kind != SERVICE_POINT:
        raise ContentProblem(f"unknown kind {kind!r}")
    try:
        point = ServicePointDoc.model_validate(payload)
    except ValidationError as exc:
        raise ContentProblem(_errors(exc)) from exc
    if point.id != entity_id:
        raise ContentProblem("id: cannot be changed")
    if session.get(City, point.city) is None:
        raise ContentProblem(f"city: unknown city {point.city!r}")
    for index, phone in enumerate(point.phones):
        if not valid_e164(phone.number):
            raise ContentProblem(
                f"phones.{index}: {phone.number!r} is not a valid number in E.164 (+212…)"
            )
    try:
        list(iter_hours(point.hours))
    except ValueError as exc:
        raise ContentProblem(f"hours: {exc}") from exc
    unknown_topics = set(point.topics) - set(TOPICS)
    if unknown_topics:
        raise ContentProblem(f"topics: unknown {sorted(unknown_topics)}")
    unknown_statuses = set(point.serves) - set(STATUSES)
    if unknown_statuses:
        raise ContentProblem(f"serves: unknown {sorted(unknown_statuses)}")
    if point.website and not valid_url(point.website):
        raise ContentProblem("website: not an https URL")
    _check_sources(point.sources)
    return point.model_dump(mode="json")


def _check_sources(sources: list[SourceDoc]) -> None:
    for index, source in enumerate(sources):
        if not valid_url(source.url):
            raise ContentProblem(f"sources.{index}: {source.url!r} is not an https URL")


# --- drafts ----------------------------------------------------------------------------------


def create_draft(
    session: Session,
    *,
    user: AdminUser,
    kind: str,
    entity_id: str,
    language: str | None,
    payload: dict[str, Any],
    note: str = "",
) -> Draft:
    """Save an edit as a draft; nothing changes for users yet."""
    if kind == SERVICE_POINT:
        language = None
    clean = validate(session, kind=kind, entity_id=entity_id, language=language, payload=payload)
    draft = Draft(
        kind=kind,
        entity_id=entity_id,
        language=language,
        payload=clean,
        base_payload=published(session, kind=kind, entity_id=entity_id, language=language),
        note=note,
        status=DraftStatus.DRAFT,
        author_id=user.id,
    )
    session.add(draft)
    session.flush()
    return draft


def update_draft(
    session: Session, draft: Draft, *, user: AdminUser, payload: dict[str, Any], note: str
) -> Draft:
    """Change a draft that is not submitted yet (its author or an admin)."""
    if draft.status != DraftStatus.DRAFT:
        raise NotAllowed("only a draft that is not submitted can be changed")
    if draft.author_id != user.id and not allowed(user.role, Permission.EDIT_ANY_DRAFT):
        raise NotAllowed("only the author or an admin can change a draft")
    draft.payload = validate(
        session,
        kind=draft.kind,
        entity_id=draft.entity_id,
        language=draft.language,
        payload=payload,
    )
    draft.note = note
    draft.updated_at = utcnow()
    return draft


def submit_draft(draft: Draft, *, user: AdminUser) -> Draft:
    """Send a draft to the admins for review."""
    if draft.status != DraftStatus.DRAFT:
        raise NotAllowed(f"a {draft.status} draft cannot be submitted")
    if draft.author_id != user.id and not allowed(user.role, Permission.EDIT_ANY_DRAFT):
        raise NotAllowed("only the author or an admin can submit a draft")
    draft.status = DraftStatus.SUBMITTED
    draft.submitted_at = utcnow()
    return draft


def reject_draft(draft: Draft, *, user: AdminUser) -> Draft:
    """Send a submitted draft back: it stays visible, unpublished."""
    if not allowed(user.role, Permission.PUBLISH):
        raise NotAllowed("only an admin can reject a draft")
    if draft.status != DraftStatus.SUBMITTED:
        raise NotAllowed(f"a {draft.status} draft cannot be rejected")
    draft.status = DraftStatus.REJECTED
    draft.reviewed_by = user.id
    draft.reviewed_at = utcnow()
    return draft


def publish_draft(session: Session, draft: Draft, *, user: AdminUser) -> Revision:
    """Apply a submitted draft to the knowledge base and record the revision."""
    if not allowed(user.role, Permission.PUBLISH):
        raise NotAllowed("only an admin can publish")
    if draft.status != DraftStatus.SUBMITTED:
        raise NotAllowed(f"a {draft.status} draft cannot be published; submit it first")
    clean = validate(
        session,
        kind=draft.kind,
        entity_id=draft.entity_id,
        language=draft.language,
        payload=draft.payload,
    )
    revision = _apply_and_record(
        session,
        kind=draft.kind,
        entity_id=draft.entity_id,
        language=draft.language,
        document=clean,
        publisher=user,
        author_id=draft.author_id,
        draft_id=draft.id,
        note=draft.note,
    )
    proposed_after_publish(session, revision)
    draft.status = DraftStatus.PUBLISHED
    draft.reviewed_by = user.id
    draft.reviewed_at = revision.published_at
    return revision


def rollback(session: Session, revision: Revision, *, user: AdminUser) -> Revision:
    """Put back what `revision` replaced, as a new revision (history is never rewritten)."""
    if not allowed(user.role, Permission.PUBLISH):
        raise NotAllowed("only an admin can roll back")
    if revision.before is None:
        raise NotAllowed("this revision created the content; there is nothing to go back to")
    return _apply_and_record(
        session,
        kind=revision.kind,
        entity_id=revision.entity_id,
        language=revision.language,
        document=revision.before,
        publisher=user,
        author_id=user.id,
        draft_id=None,
        note=f"rollback of revision {revision.id}",
        rollback_of=revision.id,
    )


def _apply_and_record(
    session: Session,
    *,
    kind: str,
    entity_id: str,
    language: str | None,
    document: dict[str, Any],
    publisher: AdminUser,
    author_id: int | None,
    draft_id: int | None,
    note: str,
    rollback_of: int | None = None,
) -> Revision:
    before = published(session, kind=kind, entity_id=entity_id, language=language)
    if kind == TOPIC_TRANSLATION:
        _apply_topic_translation(
            session, topic_id=entity_id, language=language or "", document=document
        )
    else:
        _apply_service_point(session, document=document)
    session.flush()
    revision = Revision(
        kind=kind,
        entity_id=entity_id,
        language=language,
        before=before,
        after=published(session, kind=kind, entity_id=entity_id, language=language) or document,
        draft_id=draft_id,
        author_id=author_id,
        published_by=publisher.id,
        published_at=utcnow(),
        rollback_of=rollback_of,
        note=note,
    )
    session.add(revision)
    session.flush()
    return revision


def _apply_topic_translation(
    session: Session, *, topic_id: str, language: str, document: dict[str, Any]
) -> None:
    doc = TopicTranslationDoc.model_validate(document)
    row = session.scalar(
        select(TopicTranslation).where(
            TopicTranslation.topic_id == topic_id, TopicTranslation.language == language
        )
    )
    old_source = (
        None
        if row is None
        else (row.short_answer, row.details, dict(row.by_status or {}), row.legal_basis)
    )
    # A published edit is reviewed text: it is current in its own language.
    write_topic_translation(
        session,
        topic_id=topic_id,
        language=language,
        doc=doc.model_copy(update={"status": "current"}),
    )
    changed = old_source != (doc.short_answer, doc.details, dict(doc.by_status), doc.legal_basis)
    if language == SOURCE_LANGUAGE and changed:
        # The translations no longer say what the French says: never show them as current.
        for other in session.scalars(
            select(TopicTranslation).where(
                TopicTranslation.topic_id == topic_id,
                TopicTranslation.language != SOURCE_LANGUAGE,
                TopicTranslation.translation_status == "current",
            )
        ):
            other.translation_status = "outdated"


def _apply_service_point(session: Session, *, document: dict[str, Any]) -> None:
    doc = ServicePointDoc.model_validate(document)
    existing = session.get(ServicePoint, doc.id)
    statuses = dict(doc.translation_status)
    if existing is not None:
        old = {d.language: d.text for d in existing.descriptions}
        if old.get(SOURCE_LANGUAGE) != doc.description.get(SOURCE_LANGUAGE):
            # A new French description makes the unchanged translations outdated.
            for lang, text in doc.description.items():
                if lang != SOURCE_LANGUAGE and old.get(lang) == text:
                    statuses[lang] = "outdated"
    write_service_point(session, doc.model_copy(update={"translation_status": statuses}))


def publish_eligibility(
    session: Session, *, document: dict[str, Any], user: AdminUser, ip: str = ""
) -> None:
    """Publish an eligibility rule (admins only); a rule without a source is refused."""
    if not allowed(user.role, Permission.PUBLISH):
        raise NotAllowed("only an admin can publish")
    try:
        rule = EligibilityDoc.model_validate(document)
    except ValidationError as exc:
        raise ContentProblem(_errors(exc)) from exc
    if not rule.sources:
        raise ContentProblem(
            "sources: an eligibility rule without a source cannot be published; "
            "add the exact page that states it"
        )
    _check_sources(rule.sources)
    if session.get(Topic, rule.topic) is None or rule.status not in STATUSES:
        raise ContentProblem(f"unknown status or topic: {rule.status}/{rule.topic}")
    write_eligibility(session, rule)
    session.flush()
    audit(
        session,
        actor=user,
        action="kb_publish_eligibility",
        target=f"eligibility:{rule.status}/{rule.topic}",
        ip=ip,
    )


# --- history and status ----------------------------------------------------------------------


def as_yaml(document: dict[str, Any] | None) -> str:
    """A document as the YAML reviewers know from `knowledge/content/`."""
    return "" if document is None else dump_yaml(document)


def diff(before: dict[str, Any] | None, after: dict[str, Any] | None) -> list[str]:
    """A unified diff of two documents' YAML, line by line."""
    return list(
        difflib.unified_diff(
            as_yaml(before).splitlines(),
            as_yaml(after).splitlines(),
            fromfile="published",
            tofile="proposed",
            lineterm="",
        )
    )


@dataclass
class TopicStatus:
    """A topic's translation status in every language, and its pending drafts."""

    topic_id: str
    statuses: dict[str, str]
    pending: int = 0
    updated: dict[str, Any] = field(default_factory=dict)


def translation_matrix(session: Session) -> list[TopicStatus]:
    """Every topic with its status per language (current, outdated, missing)."""
    pending = dict(
        session.execute(
            select(Draft.entity_id, func.count())
            .where(Draft.kind == TOPIC_TRANSLATION, Draft.status.in_(PENDING_DRAFT_STATUSES))
            .group_by(Draft.entity_id)
        ).all()
    )
    rows = []
    for topic in session.scalars(select(Topic).order_by(Topic.position, Topic.id)):
        present = {t.language: t.translation_status for t in topic.translations}
        rows.append(
            TopicStatus(
                topic_id=topic.id,
                statuses={lang: present.get(lang, "missing") for lang in LANGUAGES},
                pending=int(pending.get(topic.id, 0)),
            )
        )
    return rows
