"""A handover always ends, and the user always knows what is happening: leaving with a word or
the button, outside desk hours, nobody answering in time, closing after a long silence."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from dalil.languages import LANGUAGES
from gateway.admin.models import Handover, HandoverMessage, utcnow
from gateway.privacy import pseudonym
from gateway.staff.desk import Span, desk_status, parse_time, save_desk
from gateway.staff.handover import (
    LEAVE_PAYLOAD,
    ChannelSender,
    WebOnlySender,
    after_hours_notice,
    closed_notice,
    left_notice,
    no_reply_notice,
    wants_to_leave,
)
from gateway.staff.lifecycle import HandoverSweeper
from knowledge.opening import MOROCCO
from tests.fakes.gateway import Harness, sender_of, wa_text, wait_for

LEAVE_WORD = {"fr": "bot", "ar": "رجوع", "en": "menu", "es": "volver"}


def web(client: TestClient, sender: str, text: str, language: str = "fr") -> list[dict[str, Any]]:
    response = client.post(
        "/api/v1/chat", json={"sender": sender, "text": text, "language": language}
    )
    assert response.status_code == 200
    messages: list[dict[str, Any]] = response.json()["messages"]
    return messages


def the_handover(url: str, sender: str) -> Handover:
    engine = create_engine(url)
    try:
        with Session(engine) as session:
            handover = session.scalar(select(Handover).where(Handover.sender == sender))
            assert handover is not None
            return handover
    finally:
        engine.dispose()


def web_sender(harness: Harness, browser: str) -> str:
    return pseudonym("web", browser, key=harness.settings.pseudonym_key.get_secret_value())


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_word_in_each_language_gives_the_conversation_back_to_the_bot(
    full_gateway: Harness, migrated_url: str, language: str
) -> None:
    client = full_gateway.client
    web(client, "b-leave", "/human_handover", language)
    assert web(client, "b-leave", "il y a quelqu'un ? le bot ne m'aide pas", language) == []
    (told,) = web(client, "b-leave", LEAVE_WORD[language], language)
    assert told["text"] == left_notice(language)
    assert web(client, "b-leave", "bonjour", language)[0]["text"] == "echo:bonjour"
    handover = the_handover(migrated_url, web_sender(full_gateway, "b-leave"))
    assert handover.status == "open" and handover.bot_active, "the request stays in the inbox"


def test_the_button_gives_the_conversation_back_on_whatsapp(full_gateway: Harness) -> None:
    world = full_gateway.world
    full_gateway.whatsapp(wa_text("/human_handover", wamid="wamid.L1", wa_id="212600000031"))
    wait_for(lambda: len(world.whatsapp) == 1)
    full_gateway.whatsapp(wa_text(LEAVE_PAYLOAD, wamid="wamid.L2", wa_id="212600000031"))
    wait_for(lambda: len(world.whatsapp) == 2)
    assert world.sent_texts("whatsapp")[1] == left_notice("fr")
    assert LEAVE_PAYLOAD not in world.rasa_texts(), "handled by the gateway, not Rasa"


def test_an_old_leave_button_after_the_handover_shows_the_menu(full_gateway: Harness) -> None:
    (answer,) = web(full_gateway.client, "b-old-button", LEAVE_PAYLOAD)
    assert answer["text"] == "echo:/ask_capabilities", "Rasa gets an intent its domain has"


def test_only_the_whole_message_leaves() -> None:
    assert wants_to_leave("Bot !") and wants_to_leave("  رجوع ") and wants_to_leave("Volver.")
    assert not wants_to_leave("le bot ne comprend pas mon problème")


def test_outside_desk_hours_the_bot_keeps_answering(
    full_gateway: Harness, migrated_url: str
) -> None:
    engine = create_engine(migrated_url)
    today = datetime.now(MOROCCO).date()
    with Session(engine) as session:
        # Open every day 09:00-17:00, but closed today: the next opening is tomorrow 09:00.
        spans = [Span(d, parse_time("09:00"), parse_time("17:00")) for d in range(7)]
        save_desk(session, spans=spans, closed=[(today, "test")])
        session.commit()
        status = desk_status(session, utcnow())
    engine.dispose()
    assert not status.open_now and status.next_opening is not None
    assert status.next_opening.date() == today + timedelta(days=1)
    client = full_gateway.client
    messages = web(client, "b-night", "/human_handover", "en")
    assert messages[-1]["text"] == after_hours_notice("en", status.next_opening)
    assert (
        web(client, "b-night", "where is the hospital", "en")[0]["text"]
        == "echo:where is the hospital"
    )
    handover = the_handover(migrated_url, web_sender(full_gateway, "b-night"))
    assert handover.status == "open" and handover.after_hours, "the request reached the inbox"


def test_desk_hours_and_closed_days() -> None:
    engine = create_engine("sqlite://")
    from gateway.admin.models import AdminBase

    AdminBase.metadata.create_all(engine)
    with Session(engine) as session:
        assert desk_status(session, utcnow()).open_now, "no hours: always open"
        save_desk(
            session,
            spans=[Span(0, parse_time("09:00"), parse_time("12:00"))],
            closed=[(date(2026, 12, 7), "holiday")],
        )
        monday_10 = datetime(2026, 11, 30, 10, 0, tzinfo=MOROCCO)
        assert desk_status(session, monday_10).open_now
        friday = desk_status(session, datetime(2026, 12, 4, 10, 0, tzinfo=MOROCCO))
        # Monday 7 December is closed: the next opening is the Monday after.
        assert friday.next_opening == datetime(2026, 12, 14, 9, 0, tzinfo=MOROCCO)


async def sweep_at(harness: Harness, at: datetime, sender: Any) -> Any:
    sweeper = HandoverSweeper(
        create_engine(harness.settings.database_url), sender, clock=lambda: at
    )
    return await sweeper.sweep()


def test_nobody_answers_in_time_then_the_silence_closes_it_on_the_web(
    full_gateway: Harness, migrated_url: str
) -> None:
    client = full_gateway.client
    web(client, "b-wait", "/human_handover")
    web(client, "b-wait", "allo ?")
    portal = client.portal
    assert portal is not None
    early = portal.call(sweep_at, full_gateway, utcnow() + timedelta(minutes=5), WebOnlySender())
    assert early.notified == 0
    later = portal.call(sweep_at, full_gateway, utcnow() + timedelta(minutes=11), WebOnlySender())
    assert later.notified == 1
    again = portal.call(sweep_at, full_gateway, utcnow() + timedelta(minutes=12), WebOnlySender())
    assert again.notified == 0, "told once"
    polled = client.post("/api/v1/chat/inbox", json={"sender": "b-wait"}).json()
    assert polled == {"handover": True, "messages": [{"text": no_reply_notice("fr")}]}
    closed = portal.call(sweep_at, full_gateway, utcnow() + timedelta(hours=25), WebOnlySender())
    assert closed.closed == 1
    polled = client.post("/api/v1/chat/inbox", json={"sender": "b-wait"}).json()
    assert polled == {"handover": False, "messages": [{"text": closed_notice("fr", 24)}]}
    handover = the_handover(migrated_url, web_sender(full_gateway, "b-wait"))
    assert handover.status == "closed" and handover.close_reason == "inactive"
    assert web(client, "b-wait", "bonjour")[0]["text"] == "echo:bonjour", "the bot answers again"


def test_nobody_answers_in_time_on_whatsapp(full_gateway: Harness, migrated_url: str) -> None:
    world, client = full_gateway.world, full_gateway.client
    full_gateway.whatsapp(wa_text("/human_handover", wamid="wamid.W1", wa_id="212600000032"))
    wait_for(lambda: len(world.whatsapp) == 1)
    inbox = client.app.state.inbox  # type: ignore[attr-defined]
    portal = client.portal
    assert portal is not None
    report = portal.call(
        sweep_at, full_gateway, utcnow() + timedelta(minutes=11), ChannelSender(inbox)
    )
    assert report.notified == 1
    wait_for(lambda: len(world.whatsapp) == 2)
    assert world.sent_texts("whatsapp")[1] == no_reply_notice("fr")
    engine = create_engine(migrated_url)
    with Session(engine) as session:
        notice = session.scalar(select(HandoverMessage).where(HandoverMessage.author == "bot"))
        assert notice is not None and notice.delivered_at is not None
    engine.dispose()
    assert the_handover(migrated_url, sender_of("wa", "212600000032")).status == "open"
