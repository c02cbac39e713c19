"""Emergency numbers when the knowledge base cannot be read, generated from the content.

No code, catalog or template writes an emergency number: the numbers live in
`knowledge/content/emergency.yml`. `make setup` (or `dalil kb fallback`) writes them to
`var/emergency-fallback.json`; the gateway and the action server read that file when the
database is down. If the file is missing (a fresh checkout that skipped the build step), the
same data is read from the content folder, so the fallback is never a second copy to keep in
step by hand.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from dalil.i18n import gettext, isolate
from dalil.settings import ROOT
from knowledge.settings import CONTENT_DIR

log = logging.getLogger(__name__)

FALLBACK_FILE = ROOT / "var" / "emergency-fallback.json"
# Lets tests and deployments point at another file; read here so both services agree.
FALLBACK_ENV = "DALIL_EMERGENCY_FALLBACK_FILE"
SOURCE_LANGUAGE = "fr"
# The two numbers the short "in an emergency, call…" sentences name, by content id.
ROLES: dict[str, tuple[str, ...]] = {
    "police": ("police",),
    "ambulance": ("civil_protection",),
}


@dataclass(frozen=True)
class FallbackContact:
    """An emergency number with what it is for, in one language."""

    id: str
    number: str
    label: str
    note: str
    uncertain: bool


def build_fallback(content_dir: Path = CONTENT_DIR) -> dict[str, Any]:
    """The fallback document: each contact's number and labels, from `emergency.yml`."""
    with (content_dir / "emergency.yml").open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle) or {}
    contacts = []
    for raw in data.get("contacts") or []:
        labels = {
            str(language): {"label": str(x.get("label") or ""), "note": str(x.get("note") or "")}
            for language, x in (raw.get("labels") or {}).items()
            if isinstance(x, dict) and x.get("label")
        }
        contacts.append(
            {
                "id": str(raw["id"]),
                "number": str(raw["number"]),
                "uncertain": bool(raw.get("uncertain", False)),
                "labels": labels,
            }
        )
    ids = {c["id"] for c in contacts}
    missing = [role for role, wanted in ROLES.items() if not ids & set(wanted)]
    if missing:
        raise ValueError(f"emergency.yml has no contact for: {', '.join(missing)}")
    return {"contacts": contacts}


def write_fallback(path: Path = FALLBACK_FILE, content_dir: Path = CONTENT_DIR) -> Path:
    """Generate the fallback file (atomically: a reader never sees half a file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(build_fallback(content_dir), ensure_ascii=False, indent=1) + "\n")
    tmp.replace(path)
    return path


def fallback_path() -> Path:
    """Where the generated fallback is read from."""
    configured = os.environ.get(FALLBACK_ENV)
    if not configured:
        return FALLBACK_FILE
    path = Path(configured)
    return path if path.is_absolute() else ROOT / path


@lru_cache(maxsize=4)
def _load(path: Path) -> dict[str, Any]:
    try:
        loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        return loaded
    except (OSError, ValueError):
        log.warning("emergency fallback file missing or unreadable; reading the content")
        return build_fallback()


def load_fallback(path: Path | None = None) -> dict[str, Any]:
    """The fallback document, read once per process."""
    return _load(path or fallback_path())


def fallback_contacts(language: str, *, path: Path | None = None) -> list[FallbackContact]:
    """The fallback's contacts labelled in `language` (else French), in content order."""
    contacts = []
    for raw in load_fallback(path)["contacts"]:
        labels = raw["labels"]
        label = labels.get(language) or labels.get(SOURCE_LANGUAGE)
        if label is None:
            continue
        contacts.append(
            FallbackContact(
                id=raw["id"],
                number=raw["number"],
                label=label["label"],
                note=label["note"],
                uncertain=raw["uncertain"],
            )
        )
    return contacts


def role_number(role: str, *, path: Path | None = None) -> str:
    """The number of `police` or `ambulance` for the short reminders."""
    by_id = {c["id"]: c["number"] for c in load_fallback(path)["contacts"]}
    for contact_id in ROLES[role]:
        if contact_id in by_id:
            return str(by_id[contact_id])
    raise LookupError(role)


def reminder_numbers(language: str) -> dict[str, str]:
    """`police` and `ambulance` for the catalogs' "call the police on {police}…" sentences."""
    return {role: isolate(role_number(role), language) for role in ROLES}


def contacts_text(language: str, contacts: Iterable[Any]) -> str:
    """Numbers one per line, with their notes (knowledge base rows or fallback contacts)."""
    lines = [gettext(language, "If you are in danger, call now:")]
    for contact in contacts:
        line = f"- {contact.label}: {isolate(contact.number, language)}"
        if contact.note:
            line += f" ({contact.note})"
        if contact.uncertain:
            # Translators: appended to an emergency number that could not be fully confirmed.
            line += " " + gettext(language, "[may have changed]")
        lines.append(line)
    return "\n".join(lines)


def fallback_text(language: str) -> str:
    """The emergency numbers from the generated fallback, for when the database is down."""
    return contacts_text(language, fallback_contacts(language))
