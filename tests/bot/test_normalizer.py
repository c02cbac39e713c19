"""The text normaliser: Arabic letters, diacritics and digits; Latin case and accents; offsets."""

from __future__ import annotations

import pytest
from components.textnorm import fold, normalize, normalize_with_offsets, separator_pattern


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("أنا", "انا"),
        ("إسبانيا", "اسبانيا"),
        ("آخر", "اخر"),
        ("ٱلله", "الله"),
        ("مستشفى", "مستشفي"),
        ("مدرسة", "مدرسه"),
        ("مــــدرسة", "مدرسه"),
        ("مَدْرَسَةٌ", "مدرسه"),
        ("الرَّبَاط", "الرباط"),
        ("٠٦١٢٣٤٥٦٧٨", "0612345678"),
        ("۰۱۲۳", "0123"),
        ("ی ک", "ي ك"),
        ("واش؟", "واش?"),
        ("Témara", "temara"),
        ("ÉCOLE à Salé", "ecole a sale"),
        ("niño EN PELIGRO", "nino en peligro"),
        ("Cœur", "coeur"),
        ("Straße", "strasse"),
        ("e\u0301cole", "ecole"),  # decomposed accent typed on some keyboards
        ("سلام\u200f عليكم", "سلام عليكم"),
        ('/inform{"detail":"school_access"}', '/inform{"detail":"school_access"}'),
    ],
)
def test_normalize(raw: str, expected: str) -> None:
    """Each rule of the normaliser, on the letters users actually type."""
    assert normalize(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("انا فالرباط", "انا ف الرباط"),
        ("هضر بالعربية", "هضر ب العربيه"),
        ("والمدرسة", "و المدرسه"),
        ("في الرباط", "في الرباط"),
        ("بال", "بال"),  # too short to be a preposition + article + word
        ("الفال", "الفال"),  # not at a word start
    ],
)
def test_proclitic_split(raw: str, expected: str) -> None:
    """A preposition glued to an article is detached so the city becomes its own token."""
    assert normalize(raw) == expected


def test_idempotent() -> None:
    """Normalising twice changes nothing: training data may pass through twice."""
    for text in ["مَدْرَسَةٌ فالرباط", "ÉCOLE à Salé", "إلى آخره ـــ ٱلله ٣"]:
        once = normalize(text)
        assert normalize(once) == once


@pytest.mark.parametrize(
    ("text", "span", "normalized_span_text"),
    [
        ("Je suis à Témara", (10, 16), "temara"),
        ("أنا فالرباط الآن", (5, 11), "الرباط"),
        ("في مَدْرَسَةٌ قريبة", (3, 13), "مدرسه"),
        ("école à Kénitra", (8, 15), "kenitra"),
    ],
)
def test_offsets_round_trip(text: str, span: tuple[int, int], normalized_span_text: str) -> None:
    """An entity span moves onto the normalised text and back onto the very same characters."""
    normalized = normalize_with_offsets(text)
    start, end = normalized.to_normalized(*span)
    assert normalized.text[start:end] == normalized_span_text
    assert normalized.to_original(start, end) == span


def test_offsets_cover_trailing_diacritics() -> None:
    """A span ending in dropped diacritics maps back over them, not short of them."""
    text = "مدرسةٌ كبيرة"
    normalized = normalize_with_offsets(text)
    assert normalized.text == "مدرسه كبيره"
    assert normalized.to_original(0, 5) == (0, 6)
    assert len(normalized.source) == len(normalized.text) + 1


def test_offsets_with_multi_character_folds() -> None:
    """Ligatures that become two letters keep every later offset right."""
    text = "sœur à Fès"
    normalized = normalize_with_offsets(text)
    assert normalized.text == "soeur a fes"
    start, end = normalized.to_normalized(7, 10)
    assert normalized.text[start:end] == "fes"
    assert normalized.to_original(start, end) == (7, 10)


@pytest.mark.parametrize(
    ("raw", "options", "expected"),
    [
        ("ÉCOLE à Salé", {}, "ecole a sale"),
        ("Straße ﬁche ＡＢＣ", {}, "strasse fiche abc"),
        ("𝐒𝐓𝐎𝐏 ᴿabat", {}, "stop rabat"),  # "fancy font" letters fold to plain lowercase
        ("مَدْرَسَةٌ مــــدرسة", {}, "مدرسة مدرسة"),
        ("أإآٱ ة ى", {}, "اااٱ ة ى"),
        ("أإآٱ ة ى", {"letter_forms": True}, "اااا ه ي"),
        ("  El-Jadida, (Maroc)  ", {}, "  el-jadida, (maroc)  "),
        ("  El-Jadida, (Maroc)  ", {"separators": separator_pattern()}, "el jadida maroc"),
        ("¿Dónde?", {"separators": separator_pattern()}, "¿donde"),
        ("«توقف»، ¿Dónde?", {"separators": separator_pattern("«»،¿")}, "توقف donde"),
    ],
)
def test_fold(raw: str, options: dict[str, object], expected: str) -> None:
    """`fold`: case, accents, compatibility forms, Arabic marks; letter forms and separators on request."""
    assert fold(raw, **options) == expected  # type: ignore[arg-type]
