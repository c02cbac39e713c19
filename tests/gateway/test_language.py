"""Which language Dalil answers in: explicit choice, message, conversation, hint, French."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from dalil.languages import LANGUAGES
from gateway.language import choose_language, chosen_in_payload, detect_message

BENCH = Path(__file__).resolve().parents[2] / "bench" / "language" / "run.py"


def test_explicit_choice_wins() -> None:
    """A language picked in the web page or the API beats everything."""
    assert choose_language("bonjour je veux aller à l'école", explicit="ar", current="fr") == "ar"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Est-ce que mes enfants peuvent aller à l'école publique ?", "fr"),
        ("est ce que je peux travailler sans carte de sejour", "fr"),
        ("hw can i get asylum pls", "en"),
        ("where is the unhcr office in rabat", "en"),
        ("¿Dónde está el hospital?", "es"),
        ("necesito un abogado para mi caso", "es"),
        ("واش نقدر نمشي للسبيطار بلا وراق", "ar"),
        ("كيف أطلب اللجوء في المغرب", "ar"),
        ("بغيت ندير la carte de séjour فالرباط", "ar"),
    ],
)
@pytest.mark.parametrize("current", LANGUAGES)
def test_clear_message_changes_the_language(text: str, expected: str, current: str) -> None:
    """A message clearly in a language is answered in it, whatever came before."""
    assert choose_language(text, current=current) == expected


@pytest.mark.parametrize(
    "text", ["ok", "merci", "Merci !", "1", "thanks", "si", "oui", "👍", "OK merci", "2"]
)
@pytest.mark.parametrize("current", LANGUAGES)
def test_short_messages_never_flip(text: str, current: str) -> None:
    """Courtesy words and menu numbers keep the conversation's language."""
    assert choose_language(text, current=current) == current


@pytest.mark.parametrize(
    "text",
    ["/affirm", "/ask_asylum", '/inform{"more":"3"}', '/find_service_point{"topic":"asylum"}'],
)
@pytest.mark.parametrize("current", LANGUAGES)
def test_payloads_never_flip(text: str, current: str) -> None:
    """A button press says nothing about the reader's language."""
    assert choose_language(text, current=current) == current
    assert detect_message(text) is None


def test_language_button_switches() -> None:
    """The language menu's payload is an explicit choice."""
    assert choose_language('/choose_language{"language":"ar"}', current="fr") == "ar"
    assert chosen_in_payload('/choose_language{"language":"de"}') is None
    assert chosen_in_payload("/choose_language{broken") is None
    assert choose_language('/choose_language{"language":"de"}', current="es") == "es"


def test_hint_only_when_nothing_else() -> None:
    """The channel's hint (Telegram, Accept-Language) is used when the message says nothing."""
    assert choose_language("ok", hint="es-ES,es;q=0.9,en;q=0.8") == "es"
    assert choose_language("ok", current="en", hint="es") == "en"
    assert choose_language("1", hint="de-DE") == "fr"
    assert choose_language("1", hint="de-DE,ar;q=0.8") == "ar"
    assert choose_language("1", hint="pt-br") == "fr"  # Telegram's language_code
    # The same parser as the web chat's Accept-Language: by quality, not by position.
    assert choose_language("1", hint="en;q=0.5,ar") == "ar"
    assert choose_language("123") == "fr"


def test_weak_guess_only_before_the_default() -> None:
    """A lone "gracias" opening a conversation: the hint if any, else Spanish rather than French."""
    assert choose_language("gracias") == "es"
    assert choose_language("gracias", hint="en") == "en"
    assert choose_language("gracias", current="fr") == "fr"
    assert choose_language("gracias", hint="de") == "es"


@pytest.mark.parametrize("city", ["Tánger", "Fès", "Salé", "Tanger", "Casablanca"])
def test_a_city_name_alone_never_flips(city: str) -> None:
    """Answering "which city?" with an accented name keeps the conversation's language."""
    assert choose_language(city, current="en") == "en"


def test_arabic_script_is_confident() -> None:
    """Three Arabic letters are enough; one stray Arabic letter is not."""
    detection = detect_message("شكرا")
    assert detection is not None and detection.language == "ar" and detection.confident
    assert choose_language("ok ب", current="en") == "en"


def test_benchmark_accuracy() -> None:
    """The labelled set stays at or above 99% overall and 97% per language (bench/language)."""
    spec = importlib.util.spec_from_file_location("bench_language", BENCH)
    assert spec and spec.loader
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    rows = bench.load()
    assert len(rows) >= 400
    by_language: dict[str, list[bool]] = {}
    for language, current, text in rows:
        by_language.setdefault(language, []).append(
            choose_language(text, current=current) == language
        )
    for language, results in by_language.items():
        assert len(results) >= 100
        assert sum(results) / len(results) >= 0.97, language
    everything = [r for results in by_language.values() for r in results]
    assert sum(everything) / len(everything) >= 0.99
