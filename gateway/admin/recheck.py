"""The editors' "to re-check" list and their "confirmed today" action.

A fact is on the list when it is unverified, older than the configured age or one of its
sources says to re-check it; the facts people read most in the last 30 days come first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from gateway.admin.audit import audit
from gateway.admin.models import AdminUser
from knowledge.models import (
    EligibilityRule,
    EmergencyContactRow,
    ServicePoint,
    ServicePointPhone,
    TopicTranslation,
)
from knowledge.schema import SourceDoc
from knowledge.served import served_counts
from knowledge.staleness import Freshness, freshness

SERVED_WINDOW_DAYS = 30
KINDS = ("topic_translation", "service_point", "phone", "eligibility", "emergency")


class UnknownFact(LookupError):
    """No fact of that kind and key."""


@dataclass(frozen=True)
class RecheckItem:
    """A fact to check again, and how often users were shown it lately."""

    kind: str
    key: str
    title: str
    verified_at: date | None
    state: Freshness
    served: int
    # Where an editor corrects it in the admin pages, if it has an edit page.
    edit_url: str | None = None


def _facts(session: Session) -> list[tuple[str, str, str, Any, str | None]]:
    """Every fact: (kind, key, title, row, edit url); a phone counts as served with its point."""
    facts: list[tuple[str, str, str, Any, str | None]] = []
    for t in session.scalars(select(TopicTranslation)):
        facts.append(
            (
                "topic_translation",
                f"{t.topic_id}/{t.language}",
                f"{t.topic_id} ({t.language})",
                t,
                f"/admin/topics/{t.topic_id}/{t.language}",
            )
        )
    for point in session.scalars(select(ServicePoint)):
        url = f"/admin/service-points/{point.id}"
        facts.append(("service_point", point.id, point.name, point, url))
        for phone in point.phones:
            # A phone without its own check date or sources is checked with its service point.
            if phone.verified_at is not None or phone.sources:
                facts.append(
                    (
                        "phone",
                        f"{point.id}/{phone.number}",
                        f"{point.name}: {phone.number}",
                        phone,
                        url,
                    )
                )
    for rule in session.scalars(select(EligibilityRule)):
        key = f"{rule.status}/{rule.topic_id}"
        facts.append(("eligibility", key, key, rule, None))
    for contact in session.scalars(select(EmergencyContactRow)):
        facts.append(("emergency", contact.id, f"{contact.id} ({contact.number})", contact, None))
    return facts


def recheck_list(session: Session, *, today: date, stale_after_days: int) -> list[RecheckItem]:
    """Facts not checked, checked too long ago or flagged by a source: most served first."""
    served = served_counts(session, since=today - timedelta(days=SERVED_WINDOW_DAYS - 1))
    items = []
    for kind, key, title, row, url in _facts(session):
        state = freshness(
            row.verified_at,
            [SourceDoc(**s) for s in row.sources],
            today=today,
            stale_after_days=stale_after_days,
        )
        if state == "checked":
            continue
        count_key = ("service_point", key.partition("/")[0]) if kind == "phone" else (kind, key)
        items.append(
            RecheckItem(kind, key, title, row.verified_at, state, served.get(count_key, 0), url)
        )
    return sorted(
        items,
        key=lambda i: (-i.served, i.verified_at is not None, i.verified_at or today, i.kind, i.key),
    )


def _row(session: Session, kind: str, key: str) -> Any:
    """The row holding a fact's `verified_at`."""
    first, _, second = key.partition("/")
    statement: Any
    if kind == "topic_translation":
        statement = select(TopicTranslation).where(
            TopicTranslation.topic_id == first, TopicTranslation.language == second
        )
    elif kind == "service_point":
        statement = select(ServicePoint).where(ServicePoint.id == key)
    elif kind == "phone":
        statement = select(ServicePointPhone).where(
            ServicePointPhone.service_point_id == first, ServicePointPhone.number == second
        )
    elif kind == "eligibility":
        statement = select(EligibilityRule).where(
            EligibilityRule.status == first, EligibilityRule.topic_id == second
        )
    elif kind == "emergency":
        statement = select(EmergencyContactRow).where(EmergencyContactRow.id == key)
    else:
        raise UnknownFact(f"{kind}:{key}")
    row = session.scalar(statement)
    if row is None:
        raise UnknownFact(f"{kind}:{key}")
    return row


def confirm_today(
    session: Session, *, kind: str, key: str, user: AdminUser, today: date, ip: str = ""
) -> None:
    """An editor checked the fact against its source today: set `verified_at`, audit it (no commit).

    A source flagged `recheck` keeps the fact on the list until the source itself is updated.
    """
    row = _row(session, kind, key)
    before = row.verified_at
    row.verified_at = today
    audit(
        session,
        actor=user,
        action="kb_confirmed_today",
        target=f"{kind}:{key}",
        ip=ip,
        verified_at_before=before.isoformat() if before else None,
        verified_at=today.isoformat(),
    )
