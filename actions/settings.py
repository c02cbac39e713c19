"""The action server's settings, read from `DALIL_*` environment variables."""

from __future__ import annotations

from functools import cache

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from dalil.settings import ROOT
from knowledge.settings import DEFAULT_DATABASE_URL, absolute_sqlite_url


class ActionSettings(BaseSettings):
    """Where the knowledge base is, and how much to show at once."""

    model_config = SettingsConfigDict(
        env_prefix="DALIL_", env_file=ROOT / ".env", extra="ignore", env_file_encoding="utf-8"
    )

    # The same knowledge base as the gateway and `dalil kb import` (docs/internals.md).
    database_url: str = DEFAULT_DATABASE_URL
    # A slow database must not hold a conversation: Rasa waits for the action server.
    database_timeout_seconds: float = Field(default=5.0, gt=0)
    # Service points shown per message; a "more" button pages through the rest.
    points_per_page: int = Field(default=3, ge=1, le=10)
    # A fact checked longer ago than this is said to be possibly out of date (as the admin's list).
    kb_stale_after_days: int = Field(default=180, ge=1)

    @field_validator("database_url")
    @classmethod
    def _anchor_sqlite(cls, value: str) -> str:
        """Make a relative SQLite path independent of the working directory."""
        return absolute_sqlite_url(value)


@cache
def get_settings() -> ActionSettings:
    """The process-wide settings (tests build their own)."""
    return ActionSettings()
