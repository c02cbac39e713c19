"""Danger is always answered: inside a handover, inside a form, with Rasa stopped, with the
knowledge base down; on the web chat and on WhatsApp, in the four languages."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from dalil.i18n import gettext
from dalil.languages import LANGUAGES
from gateway.admin.models import Handover, HandoverMessage
from gateway.privacy import pseudonym
from gateway.safety import EmergencyNumbers, danger_in
from gateway.staff.handover import open_handovers
from knowledge.emergency import role_number
from tests.fakes.gateway import Harness, running_gateway, sender_of, settings_for, wa_text, wait_for
from tests.fakes.providers import FakeWorld

# "Help, a man is hitting me right now", as people write it.
DANGER = {
    "fr": "Au secours, un homme me frappe en ce moment",
    "ar": "ساعدوني، رجل يضربني الآن",
    "en": "help, a man is hitting me right now",
    "es": "ayuda, un hombre me pega ahora mismo",
}
PHONE = {"fr": "212600000011", "ar": "212600000012", "en": "212600000013", "es": "212600000014"}
FORM_QUESTION = "Dans quelle ville êtes-vous ?"


def is_numbers(text: str, language: str) -> bool:
    """The emergency message in `language`, with the content's police and ambulance numbers."""
    return (
        text.startswith(gettext(language, "If you are in danger, call now:"))
        and role_number("police") in text
        and role_number("ambulance") in text
    )


def web(client: TestClient, sender: str, text: str, language: str) -> list[dict[str, Any]]:
    response = client.post(
        "/api/v1/chat", json={"sender": sender, "text": text, "language": language}
    )
    assert response.status_code == 200
    messages: list[dict[str, Any]] = response.json()["messages"]
    return messages


def handovers(url: str, sender: str) -> list[Handover]:
    engine = create_engine(url)
    try:
        with Session(engine) as session:
            return list(session.scalars(select(Handover).where(Handover.sender == sender)))
    finally:
        engine.dispose()


def handover_texts(url: str, handover_id: int) -> list[str]:
    engine = create_engine(url)
    try:
        with Session(engine) as session:
            return list(
                session.scalars(
                    select(HandoverMessage.text).where(HandoverMessage.handover_id == handover_id)
                )
            )
    finally:
        engine.dispose()


def first_open(url: str) -> Handover:
    engine = create_engine(url)
    try:
        with Session(engine) as session:
            return open_handovers(session)[0]
    finally:
        engine.dispose()


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_danger_sentence_matches_the_shared_keywords(language: str) -> None:
    assert danger_in(DANGER[language]) is not None
    assert danger_in("/affirm") is None


@pytest.mark.parametrize("language", LANGUAGES)
def test_web_danger_inside_a_handover(
    full_gateway: Harness, migrated_url: str, language: str
) -> None:
    # Someone else waited longer: the danger must still jump to the top.
    web(full_gateway.client, "earlier-person", "/human_handover", language)
    web(full_gateway.client, "browser-1", "/human_handover", language)
    messages = web(full_gateway.client, "browser-1", DANGER[language], language)
    assert len(messages) == 1 and is_numbers(messages[0]["text"], language)
    assert DANGER[language] not in full_gateway.world.rasa_texts(), "Rasa never saw it"
    sender = pseudonym(
        "web", "browser-1", key=full_gateway.settings.pseudonym_key.get_secret_value()
    )
    (handover,) = handovers(migrated_url, sender)
    assert handover.urgent and handover.status == "open"
    assert DANGER[language] in handover_texts(migrated_url, handover.id)
    assert first_open(migrated_url).id == handover.id
    # A later ordinary message is still held for the person.
    assert web(full_gateway.client, "browser-1", "vous êtes là ?", language) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_whatsapp_danger_inside_a_handover(
    full_gateway: Harness, migrated_url: str, language: str
) -> None:
    phone = PHONE[language]
    full_gateway.whatsapp(wa_text("/human_handover", wamid=f"wamid.h{language}", wa_id=phone))
    wait_for(lambda: len(full_gateway.world.whatsapp) == 1)
    full_gateway.whatsapp(wa_text(DANGER[language], wamid=f"wamid.d{language}", wa_id=phone))
    wait_for(lambda: len(full_gateway.world.whatsapp) == 2)
    assert is_numbers(full_gateway.world.sent_texts("whatsapp")[1], language)
    assert DANGER[language] not in full_gateway.world.rasa_texts()
    (handover,) = handovers(migrated_url, sender_of("wa", phone))
    assert handover.urgent
    assert DANGER[language] in handover_texts(migrated_url, handover.id)


@pytest.mark.parametrize("language", LANGUAGES)
def test_web_danger_inside_the_eligibility_form(full_gateway: Harness, language: str) -> None:
    # Rasa is in the form and its model takes the message for the form's answer.
    full_gateway.world.form_prompt = FORM_QUESTION
    messages = web(full_gateway.client, "browser-2", DANGER[language], language)
    assert is_numbers(messages[0]["text"], language), "the numbers come first"
    assert messages[1]["text"] == FORM_QUESTION


@pytest.mark.parametrize("language", LANGUAGES)
def test_whatsapp_danger_inside_the_eligibility_form(full_gateway: Harness, language: str) -> None:
    full_gateway.world.form_prompt = FORM_QUESTION
    full_gateway.whatsapp(
        wa_text(DANGER[language], wamid=f"wamid.f{language}", wa_id=PHONE[language])
    )
    wait_for(lambda: len(full_gateway.world.whatsapp) == 2)
    first, second = full_gateway.world.sent_texts("whatsapp")
    assert is_numbers(first, language) and second == FORM_QUESTION


@pytest.mark.parametrize("language", LANGUAGES)
def test_web_danger_with_rasa_stopped(
    world_and_url: tuple[FakeWorld, str], migrated_url: str, language: str
) -> None:
    _, url = world_and_url
    # Nothing listens on port 9 of loopback: a stopped Rasa, connection refused.
    settings = settings_for(url, migrated_url, rasa_url="http://127.0.0.1:9")
    with running_gateway(settings) as client:
        messages = web(client, "browser-3", DANGER[language], language)
        assert len(messages) == 1 and is_numbers(messages[0]["text"], language)
        # An ordinary message still gets the apology.
        (apology,) = web(client, "browser-3", "bonjour", language)
        assert not is_numbers(apology["text"], language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_whatsapp_danger_with_rasa_stopped(full_gateway: Harness, language: str) -> None:
    full_gateway.world.rasa_down = True
    full_gateway.whatsapp(
        wa_text(DANGER[language], wamid=f"wamid.s{language}", wa_id=PHONE[language])
    )
    wait_for(lambda: full_gateway.world.whatsapp)
    (sent,) = full_gateway.world.sent_texts("whatsapp")
    assert is_numbers(sent, language), "answered at once, not queued for Rasa's return"


@pytest.mark.parametrize("language", LANGUAGES)
async def test_numbers_with_the_knowledge_base_down(language: str) -> None:
    # Nothing listens on port 9: the database is down; the generated fallback answers.
    dead = create_engine("postgresql+psycopg://postgres@127.0.0.1:9/none")
    try:
        text = await EmergencyNumbers(dead).text(language)
    finally:
        dead.dispose()
    assert is_numbers(text, language)


async def test_numbers_after_a_bug_reading_them(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A bug (not an outage) in reading the live numbers still sends the generated ones."""

    def broken(self: EmergencyNumbers, language: str) -> str:
        raise KeyError("number")

    monkeypatch.setattr(EmergencyNumbers, "_read", broken)
    engine = create_engine("sqlite://")
    try:
        text = await EmergencyNumbers(engine).text("ar")
    finally:
        engine.dispose()
    assert is_numbers(text, "ar")
    assert "emergency numbers from the fallback after a bug" in caplog.messages


@pytest.mark.parametrize("language", LANGUAGES)
def test_danger_answered_when_the_handover_desk_has_a_bug(
    world_and_url: tuple[FakeWorld, str],
    migrated_url: str,
    language: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A bug in the desk's bookkeeping (before or after Rasa) never costs the person the answer."""
    from gateway.staff.handover import HandoverDesk

    async def broken(*args: Any, **kwargs: Any) -> Any:
        raise KeyError("bug")

    monkeypatch.setattr(HandoverDesk, "intercept", broken)
    monkeypatch.setattr(HandoverDesk, "after_reply", broken)
    _, url = world_and_url
    with running_gateway(settings_for(url, migrated_url)) as client:
        messages = web(client, "browser-9", DANGER[language], language)
        assert any(is_numbers(m["text"], language) for m in messages)
        (echo,) = web(client, "browser-9", "bonjour", language)
        assert echo["text"] == "echo:bonjour"
