"""The gateway's FastAPI application factory."""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from redis.asyncio import Redis
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from dalil import __version__
from dalil.logging import configure_logging
from gateway import metrics, nlg
from gateway.admin import api as admin_api
from gateway.admin import pages as admin_pages
from gateway.alerts import routes as alert_routes
from gateway.alerts.controls import AlertControls
from gateway.conversation import Inbound
from gateway.inbox.runtime import language_memory, open_redis, run_inbox
from gateway.insights import routes as insights_routes
from gateway.insights.events import Insights, feedback_memory
from gateway.language import start_warm_up
from gateway.rasa import RasaClient
from gateway.ratelimit import BodyLimitMiddleware, ChatGuard, rate_limiter
from gateway.routers import chat, health, web, webhooks
from gateway.routers import metrics as metrics_routes
from gateway.settings import GatewaySettings, get_settings
from gateway.staff import routes as staff_routes
from gateway.staff.handover import (
    ChannelSender,
    HandoverConversationService,
    HandoverDesk,
    RasaTrackerReader,
)
from gateway.staff.lifecycle import HandoverSweeper, run_sweeper
from gateway.turns import turn_lock
from knowledge.db import make_engine

log = logging.getLogger("gateway.access")
STATIC_DIR = Path(__file__).parent / "static"
# No inline script or style anywhere: an injected <script> cannot run. Pages are never framed.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
HSTS = "max-age=31536000; includeSubDomains"


def chat_guard(settings: GatewaySettings, redis: Redis | None) -> ChatGuard:
    """The chat API's limits per address, on turns at once, and on opening handovers."""
    prefix = settings.redis_key_prefix
    hour = 3600
    return ChatGuard(
        per_ip=rate_limiter(redis, settings.chat_ip_limit_per_minute, prefix=prefix),
        max_concurrent_turns=settings.chat_max_concurrent_turns,
        handovers_per_ip=rate_limiter(
            redis, settings.handover_ip_limit_per_hour, window_seconds=hour, prefix=prefix
        ),
        handovers_global=rate_limiter(
            redis, settings.handover_global_limit_per_hour, window_seconds=hour, prefix=prefix
        ),
    )


def route_template(request: Request) -> str:
    """The matched route's path template (`/api/v1/chat`), never the path with its values."""
    route = request.scope.get("route")
    path = getattr(route, "path", None)
    if isinstance(path, str):
        return path
    # Static files and unmatched paths: only the first segment, which holds no identifier.
    first = request.url.path.strip("/").split("/", 1)[0]
    return f"/{first}/…" if first else "/"


def create_app(settings: GatewaySettings | None = None) -> FastAPI:
    """Build the gateway; its lifespan owns the HTTP client and the database engine."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        configure_logging(settings.log_level)
        # lingua takes seconds to load its models: do it now, beside start-up, not on a user's turn.
        start_warm_up()
        async with (
            httpx.AsyncClient(timeout=settings.rasa_timeout_seconds) as http,
            open_redis(settings) as redis,
        ):
            app.state.http = http
            app.state.rasa = RasaClient(
                http, base_url=settings.rasa_url, token=settings.rasa_token.get_secret_value()
            )
            languages = language_memory(redis, prefix=settings.redis_key_prefix)
            app.state.engine = make_engine(settings.database_url, pool_pre_ping=True)
            # While a person handles a conversation, the bot stays silent: the desk keeps the turns.
            desk = HandoverDesk(
                app.state.engine,
                tracker=RasaTrackerReader(
                    http, base_url=settings.rasa_url, token=settings.rasa_token.get_secret_value()
                ),
            )
            turns = turn_lock(
                redis,
                prefix=settings.redis_key_prefix,
                rasa_timeout_seconds=settings.rasa_timeout_seconds,
            )
            guard = chat_guard(settings, redis)
            app.state.chat_guard = guard

            async def may_open_handover(inbound: Inbound) -> bool:
                # Web clients count by address; messaging senders are phone numbers or accounts.
                return await guard.allow_handover(inbound.client or inbound.sender)

            app.state.conversations = AlertControls(
                HandoverConversationService(
                    app.state.rasa, languages, desk, turns, may_open_handover=may_open_handover
                ),
                app.state.engine,
            )
            app.state.conversations.insights = Insights(
                app.state.engine,
                key=settings.pseudonym_key.get_secret_value().encode(),
                memory=feedback_memory(redis, prefix=settings.redis_key_prefix),
            )
            try:
                async with (
                    run_inbox(settings, app.state.conversations, redis) as inbox,
                    run_sweeper(
                        HandoverSweeper(
                            app.state.engine,
                            ChannelSender(inbox),
                            reply_minutes=settings.handover_reply_minutes,
                            inactive_hours=settings.handover_inactive_hours,
                        ),
                        every_seconds=settings.handover_sweep_seconds,
                    ),
                ):
                    app.state.inbox = inbox
                    yield
            finally:
                app.state.engine.dispose()

    docs = settings.docs_enabled
    app = FastAPI(
        title="Dalil gateway",
        summary="Messaging gateway, web chat and chat API of Dalil.",
        version=__version__,
        lifespan=lifespan,
        # Off in production unless DALIL_API_DOCS=true: a map of every route helps attackers most.
        docs_url="/docs" if docs else None,
        redoc_url="/redoc" if docs else None,
        openapi_url="/openapi.json" if docs else None,
    )
    app.state.settings = settings

    @app.middleware("http")
    async def bound_and_log(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        length = request.headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > settings.max_body_bytes):
            return JSONResponse({"detail": "Request body too large."}, status_code=413)
        started = time.perf_counter()
        response = await call_next(request)
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "no-referrer")
        headers.setdefault("X-Frame-Options", "DENY")
        if settings.environment == "production":
            headers.setdefault("Strict-Transport-Security", HSTS)
        # Never the message text, a phone number or an id in a path: the route's template only.
        log.info(
            "request",
            extra={
                "method": request.method,
                "path": route_template(request),
                "status": response.status_code,
                "ms": round((time.perf_counter() - started) * 1000, 1),
            },
        )
        return response

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {"field": ".".join(str(p) for p in e["loc"] if p != "body"), "message": e["msg"]}
            for e in exc.errors()
        ]
        summary = "; ".join(f"{e['field'] or 'body'}: {e['message']}" for e in errors)
        return JSONResponse({"detail": summary, "errors": errors}, status_code=422)

    app.include_router(health.router)
    app.include_router(chat.router)
    app.include_router(webhooks.router)
    app.include_router(web.router)
    app.include_router(nlg.router)
    app.include_router(admin_pages.router)
    app.include_router(admin_api.api)
    app.include_router(staff_routes.router)
    app.include_router(staff_routes.chat_inbox)
    app.include_router(insights_routes.router)
    metrics.install(app)
    app.include_router(metrics_routes.router)
    app.include_router(alert_routes.router)
    app.include_router(alert_routes.api)
    app.include_router(alert_routes.webhooks)
    # Outermost: also bounds chunked bodies, which carry no Content-Length.
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes)
    # X-Forwarded-For/-Proto believed from the trusted proxies only (DALIL_TRUSTED_PROXIES), so a
    # client cannot pick its own address to dodge the limits; the same list is given to uvicorn.
    app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.trusted_proxy_list)

    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    return app
