"""Shared pieces of the services' settings."""

from importlib.metadata import metadata
from pathlib import Path

from pydantic import SecretStr

ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER_SECRETS = frozenset({"", "change-me", "changeme", "secret", "dev", "development"})


def project_url(label: str) -> str:
    """The URL pyproject.toml's [project.urls] gives `label` (from the installed metadata)."""
    for entry in metadata("dalil").get_all("Project-URL") or []:
        name, _, url = entry.partition(",")
        if name.strip().lower() == label.lower():
            return url.strip()
    raise LookupError(f"pyproject.toml has no [project.urls] entry {label!r}")


def refuse_placeholder(value: SecretStr | None, *, name: str, environment: str) -> None:
    """Raise if a secret is a placeholder outside development."""
    if environment == "development" or value is None:
        return
    if value.get_secret_value().strip().lower() in PLACEHOLDER_SECRETS:
        raise ValueError(
            f"{name} must be set to a real secret when DALIL_ENVIRONMENT={environment}"
        )
