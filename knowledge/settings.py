"""Settings of the knowledge base."""

from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT = Path(__file__).resolve().parent.parent
CONTENT_DIR = Path(__file__).resolve().parent / "content"
DEFAULT_DATABASE_URL = "sqlite:///var/dalil.db"


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


class KnowledgeSettings(BaseSettings):
    """Where the knowledge base lives and where its reviewable content is."""

    model_config = SettingsConfigDict(env_prefix="DALIL_", env_file=".env", extra="ignore")

    database_url: str = DEFAULT_DATABASE_URL
    content_dir: Path = CONTENT_DIR
    # A fact checked longer ago than this is shown to users as possibly out of date.
    kb_stale_after_days: int = Field(default=180, ge=1)

    @field_validator("database_url")
    @classmethod
    def _anchor_sqlite(cls, value: str) -> str:
        """Make the default SQLite file independent of the working directory."""
        return absolute_sqlite_url(value)
