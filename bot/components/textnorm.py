"""Text normalisation shared by training, inference, the gateway, the actions and the knowledge
layer (pure: only `re` and `unicodedata`, so both venvs import it).

`normalize` (the NLU's and the danger matcher's): Arabic: alef forms to bare alef, alef maqsura
to ya, ta marbuta to ha, no tatweel, no diacritics, Arabic-Indic digits to ASCII. Latin:
lowercase and accents folded. Every output character remembers which input character it came
from, so entity offsets can be moved between the original text and the normalised one in both
directions.

`fold` (for comparing words and names: cities, topics, alert words, language word lists):
casefold, compatibility decomposition without accents or Arabic diacritics, and on request the
Arabic letter forms unified and separators collapsed.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from dataclasses import dataclass

# Harakat, Quranic annotation marks and the superscript alef carry no meaning users rely on.
_DROPPED = frozenset(
    [chr(c) for c in range(0x064B, 0x0660)]
    + [chr(c) for c in range(0x06D6, 0x06EE) if c not in (0x06E5, 0x06E6)]
    + [
        "\u0670",  # superscript alef
        "\u0640",  # tatweel (kashida)
        "\u200b",  # zero width space
        "\u200c",  # zero width non-joiner
        "\u200d",  # zero width joiner
        "\u200e",  # left-to-right mark, pasted in by phones around mixed-direction text
        "\u200f",  # right-to-left mark
        "\u061c",  # Arabic letter mark
        "\ufeff",  # byte order mark
    ]
)

_ARABIC = {
    "أ": "ا",
    "إ": "ا",
    "آ": "ا",
    "ٱ": "ا",
    "ى": "ي",
    "ة": "ه",
    # Persian keyboards, common on phones sold in the region, type these look-alikes.
    "ی": "ي",
    "ک": "ك",
    "،": ",",
    "؛": ";",
    "؟": "?",
}
_ARABIC.update({chr(0x0660 + d): str(d) for d in range(10)})  # ٠-٩
_ARABIC.update({chr(0x06F0 + d): str(d) for d in range(10)})  # ۰-۹ (Persian/Urdu)

# "fi", "bi", "wa", "ka" written as one letter glued to the next word.
_PROCLITICS = frozenset("فبوك")

# Letters that no decomposition splits but that people type as two letters when they drop accents.
_LIGATURES = {"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss"}


@dataclass(frozen=True)
class Normalized:
    """A normalised text and, for each of its characters, the index of its source character."""

    text: str
    source: tuple[int, ...]  # len(text) + 1 entries; the last one is len(original)

    def to_normalized(self, start: int, end: int) -> tuple[int, int]:
        """Move an [start, end) span of the original text onto the normalised text."""
        new_start = bisect_left(self.source, start, 0, len(self.text))
        new_end = bisect_left(self.source, end, 0, len(self.text))
        return new_start, max(new_start, new_end)

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Move an [start, end) span of the normalised text back onto the original text."""
        start = min(max(start, 0), len(self.text))
        end = min(max(end, start), len(self.text))
        # The end extends over dropped characters (diacritics) up to the next kept one.
        return self.source[start], self.source[end]


def _fold(char: str) -> str:
    """Normalise one character; may return zero, one or several characters."""
    if char in _DROPPED:
        return ""
    mapped = _ARABIC.get(char)
    if mapped is not None:
        return mapped
    if "\u0600" <= char <= "\u06ff":
        return char
    if char in _LIGATURES:
        return _LIGATURES[char]
    decomposed = unicodedata.normalize("NFD", char)
    kept = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    # lower() may itself decompose (İ -> i + combining dot): strip marks once more.
    return "".join(c for c in kept.lower() if unicodedata.category(c) != "Mn")


def _is_arabic_letter(char: str) -> bool:
    return "\u0621" <= char <= "\u064a"


def _split_proclitic(chars: list[str], sources: list[int]) -> None:
    """Detach a one-letter preposition or conjunction glued to an article: فالرباط -> ف الرباط.

    Darija and MSA write "in/with/and the city" as one word; splitting lets the tokenizer see
    the city (or topic) as its own token. The inserted space takes the source index of the
    letter before it, so an entity that starts at the article maps onto the article.
    """
    index = 0
    while index < len(chars) - 3:
        at_word_start = index == 0 or not _is_arabic_letter(chars[index - 1])
        if (
            at_word_start
            and chars[index] in _PROCLITICS
            and chars[index + 1] == "ا"
            and chars[index + 2] == "ل"
            and index + 4 < len(chars)
            and _is_arabic_letter(chars[index + 3])
            and _is_arabic_letter(chars[index + 4])
        ):
            chars.insert(index + 1, " ")
            sources.insert(index + 1, sources[index])
            index += 2
        index += 1


def normalize_with_offsets(text: str) -> Normalized:
    """Normalise ``text`` and keep the source index of every output character."""
    chars: list[str] = []
    sources: list[int] = []
    for index, char in enumerate(text):
        for folded in _fold(char):
            chars.append(folded)
            sources.append(index)
    _split_proclitic(chars, sources)
    sources.append(len(text))
    return Normalized("".join(chars), tuple(sources))


def normalize(text: str) -> str:
    """Normalise ``text`` for matching and classification."""
    return normalize_with_offsets(text).text


# Arabic diacritics, the superscript alef and tatweel.
_ARABIC_MARKS = re.compile("[\u064b-\u065f\u0670\u0640]")
# The Arabic letters written in several forms that `fold(letter_forms=True)` unifies (the same
# choices as `normalize`).
_LETTER_FORMS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ة": "ه", "ى": "ي"})
# What separates words in names and short answers: spaces, hyphens, apostrophes, punctuation.
_SEPARATORS = r"\s\-_'’`.,;:!?()\"/"


def separator_pattern(extra: str = "") -> re.Pattern[str]:
    """A run of separators (spaces, hyphens, apostrophes, Latin punctuation), plus `extra`."""
    return re.compile(f"[{_SEPARATORS}{re.escape(extra)}]+")


def fold(
    text: str, *, letter_forms: bool = False, separators: re.Pattern[str] | None = None
) -> str:
    """``text`` for comparing words: casefolded, NFKD without combining marks (accents, Arabic
    diacritics; ligatures such as "ﬁ" and full-width letters become plain ones), no tatweel.

    With ``letter_forms`` the Arabic letter forms are unified (أ إ آ ٱ → ا, ة → ه, ى → ي); with
    ``separators`` each run of them becomes one space and the ends are trimmed.
    """
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    plain = _ARABIC_MARKS.sub("", plain)
    if letter_forms:
        plain = plain.translate(_LETTER_FORMS)
    if separators is not None:
        plain = separators.sub(" ", plain).strip()
    return plain
