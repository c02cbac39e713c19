"""WhatsApp Cloud API adapter, driven with Meta's documented payloads against fake Meta and Rasa."""

from __future__ import annotations

import json

import pytest

from gateway.channels.base import delayed_message, only_text_message
from knowledge.emergency import role_number
from tests.fakes.gateway import (
    WA_PHONE_ID,
    WA_TOKEN,
    WA_VERIFY,
    WA_VERSION,
    Harness,
    sender_of,
    wa_envelope,
    wa_message,
    wa_sign,
    wa_text,
    wait_for,
)

PHONE = "212600000001"


def test_handshake_echoes_the_challenge_as_text(harness: Harness) -> None:
    params = {"hub.mode": "subscribe", "hub.verify_token": WA_VERIFY, "hub.challenge": "1158201444"}
    response = harness.client.get("/webhooks/whatsapp", params=params)
    assert response.status_code == 200
    assert response.text == "1158201444"
    assert response.headers["content-type"].startswith("text/plain")


@pytest.mark.parametrize(
    "params",
    [
        {"hub.mode": "subscribe", "hub.verify_token": "wrong", "hub.challenge": "1"},
        {"hub.mode": "unsubscribe", "hub.verify_token": WA_VERIFY, "hub.challenge": "1"},
        {"hub.challenge": "1"},
    ],
)
def test_handshake_with_a_wrong_token_is_forbidden(harness: Harness, params: dict) -> None:
    assert harness.client.get("/webhooks/whatsapp", params=params).status_code == 403


def test_text_reaches_rasa_pseudonymously_and_the_answer_reaches_the_user(harness: Harness) -> None:
    response = harness.whatsapp(wa_text("Bonjour", wamid="wamid.A1"))
    assert response.status_code == 200
    wait_for(lambda: harness.world.whatsapp)
    (to_rasa,) = harness.world.rasa
    assert to_rasa["sender"] == sender_of("wa", PHONE)
    assert PHONE not in json.dumps(to_rasa)
    assert to_rasa["message"] == "Bonjour"
    assert to_rasa["metadata"]["channel"] == "whatsapp"
    (sent,) = harness.world.whatsapp
    assert sent.path == f"/{WA_VERSION}/{WA_PHONE_ID}/messages"
    assert sent.headers["authorization"] == f"Bearer {WA_TOKEN}"
    assert sent.body == {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": PHONE,
        "type": "text",
        "text": {"body": "echo:Bonjour", "preview_url": False},
    }


def test_arabic_is_verified_on_the_escaped_raw_bytes_meta_signs(harness: Harness) -> None:
    response = harness.whatsapp(wa_text("بغيت نسجل ولدي فالمدرسة", wamid="wamid.AR"))
    assert response.status_code == 200
    wait_for(lambda: harness.world.whatsapp)
    assert harness.world.rasa[0]["message"] == "بغيت نسجل ولدي فالمدرسة"
    assert harness.world.rasa[0]["metadata"]["language"] == "ar"


@pytest.mark.parametrize(
    "signature",
    ["", "sha256=" + "0" * 64, "sha1=abc", None],
)
def test_a_missing_or_wrong_signature_is_refused_and_nothing_is_processed(
    harness: Harness, signature: str | None
) -> None:
    body = json.dumps(wa_text("hi", wamid="wamid.BAD")).encode()
    headers = {"Content-Type": "application/json"}
    if signature is not None:
        headers["X-Hub-Signature-256"] = signature
    response = harness.client.post("/webhooks/whatsapp", content=body, headers=headers)
    assert response.status_code == 403
    # A body re-serialised differently from what was signed is refused too.
    other = harness.client.post(
        "/webhooks/whatsapp",
        content=body,
        headers={"X-Hub-Signature-256": wa_sign(body + b" "), "Content-Type": "application/json"},
    )
    assert other.status_code == 403
    harness.client.get("/healthz")
    assert harness.world.rasa == []


def test_a_signature_made_with_another_secret_is_refused(harness: Harness) -> None:
    payload = wa_text("hi", wamid="wamid.OTHER")
    body = json.dumps(payload).encode()
    response = harness.whatsapp(payload, signature=wa_sign(body, "not-the-secret"))
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("interactive", "payload"),
    [
        (
            {"type": "button_reply", "button_reply": {"id": "/ask_housing", "title": "Logement"}},
            "/ask_housing",
        ),
        (
            {
                "type": "list_reply",
                "list_reply": {"id": "/ask_health_care", "title": "Santé", "description": "…"},
            },
            "/ask_health_care",
        ),
    ],
)
def test_interactive_replies_send_the_rasa_payload(
    harness: Harness, interactive: dict, payload: str
) -> None:
    message = {
        "id": "wamid.I1",
        "type": "interactive",
        "interactive": interactive,
        "context": {"from": "15550001234", "id": "wamid.prev"},
    }
    assert harness.whatsapp(wa_message(message)).status_code == 200
    wait_for(lambda: harness.world.rasa)
    assert harness.world.rasa[0]["message"] == payload


def test_location_reaches_rasa_as_metadata(harness: Harness) -> None:
    message = {
        "id": "wamid.L1",
        "type": "location",
        "location": {"latitude": 34.0209, "longitude": -6.8416, "name": "Rabat", "address": "…"},
    }
    assert harness.whatsapp(wa_message(message)).status_code == 200
    wait_for(lambda: harness.world.rasa)
    to_rasa = harness.world.rasa[0]
    assert to_rasa["message"] == "/find_service_point"
    assert to_rasa["metadata"]["location"] == {"lat": 34.0209, "lon": -6.8416}


@pytest.mark.parametrize(
    "message",
    [
        {
            "type": "audio",
            "audio": {"id": "123", "mime_type": "audio/ogg; codecs=opus", "voice": True},
        },
        {"type": "image", "image": {"id": "456", "mime_type": "image/jpeg"}},
        {"type": "unsupported", "errors": [{"code": 131051, "title": "Message type unknown"}]},
    ],
)
def test_voice_notes_and_media_get_a_polite_answer_without_asking_rasa(
    harness: Harness, message: dict
) -> None:
    assert harness.whatsapp(wa_message({"id": "wamid.M1", **message})).status_code == 200
    wait_for(lambda: harness.world.whatsapp)
    assert harness.world.sent_texts("whatsapp") == [only_text_message("fr")]
    assert harness.world.rasa == []


def test_media_answer_uses_the_conversation_language(harness: Harness) -> None:
    harness.whatsapp(wa_text("مرحبا، أحتاج مساعدة", wamid="wamid.ar1"))
    wait_for(lambda: len(harness.world.whatsapp) == 1)
    harness.whatsapp(wa_message({"id": "wamid.ar2", "type": "audio", "audio": {"id": "1"}}))
    wait_for(lambda: len(harness.world.whatsapp) == 2)
    assert harness.world.sent_texts("whatsapp")[1] == only_text_message("ar")


def test_status_callbacks_are_acknowledged_and_never_reach_rasa(harness: Harness) -> None:
    payload = wa_envelope(
        {
            "statuses": [
                {
                    "id": "wamid.S1",
                    "status": "read",
                    "timestamp": "1717000001",
                    "recipient_id": PHONE,
                },
                {
                    "id": "wamid.S2",
                    "status": "failed",
                    "timestamp": "1717000002",
                    "recipient_id": PHONE,
                    "errors": [{"code": 131047, "title": "Re-engagement message"}],
                },
            ],
        }
    )
    assert harness.whatsapp(payload).status_code == 200
    harness.whatsapp(wa_text("after", wamid="wamid.after"))
    wait_for(lambda: harness.world.rasa)
    assert harness.world.rasa_texts() == ["after"]


def test_a_redelivered_message_is_answered_once(harness: Harness) -> None:
    payload = wa_text("Bonjour", wamid="wamid.DUP")
    for _ in range(3):
        assert harness.whatsapp(payload).status_code == 200
    harness.whatsapp(wa_text("next", wamid="wamid.NEXT"))
    wait_for(lambda: len(harness.world.whatsapp) >= 2)
    assert harness.world.rasa_texts() == ["Bonjour", "next"]
    assert harness.world.sent_texts("whatsapp") == ["echo:Bonjour", "echo:next"]


def test_three_buttons_become_reply_buttons_with_short_titles(harness: Harness) -> None:
    harness.whatsapp(wa_text("menu:3", wamid="wamid.B3"))
    wait_for(lambda: harness.world.whatsapp)
    body = harness.world.whatsapp[0].body
    assert body["type"] == "interactive"
    interactive = body["interactive"]
    assert interactive["type"] == "button"
    assert interactive["body"] == {"text": "Choisissez"}
    buttons = interactive["action"]["buttons"]
    assert [b["reply"]["id"] for b in buttons] == ["/opt1", "/opt2", "/opt3"]
    for button in buttons:
        title = button["reply"]["title"]
        assert len(title) <= 20 and title.endswith("…")
        assert title.startswith("Option")


def test_four_to_ten_buttons_become_a_list(harness: Harness) -> None:
    harness.whatsapp(wa_text("menu:10", wamid="wamid.B10"))
    wait_for(lambda: harness.world.whatsapp)
    interactive = harness.world.whatsapp[0].body["interactive"]
    assert interactive["type"] == "list"
    (section,) = interactive["action"]["sections"]
    assert [r["id"] for r in section["rows"]] == [f"/opt{i}" for i in range(1, 11)]
    assert all(len(r["title"]) <= 24 for r in section["rows"])
    assert 0 < len(interactive["action"]["button"]) <= 20


def test_more_than_ten_buttons_become_numbered_text_and_a_number_picks_one(
    harness: Harness,
) -> None:
    harness.whatsapp(wa_text("menu:12", wamid="wamid.B12"))
    wait_for(lambda: harness.world.whatsapp)
    text = harness.world.sent_texts("whatsapp")[0]
    assert "1. Option 1" in text and "12. Option 12" in text
    harness.whatsapp(wa_text("11", wamid="wamid.pick"))
    wait_for(lambda: len(harness.world.rasa) == 2)
    assert harness.world.rasa_texts()[1] == "/opt11"


def test_arabic_button_titles_are_cut_between_words(harness: Harness) -> None:
    harness.whatsapp(wa_text("arabic_buttons", wamid="wamid.ARB"))
    wait_for(lambda: harness.world.whatsapp)
    buttons = harness.world.whatsapp[0].body["interactive"]["action"]["buttons"]
    full = ["الحصول", "على", "الرعاية", "الصحية", "في", "المستشفى", "العمومي"]
    title = buttons[0]["reply"]["title"]
    assert len(title) <= 20
    assert all(word in full for word in title.rstrip("…").split())
    assert buttons[1]["reply"]["title"] == "أين أذهب"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b"{not json", 400),
        (b"[]", 400),
        (b'{"object": "whatsapp_business_account"}', 400),
        # A readable body with unreadable items is acknowledged (the items are logged and
        # skipped): refusing it would make Meta resend the whole delivery, forever.
        (b'{"entry": [{"changes": "nope"}]}', 200),
        (
            b'{"entry": [{"changes": [{"field": "messages", "value": {"messages": [{"id": 5}]}}]}]}',
            200,
        ),
        (
            b'{"entry": [{"changes": [{"field": "messages", "value": {"messages": '
            b'[{"id": "w", "from": "1", "type": "location", "location": {"latitude": "x"}}]}}]}]}',
            200,
        ),
        (b'{"entry": [{"changes": [{"field": "account_update", "value": {}}]}]}', 200),
    ],
)
def test_malformed_payloads_never_get_a_500(harness: Harness, body: bytes, expected: int) -> None:
    response = harness.client.post(
        "/webhooks/whatsapp",
        content=body,
        headers={"X-Hub-Signature-256": wa_sign(body), "Content-Type": "application/json"},
    )
    assert response.status_code == expected


def test_provider_outage_retries_the_send_without_asking_rasa_again(harness: Harness) -> None:
    harness.world.providers_down = True
    harness.whatsapp(wa_text("Bonjour", wamid="wamid.OUT"))
    wait_for(lambda: harness.world.rasa)
    harness.client.get("/healthz")
    harness.world.providers_down = False
    wait_for(lambda: harness.world.whatsapp)
    sent = harness.world.sent_texts("whatsapp")
    assert "echo:Bonjour" in sent
    assert sent.count("echo:Bonjour") == 1
    assert harness.world.rasa_texts() == ["Bonjour"]


def test_rasa_outage_tells_the_user_once_then_answers(harness: Harness) -> None:
    harness.world.rasa_down = True
    harness.whatsapp(wa_text("Bonjour", wamid="wamid.R1"))
    wait_for(lambda: harness.world.whatsapp)
    import time

    time.sleep(0.8)  # several retries happen while Rasa is down
    assert harness.world.sent_texts("whatsapp") == [delayed_message("fr")]
    harness.world.rasa_down = False
    wait_for(lambda: len(harness.world.whatsapp) == 2)
    assert harness.world.sent_texts("whatsapp")[1] == "echo:Bonjour"
    assert role_number("police") in delayed_message("ar")
    assert role_number("ambulance") in delayed_message("ar")


def test_a_channel_without_secrets_answers_404(world_and_url, inbox_url) -> None:
    from tests.fakes.gateway import running_gateway, settings_for

    _, url = world_and_url
    settings = settings_for(url, inbox_url, whatsapp_app_secret=None)
    with running_gateway(settings) as client:
        assert client.post("/webhooks/whatsapp", content=b"{}").status_code == 404
        assert client.get("/webhooks/whatsapp", params={"hub.mode": "subscribe"}).status_code == 404
