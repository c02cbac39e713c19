"""A small async client for the Rasa server: its REST channel and its HTTP API."""

from __future__ import annotations

import time
from typing import Any

import httpx

from gateway.metrics import RASA_SECONDS


class RasaUnavailable(Exception):
    """Rasa could not be reached, or failed while handling the message."""


class RasaClient:
    """Talks to one Rasa server (or the load balancer in front of several)."""

    def __init__(self, http: httpx.AsyncClient, *, base_url: str, token: str) -> None:
        self._http = http
        self._base_url = base_url.rstrip("/")
        self._token = token

    async def send(
        self, *, sender: str, text: str, metadata: dict[str, Any]
    ) -> list[dict[str, Any]]:
        """Send one user message through the REST channel and return the bot's messages."""
        started = time.perf_counter()
        try:
            response = await self._http.post(
                f"{self._base_url}/webhooks/rest/webhook",
                json={"sender": sender, "message": text, "metadata": metadata},
            )
        except httpx.HTTPError as exc:
            RASA_SECONDS.labels(result="unreachable").observe(time.perf_counter() - started)
            raise RasaUnavailable(f"Rasa unreachable: {type(exc).__name__}") from exc
        RASA_SECONDS.labels(result=str(response.status_code)).observe(time.perf_counter() - started)
        if response.status_code != 200:
            raise RasaUnavailable(f"Rasa answered HTTP {response.status_code}")
        body = response.json()
        if not isinstance(body, list):
            raise RasaUnavailable("Rasa answered something other than a list of messages")
        return body

    async def is_ready(self) -> bool:
        """True when the server answers and has a model loaded."""
        try:
            response = await self._http.get(
                f"{self._base_url}/status", params={"token": self._token}, timeout=3.0
            )
        except httpx.HTTPError:
            return False
        return response.status_code == 200 and bool(response.json().get("model_file"))

    async def delete_conversation(self, sender: str) -> None:
        """Forget a conversation's events in Rasa's tracker (replacing them with none)."""
        try:
            response = await self._http.put(
                f"{self._base_url}/conversations/{sender}/tracker/events",
                params={"token": self._token},
                json=[],
            )
        except httpx.HTTPError as exc:
            raise RasaUnavailable(f"Rasa unreachable: {type(exc).__name__}") from exc
        if response.status_code >= 400:
            raise RasaUnavailable(f"Rasa refused to reset the tracker: HTTP {response.status_code}")
