"""Validate the action server's answers with one cached JSON Schema validator.

Rasa 3.6 checks every custom action's response with `jsonschema.validate(result, spec)`
(`RemoteAction._validate_action_result`). That call first validates `spec`, a constant, against
the JSON Schema meta-schema, then builds a new validator: about 20 ms of CPU per action call on
a 2-core machine, the largest single cost of a Rasa turn (docs/benchmarks.md, "Costs found").
Here the schema is checked once and one validator serves every response: the same responses
are accepted, and a bad one raises the same `ValidationError` (the best match, with Rasa's hint
appended). Installed when `components` is imported in the engine; a no-op without Rasa, or
with `DALIL_RASA_STOCK_ACTION_CHECK=1` (to measure Rasa's own check: `python -m bench latency
--stock-action-check`).
"""

from __future__ import annotations

import os
from functools import cache
from typing import Any

STOCK_ENV = "DALIL_RASA_STOCK_ACTION_CHECK"

ORIGINAL: Any = None


@cache
def _validator() -> Any:
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction

    spec = RemoteAction.action_response_format_spec()
    cls = validator_for(spec)
    cls.check_schema(spec)
    return cls(spec)


def validate_action_result(self: Any, result: dict[str, Any]) -> bool:
    """`RemoteAction._validate_action_result` without re-checking the constant schema."""
    from jsonschema.exceptions import best_match
    from rasa.shared.constants import DOCS_BASE_URL

    error = best_match(_validator().iter_errors(result))
    if error is None:
        return True
    error.message += (
        ". Failed to validate Action server response from API, "
        "make sure your response from the Action endpoint is valid. "
        f"For more information about the format visit {DOCS_BASE_URL}/custom-actions"
    )
    raise error


def install() -> bool:
    """Put the cached validation in place in the engine; False where Rasa is not installed."""
    global ORIGINAL
    if os.environ.get(STOCK_ENV) == "1":
        return False
    try:
        from rasa.core.actions.action import RemoteAction
    except ImportError:
        return False
    if RemoteAction._validate_action_result is not validate_action_result:
        ORIGINAL = RemoteAction._validate_action_result
        RemoteAction._validate_action_result = validate_action_result  # type: ignore[method-assign]
    return True
