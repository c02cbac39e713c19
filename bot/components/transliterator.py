"""Rasa graph component: Darija in Latin letters (Arabizi) rewritten in Arabic script.

Runs right after `TextNormalizer`, on training data and on every message, so "3ndi mochkil m3a
lkarta" reaches the tokenizer as "عندي مشكل مع الكارطه" and is understood with what the Arabic
examples taught (the rules are in `components.arabizi`). The user's own text still comes back at
the end: the character map of this step is composed with the normaliser's, and
`RestoreOriginalText` moves entity and token offsets onto what the user typed.
"""

from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import ENTITIES, ENTITY_ATTRIBUTE_END, ENTITY_ATTRIBUTE_START, TEXT
from rasa.shared.nlu.training_data.message import Message

from components.arabizi import Transliterated, transliterate
from components.base import MessageRewriter
from components.normalizer import OFFSETS, ORIGINAL_TEXT, _is_payload
from components.textnorm import Normalized

# Set on a message that was Arabizi, for whoever reads the parse data (not a user-visible text).
ARABIZI = "dalil_arabizi"


def compose(earlier: Normalized | None, step: Transliterated) -> Normalized:
    """One character map from the user's text to the transliterated text.

    ``earlier`` maps the normalised text onto the user's text (None when normalising changed
    nothing); ``step`` maps the transliterated text onto the normalised text.
    """
    if earlier is None:
        return Normalized(step.text, step.source)
    return Normalized(step.text, tuple(earlier.source[index] for index in step.source))


def transliterate_message(message: Message, *, remember: bool) -> None:
    """Rewrite an Arabizi message in Arabic script in place, moving annotated entities with it."""
    text = message.get(TEXT)
    if not isinstance(text, str) or not text or _is_payload(text):
        return
    step = transliterate(text)
    if step is None or step.text == text:
        return
    step_map = Normalized(step.text, step.source)
    for entity in message.get(ENTITIES) or []:
        entity[ENTITY_ATTRIBUTE_START], entity[ENTITY_ATTRIBUTE_END] = step_map.to_normalized(
            entity[ENTITY_ATTRIBUTE_START], entity[ENTITY_ATTRIBUTE_END]
        )
    message.set(TEXT, step.text)
    if remember:
        earlier = message.get(OFFSETS)
        if not isinstance(message.get(ORIGINAL_TEXT), str):
            message.set(ORIGINAL_TEXT, text)
            earlier = None
        message.set(OFFSETS, compose(earlier if isinstance(earlier, Normalized) else None, step))
        message.set(ARABIZI, True, add_to_output=True)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class ArabiziTransliterator(MessageRewriter):
    """Darija in Latin letters and digits, written in Arabic script for the classifiers."""

    def rewrite(self, message: Message, *, remember: bool) -> None:
        """Transliterate one Arabizi message (see `transliterate_message`)."""
        transliterate_message(message, remember=remember)
