"""The queue of questions the bot could not answer, for editors to improve the content and NLU."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import yaml
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dalil.languages import coerce_language
from gateway.admin.models import AdminUser, UnansweredQuestion, utcnow
from gateway.admin.scrub import scrub
from knowledge.schema import TOPICS

# Why a question lands here; CLARIFY: the bot asked "did you mean…?" (actions/clarify.py).
FALLBACK, OUT_OF_SCOPE, LOW_CONFIDENCE = "fallback", "out_of_scope", "low_confidence"
CLARIFY = "clarify"
# A topic chosen this long after "did you mean…?" is no longer taken as the answer to it.
CHOICE_WINDOW = timedelta(minutes=30)
# The payload of a topic button (replies/payloads.py: topic_button), e.g. "/ask_housing".
_TOPIC_PAYLOAD = re.compile(r"^/(ask_[a-z_]+)$")
# Rasa's FallbackClassifier threshold in bot/config.yml; below it a prediction is a guess.
LOW_CONFIDENCE_THRESHOLD = 0.4
# Templates the NLG endpoint renders when the bot did not understand.
# The responses that say the question was not understood (their /nlg note names them).
UNANSWERED_TEMPLATES = {"utter_out_of_scope": OUT_OF_SCOPE, "utter_default": FALLBACK}


def record_unanswered(
    session: Session,
    *,
    text: str,
    language: str,
    reason: str = FALLBACK,
    intent: str | None = None,
    confidence: float | None = None,
    channel: str = "",
    topic: str | None = None,
    sender: str | None = None,
    offered: list[str] | None = None,
) -> UnansweredQuestion | None:
    """Store a question the bot could not answer, personal data removed; None if nothing is left.

    Button payloads ("/ask_…") are not questions and are skipped. `offered`: the intents a
    clarification offered, among which the user's next choice is recorded (`record_choice`).
    """
    cleaned = scrub(text.strip())[:1000]
    if not cleaned or cleaned.startswith("/"):
        return None
    row = UnansweredQuestion(
        text=cleaned,
        language=coerce_language(language),
        reason=reason,
        intent=intent,
        confidence=confidence,
        channel=channel[:16],
        topic=topic if topic in TOPICS else None,
        sender=sender,
        offered=" ".join(offered)[:200] if offered else None,
    )
    session.add(row)
    return row


def clarification_offered(notes: list[dict[str, Any]]) -> list[str]:
    """The intents a "did you mean…?" offered, from the actions' insight notes of a reply."""
    for note in notes:
        offered = note.get("offered")
        if note.get("kind") == CLARIFY and isinstance(offered, list):
            return [i for i in offered if isinstance(i, str) and _TOPIC_PAYLOAD.match(f"/{i}")]
    return []


def chosen_intent(text: str) -> str | None:
    """The intent of a topic button's payload ("/ask_housing"), else None."""
    found = _TOPIC_PAYLOAD.match(text.strip())
    return found.group(1) if found else None


def record_choice(
    session: Session, *, sender: str, intent: str, at: datetime
) -> UnansweredQuestion | None:
    """After "did you mean…?", the topic the person chose: kept with their question.

    Only for the person's latest queued question, when it is a clarification that offered
    this intent, is still open and was asked within `CHOICE_WINDOW`.
    """
    latest = session.scalars(
        select(UnansweredQuestion)
        .where(UnansweredQuestion.sender == sender)
        .order_by(UnansweredQuestion.id.desc())
        .limit(1)
    ).first()
    if (
        latest is None
        or latest.reason != CLARIFY
        or latest.handled
        or latest.chosen_intent is not None
        or intent not in (latest.offered or "").split()
        or as_utc(latest.created_at) < at - CHOICE_WINDOW
    ):
        return None
    latest.chosen_intent = intent
    return latest


def as_utc(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes; they were stored in UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@dataclass(frozen=True)
class QueueCounts:
    """Open questions by language and by topic (None: no topic recognised)."""

    by_language: dict[str, int]
    by_topic: dict[str | None, int]
    total: int


def counts(session: Session) -> QueueCounts:
    """How many open questions per language and per topic."""
    rows = session.execute(
        select(UnansweredQuestion.language, UnansweredQuestion.topic, func.count())
        .where(UnansweredQuestion.handled.is_(False))
        .group_by(UnansweredQuestion.language, UnansweredQuestion.topic)
    ).all()
    by_language: Counter[str] = Counter()
    by_topic: Counter[str | None] = Counter()
    for language, topic, n in rows:
        by_language[language] += n
        by_topic[topic] += n
    return QueueCounts(dict(by_language), dict(by_topic), sum(by_language.values()))


def open_questions(
    session: Session, *, language: str | None = None, topic: str | None = None, limit: int = 200
) -> list[UnansweredQuestion]:
    """The open questions, newest first, optionally of one language or topic."""
    query = select(UnansweredQuestion).where(UnansweredQuestion.handled.is_(False))
    if language:
        query = query.where(UnansweredQuestion.language == language)
    if topic:
        query = query.where(UnansweredQuestion.topic == topic)
    return list(session.scalars(query.order_by(UnansweredQuestion.id.desc()).limit(limit)))


def mark_handled(question: UnansweredQuestion, *, user: AdminUser) -> None:
    """Take a question out of the queue."""
    question.handled = True
    question.handled_by = user.id
    question.handled_at = utcnow()


def training_example(questions: list[UnansweredQuestion], *, intent: str) -> str:
    """A Rasa NLU YAML snippet adding the questions as examples of `intent`."""
    examples = "".join(f"- {' '.join(q.text.split())}\n" for q in questions)
    data = {"version": "3.1", "nlu": [{"intent": intent, "examples": examples}]}
    return yaml.dump(data, Dumper=_LiteralDumper, allow_unicode=True, sort_keys=False)


class _LiteralDumper(yaml.SafeDumper):
    """Writes multi-line strings as `|` blocks, as Rasa's own data files do."""


def _literal(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_LiteralDumper.add_representer(str, _literal)
