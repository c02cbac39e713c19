"""Staff pages (/staff): the entitlement checker, the handover inbox; their JSON API."""

from __future__ import annotations

import logging
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select

from dalil.i18n import topic_title
from dalil.languages import Language
from gateway.admin.audit import audit
from gateway.admin.models import Handover
from gateway.admin.security import Permission
from gateway.admin.web import Auth, CsrfChecked, client_ip, render, require
from gateway.dependencies import OptionalInboxDep, SessionDep, SettingsDep
from gateway.inbox.runtime import Inbox
from gateway.privacy import pseudonym
from gateway.staff.desk import WEEKDAYS, closed_days, desk_spans, parse_spans, save_desk
from gateway.staff.entitlements import entitled_label, entitlement_sheet, share_text
from gateway.staff.handover import (
    ChannelSender,
    UserSender,
    WebOnlySender,
    add_staff_message,
    close_handover,
    fetch_web_messages,
    handover_messages,
    has_staff_reply,
    open_handovers,
    waiting_since,
)
from knowledge.cities import city_name
from knowledge.models import City
from knowledge.schema import STATUSES, TOPICS

log = logging.getLogger(__name__)
router = APIRouter(tags=["staff"])
Staff = Annotated[Auth, require(Permission.STAFF)]
Admin = Annotated[Auth, require(Permission.USERS)]
CLOSE_REASONS = {
    "staff": "Handed back by a staff member",
    "user_left": "The person went back to the bot",
    "inactive": "Closed after a long silence",
}
MAX_REPLY = 2000


def _cities(session: Any, language: str) -> list[tuple[str, str]]:
    ids = session.scalars(select(City.id)).all()
    return sorted(((c, city_name(c, language)) for c in ids), key=lambda pair: pair[1])


def _check_choice(name: str, value: str | None, choices: Any) -> None:
    if value is not None and value not in choices:
        raise HTTPException(422, detail=f"{name}: must be one of {', '.join(choices)}")


# --- entitlement checker --------------------------------------------------------------------


@router.get("/staff/", response_class=HTMLResponse, include_in_schema=False)
def checker_page(
    request: Request,
    auth: Staff,
    session: SessionDep,
    status: str | None = None,
    city: str | None = None,
    lang: Language = "fr",
    need: str | None = None,
) -> Response:
    """The checker: choose a status, a city and a language; print or copy the result."""
    need = need or None
    _check_choice("status", status, STATUSES)
    _check_choice("need", need, TOPICS)
    cities = _cities(session, lang)
    sheet = None
    if status and city:
        _check_choice("city", city, [c for c, _ in cities])
        sheet = entitlement_sheet(session, status=status, city_id=city, language=lang, need=need)
    return render(
        request,
        auth,
        "staff/checker.html",
        page_language=lang,
        sheet=sheet,
        share=share_text(sheet) if sheet else "",
        statuses=STATUSES,
        topics=TOPICS,
        cities=cities,
        status=status or "",
        city=city or "",
        need=need or "",
        entitled_label=entitled_label,
        city_name=city_name,
    )


@router.get("/api/v1/entitlements")
def entitlements_api(
    auth: Staff,
    session: SessionDep,
    status: Annotated[
        str, Query(description="refugee, asylum_seeker, regular_migrant, undocumented or minor")
    ],
    city: Annotated[str, Query(description="A canonical city id, e.g. tanger")],
    lang: Language = "fr",
    need: Annotated[str | None, Query(description="A topic id, to check one need only")] = None,
) -> dict[str, Any]:
    """What a person of this status is entitled to, on which conditions, and where to go in the city."""
    _check_choice("status", status, STATUSES)
    _check_choice("need", need, TOPICS)
    if session.get(City, city) is None:
        raise HTTPException(422, detail="city: unknown city id")
    sheet = entitlement_sheet(session, status=status, city_id=city, language=lang, need=need)
    return {
        "status": status,
        "city": city,
        "language": lang,
        "entitlements": [
            {
                "topic": e.topic_id,
                "title": e.title,
                "entitled": e.entitled,
                "summary": e.summary,
                "conditions": e.conditions,
                "documents": list(e.documents),
                "text_language": e.language,
                "uncertain": e.uncertain,
                "service_points_city": e.places_city or city,
                "service_points": [
                    {
                        "name": p.name,
                        "address": p.address,
                        "city": p.city_id,
                        "phones": list(p.phones),
                        "hours": p.hours,
                        "description": p.description,
                    }
                    for p in e.places
                ],
            }
            for e in sheet.entitlements
        ],
        "share_text": share_text(sheet),
    }


# --- handover inbox -------------------------------------------------------------------------


def user_sender(inbox: Inbox | None) -> UserSender:
    """Messaging channels when the gateway runs its inbox; otherwise web chat only."""
    return ChannelSender(inbox) if inbox is not None else WebOnlySender()


def _handover(session: Any, handover_id: int) -> Handover:
    handover = session.get(Handover, handover_id)
    if handover is None:
        raise HTTPException(404)
    return handover


@router.get("/staff/handovers", response_class=HTMLResponse, include_in_schema=False)
def handovers_page(request: Request, auth: Staff, session: SessionDep) -> Response:
    """Conversations waiting for a person: urgent ones first, then the longest wait first."""
    items = [
        (h, handover_messages(session, h.id), waiting_since(h)) for h in open_handovers(session)
    ]
    return render(
        request,
        auth,
        "staff/handovers.html",
        items=items,
        topic_title=topic_title,
        counts=handover_counts(session),
    )


def handover_counts(session: Any) -> dict[str, int]:
    """Open handovers, those no staff member answered yet, and the urgent ones."""
    handovers = open_handovers(session)
    return {
        "open": len(handovers),
        "new": sum(1 for h in handovers if not has_staff_reply(session, h)),
        "urgent": sum(1 for h in handovers if h.urgent),
    }


@router.get("/api/v1/staff/handovers/count")
def handovers_count(auth: Staff, session: SessionDep) -> dict[str, Any]:
    """How many handovers are open, new (no staff reply yet) and urgent; polled by the staff pages."""
    return {
        **handover_counts(session),
        "waiting": [
            {"id": h.id, "seconds": int(waiting_since(h)), "urgent": h.urgent}
            for h in open_handovers(session)
        ],
    }


@router.get("/staff/handovers/{handover_id}", response_class=HTMLResponse, include_in_schema=False)
def handover_page(request: Request, auth: Staff, session: SessionDep, handover_id: int) -> Response:
    """One conversation, with a reply form."""
    handover = _handover(session, handover_id)
    return render(
        request,
        auth,
        "staff/handover.html",
        handover=handover,
        messages=handover_messages(session, handover.id),
        error=None,
        topic_title=topic_title,
        close_reason=CLOSE_REASONS.get(handover.close_reason or "", handover.close_reason),
    )


@router.post(
    "/staff/handovers/{handover_id}/reply", include_in_schema=False, dependencies=[CsrfChecked]
)
async def reply(
    request: Request,
    auth: Staff,
    session: SessionDep,
    inbox: OptionalInboxDep,
    handover_id: int,
    text: Annotated[str, Form(min_length=1, max_length=MAX_REPLY)],
) -> Response:
    """Send a reply to the user through their channel."""
    handover = _handover(session, handover_id)
    if handover.status != "open":
        raise HTTPException(409, detail="This conversation was handed back to the bot.")
    assert auth.user is not None
    message = add_staff_message(session, handover, staff=auth.user, text=text.strip())
    try:
        delivered = await user_sender(inbox).send_to_user(handover, message.text)
    except Exception as exc:  # a provider outage must not lose the reply; the page says so
        log.warning(
            "staff reply not delivered",
            extra={"channel": handover.channel, "reason": str(exc)[:200]},
        )
        session.rollback()
        return render(
            request,
            auth,
            "staff/handover.html",
            status_code=502,
            handover=handover,
            messages=handover_messages(session, handover.id),
            topic_title=topic_title,
            error="The message could not be delivered. Try again in a minute.",
            close_reason=None,
        )
    if delivered:
        message.delivered_at = message.created_at
    audit(
        session,
        actor=auth.user,
        action="handover_reply",
        target=f"handover:{handover.id}",
        ip=client_ip(request),
    )
    session.commit()
    return RedirectResponse(f"/staff/handovers/{handover.id}", status_code=303)


@router.post(
    "/staff/handovers/{handover_id}/close", include_in_schema=False, dependencies=[CsrfChecked]
)
def hand_back(request: Request, auth: Staff, session: SessionDep, handover_id: int) -> Response:
    """Hand the conversation back to the bot."""
    handover = _handover(session, handover_id)
    assert auth.user is not None
    if handover.status == "open":
        close_handover(session, handover, staff=auth.user)
        audit(
            session,
            actor=auth.user,
            action="handover_closed",
            target=f"handover:{handover.id}",
            ip=client_ip(request),
        )
        session.commit()
    return RedirectResponse("/staff/handovers", status_code=303)


@router.get("/api/v1/staff/handovers")
def handovers_api(auth: Staff, session: SessionDep) -> list[dict[str, Any]]:
    """Open handovers with their messages."""
    return [
        {
            "id": h.id,
            "channel": h.channel,
            "language": h.language,
            "reason": h.reason,
            "topic": h.topic,
            "opened_at": h.opened_at.isoformat(),
            "urgent": h.urgent,
            "bot_answers": h.bot_active,
            "after_hours": h.after_hours,
            "waiting_seconds": int(waiting_since(h)),
            "messages": [
                {"author": m.author, "text": m.text, "language": m.language}
                for m in handover_messages(session, h.id)
            ],
        }
        for h in open_handovers(session)
    ]


# --- desk hours (administrators) -------------------------------------------------------------


def _desk_form(session: Any) -> dict[str, Any]:
    spans = desk_spans(session)
    hours = {
        day: ", ".join(
            f"{x.opens.strftime('%H:%M')}-{x.closes.strftime('%H:%M')}"
            for x in spans
            if x.weekday == day
        )
        for day in range(7)
    }
    closed = "\n".join(f"{c.day.isoformat()} {c.note}".strip() for c in closed_days(session))
    return {"hours": hours, "closed": closed}


@router.get("/staff/desk", response_class=HTMLResponse, include_in_schema=False)
def desk_page(request: Request, auth: Admin, session: SessionDep) -> Response:
    """When the staff desk answers handovers: hours per weekday and closed days."""
    return render(
        request, auth, "staff/desk.html", weekdays=WEEKDAYS, error=None, **_desk_form(session)
    )


@router.post("/staff/desk", include_in_schema=False, dependencies=[CsrfChecked])
async def save_desk_page(request: Request, auth: Admin, session: SessionDep) -> Response:
    """Replace the desk's hours and closed days."""
    form = await request.form()
    try:
        spans = [s for day in range(7) for s in parse_spans(day, str(form.get(f"day{day}", "")))]
        closed = []
        for line in str(form.get("closed", "")).splitlines():
            if line.strip():
                day, _, note = line.strip().partition(" ")
                closed.append((date.fromisoformat(day), note.strip()))
    except ValueError as exc:
        return render(
            request,
            auth,
            "staff/desk.html",
            status_code=422,
            weekdays=WEEKDAYS,
            error=str(exc),
            hours={d: str(form.get(f"day{d}", "")) for d in range(7)},
            closed=str(form.get("closed", "")),
        )
    save_desk(session, spans=spans, closed=closed)
    assert auth.user is not None
    audit(
        session,
        actor=auth.user,
        action="desk_hours_changed",
        target="staff_desk",
        ip=client_ip(request),
    )
    session.commit()
    return RedirectResponse("/staff/desk", status_code=303)


# --- the web chat's side --------------------------------------------------------------------

chat_inbox = APIRouter(prefix="/api/v1/chat", tags=["chat"])


class InboxRequest(BaseModel):
    """Which web conversation to poll: its sender id travels in the body, never in a URL."""

    model_config = ConfigDict(extra="forbid")

    sender: str = Field(min_length=1, max_length=128)


@chat_inbox.post("/inbox")
def web_chat_inbox(
    session: SessionDep, settings: SettingsDep, body: InboxRequest
) -> dict[str, Any]:
    """Messages a staff member wrote to this web chat since the last poll, and whether a person is on."""
    key = pseudonym("web", body.sender, key=settings.pseudonym_key.get_secret_value())
    messages = fetch_web_messages(session, key)
    active = session.scalar(
        select(Handover.id).where(Handover.sender == key, Handover.status == "open")
    )
    session.commit()
    return {"handover": active is not None, "messages": [{"text": m.text} for m in messages]}


__all__ = ["chat_inbox", "router"]
