"""Shortening titles for providers' limits: by grapheme, at word boundaries, in every script."""

from __future__ import annotations

import pytest

from gateway.channels.base import shorten, split_text, utf16_length


@pytest.mark.parametrize(
    ("text", "limit"),
    [
        ("الحصول على الرعاية الصحية في المستشفى", 20),
        ("Demander une carte de séjour", 20),
        ("Solicitar la tarjeta de residencia", 24),
        ("مَرْحَبًا بِكُمْ فِي دَلِيل المساعدة", 20),
    ],
)
def test_titles_are_cut_between_whole_words(text: str, limit: int) -> None:
    short = shorten(text, limit)
    assert utf16_length(short) <= limit
    assert short.endswith("…")
    assert all(word in text.split() for word in short[:-1].split())


def test_short_titles_are_untouched() -> None:
    assert shorten("Santé", 20) == "Santé"
    assert shorten("أين أذهب", 20) == "أين أذهب"


def test_a_single_long_word_is_cut_between_graphemes_never_inside_one() -> None:
    # A family emoji is one grapheme of 7 code points and 11 UTF-16 units.
    family = "👨\u200d👩\u200d👧\u200d👦"
    short = shorten("a" * 15 + family + "bbbb", 20)
    assert utf16_length(short) <= 20
    assert family not in short and "\u200d" not in short
    assert short == "a" * 15 + "…"


def test_arabic_diacritics_stay_with_their_letter() -> None:
    word = "مَرْحَبًا" * 4  # one long word of letters and harakat
    short = shorten(word, 10)
    assert utf16_length(short) <= 10
    body = short[:-1]
    assert word.startswith(body)
    # The next code point of the original is a letter, not a stranded diacritic.
    assert not ("\u064b" <= word[len(body)] <= "\u0652")


def test_long_texts_split_at_word_boundaries() -> None:
    text = " ".join(["كلمة"] * 600)
    parts = split_text(text, 1024)
    assert all(utf16_length(p) <= 1024 for p in parts)
    assert " ".join(parts) == text
