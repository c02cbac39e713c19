"""The audit log: one row per change, written in the same transaction as the change."""

from __future__ import annotations

import getpass
from typing import Any

from sqlalchemy.orm import Session

from gateway.admin.models import AdminUser, AuditEntry
from knowledge.importer import ImportReport


def audit(
    session: Session,
    *,
    actor: AdminUser | None,
    action: str,
    target: str = "",
    ip: str = "",
    actor_email: str | None = None,
    **detail: Any,
) -> AuditEntry:
    """Record that `actor` did `action` on `target`; committed with the change itself."""
    entry = AuditEntry(
        actor_id=actor.id if actor else None,
        actor_email=actor.email if actor else (actor_email or ""),
        action=action,
        target=target[:160],
        detail=detail,
        ip=ip[:64],
    )
    session.add(entry)
    return entry


def record_import_resolutions(session: Session, report: ImportReport) -> None:
    """One row per conflicting field `dalil kb import --prefer-file/--prefer-live` decided."""
    for conflict in report.conflicts:
        audit(
            session,
            actor=None,
            actor_email=f"cli:{getpass.getuser()}",
            action=f"kb_import_prefer_{report.prefer}",
            target=conflict.item,
            field=conflict.field,
            live=conflict.live,
            file=conflict.file,
        )
