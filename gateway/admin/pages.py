"""Admin pages (/admin): login, sessions, content, drafts, history, facts to re-check, unanswered.

The same operations as JSON are `gateway.admin.api`.
"""

from __future__ import annotations

import math
from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from dalil.languages import LANGUAGES
from gateway.admin import recheck, review, unanswered
from gateway.admin.audit import audit
from gateway.admin.content import (
    SERVICE_POINT,
    TOPIC_TRANSLATION,
    ContentProblem,
    NotAllowed,
    diff,
    published,
    rollback,
    translation_matrix,
)
from gateway.admin.forms import (
    hours_to_text,
    phones_to_text,
    service_point_from_form,
    sources_to_text,
    topic_translation_from_form,
)
from gateway.admin.models import (
    PENDING_DRAFT_STATUSES,
    AdminSession,
    AdminUser,
    AuditEntry,
    Draft,
    DraftStatus,
    Revision,
    UnansweredQuestion,
    utcnow,
)
from gateway.admin.security import (
    Permission,
    allowed,
    hash_password,
    needs_rehash,
    new_session,
    new_session_id,
    password_stamp,
    session_key,
    verify_password,
)
from gateway.admin.web import (
    AuditorAuth,
    Auth,
    AuthDep,
    ContentAuth,
    CsrfChecked,
    PublisherAuth,
    ReviewerAuth,
    UsersAuth,
    client_ip,
    render,
    set_session_cookie,
)
from gateway.admin.workflow import (
    DraftStep,
    authors,
    current_user,
    get_draft,
    save_draft,
    take_step,
    target,
)
from gateway.dependencies import SecurityDep, SessionDep, SettingsDep
from knowledge.content import today
from knowledge.models import City, ServicePoint
from knowledge.schema import STATUSES, TOPICS

router = APIRouter(tags=["admin"])
# The review loop has its own module; its pages share this router's tags.
router.include_router(review.router)


def _safe_next(wanted: str | None, role: str) -> str:
    # Only local paths: an open redirect would let a phishing link borrow our login page.
    if wanted and wanted.startswith("/") and not wanted.startswith("//"):
        return wanted
    return "/admin/" if allowed(role, Permission.CONTENT) else "/staff/"


# --- login ----------------------------------------------------------------------------------


@router.get("/admin/login", response_class=HTMLResponse, include_in_schema=False)
def login_page(request: Request, auth: AuthDep, next: str | None = None) -> Response:
    """The login form."""
    return render(request, auth, "admin/login.html", next=next or "", error=None)


@router.post("/admin/login", include_in_schema=False, dependencies=[CsrfChecked])
def login(
    request: Request,
    auth: AuthDep,
    session: SessionDep,
    sec: SecurityDep,
    email: Annotated[str, Form(max_length=254)],
    password: Annotated[str, Form(max_length=1024)],
    next: Annotated[str, Form()] = "",
) -> Response:
    """Check the password; rate-limited per IP and per account."""
    ip = client_ip(request)
    email = email.strip().lower()
    wait = sec.limiter.wait_seconds(ip=ip, account=email)
    if wait > 0:
        audit(session, actor=None, actor_email=email, action="login_blocked", ip=ip)
        session.commit()
        refused = render(
            request,
            auth,
            "admin/login.html",
            status_code=429,
            next=next,
            error="Too many failed attempts. Wait a moment and try again.",
        )
        refused.headers["Retry-After"] = str(max(1, math.ceil(wait)))
        return refused
    user = session.scalar(select(AdminUser).where(AdminUser.email == email))
    ok = verify_password(user.password_hash if user else None, password)
    if not ok or user is None or not user.active:
        sec.limiter.failed(ip=ip, account=email)
        audit(session, actor=None, actor_email=email, action="login_failed", ip=ip)
        session.commit()
        return render(
            request,
            auth,
            "admin/login.html",
            status_code=401,
            next=next,
            error="Wrong e-mail address or password.",
        )
    sec.limiter.succeeded(account=email, ip=ip)
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    # A new session (new CSRF token) at login: a token seen before login is worth nothing after.
    fresh = new_session()
    fresh.user_id = user.id
    fresh.stamp = password_stamp(user.password_hash)
    fresh.sid = new_session_id()
    session.add(
        AdminSession(
            id=session_key(fresh.sid),
            user_id=user.id,
            ip=ip,
            expires_at=utcnow() + timedelta(seconds=sec.codec.max_age),
        )
    )
    audit(session, actor=user, action="login", ip=ip)
    session.commit()
    response = RedirectResponse(_safe_next(next, user.role), status_code=303)
    set_session_cookie(response, fresh, sec)
    return response


@router.post("/admin/logout", include_in_schema=False, dependencies=[CsrfChecked])
def logout(request: Request, auth: AuthDep, session: SessionDep, sec: SecurityDep) -> Response:
    """End the session, on the server too: a copied cookie is worth nothing afterwards."""
    if auth.user is not None:
        revoke_session(session, auth.session.sid, by=auth.user.id)
        audit(session, actor=auth.user, action="logout", ip=client_ip(request))
        session.commit()
    response = RedirectResponse("/admin/login", status_code=303)
    set_session_cookie(response, new_session(), sec)
    return response


def revoke_session(session: Session, sid: str, *, by: int) -> bool:
    """Mark a server-side session ended; False when there was none to end."""
    row = session.get(AdminSession, session_key(sid)) if sid else None
    if row is None or row.revoked_at is not None:
        return False
    row.revoked_at = utcnow()
    row.revoked_by = by
    return True


@router.get("/admin/sessions", response_class=HTMLResponse, include_in_schema=False)
def sessions_page(request: Request, auth: UsersAuth, session: SessionDep) -> Response:
    """Every live session, so an admin can end one (a lost phone, a departed colleague)."""
    rows = session.scalars(
        select(AdminSession)
        .where(AdminSession.revoked_at.is_(None), AdminSession.expires_at > utcnow())
        .order_by(AdminSession.created_at.desc())
    ).all()
    current = session_key(auth.session.sid) if auth.session.sid else ""
    return render(
        request,
        auth,
        "admin/sessions.html",
        sessions=rows,
        authors=authors(session),
        current=current,
    )


@router.post("/admin/sessions/{key}/revoke", include_in_schema=False, dependencies=[CsrfChecked])
def end_session(request: Request, auth: UsersAuth, session: SessionDep, key: str) -> Response:
    """End a session on the server: its cookie no longer logs anyone in."""
    row = session.get(AdminSession, key)
    if row is None:
        raise HTTPException(404)
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        row.revoked_by = current_user(auth).id
        audit(
            session,
            actor=auth.user,
            action="session_revoked",
            target=f"user:{row.user_id}",
            ip=client_ip(request),
        )
    session.commit()
    return RedirectResponse("/admin/sessions", status_code=303)


# --- content --------------------------------------------------------------------------------


@router.get("/admin/", response_class=HTMLResponse, include_in_schema=False)
def home(request: Request, auth: AuthDep, session: SessionDep) -> Response:
    """The topics and their translation status; staff go to their own pages."""
    if auth.user is None:
        return RedirectResponse("/admin/login", status_code=303)
    if not auth.can("content"):
        return RedirectResponse("/staff/", status_code=303)
    return topics_page(request, auth, session)


@router.get("/admin/topics", response_class=HTMLResponse, include_in_schema=False)
def topics_page(request: Request, auth: ContentAuth, session: SessionDep) -> Response:
    """Every topic with its translation status per language."""
    pending = session.scalars(
        select(Draft).where(Draft.status.in_(PENDING_DRAFT_STATUSES)).order_by(Draft.id.desc())
    ).all()
    return render(
        request,
        auth,
        "admin/topics.html",
        matrix=translation_matrix(session),
        drafts=pending,
        authors=authors(session),
    )


@router.get(
    "/admin/topics/{topic_id}/{language}", response_class=HTMLResponse, include_in_schema=False
)
def edit_topic_page(
    request: Request, auth: ContentAuth, session: SessionDep, topic_id: str, language: str
) -> Response:
    """The edit form of one language of a topic, with the French source alongside."""
    if topic_id not in TOPICS or language not in LANGUAGES:
        raise HTTPException(404)
    current = (
        published(session, kind=TOPIC_TRANSLATION, entity_id=topic_id, language=language) or {}
    )
    source = published(session, kind=TOPIC_TRANSLATION, entity_id=topic_id, language="fr")
    return render(
        request,
        auth,
        "admin/edit_topic.html",
        topic_id=topic_id,
        language=language,
        doc=current,
        source=source,
        sources_text=sources_to_text(current.get("sources", [])),
        statuses=STATUSES,
        error=None,
    )


@router.post(
    "/admin/topics/{topic_id}/{language}", include_in_schema=False, dependencies=[CsrfChecked]
)
async def save_topic_draft(
    request: Request, auth: ContentAuth, session: SessionDep, topic_id: str, language: str
) -> Response:
    """Save the form as a draft."""
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    payload = topic_translation_from_form(form)
    try:
        draft = save_draft(
            request,
            session,
            auth,
            kind=TOPIC_TRANSLATION,
            entity_id=topic_id,
            language=language,
            payload=payload,
            note=form.get("note", ""),
        )
    except ContentProblem as exc:
        source = published(session, kind=TOPIC_TRANSLATION, entity_id=topic_id, language="fr")
        return render(
            request,
            auth,
            "admin/edit_topic.html",
            status_code=422,
            topic_id=topic_id,
            language=language,
            doc=payload,
            source=source,
            sources_text=form.get("sources", ""),
            statuses=STATUSES,
            error=str(exc),
        )
    return RedirectResponse(f"/admin/drafts/{draft.id}", status_code=303)


@router.get("/admin/service-points", response_class=HTMLResponse, include_in_schema=False)
def service_points_page(
    request: Request, auth: ContentAuth, session: SessionDep, city: str | None = None
) -> Response:
    """Service points, by city."""
    query = select(ServicePoint).order_by(ServicePoint.city_id, ServicePoint.name)
    if city:
        query = query.where(ServicePoint.city_id == city)
    cities = session.scalars(select(City.id).order_by(City.id)).all()
    return render(
        request,
        auth,
        "admin/service_points.html",
        points=session.scalars(query).all(),
        cities=cities,
        city=city or "",
    )


def _point_form_context(doc: dict[str, Any]) -> dict[str, Any]:
    return {
        "doc": doc,
        "phones_text": phones_to_text(doc.get("phones", [])),
        "hours_text": hours_to_text(doc.get("hours", {})),
        "sources_text": sources_to_text(doc.get("sources", [])),
    }


@router.get(
    "/admin/service-points/{point_id}", response_class=HTMLResponse, include_in_schema=False
)
def edit_point_page(
    request: Request, auth: ContentAuth, session: SessionDep, point_id: str
) -> Response:
    """The edit form of a service point."""
    doc = published(session, kind=SERVICE_POINT, entity_id=point_id, language=None)
    if doc is None:
        raise HTTPException(404)
    return render(
        request,
        auth,
        "admin/edit_point.html",
        point_id=point_id,
        error=None,
        **_point_form_context(doc),
    )


@router.post(
    "/admin/service-points/{point_id}", include_in_schema=False, dependencies=[CsrfChecked]
)
async def save_point_draft(
    request: Request, auth: ContentAuth, session: SessionDep, point_id: str
) -> Response:
    """Save the form as a draft."""
    base = published(session, kind=SERVICE_POINT, entity_id=point_id, language=None)
    if base is None:
        raise HTTPException(404)
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    payload = service_point_from_form(point_id, form, base)
    try:
        draft = save_draft(
            request,
            session,
            auth,
            kind=SERVICE_POINT,
            entity_id=point_id,
            language=None,
            payload=payload,
            note=form.get("note", ""),
        )
    except ContentProblem as exc:
        context = _point_form_context(payload)
        context.update(phones_text=form.get("phones", ""), hours_text=form.get("hours", ""))
        return render(
            request,
            auth,
            "admin/edit_point.html",
            status_code=422,
            point_id=point_id,
            error=str(exc),
            **context,
        )
    return RedirectResponse(f"/admin/drafts/{draft.id}", status_code=303)


# --- review ---------------------------------------------------------------------------------


@router.get("/admin/drafts", response_class=HTMLResponse, include_in_schema=False)
def drafts_page(
    request: Request, auth: ContentAuth, session: SessionDep, status: str = DraftStatus.SUBMITTED
) -> Response:
    """Drafts by status (submitted ones first: they wait for an admin)."""
    drafts = session.scalars(
        select(Draft).where(Draft.status == status).order_by(Draft.id.desc())
    ).all()
    return render(
        request, auth, "admin/drafts.html", drafts=drafts, status=status, authors=authors(session)
    )


@router.get("/admin/drafts/{draft_id}", response_class=HTMLResponse, include_in_schema=False)
def draft_page(request: Request, auth: ContentAuth, session: SessionDep, draft_id: int) -> Response:
    """A draft: what it changes compared with what is published now."""
    draft = get_draft(session, draft_id)
    current = published(
        session, kind=draft.kind, entity_id=draft.entity_id, language=draft.language
    )
    return render(
        request,
        auth,
        "admin/draft.html",
        draft=draft,
        lines=diff(current, draft.payload),
        authors=authors(session),
        error=None,
    )


def _draft_step(
    request: Request, auth: Auth, session: Session, draft_id: int, step: DraftStep
) -> Response:
    try:
        take_step(request, auth, session, draft_id, step)
    except ContentProblem as exc:
        draft = get_draft(session, draft_id)
        return render(
            request,
            auth,
            "admin/draft.html",
            status_code=422,
            draft=draft,
            lines=diff(draft.base_payload, draft.payload),
            authors=authors(session),
            error=str(exc),
        )
    return RedirectResponse(f"/admin/drafts/{draft_id}", status_code=303)


@router.post("/admin/drafts/{draft_id}/submit", include_in_schema=False, dependencies=[CsrfChecked])
def submit(request: Request, auth: ContentAuth, session: SessionDep, draft_id: int) -> Response:
    """Send a draft for review."""
    return _draft_step(request, auth, session, draft_id, DraftStep.SUBMIT)


@router.post(
    "/admin/drafts/{draft_id}/publish", include_in_schema=False, dependencies=[CsrfChecked]
)
def publish(request: Request, auth: PublisherAuth, session: SessionDep, draft_id: int) -> Response:
    """Publish a submitted draft: users see it at their next question."""
    return _draft_step(request, auth, session, draft_id, DraftStep.PUBLISH)


@router.post("/admin/drafts/{draft_id}/reject", include_in_schema=False, dependencies=[CsrfChecked])
def reject(request: Request, auth: PublisherAuth, session: SessionDep, draft_id: int) -> Response:
    """Send a submitted draft back."""
    return _draft_step(request, auth, session, draft_id, DraftStep.REJECT)


# --- history and audit ----------------------------------------------------------------------


@router.get("/admin/revisions", response_class=HTMLResponse, include_in_schema=False)
def revisions_page(
    request: Request,
    auth: ContentAuth,
    session: SessionDep,
    entity: str | None = None,
    limit: int = Query(100, le=500),
) -> Response:
    """Published revisions, newest first."""
    query = select(Revision).order_by(Revision.id.desc()).limit(limit)
    if entity:
        query = query.where(Revision.entity_id == entity)
    return render(
        request,
        auth,
        "admin/revisions.html",
        revisions=session.scalars(query).all(),
        authors=authors(session),
        entity=entity or "",
    )


@router.get("/admin/revisions/{revision_id}", response_class=HTMLResponse, include_in_schema=False)
def revision_page(
    request: Request, auth: ContentAuth, session: SessionDep, revision_id: int
) -> Response:
    """One revision with its diff."""
    revision = session.get(Revision, revision_id)
    if revision is None:
        raise HTTPException(404)
    return render(
        request,
        auth,
        "admin/revision.html",
        revision=revision,
        lines=diff(revision.before, revision.after),
        authors=authors(session),
    )


@router.post(
    "/admin/revisions/{revision_id}/rollback", include_in_schema=False, dependencies=[CsrfChecked]
)
def rollback_revision(
    request: Request, auth: PublisherAuth, session: SessionDep, revision_id: int
) -> Response:
    """Put back what a revision replaced, as a new revision."""
    revision = session.get(Revision, revision_id)
    if revision is None:
        raise HTTPException(404)
    try:
        new = rollback(session, revision, user=current_user(auth))
    except NotAllowed as exc:
        raise HTTPException(status_code=409, detail=str(exc)) from exc
    audit(
        session,
        actor=auth.user,
        action="revision_rolled_back",
        target=target(revision),
        ip=client_ip(request),
        revision=revision.id,
        new_revision=new.id,
    )
    session.commit()
    return RedirectResponse(f"/admin/revisions/{new.id}", status_code=303)


@router.get("/admin/audit", response_class=HTMLResponse, include_in_schema=False)
def audit_page(
    request: Request, auth: AuditorAuth, session: SessionDep, limit: int = Query(200, le=1000)
) -> Response:
    """Who did what and when."""
    entries = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)).all()
    return render(request, auth, "admin/audit.html", entries=entries)


# --- facts to re-check ----------------------------------------------------------------------


@router.get("/admin/recheck", response_class=HTMLResponse, include_in_schema=False)
def recheck_page(
    request: Request, auth: ContentAuth, session: SessionDep, settings: SettingsDep
) -> Response:
    """Facts unverified, checked too long ago or flagged by a source; most served first."""
    items = recheck.recheck_list(
        session, today=today(), stale_after_days=settings.kb_stale_after_days
    )
    return render(
        request,
        auth,
        "admin/recheck.html",
        items=items,
        stale_after_days=settings.kb_stale_after_days,
        window=recheck.SERVED_WINDOW_DAYS,
    )


@router.post("/admin/recheck/confirm", include_in_schema=False, dependencies=[CsrfChecked])
def confirm_fact(
    request: Request,
    auth: ContentAuth,
    session: SessionDep,
    kind: Annotated[str, Form(max_length=20)],
    key: Annotated[str, Form(max_length=200)],
) -> Response:
    """An editor checked this fact against its source today."""
    try:
        recheck.confirm_today(
            session,
            kind=kind,
            key=key,
            user=current_user(auth),
            today=today(),
            ip=client_ip(request),
        )
    except recheck.UnknownFact as exc:
        raise HTTPException(404) from exc
    session.commit()
    return RedirectResponse("/admin/recheck", status_code=303)


# --- unanswered questions -------------------------------------------------------------------


@router.get("/admin/unanswered", response_class=HTMLResponse, include_in_schema=False)
def unanswered_page(
    request: Request,
    auth: ReviewerAuth,
    session: SessionDep,
    language: str | None = None,
    topic: str | None = None,
) -> Response:
    """Questions the bot could not answer, with counts by language and topic."""
    return render(
        request,
        auth,
        "admin/unanswered.html",
        counts=unanswered.counts(session),
        questions=unanswered.open_questions(session, language=language, topic=topic),
        language_filter=language or "",
        topic_filter=topic or "",
        topics=TOPICS,
    )


@router.post(
    "/admin/unanswered/{question_id}/handled", include_in_schema=False, dependencies=[CsrfChecked]
)
def mark_handled(
    request: Request, auth: ReviewerAuth, session: SessionDep, question_id: int
) -> Response:
    """Take a question out of the queue."""
    question = session.get(UnansweredQuestion, question_id)
    if question is None:
        raise HTTPException(404)
    unanswered.mark_handled(question, user=current_user(auth))
    audit(
        session,
        actor=auth.user,
        action="unanswered_handled",
        target=f"unanswered:{question.id}",
        ip=client_ip(request),
    )
    session.commit()
    return RedirectResponse("/admin/unanswered", status_code=303)


@router.post("/admin/unanswered/export", include_in_schema=False, dependencies=[CsrfChecked])
async def export_training(request: Request, auth: ReviewerAuth, session: SessionDep) -> Response:
    """The chosen questions as a Rasa NLU YAML snippet for an intent."""
    form = await request.form()
    intent = str(form.get("intent") or "").strip()
    valid_intents = {f"ask_{t}" for t in TOPICS if t != "emergency_numbers"} | {
        "emergency",
        "out_of_scope",
    }
    if intent not in valid_intents:
        raise HTTPException(422, detail=f"intent must be one of {sorted(valid_intents)}")
    ids = [int(i) for i in form.getlist("ids") if isinstance(i, str) and i.isdigit()]
    questions = session.scalars(
        select(UnansweredQuestion).where(UnansweredQuestion.id.in_(ids))
    ).all()
    audit(
        session,
        actor=auth.user,
        action="unanswered_exported",
        target=intent,
        ip=client_ip(request),
        ids=ids,
    )
    session.commit()
    return PlainTextResponse(
        unanswered.training_example(list(questions), intent=intent),
        media_type="application/yaml; charset=utf-8",
    )
