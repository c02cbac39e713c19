"""Helpers to run actions the way the action server does (imported by the action tests)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.common import Services
from knowledge.db import make_engine, make_session_factory
from knowledge.repository import ServicePointView, Source
from knowledge.schema import TOPICS

# Monday 30 November 2026, 10:00 in Casablanca (UTC+1): offices with weekday hours are open.
MONDAY_MORNING = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
# Sunday 29 November 2026, 12:00 in Casablanca: offices are closed.
SUNDAY_NOON = datetime(2026, 11, 29, 11, 0, tzinfo=UTC)

# The topics asked with `ask_<topic>` (the emergency numbers have their own intent, `emergency`).
ASKED_TOPICS = tuple(topic for topic in TOPICS if topic != "emergency_numbers")

DOMAIN: dict[str, Any] = {
    "session_config": {"carry_over_slots_to_new_session": True, "session_expiration_time": 60},
    "slots": {
        name: {} for name in ("language", "topic", "city", "status", "need", "handover_active")
    },
    "forms": {
        "service_point_form": {"required_slots": ["topic", "city"]},
        "eligibility_form": {"required_slots": ["status", "need"]},
    },
}


def services_for(path: Path, clock: datetime = MONDAY_MORNING) -> Services:
    """Services on the database at `path`, with a fixed clock."""
    engine = make_engine(f"sqlite:///{path}")
    return Services(
        session_factory=make_session_factory(engine), clock=lambda: clock, points_per_page=3
    )


def make_tracker(
    *,
    text: str = "",
    intent: str | None = None,
    entities: dict[str, str] | None = None,
    language: str | None = "fr",
    location: dict[str, float] | None = None,
    slots: dict[str, Any] | None = None,
    intent_ranking: list[dict[str, Any]] | None = None,
    events: list[dict[str, Any]] | None = None,
    active_loop: dict[str, Any] | None = None,
) -> Tracker:
    """A tracker as Rasa sends it, with the gateway's metadata on the latest message."""
    metadata: dict[str, Any] = {"channel": "web", "location": location}
    if language is not None:
        metadata["language"] = language
    latest = {
        "text": text,
        "intent": {"name": intent, "confidence": 0.9} if intent else {},
        "entities": [{"entity": k, "value": v} for k, v in (entities or {}).items()],
        "intent_ranking": intent_ranking or [],
        "metadata": metadata,
    }
    all_slots = {name: None for name in DOMAIN["slots"]}
    all_slots.update(slots or {})
    return Tracker(
        sender_id="test-user",
        slots=all_slots,
        latest_message=latest,
        events=[*(events or []), {"event": "user", "text": text, "metadata": metadata}],
        paused=False,
        followup_action=None,
        active_loop=active_loop or {},
        latest_action_name="action_listen",
    )


async def run_action(
    action: Any, tracker: Tracker
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Run an action the way the action server does: (messages, events)."""
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, tracker, DOMAIN)
    return dispatcher.messages, events


def texts(messages: list[dict[str, Any]]) -> str:
    """Every text of the messages, joined."""
    return "\n".join(m.get("text") or "" for m in messages)


def payloads(messages: list[dict[str, Any]]) -> list[str]:
    """Every button payload of the messages, in order."""
    return [b["payload"] for m in messages for b in m.get("buttons") or []]


def slot_events(events: list[dict[str, Any]]) -> dict[str, Any]:
    """The slots the action set."""
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def service_point(**fields: Any) -> ServicePointView:
    """A service point as the repository gives it to the actions; `fields` override the defaults
    (an office in Rabat, no phone, no hours, checked on 29 November 2026)."""
    values: dict[str, Any] = {
        "id": "unhcr_rabat",
        "name": "HCR",
        "organisation": "UNHCR",
        "city_id": "rabat",
        "address": "",
        "lat": 34.0,
        "lon": -6.8,
        "approximate": False,
        "phones": (),
        "email": None,
        "website": None,
        "hours": (),
        "topics": ("asylum",),
        "languages": (),
        "serves": (),
        "verified_at": date(2026, 11, 29),
        "uncertain": False,
        "sources": (Source(title="HCR", url="https://help.unhcr.org/morocco/"),),
    }
    values.update(fields)
    return ServicePointView(**values)
