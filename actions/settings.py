"""The action server's settings, read from `DALIL_*` environment variables."""

from __future__ import annotations

from functools import cache

from pydantic import Field

from knowledge.settings import KnowledgeSettings


class ActionSettings(KnowledgeSettings):
    """How the knowledge base is read (its URL and staleness are KnowledgeSettings'), how much to show."""

    # A slow database must not hold a conversation: Rasa waits for the action server.
    database_timeout_seconds: float = Field(default=5.0, gt=0)
    # Service points shown per message; a "more" button pages through the rest.
    points_per_page: int = Field(default=3, ge=1, le=10)
    log_level: str = "INFO"
    # Prometheus metrics of the action server on their own port (off when unset).
    actions_metrics_port: int | None = Field(default=None, ge=1, le=65535)
    actions_metrics_host: str = "127.0.0.1"


@cache
def get_settings() -> ActionSettings:
    """The process-wide settings (tests build their own)."""
    return ActionSettings()
