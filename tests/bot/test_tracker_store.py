"""The bounded tracker store gives Rasa what its own SQL store gives, in sessions that stay short.

The comparison runs in the engine venv (`engine_tracker_store.py`): one 75-turn conversation with
a form and a handover, stored turn by turn in Rasa's `SQLTrackerStore` and in ours, on SQLite
(`make run`) and on PostgreSQL (production).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bench.pg import create_database, drop_database
from tests.databases import DB_PREFIX
from tests.engine import run_engine_script

SCRIPT = Path(__file__).with_name("engine_tracker_store.py")
ROLL, CARRY = 20, 3  # as in the script


def run_engine(*args: str) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    result = run_engine_script(SCRIPT, *args, check=False, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    return lines[:-1], lines[-1]


def check_same_as_rasa(turns: list[dict[str, Any]], summary: dict[str, Any]) -> None:
    assert len(turns) == 75
    for row in turns:
        stock, ours = row["stock"], row["ours"]
        where = f"turn {row['turn']}"
        # What the actions and /nlg read: slots (language, city, status), form, last message.
        assert ours["slots"] == stock["slots"], where
        assert ours["active_loop"] == stock["active_loop"], where
        assert ours["latest_message"] == stock["latest_message"], where
        # The gateway's "already greeted": the session's welcome is still on screen.
        assert ours["greeted"] is stock["greeted"] is True, where
        # What the policies featurise: the recent states (MemoizationPolicy looks 4 back).
        assert len(ours["last_states"]) == len(stock["last_states"])
        assert len(ours["last_states"]) == 8 or row["turn"] < 2
        assert ours["last_states"] == stock["last_states"], where
    # Rasa's session grows with every turn; ours stays bounded.
    assert turns[-1]["stock"]["events"] > 400
    # (Longest just before a roll that had to wait for a form or a handover to end.)
    assert max(row["ours"]["events"] for row in turns[26:]) < 160
    assert turns[-1]["ours"]["events"] < 90
    # Due at 20 user messages, but never in the form (turns 18-23, also carried up to 25) nor
    # in the handover (40-45, carried up to 47).
    assert summary["rolls"] == [26, 48, 65]
    # The full history (Rasa's GET /conversations/<id>/tracker) has each message once.
    assert summary["full_user_texts_equal"] is True
    assert summary["full_users"] == 75
    assert summary["full_slots_equal"] is True
    assert summary["carried_rows"] > 0
    # After three rollovers the session carries the welcome once, not once per rollover.
    assert summary["welcomes_carried"] == 1


def test_on_sqlite_it_behaves_like_rasas_store_with_short_sessions(tmp_path: Path) -> None:
    turns, summary = run_engine(str(tmp_path))
    check_same_as_rasa(turns, summary)


@pytest.mark.timeout(900)
def test_on_postgresql_it_behaves_like_rasas_store_with_short_sessions(tmp_path: Path) -> None:
    name = f"{DB_PREFIX}_bounded_tracker"
    create_database(name)
    try:
        turns, summary = run_engine(str(tmp_path), name)
    finally:
        drop_database(name)
    check_same_as_rasa(turns, summary)
