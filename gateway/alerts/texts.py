"""What the user reads about alerts, from the gettext catalogs, and the words they answer with."""

from __future__ import annotations

from datetime import date

from components.textnorm import fold, separator_pattern

from dalil.i18n import format_date, gettext, isolate, topic_title
from knowledge.cities import city_name

# At most this many alerts a month per person: said in the consent text, enforced by review.
MAX_ALERTS_PER_MONTH = 4
# Button payloads the gateway answers itself (never sent to Rasa): `alerts:on:<topic>:<city>`.
SUBSCRIBE_PREFIX = "alerts:on:"
# The command an action sends after a topic answer: `alert_offer:<topic>:<city>` (city may be "").
OFFER_COMMAND = "alert_offer:"

# Whole messages that stop every alert, per language (compared after `normalise`). SMS users
# know STOP; each language's usual word is honoured on every channel.
STOP_WORDS: dict[str, frozenset[str]] = {
    "fr": frozenset(
        {
            "stop",
            "arret",
            "arreter",
            "desabonner",
            "me desabonner",
            "desinscription",
            "arreter les alertes",
            "stop alertes",
        }
    ),
    "ar": frozenset({"توقف", "توقيف", "ايقاف", "الغاء الاشتراك", "ايقاف التنبيهات", "الغاء"}),
    "en": frozenset({"stop", "unsubscribe", "stop alerts", "stopall", "cancel alerts"}),
    "es": frozenset(
        {"baja", "darme de baja", "darse de baja", "parar", "parar alertas", "cancelar suscripcion"}
    ),
}
MY_ALERTS_WORDS: dict[str, frozenset[str]] = {
    "fr": frozenset({"mes alertes"}),
    "ar": frozenset({"تنبيهاتي", "اشتراكاتي"}),
    "en": frozenset({"my alerts"}),
    "es": frozenset({"mis alertas"}),
}
ALL_STOP_WORDS = frozenset().union(*STOP_WORDS.values())
ALL_MY_ALERTS_WORDS = frozenset().union(*MY_ALERTS_WORDS.values())
_PUNCTUATION = separator_pattern("¿¡«»،؛؟")


def normalise(text: str) -> str:
    """Casefolded, without accents, Arabic diacritics, hamza forms or punctuation."""
    return fold(text, separators=_PUNCTUATION)


def is_stop(text: str) -> bool:
    """The whole message asks to stop alerts (STOP, ARRÊT, توقف, BAJA…)."""
    return normalise(text) in ALL_STOP_WORDS


def is_my_alerts(text: str) -> bool:
    """The whole message asks for the list of alerts."""
    return normalise(text) in ALL_MY_ALERTS_WORDS


def word_language(text: str) -> str | None:
    """The language of a stop or list word when only one language uses it (BAJA: es)."""
    word = normalise(text)
    found = {
        language
        for table in (STOP_WORDS, MY_ALERTS_WORDS)
        for language, words in table.items()
        if word in words
    }
    return found.pop() if len(found) == 1 else None


def subscribe_payload(topic: str, city: str) -> str:
    """The payload of the offer's button."""
    return f"{SUBSCRIBE_PREFIX}{topic}:{city}"


def parse_subscribe(text: str) -> tuple[str, str] | None:
    """(topic, city) of a subscribe payload, else None."""
    if not text.startswith(SUBSCRIBE_PREFIX):
        return None
    topic, _, city = text[len(SUBSCRIBE_PREFIX) :].partition(":")
    return (topic, city) if topic else None


def parse_offer(command: str) -> tuple[str, str] | None:
    """(topic, city) of an `alert_offer:` command from the action server, else None."""
    if not command.startswith(OFFER_COMMAND):
        return None
    topic, _, city = command[len(OFFER_COMMAND) :].partition(":")
    return (topic, city) if topic else None


def _about(language: str, topic: str, city: str) -> str:
    title = topic_title(language, topic)
    if not city:
        return title
    # Translators: an alert's subject, a topic in a city ("Health care, Rabat").
    return gettext(language, "{topic}, {city}", topic=title, city=city_name(city, language))


def offer_text(language: str, topic: str, city: str) -> str:
    """The consent text: what will be sent, how often at most, how to stop."""
    return gettext(
        language,
        "Would you like a message if this information changes ({subject})? I will write only "
        "about this, at most {count} times a month, and never share your number. Write STOP "
        "at any time to stop.",
        subject=_about(language, topic, city),
        count=isolate(str(MAX_ALERTS_PER_MONTH), language),
    )


def offer_button(language: str) -> str:
    """The offer's button (20 characters at most on WhatsApp)."""
    # Translators: a button, 20 characters at most.
    return gettext(language, "Yes, alert me")


def subscribed_text(language: str, topic: str, city: str) -> str:
    """Said once the person opted in."""
    return gettext(
        language,
        "Done: I will tell you if the information about {subject} changes. Write MY ALERTS "
        "to see your alerts, or STOP to stop them all.",
        subject=_about(language, topic, city),
    )


def my_alerts_text(language: str, subjects: list[tuple[str, str]]) -> str:
    """The list of a person's alerts."""
    if not subjects:
        return gettext(
            language,
            "You have no alerts. After an answer, choose \u201cYes, alert me\u201d to be told "
            "when it changes.",
        )
    lines = [f"- {_about(language, t, c)}" for t, c in subjects]
    head = gettext(language, "Your alerts (write STOP to stop them all):")
    return "\n".join([head, *lines])


def stopped_text(language: str) -> str:
    """Said after STOP."""
    return gettext(
        language,
        "Your alerts are stopped: you will get no more of them. You can still ask me "
        "questions at any time.",
    )


def alert_text(
    language: str, *, topic: str, city: str, fact: str, source: str | None, changed_on: date
) -> str:
    """A change alert: what changed, its source and date, how to stop."""
    text = gettext(
        language,
        "Update on {subject}: {fact}",
        subject=_about(language, topic, city),
        fact=fact.strip(),
    )
    checked = format_date(changed_on, language)
    if source:
        text += "\n" + gettext(
            language,
            "Source: {source}, {date}.",
            source=isolate(source, language, direction="auto"),
            date=checked,
        )
    else:
        text += "\n" + gettext(language, "Changed on {date}.", date=checked)
    return text + "\n" + stop_hint(language)


def stop_hint(language: str) -> str:
    """The last line of every alert."""
    return gettext(language, "Write STOP to stop these alerts.")


def sms_text(language: str, *, topic: str, city: str, changed_on: date) -> str:
    """The SMS version: short, and without a link (links in SMS look like scams, and cost)."""
    return gettext(
        language,
        "Dalil: the information about {subject} changed on {date}. Write to this number to "
        "read it. STOP to stop.",
        subject=_about(language, topic, city),
        date=format_date(changed_on, language),
    )


def template_parameters(language: str, *, topic: str, city: str, changed_on: date) -> list[str]:
    """The body parameters of the approved alert template: {{1}} the subject, {{2}} the date."""
    return [_about(language, topic, city), format_date(changed_on, language)]
