"""Eligibility comes from the knowledge base's rules: verdict, why, what to bring, where to go."""

from __future__ import annotations

from pathlib import Path

from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from actions.common import Services
from actions.eligibility import VERDICTS, ActionCheckEligibility, ValidateEligibilityForm
from actions.route import ActionRouteInform
from dalil.i18n import gettext, status_title, topic_title
from dalil.languages import LANGUAGES
from knowledge.models import EligibilityRule
from knowledge.repository import get_eligibility
from tests.actions.actionkit import (
    DOMAIN,
    make_tracker,
    payloads,
    run_action,
    services_for,
    slot_events,
    texts,
)


def all_rules(kb: Session) -> list[tuple[str, str]]:
    """Every (status, topic) the knowledge base has a rule for."""
    return [(r.status, r.topic_id) for r in kb.scalars(select(EligibilityRule))]


async def test_every_rule_in_every_language(services: Services, kb: Session) -> None:
    """Each rule of the data answers in each language with its verdict, reasons and documents."""
    pairs = all_rules(kb)
    assert len(pairs) > 20
    for status, topic in pairs:
        for language in LANGUAGES:
            rule = get_eligibility(kb, status=status, topic_id=topic, language=language)[0]
            tracker = make_tracker(language=language, slots={"status": status, "need": topic})
            messages, events = await run_action(ActionCheckEligibility(services), tracker)
            text = texts(messages)
            verdict = gettext(
                language,
                VERDICTS[rule.entitled],
                status=status_title(language, status),
                topic=topic_title(language, topic),
            )
            assert text.startswith(verdict), (status, topic, language)
            assert rule.conditions.strip() in text
            for document in rule.documents:
                assert document in text
            where = rule.where_topic_id or topic
            assert payloads(messages)[0] == f'/find_service_point{{"topic":"{where}"}}'
            assert slot_events(events)["need"] is None


async def test_verdicts_differ_by_status(services: Services, kb: Session) -> None:
    """The data, not the code, decides: two statuses with different rules get different verdicts."""
    verdicts = {(r.status, r.topic_id): r.entitled for r in kb.scalars(select(EligibilityRule))}
    topic = next(
        t for (_s, t) in verdicts if len({v for (s2, t2), v in verdicts.items() if t2 == t}) > 1
    )
    answers = set()
    for (status, t), _verdict in verdicts.items():
        if t != topic:
            continue
        messages, _ = await run_action(
            ActionCheckEligibility(services),
            make_tracker(language="en", slots={"status": status, "need": topic}),
        )
        answers.add(messages[0]["text"].split("\n")[0].split(": ", 1)[1])
    assert len(answers) > 1


async def test_status_given_alone_then_topic(services: Services) -> None:
    """`inform{"status"}` outside the form with a known topic answers at once."""
    tracker = make_tracker(
        intent="inform",
        entities={"status": "refugee"},
        language="fr",
        slots={"topic": "school_access"},
    )
    messages, events = await run_action(ActionRouteInform(services), tracker)
    assert texts(messages).startswith(
        gettext(
            "fr",
            VERDICTS["yes"],
            status=status_title("fr", "refugee"),
            topic=topic_title("fr", "school_access"),
        )
    )
    assert slot_events(events)["status"] == "refugee"


async def test_no_rule_says_so(kb_copy: Path) -> None:
    """A status and topic without a rule: no guess, a person and where to go instead."""
    services = services_for(kb_copy)
    with services.session_factory() as session:
        session.execute(
            delete(EligibilityRule).where(
                EligibilityRule.status == "minor", EligibilityRule.topic_id == "housing"
            )
        )
        session.commit()
    messages, _ = await run_action(
        ActionCheckEligibility(services),
        make_tracker(language="en", slots={"status": "minor", "need": "housing"}),
    )
    assert texts(messages).startswith("I have no checked rule for this situation yet.")
    assert payloads(messages) == [
        '/find_service_point{"topic":"housing"}',
        "/human_handover",
        "/ask_capabilities",
    ]


def test_form_keeps_known_values_only() -> None:
    """Statuses and needs outside docs/internals.md are asked again."""
    form, dispatcher, tracker = ValidateEligibilityForm(), CollectingDispatcher(), make_tracker()
    assert form.validate_status("refugee", dispatcher, tracker, DOMAIN) == {"status": "refugee"}
    assert form.validate_status("tourist", dispatcher, tracker, DOMAIN) == {"status": None}
    assert form.validate_need("housing", dispatcher, tracker, DOMAIN) == {"need": "housing"}
    assert form.validate_need("emergency_numbers", dispatcher, tracker, DOMAIN) == {
        "need": "emergency_numbers"
    }
    assert form.validate_need("visa", dispatcher, tracker, DOMAIN) == {"need": None}


async def test_knowledge_base_down(broken_services: Services) -> None:
    """A localised apology, no exception."""
    messages, _ = await run_action(
        ActionCheckEligibility(broken_services),
        make_tracker(language="es", slots={"status": "minor", "need": "housing"}),
    )
    assert texts(messages).startswith("Lo siento, no puedo responder ahora.")


async def test_need_from_a_typed_menu_title() -> None:
    """ "salud" typed when asked the subject fills `need` even if the NLU saw a greeting."""
    tracker = make_tracker(
        text="salud",
        intent="greet",
        language="es",
        slots={"requested_slot": "need", "status": "refugee"},
    )
    extracted = await ValidateEligibilityForm().extract_need(
        CollectingDispatcher(), tracker, DOMAIN
    )
    assert extracted == {"need": "health_care"}
    assert ValidateEligibilityForm().validate_need(
        "الصحة", CollectingDispatcher(), tracker, DOMAIN
    ) == {"need": "health_care"}
