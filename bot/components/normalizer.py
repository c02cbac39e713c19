"""Rasa graph components that normalise the text first and restore it after classification.

`TextNormalizer` runs before the tokenizer, both on the training data and on every message, so
training and inference see the same text. `RestoreOriginalText` runs last and puts the user's
own text back, with entity and token offsets moved onto it, so `/model/parse`, `rasa test` and
the tracker all report offsets that are valid in what the user typed.
"""

from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import ENTITIES, ENTITY_ATTRIBUTE_END, ENTITY_ATTRIBUTE_START, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from components.base import MessageRewriter, StatelessComponent
from components.textnorm import Normalized, normalize, normalize_with_offsets

ORIGINAL_TEXT = "dalil_original_text"
OFFSETS = "dalil_normalized_offsets"
TOKENS = "text_tokens"


def _is_payload(text: str) -> bool:
    """Button payloads (`/intent{...}`) are parsed verbatim by Rasa; never touch them."""
    return text.lstrip().startswith("/")


def normalize_message(message: Message, *, remember: bool) -> None:
    """Normalise a message's text in place, moving annotated entities with it.

    With ``remember`` the original text and offsets are kept for `RestoreOriginalText`.
    """
    text = message.get(TEXT)
    if not isinstance(text, str) or not text or _is_payload(text):
        return
    normalized = normalize_with_offsets(text)
    if normalized.text == text:
        return
    message.set(TEXT, normalized.text)
    if remember:
        message.set(ORIGINAL_TEXT, text)
        message.set(OFFSETS, normalized)
    for entity in message.get(ENTITIES) or []:
        start, end = normalized.to_normalized(
            entity[ENTITY_ATTRIBUTE_START], entity[ENTITY_ATTRIBUTE_END]
        )
        entity[ENTITY_ATTRIBUTE_START], entity[ENTITY_ATTRIBUTE_END] = start, end


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class TextNormalizer(MessageRewriter):
    """Arabic letter/diacritic/digit normalisation and Latin lowercase + accent folding."""

    def rewrite(self, message: Message, *, remember: bool) -> None:
        """Normalise one message (see `normalize_message`)."""
        normalize_message(message, remember=remember)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Normalise every example, synonym and lookup entry the later components learn from."""
        super().process_training_data(training_data)
        training_data.entity_synonyms = {
            normalize(key): value for key, value in training_data.entity_synonyms.items()
        }
        for table in training_data.lookup_tables:
            elements = table.get("elements")
            if isinstance(elements, list):
                table["elements"] = sorted({normalize(str(e)) for e in elements})
        return training_data


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class RestoreOriginalText(StatelessComponent):
    """Put the user's own text back and move entity and token offsets onto it."""

    def process(self, messages: list[Message]) -> list[Message]:
        """Restore each message that the normaliser changed."""
        for message in messages:
            original = message.get(ORIGINAL_TEXT)
            offsets = message.get(OFFSETS)
            if not isinstance(original, str) or not isinstance(offsets, Normalized):
                continue
            for entity in message.get(ENTITIES) or []:
                start, end = offsets.to_original(
                    entity[ENTITY_ATTRIBUTE_START], entity[ENTITY_ATTRIBUTE_END]
                )
                entity[ENTITY_ATTRIBUTE_START], entity[ENTITY_ATTRIBUTE_END] = start, end
            for token in message.get(TOKENS) or []:
                token.start, token.end = offsets.to_original(token.start, token.end)
            message.set(TEXT, original)
            # Internal bookkeeping must not reach the tracker (it is not JSON-serialisable).
            message.data.pop(ORIGINAL_TEXT, None)
            message.data.pop(OFFSETS, None)
        return messages
