"""Run in the engine venv (.venv-rasa): build Rasa's stores from an endpoints file, use them.

Usage: `PYTHONPATH=bot .venv-rasa/bin/python engine_stores.py ENDPOINTS SENDER`; prints JSON describing the
stores and the tracker read back after saving one user message. Rasa-only imports.
"""

from __future__ import annotations

import asyncio
import json
import sys


async def main(path: str, sender: str) -> None:
    """Create the tracker and lock stores exactly as `rasa run` does, then round-trip a tracker."""
    from rasa.core.lock_store import LockStore
    from rasa.core.tracker_store import TrackerStore
    from rasa.core.utils import read_endpoints_from_path
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    endpoints = read_endpoints_from_path(path)
    store = TrackerStore.create(endpoints.tracker_store, domain=Domain.empty())
    locks = LockStore.create(endpoints.lock_store)
    async with locks.lock(sender):
        tracker = DialogueStateTracker.from_events(sender, [UserUttered("bonjour")])
        await store.save(tracker)
        issued = locks.get_or_create_lock(sender).last_issued
    read = await store.retrieve(sender)
    print(
        json.dumps(
            {
                "tracker_store": type(store).__name__,
                "inner_store": type(getattr(store, "_tracker_store", store)).__name__,
                "lock_store": type(locks).__name__,
                "lock_ticket_issued": issued,
                "texts": [e.text for e in read.events if isinstance(e, UserUttered)]
                if read
                else None,
                "action_url": endpoints.action.url if endpoints.action else None,
                "nlg_url": endpoints.nlg.url if endpoints.nlg else None,
                "nlg_headers": endpoints.nlg.headers if endpoints.nlg else None,
            }
        )
    )


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2]))
