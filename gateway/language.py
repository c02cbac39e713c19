"""Which language to answer in.

Order of precedence: the user's explicit choice → the message's own language when it is clear →
the conversation's current language → the channel's hint (Telegram `language_code`,
`Accept-Language`) → a weak guess from a short message ("gracias") → French.

The message's language comes from cheap signals (Arabic script, `¿`/`¡`/`ñ`, frequent words)
and lingua restricted to our four languages. Short courtesy words ("ok", "merci", "thanks",
"si"), numbers and button payloads never change a conversation's language: people in Morocco
say "merci" in every language, and a menu choice says nothing about the reader.
"""

from __future__ import annotations

import asyncio
import functools
import json
import re
import threading
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from components.textnorm import fold

from dalil.languages import LANGUAGES, SOURCE_LANGUAGE, Language, coerce_language, negotiate
from dalil.wordlists import load_word_lists
from gateway.arabizi import looks_like_arabizi

if TYPE_CHECKING:
    from lingua import LanguageDetector

_ARABIC = re.compile(r"[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF]")
_ARABIC_WORD = re.compile(r"[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF]{2,}")
_LATIN = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿ]")
_NOISE = re.compile(r"https?://\S+|www\.\S+|\S+@\S+|[0-9]+")
_WORD = re.compile(r"[a-zà-öø-ÿ]+(?:'[a-zà-öø-ÿ]+)?")
_CHOOSE_LANGUAGE = re.compile(r"^/choose_language(\{.*\})\s*$")

# Below this many letters a Latin-script message is too short to change the language.
MIN_CONFIDENT_LETTERS = 6
# lingua's confidence (0-1, over our four languages) above which its choice is trusted.
LINGUA_CONFIDENT = 0.75

# The word lists (data: gateway/language_words.yml), read once: `neutral` are courtesy words
# written in every language, which alone only ever give a weak guess; `fr`, `en` and `es` are
# frequent words that tell the three Latin-script languages apart.
WORDS_FILE = Path(__file__).with_name("language_words.yml")
_LATIN_LANGUAGES = ("fr", "en", "es")
_LISTS = load_word_lists(WORDS_FILE, required=("neutral", *_LATIN_LANGUAGES))
NEUTRAL_WORDS = frozenset(_LISTS["neutral"])
WORDS: dict[str, frozenset[str]] = {
    lang: frozenset(fold(w) for w in _LISTS[lang]) for lang in _LATIN_LANGUAGES
}
# Letters only one of the languages uses (é is shared by French and Spanish).
_FRENCH_LETTERS = set("èêëàâçùûôîïœ")
_SPANISH_LETTERS = set("ñáíóú¿¡")


@dataclass(frozen=True)
class Detection:
    """A message's language; `confident` when it may change the conversation's language."""

    language: Language
    confident: bool


@cache
def detector() -> LanguageDetector:
    """lingua restricted to our four languages, built once (it takes seconds: warm it up)."""
    from lingua import Language as Lingua
    from lingua import LanguageDetectorBuilder

    return (
        LanguageDetectorBuilder.from_languages(
            Lingua.FRENCH, Lingua.ARABIC, Lingua.ENGLISH, Lingua.SPANISH
        )
        .with_preloaded_language_models()
        .build()
    )


# lingua's Rust core is called from the event loop and from the warm-up thread: one call at a
# time, so the detector is built once and no two threads race inside its lazy model loading.
_LINGUA = threading.Lock()


def warm_up() -> None:
    """Load lingua's models now (call once at startup, in a thread), not on a user's message."""
    lingua_scores("bonjour, comment ça va ?")


def start_warm_up() -> threading.Thread:
    """Warm up in a daemon thread: unlike the event loop's executor, nothing waits for it on exit."""
    thread = threading.Thread(target=warm_up, name="lingua-warm-up", daemon=True)
    thread.start()
    return thread


def lingua_scores(text: str) -> dict[str, float]:
    """lingua's confidence for each of our languages (they sum to 1)."""
    scores: dict[str, float] = {}
    with _LINGUA:
        values = detector().compute_language_confidence_values(text)
    for value in values:
        code = value.language.iso_code_639_1.name.lower()
        if code in LANGUAGES:
            scores[code] = value.value
    return scores


def lingua_language(text: str) -> Language | None:
    """lingua's choice alone (for the benchmark's comparison)."""
    scores = lingua_scores(text)
    return coerce_language(max(scores, key=lambda k: scores[k])) if scores else None


def _word_votes(words: list[str]) -> dict[str, int]:
    """How many of the message's words are frequent in each Latin-script language."""
    return {lang: sum(w in vocabulary for w in words) for lang, vocabulary in WORDS.items()}


def detect_message(text: str) -> Detection | None:
    """The message's language with how sure we are, or None when it says nothing."""
    if is_payload(text):
        return None
    cleaned = _NOISE.sub(" ", text)
    arabic = len(_ARABIC.findall(cleaned))
    latin = len(_LATIN.findall(cleaned))
    arabic_words = len(_ARABIC_WORD.findall(cleaned))
    if arabic and (arabic >= latin or arabic_words >= 2):
        # Arabic script is Arabic (MSA or Darija) for our four languages. Darija borrows French
        # administrative words ("bureau des étrangers", "carte de séjour"): two Arabic words
        # around them mean the reader reads Arabic.
        return Detection("ar", confident=arabic >= 3)
    if not latin:
        return None
    if looks_like_arabizi(text):
        # Darija in Latin letters: French, but never enough to change the conversation's
        # language (gateway/arabizi.py says why).
        return Detection("fr", confident=False)
    lowered = cleaned.lower()
    words = [fold(w) for w in _WORD.findall(lowered)]
    if not words:
        return None
    if all(w in NEUTRAL_WORDS for w in words) and len(words) <= 2:
        guess = _neutral_guess(words)
        return Detection(guess, confident=False) if guess else None

    letters = set(lowered)
    if letters & _SPANISH_LETTERS and not letters & _FRENCH_LETTERS:
        # A lone accented name ("Tánger") is not a sentence: it must not flip the conversation.
        return Detection(
            "es", confident=latin >= 4 and (len(words) >= 2 or "¿" in lowered or "¡" in lowered)
        )
    votes = _word_votes(words)
    scores = lingua_scores(cleaned)
    # Word votes catch typo-ridden WhatsApp text that lingua finds ambiguous; lingua catches
    # what the short word lists miss. Each vote weighs as much as 35% of lingua's confidence.
    combined = {
        lang: scores.get(lang, 0.0) + 0.35 * votes.get(lang, 0) for lang in ("fr", "en", "es")
    }
    if letters & _FRENCH_LETTERS:
        combined["fr"] += 0.5
    ranked = sorted(combined, key=lambda k: combined[k], reverse=True)
    best, second = ranked[0], ranked[1]
    if combined[best] <= 0:
        return None
    margin = combined[best] - combined[second]
    long_enough = latin >= MIN_CONFIDENT_LETTERS and len(words) >= 2
    clear = (votes[best] >= 1 and margin >= 0.35) or scores.get(best, 0.0) >= LINGUA_CONFIDENT
    return Detection(coerce_language(best), confident=long_enough and clear)


def _neutral_guess(words: list[str]) -> Language | None:
    """A weak guess from courtesy words that belong to one language ("merci", "gracias")."""
    for lang in ("fr", "es", "en"):
        if any(w in WORDS[lang] for w in words) and not any(
            w in WORDS[other] for w in words for other in WORDS if other != lang
        ):
            return coerce_language(lang)
    return None


def is_payload(text: str) -> bool:
    """A button payload (`/intent{...}`), which says nothing about the user's language."""
    return text.lstrip().startswith("/")


def chosen_in_payload(text: str) -> Language | None:
    """The language of a `/choose_language{"language": "ar"}` button, if that is the message."""
    match = _CHOOSE_LANGUAGE.match(text.strip())
    if not match:
        return None
    try:
        value = json.loads(match.group(1)).get("language")
    except (ValueError, AttributeError):
        return None
    return value if value in LANGUAGES else None


def detect_message_language(text: str) -> Language | None:
    """The message's language when it can be told with confidence, else None."""
    detection = detect_message(text)
    return detection.language if detection and detection.confident else None


async def choose_language_off_loop(
    text: str,
    *,
    explicit: str | None = None,
    current: str | None = None,
    hint: str | None = None,
) -> Language:
    """`choose_language` in a worker thread: lingua takes tens of ms on a long text, and the
    event loop meanwhile serves webhooks and other turns (the lock still keeps lingua to one
    call at a time)."""
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(
        None,
        functools.partial(choose_language, text, explicit=explicit, current=current, hint=hint),
    )


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
    chosen = chosen_in_payload(text)
    if chosen:
        return chosen
    detection = detect_message(text)
    if detection and detection.confident:
        return detection.language
    if current:
        return coerce_language(current)
    hinted = negotiate(hint)
    if hinted:
        return hinted
    if detection:
        # A weak guess ("gracias" opening a conversation) beats only the French default.
        return detection.language
    return SOURCE_LANGUAGE
