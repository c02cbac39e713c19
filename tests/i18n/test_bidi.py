"""Phone numbers, hours and Latin names keep their order inside Arabic text (Unicode isolates)."""

from __future__ import annotations

from datetime import date

from actions.common import unavailable_text
from actions.emergency import fallback_text
from dalil.i18n import FSI, LRI, PDI, format_date, gettext, isolate
from knowledge.emergency import build_fallback, role_number

ISOLATES = (LRI, FSI, PDI)


def balanced(text: str) -> bool:
    """Every isolate opened is closed, in order."""
    depth = 0
    for char in text:
        if char in (LRI, FSI):
            depth += 1
        elif char == PDI:
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


def test_isolate_only_in_right_to_left_text() -> None:
    """Arabic gets isolates; French, English and Spanish text is left untouched."""
    assert isolate("+212 537-545400", "ar") == f"{LRI}+212 537-545400{PDI}"
    assert isolate("Caritas", "ar", direction="auto") == f"{FSI}Caritas{PDI}"
    for language in ("fr", "en", "es"):
        assert isolate("+212 537-545400", language) == "+212 537-545400"
    assert isolate("", "ar") == ""


def test_numbers_isolated_in_rendered_arabic() -> None:
    """The emergency numbers of a rendered Arabic message sit inside left-to-right isolates."""
    text = fallback_text("ar")
    for contact in build_fallback()["contacts"]:
        assert f"{LRI}{contact['number']}{PDI}" in text
    assert balanced(text)
    assert any("\u0600" <= c <= "\u06ff" for c in text), "the text itself is Arabic"


def test_no_isolates_in_left_to_right_languages() -> None:
    """French, English and Spanish messages carry no invisible direction marks."""
    for language in ("fr", "en", "es"):
        text = unavailable_text(language)
        assert role_number("police") in text and role_number("ambulance") in text
        assert not any(c in text for c in ISOLATES)


def test_dates_isolated_in_arabic() -> None:
    """An Arabic "checked on" date keeps its digits in order, with Moroccan month names."""
    rendered = gettext("ar", "checked on {date}", date=format_date(date(2026, 11, 29), "ar"))
    assert f"{FSI}29 نونبر 2026{PDI}" in rendered
    assert balanced(rendered)
    assert format_date(date(2026, 11, 29), "fr") == "29 novembre 2026"
    assert format_date(date(2026, 11, 29), "es") == "29 de noviembre de 2026"
