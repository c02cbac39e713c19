"""Arabizi: detected only where digits or Darija words say so, rewritten in Arabic script."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from components.arabizi import is_arabizi, is_digit_word, spell, transliterate
from components.textnorm import Normalized, normalize

from tests.engine import run_engine_script


@pytest.mark.parametrize(
    "text",
    [
        "salam, bghit nsajel wldi f lmadrasa",
        "3ndi mochkil m3a lkarta",
        "kifach ndir inscription l bnti f l'école",
        "bla wra9",
        "wach kayn chi tbib fabor f rbat",
        "BGHIT NKHDEM, kayna chi khedma?",
    ],
)
def test_detects_darija_in_latin_letters(text: str) -> None:
    """Digits standing for Arabic letters, or Darija-only words, mark a message as Arabizi."""
    assert is_arabizi(normalize(text))


@pytest.mark.parametrize(
    "text",
    [
        "je veux inscrire mon fils à l'école",
        "I'm fine, thanks",
        "la fin du mois je dois payer le loyer",
        "rendez-vous au 2ème étage à 9h",
        "loi 27-14 sur la traite",
        "mi hijo tiene 5 años, dar de alta en la escuela",
        "where can i wash my clothes, dial 15?",
        "salam",
        "3ndi",
    ],
)
def test_leaves_french_english_spanish_alone(text: str) -> None:
    """Ordinals, times, laws and words shared with other languages are not Arabizi."""
    assert not is_arabizi(normalize(text))
    assert transliterate(normalize(text)) is None


@pytest.mark.parametrize(
    ("word", "expected"),
    [("m3a", True), ("3ndi", True), ("l9raya", True), ("2eme", False), ("9h", False),
     ("5ans", False), ("27", False), ("abc", False)],
)  # fmt: skip
def test_digit_words(word: str, expected: bool) -> None:
    """A digit inside letters is an Arabic letter; a number with a unit is not."""
    assert is_digit_word(word) is expected


def test_transliterates_known_words_and_keeps_french_ones() -> None:
    """Darija words become the Arabic the training data uses; French loanwords stay Latin."""
    out = transliterate(normalize("salam, bghit nsajel wldi f lmadrasa"))
    assert out is not None and out.text == "سلام, بغيت نسجل ولدي ف المدرسه"
    mixed = transliterate(normalize("3ndi mochkil m3a la carte de séjour"))
    assert mixed is not None and mixed.text == "عندي مشكل مع لا carte de sejour"


def test_spells_unknown_digit_words() -> None:
    """Words outside the lexicon are spelt by rule: digits, digraphs, the glued article."""
    assert spell("3likom") == "عليكوم"
    assert spell("l7ala") == "الحالا"
    assert spell("khdmt") == "خدمت"


def test_offsets_point_at_the_words_typed() -> None:
    """Every rewritten character maps to its word in the input, so entities come back right."""
    text = normalize("bghit tbib f rbat daba")
    out = transliterate(text)
    assert out is not None
    mapping = Normalized(out.text, out.source)
    start = out.text.index("الرباط")
    assert mapping.to_original(start, start + len("الرباط")) == (13, 17)
    assert text[13:17] == "rbat"
    assert mapping.to_normalized(13, 17) == (start, start + len("الرباط"))


def test_in_the_engine_the_pipeline_sees_arabic_and_restores_the_users_text() -> None:
    """In Rasa's venv: normaliser + transliterator + restore, with a city entity moved back."""
    result = run_engine_script(
        Path(__file__).with_name("engine_arabizi.py"), timeout=300, check=True
    )
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["classifier_text"] == "بغيت طبيب ف الرباط"
    assert seen["restored_text"] == "Bghit tbib f Rbat"
    assert seen["entity_text"] == "Rbat"
    assert seen["arabizi"] is True
    assert seen["french_untouched"] == "je veux un medecin a rabat"
    assert seen["training_text"] == "عندي مشكل مع الكارطه"


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("3tqoni", "danger"),
        ("rajli kaydrebni kol nhar", "violence"),
        ("kayn wahed bgha y9tlni", "violence"),
        ("7absouna f dar f tanja", "captivity"),
        ("bghit n9tel rasi", "suicide"),
    ],
)
def test_danger_in_arabizi_reaches_the_danger_keywords(text: str, category: str) -> None:
    """Once transliterated, an Arabizi danger message matches the Arabic danger keywords.

    The emergency override runs on the text the transliterator wrote, so this is what makes
    Dalil answer "3tqoni" with the emergency numbers.
    """
    from components.danger import find_danger

    assert find_danger(normalize(text)) is None  # the Latin letters alone match nothing
    out = transliterate(normalize(text))
    assert out is not None
    match = find_danger(out.text)
    assert match is not None and match.category == category


def test_the_gateway_and_the_nlu_agree_on_what_arabizi_is() -> None:
    """The gateway's language rule and the NLU's transliteration detect the same messages."""
    from components.arabizi import _STRONG

    from gateway.arabizi import DARIJA_WORDS, looks_like_arabizi

    assert set(DARIJA_WORDS) <= set(_STRONG)
    for text in [
        "salam, bghit nsajel wldi f lmadrasa",
        "3ndi mochkil m3a lkarta",
        "kifach ndir inscription l bnti f l'école",
        "je veux inscrire mon fils à l'école",
        "rendez-vous au 2ème étage à 9h",
        "where can i wash my clothes, dial 15?",
    ]:
        assert looks_like_arabizi(text) == is_arabizi(normalize(text)), text
