"""Shared pieces of the services' settings."""

from pathlib import Path

from pydantic import SecretStr

ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER_SECRETS = frozenset({"", "change-me", "changeme", "secret", "dev", "development"})


def refuse_placeholder(value: SecretStr | None, *, name: str, environment: str) -> None:
    """Raise if a secret is a placeholder outside development."""
    if environment == "development" or value is None:
        return
    if value.get_secret_value().strip().lower() in PLACEHOLDER_SECRETS:
        raise ValueError(
            f"{name} must be set to a real secret when DALIL_ENVIRONMENT={environment}"
        )
