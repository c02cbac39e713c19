"""What every service's settings share: the repository root, the `.env` file, the database URL."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER_SECRETS = frozenset({"", "change-me", "changeme", "secret", "dev", "development"})
DEFAULT_DATABASE_URL = "sqlite:///var/dalil.db"


def env_file() -> Path:
    """The `.env` file every settings class reads: `DALIL_ENV_FILE`, else `.env` at the root.

    Never relative to the working directory: a command started elsewhere reads the same file.
    """
    chosen = os.environ.get("DALIL_ENV_FILE")
    return Path(chosen) if chosen else ROOT / ".env"


def settings_config(env_prefix: str = "DALIL_") -> SettingsConfigDict:
    """The configuration of a settings class: its variables' prefix, and the one `.env` file."""
    # An empty variable is an unset one (the default): compose passes `${VAR:-}` for each setting.
    return SettingsConfigDict(
        env_prefix=env_prefix,
        env_file=env_file(),
        extra="ignore",
        env_file_encoding="utf-8",
        env_ignore_empty=True,
    )


def absolute_sqlite_url(url: str) -> str:
    """Anchor a relative SQLite path at the repository root and create its folder."""
    prefix = "sqlite:///"
    if not url.startswith(prefix) or url == "sqlite:///:memory:" or url == "sqlite://":
        return url
    path = Path(url[len(prefix) :])
    if not path.is_absolute():
        # Relative to the repository, not to whatever directory the process started in.
        path = ROOT / path
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"{prefix}{path}"


class DalilSettings(BaseSettings):
    """The settings every Dalil process reads: the knowledge base's database (one declaration)."""

    model_config = settings_config()

    # The same database for the gateway, the action server and `dalil kb` (docs/internals.md).
    database_url: str = DEFAULT_DATABASE_URL

    @field_validator("database_url")
    @classmethod
    def _anchor_sqlite(cls, value: str) -> str:
        """Make a relative SQLite path independent of the working directory."""
        return absolute_sqlite_url(value)


def refuse_placeholder(value: SecretStr | None, *, name: str, environment: str) -> None:
    """Raise if a secret is a placeholder outside development."""
    if environment == "development" or value is None:
        return
    if value.get_secret_value().strip().lower() in PLACEHOLDER_SECRETS:
        raise ValueError(
            f"{name} must be set to a real secret when DALIL_ENVIRONMENT={environment}"
        )
