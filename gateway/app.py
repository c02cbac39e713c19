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
from sqlalchemy import create_engine

from dalil.logging import configure_logging
from gateway import nlg
from gateway.admin import routes as admin_routes
from gateway.alerts import routes as alert_routes
from gateway.alerts.controls import AlertControls
from gateway.inbox.runtime import language_memory, open_redis, run_inbox
from gateway.language import start_warm_up
from gateway.rasa import RasaClient
from gateway.ratelimit import BodyLimitMiddleware
from gateway.routers import chat, health, web, webhooks
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

log = logging.getLogger("gateway.access")
STATIC_DIR = Path(__file__).parent / "static"


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
            app.state.engine = create_engine(settings.database_url, pool_pre_ping=True)
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
            app.state.conversations = AlertControls(
                HandoverConversationService(app.state.rasa, languages, desk, turns), app.state.engine
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

    app = FastAPI(
        title="Dalil gateway",
        summary="Messaging gateway, web chat and chat API of Dalil.",
        version="0.1.0",
        lifespan=lifespan,
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
        # Never the message text or a phone number at INFO: only the shape of the request.
        log.info(
            "request",
            extra={
                "method": request.method,
                "path": request.url.path,
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
    app.include_router(admin_routes.router)
    app.include_router(admin_routes.api)
    app.include_router(staff_routes.router)
    app.include_router(staff_routes.chat_inbox)
    app.include_router(alert_routes.router)
    app.include_router(alert_routes.api)
    app.include_router(alert_routes.webhooks)
    # Outermost: also bounds chunked bodies, which carry no Content-Length.
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes)

    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    return app
