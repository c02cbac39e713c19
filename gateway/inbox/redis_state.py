"""State several gateway processes share through Redis: the conversations' language."""

from __future__ import annotations

from redis.asyncio import Redis


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
