"""How often each fact is shown to users, per day: no text, no pseudonym, no channel.

The admin's "to re-check" list puts the facts people actually read first.
"""

from collections import Counter
from collections.abc import Iterable
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from knowledge.models import FactServed

# A fact is (kind, key): ("topic_translation", "asylum/fr"), ("service_point", "unhcr_rabat"),
# ("eligibility", "refugee/school_access"), ("emergency", "police").
Fact = tuple[str, str]


def record_served(session: Session, *, facts: Iterable[Fact], day: date) -> None:
    """Add one to each fact's count of `day` (atomic upsert; no commit)."""
    counts = Counter(facts)
    if not counts:
        return
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    for (kind, key), count in counts.items():
        statement = insert(FactServed).values(day=day, kind=kind, key=key[:120], count=count)
        session.execute(
            statement.on_conflict_do_update(
                index_elements=["day", "kind", "key"],
                set_={"count": FactServed.count + statement.excluded.count},
            )
        )


def served_counts(session: Session, *, since: date) -> dict[Fact, int]:
    """How many times each fact was served from `since` (included) to today."""
    rows = session.execute(
        select(FactServed.kind, FactServed.key, func.sum(FactServed.count))
        .where(FactServed.day >= since)
        .group_by(FactServed.kind, FactServed.key)
    )
    return {(kind, key): int(total) for kind, key, total in rows}
