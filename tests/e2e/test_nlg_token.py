"""Rasa renders its `utter_*` responses through the gateway's /nlg, which answers only Rasa's token."""

from __future__ import annotations

import httpx

from actions.responses import render_response
from dalil.devstack import Stack
from dalil.i18n import gettext


def test_rasa_sends_its_token_to_nlg_and_responses_are_rendered(stack: Stack) -> None:
    # Without the token Rasa's NLG calls fail and the user gets no greeting.
    greet = render_response("utter_greet", "fr")
    assert greet is not None
    expected = {
        greet[0],
        gettext("fr", "Hello! What do you need? Write your question or choose a subject."),
    }
    response = httpx.post(
        f"{stack.gateway_url}/api/v1/chat",
        json={"sender": "e2e-nlg-token", "text": "bonjour", "language": "fr"},
        timeout=60,
    )
    assert response.status_code == 200, response.text
    texts = {m["text"] for m in response.json()["messages"]}
    assert texts & expected, texts
    # And nobody else is answered.
    assert (
        httpx.post(f"{stack.gateway_url}/nlg", json={"response": "utter_greet"}).status_code == 401
    )
