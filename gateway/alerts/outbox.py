"""The alerts' outbox: one row per alert and recipient, sent at a bounded rate, resumable.

A row goes pending → sending (claimed, committed) → sent (the provider's id, committed) →
delivered / read / failed (status webhooks). A process killed between the provider's answer
and the commit leaves a `sending` row; after the lease it becomes `uncertain` and is never
resent blindly: WhatsApp and Twilio echo our delivery id in their status webhooks
(`biz_opaque_callback_data`, the StatusCallback URL), which settle it; an uncertain WhatsApp row
with no status after the grace period was never accepted, and goes back to pending.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Mapping
from datetime import UTC, timedelta
from typing import Any

from sqlalchemy import Engine, func, or_, select, update
from sqlalchemy.orm import Session

from dalil.clock import utcnow
from gateway.alerts.models import ANY_CITY, Alert, Delivery, Subscription
from gateway.alerts.settings import AlertSettings
from gateway.alerts.texts import MAX_ALERTS_PER_MONTH
from gateway.channels.base import Channel, Outgoing, SendFailed
from gateway.inbox.models import Contact
from gateway.schemas import Message

log = logging.getLogger(__name__)
WINDOW = timedelta(hours=24)
WINDOW_CLOSED = 131047
CALLBACK_PREFIX = "alert:"
REACHED = ("sending", "uncertain", "sent", "delivered", "read")
_URL = re.compile(r"(https?://|www\.)\S+", re.IGNORECASE)
# Statuses only move forward; `failed` is final whatever came before.
_RANK = {"pending": 0, "sending": 1, "uncertain": 1, "sent": 2, "delivered": 3, "read": 4}


def is_template_error(code: int | None) -> bool:
    """Meta's template errors (132000 param count, 132001 missing template, 132015 paused…)."""
    return code is not None and 132000 <= code <= 132999


def audience(session: Session, alert: Alert) -> Any:
    """The subscriptions an alert concerns: its topic, everywhere or in its city."""
    query = select(Subscription)
    if alert.topic:
        query = query.where(Subscription.topic == alert.topic)
    if alert.city:
        query = query.where(Subscription.city.in_([alert.city, ANY_CITY]))
    if alert.languages:
        query = query.where(Subscription.language.in_(alert.languages))
    if alert.channels:
        query = query.where(Subscription.channel.in_(alert.channels))
    return query


def recipient_count(session: Session, alert: Alert) -> int:
    """How many people the alert would reach (a person subscribed twice counts once)."""
    inner = audience(session, alert).with_only_columns(Subscription.sender).distinct().subquery()
    return int(session.scalar(select(func.count()).select_from(inner)) or 0)


def counts_by_language(session: Session, alert: Alert) -> dict[str, int]:
    """Recipients per language, for the preview."""
    rows = session.execute(
        audience(session, alert)
        .with_only_columns(Subscription.language, func.count(func.distinct(Subscription.sender)))
        .group_by(Subscription.language)
    )
    return {language: int(n) for language, n in rows}


def materialise(session: Session, alert: Alert) -> int:
    """Fill the outbox for `alert` once: a row per recipient, the unique key drops repeats."""
    rows = session.execute(
        audience(session, alert)
        .with_only_columns(Subscription.sender, Subscription.channel, Subscription.language)
        .order_by(Subscription.sender, Subscription.consented_at.desc())
    ).all()
    # The consent text promises at most MAX_ALERTS_PER_MONTH alerts: those already at the cap
    # are left out of this one (the admin sees how many).
    since = utcnow() - timedelta(days=30)
    capped = set(
        session.scalars(
            select(Delivery.sender)
            .where(Delivery.updated_at >= since, Delivery.status.in_(REACHED))
            .group_by(Delivery.sender)
            .having(func.count() >= MAX_ALERTS_PER_MONTH)
        )
    )
    seen: dict[str, tuple[str, str]] = {}
    for sender, channel, language in rows:
        if sender not in capped:
            seen.setdefault(sender, (channel, language))
    if not seen:
        return 0
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert  # type: ignore[assignment]
    values = [
        {
            "alert_id": alert.id,
            "sender": s,
            "channel": c,
            "language": lang,
            "status": "pending",
            "attempts": 0,
        }
        for s, (c, lang) in seen.items()
    ]
    added = 0
    for start in range(0, len(values), 1000):
        result = session.execute(
            insert(Delivery)
            .values(values[start : start + 1000])
            .on_conflict_do_nothing(index_elements=["alert_id", "sender"])
            .returning(Delivery.id)
        )
        added += len(result.all())
    return added


def sms_version(text: str, limit: int = 300) -> str:
    """Short and link-free: links in SMS look like scams, and long texts cost several parts."""
    plain = " ".join(_URL.sub("", text).split())
    return plain if len(plain) <= limit else plain[: limit - 1].rstrip() + "…"


def take_web_alerts(session: Session, *, sender: str) -> list[str]:
    """Alerts waiting for a web chat user, marked delivered as they are shown."""
    rows = session.execute(
        select(Delivery, Alert)
        .join(Alert, Alert.id == Delivery.alert_id)
        .where(Delivery.sender == sender, Delivery.channel == "web", Delivery.status == "sent")
        .order_by(Delivery.id)
    ).all()
    shown: list[str] = []
    for delivery, alert in rows:
        shown.append(alert.texts.get(delivery.language) or alert.texts.get("fr", ""))
        delivery.status, delivery.updated_at = "delivered", utcnow()
    return shown


class TokenBucket:
    """At most `rate` sends per second, bursts of one second at most."""

    def __init__(self, rate: float) -> None:
        self.rate = rate
        self._tokens = 1.0
        self._at = time.monotonic()
        self._lock = asyncio.Lock()

    async def take(self) -> None:
        """Wait for a token."""
        async with self._lock:
            while True:
                moment = time.monotonic()
                self._tokens = min(
                    max(1.0, self.rate), self._tokens + (moment - self._at) * self.rate
                )
                self._at = moment
                if self._tokens >= 1:
                    self._tokens -= 1
                    return
                await asyncio.sleep((1 - self._tokens) / self.rate)


class Outbox:
    """Sends the deliveries of alerts being sent; several processes may run it side by side."""

    def __init__(
        self, engine: Engine, channels: Mapping[str, Channel], settings: AlertSettings
    ) -> None:
        self.engine = engine
        self.channels = channels
        self.settings = settings
        rates = {
            "whatsapp": settings.rate_whatsapp,
            "telegram": settings.rate_telegram,
            "twilio": settings.rate_twilio,
            "web": settings.rate_web,
        }
        self.buckets = {name: TokenBucket(rate) for name, rate in rates.items()}
        self._slots = {name: asyncio.Semaphore(settings.concurrency) for name in rates}
        self._marks: list[dict[str, Any]] = []

    def _db(self, fn: Any) -> Any:
        with Session(self.engine, expire_on_commit=False) as session, session.begin():
            return fn(session)

    async def _run(self, fn: Any) -> Any:
        return await asyncio.to_thread(self._db, fn)

    # --- recovery -----------------------------------------------------------------------

    async def recover(self) -> None:
        """Rows a dead process left claimed become uncertain; old uncertain WhatsApp rows retry."""
        stale = utcnow() - timedelta(seconds=self.settings.lease_seconds)
        grace = utcnow() - timedelta(seconds=self.settings.uncertain_grace_seconds)
        # Providers that report every accepted message with our id: no status, never accepted.
        reporting = ["whatsapp", "web"] + (["twilio"] if self.settings.twilio_status_url else [])

        def work(session: Session) -> None:
            session.execute(
                update(Delivery)
                .where(Delivery.status == "sending", Delivery.claimed_at < stale)
                .values(status="uncertain", updated_at=utcnow())
            )
            session.execute(
                update(Delivery)
                .where(
                    Delivery.status == "uncertain",
                    Delivery.channel.in_(reporting),
                    Delivery.updated_at < grace,
                )
                .values(status="pending", claimed_at=None, updated_at=utcnow())
            )

        await self._run(work)

    # --- sending ------------------------------------------------------------------------

    async def active_alerts(self) -> list[int]:
        """Alerts being sent."""
        return list(
            await self._run(
                lambda s: list(s.scalars(select(Alert.id).where(Alert.status == "sending")))
            )
        )

    async def run_once(self) -> int:
        """Recover, then send every due row of every alert being sent; how many were tried."""
        await self.recover()
        tried = 0
        for alert_id in await self.active_alerts():
            tried += await self.send_alert(alert_id)
        return tried

    async def run_forever(self) -> None:
        """The outbox process: poll for work until cancelled."""
        while True:
            try:
                if not await self.run_once():
                    await asyncio.sleep(self.settings.poll_seconds)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("alert outbox round failed")
                await asyncio.sleep(self.settings.poll_seconds)

    async def send_alert(self, alert_id: int) -> int:
        """Send the alert's due rows batch by batch; mark it done when nothing is left."""
        alert = await self._run(lambda s: s.get(Alert, alert_id))
        if alert is None:
            return 0
        tried = 0
        while True:
            batch = await self._claim(alert_id)
            if not batch:
                break
            contacts = await self._contacts([d.sender for d in batch])
            await asyncio.gather(*(self._deliver(alert, d, contacts.get(d.sender)) for d in batch))
            await self._flush()
            tried += len(batch)
        await self._finish(alert_id)
        return tried

    async def _claim(self, alert_id: int) -> list[Delivery]:
        size = self.settings.batch_size
        retry_before = utcnow() - timedelta(seconds=self.settings.retry_seconds)

        def work(session: Session) -> list[Delivery]:
            due = (
                select(Delivery.id)
                .where(
                    Delivery.alert_id == alert_id,
                    Delivery.status == "pending",
                    or_(
                        Delivery.updated_at.is_(None),
                        Delivery.attempts == 0,
                        Delivery.updated_at < retry_before,
                    ),
                )
                .order_by(Delivery.id)
                .limit(size)
                .with_for_update(skip_locked=True)
            )
            claimed = session.scalars(
                update(Delivery)
                .where(Delivery.id.in_(due.scalar_subquery()), Delivery.status == "pending")
                .values(status="sending", claimed_at=utcnow(), updated_at=utcnow())
                .returning(Delivery)
            )
            return list(claimed)

        result: list[Delivery] = await self._run(work)
        return result

    async def _contacts(self, senders: list[str]) -> dict[str, Contact]:
        return dict(
            await self._run(
                lambda s: {
                    c.sender: c
                    for c in s.scalars(select(Contact).where(Contact.sender.in_(senders)))
                }
            )
        )

    async def _finish(self, alert_id: int) -> None:
        def work(session: Session) -> None:
            left = session.scalar(
                select(func.count())
                .select_from(Delivery)
                .where(Delivery.alert_id == alert_id, Delivery.status.in_(["pending", "sending"]))
            )
            if not left:
                session.execute(
                    update(Alert)
                    .where(Alert.id == alert_id, Alert.status == "sending")
                    .values(status="done")
                )

        await self._run(work)

    async def _mark(self, delivery_id: int, **values: Any) -> None:
        values.setdefault("updated_at", utcnow())
        await self._run(
            lambda s: s.execute(update(Delivery).where(Delivery.id == delivery_id).values(**values))
        )

    def _reports(self, channel: str) -> bool:
        """Whether the provider's status webhooks carry our row id (they settle a lost mark)."""
        return channel in ("whatsapp", "web") or (
            channel == "twilio" and bool(self.settings.twilio_status_url)
        )

    async def _sent(self, delivery: Delivery, path: str, provider_id: str | None) -> None:
        row = {
            "id": delivery.id,
            "status": "sent",
            "path": path,
            "provider_message_id": provider_id,
            "error": None,
            "updated_at": utcnow(),
        }
        if not self._reports(delivery.channel):
            # Telegram reports nothing: each row is committed as soon as it is sent.
            row.pop("id")
            await self._mark(delivery.id, **row)
            return
        # One UPDATE per batch: a crash before it leaves rows `sending`, which the status
        # webhooks settle, so the per-message commit is not needed for exactly once.
        self._marks.append(row)

    async def _flush(self) -> None:
        rows, self._marks = self._marks, []
        if rows:
            await self._run(lambda s: s.execute(update(Delivery), rows))

    async def _attention(self, alert_id: int, reason: str) -> None:
        await self._run(
            lambda s: s.execute(
                update(Alert).where(Alert.id == alert_id).values(attention=reason[:200])
            )
        )

    async def _deliver(self, alert: Alert, delivery: Delivery, contact: Contact | None) -> None:
        name = delivery.channel
        if name == "web":
            # The web chat has no push: shown with the person's next answer.
            await self._sent(delivery, "web", None)
            return
        channel = self.channels.get(name)
        if channel is None or contact is None:
            reason = "no reply address (deleted or purged)" if contact is None else "channel off"
            await self._mark(delivery.id, status="failed", error=reason)
            return
        text = alert.texts.get(delivery.language) or alert.texts.get("fr", "")
        async with self._slots[name]:
            try:
                if name == "whatsapp":
                    path, provider_id = await self._whatsapp(alert, delivery, contact, text)
                else:
                    if name == "twilio":
                        text = alert.texts.get(f"sms:{delivery.language}") or sms_version(text)
                    path, provider_id = (
                        "text",
                        await self._send_text(channel, delivery, contact, text),
                    )
            except _Refused as exc:
                await self._mark(delivery.id, status="failed", error=str(exc)[:200])
                return
            except SendFailed as exc:
                attempts = delivery.attempts + 1
                final = attempts >= self.settings.max_attempts
                await self._mark(
                    delivery.id,
                    status="failed" if final else "pending",
                    attempts=attempts,
                    error=str(exc)[:200],
                    claimed_at=None,
                )
                return
        await self._sent(delivery, path, provider_id)

    async def _send_text(
        self, channel: Channel, delivery: Delivery, contact: Contact, text: str
    ) -> str | None:
        provider_id = None
        for out in channel.render(contact.address, Message(text=text), delivery.language):
            if channel.name == "twilio" and self.settings.twilio_status_url:
                # Twilio posts the statuses there, our row id in the query string.
                out.body["StatusCallback"] = f"{self.settings.twilio_status_url}?d={delivery.id}"
            await self.buckets[channel.name].take()
            provider_id = await channel.send(out)
        return provider_id

    async def _whatsapp(
        self, alert: Alert, delivery: Delivery, contact: Contact, text: str
    ) -> tuple[str, str | None]:
        channel = self.channels["whatsapp"]
        seen = contact.last_seen_at
        seen = seen if seen.tzinfo else seen.replace(tzinfo=UTC)
        if utcnow() - seen < WINDOW:
            outgoing = channel.render(contact.address, Message(text=text), delivery.language)
            try:
                provider_id = None
                for out in outgoing:
                    provider_id = await self._wa_send(channel, out, delivery)
                return "text", provider_id
            except SendFailed as exc:
                if exc.code != WINDOW_CLOSED:
                    raise
                # Our clock said open, Meta's says closed: the template path, once.
        return "template", await self._wa_send(
            channel, self._template(alert, delivery, contact), delivery
        )

    async def _wa_send(self, channel: Channel, out: Outgoing, delivery: Delivery) -> str | None:
        # Echoed in the status webhooks: a row left uncertain by a crash is settled by them.
        out.body["biz_opaque_callback_data"] = f"{CALLBACK_PREFIX}{delivery.id}"
        await self.buckets["whatsapp"].take()
        try:
            return await channel.send(out)
        except SendFailed as exc:
            if is_template_error(exc.code):
                reason = f"WhatsApp template refused (code {exc.code}): fix it in WhatsApp Manager"
                await self._attention(delivery.alert_id, reason)
                raise _Refused(reason) from exc
            raise

    def _template(self, alert: Alert, delivery: Delivery, contact: Contact) -> Outgoing:
        name = self.settings.whatsapp_template
        if not name:
            raise _Refused("window closed and DALIL_ALERT_WHATSAPP_TEMPLATE is not set")
        params = (alert.texts.get(f"template:{delivery.language}") or "").split("\n")
        return template_outgoing(
            contact.address,
            name=name,
            language=self.settings.whatsapp_template_languages.get(delivery.language, "fr"),
            parameters=[p for p in params if p],
        )


class _Refused(SendFailed):
    """A refusal that no retry can fix: the row fails, staff are told."""


def template_outgoing(
    address: dict[str, str], *, name: str, language: str, parameters: list[str]
) -> Outgoing:
    """A WhatsApp template message (Meta: `type: template`, body parameters in order)."""
    to = {"to": address["to"]} if address.get("to") else {"recipient": address["recipient"]}
    template: dict[str, Any] = {"name": name, "language": {"code": language}}
    if parameters:
        # Meta refuses new lines, tabs and long runs of spaces in parameters (132018).
        clean = [" ".join(p.split()) for p in parameters]
        template["components"] = [
            {"type": "body", "parameters": [{"type": "text", "text": p} for p in clean]}
        ]
    return Outgoing(
        {
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            **to,
            "type": "template",
            "template": template,
        }
    )


def record_status(
    session: Session,
    *,
    provider_message_id: str | None,
    callback: str | None,
    status: str,
    error: str | None = None,
) -> bool:
    """Apply one provider status to its delivery; False when it is not an alert's."""
    if status not in ("sent", "delivered", "read", "failed"):
        return False
    delivery = None
    if (
        callback
        and callback.startswith(CALLBACK_PREFIX)
        and callback[len(CALLBACK_PREFIX) :].isdigit()
    ):
        delivery = session.get(Delivery, int(callback[len(CALLBACK_PREFIX) :]))
    if delivery is None and provider_message_id:
        delivery = session.scalar(
            select(Delivery).where(Delivery.provider_message_id == provider_message_id)
        )
    if delivery is None:
        return False
    if delivery.status == "failed" and status != "failed":
        return True
    if status == "failed" or _RANK.get(status, 0) > _RANK.get(delivery.status, 0):
        delivery.status = status
        delivery.updated_at = utcnow()
        if error:
            delivery.error = error[:200]
    if provider_message_id and not delivery.provider_message_id:
        delivery.provider_message_id = provider_message_id
    return True


def summary(session: Session, alert_id: int) -> dict[str, int]:
    """Deliveries of an alert by status, for the admin."""
    rows = session.execute(
        select(Delivery.status, func.count())
        .where(Delivery.alert_id == alert_id)
        .group_by(Delivery.status)
    )
    return {status: int(n) for status, n in rows}


__all__ = [
    "Outbox",
    "audience",
    "materialise",
    "recipient_count",
    "record_status",
    "summary",
    "take_web_alerts",
    "template_outgoing",
]
