"""Bounds on what one client may send: messages per sender per minute, and bytes per request."""

from __future__ import annotations

import time
from collections import OrderedDict, deque
from typing import Protocol

from redis.asyncio import Redis
from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class RateLimiter(Protocol):
    """Counts a sender's messages."""

    async def allow(self, key: str) -> bool:
        """Count one message; False when the sender is over the limit."""


class MemoryRateLimiter:
    """A sliding window per sender, for one process; bounded in the number of senders."""

    def __init__(self, limit: int, window_seconds: float = 60.0, capacity: int = 100_000) -> None:
        self._limit = limit
        self._window = window_seconds
        self._capacity = capacity
        self._hits: OrderedDict[str, deque[float]] = OrderedDict()

    async def allow(self, key: str) -> bool:
        """Count one message; False when the sender is over the limit."""
        now = time.monotonic()
        hits = self._hits.setdefault(key, deque())
        self._hits.move_to_end(key)
        while hits and hits[0] <= now - self._window:
            hits.popleft()
        if len(self._hits) > self._capacity:
            self._hits.popitem(last=False)
        if len(hits) >= self._limit:
            return False
        hits.append(now)
        return True

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
        window = int(time.time() // self._window)
        name = f"{self._prefix}rate:{key}:{window}"
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.incr(name)
            pipe.expire(name, self._window * 2)
            count, _ = await pipe.execute()
        return int(count) <= self._limit

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
