"""Plain HTML form fields <-> the knowledge schema's documents."""

from __future__ import annotations

from typing import Any

import yaml

from dalil.languages import LANGUAGES
from knowledge.content import dump_yaml
from knowledge.schema import STATUSES

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _lines(value: str) -> list[str]:
    return [line.strip() for line in value.splitlines() if line.strip()]


def _csv(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def sources_to_text(sources: list[dict[str, Any]]) -> str:
    """One "title | url" line per source, "| recheck" added when the source says it is dated."""
    return "\n".join(
        f"{s['title']} | {s['url']}" + (" | recheck" if s.get("recheck") else "") for s in sources
    )


def sources_from_text(text: str) -> list[dict[str, Any]]:
    """Parse "title | url" lines, each optionally ending in "| recheck"."""
    sources: list[dict[str, Any]] = []
    for line in _lines(text):
        recheck = False
        head, sep, last = line.rpartition("|")
        if sep and last.strip().lower() == "recheck":
            recheck, line = True, head
        title, _, url = line.rpartition("|")
        source: dict[str, Any] = {"title": title.strip() or url.strip(), "url": url.strip()}
        if recheck:
            source["recheck"] = True
        sources.append(source)
    return sources


def phones_to_text(phones: list[dict[str, Any]]) -> str:
    """The phones as the YAML of the content files (number, kind, labels, hours, sources...)."""
    return dump_yaml(phones) if phones else ""


def phones_from_text(text: str) -> list[dict[str, Any]]:
    """Parse the phones' YAML list, or simple "number | kind" lines for a quick addition."""
    if text.lstrip().startswith("-"):
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError:
            data = None
        if isinstance(data, list):
            return [p if isinstance(p, dict) else {"number": str(p)} for p in data]
    phones: list[dict[str, Any]] = []
    for line in _lines(text):
        parts = [p.strip() for p in line.split("|")]
        phone: dict[str, Any] = {"number": parts[0].replace(" ", "")}
        if len(parts) > 1 and parts[1]:
            phone["kind"] = parts[1]
        phones.append(phone)
    return phones


def hours_to_text(hours: dict[str, list[str]]) -> str:
    """One "mon: 09:00-12:00, 14:00-16:30" line per weekday."""
    return "\n".join(f"{day}: {', '.join(intervals)}" for day, intervals in hours.items())


def hours_from_text(text: str) -> dict[str, list[str]]:
    """Parse weekday lines; an unknown weekday is kept so validation names it."""
    hours: dict[str, list[str]] = {}
    for line in _lines(text):
        day, _, intervals = line.partition(":")
        hours[day.strip().lower()[:3]] = [i.replace(" ", "") for i in _csv(intervals)]
    return hours


def topic_translation_from_form(form: dict[str, str]) -> dict[str, Any]:
    """A TopicTranslationDoc payload from the edit form."""
    return {
        "verified_at": form.get("verified_at") or None,
        "uncertain": form.get("uncertain") == "on",
        "short_answer": form.get("short_answer", "").strip(),
        "details": form.get("details", "").strip(),
        "by_status": {
            s: form[f"by_status_{s}"].strip()
            for s in STATUSES
            if form.get(f"by_status_{s}", "").strip()
        },
        "legal_basis": form.get("legal_basis", "").strip(),
        "sources": sources_from_text(form.get("sources", "")),
    }


def service_point_from_form(
    point_id: str, form: dict[str, str], base: dict[str, Any] | None
) -> dict[str, Any]:
    """A ServicePointDoc payload from the edit form (fields not on the form kept from `base`)."""
    base = base or {}

    def number(name: str) -> Any:
        value = form.get(name, "").strip()
        try:
            return float(value)
        except ValueError:
            return value  # validation reports it

    return {
        "id": point_id,
        "name": form.get("name", "").strip(),
        "organisation": form.get("organisation", "").strip(),
        "city": form.get("city", "").strip(),
        "address": form.get("address", "").strip(),
        "lat": number("lat"),
        "lon": number("lon"),
        "approximate": form.get("approximate") == "on",
        "phones": phones_from_text(form.get("phones", "")),
        "email": form.get("email", "").strip() or None,
        "website": form.get("website", "").strip() or None,
        "hours": hours_from_text(form.get("hours", "")),
        "topics": _csv(form.get("topics", "")),
        "languages": _csv(form.get("languages", "")),
        "serves": _csv(form.get("serves", "")),
        "verified_at": form.get("verified_at") or None,
        "uncertain": form.get("uncertain") == "on",
        "sources": sources_from_text(form.get("sources", "")),
        "description": {
            lang: form[f"description_{lang}"].strip()
            for lang in LANGUAGES
            if form.get(f"description_{lang}", "").strip()
        },
        "translation_status": base.get("translation_status", {}),
    }
