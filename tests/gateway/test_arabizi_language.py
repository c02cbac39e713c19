"""Arabizi (Darija in Latin letters) is answered in French and never flips a conversation."""

from __future__ import annotations

import pytest

from gateway.arabizi import looks_like_arabizi
from gateway.language import choose_language

ARABIZI = [
    "salam, bghit nsajel wldi f lmadrasa",
    "3ndi mochkil m3a lkarta",
    "wach kayn chi tbib fabor f rbat",
    "bghit nrje3 l bladi m3a l'OIM",
    "kifach ndir inscription l bnti f l'école",
]


@pytest.mark.parametrize("text", ARABIZI)
def test_a_new_conversation_in_arabizi_is_answered_in_french(text: str) -> None:
    """Not Spanish or English, which lingua guesses for Latin-script Darija."""
    assert looks_like_arabizi(text)
    assert choose_language(text) == "fr"


@pytest.mark.parametrize("text", ARABIZI)
@pytest.mark.parametrize("current", ["ar", "en", "es"])
def test_arabizi_keeps_the_conversations_language(text: str, current: str) -> None:
    """Someone chatting in Arabic who types Arabizi keeps Arabic answers."""
    assert choose_language(text, current=current) == current


def test_the_channels_hint_still_counts() -> None:
    """A phone set to Arabic gets Arabic answers to Arabizi."""
    assert choose_language("3ndi mochkil m3a lkarta", hint="ar-MA,fr;q=0.8") == "ar"


@pytest.mark.parametrize(
    "text",
    [
        "rendez-vous au 2ème étage à 9h",
        "la loi 27-14 protège les victimes",
        "bla bla bla je comprends rien",
        "my son is 5yo and needs school",
        "tengo 3 hijos y 2 trabajos",
    ],
)
def test_numbers_in_other_languages_are_not_arabizi(text: str) -> None:
    """Ordinals, hours, ages and laws are not digits standing for Arabic letters."""
    assert not looks_like_arabizi(text)
