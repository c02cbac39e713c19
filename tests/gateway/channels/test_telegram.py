"""Telegram adapter: secret token, callback queries with short ids, language hints, locations."""

from __future__ import annotations

import json
import time

import pytest

from gateway.channels.base import only_text_message
from tests.fakes.gateway import TG_TOKEN, Harness, sender_of, wait_for

CHAT = 777000111


def update(update_id: int, **message: object) -> dict:
    """A private-chat `message` update (Telegram Bot API `Update` object)."""
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id + 1000,
            "from": {"id": CHAT, "is_bot": False, "first_name": "A", "language_code": "fr"},
            "chat": {"id": CHAT, "type": "private"},
            "date": int(time.time()),
            **message,
        },
    }


def test_text_is_answered_through_send_message(harness: Harness) -> None:
    response = harness.telegram(update(1, text="Bonjour"))
    assert response.status_code == 200
    wait_for(lambda: harness.world.telegram)
    (to_rasa,) = harness.world.rasa
    assert to_rasa["sender"] == sender_of("tg", str(CHAT))
    assert str(CHAT) not in json.dumps(to_rasa)
    (sent,) = harness.world.telegram
    assert sent.path == f"/bot{TG_TOKEN}/sendMessage"
    assert sent.body == {"chat_id": str(CHAT), "text": "echo:Bonjour"}


@pytest.mark.parametrize("secret", ["wrong", "", None])
def test_a_wrong_or_missing_secret_token_is_refused(harness: Harness, secret: str | None) -> None:
    assert harness.telegram(update(2, text="hi"), secret=secret).status_code == 403


def test_language_code_is_the_hint_for_a_new_conversation(harness: Harness) -> None:
    message = update(3, text="42")  # nothing in the text tells the language
    message["message"]["from"]["language_code"] = "es"
    harness.telegram(message)
    wait_for(lambda: harness.world.rasa)
    assert harness.world.rasa[0]["metadata"]["language"] == "es"


def test_buttons_are_inline_keyboards_whose_callback_maps_back_to_the_payload(
    harness: Harness,
) -> None:
    harness.telegram(update(4, text="arabic_buttons"))
    wait_for(lambda: harness.world.telegram)
    keyboard = harness.world.telegram[0].body["reply_markup"]["inline_keyboard"]
    data = [row[0]["callback_data"] for row in keyboard]
    assert all(1 <= len(d.encode()) <= 64 for d in data)
    query = {
        "update_id": 5,
        "callback_query": {
            "id": "4382bfdwdsb323b2d9",
            "from": {"id": CHAT, "is_bot": False, "first_name": "A", "language_code": "ar"},
            "message": {
                "message_id": 9,
                "chat": {"id": CHAT, "type": "private"},
                "date": 1,
                "text": "اختر",
            },
            "chat_instance": "-1",
            "data": data[0],
        },
    }
    response = harness.telegram(query)
    assert response.status_code == 200
    assert response.json() == {
        "method": "answerCallbackQuery",
        "callback_query_id": "4382bfdwdsb323b2d9",
    }
    wait_for(lambda: len(harness.world.rasa) == 2)
    assert harness.world.rasa_texts()[1] == '/inform{"detail":"الرعاية_الصحية_العمومية_للمهاجرين"}'


def test_a_location_message_reaches_rasa_as_metadata(harness: Harness) -> None:
    harness.telegram(update(6, location={"latitude": 30.4278, "longitude": -9.5981}))
    wait_for(lambda: harness.world.rasa)
    assert harness.world.rasa[0]["metadata"]["location"] == {"lat": 30.4278, "lon": -9.5981}
    assert harness.world.rasa[0]["message"] == "/find_service_point"


def test_a_voice_note_gets_a_polite_answer_in_the_users_language(harness: Harness) -> None:
    message = update(7, voice={"file_id": "x", "file_unique_id": "y", "duration": 3})
    message["message"]["from"]["language_code"] = "ar"
    harness.telegram(message)
    wait_for(lambda: harness.world.telegram)
    assert harness.world.sent_texts("telegram") == [only_text_message("ar")]
    assert harness.world.rasa == []


def test_other_updates_are_acknowledged_and_ignored(harness: Harness) -> None:
    edited = {
        "update_id": 8,
        "edited_message": {"message_id": 1, "chat": {"id": CHAT}, "text": "x"},
    }
    assert harness.telegram(edited).status_code == 200
    harness.telegram(update(9, text="after"))
    wait_for(lambda: harness.world.rasa)
    assert harness.world.rasa_texts() == ["after"]


def test_a_redelivered_update_is_answered_once(harness: Harness) -> None:
    for _ in range(2):
        harness.telegram(update(10, text="Bonjour"))
    harness.telegram(update(11, text="encore"))
    wait_for(lambda: len(harness.world.telegram) == 2)
    assert harness.world.rasa_texts() == ["Bonjour", "encore"]


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b'{"update_id": "1"}',
        b'{"update_id": 1, "message": {"chat": {"id": "abc"}, "text": "x"}}',
        b'{"update_id": 1, "callback_query": {"id": 5, "data": "x"}}',
    ],
)
def test_malformed_updates_get_a_400(harness: Harness, body: bytes) -> None:
    response = harness.client.post(
        "/webhooks/telegram",
        content=body,
        headers={"X-Telegram-Bot-Api-Secret-Token": "tg_Secret-token_42"},
    )
    assert response.status_code == 400
