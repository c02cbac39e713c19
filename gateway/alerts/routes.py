"""Alert review, broadcasts and delivery statuses in the admin (/admin/alerts), and their API."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Body, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from twilio.request_validator import RequestValidator

from dalil.clock import utcnow
from dalil.i18n import topic_title
from dalil.languages import LANGUAGES
from gateway.admin.audit import audit
from gateway.admin.security import Permission
from gateway.admin.web import Auth, CsrfChecked, client_ip, render, require
from gateway.alerts.models import Alert, Subscription
from gateway.alerts.outbox import counts_by_language, materialise, recipient_count, summary
from gateway.alerts.settings import AlertSettings
from gateway.alerts.statuses import apply_twilio
from gateway.dependencies import InboxDep, SessionDep, SettingsDep
from knowledge.schema import TOPICS

router = APIRouter(tags=["alerts"])
api = APIRouter(prefix="/api/v1/admin", tags=["alerts"])
Viewer = Annotated[Auth, require(Permission.STAFF)]
Approver = Annotated[Auth, require(Permission.PUBLISH)]
CHANNELS = ("whatsapp", "telegram", "twilio", "web")
MAX_TEXT = 1000
SMS_MAX = 300


class Refused(Exception):
    """A step the alert's state or the user's role does not allow."""


def _alert(session: Session, alert_id: int) -> Alert:
    alert = session.get(Alert, alert_id)
    if alert is None:
        raise HTTPException(404)
    return alert


def alert_json(session: Session, alert: Alert) -> dict[str, Any]:
    """An alert with its audience's size and its deliveries by status."""
    return {
        "id": alert.id,
        "kind": alert.kind,
        "status": alert.status,
        "topic": alert.topic,
        "city": alert.city,
        "languages": alert.languages,
        "channels": alert.channels,
        "texts": alert.texts,
        "source": alert.source,
        "changed_on": alert.changed_on,
        "created_by": alert.created_by,
        "approved_by": alert.approved_by,
        "attention": alert.attention,
        "recipients": recipient_count(session, alert),
        "recipients_by_language": counts_by_language(session, alert),
        "deliveries": summary(session, alert.id),
    }


def check_texts(texts: dict[str, str]) -> dict[str, str]:
    """Every language filled; SMS versions short and without links."""
    clean = {k: v.strip() for k, v in texts.items() if isinstance(v, str)}
    for language in LANGUAGES:
        if not clean.get(language):
            raise Refused(f"the {language} text is empty")
        if len(clean[language]) > MAX_TEXT:
            raise Refused(f"the {language} text is longer than {MAX_TEXT} characters")
        sms = clean.get(f"sms:{language}", "")
        if len(sms) > SMS_MAX or "http" in sms.lower() or "www." in sms.lower():
            raise Refused(f"the {language} SMS must be short ({SMS_MAX} at most) and link-free")
    return clean


def edit_texts(alert: Alert, texts: dict[str, str]) -> None:
    """Reviewed texts replace the proposal's (only before approval)."""
    if alert.status != "proposed":
        raise Refused("only a proposed alert can be edited")
    alert.texts = {**alert.texts, **check_texts({**alert.texts, **texts})}


def approve(alert: Alert, *, user_id: int) -> None:
    """An admin's approval; a broadcast needs a second admin, not its author."""
    if alert.status != "proposed":
        raise Refused(f"a {alert.status} alert cannot be approved")
    if alert.kind == "broadcast" and alert.created_by == user_id:
        raise Refused("a broadcast needs the approval of a second admin")
    check_texts(alert.texts)
    alert.status, alert.approved_by, alert.approved_at = "approved", user_id, utcnow()


def start_sending(session: Session, alert: Alert) -> int:
    """Fill the outbox and hand the alert to the outbox process."""
    if alert.status != "approved":
        raise Refused("approve the alert first")
    added = materialise(session, alert)
    alert.status = "sending"
    return added


def new_broadcast(
    session: Session,
    *,
    user_id: int,
    texts: dict[str, str],
    topic: str | None,
    city: str | None,
    languages: list[str],
    channels: list[str],
) -> Alert:
    """A staff broadcast to an audience, waiting for a second admin's approval."""
    if topic is not None and topic not in TOPICS:
        raise Refused("unknown topic")
    if any(lang not in LANGUAGES for lang in languages) or any(c not in CHANNELS for c in channels):
        raise Refused("unknown language or channel")
    alert = Alert(
        kind="broadcast",
        status="proposed",
        topic=topic,
        city=city or None,
        languages=languages,
        channels=channels,
        texts=check_texts(texts),
        created_by=user_id,
        created_at=utcnow(),
    )
    session.add(alert)
    session.flush()
    return alert


def _do(session: Session, request: Request, auth: Auth, alert: Alert, step: str) -> None:
    assert auth.user is not None
    try:
        if step == "approve":
            approve(alert, user_id=auth.user.id)
        elif step == "send":
            start_sending(session, alert)
        elif step == "cancel":
            if alert.status not in ("proposed", "approved"):
                raise Refused("only an alert not yet sending can be cancelled")
            alert.status = "cancelled"
    except Refused as exc:
        session.rollback()
        raise HTTPException(409, detail=str(exc)) from exc
    audit(
        session,
        actor=auth.user,
        action=f"alert_{step}",
        target=f"alert:{alert.id}",
        ip=client_ip(request),
    )
    session.commit()


# --- JSON API -----------------------------------------------------------------------------


@api.get("/alerts")
def api_alerts(auth: Viewer, session: SessionDep) -> list[dict[str, Any]]:
    """Alerts, newest first, with their audience and delivery statuses."""
    alerts = session.scalars(select(Alert).order_by(Alert.id.desc()).limit(200))
    return [alert_json(session, a) for a in alerts]


@api.get("/alerts/{alert_id}")
def api_alert(auth: Viewer, session: SessionDep, alert_id: int) -> dict[str, Any]:
    """One alert: texts in every language, recipients, deliveries by status."""
    return alert_json(session, _alert(session, alert_id))


@api.put("/alerts/{alert_id}/texts", dependencies=[CsrfChecked])
def api_edit(
    request: Request,
    auth: Approver,
    session: SessionDep,
    alert_id: int,
    texts: Annotated[dict[str, str], Body(embed=True)],
) -> dict[str, Any]:
    """Replace the reviewed texts (keys `fr`…, `sms:fr`…, `template:fr`…)."""
    alert = _alert(session, alert_id)
    try:
        edit_texts(alert, texts)
    except Refused as exc:
        raise HTTPException(422, detail=str(exc)) from exc
    audit(
        session,
        actor=auth.user,
        action="alert_edited",
        target=f"alert:{alert.id}",
        ip=client_ip(request),
    )
    session.commit()
    return alert_json(session, alert)


@api.post("/alerts/{alert_id}/{step}", dependencies=[CsrfChecked])
def api_step(
    request: Request, auth: Approver, session: SessionDep, alert_id: int, step: str
) -> dict[str, Any]:
    """`approve`, `send` or `cancel` an alert."""
    if step not in ("approve", "send", "cancel"):
        raise HTTPException(404)
    alert = _alert(session, alert_id)
    _do(session, request, auth, alert, step)
    return alert_json(session, alert)


@api.post("/broadcasts", status_code=201, dependencies=[CsrfChecked])
def api_broadcast(
    request: Request,
    auth: Viewer,
    session: SessionDep,
    texts: Annotated[dict[str, str], Body()],
    topic: Annotated[str | None, Body()] = None,
    city: Annotated[str | None, Body()] = None,
    languages: Annotated[list[str] | None, Body()] = None,
    channels: Annotated[list[str] | None, Body()] = None,
) -> dict[str, Any]:
    """Draft a broadcast to an audience; the answer counts its recipients before anything goes."""
    assert auth.user is not None
    try:
        alert = new_broadcast(
            session,
            user_id=auth.user.id,
            texts=texts,
            topic=topic,
            city=city,
            languages=languages or [],
            channels=channels or [],
        )
    except Refused as exc:
        raise HTTPException(422, detail=str(exc)) from exc
    audit(
        session,
        actor=auth.user,
        action="broadcast_created",
        target=f"alert:{alert.id}",
        ip=client_ip(request),
    )
    session.commit()
    return alert_json(session, alert)


# --- provider status callbacks -------------------------------------------------------------

webhooks = APIRouter(prefix="/webhooks", tags=["webhooks"])


@webhooks.post(
    "/twilio/status", response_class=Response, responses={403: {"description": "Bad signature."}}
)
async def twilio_status(request: Request, settings: SettingsDep, inbox: InboxDep) -> Response:
    """Twilio's delivery statuses of alert SMS (StatusCallback, signed like the messages webhook)."""
    token = settings.twilio_auth_token
    form = {k: str(v) for k, v in (await request.form()).items()}
    signature = request.headers.get("x-twilio-signature", "")
    # The configured callback URL, never one rebuilt from the client's Host or X-Forwarded-*
    # headers (a forged host would otherwise choose the URL the signature is checked against).
    base = AlertSettings().twilio_status_url
    row = request.query_params.get("d")
    url = f"{base}?d={row}" if row is not None else str(base)
    if (
        token is None
        or base is None
        or not RequestValidator(token.get_secret_value()).validate(url, form, signature)
    ):
        return Response("Invalid signature.", status_code=403)
    await asyncio.to_thread(apply_twilio, inbox.store.engine, form, request.query_params.get("d"))
    return Response(status_code=204)


# --- pages --------------------------------------------------------------------------------


@router.get("/admin/alerts", response_class=HTMLResponse, include_in_schema=False)
def alerts_page(request: Request, auth: Viewer, session: SessionDep) -> Response:
    """Alerts to review and their deliveries; subscriptions by topic."""
    alerts = [
        alert_json(session, a)
        for a in session.scalars(select(Alert).order_by(Alert.id.desc()).limit(100))
    ]
    by_topic = session.execute(
        select(Subscription.topic, func.count())
        .group_by(Subscription.topic)
        .order_by(Subscription.topic)
    ).all()
    return render(
        request,
        auth,
        "admin/alerts.html",
        alerts=alerts,
        by_topic=by_topic,
        topic_title=topic_title,
        topics=TOPICS,
        languages=LANGUAGES,
        channels=CHANNELS,
    )


@router.get("/admin/alerts/{alert_id}", response_class=HTMLResponse, include_in_schema=False)
def alert_page(request: Request, auth: Viewer, session: SessionDep, alert_id: int) -> Response:
    """Review an alert in the four languages, approve it, send it, follow its deliveries."""
    alert = _alert(session, alert_id)
    return render(
        request,
        auth,
        "admin/alert.html",
        alert=alert_json(session, alert),
        languages=LANGUAGES,
        topic_title=topic_title,
    )


@router.post("/admin/alerts/{alert_id}/texts", include_in_schema=False, dependencies=[CsrfChecked])
async def alert_edit(
    request: Request, auth: Approver, session: SessionDep, alert_id: int
) -> Response:
    """Save the reviewed texts."""
    form = await request.form()
    alert = _alert(session, alert_id)
    texts = {k[len("text_") :]: str(v) for k, v in form.items() if k.startswith("text_")}
    try:
        edit_texts(alert, texts)
    except Refused as exc:
        raise HTTPException(422, detail=str(exc)) from exc
    session.commit()
    return RedirectResponse(f"/admin/alerts/{alert_id}", status_code=303)


@router.post("/admin/alerts/{alert_id}/{step}", include_in_schema=False, dependencies=[CsrfChecked])
def alert_step(
    request: Request,
    auth: Approver,
    session: SessionDep,
    alert_id: int,
    step: str,
    confirm: Annotated[str, Form()] = "",
) -> Response:
    """Approve, send or cancel from the review page."""
    if step not in ("approve", "send", "cancel"):
        raise HTTPException(404)
    _do(session, request, auth, _alert(session, alert_id), step)
    return RedirectResponse(f"/admin/alerts/{alert_id}", status_code=303)
