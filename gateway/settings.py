"""The gateway's settings, read from `DALIL_*` environment variables (see `.env.example`)."""

from __future__ import annotations

from functools import cache
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

    rasa_url: str = "http://127.0.0.1:5005"
    rasa_token: SecretStr = SecretStr("dev")
    rasa_timeout_seconds: float = 30.0
    action_server_url: str = "http://127.0.0.1:5055"

    pseudonym_key: SecretStr = SecretStr("dev")
    max_text_length: int = Field(default=4096, ge=1)
    max_body_bytes: int = Field(default=256 * 1024, ge=1024)

    @model_validator(mode="after")
    def _no_placeholder_secrets(self) -> GatewaySettings:
        for name in ("rasa_token", "pseudonym_key"):
            refuse_placeholder(getattr(self, name), name=f"DALIL_{name.upper()}", environment=self.environment)
        return self


@cache
def get_settings() -> GatewaySettings:
    """The process-wide settings (tests build their own instead)."""
    return GatewaySettings()
