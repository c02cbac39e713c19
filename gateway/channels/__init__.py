"""Messaging channels: one adapter per provider behind the `Channel` interface."""

from __future__ import annotations

import httpx

from gateway.channels.base import Channel
from gateway.channels.telegram import TelegramChannel
from gateway.channels.twilio import TwilioChannel
from gateway.channels.whatsapp import WhatsAppChannel
from gateway.settings import GatewaySettings


def build_channels(settings: GatewaySettings, http: httpx.AsyncClient) -> dict[str, Channel]:
    """The channels whose secrets are set; the others' webhooks answer 404."""
    channels: dict[str, Channel] = {}
    s = settings
    if (
        s.whatsapp_verify_token
        and s.whatsapp_app_secret
        and s.whatsapp_access_token
        and s.whatsapp_phone_number_id
    ):
        channels["whatsapp"] = WhatsAppChannel(
            http,
            verify_token=s.whatsapp_verify_token.get_secret_value(),
            app_secret=s.whatsapp_app_secret.get_secret_value(),
            access_token=s.whatsapp_access_token.get_secret_value(),
            phone_number_id=s.whatsapp_phone_number_id,
            base_url=s.whatsapp_api_base_url,
            version=s.whatsapp_api_version,
        )
    if s.twilio_account_sid and s.twilio_auth_token and s.twilio_public_url:
        shared_key = s.twilio_webhook_shared_key
        channels["twilio"] = TwilioChannel(
            http,
            account_sid=s.twilio_account_sid,
            auth_token=s.twilio_auth_token.get_secret_value(),
            public_url=s.twilio_public_url,
            base_url=s.twilio_api_base_url,
            shared_key=shared_key.get_secret_value() if shared_key else None,
        )
    if s.telegram_bot_token and s.telegram_secret_token:
        channels["telegram"] = TelegramChannel(
            http,
            bot_token=s.telegram_bot_token.get_secret_value(),
            secret_token=s.telegram_secret_token.get_secret_value(),
            base_url=s.telegram_api_base_url,
        )
    return channels
