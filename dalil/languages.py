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


def negotiate(accept_language: str | None) -> Language | None:
    """The first of our languages in an Accept-Language header, by quality (then by position).

    Also takes a bare tag, as Telegram's `language_code` ("pt-br") or a code already chosen."""
    if not accept_language:
        return None
    ranked: list[tuple[float, int, str]] = []
    for position, item in enumerate(accept_language.split(",")):
        tag, _, params = item.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                continue
        ranked.append((-quality, position, tag.strip().lower()[:2]))
    for quality, _, code in sorted(ranked):
        if quality < 0 and code in LANGUAGES:
            return coerce_language(code)
    return None
