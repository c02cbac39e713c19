"""Remove personal data from a user's text before it is stored for reviewers."""

from __future__ import annotations

import re

import phonenumbers

PHONE = "[PHONE]"
EMAIL = "[EMAIL]"
ID_NUMBER = "[ID]"
NAME = "[NAME]"

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# Passports, Moroccan CIN and residence cards mix letters and digits (e.g. "AB123456",
# "X1234567", "W4567890"); any token holding five or more digits is treated as an identifier.
_ID = re.compile(r"\b(?=[A-Za-z0-9-]*\d)(?:[A-Za-z]{0,3}-?\d[\dA-Za-z-]{3,}|\d{5,})\b")
_NAME_WORD = r"[^\W\d_][\w'’-]*"
# "My name is X", in the four languages, followed by one to three words of the name.
_NAME_INTROS = (
    r"je m['’ ]?appelle",
    r"mon (?:pr[ée])?nom (?:est|c['’]est)",
    r"my name is",
    r"my name'?s",
    r"i am called",
    r"me llamo",
    r"mi nombre es",
    r"اسمي",
    r"إسمي",
    r"انا اسمي",
    r"سميتي",
)
_NAME = re.compile(
    r"(?P<intro>\b(?:" + "|".join(_NAME_INTROS) + r")\b|(?:" + "|".join(_NAME_INTROS[7:]) + r"))"
    r"(?P<sep>\s*(?:est\s+|is\s+|es\s+|:\s*)?)"
    r"(?P<name>" + _NAME_WORD + r"(?:\s+" + _NAME_WORD + r"){0,2})",
    re.IGNORECASE | re.UNICODE,
)
# Words that end a name: "my name is Awa and I need…" keeps "and I need".
_STOP_WORDS = frozenset(
    {"and", "et", "y", "و", "i", "je", "yo", "from", "de", "من", "but", "mais", "pero"}
)


def _scrub_phones(text: str) -> str:
    # Morocco by default, so a national number (06…) is caught as well as an international one (+212 6…).
    matches = list(
        phonenumbers.PhoneNumberMatcher(text, "MA", leniency=phonenumbers.Leniency.POSSIBLE)
    )
    for match in reversed(matches):
        text = text[: match.start] + PHONE + text[match.end :]
    return text


def _scrub_names(text: str) -> str:
    def replace(match: re.Match[str]) -> str:
        words = match.group("name").split()
        kept: list[str] = []
        for word in words:
            if word.lower() in _STOP_WORDS:
                break
            kept.append(word)
        rest = match.group("name")[len(" ".join(kept)) :] if kept else match.group("name")
        if not kept:
            return match.group(0)
        return f"{match.group('intro')}{match.group('sep') or ' '}{NAME}{rest}"

    return _NAME.sub(replace, text)


def scrub(text: str) -> str:
    """`text` with phone numbers, e-mail addresses, ID numbers and stated names replaced."""
    text = _EMAIL.sub(EMAIL, text)
    text = _scrub_phones(text)
    text = _ID.sub(ID_NUMBER, text)
    return _scrub_names(text)
