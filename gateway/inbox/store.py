"""The inbox's database access: dedupe on insert, per-sender leases, retries, deletion."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import Engine, and_, case, delete, event, exists, func, inspect, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased, sessionmaker

from dalil.clock import utcnow
from gateway.channels.base import Incoming, payload_key
from gateway.inbox.models import (
    DONE,
    DROPPED,
    FAILED,
    PENDING,
    ButtonPayload,
    Contact,
    InboundMessage,
    SeenMessage,
    SenderAlias,
    SenderLease,
)
from knowledge.db import make_engine

T = TypeVar("T")
DELETED_SENDER = "deleted"


def make_inbox_engine(url: str) -> Engine:
    """An engine for the inbox; SQLite gets WAL and a busy timeout so workers can share it."""
    engine = make_engine(url, pool_pre_ping=True)
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def _wal(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

    return engine


@dataclass(frozen=True)
class Purged:
    """What a purge removed."""

    messages: int
    senders: list[str]


class InboxStore:
    """Every read and write of the inbox; blocking calls run in a thread."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(bind=engine, expire_on_commit=False)

    async def _run(self, fn: Callable[[Session], T]) -> T:
        def work() -> T:
            with self._sessions.begin() as session:
                return fn(session)

        return await asyncio.to_thread(work)

    def _insert(self, table: Any) -> Any:
        dialect = postgresql if self.engine.dialect.name == "postgresql" else sqlite
        return dialect.insert(table)

    def is_ready(self) -> bool:
        """True when the migration that creates the inbox has been applied."""
        return inspect(self.engine).has_table(InboundMessage.__tablename__)

    async def enqueue(
        self,
        *,
        channel: str,
        sender: str,
        incoming: Incoming,
        accepted: bool = True,
        tombstone: str | None = None,
    ) -> bool:
        """Persist a message and its reply address; False when the provider already sent it.

        `tombstone` (a keyed hash of the provider's id) outlives the message: a redelivery after
        the purge has removed the message is still recognised.
        """
        at = utcnow()
        values = {
            "channel": channel,
            "provider_message_id": incoming.provider_message_id,
            "sender": sender,
            "status": PENDING if accepted else DROPPED,
            "kind": incoming.kind,
            "text": incoming.text,
            "payload_ref": incoming.payload_ref,
            "location": incoming.location.model_dump() if incoming.location else None,
            "language_hint": incoming.language_hint,
            "received_at": at,
            "next_attempt_at": at,
        }

        def work(session: Session) -> bool:
            if tombstone is not None:
                seen = self._insert(SeenMessage).values(key=tombstone, seen_at=at)
                seen = seen.on_conflict_do_nothing(index_elements=["key"]).returning(
                    SeenMessage.key
                )
                if session.execute(seen).scalar() is None:
                    return False
            # One atomic statement, not check-then-insert: concurrent deliveries cannot both win.
            statement = self._insert(InboundMessage).values(**values)
            statement = statement.on_conflict_do_nothing(
                index_elements=["channel", "provider_message_id"]
            ).returning(InboundMessage.id)
            # RETURNING, not rowcount: an ORM-enabled INSERT reports no rowcount on PostgreSQL.
            if session.execute(statement).scalar() is None:
                return False
            contact = self._insert(Contact).values(
                sender=sender, channel=channel, address=incoming.address, last_seen_at=at
            )
            session.execute(
                contact.on_conflict_do_update(
                    index_elements=["sender"],
                    set_={"address": incoming.address, "last_seen_at": at},
                )
            )
            return True

        return await self._run(work)

    async def ready_senders(self, *, limit: int, exclude: Iterable[str] = ()) -> list[str]:
        """Senders whose oldest pending message is due and whose queue nobody holds."""
        at = utcnow()
        skip = list(exclude)

        def work(session: Session) -> list[str]:
            older = aliased(InboundMessage)
            head_is_oldest = ~exists().where(
                and_(
                    older.sender == InboundMessage.sender,
                    older.status == PENDING,
                    older.id < InboundMessage.id,
                )
            )
            leased = exists().where(
                and_(SenderLease.sender == InboundMessage.sender, SenderLease.expires_at > at)
            )
            query = (
                select(InboundMessage.sender)
                .where(
                    InboundMessage.status == PENDING,
                    InboundMessage.next_attempt_at <= at,
                    head_is_oldest,
                    ~leased,
                )
                .order_by(InboundMessage.id)
                .limit(limit)
            )
            if skip:
                query = query.where(InboundMessage.sender.not_in(skip))
            return list(session.scalars(query))

        return await self._run(work)

    async def next_wake(self) -> datetime | None:
        """When the earliest delayed message becomes due."""

        def work(session: Session) -> datetime | None:
            return session.scalar(
                select(func.min(InboundMessage.next_attempt_at)).where(
                    InboundMessage.status == PENDING
                )
            )

        return await self._run(work)

    async def acquire(self, sender: str, owner: str, *, seconds: float) -> bool:
        """Take or renew the sender's lease; False when another live worker holds it."""
        at = utcnow()
        until = at + timedelta(seconds=seconds)

        def work(session: Session) -> bool:
            taken = session.execute(
                update(SenderLease)
                .where(
                    SenderLease.sender == sender,
                    (SenderLease.expires_at <= at) | (SenderLease.owner == owner),
                )
                .values(owner=owner, expires_at=until)
                .returning(SenderLease.sender)
            )
            if taken.scalar() is not None:
                return True
            inserted = session.execute(
                self._insert(SenderLease)
                .values(sender=sender, owner=owner, expires_at=until)
                .on_conflict_do_nothing(index_elements=["sender"])
                .returning(SenderLease.sender)
            )
            return inserted.scalar() is not None

        try:
            return await self._run(work)
        except IntegrityError:
            return False

    async def release(self, sender: str, owner: str) -> None:
        """Give the sender's queue back."""
        await self._run(
            lambda s: s.execute(
                delete(SenderLease).where(SenderLease.sender == sender, SenderLease.owner == owner)
            )
        )

    async def head(self, sender: str) -> InboundMessage | None:
        """The sender's oldest pending message: the only one that may be processed now."""
        return await self._run(
            lambda s: s.scalar(
                select(InboundMessage)
                .where(InboundMessage.sender == sender, InboundMessage.status == PENDING)
                .order_by(InboundMessage.id)
                .limit(1)
            )
        )

    async def contact(self, sender: str) -> Contact | None:
        """Where to reply to `sender`."""
        return await self._run(lambda s: s.get(Contact, sender))

    async def _update(self, message_id: int, **values: Any) -> None:
        await self._run(
            lambda s: s.execute(
                update(InboundMessage).where(InboundMessage.id == message_id).values(**values)
            )
        )

    async def save_reply(self, message_id: int, reply: dict[str, Any]) -> None:
        """Keep Rasa's answer so a failed send is retried without asking Rasa again."""
        await self._update(message_id, reply=reply)

    async def mark_sent(self, message_id: int, sent_count: int) -> None:
        """Record how many of the reply's requests reached the provider."""
        await self._update(message_id, sent_count=sent_count)

    async def mark_apologised(self, message_id: int) -> None:
        """The user was told their answer is delayed: not again for this message."""
        await self._update(message_id, apologised=True)

    async def mark_done(self, message_id: int) -> None:
        """Answered: erase the text and the reply, keep the ids for dedupe until the purge."""
        await self._update(
            message_id,
            status=DONE,
            processed_at=utcnow(),
            text="",
            reply=None,
            location=None,
            last_error=None,
        )

    async def record_failure(
        self, message_id: int, *, error: str, delay: float, give_up_after: int
    ) -> int:
        """Count a failed attempt and schedule the next; returns the number of attempts."""

        def work(session: Session) -> int:
            message = session.get(InboundMessage, message_id)
            if message is None:
                return 0
            message.attempts += 1
            message.last_error = error[:200]
            message.next_attempt_at = utcnow() + timedelta(seconds=delay)
            if message.attempts >= give_up_after:
                message.status = FAILED
            return message.attempts

        return await self._run(work)

    async def set_options(self, sender: str, options: list[str] | None) -> None:
        """Remember (or clear) the payloads behind the numbered options last shown."""
        await self._run(
            lambda s: s.execute(
                update(Contact).where(Contact.sender == sender).values(options=options)
            )
        )

    async def remember_payloads(self, payloads: Iterable[str]) -> None:
        """Store the short keys of button payloads so a pressed button maps back."""
        rows = [{"key": payload_key(p), "payload": p} for p in set(payloads)]
        if not rows:
            return
        await self._run(
            lambda s: s.execute(
                self._insert(ButtonPayload)
                .values(rows)
                .on_conflict_do_nothing(index_elements=["key"])
            )
        )

    async def resolve_payload(self, key: str) -> str | None:
        """The payload behind a short key."""
        return await self._run(
            lambda s: s.scalar(select(ButtonPayload.payload).where(ButtonPayload.key == key))
        )

    async def forget_sender(self, sender: str, *, up_to_id: int | None = None) -> int:
        """Delete what the gateway holds about a person; message ids stay, anonymous, for dedupe."""

        def work(session: Session) -> int:
            scope = [InboundMessage.sender == sender]
            if up_to_id is not None:
                scope.append(InboundMessage.id <= up_to_id)
            result = session.execute(
                update(InboundMessage)
                .where(*scope)
                .values(
                    sender=DELETED_SENDER,
                    # A forgotten person's unanswered messages are dropped.
                    status=case(
                        (InboundMessage.status == PENDING, DROPPED), else_=InboundMessage.status
                    ),
                    text="",
                    reply=None,
                    location=None,
                    language_hint=None,
                    payload_ref=None,
                )
            )
            session.execute(delete(Contact).where(Contact.sender == sender))
            return int(result.rowcount)  # type: ignore[attr-defined]

        return await self._run(work)

    async def prune_tombstones(self, cutoff: datetime) -> int:
        """Forget the hashed ids of messages first seen before `cutoff`."""

        def work(session: Session) -> int:
            result = session.execute(delete(SeenMessage).where(SeenMessage.seen_at < cutoff))
            return int(result.rowcount)  # type: ignore[attr-defined]

        return await self._run(work)

    async def purge_older_than(self, cutoff: datetime) -> Purged:
        """Remove finished messages received before `cutoff` and the contacts silent since."""

        def work(session: Session) -> Purged:
            stale = list(
                session.scalars(select(Contact.sender).where(Contact.last_seen_at < cutoff))
            )
            removed = session.execute(
                delete(InboundMessage).where(
                    InboundMessage.received_at < cutoff, InboundMessage.status != PENDING
                )
            ).rowcount  # type: ignore[attr-defined]
            session.execute(delete(Contact).where(Contact.last_seen_at < cutoff))
            session.execute(delete(SenderAlias).where(SenderAlias.sender.in_(stale)))
            session.execute(delete(SenderLease).where(SenderLease.expires_at < utcnow()))
            return Purged(messages=removed, senders=stale)

        return await self._run(work)

    async def resolve_sender(self, sender: str, aliases: Iterable[str] = ()) -> str:
        """The pseudonym the person's conversation is kept under, linking `aliases` to it.

        An id already linked keeps its link; otherwise the conversation that exists (the
        sender's own first, then an alias's) wins, and every other id is linked to it.
        """
        others = [a for a in dict.fromkeys(aliases) if a != sender]

        ids = [sender, *others]

        def find(session: Session) -> tuple[str, list[dict[str, Any]]]:
            query = select(SenderAlias.alias, SenderAlias.sender).where(SenderAlias.alias.in_(ids))
            # A Result has `keys()`, so dict() would read it as a mapping: unpack the rows.
            linked = {alias: target for alias, target in session.execute(query)}
            canonical = next((linked[i] for i in ids if i in linked), None)
            if canonical is None:
                if not others:
                    return sender, []
                known = set(session.scalars(select(Contact.sender).where(Contact.sender.in_(ids))))
                canonical = next((i for i in ids if i in known), sender)
            at = utcnow()
            rows = [
                {"alias": i, "sender": canonical, "linked_at": at}
                for i in ids
                if i != canonical and i not in linked
            ]
            return canonical, rows

        canonical, rows = await self._run(find)
        if rows:
            # A transaction of its own: on SQLite a read transaction cannot become a write
            # one once a worker has written ("database is locked"). A link written meanwhile
            # by a concurrent delivery wins (DO NOTHING); both point at a conversation.
            await self._run(
                lambda s: s.execute(
                    self._insert(SenderAlias)
                    .values(rows)
                    .on_conflict_do_nothing(index_elements=["alias"])
                )
            )
        return canonical

    async def forget_aliases(self, sender: str) -> list[str]:
        """Unlink every other pseudonym of `sender` and return them, for `delete_my_data`."""

        def work(session: Session) -> list[str]:
            # Deleting first (RETURNING what went), not reading first: on SQLite a read
            # transaction cannot turn into a write one once another connection has written.
            found, frontier = {sender}, {sender}
            while frontier:
                gone = session.execute(
                    delete(SenderAlias)
                    .where(SenderAlias.sender.in_(frontier) | SenderAlias.alias.in_(frontier))
                    .returning(SenderAlias.alias, SenderAlias.sender)
                ).all()
                frontier = {i for row in gone for i in row} - found
                found |= frontier
            return sorted(found - {sender})

        return await self._run(work)
