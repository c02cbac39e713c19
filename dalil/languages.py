"""The languages Dalil speaks."""

from typing import Literal, get_args

Language = Literal["fr", "ar", "en", "es"]
LANGUAGES: tuple[Language, ...] = get_args(Language)
SOURCE_LANGUAGE: Language = "fr"
RTL_LANGUAGES: frozenset[str] = frozenset({"ar"})


def coerce_language(value: object, default: Language = SOURCE_LANGUAGE) -> Language:
    """Return `value` if it is one of our languages, else `default`."""
    if isinstance(value, str):
        code = value.strip().lower()[:2]
        for language in LANGUAGES:
            if code == language:
                return language
    return default
