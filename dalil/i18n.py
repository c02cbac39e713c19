"""Every sentence the user reads that is not a fact comes from the gettext catalogs in `locales/`."""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

from dalil.languages import Language, coerce_language
from dalil.settings import ROOT

LOCALES_DIR = ROOT / "locales"
DOMAIN = "messages"


@cache
def translations(language: Language) -> NullTranslations:
    """The catalog for `language`, from the compiled .mo (or the .po when not compiled yet)."""
    base = LOCALES_DIR / language / "LC_MESSAGES"
    mo = base / f"{DOMAIN}.mo"
    po = base / f"{DOMAIN}.po"
    if mo.exists() and (not po.exists() or mo.stat().st_mtime >= po.stat().st_mtime):
        with mo.open("rb") as fh:
            return Translations(fh, domain=DOMAIN)
    if po.exists():
        return _compile_in_memory(po, language)
    return NullTranslations()


def _compile_in_memory(po: Path, language: str) -> Translations:
    with po.open("rb") as fh:
        catalog = read_po(fh, locale=language)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


def gettext(language: str, message: str, /, **params: object) -> str:
    """Translate `message` into `language` and fill its `{placeholders}`."""
    text = translations(coerce_language(language)).gettext(message)
    return text.format(**params) if params else text


def ngettext(language: str, singular: str, plural: str, n: int, /, **params: object) -> str:
    """Translate a message whose form depends on `n` (Arabic has six forms)."""
    text = translations(coerce_language(language)).ngettext(singular, plural, n)
    return text.format(n=n, **params)


def _(message: str) -> str:
    """Mark a message for extraction without translating it yet."""
    return message
