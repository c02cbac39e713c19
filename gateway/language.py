"""Which language to answer in: explicit choice, then the message, then the conversation, then hints."""

from __future__ import annotations

import re

from dalil.languages import SOURCE_LANGUAGE, Language, coerce_language

_ARABIC = re.compile(r"[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF]")
_LATIN_LETTER = re.compile(r"[A-Za-zÀ-ÿ]")


def detect_message_language(text: str) -> Language | None:
    """The message's language when it can be told with confidence, else None."""
    arabic = len(_ARABIC.findall(text))
    latin = len(_LATIN_LETTER.findall(text))
    if arabic and arabic >= latin:
        return "ar"
    return None


def choose_language(
    text: str,
    *,
    explicit: str | None = None,
    current: str | None = None,
    hint: str | None = None,
) -> Language:
    """Apply the order of precedence of the design for the reply's language."""
    if explicit:
        return coerce_language(explicit)
    detected = detect_message_language(text)
    if detected:
        return detected
    if current:
        return coerce_language(current)
    if hint:
        return coerce_language(hint)
    return SOURCE_LANGUAGE
