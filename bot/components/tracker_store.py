"""Rasa's SQL tracker store, with sessions that stay short however long the conversation lasts.

Rasa reads, replays and featurises every event of the current session on every turn, and sends
all of them to the action server and to `/nlg`: with one WhatsApp thread kept for months, each
message cost about 2 ms more than the one before (docs/benchmarks.md, "Long conversations").
After a turn that ends a session of `roll_after_turns` user messages, this store starts a new
session in the database, the way a quiet period does, but without running
`action_session_start` (no second welcome):

- `session_started`, then a `slot` event for every slot that differs from its initial value at
  the point where the carried tail begins (so replaying the new session gives the same slots);
- a copy of the session's first answer to a greeting (`utter_greet`, the full welcome) and of
  any welcome carried by an earlier rollover: the gateway's "already greeted" looks for the
  welcome among the session's bot messages (`gateway/nlg.py`), and a "bonjour" after a
  rollover must still get the short reply;
- copies of the last `carry_turns` user turns, from the `action_listen` before each, so the
  policies (MemoizationPolicy looks 4 actions back, the rules a few turns) see the same recent
  history as before.

Copies are marked in their metadata (`CARRIED`) and left out of the full history
(`retrieve_full_tracker`, Rasa's `GET /conversations/<id>/tracker`), where the originals are.
A session is never rolled while a form is active, a slot is being requested or a handover is
open. The next turn then loads a few dozen events instead of every event since the first
message. Everything else is Rasa's `SQLTrackerStore`: same table, same queries, same
`dalil purge`. Configured in bot/endpoints*.yml with
`type: components.tracker_store.BoundedSQLTrackerStore`. Engine-only (imports Rasa).
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Sequence
from typing import Any

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.constants import ACTION_LISTEN_NAME, REQUESTED_SLOT
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    Event,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

logger = logging.getLogger(__name__)

# Marks, in an event's metadata, a copy carried into a rolled-over session.
CARRIED = "dalil_carried_over"
# A slot the actions set while a person has taken over the conversation.
HANDOVER_SLOT = "handover_active"
# The response whose first rendering in a session is the welcome the gateway looks for.
GREETING_ACTION = "utter_greet"
# Successive timestamps of the events one rollover writes: ordered, and all before any later turn.
STEP_SECONDS = 1e-5


def _session_events(tracker: DialogueStateTracker) -> list[Event]:
    """The events of the tracker's current session (from its last `session_started`)."""
    events = list(tracker.events)
    for index in range(len(events) - 1, -1, -1):
        if isinstance(events[index], SessionStarted):
            return events[index:]
    return events


def _is_listen(event: Event) -> bool:
    return isinstance(event, ActionExecuted) and event.action_name == ACTION_LISTEN_NAME


def _first_answer_of(events: list[Event], action: str) -> BotUttered | None:
    """The bot message the first run of `action` sent, if any."""
    running = False
    for event in events:
        if isinstance(event, ActionExecuted):
            running = event.action_name == action
        elif running and isinstance(event, BotUttered):
            return event
    return None


def _busy(tracker: DialogueStateTracker) -> bool:
    """A form runs, a slot is asked for or a person has taken over: no rollover now."""
    return bool(
        tracker.active_loop_name
        or tracker.get_slot(REQUESTED_SLOT)
        or tracker.get_slot(HANDOVER_SLOT)
    )


def rollover_events(
    tracker: DialogueStateTracker,
    domain: Domain,
    *,
    roll_after_turns: int,
    carry_turns: int,
    now: float | None = None,
) -> list[dict[str, Any]]:
    """The events (as stored) that start a new session carrying on from `tracker`; [] if none due.

    Due when the current session holds at least `roll_after_turns` user messages, the turn has
    ended (last event `action_listen`) and nothing is in progress (`_busy`) either now or where
    the carried tail begins.
    """
    session = _session_events(tracker)
    users = [i for i, event in enumerate(session) if isinstance(event, UserUttered)]
    if len(users) < max(roll_after_turns, carry_turns + 1) or not session:
        return []
    if not _is_listen(session[-1]) or _busy(tracker):
        return []
    first_kept = users[-carry_turns] if carry_turns > 0 else len(session) - 1
    # The tail starts at the action_listen the first kept user message answered.
    start = first_kept
    while start > 0 and not _is_listen(session[start]):
        start -= 1
    if start == 0:
        return []
    before = DialogueStateTracker.from_events(tracker.sender_id, session[:start], domain.slots)
    if _busy(before):
        return []
    slots = [
        SlotSet(slot.name, before.get_slot(slot.name))
        for slot in domain.slots
        if before.get_slot(slot.name) != slot.initial_value
    ]
    first_user = users[0]
    # The welcome an earlier rollover carried, else this session's first greeting: one event,
    # or the carried part would grow by one at every rollover.
    welcome = [e for e in session[:first_user] if isinstance(e, BotUttered)][-1:]
    greeting = _first_answer_of(session[first_user:start], GREETING_ACTION)
    if greeting is not None and not welcome:
        welcome = [greeting]
    # After every event stored so far, so the new session's start is the latest one.
    last = max((e.timestamp for e in tracker.events), default=0.0)
    base = max(now if now is not None else time.time(), last + STEP_SECONDS)
    new: list[dict[str, Any]] = [SessionStarted(timestamp=base).as_dict()]
    new += [slot.as_dict() for slot in slots]
    for event in [*welcome, *session[start:]]:
        data = event.as_dict()
        data["metadata"] = {**(data.get("metadata") or {}), CARRIED: True}
        new.append(data)
    for index, data in enumerate(new[1:], start=1):
        data["timestamp"] = base + index * STEP_SECONDS
    return new


def _is_carried(data: dict[str, Any]) -> bool:
    metadata = data.get("metadata")
    return isinstance(metadata, dict) and bool(metadata.get(CARRIED))


class BoundedSQLTrackerStore(SQLTrackerStore):
    """`SQLTrackerStore` that rolls a long session over to a short one after a turn (module doc)."""

    def __init__(
        self,
        domain: Domain | None = None,
        roll_after_turns: int = 20,
        carry_turns: int = 3,
        **kwargs: Any,
    ) -> None:
        """Rasa's SQL store arguments, plus when to roll over and how many turns to carry."""
        self.roll_after_turns = int(roll_after_turns)
        self.carry_turns = int(carry_turns)
        if self.carry_turns < 1 or self.roll_after_turns <= self.carry_turns:
            raise ValueError("need 1 <= carry_turns < roll_after_turns")
        super().__init__(domain=domain, **kwargs)

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Store the turn's new events as Rasa does, then roll the session over if it is due."""
        await super().save(tracker)
        new = rollover_events(
            tracker,
            self.domain,
            roll_after_turns=self.roll_after_turns,
            carry_turns=self.carry_turns,
        )
        if not new:
            return
        with self.session_scope() as session:
            for data in new:
                session.add(self._row(tracker.sender_id, data))
            session.commit()
        logger.debug(f"Conversation '{tracker.sender_id}': new session of {len(new)} events.")

    def _row(self, sender_id: str, data: dict[str, Any]) -> Any:
        """One `events` row, filled as `SQLTrackerStore.save` fills it."""
        intent = (data.get("parse_data") or {}).get("intent", {}).get("name")
        return self.SQLEvent(
            sender_id=sender_id,
            type_name=data["event"],
            timestamp=data.get("timestamp"),
            intent_name=intent,
            action_name=data.get("name"),
            data=json.dumps(data),
        )

    async def retrieve_full_tracker(self, conversation_id: str) -> DialogueStateTracker | None:
        """Every session's events, without the copies a rollover carried (the originals stay)."""
        with self.session_scope() as session:
            rows: Sequence[Any] = self._event_query(
                session, conversation_id, fetch_events_from_all_sessions=True
            ).all()
            events = [data for row in rows if not _is_carried(data := json.loads(row.data))]
        if self.domain and events:
            return DialogueStateTracker.from_dict(conversation_id, events, self.domain.slots)
        return None
