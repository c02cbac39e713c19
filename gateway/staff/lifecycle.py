"""A handover always ends: the periodic check that tells waiting users and closes silent handovers.

- Inside desk hours, a person handles the conversation; when no staff member has written
  within `DALIL_HANDOVER_REPLY_MINUTES`, the user is told once and offered the bot again (the
  handover stays in the inbox).
- A handover without any activity for `DALIL_HANDOVER_INACTIVE_HOURS` closes with a message to
  the user; staff see the reason (`inactive`).

Each gateway replica runs the check; an update guarded by the row's previous state makes each
notice go out once even when two replicas look at the same handover.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from gateway.admin.models import Handover, HandoverMessage, aware, utcnow
from gateway.staff.handover import (
    WEB_CHANNEL,
    UserSender,
    add_bot_message,
    close_handover,
    closed_notice,
    has_staff_reply,
    no_reply_notice,
)

log = logging.getLogger(__name__)


@dataclass
class SweepReport:
    """What one check did."""

    notified: int = 0
    closed: int = 0


class HandoverSweeper:
    """Tells users nobody answered yet, and closes handovers nobody wrote in."""

    def __init__(
        self,
        engine: Engine,
        sender: UserSender,
        *,
        reply_minutes: float = 10.0,
        inactive_hours: float = 24.0,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self._engine = engine
        self._sender = sender
        self._reply = timedelta(minutes=reply_minutes)
        self._inactive_hours = inactive_hours
        self._clock = clock

    def _claim(self, handover_id: int, column: str, expected: object) -> bool:
        """Set a guard once: False if another replica got there first."""
        with Session(self._engine) as session:
            guard = getattr(Handover, column)
            condition = guard.is_(None) if expected is None else guard == expected
            values = (
                {"no_reply_notice_at": self._clock()}
                if column == "no_reply_notice_at"
                else {"status": "closed"}
            )
            result = session.execute(
                update(Handover).where(Handover.id == handover_id, condition).values(**values)
            )
            session.commit()
            return bool(getattr(result, "rowcount", 0))

    async def _tell(self, handover: Handover, text: str) -> None:
        with Session(self._engine, expire_on_commit=False) as session:
            # Not `merge`: the handover was read before the claim and would undo it.
            row = session.get(Handover, handover.id)
            if row is None:  # deleted meanwhile ("delete my data")
                return
            message = add_bot_message(session, row, text=text)
            session.commit()
        try:
            delivered = await self._sender.send_to_user(handover, text)
        except Exception as exc:  # the notice stays for staff; the user hears at the next message
            log.warning("handover notice not delivered", extra={"reason": str(exc)[:200]})
            return
        if delivered or handover.channel != WEB_CHANNEL:
            with Session(self._engine) as session:
                session.execute(
                    update(HandoverMessage)
                    .where(HandoverMessage.id == message.id)
                    .values(delivered_at=self._clock())
                )
                session.commit()

    async def sweep(self) -> SweepReport:
        """One pass over the open handovers."""
        report = SweepReport()
        at = self._clock()
        due, silent = await asyncio.to_thread(self._due, at)
        for handover in due:
            if await asyncio.to_thread(self._claim, handover.id, "no_reply_notice_at", None):
                await self._tell(handover, no_reply_notice(handover.language))
                report.notified += 1
        for handover in silent:
            if await asyncio.to_thread(self._claim, handover.id, "status", "open"):
                await asyncio.to_thread(self._close, handover.id)
                await self._tell(handover, closed_notice(handover.language, self._inactive_hours))
                report.closed += 1
        return report

    def _due(self, at: datetime) -> tuple[list[Handover], list[Handover]]:
        with Session(self._engine, expire_on_commit=False) as session:
            handovers = list(session.scalars(select(Handover).where(Handover.status == "open")))
            due = [
                h
                for h in handovers
                if not h.bot_active
                and not h.after_hours
                and h.no_reply_notice_at is None
                and aware(h.opened_at) <= at - self._reply
                and not has_staff_reply(session, h)
            ]
            cutoff = at - timedelta(hours=self._inactive_hours)
            silent = [h for h in handovers if aware(h.last_activity_at or h.opened_at) <= cutoff]
            return due, silent

    def _close(self, handover_id: int) -> None:
        with Session(self._engine) as session:
            handover = session.get(Handover, handover_id)
            if handover is not None:
                close_handover(session, handover, staff=None, reason="inactive")
                session.commit()


@asynccontextmanager
async def run_sweeper(sweeper: HandoverSweeper, *, every_seconds: float) -> AsyncIterator[None]:
    """Run `sweep` every `every_seconds` while the gateway runs."""

    async def loop() -> None:
        while True:
            try:
                await sweeper.sweep()
            except Exception:
                log.exception("handover check failed")
            await asyncio.sleep(every_seconds)

    task = asyncio.create_task(loop())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
