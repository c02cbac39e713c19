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


class BodyTooLarge(HTTPException):
    """Raised while reading a body that grows past the limit (chunked, or a lying length)."""

    def __init__(self) -> None:
        super().__init__(status_code=413, detail="Request body too large.")


class BodyLimitMiddleware:
    """Refuse bodies over `max_bytes` as they stream in, with or without Content-Length."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Count the bytes of each `http.request` message."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        received = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    # FastAPI re-raises HTTPExceptions from body reading: this becomes a 413.
                    raise BodyTooLarge()
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except BodyTooLarge:
            if started:
                return
            response = JSONResponse({"detail": "Request body too large."}, status_code=413)
            await response(scope, receive, send)
