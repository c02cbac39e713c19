"""Every sentence the user reads that is not a fact comes from the gettext catalogs.

They live in `dalil/locales/`, inside the package, so an installed wheel answers in every language.

Messages are written in English in the code (the gettext convention) and marked for extraction
with `gettext(language, "...")`, `ngettext(language, "...", "...", n)` or `_("...")`; see
`babel.cfg` and `dalil/i18n_workflow.py`. Placeholders use `str.format` names (`{police}`), never
positional ones, so translators can reorder them.
"""

from __future__ import annotations

import io
from datetime import date
from functools import cache
from pathlib import Path
from typing import Literal

from babel.dates import format_date as babel_format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

from dalil.languages import RTL_LANGUAGES, Language, coerce_language

# The .mo files are compiled into the wheel by setup.py, and in a checkout by `make setup`.
LOCALES_DIR = Path(__file__).resolve().parent / "locales"
DOMAIN = "messages"

# Babel locales used to format dates: Moroccan Arabic and French write Latin digits and the
# month names used in Morocco ("نونبر"), which is what users see on their documents.
BABEL_LOCALES: dict[str, str] = {"fr": "fr_MA", "ar": "ar_MA", "en": "en_GB", "es": "es"}

# Unicode directional isolates (UAX #9): the isolated run is laid out on its own, so a phone
# number, a time range or a Latin name keeps its order inside right-to-left text.
LRI = "\u2066"  # left-to-right isolate: digits, phone numbers, hours
FSI = "\u2068"  # first-strong isolate: names whose direction depends on their script
PDI = "\u2069"  # pop directional isolate
RLM = "\u200f"  # right-to-left mark: a strong right-to-left character that is not shown


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
    """Compile a .po in memory, so a fresh checkout works before `make i18n`."""
    with po.open("rb") as fh:
        catalog = read_po(fh, locale=language)
    buffer = io.BytesIO()
    # Fuzzy entries are never shown: an unreviewed translation falls back to the English msgid.
    write_mo(buffer, catalog, use_fuzzy=False)
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
    """Mark a message for extraction without translating it yet (translated where it is shown)."""
    return message


def isolate(text: str, language: str, *, direction: Literal["ltr", "auto"] = "ltr") -> str:
    """Wrap `text` in a directional isolate when it is shown inside right-to-left text.

    `ltr` suits phone numbers, hours and dates (always left to right); `auto` suits names,
    which may be Latin or Arabic. Left-to-right languages get the text unchanged, so SMS and
    plain-text channels carry no invisible characters they do not need.
    """
    if not text or coerce_language(language) not in RTL_LANGUAGES:
        return text
    return f"{LRI if direction == 'ltr' else FSI}{text}{PDI}"


def rtl_lines(text: str, language: str) -> str:
    """Start with a right-to-left mark each line of a right-to-left text that opens with an
    isolate (a Latin name, a number).

    Messaging apps take a line's direction from its first strong letter, and the content of
    an isolate does not count: without the mark, a line such as "CHU Ibn Sina" alone would be
    laid out left to right in an Arabic message.
    """
    if coerce_language(language) not in RTL_LANGUAGES:
        return text
    return "\n".join(
        RLM + line if line.startswith((LRI, FSI)) else line for line in text.split("\n")
    )


def format_date(value: date, language: str) -> str:
    """A date written the way readers of `language` in Morocco expect ("29 novembre 2026")."""
    locale = BABEL_LOCALES[coerce_language(language)]
    return isolate(
        babel_format_date(value, format="long", locale=locale), language, direction="auto"
    )


def join(items: list[str], language: str) -> str:
    """Items separated the way `language` writes lists (Arabic uses its own comma)."""
    return ("، " if coerce_language(language) == "ar" else ", ").join(items)


def language_name(language: str) -> str:
    """A language's name in itself, for language menus (never translated)."""
    return NATIVE_NAMES[coerce_language(language)]


NATIVE_NAMES: dict[str, str] = {"fr": "Français", "ar": "العربية", "en": "English", "es": "Español"}

# Labels shared by the NLG endpoint and the actions (menus, buttons, lists). Keys are the ids of
# docs/internals.md; values are msgids, translated where they are shown.
TOPIC_TITLES: dict[str, str] = {
    # Translators: short button title (a few words) for a topic of the menu.
    "school_access": _("School"),
    # Translators: short button title for a topic of the menu.
    "health_care": _("Health care"),
    # Translators: short button title for a topic of the menu.
    "housing": _("Housing"),
    # Translators: short button title for a topic of the menu.
    "employment": _("Work"),
    # Translators: short button title for a topic of the menu.
    "vocational_training": _("Vocational training"),
    # Translators: short button title for a topic of the menu.
    "legal_aid": _("Legal aid"),
    # Translators: short button title for a topic of the menu.
    "asylum": _("Asylum"),
    # Translators: short button title for a topic of the menu.
    "residence_permit": _("Residence permit"),
    # Translators: short button title for a topic of the menu.
    "voluntary_return": _("Voluntary return"),
    # Translators: short button title for a topic of the menu (victims of human trafficking).
    "trafficking_help": _("Trafficking victims"),
    # Translators: short button title for a topic of the menu.
    "social_assistance": _("Social assistance"),
    # Translators: short button title for a topic of the menu.
    "birth_registration": _("Birth registration"),
    # Translators: short button title for a topic of the menu.
    "emergency_numbers": _("Emergency numbers"),
}

STATUS_TITLES: dict[str, str] = {
    # Translators: a person's administrative status, as a button title.
    "refugee": _("Refugee (UNHCR recognised)"),
    # Translators: a person's administrative status, as a button title.
    "asylum_seeker": _("Asylum seeker"),
    # Translators: a person's administrative status, as a button title.
    "regular_migrant": _("Migrant with a residence card"),
    # Translators: a person's administrative status, as a button title.
    "undocumented": _("No papers"),
    # Translators: a person's administrative status, as a button title.
    "minor": _("Under 18"),
}


def topic_title(language: str, topic_id: str) -> str:
    """A topic's short title in `language` (the id itself for an unknown topic)."""
    msgid = TOPIC_TITLES.get(topic_id)
    return gettext(language, msgid) if msgid else topic_id


def status_title(language: str, status: str) -> str:
    """A status's title in `language` (the id itself for an unknown status)."""
    msgid = STATUS_TITLES.get(status)
    return gettext(language, msgid) if msgid else status
