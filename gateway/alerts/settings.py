"""Settings of the alerts' outbox, read from `DALIL_ALERT_*` variables (see `.env.example`)."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from dalil.settings import ROOT


class AlertSettings(BaseSettings):
    """Send rates per provider, the WhatsApp templates, and the outbox's timings."""

    # An empty variable is an unset one (the default): compose passes `${VAR:-}` for every one.
    model_config = SettingsConfigDict(
        env_prefix="DALIL_ALERT_",
        env_file=ROOT / ".env",
        extra="ignore",
        env_file_encoding="utf-8",
        env_ignore_empty=True,
    )

    # Messages per second per provider. WhatsApp Cloud API: 80 mps per business number by
    # default, inbound included (docs/alerts.md); 20 leaves room for the conversations.
    rate_whatsapp: float = Field(default=20.0, gt=0)
    # Telegram's bots FAQ (core.telegram.org/bots/faq): about 30 messages per second in bulk.
    rate_telegram: float = Field(default=25.0, gt=0)
    # Twilio queues what exceeds a sender's throughput; 1/s is a conservative start.
    rate_twilio: float = Field(default=1.0, gt=0)
    rate_web: float = Field(default=1000.0, gt=0)
    # Requests in flight at once, per provider.
    concurrency: int = Field(default=8, ge=1, le=256)
    batch_size: int = Field(default=100, ge=1, le=5000)
    # A claimed row older than this is the trace of a process that died mid-send.
    lease_seconds: float = Field(default=60.0, gt=0)
    # How long an uncertain WhatsApp row waits for its status webhook before it is resent:
    # Meta reports `sent` within seconds of accepting a message.
    uncertain_grace_seconds: float = Field(default=600.0, ge=0)
    max_attempts: int = Field(default=5, ge=1)
    retry_seconds: float = Field(default=30.0, ge=0)
    poll_seconds: float = Field(default=5.0, gt=0)
    # Twilio's StatusCallback for alert SMS: the public URL of /webhooks/twilio/status. Set,
    # delivery statuses are stored and a row a crash left uncertain is settled as for WhatsApp.
    twilio_status_url: str | None = None
    # The approved WhatsApp templates used outside the 24-hour customer-service window.
    # Alert template body: {{1}} the subject (topic, city), {{2}} the date of the change.
    whatsapp_template: str | None = None
    # Staff reply template, no parameter: "we have answered your question; reply to read it".
    whatsapp_reply_template: str | None = None
    # Our language → the template's language code as approved in WhatsApp Manager.
    whatsapp_template_languages: dict[str, str] = {"fr": "fr", "ar": "ar", "en": "en", "es": "es"}
