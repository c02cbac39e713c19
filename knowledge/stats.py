"""Counts of complete, current content (`dalil kb stats`)."""

from typing import Any

from knowledge.schema import LANGUAGES, ContentDoc, TopicTranslationDoc


def _complete(t: TopicTranslationDoc | None) -> bool:
    """A translation that can be served as it is (an unverified one is served, flagged as such)."""
    return (
        t is not None
        and t.status == "current"
        and bool(t.short_answer.strip() and t.details.strip() and t.legal_basis.strip())
        and bool(t.sources)
    )


def content_stats(doc: ContentDoc) -> dict[str, Any]:
    """Topics complete in French, per-language current topics, service points, cities, rules."""
    return {
        "topics": sum(_complete(t.translations.get("fr")) for t in doc.topics),
        "languages": {
            language: sum(_complete(t.translations.get(language)) for t in doc.topics)
            for language in LANGUAGES
        },
        "service_points": len(doc.service_points),
        "cities": len({p.city for p in doc.service_points}),
        "cities_known": len(doc.cities),
        "eligibility_rules": len(doc.eligibility),
        "emergency_contacts": len(doc.emergency),
    }
