"""What every admin and staff page shares: the signed session, roles, CSRF, rendering.

The database session and the session signer come from `gateway.dependencies` like every
other shared object.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session

from dalil.i18n import gettext, language_name, status_title, topic_title
from dalil.languages import LANGUAGES, RTL_LANGUAGES, Language, coerce_language, negotiate
from gateway.admin.models import AdminSession, AdminUser, DraftStatus, aware, utcnow
from gateway.admin.security import (
    CSRF_FIELD,
    CSRF_HEADER,
    SESSION_COOKIE,
    Permission,
    Security,
    SessionData,
    allowed,
    csrf_matches,
    new_session,
    password_stamp,
    session_key,
)
from gateway.dependencies import SecurityDep, SessionDep, get_security

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"
templates = Jinja2Templates(directory=str(TEMPLATES_DIR))
templates.env.globals.update(
    LANGUAGES=LANGUAGES,
    DraftStatus=DraftStatus,
    topic_title=topic_title,
    status_title=status_title,
    gettext=gettext,
)


@dataclass
class Auth:
    """The request's session and, once logged in, its user."""

    session: SessionData
    user: AdminUser | None
    fresh: bool = False

    @property
    def role(self) -> str | None:
        """The user's role, or None when anonymous."""
        return self.user.role if self.user else None

    def can(self, permission: Permission | str) -> bool:
        """Whether the user carries `permission` (templates pass its name)."""
        return allowed(self.role, permission)


def client_ip(request: Request) -> str:
    """The client's address as the server sees it (a proxy must set it with --proxy-headers)."""
    return request.client.host if request.client else "unknown"


def _auth(request: Request, session: SessionDep, sec: SecurityDep) -> Auth:
    data = sec.codec.decode(request.cookies.get(SESSION_COOKIE))
    if data is None:
        return Auth(session=new_session(), user=None, fresh=True)
    user = session.get(AdminUser, data.user_id) if data.user_id is not None else None
    # A disabled account, a changed password or a session ended on the server (logout, or an
    # admin) ends it at the next request, whatever the cookie says.
    if user is not None and (
        not user.active
        or password_stamp(user.password_hash) != data.stamp
        or not session_alive(session, data.sid, user_id=user.id)
    ):
        user = None
        data.user_id = None
    return Auth(session=data, user=user)


def session_alive(session: Session, sid: str, *, user_id: int) -> bool:
    """Whether the server-side session `sid` exists for this user, unrevoked and unexpired."""
    if not sid:
        return False
    row = session.get(AdminSession, session_key(sid))
    return (
        row is not None
        and row.user_id == user_id
        and row.revoked_at is None
        and aware(row.expires_at) > utcnow()
    )


AuthDep = Annotated[Auth, Depends(_auth)]


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or "application/json" in request.headers.get(
        "accept", ""
    )


def require(permission: Permission) -> Any:
    """A dependency: the logged-in user with `permission`, else 401/redirect or 403."""
    permission = Permission(permission)

    def check(request: Request, auth: AuthDep) -> Auth:
        if auth.user is None:
            if _wants_json(request):
                raise HTTPException(status_code=401, detail="Log in first.")
            target = request.url.path
            raise HTTPException(
                status_code=303, headers={"Location": f"/admin/login?next={target}"}
            )
        if not auth.can(permission):
            raise HTTPException(status_code=403, detail="Your role does not allow this.")
        return auth

    return Depends(check)


# The logged-in user with a permission, as the admin pages and API declare them.
ContentAuth = Annotated[Auth, require(Permission.CONTENT)]
PublisherAuth = Annotated[Auth, require(Permission.PUBLISH)]
AuditorAuth = Annotated[Auth, require(Permission.AUDIT)]
ReviewerAuth = Annotated[Auth, require(Permission.UNANSWERED)]
UsersAuth = Annotated[Auth, require(Permission.USERS)]


async def _submitted_token(request: Request) -> str | None:
    header = request.headers.get(CSRF_HEADER)
    if header:
        return header
    content_type = request.headers.get("content-type", "")
    if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()
        value = form.get(CSRF_FIELD)
        return value if isinstance(value, str) else None
    return None


async def check_csrf(request: Request, auth: AuthDep) -> None:
    """Refuse a POST whose CSRF token does not match the session's (403)."""
    if auth.fresh or not csrf_matches(auth.session.csrf, await _submitted_token(request)):
        raise HTTPException(status_code=403, detail="Missing or wrong CSRF token; reload the page.")


CsrfChecked = Depends(check_csrf)


def set_session_cookie(response: Response, data: SessionData, sec: Security) -> None:
    """Write the signed session cookie: HttpOnly, SameSite=Lax, Secure outside development."""
    response.set_cookie(
        SESSION_COOKIE,
        sec.codec.encode(data),
        max_age=sec.codec.max_age,
        httponly=True,
        samesite="lax",
        secure=sec.secure_cookies,
        path="/",
    )


UI_LANGUAGE_COOKIE = "dalil_ui_lang"
UI_LANGUAGE_PARAM = "ui"


def ui_language(request: Request) -> Language:
    """The staff member's language: `?ui=`, else the cookie it set, else Accept-Language, else English."""
    for chosen in (
        request.query_params.get(UI_LANGUAGE_PARAM),
        request.cookies.get(UI_LANGUAGE_COOKIE),
    ):
        if chosen in LANGUAGES:
            return coerce_language(chosen)
    return negotiate(request.headers.get("accept-language")) or "en"


def render(
    request: Request,
    auth: Auth,
    template: str,
    *,
    status_code: int = 200,
    page_language: str | None = None,
    **context: Any,
) -> HTMLResponse:
    """Render a page with the session's CSRF token, and store a new session if there was none.

    The page is in `page_language` when the page itself chooses it (the checker's language),
    else in the staff member's language (`ui_language`).
    """
    lang = coerce_language(page_language or ui_language(request), default="en")
    response = templates.TemplateResponse(
        request,
        template,
        {
            "auth": auth,
            "user": auth.user,
            "csrf_token": auth.session.csrf,
            "lang": lang,
            "dir": "rtl" if lang in RTL_LANGUAGES else "ltr",
            "t": lambda message, **params: gettext(lang, message, **params),
            "ui_param": UI_LANGUAGE_PARAM,
            "ui_languages": [(code, language_name(code)) for code in LANGUAGES],
            "self_publish_allowed": get_security(request).allow_self_publish,
            **context,
        },
        status_code=status_code,
    )
    chosen = request.query_params.get(UI_LANGUAGE_PARAM)
    if chosen in LANGUAGES:
        response.set_cookie(
            UI_LANGUAGE_COOKIE,
            coerce_language(chosen),
            max_age=365 * 24 * 3600,
            httponly=True,
            samesite="lax",
            secure=get_security(request).secure_cookies,
            path="/",
        )
    response.headers["Cache-Control"] = "no-store"
    if auth.fresh:
        set_session_cookie(response, auth.session, get_security(request))
    return response
