"""One turn at a time per conversation, across every gateway process.

A double tap in the web chat, or a user writing again before the answer came, sends two
messages of one conversation at once. Rasa's own lock store is meant to queue them, but its
Redis ticket lock is not atomic across Rasa processes: with two replicas the second message can
fail with `LockError`, which Rasa's REST channel turns into an empty answer (a lost turn, seen
in `tests/scale/test_two_rasa_replicas.py`). The gateway therefore hands Rasa one message per
conversation at a time: a per-process lock, or a Redis lock (`SET NX PX`, released by token)
when several gateways share `DALIL_REDIS_URL`.

Waiting is bounded: past `wait_seconds` the turn goes ahead unlocked (Rasa's lock is still
there), so a stuck holder delays the next message, never silences the conversation. If Redis
is unreachable the turn goes ahead too: an answer matters more than the ordering guarantee.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Protocol

from redis.asyncio import Redis
from redis.exceptions import LockError, RedisError

log = logging.getLogger(__name__)


class TurnLock(Protocol):
    """Serialises the turns of each conversation."""

    def hold(self, sender: str) -> AbstractAsyncContextManager[None]:
        """Hold the conversation's turn for the duration of the block."""


class LocalTurnLock:
    """One process: an `asyncio.Lock` per conversation, kept only while someone uses it."""

    def __init__(self, wait_seconds: float) -> None:
        self._wait = wait_seconds
        self._locks: dict[str, asyncio.Lock] = {}
        self._users: dict[str, int] = {}

    @asynccontextmanager
    async def hold(self, sender: str) -> AsyncIterator[None]:
        """Hold the conversation's turn (or go ahead after `wait_seconds`)."""
        lock = self._locks.setdefault(sender, asyncio.Lock())
        self._users[sender] = self._users.get(sender, 0) + 1
        acquired = False
        try:
            try:
                async with asyncio.timeout(self._wait):
                    acquired = await lock.acquire()
            except TimeoutError:
                log.warning("turn lock: previous turn still running; going ahead")
            yield
        finally:
            if acquired:
                lock.release()
            self._users[sender] -= 1
            if not self._users[sender]:
                del self._users[sender], self._locks[sender]

    def held(self) -> int:
        """How many conversations have a turn running or waiting (for tests and metrics)."""
        return len(self._locks)


class RedisTurnLock:
    """Several processes: a Redis lock per conversation that expires after `lease_seconds`."""

    def __init__(
        self,
        redis: Redis,
        *,
        prefix: str,
        lease_seconds: float,
        wait_seconds: float,
        poll_seconds: float = 0.02,
    ) -> None:
        self._redis = redis
        self._prefix = prefix
        self._lease = lease_seconds
        self._wait = wait_seconds
        self._poll = poll_seconds

    def key(self, sender: str) -> str:
        """The Redis key of a conversation's turn."""
        return f"{self._prefix}turn:{sender}"

    @asynccontextmanager
    async def hold(self, sender: str) -> AsyncIterator[None]:
        """Hold the conversation's turn (or go ahead after `wait_seconds`, or without Redis)."""
        lock = self._redis.lock(
            self.key(sender), timeout=self._lease, sleep=self._poll, blocking_timeout=self._wait
        )
        acquired = False
        try:
            acquired = await lock.acquire()
            if not acquired:
                log.warning("turn lock: previous turn still running; going ahead")
        except RedisError as exc:
            log.warning("turn lock unavailable; going ahead", extra={"reason": type(exc).__name__})
        try:
            yield
        finally:
            if acquired:
                try:
                    await lock.release()
                except (LockError, RedisError) as exc:
                    # Expired (a turn longer than the lease) or Redis gone: nothing left to free.
                    log.warning("turn lock not released", extra={"reason": type(exc).__name__})


def turn_lock(
    redis: Redis | None, *, prefix: str = "dalil:", rasa_timeout_seconds: float = 30.0
) -> TurnLock:
    """Shared through Redis when there is one; a turn waits at most as long as Rasa may take."""
    wait = rasa_timeout_seconds + 5.0
    if redis is None:
        return LocalTurnLock(wait_seconds=wait)
    return RedisTurnLock(redis, prefix=prefix, lease_seconds=wait + 10.0, wait_seconds=wait)
