"""The one way routes reach the gateway's shared objects and settings.

`create_app` puts the settings on `app.state`; its lifespan adds what lives as long as the
process (HTTP client, Rasa client, engine, inbox...). Routes never read `app.state`: they
declare one of the `Annotated` aliases below. Where an object may be absent (a test app
without the lifespan, or the lifespan's part that did not start), the alias's type says so
(`... | None`) and the route decides what to do without it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated

import httpx
from fastapi import Depends, Request
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from gateway.admin.security import Security, make_security
from gateway.conversation import ConversationService
from gateway.inbox.runtime import Inbox
from gateway.rasa import RasaClient
from gateway.ratelimit import ChatGuard
from gateway.settings import GatewaySettings


def get_settings(request: Request) -> GatewaySettings:
    """The app's settings (set by `create_app`, before any request)."""
    settings: GatewaySettings = request.app.state.settings
    return settings


def get_http(request: Request) -> httpx.AsyncClient:
    """The HTTP client the lifespan opened."""
    http: httpx.AsyncClient = request.app.state.http
    return http


def get_optional_http(request: Request) -> httpx.AsyncClient | None:
    """The HTTP client, or None in an app started without the lifespan."""
    http: httpx.AsyncClient | None = getattr(request.app.state, "http", None)
    return http


def get_rasa(request: Request) -> RasaClient:
    """The client of the Rasa server."""
    rasa: RasaClient = request.app.state.rasa
    return rasa


def get_engine(request: Request) -> Engine:
    """The database engine the lifespan owns (`knowledge.db.make_engine`)."""
    engine: Engine = request.app.state.engine
    return engine


def get_optional_engine(request: Request) -> Engine | None:
    """The engine, or None before the lifespan made it."""
    engine: Engine | None = getattr(request.app.state, "engine", None)
    return engine


def get_session(engine: Annotated[Engine, Depends(get_engine)]) -> Iterator[Session]:
    """A database session for one request."""
    with Session(engine, expire_on_commit=False) as session:
        yield session


def get_conversations(request: Request) -> ConversationService:
    """What answers a user's message (Rasa, the handover desk, alerts)."""
    conversations: ConversationService = request.app.state.conversations
    return conversations


def get_inbox(request: Request) -> Inbox:
    """The messaging channels' inbox (webhooks cannot work without it)."""
    inbox: Inbox = request.app.state.inbox
    return inbox


def get_optional_inbox(request: Request) -> Inbox | None:
    """The inbox, or None when the app runs without it (web chat only)."""
    inbox: Inbox | None = getattr(request.app.state, "inbox", None)
    return inbox


def get_chat_guard(request: Request) -> ChatGuard | None:
    """The chat API's limits per address and on turns at once; None without the lifespan."""
    guard: ChatGuard | None = getattr(request.app.state, "chat_guard", None)
    return guard


def get_security(request: Request) -> Security:
    """The admin pages' session signer and login limiter, made on first use, one per app."""
    state = request.app.state
    existing: Security | None = getattr(state, "admin_security", None)
    if existing is None:
        existing = state.admin_security = make_security(get_settings(request))
    return existing


@dataclass
class ActionProbe:
    """The last health probe of the action server: when (monotonic seconds), and its verdict."""

    checked_at: float = 0.0
    down: bool = False


def get_action_probe(request: Request) -> ActionProbe:
    """The app's cached action-server probe (the NLG endpoint's), made on first use."""
    state = request.app.state
    existing: ActionProbe | None = getattr(state, "action_probe", None)
    if existing is None:
        existing = state.action_probe = ActionProbe()
    return existing


SettingsDep = Annotated[GatewaySettings, Depends(get_settings)]
HttpDep = Annotated[httpx.AsyncClient, Depends(get_http)]
OptionalHttpDep = Annotated[httpx.AsyncClient | None, Depends(get_optional_http)]
RasaDep = Annotated[RasaClient, Depends(get_rasa)]
EngineDep = Annotated[Engine, Depends(get_engine)]
OptionalEngineDep = Annotated[Engine | None, Depends(get_optional_engine)]
SessionDep = Annotated[Session, Depends(get_session)]
ConversationsDep = Annotated[ConversationService, Depends(get_conversations)]
InboxDep = Annotated[Inbox, Depends(get_inbox)]
OptionalInboxDep = Annotated[Inbox | None, Depends(get_optional_inbox)]
ChatGuardDep = Annotated[ChatGuard | None, Depends(get_chat_guard)]
SecurityDep = Annotated[Security, Depends(get_security)]
ActionProbeDep = Annotated[ActionProbe, Depends(get_action_probe)]
