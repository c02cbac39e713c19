"""Danger keywords turn any message into an emergency, in the four languages."""

from __future__ import annotations

import pytest
from components.danger import find_danger, load_categories


@pytest.mark.parametrize(
    ("text", "category"),
    [
        # Sentences of other intents with a danger inside.
        ("Je veux inscrire mon fils à l'école mais mon mari me bat", "violence"),
        ("ma fille a été violée, où trouver un médecin à Rabat ?", "violence"),
        ("I need a job, my boss beats me every day", "violence"),
        ("where is the hospital in Oujda, my friend is bleeding", "medical"),
        ("necesito un abogado, me quieren matar", "violence"),
        ("busco vivienda, mi hijo está inconsciente", "medical"),
        ("بغيت نسجل ولدي فالمدرسة ولكن راجلي كيضربني", "violence"),
        ("فين السبيطار، صاحبي كينزف", "medical"),
        ("أريد سكن، تعرضت للاغتصاب", "violence"),
        ("خطفوني ومابغاوش يطلقوني", "captivity"),
        ("ils m'ont enfermée et pris mon passeport", "captivity"),
        ("they took my passport and locked me in", "captivity"),
        ("mon enfant est en danger", "child_in_danger"),
        ("طفل في خطر ف طنجة", "child_in_danger"),
        ("mi niño en peligro", "child_in_danger"),
        ("je veux me suicider", "suicide"),
        ("I want to kill myself", "suicide"),
        ("بغيت نقتل راسي", "suicide"),
        ("they forced me into forced labour", "trafficking"),
        ("victime de traite des êtres humains, je suis enfermée", "trafficking"),
        # Written without accents, in capitals, with Arabic diacritics.
        ("MA FEMME A ETE AGRESSEE", "violence"),
        ("عُنْف ضد النساء", "violence"),
    ],
)
def test_danger_found(text: str, category: str) -> None:
    """The danger is found whatever the sentence asks for."""
    match = find_danger(text)
    assert match is not None
    assert match.category == category


@pytest.mark.parametrize(
    "text",
    [
        "je cherche un travail à Casablanca",
        # Spanish illness words share a prefix with the French "enfermé" (locked up).
        "tengo una enfermedad cronica y necesito tratamiento",
        "la enfermera del centro de salud no me atiende",
        "I play the violin at school",
        "la violation de mes droits au travail",  # a rights question, not a danger
        "necesito un análisis de sangre",
        "how do I register my baby's birth",
        "الضرائب على العمال",
        "شنو هي الحقوق ديالي",
        "une formation professionnelle en couture",
        "I want to go back home",
        "mon bébé est né au Maroc",
    ],
)
def test_no_danger(text: str) -> None:
    """Everyday questions are not forced into an emergency."""
    assert find_danger(text) is None


def test_trafficking_help_questions_keep_their_intent() -> None:
    """Asking how trafficking victims get help is answered as that topic, not overridden."""
    text = "quelle aide pour les victimes de la traite des êtres humains ?"
    assert find_danger(text) is not None
    assert find_danger(text, intent="ask_trafficking_help") is None
    # ...but violence in the same question still wins.
    assert find_danger(text + " mon patron me frappe", intent="ask_trafficking_help") is not None


def test_every_category_has_every_language() -> None:
    """No language is left without a safeguard."""
    import yaml
    from components.danger import KEYWORDS_FILE

    data = yaml.safe_load(KEYWORDS_FILE.read_text(encoding="utf-8"))
    for name, spec in data["categories"].items():
        for language in ("fr", "ar", "en", "es"):
            assert spec.get(language), f"{name} has no {language} keywords"
    assert len(load_categories()) == len(data["categories"])


def test_an_exempt_intent_among_the_plausible_ones_is_enough() -> None:
    text = "what help is there for victims of trafficking"
    assert find_danger(text, intent=["ask_legal_aid", "ask_trafficking_help"]) is None
    assert find_danger(text, intent=["ask_legal_aid", "ask_asylum"]) is not None
    assert find_danger("my boss beats me", intent=["ask_trafficking_help"]) is not None
