"""Entitlements: what a status gives access to, why, what to bring and where to go.

The answer comes from the knowledge base's eligibility rules (data reviewed by administrators),
never from conditions written in code.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from actions.common import DalilAction, KeepsLanguage, Reply, latest_intent
from actions.service_points import answer_with_places, topic_and_city_asked
from actions.topics import checked_on, freshness_notice, notices, resolve_topic
from dalil.i18n import _, gettext, status_title, topic_title
from knowledge.repository import EligibilityView, get_eligibility
from replies.payloads import (
    ALL_TOPICS,
    STATUSES,
    another_question_button,
    person_button,
    where_button,
)

VERDICTS: dict[str, str] = {
    # Translators: verdict of an eligibility check. {status} e.g. "Asylum seeker", {topic} e.g. "School".
    "yes": _("{status}, {topic}: yes, you have the right to it."),
    # Translators: verdict of an eligibility check. {status} e.g. "Asylum seeker", {topic} e.g. "School".
    "conditional": _("{status}, {topic}: yes, under conditions."),
    # Translators: verdict of an eligibility check. {status} e.g. "Asylum seeker", {topic} e.g. "School".
    "no": _("{status}, {topic}: no, not with this status."),
}


def rule_text(language: str, rule: EligibilityView) -> str:
    """What applies, why, what to bring, and the notices."""
    verdict = VERDICTS.get(rule.entitled, VERDICTS["conditional"])
    parts = [
        gettext(
            language,
            verdict,
            status=status_title(language, rule.status),
            topic=topic_title(language, rule.topic_id),
        )
    ]
    if rule.conditions.strip():
        # Translators: {conditions} explains the conditions and the reason, from the knowledge base.
        parts.append(gettext(language, "Why: {conditions}", conditions=rule.conditions.strip()))
    if rule.documents:
        # Translators: heading of a list of documents to bring.
        bring = [gettext(language, "What to bring:")]
        bring.extend(f"- {document}" for document in rule.documents)
        parts.append("\n".join(bring))
    parts.append(checked_on(language, rule.verified_at))
    stale = freshness_notice(language, rule.verified_at, rule.sources)
    if stale:
        parts.append(stale)
    parts.extend(notices(language, uncertain=rule.uncertain, fallback=rule.fallback, missing=False))
    return "\n\n".join(parts)


class ValidateEligibilityForm(KeepsLanguage, FormValidationAction):
    """Fill `status` and `need` of `eligibility_form` with known ids only."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "validate_eligibility_form"

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        """Nothing to ask when the opening message named a topic and a city ("must I go to
        Rabat for asylum? I am in Oujda"): `action_check_eligibility` answers it at once."""
        if latest_intent(tracker) == "check_eligibility" and topic_and_city_asked(tracker):
            return []
        return domain_slots

    def validate_status(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Keep only the statuses of docs/internals.md."""
        return {"status": value if value in STATUSES else None}

    async def extract_need(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """A menu title typed as the answer to "which subject?" ("salud") fills `need`."""
        if tracker.get_slot("requested_slot") != "need" or latest_intent(tracker) == "emergency":
            return {}
        topic_id = resolve_topic((tracker.latest_message or {}).get("text"))
        return {"need": topic_id} if topic_id else {}

    def validate_need(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Keep only topics we know, whatever words named them."""
        return {"need": resolve_topic(value)}


class ActionCheckEligibility(DalilAction):
    """After the form: the rules for the status and need, and where to go."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_check_eligibility"

    async def respond(self, reply: Reply, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        """Answer from the eligibility rules; forget `need` so the next check asks again."""
        status = tracker.get_slot("status")
        need = tracker.get_slot("need")
        asked = topic_and_city_asked(tracker)
        if latest_intent(tracker) == "check_eligibility" and asked is not None:
            # Where and how, there: the topic's answer and the places, not a status form.
            return [*await answer_with_places(self, reply, tracker, *asked), SlotSet("need", None)]
        if status not in STATUSES:
            reply.response("utter_ask_status")
            return []
        await check_eligibility(self, reply, status, need if need in ALL_TOPICS else None)
        return [SlotSet("need", None)]


async def check_eligibility(
    action: DalilAction, reply: Reply, status: str, topic_id: str | None
) -> None:
    """Send what applies to `status` for `topic_id` (every topic when None)."""
    language = reply.language
    rules = await action.query(
        lambda s: get_eligibility(s, status=status, topic_id=topic_id, language=language)
    )
    if not rules:
        text = gettext(
            language,
            "I have no checked rule for this situation yet. A person from a partner "
            "association can tell you what applies to you.",
        )
        buttons = [person_button(language), another_question_button(language)]
        if topic_id:
            buttons.insert(0, where_button(language, topic_id))
        reply.say(text, buttons)
        return
    await action.served([("eligibility", f"{r.status}/{r.topic_id}") for r in rules])
    for index, rule in enumerate(rules):
        last = index == len(rules) - 1
        where = rule.where_topic_id or rule.topic_id
        buttons = [where_button(language, where)]
        if last:
            buttons.append(another_question_button(language))
        reply.say(rule_text(language, rule), buttons)
