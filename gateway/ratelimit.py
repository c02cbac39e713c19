"""Bounds on what clients may send: per sender, per address, turns at once, handovers, bytes."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import math
import time
from collections import OrderedDict, deque
from collections.abc import AsyncIterator
from typing import Protocol

from redis.asyncio import Redis
from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from dalil.i18n import gettext
from knowledge.emergency import reminder_numbers


class RateLimiter(Protocol):
    """Counts a sender's messages."""

    async def allow(self, key: str) -> bool:
        """Count one message; False when the sender is over the limit."""

    async def hit(self, key: str) -> float:
        """Count one message; 0 when allowed, else the seconds to wait before the next."""


class MemoryRateLimiter:
    """A sliding window per sender, for one process; bounded in the number of senders."""

    def __init__(self, limit: int, window_seconds: float = 60.0, capacity: int = 100_000) -> None:
        self._limit = limit
        self._window = window_seconds
        self._capacity = capacity
        self._hits: OrderedDict[str, deque[float]] = OrderedDict()

    async def allow(self, key: str) -> bool:
        """Count one message; False when the sender is over the limit."""
        return await self.hit(key) == 0

    async def hit(self, key: str) -> float:
        """Count one message; 0 when allowed, else the seconds until the oldest one expires."""
        now = time.monotonic()
        hits = self._hits.setdefault(key, deque())
        self._hits.move_to_end(key)
        while hits and hits[0] <= now - self._window:
            hits.popleft()
        if len(self._hits) > self._capacity:
            self._hits.popitem(last=False)
        if len(hits) >= self._limit:
            return max(hits[0] + self._window - now, 0.001)
        hits.append(now)
        return 0.0

    async def forget(self, key: str) -> None:
        """Drop a sender's counter (deletion request)."""
        self._hits.pop(key, None)


class RedisRateLimiter:
    """A fixed window per sender in Redis, shared by every gateway process."""

    def __init__(
        self, redis: Redis, limit: int, window_seconds: int = 60, prefix: str = "dalil:"
    ) -> None:
        self._redis = redis
        self._limit = limit
        self._window = window_seconds
        self._prefix = prefix

    async def allow(self, key: str) -> bool:
        """Count one message; False when the sender is over the limit."""
        return await self.hit(key) == 0

    async def hit(self, key: str) -> float:
        """Count one message; 0 when allowed, else the seconds until the window turns."""
        now = time.time()
        window = int(now // self._window)
        name = f"{self._prefix}rate:{key}:{window}"
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.incr(name)
            pipe.expire(name, self._window * 2)
            count, _ = await pipe.execute()
        if int(count) <= self._limit:
            return 0.0
        return max((window + 1) * self._window - now, 0.001)

    async def forget(self, key: str) -> None:
        """Drop a sender's counters (deletion request)."""
        async for name in self._redis.scan_iter(match=f"{self._prefix}rate:{key}:*"):
            await self._redis.delete(name)

    async def purge_older_than(self, cutoff: float) -> int:
        """Drop every counter of a window that started before `cutoff` (a Unix time)."""
        removed = 0
        async for name in self._redis.scan_iter(match=f"{self._prefix}rate:*"):
            window = (name.decode() if isinstance(name, bytes) else name).rsplit(":", 1)[-1]
            if window.isdigit() and int(window) * self._window < cutoff:
                removed += int(await self._redis.delete(name))
        return removed


def rate_limiter(
    redis: Redis | None, limit: int, *, window_seconds: int = 60, prefix: str = "dalil:"
) -> RateLimiter:
    """Shared through Redis when there is one, else this process's own memory."""
    if redis is not None:
        return RedisRateLimiter(redis, limit, window_seconds=window_seconds, prefix=prefix)
    return MemoryRateLimiter(limit, window_seconds=window_seconds)


class TooBusy(Exception):
    """Every turn slot of this process is taken."""


class ChatGuard:
    """What the public chat API checks before a turn: the client's address, and turns at once.

    The sender id is chosen by the client, so its limit alone is no limit: the address (as
    seen through trusted proxies only) and a cap on turns in flight bound what one machine and
    everyone together can make Rasa and the staff do.
    """

    def __init__(
        self,
        *,
        per_ip: RateLimiter,
        max_concurrent_turns: int,
        handovers_per_ip: RateLimiter,
        handovers_global: RateLimiter,
    ) -> None:
        self._per_ip = per_ip
        self._slots = asyncio.Semaphore(max_concurrent_turns)
        self._handovers_per_ip = handovers_per_ip
        self._handovers_global = handovers_global

    async def admit(self, client: str) -> float:
        """Count one message from `client`; 0 when allowed, else the seconds to wait."""
        return await self._per_ip.hit(f"chat-ip:{client}")

    @contextlib.asynccontextmanager
    async def turn(self) -> AsyncIterator[None]:
        """Hold one of the turn slots for a turn; raises TooBusy when none is free."""
        if self._slots.locked():
            raise TooBusy()
        async with self._slots:
            yield

    async def allow_handover(self, who: str) -> bool:
        """Whether `who` (an address, or a sender on channels) may open one more handover."""
        # Hashed: a messaging sender's pseudonym must not outlive "delete my data" in a key name.
        digest = hashlib.sha256(who.encode()).hexdigest()[:24]
        if await self._handovers_per_ip.hit(f"handover:{digest}"):
            return False
        return await self._handovers_global.hit("handover:all") == 0


def retry_after(seconds: float) -> str:
    """A Retry-After header value: whole seconds, at least one."""
    return str(max(1, math.ceil(seconds)))


class BodyTooLarge(HTTPException):
    """Raised while reading a body that grows past the limit (chunked, or a lying length)."""

    def __init__(self) -> None:
        super().__init__(status_code=413, detail="Request body too large.")


class BodyLimitMiddleware:
    """Refuse bodies over `max_bytes` when they come without Content-Length (chunked).

    Such a body is read here, up to the limit, before the app sees it: an exception raised from
    inside `receive` would reach the client as a 400 or a 500 through the other middlewares.
    Bodies with a Content-Length are checked by the app's own middleware before reading.
    """

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Buffer a length-less body up to the limit, then replay it to the app."""
        if scope["type"] != "http" or any(k == b"content-length" for k, _ in scope["headers"]):
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                await self.app(scope, _replay([message], receive), send)
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                response = JSONResponse({"detail": "Request body too large."}, status_code=413)
                await response(scope, receive, send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = {"type": "http.request", "body": b"".join(chunks), "more_body": False}
        await self.app(scope, _replay([body], receive), send)


def _replay(messages: list[Message], receive: Receive) -> Receive:
    """A `receive` that hands out `messages` first, then defers to the real one."""
    pending = list(messages)

    async def replay() -> Message:
        if pending:
            return pending.pop(0)
        return await receive()

    return replay


def too_many_messages(language: str) -> str:
    """The polite answer to a client over the chat limits."""
    return gettext(
        language,
        "You are sending many messages at once. Please wait a moment, then write again. "
        "In an emergency, call the police on {police} or an ambulance on {ambulance}.",
        **reminder_numbers(language),
    )


def handovers_busy(language: str) -> str:
    """Said instead of the handover announcement when no more handovers may be opened now."""
    return gettext(
        language,
        "Our partners cannot take another conversation right now. Please ask again later. "
        "In an emergency, call the police on {police} or an ambulance on {ambulance}.",
        **reminder_numbers(language),
    )
