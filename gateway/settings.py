"""The gateway's settings, read from `DALIL_*` environment variables (see `.env.example`)."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator, model_validator

from dalil.settings import ROOT, refuse_placeholder
from knowledge.settings import KnowledgeSettings


class GatewaySettings(KnowledgeSettings):
    """Everything the gateway process needs to know about its surroundings.

    The database URL and the knowledge base's settings are KnowledgeSettings' (one declaration).
    """

    # Production unless said otherwise: an empty environment must not start with known secrets.
    environment: Literal["development", "test", "production"] = "production"
    log_level: str = "INFO"
    redis_url: str | None = None
    redis_key_prefix: str = "dalil:"

    rasa_url: str = "http://127.0.0.1:5005"
    # Sent to Rasa's HTTP API, and expected back from Rasa on /nlg (bot/endpoints*.yml).
    rasa_token: SecretStr = SecretStr("")
    rasa_timeout_seconds: float = 30.0
    action_server_url: str = "http://127.0.0.1:5055"

    pseudonym_key: SecretStr = SecretStr("")
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
    # Required with Twilio: the exact URL Twilio signs (never rebuilt from request headers).
    twilio_public_url: str | None = None
    # The SharedKey secret of a Twilio Webhook Setting, for HMAC-SHA256 signatures.
    twilio_webhook_shared_key: SecretStr | None = None
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
    # The chat API per client address (as seen through trusted proxies only), and at once.
    chat_ip_limit_per_minute: int = Field(default=60, ge=1)
    chat_max_concurrent_turns: int = Field(default=32, ge=1)
    # Opening a staff handover costs a person's time: far fewer per address and in all.
    handover_ip_limit_per_hour: int = Field(default=3, ge=1)
    handover_global_limit_per_hour: int = Field(default=60, ge=1)
    # WhatsApp and Telegram messages older than this are refused (a replay, or a stale backlog).
    max_message_age_seconds: int = Field(default=24 * 3600, ge=60)
    # Provider message ids are remembered (hashed) this long, well beyond any provider's retries.
    dedupe_tombstone_days: int = Field(default=90, ge=1)
    # Rasa's SQL tracker store, when used: `dalil purge` deletes a sender's `events` rows there.
    rasa_tracker_database_url: str | None = None

    # Operations and insights (gateway/metrics.py, gateway/insights/).
    # Unset: /metrics answers only loopback and private-network clients.
    metrics_token: SecretStr | None = None
    # Turn and feedback events older than this are rolled up into daily counts, then deleted.
    insights_retention_days: int = Field(default=90, ge=1)

    # Admin and staff pages (gateway/admin/, gateway/staff/).
    # Signs the admin session cookies; unset in development and test, a random per-process key.
    session_secret: SecretStr | None = None
    admin_session_hours: float = Field(default=8.0, gt=0, le=72)
    # Secure cookies need HTTPS; unset, they are Secure everywhere but in development and test.
    admin_cookie_secure: bool | None = None
    login_max_failures_per_ip: int = Field(default=20, ge=1)
    login_max_failures_per_account: int = Field(default=5, ge=1)
    login_window_seconds: float = Field(default=900.0, gt=0)
    # Beyond the free failures, each further failure doubles the wait, up to this (no lockout).
    login_max_delay_seconds: float = Field(default=300.0, gt=0)
    # One-person deployments only: an admin may publish a draft they wrote themselves.
    allow_self_publish: bool = False

    # The web chat's footer links here: the AGPL (section 13) gives the users of a network service
    # the right to its source. Set it to where the code you run is published. Unset, the footer
    # links to the gateway's own /source page (the licence, and that the operator owes the source).
    source_url: str | None = None

    # The reverse proxies whose X-Forwarded-For/-Proto are believed (addresses or networks,
    # comma-separated); every other peer is the client itself. `none`: believe no proxy (an
    # empty variable means the default, like every setting).
    trusted_proxies: str = "127.0.0.1"
    # /docs, /redoc and /openapi.json: on outside production unless set.
    api_docs: bool | None = None

    @model_validator(mode="after")
    def _twilio_needs_its_public_url(self) -> GatewaySettings:
        if self.twilio_account_sid and self.twilio_auth_token and not self.twilio_public_url:
            raise ValueError(
                "DALIL_TWILIO_PUBLIC_URL must be set with Twilio: the signature covers the URL "
                "Twilio called, which the gateway must not take from the request's headers"
            )
        return self

    @field_validator("metrics_token", mode="before")
    @classmethod
    def _empty_token_is_none(cls, value: object) -> object:
        # compose passes `${DALIL_METRICS_TOKEN:-}`: empty means "no token", not a weak one.
        return None if value == "" else value

    # Handover lifecycle (gateway/staff/lifecycle.py): when the user is told nobody answered,
    # and when a silent handover closes by itself.
    handover_reply_minutes: float = Field(default=10.0, gt=0)
    handover_inactive_hours: float = Field(default=24.0, gt=0)
    handover_sweep_seconds: float = Field(default=60.0, gt=0)

    @model_validator(mode="after")
    def _no_placeholder_secrets(self) -> GatewaySettings:
        if self.environment == "development":
            # Only on an explicit DALIL_ENVIRONMENT=development (`make run` writes real keys).
            for name in ("rasa_token", "pseudonym_key"):
                if not getattr(self, name).get_secret_value():
                    setattr(self, name, SecretStr("dev"))
            return self
        for name in ("rasa_token", "pseudonym_key", "session_secret", "metrics_token"):
            refuse_placeholder(
                getattr(self, name), name=f"DALIL_{name.upper()}", environment=self.environment
            )
        if self.environment == "production" and self.session_secret is None:
            raise ValueError("DALIL_SESSION_SECRET must be set when DALIL_ENVIRONMENT=production")
        return self

    @property
    def docs_enabled(self) -> bool:
        """Whether the OpenAPI pages are served."""
        return self.api_docs if self.api_docs is not None else self.environment != "production"

    @property
    def trusted_proxy_list(self) -> list[str]:
        """`trusted_proxies` as uvicorn's ProxyHeadersMiddleware takes it."""
        if self.trusted_proxies.strip().lower() == "none":
            return []
        return [item.strip() for item in self.trusted_proxies.split(",") if item.strip()]


@cache
def get_settings() -> GatewaySettings:
    """The process-wide settings (tests build their own instead)."""
    return GatewaySettings()
