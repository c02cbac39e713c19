"""Run in the engine venv: the cached validation accepts and refuses exactly what Rasa's does.

`bot/` (the custom components) comes through PYTHONPATH: tests/engine.py runs this script.

Prints one JSON line per case: {"case", "ours", "rasa"} where each is "ok" or the error message.
"""

from __future__ import annotations

import json

import components  # noqa: F401  (installs the cached validation)
from components import action_schema
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction

CASES = {
    "events and responses": {
        "events": [{"event": "slot", "name": "topic", "value": "health_care", "timestamp": None}],
        "responses": [{"text": "Bonjour", "buttons": [{"title": "Oui", "payload": "/affirm"}]}],
    },
    "empty": {},
    "form events": {
        "events": [
            {"event": "active_loop", "name": None},
            {"event": "followup", "name": "action_x"},
        ]
    },
    "unknown event": {"events": [{"event": "no_such_event"}]},
    "events not a list": {"events": {"event": "slot"}},
    "slot without name": {"events": [{"event": "slot", "value": 1}]},
    "responses not a list": {"responses": "hello"},
}


def outcome(validate: object, result: dict) -> str:
    try:
        validate(RemoteAction("action_x", None), json.loads(json.dumps(result)))  # type: ignore[operator]
        return "ok"
    except ValidationError as error:
        return error.message


print(
    json.dumps(
        {"installed": RemoteAction._validate_action_result is action_schema.validate_action_result}
    )
)
for name, result in CASES.items():
    print(
        json.dumps(
            {
                "case": name,
                "ours": outcome(RemoteAction._validate_action_result, result),
                "rasa": outcome(
                    action_schema.ORIGINAL or RemoteAction._validate_action_result, result
                ),
            }
        )
    )
