"""The purge and "delete my data" remove subscriptions and delivery rows."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from gateway.alerts.models import Alert, Delivery, Subscription
from gateway.alerts.subscriptions import subscribe
from gateway.inbox.models import Contact
from gateway.inbox.store import InboxStore, make_inbox_engine
from gateway.purge import Forgetter


def _person(session: Session, sender: str, last_seen: datetime, alert: Alert) -> None:
    session.add(
        Contact(sender=sender, channel="telegram", address={"chat_id": "1"}, last_seen_at=last_seen)
    )
    subscribe(session, sender=sender, channel="telegram", language="fr", topic="housing", city=None)
    session.add(
        Delivery(
            alert_id=alert.id,
            sender=sender,
            channel="telegram",
            language="fr",
            status="sent",
            attempts=0,
        )
    )


@pytest.mark.postgres
def test_purge_and_deletion_remove_subscriptions(database_url: str, engine: Engine) -> None:
    at = datetime.now(UTC)
    with Session(engine) as session, session.begin():
        alert = Alert(
            kind="broadcast", status="done", languages=[], channels=[], texts={}, created_at=at
        )
        session.add(alert)
        session.flush()
        _person(session, "tg:silent", at - timedelta(days=40), alert)
        _person(session, "tg:recent", at, alert)
        _person(session, "tg:leaving", at, alert)
    inbox_engine = make_inbox_engine(database_url)
    forgetter = Forgetter(InboxStore(inbox_engine), None)
    try:
        asyncio.run(forgetter.purge(timedelta(days=30)))
        asyncio.run(forgetter.forget("tg:leaving"))
    finally:
        inbox_engine.dispose()
    with Session(engine) as session:
        assert list(session.scalars(select(Subscription.sender))) == ["tg:recent"]
        assert list(session.scalars(select(Delivery.sender))) == ["tg:recent"]


@pytest.mark.postgres
def test_no_one_gets_more_alerts_a_month_than_the_consent_text_says(engine: Engine) -> None:
    from gateway.alerts.outbox import materialise
    from gateway.alerts.texts import MAX_ALERTS_PER_MONTH

    at = datetime.now(UTC)
    with Session(engine) as session, session.begin():
        for sender in ("tg:busy", "tg:quiet"):
            subscribe(
                session,
                sender=sender,
                channel="telegram",
                language="fr",
                topic="housing",
                city=None,
            )
        for _ in range(MAX_ALERTS_PER_MONTH):
            old = Alert(
                kind="broadcast", status="done", languages=[], channels=[], texts={}, created_at=at
            )
            session.add(old)
            session.flush()
            session.add(
                Delivery(
                    alert_id=old.id,
                    sender="tg:busy",
                    channel="telegram",
                    language="fr",
                    status="read",
                    attempts=0,
                    updated_at=at,
                )
            )
        new = Alert(
            kind="change",
            status="approved",
            topic="housing",
            languages=[],
            channels=[],
            texts={},
            created_at=at,
        )
        session.add(new)
        session.flush()
        assert materialise(session, new) == 1
        assert (
            session.scalar(select(Delivery.sender).where(Delivery.alert_id == new.id)) == "tg:quiet"
        )
