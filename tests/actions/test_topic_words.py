"""A "where can I go" request names its topic in everyday words, in any of the four languages."""

import pytest

from actions.topics import topic_named_in


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("je cherche ou me soigner", "health_care"),
        ("فين نقدر نتعالج؟", "health_care"),
        ("where can I see a doctor?", "health_care"),
        ("donde puedo ir al medico?", "health_care"),
        ("فين نمشي نطلب اللجوء قريب مني", "asylum"),
        ("ou inscrire mon fils a l'école à Rabat", "school_access"),
        ("Where can I find work in Casa", "employment"),
        ("necesito un abogado en Tánger", "legal_aid"),
        ("la Santé", "health_care"),
    ],
)
def test_everyday_words_name_the_topic(text: str, topic: str) -> None:
    assert topic_named_in(text) == topic


@pytest.mark.parametrize(
    "text", ["where is the office", "I need a lawyer and a doctor", "فين كاين المكتب", ""]
)
def test_no_topic_or_two_topics_name_none(text: str) -> None:
    assert topic_named_in(text) is None
