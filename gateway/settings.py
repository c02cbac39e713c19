"""The gateway's settings, read from `DALIL_*` environment variables (see `.env.example`)."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from dalil.settings import ROOT, refuse_placeholder


class GatewaySettings(BaseSettings):
    """Everything the gateway process needs to know about its surroundings."""

    model_config = SettingsConfigDict(
        env_prefix="DALIL_", env_file=ROOT / ".env", extra="ignore", env_file_encoding="utf-8"
    )

    environment: Literal["development", "test", "production"] = "development"
    log_level: str = "INFO"
    database_url: str = f"sqlite:///{ROOT / 'var' / 'dalil.db'}"
    redis_url: str | None = None
    redis_key_prefix: str = "dalil:"

    rasa_url: str = "http://127.0.0.1:5005"
    rasa_token: SecretStr = SecretStr("dev")
    rasa_timeout_seconds: float = 30.0
    action_server_url: str = "http://127.0.0.1:5055"

    pseudonym_key: SecretStr = SecretStr("dev")
    # Where /admin/review writes the questions an editor labelled; `make train` reads bot/data.
    review_dir: Path = ROOT / "bot" / "data" / "nlu" / "reviewed"
    max_text_length: int = Field(default=4096, ge=1)
    max_body_bytes: int = Field(default=256 * 1024, ge=1024)

    # Messaging channels: a channel is on when its secrets are set (see gateway/channels/).
    whatsapp_verify_token: SecretStr | None = None
    whatsapp_app_secret: SecretStr | None = None
    whatsapp_access_token: SecretStr | None = None
    whatsapp_phone_number_id: str | None = None
    whatsapp_api_base_url: str = "https://graph.facebook.com"
    whatsapp_api_version: str = "v21.0"
    twilio_account_sid: str | None = None
    twilio_auth_token: SecretStr | None = None
    twilio_public_url: str | None = None
    twilio_api_base_url: str = "https://api.twilio.com"
    telegram_bot_token: SecretStr | None = None
    telegram_secret_token: SecretStr | None = None
    telegram_api_base_url: str = "https://api.telegram.org"

    # The channels' durable inbox and its workers (gateway/inbox/).
    worker_concurrency: int = Field(default=4, ge=1, le=64)
    worker_poll_seconds: float = Field(default=1.0, gt=0)
    retry_base_seconds: float = Field(default=1.0, gt=0)
    retry_max_delay_seconds: float = Field(default=300.0, gt=0)
    retry_max_attempts: int = Field(default=200, ge=1)
    rate_limit_per_minute: int = Field(default=30, ge=1)
    # Rasa's SQL tracker store, when used: `dalil purge` deletes a sender's `events` rows there.
    rasa_tracker_database_url: str | None = None

    # Admin and staff pages (gateway/admin/, gateway/staff/).
    # Signs the admin session cookies; unset in development and test, a random per-process key.
    session_secret: SecretStr | None = None
    admin_session_hours: float = Field(default=8.0, gt=0, le=72)
    # Secure cookies need HTTPS; unset, they are Secure everywhere but in development and test.
    admin_cookie_secure: bool | None = None
    login_max_failures_per_ip: int = Field(default=20, ge=1)
    login_max_failures_per_account: int = Field(default=5, ge=1)
    login_window_seconds: float = Field(default=900.0, gt=0)

    # Handover lifecycle (gateway/staff/lifecycle.py): when the user is told nobody answered,
    # and when a silent handover closes by itself.
    handover_reply_minutes: float = Field(default=10.0, gt=0)
    handover_inactive_hours: float = Field(default=24.0, gt=0)
    handover_sweep_seconds: float = Field(default=60.0, gt=0)

    @model_validator(mode="after")
    def _no_placeholder_secrets(self) -> GatewaySettings:
        for name in ("rasa_token", "pseudonym_key", "session_secret"):
            refuse_placeholder(getattr(self, name), name=f"DALIL_{name.upper()}", environment=self.environment)
        if self.environment == "production" and self.session_secret is None:
            raise ValueError("DALIL_SESSION_SECRET must be set when DALIL_ENVIRONMENT=production")
        return self


@cache
def get_settings() -> GatewaySettings:
    """The process-wide settings (tests build their own instead)."""
    return GatewaySettings()
