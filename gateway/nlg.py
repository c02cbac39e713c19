"""`POST /nlg`: Rasa's `utter_*` responses, rendered from the gettext catalogs in the user's language.

Rasa 3.6 posts `{"response": "utter_x", "arguments": {}, "tracker": {...}, "channel": {...}}` for
every response and shows what comes back. The domain only lists placeholder texts.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from actions.responses import render_response
from dalil.languages import Language, coerce_language

log = logging.getLogger(__name__)
router = APIRouter(tags=["nlg"])


class NlgRequest(BaseModel):
    """What Rasa sends for one response."""

    response: str
    arguments: dict[str, Any] = Field(default_factory=dict)
    tracker: dict[str, Any] = Field(default_factory=dict)
    channel: dict[str, Any] = Field(default_factory=dict)


class NlgButton(BaseModel):
    """A button: the title shown and the payload sent back."""

    title: str
    payload: str


class NlgResponse(BaseModel):
    """What Rasa shows to the user."""

    text: str
    buttons: list[NlgButton] = Field(default_factory=list)


def tracker_language(tracker: dict[str, Any]) -> Language:
    """This turn's language: message metadata, then the `language` slot, then French."""
    latest = tracker.get("latest_message") or {}
    metadata = latest.get("metadata") or {}
    slots = tracker.get("slots") or {}
    return coerce_language(metadata.get("language") or slots.get("language"))


def render(response: str, language: str) -> NlgResponse:
    """One response in `language`; an unknown name gets the "did not understand" text."""
    rendered = render_response(response, language)
    if rendered is None:
        # A response named in the domain but not here is a bug: say so in the logs, and give
        # the user something sensible rather than Rasa's placeholder.
        log.error("unknown response", extra={"response": response})
        rendered = render_response("utter_default", language)
        assert rendered is not None
    text, buttons = rendered
    return NlgResponse(text=text, buttons=[NlgButton(**b) for b in buttons])


@router.post("/nlg")
async def nlg(request: NlgRequest) -> NlgResponse:
    """Render a Rasa response from the catalogs in the conversation's language."""
    return render(request.response, tracker_language(request.tracker))
