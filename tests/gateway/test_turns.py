"""One turn at a time per conversation: in one process, across gateways, and when things fail."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager

import httpx
import pytest
import redis
from redis.asyncio import Redis

from bench.devstack import free_port
from gateway.turns import LocalTurnLock, RedisTurnLock, turn_lock
from tests.fakes.gateway import REDIS_URL, Harness, running_gateway, sender_of, settings_for


async def _overlaps(lock: LocalTurnLock | RedisTurnLock, senders: list[str]) -> list[str]:
    """Run a 50 ms turn for each sender at once; the log of starts and ends."""
    events: list[str] = []

    async def turn(sender: str, n: int) -> None:
        async with lock.hold(sender):
            events.append(f"start {sender}")
            await asyncio.sleep(0.05)
            events.append(f"end {sender}")

    await asyncio.gather(*(turn(s, n) for n, s in enumerate(senders)))
    return events


def test_a_conversations_turns_run_one_after_the_other() -> None:
    lock = LocalTurnLock(wait_seconds=5)
    events = asyncio.run(_overlaps(lock, ["a", "a", "a"]))
    assert events == ["start a", "end a"] * 3
    assert lock.held() == 0


def test_different_conversations_are_not_held_up_by_each_other() -> None:
    lock = LocalTurnLock(wait_seconds=5)
    events = asyncio.run(_overlaps(lock, ["a", "b"]))
    assert events[:2] == ["start a", "start b"]


def test_a_stuck_turn_delays_the_next_one_but_does_not_silence_it() -> None:
    lock = LocalTurnLock(wait_seconds=0.1)

    async def scenario() -> float:
        stuck = asyncio.Event()

        async def stuck_turn() -> None:
            async with lock.hold("a"):
                stuck.set()
                await asyncio.sleep(1)

        task = asyncio.create_task(stuck_turn())
        await stuck.wait()
        started = time.monotonic()
        async with lock.hold("a"):
            waited = time.monotonic() - started
        await task
        return waited

    assert 0.09 <= asyncio.run(scenario()) < 0.9
    assert lock.held() == 0


def test_a_failing_turn_frees_the_conversation() -> None:
    lock = LocalTurnLock(wait_seconds=5)

    async def scenario() -> None:
        with pytest.raises(RuntimeError):
            async with lock.hold("a"):
                raise RuntimeError("rasa failed")
        async with asyncio.timeout(1):
            async with lock.hold("a"):
                pass

    asyncio.run(scenario())
    assert lock.held() == 0


@asynccontextmanager
async def _two_processes(prefix: str, **kwargs: float) -> AsyncIterator[tuple[RedisTurnLock, ...]]:
    """Two turn locks on two Redis connections, as two gateway processes have."""
    clients = [Redis.from_url(REDIS_URL), Redis.from_url(REDIS_URL)]
    try:
        yield tuple(
            RedisTurnLock(
                c,
                prefix=prefix,
                lease_seconds=kwargs.get("lease", 10),
                wait_seconds=kwargs.get("wait", 5),
            )
            for c in clients
        )
    finally:
        for c in clients:
            await c.aclose()


@pytest.mark.redis
def test_two_processes_take_a_conversations_turns_one_after_the_other(redis_prefix: str) -> None:
    async def scenario() -> list[str]:
        events: list[str] = []
        async with _two_processes(redis_prefix) as (a, b):

            async def turn(lock: RedisTurnLock, sender: str) -> None:
                async with lock.hold(sender):
                    events.append(f"start {sender}")
                    await asyncio.sleep(0.1)
                    events.append(f"end {sender}")

            await asyncio.gather(turn(a, "x"), turn(b, "x"), turn(a, "x"), turn(b, "y"))
        # Released: nothing is left behind in Redis.
        assert not redis.Redis.from_url(REDIS_URL).exists(a.key("x"))
        return events

    events = asyncio.run(scenario())
    x_only = [e for e in events if e.endswith(" x")]
    assert x_only == ["start x", "end x"] * 3
    # "y" is a different conversation: it started while the first "x" turn was running.
    assert events.index("start y") < events.index("end x")


@pytest.mark.redis
def test_a_turn_longer_than_the_lease_lets_the_next_one_in_and_ends_quietly(
    redis_prefix: str,
) -> None:
    async def scenario() -> float:
        async with _two_processes(redis_prefix, lease=0.2, wait=5) as (a, b):
            started = time.monotonic()

            async def long_turn() -> None:
                async with a.hold("x"):
                    await asyncio.sleep(0.6)  # the lease expires meanwhile; release must not raise

            task = asyncio.create_task(long_turn())
            await asyncio.sleep(0.05)
            async with b.hold("x"):
                waited = time.monotonic() - started
            await task
        return waited

    assert asyncio.run(scenario()) < 0.55


def test_without_redis_a_turn_goes_ahead() -> None:
    async def scenario() -> bool:
        client = Redis.from_url(f"redis://127.0.0.1:{free_port()}/0", socket_connect_timeout=0.5)
        lock = RedisTurnLock(client, prefix="p:", lease_seconds=5, wait_seconds=1)
        ran = False
        async with lock.hold("x"):
            ran = True
        await client.aclose()
        return ran

    assert asyncio.run(scenario())


def test_the_factory_picks_redis_only_when_there_is_one() -> None:
    assert isinstance(turn_lock(None), LocalTurnLock)
    client = Redis.from_url(REDIS_URL)
    assert isinstance(turn_lock(client, prefix="p:"), RedisTurnLock)


def _chat(client: object, name: str, text: str) -> httpx.Response:
    response: httpx.Response = client.post(  # type: ignore[attr-defined]
        "/api/v1/chat", json={"sender": name, "text": text, "language": "fr"}
    )
    return response


def test_a_double_tap_in_the_web_chat_reaches_rasa_one_message_at_a_time(harness: Harness) -> None:
    harness.world.rasa_delay = (0.05, 0.1)
    jobs = [("ana", f"m{i}") for i in range(4)] + [("omar", f"m{i}") for i in range(4)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        responses = list(pool.map(lambda job: _chat(harness.client, *job), jobs))

    assert all(r.status_code == 200 for r in responses)
    assert sorted(harness.world.rasa_texts(sender_of("web", "ana"))) == [f"m{i}" for i in range(4)]
    assert harness.world.max_in_flight_by_sender[sender_of("web", "ana")] == 1
    assert harness.world.max_in_flight_by_sender[sender_of("web", "omar")] == 1
    # Two conversations still ran side by side.
    assert harness.world.max_in_flight >= 2


@pytest.mark.redis
def test_two_gateways_send_rasa_one_message_of_a_conversation_at_a_time(
    world_and_url: tuple, inbox_url: str, redis_prefix: str
) -> None:
    world, url = world_and_url
    world.rasa_delay = (0.05, 0.1)
    settings = settings_for(
        url,
        inbox_url,
        redis_url=REDIS_URL,
        redis_key_prefix=redis_prefix,
        rate_limit_per_minute=1000,
    )
    with running_gateway(settings) as a, running_gateway(settings) as b:
        jobs = [(a if i % 2 else b, f"m{i}") for i in range(8)]
        with ThreadPoolExecutor(max_workers=8) as pool:
            responses = list(pool.map(lambda job: _chat(job[0], "lina", job[1]), jobs))

    assert all(r.status_code == 200 for r in responses)
    assert len(world.rasa_texts(sender_of("web", "lina"))) == 8
    assert world.max_in_flight_by_sender[sender_of("web", "lina")] == 1
