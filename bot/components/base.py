"""What Dalil's stateless graph components share: creation, and rewriting each message's text
the same way on the training data and at inference."""

from __future__ import annotations

from abc import abstractmethod
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData


class Component(GraphComponent):
    """A Dalil graph component: Rasa's `create` builds a new one with `new`."""

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> GraphComponent:
        """A new (untrained) component, from `new`."""
        return cls.new(config, model_storage, resource)

    @classmethod
    @abstractmethod
    def new(
        cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource
    ) -> GraphComponent:
        """A new component from its configuration and the storage it may persist to."""


class StatelessComponent(Component):
    """A component with no configuration and nothing trained: nothing to persist or load."""

    @classmethod
    def new(
        cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource
    ) -> GraphComponent:
        """Create the component (it has no state)."""
        return cls()


class MessageRewriter(StatelessComponent):
    """Rewrites each message's text in place, training examples and incoming messages alike, so
    the classifiers learn from the text they will see."""

    @abstractmethod
    def rewrite(self, message: Message, *, remember: bool) -> None:
        """Rewrite `message`; with `remember`, keep what `RestoreOriginalText` needs."""

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Rewrite every training example as messages will be."""
        for example in training_data.training_examples:
            self.rewrite(example, remember=False)
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        """Rewrite each incoming message."""
        for message in messages:
            self.rewrite(message, remember=True)
        return messages
