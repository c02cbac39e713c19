"""Run in the engine venv: Dalil's bounded tracker store against Rasa's own SQL tracker store.

Usage: `PYTHONPATH=bot .venv-rasa/bin/python engine_tracker_store.py WORKDIR [POSTGRES_DB]`. One long
conversation (greeting, questions with city and status, a form, a handover) is stored turn by
turn in both stores, exactly as Rasa's processor does (retrieve, add the turn's events, save).
Prints one JSON line per turn comparing what each store gives back, then a summary line.
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import Any

from components.tracker_store import CARRIED, BoundedSQLTrackerStore
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    BotUttered,
    Event,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

DOMAIN = Domain.load(str(Path(__file__).resolve().parents[2] / "bot" / "domain"))
SENDER = "long-conversation"
TURNS = 75
ROLL, CARRY = 20, 3
FORM_TURNS = range(18, 24)  # eligibility_form active: the roll that is due must wait
HANDOVER_TURNS = range(40, 46)  # handover_active: no roll either
WELCOME = "Bonjour, je suis Dalil."
AGAIN = "Bonjour ! De quoi avez-vous besoin ?"
TOPICS = ["ask_housing", "ask_health_care", "ask_school_access", "ask_employment", "thank"]


def user(text: str, intent: str, entities: list[dict[str, Any]] | None = None) -> UserUttered:
    return UserUttered(
        text,
        {"name": intent, "confidence": 0.9},
        entities or [],
        metadata={"language": "fr", "channel": "web"},
    )


def turn_events(turn: int) -> list[Event]:
    """What Rasa logs in one user turn (user message, slots, actions, answers, listen)."""
    listen = ActionExecuted("action_listen")
    if turn in FORM_TURNS:
        if turn == FORM_TURNS[0]:
            return [
                user("suis-je eligible ?", "ask_eligibility"),
                ActionExecuted("eligibility_form"),
                ActiveLoop("eligibility_form"),
                SlotSet("requested_slot", "status"),
                BotUttered("Quel est votre statut ?"),
                listen,
            ]
        if turn == FORM_TURNS[-1]:
            return [
                user("refugie", "inform", [{"entity": "status", "value": "refugee"}]),
                SlotSet("status", "refugee"),
                ActionExecuted("eligibility_form"),
                SlotSet("requested_slot", None),
                ActiveLoop(None),
                ActionExecuted("action_eligibility"),
                BotUttered("Vous avez droit a ..."),
                listen,
            ]
        return [
            user("je ne sais pas", "deny"),
            ActionExecuted("eligibility_form"),
            SlotSet("requested_slot", "status"),
            BotUttered("Quel est votre statut ?"),
            listen,
        ]
    if turn == HANDOVER_TURNS[0]:
        return [
            user("je veux parler a quelqu'un", "human_handover"),
            ActionExecuted("action_handover"),
            SlotSet("handover_active", True),
            BotUttered("Une personne va vous repondre."),
            listen,
        ]
    if turn == HANDOVER_TURNS[-1]:
        return [
            user("merci", "thank"),
            SlotSet("handover_active", False),
            ActionExecuted("utter_youre_welcome"),
            BotUttered("Avec plaisir."),
            listen,
        ]
    if turn % 13 == 0:
        # "bonjour": the first in a session gets the welcome, later ones the short reply.
        text = WELCOME if turn == 0 else AGAIN
        return [user("bonjour", "greet"), ActionExecuted("utter_greet"), BotUttered(text), listen]
    intent = TOPICS[turn % len(TOPICS)]
    events: list[Event] = [user(f"message {turn}", intent)]
    if turn % 7 == 3:
        events.append(SlotSet("city", ["Rabat", "Oujda", "Tanger"][turn % 3]))
    events += [
        ActionExecuted("action_answer_topic" if intent != "thank" else "utter_youre_welcome"),
        BotUttered(f"reponse {turn}"),
        ActionExecuted("utter_anything_else"),
        BotUttered("Autre chose ?"),
        listen,
    ]
    return events


def session_start() -> list[Event]:
    """What `action_session_start` leaves in the tracker, in Rasa's order: the welcome comes
    before `session_started`, so it is not part of the session Rasa reads back."""
    return [
        ActionExecuted("action_session_start"),
        BotUttered(WELCOME),
        SessionStarted(),
        SlotSet("language", "fr"),
        ActionExecuted("action_listen"),
    ]


async def play_turn(store: Any, turn: int) -> DialogueStateTracker:
    tracker = await store.retrieve(SENDER)
    if tracker is None:
        tracker = DialogueStateTracker(SENDER, DOMAIN.slots)
        tracker.update_with_events(session_start(), DOMAIN)
    tracker.update_with_events(turn_events(turn), DOMAIN)
    await store.save(tracker)
    return tracker


def view(tracker: DialogueStateTracker) -> dict[str, Any]:
    """What the policies, the actions and the gateway see of a tracker."""
    states = tracker.past_states(DOMAIN)
    events = list(tracker.events)
    welcome_seen = False
    for event in reversed(events):  # the gateway's already_greeted
        if isinstance(event, SessionStarted):
            break
        if isinstance(event, BotUttered) and event.text == WELCOME:
            welcome_seen = True
            break
    return {
        "slots": tracker.current_slot_values(),
        "active_loop": tracker.active_loop_name,
        "latest_message": tracker.latest_message.text if tracker.latest_message else None,
        "last_states": json.loads(json.dumps(states[-8:], default=list)),
        "events": len(events),
        "greeted": welcome_seen,
    }


def user_texts(tracker: DialogueStateTracker | None) -> list[str]:
    return [e.text for e in tracker.events if isinstance(e, UserUttered)] if tracker else []


async def main(workdir: str, postgres_db: str | None) -> None:
    if postgres_db:
        common = {
            "dialect": "postgresql",
            "host": "127.0.0.1",
            "port": 5432,
            "username": "root",
            "db": postgres_db,
        }
        stock = SQLTrackerStore(DOMAIN, **common)
        # Each store in its own table would need another database: clear between the two runs.
        ours: Any = None
    else:
        stock = SQLTrackerStore(DOMAIN, dialect="sqlite", db=f"{workdir}/stock.db")
        ours = BoundedSQLTrackerStore(
            DOMAIN,
            dialect="sqlite",
            db=f"{workdir}/ours.db",
            roll_after_turns=ROLL,
            carry_turns=CARRY,
        )
    stock_views = []
    for turn in range(TURNS):
        await play_turn(stock, turn)
        stock_views.append(view(await stock.retrieve(SENDER)))
    stock_full = user_texts(await stock.retrieve_full_tracker(SENDER))
    if ours is None:
        with stock.session_scope() as session:
            session.query(stock.SQLEvent).delete()
            session.commit()
        ours = BoundedSQLTrackerStore(DOMAIN, roll_after_turns=ROLL, carry_turns=CARRY, **common)
    rolls = []
    for turn in range(TURNS):
        before = await ours.retrieve(SENDER)
        sessions_before = sum(isinstance(e, SessionStarted) for e in before.events) if before else 0
        await play_turn(ours, turn)
        after = await ours.retrieve(SENDER)
        first = after.events[0] if after else None
        rolled = (
            bool(before)
            and isinstance(first, SessionStarted)
            and (first.timestamp > max(e.timestamp for e in before.events))
        )
        if rolled:
            rolls.append(turn)
        print(
            json.dumps(
                {
                    "turn": turn,
                    "rolled": rolled,
                    "sessions_before": sessions_before,
                    "stock": stock_views[turn],
                    "ours": view(after),
                },
                default=str,
            )
        )
    final = await ours.retrieve(SENDER)
    events = list(final.events) if final else []
    first_user = next(i for i, e in enumerate(events) if isinstance(e, UserUttered))
    welcomes = sum(isinstance(e, BotUttered) for e in events[:first_user])
    full = await ours.retrieve_full_tracker(SENDER)
    with ours.session_scope() as session:
        rows = session.query(ours.SQLEvent).filter(ours.SQLEvent.sender_id == SENDER).all()
        carried_rows = sum(CARRIED in json.loads(r.data).get("metadata", {}) for r in rows)
    print(
        json.dumps(
            {
                "summary": True,
                "rolls": rolls,
                "full_user_texts_equal": user_texts(full) == stock_full,
                "full_users": len(user_texts(full)),
                "carried_rows": carried_rows,
                "welcomes_carried": welcomes,
                "full_slots_equal": full.current_slot_values() == stock_views[-1]["slots"]
                if full
                else False,
            }
        )
    )


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else None))
