"""A second intent classifier on word and character n-grams, blended with DIET's ranking.

Runs right after `DIETClassifier`: it learns a logistic regression on TF-IDF character n-grams
(inside word boundaries: typos, missing accents, Arabic clitics) and word uni/bigrams of the
normalised text, then replaces DIET's intent and ranking by the weighted average of the two
(`components.blend`). Both opinions stay in the output as `dalil_intent_scores` so the weight
can be tuned offline. The model is stored as JSON and NumPy arrays, never as a pickle.
"""

from __future__ import annotations

import json
import logging
import warnings
from typing import Any

import numpy as np
import scipy.sparse
from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from components.base import Component
from components.blend import blend_rankings

log = logging.getLogger(__name__)

SCORES = "dalil_intent_scores"
_CHAR = {"analyzer": "char_wb", "sublinear_tf": True}
_WORD = {"analyzer": "word", "sublinear_tf": True, "token_pattern": r"(?u)\b\w+\b"}


def _vectorizer(kind: dict[str, Any], ngrams: list[int], vocabulary: Any = None) -> TfidfVectorizer:
    return TfidfVectorizer(ngram_range=(ngrams[0], ngrams[1]), vocabulary=vocabulary, **kind)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class NgramIntentBlender(IntentClassifier, Component):
    """Logistic regression on n-grams; its probabilities are blended with the preceding ranking."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """`weight` is DIET's share of the blend; `C` the regression's inverse regularisation."""
        return {
            "weight": 0.3,
            "C": 10.0,
            "char_ngrams": [1, 4],
            "word_ngrams": [1, 2],
            "ranking_length": 10,
            # 100 iterations: the held-out accuracy of the blend is the same as at convergence
            # (~160), in 45 s instead of 61 s of training.
            "max_iter": 100,
        }

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        vectorizers: tuple[TfidfVectorizer, TfidfVectorizer] | None = None,
        coef: np.ndarray | None = None,
        intercept: np.ndarray | None = None,
        classes: list[str] | None = None,
    ) -> None:
        """Hold the config and, once trained or loaded, the vectorizers and the weights."""
        self.config = {**self.get_default_config(), **config}
        self._storage = model_storage
        self._resource = resource
        self._vectorizers = vectorizers
        self._coef = coef
        self._intercept = intercept
        self._classes = classes or []

    @classmethod
    def new(
        cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource
    ) -> NgramIntentBlender:
        """An untrained component."""
        return cls(config, model_storage, resource)

    def _features(self, texts: list[str]) -> scipy.sparse.csr_matrix:
        assert self._vectorizers is not None
        return scipy.sparse.hstack([v.transform(texts) for v in self._vectorizers]).tocsr()

    def train(self, training_data: TrainingData) -> Resource:
        """Fit the vectorizers and the regression on the (normalised) intent examples."""
        examples = [e for e in training_data.intent_examples if e.get(INTENT) and e.get(TEXT)]
        if len({e.get(INTENT) for e in examples}) < 2:
            log.debug("fewer than two intents: the n-gram blender stays untrained")
            return self._resource
        texts = [str(e.get(TEXT)) for e in examples]
        self._vectorizers = (
            _vectorizer(_CHAR, self.config["char_ngrams"]).fit(texts),
            _vectorizer(_WORD, self.config["word_ngrams"]).fit(texts),
        )
        model = LogisticRegression(C=self.config["C"], max_iter=self.config["max_iter"])
        with warnings.catch_warnings():
            # Stopping at max_iter is the measured choice (see get_default_config), not a fault.
            warnings.simplefilter("ignore", ConvergenceWarning)
            model.fit(self._features(texts), [str(e.get(INTENT)) for e in examples])
        self._coef, self._intercept = model.coef_, model.intercept_
        self._classes = [str(c) for c in model.classes_]
        self._persist()
        return self._resource

    def _persist(self) -> None:
        assert self._vectorizers is not None and self._coef is not None
        char, word = self._vectorizers
        with self._storage.write_to(self._resource) as directory:
            (directory / "ngram.json").write_text(
                json.dumps(
                    {
                        "classes": self._classes,
                        "char_vocabulary": {k: int(v) for k, v in char.vocabulary_.items()},
                        "word_vocabulary": {k: int(v) for k, v in word.vocabulary_.items()},
                    },
                    ensure_ascii=False,
                ),
                encoding="utf-8",
            )
            np.savez(
                directory / "ngram.npz",
                char_idf=char.idf_,
                word_idf=word.idf_,
                coef=self._coef,
                intercept=self._intercept,
            )

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> NgramIntentBlender:
        """The trained component, or an untrained one (which leaves rankings alone)."""
        merged = {**cls.get_default_config(), **config}
        try:
            with model_storage.read_from(resource) as directory:
                meta = json.loads((directory / "ngram.json").read_text(encoding="utf-8"))
                with np.load(directory / "ngram.npz") as arrays:
                    char = _vectorizer(_CHAR, merged["char_ngrams"], meta["char_vocabulary"])
                    word = _vectorizer(_WORD, merged["word_ngrams"], meta["word_vocabulary"])
                    char.idf_, word.idf_ = arrays["char_idf"], arrays["word_idf"]
                    coef, intercept = arrays["coef"], arrays["intercept"]
        except (ValueError, FileNotFoundError):
            log.debug("no trained n-gram blender in the model: rankings stay as they are")
            return cls(config, model_storage, resource)
        return cls(config, model_storage, resource, (char, word), coef, intercept, meta["classes"])

    def _probabilities(self, texts: list[str]) -> np.ndarray:
        assert self._coef is not None and self._intercept is not None
        logits = self._features(texts) @ self._coef.T + self._intercept
        if len(self._classes) == 2:  # sklearn keeps one column (the second class's) when binary
            logits = np.hstack([np.zeros_like(logits), logits])
        logits = logits - logits.max(axis=1, keepdims=True)
        exp = np.exp(logits)
        return np.asarray(exp / exp.sum(axis=1, keepdims=True))

    def process(self, messages: list[Message]) -> list[Message]:
        """Blend this model's probabilities into each message's intent ranking."""
        if self._vectorizers is None:
            return messages
        todo = [
            m
            for m in messages
            if isinstance(m.get(TEXT), str) and m.get(TEXT) and not m.get(TEXT).startswith("/")
        ]
        if not todo:
            return messages
        probabilities = self._probabilities([m.get(TEXT) for m in todo])
        for message, row in zip(todo, probabilities, strict=True):
            linear = {name: float(p) for name, p in zip(self._classes, row, strict=True)}
            learned = message.get(INTENT_RANKING_KEY) or []
            ranking = blend_rankings(
                learned, linear, weight=self.config["weight"], length=self.config["ranking_length"]
            )
            message.set(INTENT, ranking[0], add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
            message.set(
                SCORES,
                {
                    "learned": {str(r["name"]): round(float(r["confidence"]), 4) for r in learned},
                    "linear": {k: round(v, 4) for k, v in linear.items() if v >= 0.001},
                },
                add_to_output=True,
            )
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Nothing to add to the training data."""
        return training_data
