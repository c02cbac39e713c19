"""What the admin pages and the JSON API both do: find a draft, take a step, write the audit."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from fastapi import HTTPException, Request
from sqlalchemy import select
from sqlalchemy.orm import Session

from gateway.admin.audit import audit
from gateway.admin.content import (
    ContentProblem,
    NotAllowed,
    create_draft,
    publish_draft,
    reject_draft,
    submit_draft,
)
from gateway.admin.models import AdminUser, Draft, Revision
from gateway.admin.security import OwnDraft, check_four_eyes
from gateway.admin.web import Auth, client_ip
from gateway.dependencies import get_security


class DraftStep(StrEnum):
    """What a reviewer does with a draft."""

    SUBMIT = "submit"
    PUBLISH = "publish"
    REJECT = "reject"


def current_user(auth: Auth) -> AdminUser:
    """The logged-in user of a route guarded by `require`."""
    assert auth.user is not None  # guaranteed by `require`
    return auth.user


def target(change: Draft | Revision) -> str:
    """What a draft or revision changes, as the audit log names it."""
    return f"{change.kind}:{change.entity_id}" + (f":{change.language}" if change.language else "")


def authors(session: Session) -> dict[int, str]:
    """Every account's e-mail address by id, to show who wrote what."""
    return {u.id: u.email for u in session.scalars(select(AdminUser))}


def get_draft(session: Session, draft_id: int) -> Draft:
    """The draft, or 404."""
    draft = session.get(Draft, draft_id)
    if draft is None:
        raise HTTPException(404)
    return draft


def record_draft(request: Request, session: Session, auth: Auth, draft: Draft, action: str) -> None:
    """Audit `action` on `draft` (committed with the change)."""
    audit(
        session,
        actor=auth.user,
        action=action,
        target=target(draft),
        ip=client_ip(request),
        draft=draft.id,
    )


def save_draft(
    request: Request,
    session: Session,
    auth: Auth,
    *,
    kind: str,
    entity_id: str,
    language: str | None,
    payload: dict[str, Any],
    note: str,
) -> Draft:
    """Save a new draft, audit it and commit; an invalid payload raises `ContentProblem`."""
    draft = create_draft(
        session,
        user=current_user(auth),
        kind=kind,
        entity_id=entity_id,
        language=language,
        payload=payload,
        note=note,
    )
    record_draft(request, session, auth, draft, "draft_created")
    session.commit()
    return draft


def take_step(
    request: Request, auth: Auth, session: Session, draft_id: int, step: DraftStep
) -> Draft:
    """Submit, publish or reject a draft (404 if there is none), audit it and commit.

    A draft that no longer validates raises `ContentProblem` (rolled back: the caller says so);
    a step the role or the four-eyes rule does not allow is a 403.
    """
    draft = get_draft(session, draft_id)
    user = current_user(auth)
    try:
        if step == DraftStep.SUBMIT:
            submit_draft(draft, user=user)
        elif step == DraftStep.REJECT:
            reject_draft(draft, user=user)
        else:
            check_four_eyes(
                author_id=draft.author_id,
                publisher_id=user.id,
                allow_self_publish=get_security(request).allow_self_publish,
            )
            revision = publish_draft(session, draft, user=user)
            audit(
                session,
                actor=user,
                action="revision_published",
                target=target(draft),
                ip=client_ip(request),
                draft=draft.id,
                revision=revision.id,
            )
    except (NotAllowed, OwnDraft) as exc:
        raise HTTPException(status_code=403, detail=str(exc)) from exc
    except ContentProblem:
        session.rollback()
        raise
    record_draft(request, session, auth, draft, f"draft_{step}")
    session.commit()
    return draft
