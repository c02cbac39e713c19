"""The review loop: unanswered questions grouped by similarity, labelled, exported as NLU data.

The questions come from the unanswered queue, so they were scrubbed before storage; a
clarification ("did you mean…?") carries the topic the user then chose, which the editor can
accept as the label in one click. An editor labels a group with an intent (and entity values
found in its texts); only that explicit step writes Rasa NLU YAML, into the review folder (`DALIL_REVIEW_DIR`, by default
`bot/data/nlu/reviewed/`), which `make train` reads with the rest of `bot/data`.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from rapidfuzz import fuzz
from sqlalchemy import select

from dalil.languages import LANGUAGES
from gateway.admin.audit import audit
from gateway.admin.models import AdminUser, UnansweredQuestion
from gateway.admin.unanswered import mark_handled, open_questions
from gateway.admin.web import CsrfChecked, ReviewerAuth, client_ip, render
from gateway.dependencies import SessionDep, SettingsDep
from knowledge.cities import normalize
from knowledge.schema import TOPICS

router = APIRouter(tags=["admin"])

# Two questions whose words overlap this much (rapidfuzz's token_set_ratio, 0–100) are
# shown as one group: the same question asked with other words around it.
SIMILARITY = 70
INTENTS = (*(f"ask_{t}" for t in TOPICS if t != "emergency_numbers"), "emergency", "out_of_scope")
ENTITIES = ("city", "status", "topic")
_ENTITY_LINE = re.compile(r"^\s*(\w+)\s*[:=]\s*(.+?)\s*$")


@dataclass
class Group:
    """Questions of one language that say nearly the same thing."""

    language: str
    questions: list[UnansweredQuestion] = field(default_factory=list)

    @property
    def guess(self) -> str | None:
        """The intent Rasa guessed most often for these questions."""
        intents = Counter(q.intent for q in self.questions if q.intent)
        return intents.most_common(1)[0][0] if intents else None

    @property
    def choices(self) -> list[tuple[str, list[UnansweredQuestion]]]:
        """The intents users chose after "did you mean…?", each with its questions, most
        chosen first: what the editor can accept as the label in one click."""
        chosen: dict[str, list[UnansweredQuestion]] = {}
        for question in self.questions:
            if question.chosen_intent in INTENTS:
                chosen.setdefault(question.chosen_intent, []).append(question)
        return sorted(chosen.items(), key=lambda item: -len(item[1]))

    @property
    def reasons(self) -> list[str]:
        """Why they landed in the queue (fallback, out of scope, low confidence)."""
        return sorted({q.reason for q in self.questions})


def group_questions(
    questions: list[UnansweredQuestion], *, similarity: int = SIMILARITY
) -> list[Group]:
    """Questions grouped by language and similar wording, the largest groups first."""
    groups: list[tuple[str, Group]] = []
    for question in sorted(questions, key=lambda q: q.id):
        words = normalize(question.text)
        for first, group in groups:
            if (
                group.language == question.language
                and fuzz.token_set_ratio(first, words) >= similarity
            ):
                group.questions.append(question)
                break
        else:
            groups.append((words, Group(question.language, [question])))
    return sorted((g for _, g in groups), key=lambda g: (-len(g.questions), g.questions[0].id))


def parse_entities(text: str) -> list[tuple[str, str]]:
    """`city: Oujda` lines as (entity, value) pairs; unknown entities are refused."""
    pairs = []
    for line in text.splitlines():
        if not line.strip():
            continue
        found = _ENTITY_LINE.match(line)
        if found is None or found.group(1) not in ENTITIES:
            raise ValueError(line.strip())
        pairs.append((found.group(1), found.group(2)))
    return pairs


def annotate(text: str, entities: list[tuple[str, str]]) -> str:
    """A question in Rasa's inline entity syntax: "aide à [Oujda](city)"."""
    result = " ".join(text.split())
    for name, value in entities:
        at = result.casefold().find(value.casefold())
        if at >= 0:
            result = (
                f"{result[:at]}[{result[at : at + len(value)]}]({name}){result[at + len(value) :]}"
            )
    return result


def export_examples(folder: Path, *, language: str, intent: str, examples: list[str]) -> Path:
    """Add the examples to `<folder>/<language>/<intent>.yml`, keeping those already there."""
    path = folder / language / f"{intent}.yml"
    existing: list[str] = []
    if path.exists():
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for block in data.get("nlu") or []:
            if block.get("intent") == intent:
                existing = [
                    line[2:].strip()
                    for line in str(block.get("examples") or "").splitlines()
                    if line.startswith("- ")
                ]
    merged = list(dict.fromkeys([*existing, *examples]))
    body = "".join(f"- {example}\n" for example in merged)
    path.parent.mkdir(parents=True, exist_ok=True)
    header = (
        f"# Reviewed questions of real users ({language}), labelled on /admin/review.\n"
        "# Scrubbed before storage; `make train` reads this file with the rest of bot/data.\n"
    )
    document = yaml.dump(
        {"version": "3.1", "nlu": [{"intent": intent, "examples": body}]},
        Dumper=_BlockDumper,
        allow_unicode=True,
        sort_keys=False,
    )
    path.write_text(header + document, encoding="utf-8")
    return path


class _BlockDumper(yaml.SafeDumper):
    """Writes the examples as a `|` block, as Rasa's own data files do."""


_BlockDumper.add_representer(
    str,
    lambda dumper, value: dumper.represent_scalar(
        "tag:yaml.org,2002:str", value, style="|" if "\n" in value else None
    ),
)


@router.get("/admin/review", response_class=HTMLResponse, include_in_schema=False)
def review_page(
    request: Request,
    auth: ReviewerAuth,
    session: SessionDep,
    settings: SettingsDep,
    language: str | None = None,
) -> Response:
    """Unanswered, unclear and low-confidence questions, grouped, to label for training."""
    groups = group_questions(open_questions(session, language=language, limit=500))
    return render(
        request,
        auth,
        "admin/review.html",
        groups=groups,
        intents=INTENTS,
        languages=LANGUAGES,
        language_filter=language or "",
        folder=settings.review_dir,
    )


@router.post("/admin/review/export", include_in_schema=False, dependencies=[CsrfChecked])
async def export_group(
    request: Request, auth: ReviewerAuth, session: SessionDep, settings: SettingsDep
) -> Response:
    """Write the ticked questions of a group as examples of an intent; take them off the queue."""
    form = await request.form()
    intent = str(form.get("intent") or "")
    if intent not in INTENTS:
        raise HTTPException(422, detail=f"intent must be one of {list(INTENTS)}")
    try:
        entities = parse_entities(str(form.get("entities") or ""))
    except ValueError as exc:
        raise HTTPException(422, detail=f"entity lines are 'city: Oujda' ({exc})") from exc
    ids = [int(i) for i in form.getlist("ids") if isinstance(i, str) and i.isdigit()]
    questions = list(
        session.scalars(select(UnansweredQuestion).where(UnansweredQuestion.id.in_(ids)))
    )
    if not questions:
        raise HTTPException(422, detail="tick at least one question")
    user = auth.user
    assert isinstance(user, AdminUser)  # guaranteed by `require`
    written = []
    for language in sorted({q.language for q in questions}):
        examples = [annotate(q.text, entities) for q in questions if q.language == language]
        path = export_examples(
            settings.review_dir, language=language, intent=intent, examples=examples
        )
        written.append(path.name)
    for question in questions:
        mark_handled(question, user=user)
    audit(
        session,
        actor=user,
        action="review_exported",
        target=intent,
        ip=client_ip(request),
        ids=ids,
        entities=[name for name, _ in entities],
    )
    session.commit()
    return RedirectResponse("/admin/review", status_code=303)
