"""Rasa renders its `utter_*` responses through the gateway's /nlg, which answers only Rasa's token."""

from __future__ import annotations

import httpx

from bench.devstack import Stack
from replies.responses import render_response


def test_rasa_sends_its_token_to_nlg_and_responses_are_rendered(stack: Stack) -> None:
    # "au revoir" is answered by utter_goodbye alone, which only /nlg renders (the session's
    # welcome comes from the action server): without the token the user would not read it.
    goodbye = render_response("utter_goodbye", "fr")
    assert goodbye is not None
    response = httpx.post(
        f"{stack.gateway_url}/api/v1/chat",
        json={"sender": "e2e-nlg-token", "text": "au revoir", "language": "fr"},
        timeout=60,
    )
    assert response.status_code == 200, response.text
    texts = [m["text"] for m in response.json()["messages"]]
    assert goodbye[0] in texts, texts
    # And nobody else is answered.
    assert (
        httpx.post(f"{stack.gateway_url}/nlg", json={"response": "utter_goodbye"}).status_code
        == 401
    )
