"""Subscriptions: opt in, list, stop, forget. Keyword-only functions taking a session."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, delete, inspect, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from dalil.clock import utcnow
from gateway.alerts.models import ANY_CITY, Delivery, Subscription


def _insert(session: Session) -> Any:
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    return dialect.insert(Subscription)


def subscribe(
    session: Session, *, sender: str, channel: str, language: str, topic: str, city: str | None
) -> None:
    """Record the person's consent (again: the latest channel, language and time win)."""
    values = {
        "sender": sender,
        "channel": channel,
        "language": language,
        "topic": topic,
        "city": city or ANY_CITY,
        "consented_at": utcnow(),
    }
    statement = _insert(session).values(**values)
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["sender", "topic", "city"],
            set_={k: values[k] for k in ("channel", "language", "consented_at")},
        )
    )


def subjects(session: Session, *, sender: str) -> list[tuple[str, str]]:
    """(topic, city) of the person's subscriptions."""
    rows = session.execute(
        select(Subscription.topic, Subscription.city)
        .where(Subscription.sender == sender)
        .order_by(Subscription.id)
    )
    return [(t, c) for t, c in rows]


def is_subscribed(session: Session, *, sender: str, topic: str, city: str | None) -> bool:
    """Whether the person already gets alerts for this topic and city."""
    return (
        session.scalar(
            select(Subscription.id).where(
                Subscription.sender == sender,
                Subscription.topic == topic,
                Subscription.city == (city or ANY_CITY),
            )
        )
        is not None
    )


def unsubscribe_all(session: Session, *, sender: str) -> int:
    """STOP: every subscription goes, and alerts not yet sent to the person are dropped."""
    removed = session.execute(
        delete(Subscription).where(Subscription.sender == sender).returning(Subscription.id)
    ).all()
    session.execute(delete(Delivery).where(Delivery.sender == sender, Delivery.status == "pending"))
    return len(removed)


def forget_subscriptions(engine: Engine, senders: list[str]) -> None:
    """ "Delete my data" and the purge: subscriptions and every delivery record of the people."""
    if not senders or not inspect(engine).has_table(Subscription.__tablename__):
        return  # a gateway migrated before the alerts: nothing of theirs to delete
    with Session(engine) as session, session.begin():
        session.execute(delete(Subscription).where(Subscription.sender.in_(senders)))
        session.execute(delete(Delivery).where(Delivery.sender.in_(senders)))
