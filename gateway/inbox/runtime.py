"""Wiring of the inbox for the app's lifespan: store, channels, rate limiter, workers, Redis."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
from redis.asyncio import Redis

from gateway.channels import build_channels
from gateway.channels.base import Channel
from gateway.conversation import ConversationService, InMemoryLanguageMemory, LanguageMemory
from gateway.inbox.redis_state import RedisLanguageMemory
from gateway.inbox.store import InboxStore, make_inbox_engine
from gateway.inbox.worker import Worker
from gateway.purge import Forgetter
from gateway.ratelimit import MemoryRateLimiter, RateLimiter, RedisRateLimiter
from gateway.settings import GatewaySettings

log = logging.getLogger(__name__)
PROVIDER_TIMEOUT_SECONDS = 15.0
SHUTDOWN_GRACE_SECONDS = 10.0


@dataclass
class Inbox:
    """What the webhooks need: the channels, the store, the limiter and the worker to wake."""

    channels: dict[str, Channel]
    store: InboxStore
    limiter: RateLimiter
    worker: Worker
    ready: bool
    forgetter: Forgetter


@contextlib.asynccontextmanager
async def open_redis(settings: GatewaySettings) -> AsyncIterator[Redis | None]:
    """A Redis client when `DALIL_REDIS_URL` is set, else None (one process, in memory)."""
    if not settings.redis_url:
        yield None
        return
    redis = Redis.from_url(settings.redis_url)
    try:
        yield redis
    finally:
        await redis.aclose()


def language_memory(redis: Redis | None, *, prefix: str = "dalil:") -> LanguageMemory:
    """Shared through Redis when there is one, so every process answers in the same language."""
    return (
        RedisLanguageMemory(redis, prefix=prefix) if redis is not None else InMemoryLanguageMemory()
    )


@contextlib.asynccontextmanager
async def run_inbox(
    settings: GatewaySettings,
    conversations: ConversationService,
    redis: Redis | None,
) -> AsyncIterator[Inbox]:
    """Start the workers for the lifespan of the app; pending messages resume on the next start."""
    engine = make_inbox_engine(settings.database_url)
    store = InboxStore(engine)
    limiter: RateLimiter = (
        RedisRateLimiter(redis, settings.rate_limit_per_minute, prefix=settings.redis_key_prefix)
        if redis is not None
        else MemoryRateLimiter(settings.rate_limit_per_minute)
    )
    async with httpx.AsyncClient(timeout=PROVIDER_TIMEOUT_SECONDS) as http:
        forgetter = Forgetter(
            store,
            conversations.rasa,
            tracker_url=settings.rasa_tracker_database_url,
            languages=conversations.languages,
            limiter=limiter,
        )
        channels = build_channels(settings, http)
        worker = Worker(
            store,
            conversations,
            channels,
            forget=forgetter.forget,
            concurrency=settings.worker_concurrency,
            poll_seconds=settings.worker_poll_seconds,
            retry_base_seconds=settings.retry_base_seconds,
            retry_max_delay=settings.retry_max_delay_seconds,
            give_up_after=settings.retry_max_attempts,
        )
        ready = await asyncio.to_thread(store.is_ready)
        if not ready:
            log.error(
                "gateway tables missing: run `alembic -c knowledge/alembic.ini upgrade head`; "
                "webhooks answer 503"
            )
        task = asyncio.create_task(worker.run()) if ready else None
        try:
            yield Inbox(channels, store, limiter, worker, ready, forgetter)
        finally:
            try:
                # A queue stuck on a slow provider must not hold the process's shutdown forever;
                # its message stays pending and is answered after the restart.
                await asyncio.wait_for(worker.stop(), timeout=SHUTDOWN_GRACE_SECONDS)
            except TimeoutError:
                log.warning("inbox workers did not stop in time; pending messages resume later")
            if task is not None:
                # stop() ends the dispatcher's loop; cancelling is only the fallback, and the
                # wait is bounded either way.
                _, pending = await asyncio.wait({task}, timeout=SHUTDOWN_GRACE_SECONDS)
                for late in pending:
                    late.cancel()
            forgetter.close()
            engine.dispose()
