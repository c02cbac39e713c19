"""The question that was asked, through /api/v1/chat with the trained model, in four languages:
a topic with a city, a follow-up naming only a city or a status, asylum from outside Rabat."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from dalil.i18n import gettext
from knowledge import repository

pytestmark = pytest.mark.e2e
OUJDA = {"lat": 34.6814, "lon": -1.9086}

# Written for this test, as people ask; not taken from the training data.
WITH_CITY = {
    "en": ("where can I see a doctor in Oujda?", "health_care", "oujda"),
    "ar": ("أين أجد طبيبا في وجدة؟", "health_care", "oujda"),
    "fr": ("où est-ce que je peux voir un médecin à Oujda ?", "health_care", "oujda"),
    "es": ("¿y hay ayuda legal gratuita en Tánger?", "legal_aid", "tanger"),
}
CITY_FOLLOW_UP = {
    "en": ("and in Tanger?", "tanger"),
    "ar": ("وفي طنجة؟", "tanger"),
    "fr": ("et à Tanger ?", "tanger"),
    "es": ("¿y en Oujda?", "oujda"),
}
STATUS_FOLLOW_UP = {"en": "I am a refugee", "ar": "أنا لاجئ", "fr": "je suis réfugié",
                    "es": "soy refugiado"}  # fmt: skip
ASYLUM_FROM_OUJDA = {
    "en": "Do I have to go to Rabat to ask for asylum? I am in Oujda",
    "ar": "هل يجب أن أذهب إلى الرباط لطلب اللجوء؟ أنا في وجدة",
    "fr": "est-ce que je dois aller à Rabat pour demander l'asile ? je suis à Oujda",
    "es": "¿tengo que ir a Rabat para pedir asilo? estoy en Oujda",
}
TRAVEL = (
    "You do not have to travel to Rabat first to ask for asylum: you can ask UNHCR to "
    "register you by phone or WhatsApp (the numbers above). Travelling without papers can "
    "expose you to arrest on the way. The places below can help you where you are."
)
LANGUAGES = ("en", "ar", "fr", "es")


def _flat(text: str) -> str:
    return " ".join(text.split())


def _short(kb: Session, topic: str, language: str) -> str:
    answer = repository.get_topic_answer(kb, topic_id=topic, language=language)
    assert answer is not None
    return _flat(answer.short_answer)[:50]


def _places(kb: Session, topic: str, city: str) -> list[str]:
    return [p.name for p in repository.find_service_points(kb, city_id=city, topic_id=topic,
                                                           limit=50)]  # fmt: skip


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_topic_question_with_a_city_then_a_city_then_a_status(
    conversation, kb: Session, language: str
) -> None:
    chat = conversation("answers", language)
    question, topic, city = WITH_CITY[language]
    text = chat.say(question)
    assert _short(kb, topic, language) in _flat(text), text
    assert any(name in text for name in _places(kb, topic, city)), text

    follow_up, other = CITY_FOLLOW_UP[language]
    text = chat.say(follow_up)
    assert any(name in text for name in _places(kb, topic, other)), text
    assert not any(name in text for name in _places(kb, topic, city)), text

    text = chat.say(STATUS_FOLLOW_UP[language])
    (rule,) = repository.get_eligibility(kb, status="refugee", topic_id=topic, language=language)
    assert _flat(rule.conditions)[:40] in _flat(text), text


@pytest.mark.parametrize("language", LANGUAGES)
def test_asylum_from_oujda_gets_the_remote_lines_and_the_local_partner(
    conversation, kb: Session, language: str
) -> None:
    chat = conversation("asylum-oujda", language)
    text = chat.say(ASYLUM_FROM_OUJDA[language])
    flat = _flat(text)
    assert "54 54 00" in flat and "56 06" in flat, text  # UNHCR's registration line, WhatsApp
    assert _flat(gettext(language, TRAVEL)) in flat, text
    assert "OMDH – Oujda" in text, text
    assert flat.index("54 54 00") < flat.index("OMDH – Oujda")


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_topic_question_with_a_shared_location_gets_the_nearest_places(
    conversation, kb: Session, language: str
) -> None:
    chat = conversation("answers-near", language)
    question = {
        "en": "I'm sick, can I see a doctor for free?",
        "ar": "انا مريض واش نقدر نشوف طبيب بلا فلوس؟",
        "fr": "je suis malade, est-ce que je peux voir un médecin gratuitement ?",
        "es": "estoy enfermo, ¿puedo ver a un médico gratis?",
    }[language]
    text = chat.say(question, location=OUJDA)
    nearest = repository.nearest_service_points(
        kb, lat=OUJDA["lat"], lon=OUJDA["lon"], topic_id="health_care", limit=3
    )
    assert _short(kb, "health_care", language) in _flat(text), text
    assert any(point.name in text for point, _distance in nearest), text
