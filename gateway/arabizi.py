"""Darija written in Latin letters and digits (Arabizi), for choosing the reply's language.

Arabizi ("salam, bghit nsajel wldi f lmadrasa", "3ndi mochkil m3a lkarta") is neither French,
English nor Spanish, yet lingua and word lists, which know only those, guess one of them
(often Spanish). Dalil answers it in French unless the conversation already has a language
(or the channel hints one): writing Darija in Latin letters says the person reads Latin script
more easily than Arabic script (many learned Darija by ear), French is the language most
migrants in Morocco read (HCP 2021: 52.5 % speak it) and the one the content is written in. An
Arabizi message never changes a conversation's language: someone chatting in Arabic who types
Arabizi on a phone without an Arabic keyboard keeps Arabic answers. The Rasa model understands
Arabizi itself (bot/components/arabizi.py rewrites it in Arabic script).
"""

from __future__ import annotations

import re

_WORD = re.compile(r"[a-z0-9']+")
# A digit standing for an Arabic letter inside a word: 3 = ع, 7 = ح, 9 = ق, 5 = خ, 2 = ء, 8 = غ.
_DIGIT_WORD = re.compile(r"^(?=.*[a-z])(?=.*[235789])[a-z235789']+$")
_NUMBER_WITH_UNIT = re.compile(
    r"^\d+(?:e|er|ere|eme|emes|em|th|st|nd|rd|h|hr|min|mn|km|kg|g|dh|dhs|mad|ans|an|mois|j|"
    r"jours|y|yo|yrs|ano|anos|am|pm)$"
)
# Frequent Darija words that are not French, English or Spanish words (all of them are "strong"
# words of the NLU's lexicon, bot/components/arabizi.py: tests/bot/test_arabizi.py checks).
DARIJA_WORDS = frozenset(
    [
        "bghit",
        "bghina",
        "baghi",
        "kifach",
        "kifash",
        "chno",
        "chnou",
        "achno",
        "wach",
        "ndir",
        "nmchi",
        "nsajel",
        "kayn",
        "kayna",
        "makaynch",
        "dyal",
        "dyali",
        "hadchi",
        "walakin",
        "daba",
        "ghadi",
        "bzaf",
        "bzzaf",
        "mzyan",
        "afak",
        "khoya",
        "wldi",
        "wlidi",
        "bnti",
        "drari",
        "lmadrasa",
        "sbitar",
        "tbib",
        "khdma",
        "khedma",
        "lkarta",
        "mochkil",
        "flous",
        "bladi",
    ]
)


def _digit_word(word: str) -> bool:
    return bool(_DIGIT_WORD.match(word)) and not _NUMBER_WITH_UNIT.match(word)


def looks_like_arabizi(text: str) -> bool:
    """Two signs of Darija in Latin letters: digit-letters ("m3a") or Darija-only words."""
    words = _WORD.findall(text.lower())
    return sum(_digit_word(w) or w in DARIJA_WORDS for w in words) >= 2
