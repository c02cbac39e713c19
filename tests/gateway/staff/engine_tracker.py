"""Run in the engine venv (.venv-rasa): save a conversation in Rasa's own SQL tracker store.

Usage: `.venv-rasa/bin/python engine_tracker.py DB_NAME SENDER TEXT...`; writes the user
messages as Rasa does when it handles them (PostgreSQL on 127.0.0.1, user postgres). Rasa-only
imports.
"""

from __future__ import annotations

import asyncio
import sys


async def main(db: str, sender: str, texts: list[str]) -> None:
    """Save one tracker with `texts` as user messages and a bot answer to each."""
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import BotUttered, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    store = SQLTrackerStore(
        Domain.empty(),
        dialect="postgresql",
        host="127.0.0.1",
        port=5432,
        db=db,
        username="postgres",
    )
    events = []
    for text in texts:
        events += [UserUttered(text, metadata={"language": "fr"}), BotUttered(f"re: {text}")]
    await store.save(DialogueStateTracker.from_events(sender, events))


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], sys.argv[3:]))
