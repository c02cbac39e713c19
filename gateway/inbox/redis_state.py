"""State several gateway processes share through Redis: the conversations' language."""

from __future__ import annotations

from datetime import datetime

from redis.asyncio import Redis

from dalil.clock import utcnow


class RedisLanguageMemory:
    """`LanguageMemory` in Redis, so every gateway process answers a person in the same language."""

    def __init__(
        self, redis: Redis, *, prefix: str = "dalil:", ttl_seconds: int = 90 * 86400
    ) -> None:
        self._redis = redis
        self._prefix = prefix
        self._ttl = ttl_seconds

    def _key(self, sender: str) -> str:
        return f"{self._prefix}lang:{sender}"

    async def get(self, sender: str) -> str | None:
        """The conversation's language, if known."""
        value = await self._redis.get(self._key(sender))
        return value.decode() if isinstance(value, bytes) else value

    async def set(self, sender: str, language: str) -> None:
        """Remember the conversation's language (forgotten after a quiet period)."""
        await self._redis.set(self._key(sender), language, ex=self._ttl)

    async def forget(self, sender: str) -> None:
        """Drop a person's language (deletion request)."""
        await self._redis.delete(self._key(sender))

    async def purge_older_than(self, cutoff: datetime) -> int:
        """Drop the languages last set before `cutoff` (the key's remaining life tells when)."""
        oldest_ttl = self._ttl - (utcnow() - cutoff).total_seconds()
        removed = 0
        async for key in self._redis.scan_iter(match=f"{self._prefix}lang:*", count=500):
            ttl = await self._redis.ttl(key)
            if 0 <= ttl < oldest_ttl:
                removed += int(await self._redis.delete(key))
        return removed
