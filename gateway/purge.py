"""Forgetting people: `delete_my_data` for one person, `dalil purge --older-than 30d` for all.

What is removed:
- the gateway's records (message texts and replies, the reply address, numbered options); the
  provider message ids stay, anonymous, until the purge, so a late redelivery is still deduped;
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
from datetime import timedelta
from typing import Annotated

import httpx
import typer
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import SQLAlchemyError

from gateway.conversation import LanguageMemory
from gateway.inbox.store import InboxStore, make_inbox_engine, now
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


class Forgetter:
    """Removes a person's conversations from the gateway and from Rasa."""

    def __init__(
        self,
        store: InboxStore,
        rasa: RasaClient | None,
        *,
        tracker_url: str | None = None,
        languages: LanguageMemory | None = None,
    ) -> None:
        self.store = store
        self.rasa = rasa
        self.languages = languages
        self._tracker: Engine | None = create_engine(tracker_url) if tracker_url else None

    async def forget(self, sender: str, up_to_id: int | None = None) -> None:
        """Delete one person's records (the `delete_my_data` command)."""
        await self.store.forget_sender(sender, up_to_id=up_to_id)
        forget_language = getattr(self.languages, "forget", None)
        if forget_language is not None:
            await forget_language(sender)
        await self._delete_tracker(sender)
        await self.forget_aliases(sender)
        log.info("conversation deleted on request")

    async def forget_aliases(self, sender: str) -> None:
        """The person's other pseudonyms (a WhatsApp phone number beside a business-scoped
        user id, an id that changed): unlinked, and whatever they hold deleted too."""
        for linked in await self.store.forget_aliases(sender):
            await self.store.forget_sender(linked)
            await self._delete_tracker(linked)

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
        cutoff = now() - older_than
        purged = await self.store.purge_older_than(cutoff)
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
            messages=purged.messages, contacts=len(purged.senders), tracker_events=events
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
        f"purged {report.messages} messages and {report.contacts} contacts older than "
        f"{older_than}; Rasa SQL tracker events deleted: {events}"
    )


async def _purge(settings: GatewaySettings, age: timedelta) -> PurgeReport:
    engine = make_inbox_engine(settings.database_url)
    async with httpx.AsyncClient(timeout=settings.rasa_timeout_seconds) as http:
        rasa = RasaClient(
            http, base_url=settings.rasa_url, token=settings.rasa_token.get_secret_value()
        )
        forgetter = Forgetter(
            InboxStore(engine), rasa, tracker_url=settings.rasa_tracker_database_url
        )
        try:
            report = await forgetter.purge(age)
            # The hashed ids outlive the messages, well beyond any provider's redelivery window.
            tombstone_age = timedelta(days=settings.dedupe_tombstone_days)
            await forgetter.store.prune_tombstones(now() - max(age, tombstone_age))
            return report
        finally:
            forgetter.close()
            engine.dispose()


if __name__ == "__main__":
    app()
