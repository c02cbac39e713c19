"""The audit log: one row per change, written in the same transaction as the change."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from gateway.admin.models import AdminUser, AuditEntry


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
