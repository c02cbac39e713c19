"""Deterministic emergency safeguard: danger words make any message an `emergency`.

A learned classifier can miss "I need a school for my son, my husband beats me"; this component
runs after the classifiers and the fallback, so a danger keyword always wins (see
`danger_keywords.yml`). The intent the classifier chose stays in `intent_ranking`.
"""

from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from components.base import StatelessComponent
from components.danger import find_danger

EMERGENCY = "emergency"
DANGER = "dalil_danger"
# An exemption holds when the exempt intent is among the classifier's two best guesses.
PLAUSIBLE = 2


def plausible_intents(message: Message, top: int = PLAUSIBLE) -> list[str]:
    """The classifier's `top` choices, the fallback's ask-back left out."""
    ranking = [
        str(r.get("name"))
        for r in message.get(INTENT_RANKING_KEY) or []
        if r.get("name") != DEFAULT_NLU_FALLBACK_INTENT_NAME
    ]
    predicted = (message.get(INTENT) or {}).get("name")
    if predicted and predicted != DEFAULT_NLU_FALLBACK_INTENT_NAME and predicted not in ranking:
        ranking.insert(0, str(predicted))
    return ranking[:top]


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class EmergencyOverride(StatelessComponent):
    """Set the intent to `emergency` when the text contains a danger keyword."""

    def process(self, messages: list[Message]) -> list[Message]:
        """Override the intent of messages that mention a danger."""
        for message in messages:
            text = message.get(TEXT)
            if not isinstance(text, str) or text.lstrip().startswith("/"):
                continue
            predicted = (message.get(INTENT) or {}).get("name")
            if predicted == EMERGENCY:
                continue
            match = find_danger(text, intent=plausible_intents(message))
            if match is None:
                continue
            emergency = {"name": EMERGENCY, "confidence": 1.0}
            ranking = [
                r for r in message.get(INTENT_RANKING_KEY) or [] if r.get("name") != EMERGENCY
            ]
            message.set(INTENT, emergency, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [emergency, *ranking], add_to_output=True)
            message.set(
                DANGER, {"category": match.category, "keyword": match.keyword}, add_to_output=True
            )
        return messages
