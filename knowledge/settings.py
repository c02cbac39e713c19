"""Settings of the knowledge base."""

from pathlib import Path

from pydantic import Field

from dalil.settings import DalilSettings

CONTENT_DIR = Path(__file__).resolve().parent / "content"


class KnowledgeSettings(DalilSettings):
    """Where the knowledge base lives and where its reviewable content is."""

    content_dir: Path = CONTENT_DIR
    # A fact checked longer ago than this is shown to users as possibly out of date.
    kb_stale_after_days: int = Field(default=180, ge=1)
