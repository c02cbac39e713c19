"""An editor's published change becomes a proposed alert, in the four languages, for review."""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from dalil.clock import utcnow
from dalil.i18n import isolate
from dalil.languages import LANGUAGES, SOURCE_LANGUAGE
from gateway.alerts import texts
from gateway.alerts.models import Alert
from knowledge.repository import get_topic_answer

log = logging.getLogger(__name__)


def _first_source(document: dict[str, Any] | None) -> str | None:
    sources = (document or {}).get("sources") or []
    if sources and isinstance(sources[0], dict):
        title, url = sources[0].get("title"), sources[0].get("url")
        return " ".join(str(p) for p in (title, url) if p) or None
    return None


def _changed_fields(before: dict[str, Any] | None, after: dict[str, Any] | None) -> bool:
    return (before or {}) != (after or {})


def propose_alerts(session: Session, revision: Any) -> list[Alert]:
    """Proposed alerts for a published revision: the topic's, or one per topic of a service
    point (its subscribers in that city, and those of the topic everywhere)."""
    if not _changed_fields(revision.before, revision.after):
        return []
    after: dict[str, Any] = revision.after or {}
    if revision.kind == "topic_translation":
        if revision.language != SOURCE_LANGUAGE:
            return []  # a translation catching up with the French is not a change of the facts
        return [_propose(session, revision, after, revision.entity_id, "")]
    city = str(after.get("city") or "")
    return [_propose(session, revision, after, str(t), city) for t in after.get("topics") or []]


def _propose(
    session: Session, revision: Any, after: dict[str, Any], topic: str, city: str
) -> Alert:
    today = date.today()
    alert = Alert(
        kind="change",
        status="proposed",
        topic=topic,
        city=city or None,
        languages=[],
        channels=[],
        texts={},
        source=_first_source(after),
        changed_on=today.isoformat(),
        revision_id=revision.id,
        created_by=revision.published_by,
        created_at=utcnow(),
    )
    alert.texts = draft_texts(session, alert, after)
    session.add(alert)
    session.flush()
    return alert


def _fact(session: Session, language: str, topic: str, after: dict[str, Any]) -> str:
    """The changed fact in `language`: the topic's short answer, or the service point's line."""
    if "short_answer" in after:
        answer = get_topic_answer(session, topic_id=topic, language=language)
        return answer.short_answer if answer is not None else str(after["short_answer"])
    parts = [str(after.get("name") or ""), str(after.get("address") or "")]
    phones = [p.get("number") if isinstance(p, dict) else p for p in after.get("phones") or []]
    if phones:
        parts.append(", ".join(isolate(str(p), language) for p in phones if p))
    return " — ".join(p for p in parts if p)


def draft_texts(session: Session, alert: Alert, after: dict[str, Any]) -> dict[str, str]:
    """The texts an admin reviews: full (WhatsApp, Telegram, web), SMS, template parameters."""
    topic, city = alert.topic or "", alert.city or ""
    changed = date.fromisoformat(alert.changed_on) if alert.changed_on else date.today()
    drafted: dict[str, str] = {}
    for language in LANGUAGES:
        fact = _fact(session, language, topic, after)
        drafted[language] = texts.alert_text(
            language, topic=topic, city=city, fact=fact, source=alert.source, changed_on=changed
        )
        drafted[f"sms:{language}"] = texts.sms_text(
            language, topic=topic, city=city, changed_on=changed
        )
        drafted[f"template:{language}"] = "\n".join(
            texts.template_parameters(language, topic=topic, city=city, changed_on=changed)
        )
    return drafted


def proposed_after_publish(session: Session, revision: Any) -> None:
    """The publish path's hook: propose an alert; never stops the publication."""
    try:
        with session.begin_nested():
            propose_alerts(session, revision)
    except Exception:
        # An alert is only a proposal: the published change stands without it.
        log.exception("alert not proposed")
