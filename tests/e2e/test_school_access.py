"""The walking skeleton: the school question travels the whole path in four languages."""

from __future__ import annotations

import re

import httpx
import pytest

from bench.devstack import Stack

pytestmark = pytest.mark.e2e

QUESTIONS = {
    "fr": "Est-ce que mon fils peut aller à l'école publique au Maroc ?",
    "ar": "واش ولدي يقدر يتسجل فالمدرسة العمومية؟",
    "en": "Can my daughter go to school here in Morocco?",
    "es": "¿Mis hijos pueden ir a la escuela en Marruecos?",
}
# Words the school answer must contain in each language, beside the circular's number.
EXPECTED = {
    "fr": ("école", "13-487"),
    "ar": ("مدرس", "13-487"),
    "en": ("school", "13-487"),
    "es": ("escuela", "13-487"),
}
ARABIC = re.compile(r"[\u0600-\u06FF]")


@pytest.mark.parametrize("language", ["fr", "ar", "en", "es"])
def test_school_question_is_answered_from_the_knowledge_base_in_its_language(
    stack: Stack, language: str
) -> None:
    response = httpx.post(
        f"{stack.gateway_url}/api/v1/chat",
        json={"sender": f"e2e-school-{language}", "text": QUESTIONS[language]},
        timeout=60,
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["language"] == language
    text = "\n".join(m["text"] for m in body["messages"]).lower()
    word, circular = EXPECTED[language]
    assert word in text, text
    assert circular in text, text
    if language == "ar":
        assert ARABIC.search(text)
    else:
        assert not ARABIC.search(text), text
    buttons = [b for m in body["messages"] for b in (m.get("buttons") or [])]
    assert any(b["payload"].startswith("/find_service_point") for b in buttons), buttons


def test_readyz_is_ready_when_every_part_runs(stack: Stack) -> None:
    response = httpx.get(f"{stack.gateway_url}/readyz", timeout=10)
    assert response.status_code == 200
    assert response.json()["failing"] == []
