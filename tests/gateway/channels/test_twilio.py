"""Twilio SMS/WhatsApp adapter: signatures by the twilio package itself, numbered options, REST replies."""

from __future__ import annotations

import pytest
from twilio.request_validator import RequestValidator

from gateway.channels.base import only_text_message
from tests.fakes.gateway import TW_PUBLIC_URL, TW_SID, TW_TOKEN, Harness, sender_of, wait_for
from tests.fakes.providers import basic_auth

USER = "whatsapp:+212600000002"
BOT = "whatsapp:+14155238886"


def form(sid: str, body: str | None = "Bonjour", **extra: str) -> dict[str, str]:
    """The parameters Twilio posts for an incoming WhatsApp message."""
    params = {
        "MessageSid": sid,
        "SmsMessageSid": sid,
        "AccountSid": TW_SID,
        "From": USER,
        "To": BOT,
        "NumMedia": "0",
        "ProfileName": "Amina",
        "WaId": "212600000002",
        "NumSegments": "1",
        "ApiVersion": "2010-04-01",
    }
    if body is not None:
        params["Body"] = body
    params.update(extra)
    return params


def test_signed_message_is_acknowledged_with_empty_twiml_and_answered_by_rest(
    harness: Harness,
) -> None:
    response = harness.twilio(form("SM0001"))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/xml")
    assert "<Response></Response>" in response.text
    wait_for(lambda: harness.world.twilio)
    (to_rasa,) = harness.world.rasa
    assert to_rasa["sender"] == sender_of("tw", USER)
    assert "+212600000002" not in str(to_rasa)
    (sent,) = harness.world.twilio
    assert sent.path == f"/2010-04-01/Accounts/{TW_SID}/Messages.json"
    assert basic_auth(sent) == (TW_SID, TW_TOKEN)
    assert sent.body == {"To": USER, "From": BOT, "Body": "echo:Bonjour"}


@pytest.mark.parametrize("signature", ["", "bm90IHRoZSBzaWduYXR1cmU=", None])
def test_wrong_or_missing_signature_is_refused(harness: Harness, signature: str | None) -> None:
    params = form("SM0002")
    if signature is None:
        response = harness.client.post("/webhooks/twilio", data=params)
    else:
        response = harness.twilio(params, signature=signature)
    assert response.status_code == 403


def test_a_signature_over_another_url_is_refused(harness: Harness) -> None:
    # Signed for the URL the gateway is reached on internally, not the configured public one.
    params = form("SM0003")
    signature = RequestValidator(TW_TOKEN).compute_signature(
        "http://testserver/webhooks/twilio", params
    )
    assert harness.twilio(params, signature=signature).status_code == 403


def test_a_tampered_parameter_breaks_the_signature(harness: Harness) -> None:
    params = form("SM0004")
    signature = RequestValidator(TW_TOKEN).compute_signature(TW_PUBLIC_URL, params)
    params["Body"] = "something else"
    assert harness.twilio(params, signature=signature).status_code == 403


def test_buttons_become_numbered_options_and_a_digit_picks_one(harness: Harness) -> None:
    harness.twilio(form("SM0010", "menu:3"))
    wait_for(lambda: harness.world.twilio)
    text = harness.world.sent_texts("twilio")[0]
    assert text.startswith("Choisissez\n\n1. Option 1")
    assert "2. Option 2" in text and "3. Option 3" in text
    harness.twilio(form("SM0011", "2"))
    wait_for(lambda: len(harness.world.rasa) == 2)
    assert harness.world.rasa_texts()[1] == "/opt2"
    # The options are forgotten once an answer without buttons has been shown.
    harness.twilio(form("SM0012", "3"))
    wait_for(lambda: len(harness.world.rasa) == 3)
    assert harness.world.rasa_texts()[2] == "3"


def test_an_arabic_indic_digit_picks_an_option_too(harness: Harness) -> None:
    harness.twilio(form("SM0020", "menu:3"))
    wait_for(lambda: harness.world.twilio)
    harness.twilio(form("SM0021", "٣"))
    wait_for(lambda: len(harness.world.rasa) == 2)
    assert harness.world.rasa_texts()[1] == "/opt3"


def test_a_number_out_of_range_is_sent_as_typed(harness: Harness) -> None:
    harness.twilio(form("SM0030", "menu:3"))
    wait_for(lambda: harness.world.twilio)
    harness.twilio(form("SM0031", "7"))
    wait_for(lambda: len(harness.world.rasa) == 2)
    assert harness.world.rasa_texts()[1] == "7"


def test_media_without_body_gets_a_polite_answer(harness: Harness) -> None:
    params = form(
        "SM0040",
        None,
        NumMedia="1",
        MediaUrl0="https://api.twilio.com/2010-04-01/Accounts/AC/Messages/MM/Media/ME",
        MediaContentType0="audio/ogg",
    )
    assert harness.twilio(params).status_code == 200
    wait_for(lambda: harness.world.twilio)
    assert harness.world.sent_texts("twilio") == [only_text_message("fr")]
    assert harness.world.rasa == []


def test_a_shared_location_reaches_rasa_as_metadata(harness: Harness) -> None:
    params = form("SM0050", None, Latitude="33.5731", Longitude="-7.5898", Address="Casablanca")
    assert harness.twilio(params).status_code == 200
    wait_for(lambda: harness.world.rasa)
    assert harness.world.rasa[0]["metadata"]["location"] == {"lat": 33.5731, "lon": -7.5898}


def test_sms_works_the_same_way(harness: Harness) -> None:
    params = form("SM0060", "Salut")
    params.update(From="+212600000003", To="+15005550006")
    params.pop("WaId")
    harness.twilio(params)
    wait_for(lambda: harness.world.twilio)
    assert harness.world.twilio[0].body == {
        "To": "+212600000003",
        "From": "+15005550006",
        "Body": "echo:Salut",
    }


def test_a_redelivered_message_sid_is_answered_once(harness: Harness) -> None:
    for _ in range(2):
        assert harness.twilio(form("SM0070", "Bonjour")).status_code == 200
    harness.twilio(form("SM0071", "encore"))
    wait_for(lambda: len(harness.world.twilio) == 2)
    assert harness.world.rasa_texts() == ["Bonjour", "encore"]


@pytest.mark.parametrize(
    "params",
    [
        {"Body": "no sid", "From": USER, "To": BOT},
        {"MessageSid": "SM1", "Body": "no sender", "To": BOT},
        {"MessageSid": "SM2", "From": USER, "To": BOT, "Latitude": "north", "Longitude": "1"},
    ],
)
def test_malformed_forms_get_a_400(harness: Harness, params: dict[str, str]) -> None:
    assert harness.twilio(params).status_code == 400
