"""The admin JSON API (/api/v1/admin): what the admin pages do, for scripts and other tools.

Every answer has a response model, so /openapi.json documents it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body, HTTPException, Request
from pydantic import BaseModel, ConfigDict, field_validator
from sqlalchemy import select
from sqlalchemy.orm import Session

from gateway.admin import unanswered
from gateway.admin.content import (
    ContentProblem,
    NotAllowed,
    translation_matrix,
    update_draft,
)
from gateway.admin.models import Draft, DraftStatus
from gateway.admin.web import Auth, AuthDep, ContentAuth, CsrfChecked, PublisherAuth, ReviewerAuth
from gateway.admin.workflow import (
    DraftStep,
    current_user,
    get_draft,
    record_draft,
    save_draft,
    take_step,
)
from gateway.dependencies import SessionDep

api = APIRouter(prefix="/api/v1/admin", tags=["admin"])


class TopicStatusOut(BaseModel):
    """A topic's translation status per language, and how many drafts of it wait."""

    topic_id: str
    statuses: dict[str, str]
    pending_drafts: int


class DraftOut(BaseModel):
    """A draft: what it edits, where it is in the review, and the edited document."""

    id: int
    kind: str
    entity_id: str
    language: str | None
    status: DraftStatus
    author_id: int
    note: str
    payload: dict[str, Any]

    model_config = ConfigDict(from_attributes=True)


class UnansweredQuestionOut(BaseModel):
    """A question the bot could not answer (no sender, never)."""

    id: int
    text: str
    language: str
    reason: str
    intent: str | None
    confidence: float | None
    topic: str | None
    # As the API always wrote it: `datetime.isoformat()` (SQLite's naive times stay naive).
    created_at: str

    model_config = ConfigDict(from_attributes=True)

    @field_validator("created_at", mode="before")
    @classmethod
    def _iso(cls, value: object) -> object:
        return value.isoformat() if isinstance(value, datetime) else value


class UnansweredOut(BaseModel):
    """The open queue of unanswered questions, with counts by language and topic."""

    total: int
    by_language: dict[str, int]
    by_topic: dict[str, int]
    questions: list[UnansweredQuestionOut]


class SessionOut(BaseModel):
    """The logged-in user, and the CSRF token to send as X-CSRF-Token with every POST."""

    email: str
    role: str
    csrf_token: str


@api.get("/topics", response_model=list[TopicStatusOut])
def api_topics(auth: ContentAuth, session: SessionDep) -> list[TopicStatusOut]:
    """Every topic with its translation status per language and its pending drafts."""
    return [
        TopicStatusOut(topic_id=t.topic_id, statuses=t.statuses, pending_drafts=t.pending)
        for t in translation_matrix(session)
    ]


@api.get("/drafts", response_model=list[DraftOut])
def api_drafts(
    auth: ContentAuth, session: SessionDep, status: str = DraftStatus.SUBMITTED
) -> list[DraftOut]:
    """Drafts with a given status."""
    return [
        DraftOut.model_validate(d)
        for d in session.scalars(select(Draft).where(Draft.status == status).order_by(Draft.id))
    ]


@api.post("/drafts", status_code=201, response_model=DraftOut, dependencies=[CsrfChecked])
def api_create_draft(
    request: Request,
    auth: ContentAuth,
    session: SessionDep,
    kind: Annotated[str, Body()],
    entity_id: Annotated[str, Body()],
    payload: Annotated[dict[str, Any], Body()],
    language: Annotated[str | None, Body()] = None,
    note: Annotated[str, Body()] = "",
) -> DraftOut:
    """Save a draft (a TopicTranslationDoc or ServicePointDoc payload)."""
    try:
        draft = save_draft(
            request,
            session,
            auth,
            kind=kind,
            entity_id=entity_id,
            language=language,
            payload=payload,
            note=note,
        )
    except ContentProblem as exc:
        raise HTTPException(422, detail=str(exc)) from exc
    return DraftOut.model_validate(draft)


@api.put("/drafts/{draft_id}", response_model=DraftOut, dependencies=[CsrfChecked])
def api_update_draft(
    request: Request,
    auth: ContentAuth,
    session: SessionDep,
    draft_id: int,
    payload: Annotated[dict[str, Any], Body()],
    note: Annotated[str, Body()] = "",
) -> DraftOut:
    """Change a draft before it is submitted."""
    draft = get_draft(session, draft_id)
    try:
        update_draft(session, draft, user=current_user(auth), payload=payload, note=note)
    except ContentProblem as exc:
        raise HTTPException(422, detail=str(exc)) from exc
    except NotAllowed as exc:
        raise HTTPException(403, detail=str(exc)) from exc
    record_draft(request, session, auth, draft, "draft_updated")
    session.commit()
    return DraftOut.model_validate(draft)


def _api_step(
    request: Request, auth: Auth, session: Session, draft_id: int, step: DraftStep
) -> DraftOut:
    try:
        draft = take_step(request, auth, session, draft_id, step)
    except ContentProblem as exc:
        raise HTTPException(
            422, detail="The draft no longer validates; see the draft page."
        ) from exc
    return DraftOut.model_validate(draft)


@api.post("/drafts/{draft_id}/submit", response_model=DraftOut, dependencies=[CsrfChecked])
def api_submit(request: Request, auth: ContentAuth, session: SessionDep, draft_id: int) -> DraftOut:
    """Send a draft for review."""
    return _api_step(request, auth, session, draft_id, DraftStep.SUBMIT)


@api.post("/drafts/{draft_id}/publish", response_model=DraftOut, dependencies=[CsrfChecked])
def api_publish(
    request: Request, auth: PublisherAuth, session: SessionDep, draft_id: int
) -> DraftOut:
    """Publish a submitted draft."""
    return _api_step(request, auth, session, draft_id, DraftStep.PUBLISH)


@api.get("/unanswered", response_model=UnansweredOut)
def api_unanswered(
    auth: ReviewerAuth, session: SessionDep, language: str | None = None
) -> UnansweredOut:
    """Open unanswered questions and counts by language and topic."""
    counts = unanswered.counts(session)
    return UnansweredOut(
        total=counts.total,
        by_language=counts.by_language,
        by_topic={k or "": v for k, v in counts.by_topic.items()},
        questions=[
            UnansweredQuestionOut.model_validate(q)
            for q in unanswered.open_questions(session, language=language)
        ],
    )


@api.get("/session", response_model=SessionOut)
def api_session(auth: AuthDep) -> SessionOut:
    """The logged-in user and the CSRF token to send as X-CSRF-Token with every POST."""
    if auth.user is None:
        raise HTTPException(401, detail="Log in first.")
    return SessionOut(email=auth.user.email, role=auth.user.role, csrf_token=auth.session.csrf)
