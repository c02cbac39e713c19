"""`POST /nlg`: Rasa's `utter_*` responses, rendered from the gettext catalogs in the user's language.

Rasa 3.6 posts `{"response": "utter_x", "arguments": {}, "tracker": {...}, "channel": {...}}` for
every response and shows what comes back. The domain only lists placeholder texts.
"""

from __future__ import annotations

import hmac
import logging
import time
from typing import Annotated, Any

import httpx
from fastapi import APIRouter, Depends, Header, HTTPException
from pydantic import BaseModel, Field

from dalil.languages import LANGUAGES, Language, coerce_language
from gateway.conversation import apology
from gateway.dependencies import ActionProbe, ActionProbeDep, OptionalHttpDep, SettingsDep
from gateway.settings import GatewaySettings
from replies.payloads import person_button
from replies.responses import render_response

log = logging.getLogger(__name__)


def rasa_only(settings: SettingsDep, authorization: Annotated[str | None, Header()] = None) -> None:
    """Only Rasa may call /nlg: it sends `Authorization: Bearer <DALIL_RASA_TOKEN>`
    (the `headers` of the `nlg` endpoint in bot/endpoints*.yml)."""
    token = settings.rasa_token.get_secret_value()
    scheme, _, given = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.encode(), token.encode()):
        raise HTTPException(status_code=401, detail="The NLG endpoint is for Rasa only.")


router = APIRouter(
    tags=["nlg"],
    dependencies=[Depends(rasa_only)],
    responses={401: {"description": "Not Rasa: the bearer token is missing or wrong."}},
)


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
    # The insight note (gateway/insights/events.py): Rasa passes it on as a custom message.
    custom: dict[str, Any] | None = None


def tracker_language(tracker: dict[str, Any]) -> Language:
    """This turn's language: message metadata, then the `language` slot, then French."""
    latest = tracker.get("latest_message") or {}
    metadata = latest.get("metadata") or {}
    slots = tracker.get("slots") or {}
    return coerce_language(metadata.get("language") or slots.get("language"))


def already_greeted(tracker: dict[str, Any]) -> bool:
    """Whether this session's welcome (sent by action_session_start) is already on screen."""
    greetings = set()
    for language in LANGUAGES:
        rendered = render_response("utter_greet", language)
        if rendered:
            greetings.add(rendered[0])
    for event in reversed(tracker.get("events") or []):
        if event.get("event") == "session_started":
            return False
        if event.get("event") == "bot" and event.get("text") in greetings:
            return True
    return False


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


# How long one probe of the action server is trusted: a burst of fallbacks costs one probe.
PROBE_TTL_SECONDS = 5.0


async def action_server_down(
    settings: GatewaySettings, http: httpx.AsyncClient | None, probe: ActionProbe
) -> bool:
    """Whether the action server fails its health probe (cached a few seconds in `probe`)."""
    if http is None:
        return False
    if time.monotonic() - probe.checked_at < PROBE_TTL_SECONDS:
        return probe.down
    try:
        response = await http.get(f"{settings.action_server_url.rstrip('/')}/health", timeout=1.0)
        down = response.status_code != 200
    except httpx.HTTPError:
        down = True
    probe.checked_at, probe.down = time.monotonic(), down
    return down


@router.post("/nlg", response_model_exclude_none=True)
async def nlg(
    body: NlgRequest, settings: SettingsDep, http: OptionalHttpDep, probe: ActionProbeDep
) -> NlgResponse:
    """Render a Rasa response from the catalogs in the conversation's language."""
    shown, rendered = await _nlg(body, settings, http, probe)
    intent = ((body.tracker.get("latest_message") or {}).get("intent") or {}).get("name")
    # The note names what was shown (the review queue and the insights read it): the apology
    # for an action server down is not a question the bot failed to understand.
    rendered.custom = {"insight": {"response": shown, "intent": str(intent or "")[:64]}}
    return rendered


# The note's name for the apology shown instead of utter_default.
APOLOGY = "apology"


async def _nlg(
    body: NlgRequest, settings: GatewaySettings, http: httpx.AsyncClient | None, probe: ActionProbe
) -> tuple[str, NlgResponse]:
    """(the name of what is shown, the rendered response)."""
    language = tracker_language(body.tracker)
    if body.response == "utter_default" and await action_server_down(settings, http, probe):
        # Rasa falls back to utter_default when an action call fails: "I did not understand"
        # would be false and send the user rephrasing; say we cannot answer, with the numbers.
        log.warning("action server down: apology instead of utter_default")
        return APOLOGY, NlgResponse(
            text=apology(language).text, buttons=[NlgButton(**person_button(language))]
        )
    if body.response == "utter_greet" and already_greeted(body.tracker):
        # "bonjour" as a first message: the session start has just welcomed the user.
        return "utter_greet_again", render("utter_greet_again", language)
    return body.response, render(body.response, language)
