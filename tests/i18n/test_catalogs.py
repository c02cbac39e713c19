"""The catalogs are complete, reviewed and consistent with the code, in all four languages."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from dalil.i18n import LOCALES_DIR, ngettext
from dalil.languages import LANGUAGES
from dalil.settings import ROOT

# The same keywords as dalil/i18n_workflow.py.
KEYWORDS = {"_": None, "gettext": (2,), "ngettext": (2, 3), "t": None}
SOURCE_DIRS = ("dalil", "replies", "actions", "gateway")
# As babel.cfg maps them: the staff and admin pages' templates are extracted too.
METHOD_MAP = [("**.py", "python"), ("**/templates/**.html", "jinja2")]
OPTIONS_MAP = {"**/templates/**.html": {"extensions": "jinja2.ext.i18n", "silent": "false"}}
AR_PLURAL_FORMS = (
    "nplurals=6; plural=(n == 0 ? 0 : n == 1 ? 1 : n == 2 ? 2 : n % 100 >= 3 && n % 100 <= 10 ? 3 "
    ": n % 100 >= 11 && n % 100 <= 99 ? 4 : 5);"
)


def load(language: str) -> Catalog:
    """A language's .po catalog."""
    with (LOCALES_DIR / language / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        return read_po(fh, locale=language)


def extracted_ids() -> set[str | tuple[str, str]]:
    """Every message the code marks for translation, extracted the way the script does."""
    ids: set[str | tuple[str, str]] = set()
    for folder in SOURCE_DIRS:
        for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT / folder, method_map=METHOD_MAP, options_map=OPTIONS_MAP, keywords=KEYWORDS
        ):
            ids.add(message if isinstance(message, str) else (message[0], message[1]))
    return ids


def fields(text: str) -> set[str]:
    """The `{placeholder}` names of a str.format template."""
    return {name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name is not None}


def real_messages(catalog: Catalog) -> list[Message]:
    """The catalog's messages without the header."""
    return [m for m in catalog if m.id]


@pytest.fixture(scope="module")
def code_ids() -> set[str | tuple[str, str]]:
    """Messages of the code."""
    return extracted_ids()


def test_code_marks_messages(code_ids: set[str | tuple[str, str]]) -> None:
    """Extraction finds the code's messages, plural ones included (the keywords work)."""
    assert "Talk to a person" in code_ids
    assert any(isinstance(m, tuple) for m in code_ids)
    assert len(code_ids) > 50


def test_staff_and_admin_templates_are_extracted(code_ids: set[str | tuple[str, str]]) -> None:
    """The pages' `t("…")` texts reach the catalogs (babel.cfg maps the templates)."""
    assert {"Log out", "What is this person entitled to?", "Hand back to the bot"} <= code_ids


_JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}|<script.*?</script>|<style.*?</style>", re.S)
_SHOWN_ATTRIBUTE = re.compile(r'(?:aria-label|title|placeholder|alt)="([^"]*)"')


@pytest.mark.parametrize(
    "page",
    sorted((ROOT / "gateway" / "templates").rglob("*.html")),
    ids=lambda p: p.name,
)
def test_templates_show_no_untranslated_words(page: Path) -> None:
    """Every word a staff member reads on a page goes through `t()`, so it can be translated."""
    source = page.read_text(encoding="utf-8")
    shown = [value for value in _SHOWN_ATTRIBUTE.findall(source) if "{{" not in value]
    # Tags and character references (`&lt;`) are markup, not words a person reads.
    text = re.sub(r"<[^>]+>|&#?\w+;", " ", _JINJA.sub(" ", source))
    words = [w for w in re.findall(r"[A-Za-z][A-Za-z'’-]+", text) if w != "Dalil"]
    assert not words and not [v for v in shown if re.search("[A-Za-z]{2}", v)], (words, shown)


def test_template_is_current(code_ids: set[str | tuple[str, str]]) -> None:
    """messages.pot holds exactly the code's messages: run dalil/i18n_workflow.py after changing a text."""
    with (LOCALES_DIR / "messages.pot").open("rb") as fh:
        template = read_po(fh)
    in_template = {m.id if isinstance(m.id, str) else tuple(m.id) for m in real_messages(template)}
    assert code_ids - in_template == set(), "messages missing from messages.pot"
    assert in_template - code_ids == set(), "messages.pot has messages the code no longer uses"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_translated(language: str, code_ids: set[str | tuple[str, str]]) -> None:
    """Each catalog has every message, non-empty and not fuzzy."""
    catalog = load(language)
    assert not catalog.fuzzy, "the catalog header is marked fuzzy"
    for msgid in code_ids:
        message = catalog.get(msgid if isinstance(msgid, str) else msgid[0])
        assert message is not None, f"{language}: missing {msgid!r}"
        assert "fuzzy" not in message.flags, f"{language}: fuzzy {msgid!r}"
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        assert forms and all(f.strip() for f in forms), f"{language}: empty {msgid!r}"
        if isinstance(message.string, tuple):
            assert len(forms) == catalog.num_plurals, f"{language}: wrong number of forms {msgid!r}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_placeholders_match(language: str) -> None:
    """A translation uses exactly the msgid's placeholders (a plural form may drop `{n}`)."""
    for message in real_messages(load(language)):
        if isinstance(message.id, str):
            assert fields(message.string) == fields(message.id), f"{language}: {message.id!r}"
            continue
        expected = fields(message.id[1])
        for form in message.string:
            assert fields(form) - {"n"} == expected - {"n"}, f"{language}: {message.id[0]!r}"
            assert fields(form) <= expected


def test_arabic_plural_header() -> None:
    """The CLDR-correct Arabic rule (Babel 2.18 put 11 in form 5 and 100 in form 4: #816)."""
    catalog = load("ar")
    assert catalog.num_plurals == 6
    assert catalog.plural_forms == AR_PLURAL_FORMS


def test_arabic_plural_form_chosen_per_number() -> None:
    """0, 1, 2, 3, 11, 100 each take their own Arabic form, through the compiled translations."""
    message = load("ar").get("{n} place in {city}:")
    assert message is not None
    forms = message.string
    singular, plural = message.id
    for n, form in [
        (0, 0),
        (1, 1),
        (2, 2),
        (3, 3),
        (11, 4),
        (100, 5),
        (101, 5),
        (111, 4),
        (1003, 3),
    ]:
        rendered = ngettext("ar", singular, plural, n, city="الرباط")
        assert rendered == forms[form].format(n=n, city="الرباط"), n
    assert len({ngettext("ar", singular, plural, n, city="x") for n in (0, 1, 2, 3, 11, 100)}) == 6


@pytest.mark.parametrize("language", [lang for lang in LANGUAGES if lang != "en"])
def test_catalog_is_not_english(language: str) -> None:
    """A catalog other than English is really translated (not copied from the msgids)."""
    messages = [
        m for m in real_messages(load(language)) if isinstance(m.id, str) and len(m.id) > 30
    ]
    same = [m.id for m in messages if m.string == m.id]
    assert not same, f"{language}: untranslated {same[:3]}"


def test_compiled_catalogs_are_not_committed() -> None:
    """.mo files are built by setup, never committed (.gitignore)."""
    gitignore = (Path(ROOT) / ".gitignore").read_text()
    assert "*.mo" in gitignore
