"""Handover: the bot hands a conversation to a person, who replies through the channel and hands it back."""

from __future__ import annotations

import json

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from gateway.admin.models import Handover, UnansweredQuestion
from gateway.app import create_app
from gateway.conversation import Inbound, InMemoryLanguageMemory
from gateway.privacy import pseudonym
from gateway.rasa import RasaClient
from gateway.staff.handover import HandoverConversationService, HandoverDesk, RasaTrackerReader
from tests.gateway.accounts import login, make_settings

WEB_ID = "browser-7f3a"
SENDER = pseudonym("web", WEB_ID, key="k")


class FakeRasa:
    """Rasa's REST channel and tracker API, answering like the real server for a handover."""

    def __init__(self) -> None:
        self.received: list[str] = []

    def handler(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/webhooks/rest/webhook":
            text = json.loads(request.content)["message"]
            self.received.append(text)
            if text == "/human_handover":
                return httpx.Response(
                    200,
                    json=[
                        {"recipient_id": SENDER, "text": "Une personne va vous répondre."},
                        {"recipient_id": SENDER, "custom": {"dalil": "handover"}},
                    ],
                )
            if text == "blabla":
                return httpx.Response(
                    200,
                    json=[
                        {
                            "recipient_id": SENDER,
                            "text": "Je n'ai pas compris.",
                            "buttons": [
                                {"title": "Parler à une personne", "payload": "/human_handover"}
                            ],
                        },
                        {"recipient_id": SENDER, "custom": {"dalil": "unanswered"}},
                    ],
                )
            return httpx.Response(200, json=[{"recipient_id": SENDER, "text": "Réponse du bot."}])
        if request.url.path == f"/conversations/{SENDER}/tracker":
            events = [
                {
                    "event": "user",
                    "text": "mon fils n'a pas de place à l'école",
                    "metadata": {"language": "fr"},
                    "parse_data": {"intent": {"name": "ask_school_access"}},
                },
                {"event": "bot", "text": "…"},
                {
                    "event": "user",
                    "text": "/human_handover",
                    "metadata": {"language": "fr"},
                    "parse_data": {"intent": {"name": "human_handover"}},
                },
            ]
            return httpx.Response(200, json={"events": events})
        return httpx.Response(404)


async def test_handover_goes_to_the_inbox_and_back(database_url: str, engine: Engine) -> None:
    fake = FakeRasa()
    async with httpx.AsyncClient(
        transport=httpx.MockTransport(fake.handler), base_url="http://rasa"
    ) as http:
        desk = HandoverDesk(
            engine, tracker=RasaTrackerReader(http, base_url="http://rasa", token="t")
        )
        service = HandoverConversationService(
            RasaClient(http, base_url="http://rasa", token="t"), InMemoryLanguageMemory(), desk
        )

        def turn(text: str) -> Inbound:
            return Inbound(channel="web", sender=SENDER, text=text, language="fr")

        reply = await service.handle(turn("/human_handover"))
        assert (
            "handover" in reply.commands
            and reply.messages[0].text == "Une personne va vous répondre."
        )
        # While a person handles the conversation the bot stays silent and Rasa hears nothing.
        silent = await service.handle(turn("vous êtes là ?"))
        assert silent.messages == [] and fake.received == ["/human_handover"]

        with TestClient(create_app(make_settings(database_url)), follow_redirects=False) as staff:
            token = login(staff, "staff")
            inbox = staff.get("/staff/handovers").text
            assert (
                "mon fils n&#39;a pas de place à l&#39;école" in inbox and "vous êtes là ?" in inbox
            )
            assert "Asked for a person" in inbox and "School" in inbox
            with Session(engine) as session:
                handover = session.scalar(select(Handover).where(Handover.sender == SENDER))
                assert (
                    handover is not None
                    and handover.status == "open"
                    and handover.topic == "school_access"
                )
                handover_id = handover.id
            sent = staff.post(
                f"/staff/handovers/{handover_id}/reply",
                data={"csrf_token": token, "text": "Bonjour, je suis Fatima de l'association."},
            )
            assert sent.status_code == 303
            # The web chat fetches the reply once.
            polled = staff.post("/api/v1/chat/inbox", json={"sender": WEB_ID}).json()
            assert polled == {
                "handover": True,
                "messages": [{"text": "Bonjour, je suis Fatima de l'association."}],
            }
            assert (
                staff.post("/api/v1/chat/inbox", json={"sender": WEB_ID}).json()["messages"] == []
            )
            assert (
                staff.post(
                    f"/staff/handovers/{handover_id}/close", data={"csrf_token": token}
                ).status_code
                == 303
            )
            assert (
                staff.post("/api/v1/chat/inbox", json={"sender": WEB_ID}).json()["handover"]
                is False
            )

        back = await service.handle(turn("merci"))
        assert back.messages[0].text == "Réponse du bot." and fake.received[-1] == "merci"


async def test_an_unanswered_turn_is_queued_scrubbed(engine: Engine) -> None:
    fake = FakeRasa()
    async with httpx.AsyncClient(
        transport=httpx.MockTransport(fake.handler), base_url="http://rasa"
    ) as http:
        desk = HandoverDesk(engine)
        service = HandoverConversationService(
            RasaClient(http, base_url="http://rasa", token="t"), InMemoryLanguageMemory(), desk
        )
        await service.handle(Inbound(channel="web", sender=SENDER, text="blabla", language="fr"))
    with Session(engine) as session:
        rows = session.scalars(select(UnansweredQuestion)).all()
        assert [(r.text, r.language, r.reason) for r in rows] == [("blabla", "fr", "fallback")]
