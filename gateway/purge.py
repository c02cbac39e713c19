"""Forgetting people: `delete_my_data` for one person, `dalil purge --older-than 30d` for all.

What is removed (docs/privacy.md lists every table):
- the gateway's records (message texts and replies, the reply address, numbered options); the
  provider message ids stay, anonymous, until the purge, so a late redelivery is still deduped;
- handovers and all their messages (the user's, the staff's, the notices, and the earlier turns
  copied from Rasa's tracker into the handover's summary), and the questions the bot could not
  answer; a purge removes handovers closed (or silent) and questions queued before the cut-off;
- the conversation's language and rate-limit counters in Redis (or in memory);
- Rasa's tracker, through its HTTP API (`PUT /conversations/{sender}/tracker/events` with no
  events), which works for every tracker store;
- and, because Rasa's SQL tracker store only ever appends rows (resetting through the API
  leaves the old `events` rows in the table), the `events` rows of that `sender_id` deleted
  directly when `DALIL_RASA_TRACKER_DATABASE_URL` points at that database.
"""

from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated

import httpx
import typer
from sqlalchemy import Engine, create_engine, delete, func, select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from dalil.clock import utcnow
from gateway.admin.models import Handover, HandoverMessage, UnansweredQuestion
from gateway.alerts.subscriptions import forget_subscriptions
from gateway.conversation import LanguageMemory
from gateway.inbox.store import InboxStore, make_inbox_engine
from gateway.rasa import RasaClient, RasaUnavailable
from gateway.settings import GatewaySettings

log = logging.getLogger(__name__)
_DURATION = re.compile(r"^\s*(\d+)\s*([dhm])\s*$")
_UNITS = {"d": "days", "h": "hours", "m": "minutes"}


def parse_duration(value: str) -> timedelta:
    """`30d`, `12h` or `45m` as a timedelta."""
    match = _DURATION.match(value)
    if not match:
        raise ValueError(f"not a duration like 30d, 12h or 45m: {value!r}")
    return timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})


@dataclass
class PurgeReport:
    """What a purge removed."""

    messages: int
    contacts: int
    tracker_events: int | None
    # None: the handover tables could not be purged (logged as an error).
    handovers: int | None = 0
    unanswered: int | None = 0


def _delete_handovers(session: Session, handover_ids: list[int]) -> int:
    # Explicit, not only ON DELETE CASCADE: SQLite enforces foreign keys only when asked to.
    if not handover_ids:
        return 0
    session.execute(delete(HandoverMessage).where(HandoverMessage.handover_id.in_(handover_ids)))
    session.execute(delete(Handover).where(Handover.id.in_(handover_ids)))
    return len(handover_ids)


def forget_staff_records(engine: Engine, sender: str) -> tuple[int, int]:
    """Delete a person's handovers (with every message) and unanswered questions."""
    with Session(engine) as session:
        ids = list(session.scalars(select(Handover.id).where(Handover.sender == sender)))
        handovers = _delete_handovers(session, ids)
        unanswered = session.execute(
            delete(UnansweredQuestion).where(UnansweredQuestion.sender == sender)
        ).rowcount  # type: ignore[attr-defined]
        session.commit()
        return handovers, int(unanswered)


def purge_staff_records(engine: Engine, cutoff: datetime) -> tuple[int, int]:
    """Delete handovers with no activity since `cutoff` (open or closed) and older questions."""
    with Session(engine) as session:
        last = func.coalesce(Handover.closed_at, Handover.last_activity_at, Handover.opened_at)
        stale = select(Handover.id).where(
            Handover.opened_at < cutoff,
            last < cutoff,
            # A handover someone wrote in since the cut-off is kept whole, summary included.
            ~Handover.id.in_(
                select(HandoverMessage.handover_id).where(HandoverMessage.created_at >= cutoff)
            ),
        )
        handovers = _delete_handovers(session, list(session.scalars(stale)))
        unanswered = session.execute(
            delete(UnansweredQuestion).where(UnansweredQuestion.created_at < cutoff)
        ).rowcount  # type: ignore[attr-defined]
        session.commit()
        return handovers, int(unanswered)


class Forgetter:
    """Removes a person's conversations from the gateway and from Rasa."""

    def __init__(
        self,
        store: InboxStore,
        rasa: RasaClient | None,
        *,
        tracker_url: str | None = None,
        languages: LanguageMemory | None = None,
        limiter: object | None = None,
    ) -> None:
        self.store = store
        self.rasa = rasa
        self.languages = languages
        self.limiter = limiter
        self._tracker: Engine | None = create_engine(tracker_url) if tracker_url else None

    async def forget(self, sender: str, up_to_id: int | None = None) -> None:
        """Delete one person's records (the `delete_my_data` command)."""
        await self.store.forget_sender(sender, up_to_id=up_to_id)
        await self._forget_staff(sender)
        for memory in (self.languages, self.limiter):
            forget_memory = getattr(memory, "forget", None)
            if forget_memory is not None:
                await forget_memory(sender)
        await self._delete_tracker(sender)
        await self.forget_aliases(sender)
        await asyncio.to_thread(forget_subscriptions, self.store.engine, [sender])
        log.info("conversation deleted on request")

    async def forget_aliases(self, sender: str) -> None:
        """The person's other pseudonyms (a WhatsApp phone number beside a business-scoped
        user id, an id that changed): unlinked, and whatever they hold deleted too."""
        for linked in await self.store.forget_aliases(sender):
            await self.store.forget_sender(linked)
            await self._forget_staff(linked)
            for memory in (self.languages, self.limiter):
                forget_memory = getattr(memory, "forget", None)
                if forget_memory is not None:
                    await forget_memory(linked)
            await self._delete_tracker(linked)

    async def _forget_staff(self, sender: str) -> None:
        try:
            await asyncio.to_thread(forget_staff_records, self.store.engine, sender)
        except SQLAlchemyError as exc:
            # The rest of the deletion must still happen; the rows go at the next `dalil purge`.
            log.error("handovers not deleted", extra={"reason": type(exc).__name__})

    async def _delete_tracker(self, sender: str) -> None:
        if self._tracker is not None:
            try:
                await asyncio.to_thread(self._delete_events, "sender_id = :sender", sender=sender)
            except SQLAlchemyError as exc:
                # Still reset through Rasa's API below; the rows go at the next `dalil purge`.
                log.warning("tracker rows not deleted", extra={"reason": type(exc).__name__})
        if self.rasa is not None:
            try:
                await self.rasa.delete_conversation(sender)
            except RasaUnavailable as exc:
                log.warning("rasa tracker not reset", extra={"reason": str(exc)})

    def _delete_events(self, condition: str, **params: object) -> int:
        assert self._tracker is not None
        with self._tracker.begin() as connection:
            # `events` is Rasa's SQLTrackerStore table (sender_id, timestamp, data, …).
            result = connection.execute(text(f"DELETE FROM events WHERE {condition}"), params)
            return int(result.rowcount)

    async def purge(self, older_than: timedelta) -> PurgeReport:
        """Remove every conversation record older than `older_than`."""
        cutoff = utcnow() - older_than
        purged = await self.store.purge_older_than(cutoff)
        handovers: int | None = None
        unanswered: int | None = None
        try:
            handovers, unanswered = await asyncio.to_thread(
                purge_staff_records, self.store.engine, cutoff
            )
        except SQLAlchemyError as exc:
            # The rest of the purge still runs; the command's output says what was not purged.
            log.error("handovers not purged", extra={"reason": type(exc).__name__})
        purge_languages = getattr(self.languages, "purge_older_than", None)
        if purge_languages is not None:
            await purge_languages(cutoff)
        purge_counters = getattr(self.limiter, "purge_older_than", None)
        if purge_counters is not None:
            await purge_counters(cutoff.timestamp())
        await asyncio.to_thread(forget_subscriptions, self.store.engine, purged.senders)
        for sender in purged.senders:
            # Silent since the cutoff: their whole tracker is older than the cutoff too.
            if self.rasa is not None:
                try:
                    await self.rasa.delete_conversation(sender)
                except RasaUnavailable as exc:
                    log.warning("rasa tracker not reset", extra={"reason": str(exc)})
        events = None
        if self._tracker is not None:
            # Covers the web chat's conversations too, which the gateway keeps no contact for.
            events = await asyncio.to_thread(
                self._delete_events, "timestamp < :cutoff", cutoff=cutoff.timestamp()
            )
        return PurgeReport(
            messages=purged.messages,
            contacts=len(purged.senders),
            tracker_events=events,
            handovers=handovers,
            unanswered=unanswered,
        )

    def close(self) -> None:
        """Release the tracker store's connections."""
        if self._tracker is not None:
            self._tracker.dispose()


app = typer.Typer(help="Delete old conversations from the gateway and from Rasa.")


@app.callback(invoke_without_command=True)
def purge(
    older_than: Annotated[
        str, typer.Option("--older-than", help="Age beyond which conversations go: 30d, 12h, 45m.")
    ] = "30d",
) -> None:
    """Delete conversations older than `--older-than` (gateway records and Rasa trackers)."""
    try:
        age = parse_duration(older_than)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--older-than") from exc
    settings = GatewaySettings()
    report = asyncio.run(_purge(settings, age))
    events = "not configured" if report.tracker_events is None else report.tracker_events
    typer.echo(
        f"purged {report.messages} messages, {report.contacts} contacts, "
        f"{_count(report.handovers)} handovers and {_count(report.unanswered)} unanswered "
        f"questions older than {older_than}; "
        f"Rasa SQL tracker events deleted: {events}"
    )


def _count(value: int | None) -> str:
    return "(not purged: see the log)" if value is None else str(value)


async def _purge(settings: GatewaySettings, age: timedelta) -> PurgeReport:
    from gateway.inbox.runtime import language_memory, open_redis  # the inbox imports this module
    from gateway.ratelimit import RedisRateLimiter

    engine = make_inbox_engine(settings.database_url)
    async with httpx.AsyncClient(timeout=settings.rasa_timeout_seconds) as http:
        rasa = RasaClient(
            http, base_url=settings.rasa_url, token=settings.rasa_token.get_secret_value()
        )
        async with open_redis(settings) as redis:
            forgetter = Forgetter(
                InboxStore(engine),
                rasa,
                tracker_url=settings.rasa_tracker_database_url,
                languages=language_memory(redis, prefix=settings.redis_key_prefix),
                limiter=RedisRateLimiter(
                    redis, settings.rate_limit_per_minute, prefix=settings.redis_key_prefix
                )
                if redis is not None
                else None,
            )
            try:
                report = await forgetter.purge(age)
                # The hashed ids outlive the messages, beyond any provider's redelivery window.
                tombstone_age = timedelta(days=settings.dedupe_tombstone_days)
                await forgetter.store.prune_tombstones(utcnow() - max(age, tombstone_age))
                return report
            finally:
                forgetter.close()
                engine.dispose()


if __name__ == "__main__":
    app()
