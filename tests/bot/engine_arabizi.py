"""Run in the engine venv by test_arabizi.py: the Arabizi step inside Rasa's own message types.

`bot/` (the custom components) comes through PYTHONPATH: tests/engine.py runs this script.

Prints one JSON line: what the classifiers see, what comes back to the tracker, and where an
entity found on the transliterated text lands in the user's own text.
"""

from __future__ import annotations

import json
import os

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")


def main() -> None:
    """Push messages through the three components the way the pipeline does."""
    from components.normalizer import RestoreOriginalText, TextNormalizer
    from components.transliterator import ARABIZI, ArabiziTransliterator
    from rasa.shared.nlu.training_data.message import Message
    from rasa.shared.nlu.training_data.training_data import TrainingData

    normalizer = TextNormalizer()
    transliterator = ArabiziTransliterator()
    restore = RestoreOriginalText()

    message = Message(data={"text": "Bghit tbib f Rbat"})
    normalizer.process([message])
    transliterator.process([message])
    classifier_text = message.get("text")
    start = classifier_text.index("الرباط")
    message.set(
        "entities",
        [{"entity": "city", "value": "rabat", "start": start, "end": start + len("الرباط")}],
    )
    restore.process([message])
    entity = message.get("entities")[0]

    french = Message(data={"text": "Je veux un médecin à Rabat"})
    normalizer.process([french])
    transliterator.process([french])

    training = TrainingData([Message(data={"text": "3ndi mochkil m3a lkarta", "intent": "x"})])
    transliterator.process_training_data(normalizer.process_training_data(training))

    print(
        json.dumps(
            {
                "classifier_text": classifier_text,
                "restored_text": message.get("text"),
                "entity_text": message.get("text")[entity["start"] : entity["end"]],
                "arabizi": message.get(ARABIZI),
                "french_untouched": french.get("text"),
                "training_text": training.training_examples[0].get("text"),
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
