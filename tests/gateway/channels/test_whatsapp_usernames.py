"""WhatsApp users known by a business-scoped user id (BSUID), with or without a phone number.

The payloads follow Meta's "Business-scoped user IDs" page and its system messages webhook
reference (docs/channels.md lists the fields and the pages): `from` empty or absent,
`from_user_id` and `contacts[].user_id` holding the BSUID, `contacts[].profile.username`;
replies to a BSUID-only user go in `recipient`, not `to`.
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any

import pytest
from sqlalchemy import create_engine, select

from gateway.inbox.models import Contact, InboundMessage, SenderAlias
from tests.databases import DB_PREFIX, drop_pg_database, recreate_pg_database
from tests.fakes.gateway import (
    Harness,
    create_tables,
    running_gateway,
    sender_of,
    settings_for,
    wa_envelope,
    wa_text,
    wait_for,
)
from tests.fakes.providers import FakeWorld

PHONE = "212600000077"
BSUID = "MA.1502576394655843"
USERNAME = "@amina.rabat"


def wa_user_message(
    message: dict[str, Any],
    *,
    phone: str | None,
    bsuid: str | None,
    username: str | None = USERNAME,
    from_omitted: bool = False,
) -> dict[str, Any]:
    """One incoming message as Meta sends it once BSUIDs are on: the phone may be withheld."""
    ids: dict[str, Any] = {} if from_omitted else {"from": phone or ""}
    if bsuid:
        ids["from_user_id"] = bsuid
    profile: dict[str, Any] = {"name": "Amina"}
    if username:
        profile.update(username=username, country_code="MA")
    contact: dict[str, Any] = {"profile": profile}
    if not from_omitted:
        contact["wa_id"] = phone or ""
    if bsuid:
        contact["user_id"] = bsuid
    return wa_envelope(
        {
            "contacts": [contact],
            "messages": [{**ids, "timestamp": str(int(time.time())), **message}],
        }
    )


def text(body: str, wamid: str) -> dict[str, Any]:
    return {"id": wamid, "type": "text", "text": {"body": body}}


@pytest.mark.parametrize("from_omitted", [False, True], ids=["from-empty", "from-absent"])
def test_a_bsuid_only_text_message_is_answered_through_recipient(
    harness: Harness, from_omitted: bool
) -> None:
    payload = wa_user_message(
        text("Bonjour", "wamid.U1"), phone=None, bsuid=BSUID, from_omitted=from_omitted
    )
    assert harness.whatsapp(payload).status_code == 200
    wait_for(lambda: harness.world.whatsapp)
    (to_rasa,) = harness.world.rasa
    assert to_rasa["sender"] == sender_of("wa", BSUID)
    assert BSUID not in json.dumps(to_rasa) and USERNAME not in json.dumps(to_rasa)
    (sent,) = harness.world.whatsapp
    assert sent.body["recipient"] == BSUID
    assert "to" not in sent.body
    assert sent.body["text"]["body"] == "echo:Bonjour"


def test_buttons_reach_a_bsuid_only_user_through_recipient(harness: Harness) -> None:
    harness.whatsapp(wa_user_message(text("menu:3", "wamid.UB"), phone=None, bsuid=BSUID))
    wait_for(lambda: harness.world.whatsapp)
    body = harness.world.whatsapp[0].body
    assert body["type"] == "interactive" and body["recipient"] == BSUID and "to" not in body


def test_the_pseudonym_follows_the_bsuid_whether_the_number_is_shown_or_hidden(
    harness: Harness,
) -> None:
    harness.whatsapp(wa_user_message(text("one", "wamid.S1"), phone=PHONE, bsuid=BSUID))
    wait_for(lambda: len(harness.world.whatsapp) == 1)
    harness.whatsapp(wa_user_message(text("two", "wamid.S2"), phone=None, bsuid=BSUID))
    wait_for(lambda: len(harness.world.whatsapp) == 2)
    harness.whatsapp(wa_user_message(text("three", "wamid.S3"), phone=PHONE, bsuid=BSUID))
    wait_for(lambda: len(harness.world.whatsapp) == 3)
    assert {m["sender"] for m in harness.world.rasa} == {sender_of("wa", BSUID)}
    # The phone number while Meta shares it (Meta prefers it), the BSUID when it is withheld.
    recipients = [(s.body.get("to"), s.body.get("recipient")) for s in harness.world.whatsapp]
    assert recipients == [(PHONE, None), (None, BSUID), (PHONE, None)]


def test_a_batch_with_one_malformed_message_is_acknowledged_and_the_others_answered(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    good = wa_user_message(text("first", "wamid.G1"), phone=PHONE, bsuid=BSUID)
    messages = good["entry"][0]["changes"][0]["value"]["messages"]
    # No `id`: Meta's documentation makes it required, so this one cannot be processed.
    messages.append({"from": "212600000088", "type": "text", "text": {"body": "private words"}})
    messages.append({**messages[0], "id": "wamid.G3", "text": {"body": "third"}})
    with caplog.at_level(logging.WARNING, logger="gateway.channels.whatsapp"):
        response = harness.whatsapp(good)
        assert response.status_code == 200
        wait_for(lambda: len(harness.world.whatsapp) == 2)
    assert harness.world.rasa_texts() == ["first", "third"]
    assert harness.world.sent_texts("whatsapp") == ["echo:first", "echo:third"]
    skipped = [r for r in caplog.records if r.getMessage() == "whatsapp item skipped"]
    assert len(skipped) == 1
    assert "id" in skipped[0].reason  # type: ignore[attr-defined]
    assert "private words" not in caplog.text


@pytest.mark.parametrize(
    "value",
    [
        {"messages": "nope"},
        {"messages": [{"id": 5, "from": PHONE, "type": "text", "text": {"body": "x"}}]},
        {"messages": [{"id": "wamid.N", "from": "", "type": "text", "text": {"body": "x"}}]},
        {"messages": [{"id": "wamid.L", "from": PHONE, "type": "location", "location": {}}]},
        {"messages": ["not an object"]},
    ],
)
def test_malformed_items_in_a_signed_delivery_are_acknowledged_not_resent(
    harness: Harness, value: dict[str, Any]
) -> None:
    assert harness.whatsapp(wa_envelope(value)).status_code == 200
    harness.whatsapp(wa_text("after", wamid="wamid.after"))
    wait_for(lambda: harness.world.rasa)
    assert harness.world.rasa_texts() == ["after"]


def test_a_status_carrying_only_a_bsuid_is_accepted(harness: Harness) -> None:
    status = {
        "id": "wamid.out1",
        "status": "read",
        "timestamp": str(int(time.time()) + 1),
        "recipient_user_id": BSUID,
        "recipient_id": "",
    }
    contacts = [{"profile": {"username": USERNAME}, "wa_id": "", "user_id": BSUID}]
    assert (
        harness.whatsapp(wa_envelope({"contacts": contacts, "statuses": [status]})).status_code
        == 200
    )
    harness.whatsapp(wa_text("after", wamid="wamid.after2"))
    wait_for(lambda: harness.world.rasa)
    assert harness.world.rasa_texts() == ["after"]


def test_a_phone_to_username_switch_keeps_the_conversation(harness: Harness) -> None:
    # Before BSUIDs: a conversation under the phone number's pseudonym.
    harness.whatsapp(wa_text("avant", wamid="wamid.P1", wa_id=PHONE))
    wait_for(lambda: len(harness.world.whatsapp) == 1)
    # Meta shows phone and BSUID together (the mapping), then only the BSUID and username.
    harness.whatsapp(wa_user_message(text("pendant", "wamid.P2"), phone=PHONE, bsuid=BSUID))
    wait_for(lambda: len(harness.world.whatsapp) == 2)
    harness.whatsapp(wa_user_message(text("après", "wamid.P3"), phone=None, bsuid=BSUID))
    wait_for(lambda: len(harness.world.whatsapp) == 3)
    assert [m["sender"] for m in harness.world.rasa] == [sender_of("wa", PHONE)] * 3
    assert harness.world.whatsapp[2].body["recipient"] == BSUID


def test_a_bsuid_change_reported_by_a_system_message_keeps_the_conversation(
    harness: Harness,
) -> None:
    new_bsuid = "MA.9988776655443322"
    harness.whatsapp(wa_user_message(text("un", "wamid.C1"), phone=None, bsuid=BSUID))
    wait_for(lambda: len(harness.world.whatsapp) == 1)
    change = {
        "from": "",
        "from_user_id": BSUID,
        "id": "wamid.SYS1",
        "timestamp": str(int(time.time()) + 100),
        "type": "system",
        "system": {
            "body": "User Amina changed from an old id to a new one",
            "type": "user_changed_user_id",
            "previous_user_id": BSUID,
            "user_id": new_bsuid,
        },
    }
    assert harness.whatsapp(wa_envelope({"messages": [change]})).status_code == 200
    harness.whatsapp(wa_user_message(text("deux", "wamid.C2"), phone=None, bsuid=new_bsuid))
    wait_for(lambda: len(harness.world.whatsapp) == 2)
    assert [m["sender"] for m in harness.world.rasa] == [sender_of("wa", BSUID)] * 2
    assert harness.world.whatsapp[1].body["recipient"] == new_bsuid


def test_delete_my_data_removes_both_identifiers_data(harness: Harness) -> None:
    _switch_then_delete(harness)


@pytest.mark.postgres
def test_switch_and_deletion_on_postgresql(world_and_url: tuple[FakeWorld, str]) -> None:
    world, url = world_and_url
    database = DB_PREFIX + "_wa_alias"
    database_url = recreate_pg_database(database)
    create_tables(database_url)
    settings = settings_for(url, database_url)
    try:
        with running_gateway(settings) as client:
            _switch_then_delete(Harness(world, client, settings))
    finally:
        drop_pg_database(database)


def _switch_then_delete(harness: Harness) -> None:
    by_phone, by_bsuid = sender_of("wa", PHONE), sender_of("wa", BSUID)
    harness.whatsapp(wa_text("mon histoire", wamid="wamid.D1", wa_id=PHONE))
    wait_for(lambda: len(harness.world.whatsapp) == 1)
    harness.whatsapp(wa_user_message(text("suite", "wamid.D2"), phone=PHONE, bsuid=BSUID))
    wait_for(lambda: len(harness.world.whatsapp) == 2)
    harness.whatsapp(wa_user_message(text("delete", "wamid.D3"), phone=None, bsuid=BSUID))
    wait_for(lambda: {by_phone, by_bsuid} <= set(harness.world.rasa_deleted))
    engine = create_engine(harness.settings.database_url)
    with engine.connect() as connection:
        aliases = connection.execute(select(SenderAlias.alias, SenderAlias.sender)).all()
        contacts = connection.execute(select(Contact.sender)).scalars().all()
        rows = connection.execute(select(InboundMessage.sender, InboundMessage.text)).all()
    engine.dispose()
    assert aliases == []
    assert by_phone not in contacts and by_bsuid not in contacts
    assert {sender for sender, _ in rows} == {"deleted"}
    assert all(text == "" for _, text in rows)
    # The link is gone too: the same person writing again starts afresh, under the BSUID.
    harness.whatsapp(wa_user_message(text("encore", "wamid.D4"), phone=None, bsuid=BSUID))
    wait_for(lambda: len(harness.world.rasa) == 4)
    assert harness.world.rasa[-1]["sender"] == by_bsuid
