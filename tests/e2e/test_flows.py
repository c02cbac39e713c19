"""Every topic, the service-point flow, the eligibility flow and emergencies, in four languages."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from knowledge import repository

pytestmark = pytest.mark.e2e

# Questions written for this test, as users would ask them; not copied from the training data.
TOPIC_QUESTIONS: dict[str, dict[str, str]] = {
    "school_access": {
        "fr": "mon fils a 9 ans, il peut aller a l'ecole publique ici ?",
        "ar": "واش ولدي يقدر يقرا فالمدرسة العمومية؟",
        "en": "can my kids go to a public school in morocco",
        "es": "mi hija puede estudiar en una escuela publica aqui?",
    },
    "health_care": {
        "fr": "je suis malade est ce que je peux me soigner gratuitement au centre de sante ?",
        "ar": "انا مريض واش نقدر نتعالج فالمستشفى بلا فلوس؟",
        "en": "I'm sick, can I see a doctor for free at the health centre?",
        "es": "estoy enfermo, puedo ir al medico gratis en el centro de salud?",
    },
    "housing": {
        "fr": "est ce que les migrants ont droit au logement social ?",
        "ar": "واش المهاجرين عندهم الحق فالسكن الاجتماعي؟",
        "en": "can migrants get social housing in Morocco?",
        "es": "los migrantes pueden acceder a vivienda social?",
    },
    "employment": {
        "fr": "comment avoir un contrat de travail legal au maroc ?",
        "ar": "كيفاش نخدم بعقد عمل قانوني فالمغرب؟",
        "en": "how can I work legally here, what about the work contract?",
        "es": "como puedo trabajar legalmente con contrato en marruecos?",
    },
    "vocational_training": {
        "fr": "je veux faire une formation professionnelle pour apprendre un metier",
        "ar": "بغيت ندير تكوين مهني باش نتعلم حرفة",
        "en": "I want to do vocational training to learn a trade",
        "es": "quiero hacer una formacion profesional para aprender un oficio",
    },
    "legal_aid": {
        "fr": "j'ai besoin d'un avocat gratuit, c'est possible ?",
        "ar": "محتاج محامي بالمجان، واش ممكن؟",
        "en": "i need a free lawyer, is there legal aid?",
        "es": "necesito un abogado gratis, hay ayuda legal?",
    },
    "asylum": {
        "fr": "comment demander l'asile au maroc ?",
        "ar": "كيفاش نطلب اللجوء فالمغرب؟",
        "en": "how do I apply for asylum in Morocco?",
        "es": "como pido asilo en marruecos?",
    },
    "residence_permit": {
        "fr": "comment obtenir une carte de sejour ?",
        "ar": "كيفاش نجيب بطاقة الإقامة؟",
        "en": "how do I get a residence permit?",
        "es": "como consigo el permiso de residencia?",
    },
    "voluntary_return": {
        "fr": "je veux rentrer dans mon pays, l'OIM peut m'aider ?",
        "ar": "بغيت نرجع لبلادي، واش المنظمة الدولية للهجرة تعاوني؟",
        "en": "I want to go back to my country, can IOM help me return?",
        "es": "quiero volver a mi pais, la OIM me puede ayudar con el retorno?",
    },
    "trafficking_help": {
        "fr": "quelle aide existe pour les victimes de traite ?",
        "ar": "شنو المساعدة اللي كاينة لضحايا الاتجار بالبشر؟",
        "en": "what help is there for victims of human trafficking?",
        "es": "que ayuda hay para las victimas de trata?",
    },
    "social_assistance": {
        "fr": "je n'ai plus d'argent pour manger, il y a une aide sociale ?",
        "ar": "ماعنديش فلوس باش ناكل، كاينة شي مساعدة اجتماعية؟",
        "en": "I have no money for food, is there social assistance?",
        "es": "no tengo dinero para comer, hay ayuda social?",
    },
    "birth_registration": {
        "fr": "mon bebe est ne au maroc, comment declarer la naissance ?",
        "ar": "ولدت بنتي فالمغرب، كيفاش نسجل الولادة؟",
        "en": "my baby was born in Morocco, how do I register the birth?",
        "es": "mi bebe nacio en marruecos, como registro el nacimiento?",
    },
}
LANGUAGES = ("fr", "ar", "en", "es")


def _start(text: str) -> str:
    """The beginning of a text, enough to recognise it in an answer."""
    return " ".join(text.split())[:40]


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("topic", sorted(TOPIC_QUESTIONS))
def test_every_topic_is_answered_from_the_knowledge_base(
    conversation, kb: Session, topic: str, language: str
) -> None:
    answer = repository.get_topic_answer(kb, topic_id=topic, language=language)
    assert answer is not None
    chat = conversation(f"topic-{topic}", None)
    text = chat.say(TOPIC_QUESTIONS[topic][language])
    assert chat.last["language"] == language
    assert _start(answer.short_answer) in _flat(text), text
    payloads = [b["payload"] for b in chat.buttons]
    assert any(p.startswith("/find_service_point") for p in payloads), payloads


SERVICE_POINT = {
    "fr": ("je cherche ou me soigner", "Tanger"),
    "ar": ("فين نقدر نتعالج؟", "طنجة"),
    "en": ("where can I see a doctor?", "Tangier"),
    "es": ("donde puedo ir al medico?", "Tánger"),
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_service_point_flow_asks_the_city_then_lists_real_points(
    conversation, kb: Session, language: str
) -> None:
    question, city = SERVICE_POINT[language]
    chat = conversation("points", language)
    chat.say(question)
    text = chat.say(city)
    points = repository.find_service_points(kb, city_id="tanger", topic_id="health_care", limit=3)
    assert points
    assert any(p.name in text for p in points), text
    shown = [p for p in points if p.name in text]
    for point in shown:
        for phone in point.phones[:1]:
            assert phone.number[-6:] in text.replace(" ", ""), text


@pytest.mark.parametrize("language", LANGUAGES)
def test_service_points_near_a_shared_location(conversation, kb: Session, language: str) -> None:
    chat = conversation("near", language)
    oujda = {"lat": 34.6814, "lon": -1.9086}
    text = chat.say(
        {
            "fr": "où aller pour demander l'asile près de moi",
            "ar": "فين نمشي نطلب اللجوء قريب مني",
            "en": "where can I ask for asylum near me",
            "es": "donde pido asilo cerca de mi",
        }[language],
        location=oujda,
    )
    if not any(ch.isdigit() for ch in text):
        text = chat.say("📍", location=oujda)
    nearest = repository.nearest_service_points(
        kb, lat=oujda["lat"], lon=oujda["lon"], topic_id="asylum", limit=3
    )
    assert any(p.name in text for p, _ in nearest), text


ELIGIBILITY = {
    "fr": ("à quoi j'ai droit ?", "je suis réfugié", "la santé"),
    "ar": ("شنو هي الحقوق ديالي؟", "أنا لاجئ", "الصحة"),
    "en": ("what am I entitled to?", "I am a refugee", "health care"),
    "es": ("a que tengo derecho?", "soy refugiado", "salud"),
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_eligibility_flow_explains_what_applies(conversation, kb: Session, language: str) -> None:
    question, status, need = ELIGIBILITY[language]
    chat = conversation("eligibility", language)
    chat.say(question)
    chat.say(status)
    text = chat.say(need)
    (rule,) = repository.get_eligibility(
        kb, status="refugee", topic_id="health_care", language=language
    )
    assert _start(rule.conditions) in _flat(text), text


EMERGENCIES = {
    "fr": "mon mari me frappe, j'ai peur pour ma vie",
    "ar": "راجلي كيضربني وخايفة على حياتي",
    "en": "my husband is beating me, I'm scared for my life",
    "es": "mi marido me pega, tengo miedo por mi vida",
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_emergency_interrupts_a_form_with_the_numbers(conversation, language: str) -> None:
    chat = conversation("emergency", language)
    chat.say(SERVICE_POINT[language][0])  # the form now waits for a city
    text = chat.say(EMERGENCIES[language])
    assert "19" in text and "8350" in text, text
