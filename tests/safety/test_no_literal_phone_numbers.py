"""No code, catalog string or template writes a phone number: numbers live in the knowledge base.

Emergency numbers come from `knowledge/content/emergency.yml` (through the database, or the
fallback generated from it); service points' phones from their content files. A number written
in code drifts from the content (the ambulance number once read 150 in code and 15 in the
content). Tests and the content itself are not scanned.
"""

from __future__ import annotations

import re
from pathlib import Path

import phonenumbers
import pytest
from babel.messages.pofile import read_po

from dalil.i18n import LOCALES_DIR

ROOT = Path(__file__).resolve().parents[2]
CODE_DIRS = (
    "gateway",
    "actions",
    "replies",
    "dalil",
    "knowledge",
    "bench",
    "bot/components",
    "bot/scripts",
)
CODE_SUFFIXES = {".py", ".html", ".js", ".yml", ".yaml", ".txt"}
EXCLUDED = ("knowledge/content/", "knowledge/migrations/")
# Morocco's emergency and help short codes (knowledge/content/emergency.yml), and 150, the wrong ambulance one.
SHORT_CODES = ("15", "19", "112", "141", "150", "177", "2511", "8350")
_SHORT = re.compile(rf"(?<![\w.,:/-])({'|'.join(SHORT_CODES)})(?![\w.,:/%-])")
# Words that make a short number a phone number rather than a count, a timeout or a version.
_PHONE_CONTEXT = re.compile(
    r"call|dial|phone|hotline|police|ambulan|emergenc|gendarm|fire|appel|compose|num[eé]ro|"
    r"t[eé]l[eé]phone|pompier|urgence|llam|marque|tel[eé]fono|polic[ií]a|bomberos|urgencia|"
    r"اتصل|رقم|الشرطه|الشرطة|الاسعاف|الإسعاف|هاتف|طوارئ|الطوارئ",
    re.IGNORECASE,
)
CONTEXT_CHARS = 60


def _code_files() -> list[Path]:
    files = []
    for folder in CODE_DIRS:
        for path in sorted((ROOT / folder).rglob("*")):
            relative = path.relative_to(ROOT).as_posix()
            if path.suffix in CODE_SUFFIXES and not relative.startswith(EXCLUDED):
                files.append(path)
    return files


def _catalog_texts() -> list[tuple[str, str]]:
    texts = []
    for po in [*sorted(LOCALES_DIR.rglob("*.po")), LOCALES_DIR / "messages.pot"]:
        with po.open("rb") as handle:
            catalog = read_po(handle)
        for message in catalog:
            for text in (message.id, message.string):
                for part in text if isinstance(text, (list, tuple)) else (text,):
                    if part:
                        texts.append((f"{po.relative_to(ROOT)}: {message.id!s:.50}", part))
    return texts


def literal_numbers(text: str) -> list[str]:
    """Phone numbers written in `text`: full numbers anywhere, short codes near a phone word."""
    found = [
        m.raw_string
        for m in phonenumbers.PhoneNumberMatcher(text, "MA", leniency=phonenumbers.Leniency.VALID)
    ]
    for match in _SHORT.finditer(text):
        around = text[max(0, match.start() - CONTEXT_CHARS) : match.end() + CONTEXT_CHARS]
        if _PHONE_CONTEXT.search(around):
            found.append(match.group(1))
    return found


def test_the_scanner_finds_what_it_must() -> None:
    assert literal_numbers('ambulance="150",') == ["150"]
    assert literal_numbers("appelez la police au 19") == ["19"]
    assert literal_numbers("اتصلوا بالشرطة على الرقم 19") == ["19"]
    assert literal_numbers("WhatsApp +212 666 04 56 06") == ["+212 666 04 56 06"]
    assert literal_numbers("timeout: 15000, retries: 15") == []
    assert literal_numbers("police={police}") == []


@pytest.mark.parametrize("path", _code_files(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_no_phone_number_in_code_or_templates(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert literal_numbers(text) == [], f"write the number in knowledge/content, not in {path.name}"


def test_no_phone_number_in_the_catalogs() -> None:
    offending = [(where, literal_numbers(text)) for where, text in _catalog_texts()]
    assert [pair for pair in offending if pair[1]] == []
