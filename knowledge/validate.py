"""Checks on the content folder that need no database (`dalil kb validate`)."""

import itertools
import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlsplit

import phonenumbers

from knowledge.content import LoadedContent, Located, Problem, iter_hours, today
from knowledge.geo import haversine_km, in_morocco
from knowledge.models import SHORT_ANSWER_MAX
from knowledge.opening import WEEKDAYS
from knowledge.schema import LANGUAGES, STATUSES, TOPICS, SourceDoc

STALE_AFTER = timedelta(days=365)
# A point this far from its city's centre is probably in the wrong file or mistyped.
MAX_KM_FROM_CITY = 60.0
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$", re.IGNORECASE)
_SHORT_CODE = re.compile(r"^[0-9]{2,10}$")


def valid_url(url: str) -> bool:
    """An absolute http(s) URL with a host and no whitespace."""
    parts = urlsplit(url)
    return (
        parts.scheme in {"http", "https"}
        and "." in parts.netloc
        and not re.search(r"\s", url)
        and not parts.netloc.startswith(".")
    )


def valid_e164(number: str) -> bool:
    """A valid number written exactly in E.164 (`+212…`)."""
    if not number.startswith("+"):
        return False
    try:
        parsed = phonenumbers.parse(number, None)
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.is_valid_number(parsed) and (
        phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164) == number
    )


class _Checker:
    """Collects problems for one content folder."""

    def __init__(self, loaded: LoadedContent, now: date) -> None:
        self.loaded = loaded
        self.now = now
        self.problems: list[Problem] = list(loaded.problems)
        self.topic_ids = {t.doc.id for t in loaded.topics} | set(TOPICS)

    def error(self, item: Located, field: str, message: str) -> None:
        """Record an error."""
        self.problems.append(Problem(item.file, item.where(field), message))

    def warn(self, item: Located, field: str, message: str) -> None:
        """Record a warning."""
        self.problems.append(Problem(item.file, item.where(field), message, level="warning"))

    def verified(self, item: Located, field: str, value: date | None) -> None:
        """A verification date must exist, not lie in the future, and not be stale."""
        if value is None:
            self.error(item, field, "missing verification date")
        elif value > self.now:
            self.error(item, field, f"{value} is in the future")
        elif self.now - value > STALE_AFTER:
            self.warn(item, field, f"verified {value}, more than a year ago: re-check it")

    def sources(self, item: Located, field: str, sources: list[SourceDoc]) -> None:
        """Every source has a title and a well-formed URL."""
        for i, source in enumerate(sources):
            if not source.title.strip():
                self.error(item, f"{field}[{i}].title", "empty source title")
            if not valid_url(source.url):
                self.error(item, f"{field}[{i}].url", f"malformed URL {source.url!r}")

    def languages(self, item: Located, field: str, present: object) -> None:
        """All four languages present, and no others."""
        keys = set(present)  # type: ignore[call-overload]
        for language in LANGUAGES:
            if language not in keys:
                self.error(item, f"{field}.{language}", "missing language")
        for language in sorted(keys - set(LANGUAGES)):
            self.error(item, f"{field}.{language}", "unknown language")

    def duplicates(
        self, items: Sequence[Located[Any]], key: Callable[[Any], object], field: str, what: str
    ) -> None:
        """Report every entry whose key was already used."""
        counts = Counter(key(x.doc) for x in items)
        seen: set[object] = set()
        for item in items:
            k = key(item.doc)
            if counts[k] > 1 and k in seen:
                self.error(item, field, f"duplicate {what} {k!r}")
            seen.add(k)

    def run(self) -> list[Problem]:
        """Run every check."""
        self.check_topic_files()
        self.check_topics()
        self.check_cities()
        self.check_service_points()
        self.check_eligibility()
        self.check_emergency()
        return self.problems

    def check_topic_files(self) -> None:
        """Every fixed topic has its file, so service points and rules can point at it."""
        present = {t.doc.id for t in self.loaded.topics}
        for topic in TOPICS:
            if topic not in present:
                self.problems.append(Problem(f"topics/{topic}.yml", "(file)", "missing topic file"))

    def check_topics(self) -> None:
        """Topic files: known ids, four languages, complete and sourced translations."""
        self.duplicates(self.loaded.topics, lambda t: t.id, "id", "topic id")
        for item in self.loaded.topics:
            topic = item.doc
            if topic.id not in TOPICS:
                self.error(item, "id", f"unknown topic {topic.id!r}")
            if item.file != f"topics/{topic.id}.yml":
                self.error(item, "id", f"topic {topic.id!r} must live in topics/{topic.id}.yml")
            self.languages(item, "translations", topic.translations)
            source = topic.translations.get("fr")
            if source is not None and source.status != "current":
                self.error(item, "translations.fr.status", "French is the source: must be current")
            for language, t in topic.translations.items():
                field = f"translations.{language}"
                if t.status == "missing":
                    continue
                if not t.short_answer.strip():
                    self.error(item, f"{field}.short_answer", "empty")
                if len(t.short_answer) > SHORT_ANSWER_MAX:
                    self.error(
                        item,
                        f"{field}.short_answer",
                        f"{len(t.short_answer)} characters, more than {SHORT_ANSWER_MAX}",
                    )
                for name in ("details", "legal_basis"):
                    if not getattr(t, name).strip():
                        self.error(item, f"{field}.{name}", "empty")
                for status in t.by_status:
                    if status not in STATUSES:
                        self.error(item, f"{field}.by_status.{status}", "unknown status")
                if not t.sources:
                    self.error(item, f"{field}.sources", "no source")
                self.sources(item, f"{field}.sources", t.sources)
                self.verified(item, f"{field}.verified_at", t.verified_at)
                if (
                    language != "fr"
                    and t.status == "current"
                    and source is not None
                    and source.verified_at is not None
                    and t.verified_at is not None
                    and t.verified_at < source.verified_at
                ):
                    self.error(
                        item,
                        f"{field}.status",
                        "older than the French source: mark it outdated",
                    )

    def check_cities(self) -> None:
        """Cities: unique ids, in Morocco, named in four languages."""
        self.duplicates(self.loaded.cities, lambda c: c.id, "cities[{i}].id", "city id")
        for item in self.loaded.cities:
            city = item.doc
            if not in_morocco(city.lat, city.lon):
                self.error(item, "cities[{i}].lat", f"({city.lat}, {city.lon}) is outside Morocco")
            self.languages(item, "cities[{i}].names", city.names)

    def check_service_points(self) -> None:
        """Service points: unique ids, known city and topics, E.164 phones, sane hours."""
        self.duplicates(
            self.loaded.service_points, lambda p: p.id, "service_points[{i}].id", "service point id"
        )
        cities = {c.doc.id: c.doc for c in self.loaded.cities}
        for item in self.loaded.service_points:
            point = item.doc
            base = "service_points[{i}]"
            city = cities.get(point.city)
            if city is None:
                self.error(item, f"{base}.city", f"unknown city {point.city!r}")
            elif item.file != f"service_points/{point.city}.yml":
                self.error(item, f"{base}.city", f"belongs in service_points/{point.city}.yml")
            if not in_morocco(point.lat, point.lon):
                self.error(item, f"{base}.lat", f"({point.lat}, {point.lon}) is outside Morocco")
            elif city is not None:
                distance = haversine_km(point.lat, point.lon, city.lat, city.lon)
                if distance > MAX_KM_FROM_CITY:
                    self.error(item, f"{base}.lat", f"{distance:.0f} km from {city.id}'s centre")
            for i, phone in enumerate(point.phones):
                if not valid_e164(phone.number):
                    self.error(
                        item, f"{base}.phones[{i}].number", f"invalid phone {phone.number!r}"
                    )
            self.duplicates_in_list(item, f"{base}.phones", [p.number for p in point.phones])
            if point.email is not None and not _EMAIL.match(point.email):
                self.error(item, f"{base}.email", f"malformed email {point.email!r}")
            if point.website is not None and not valid_url(point.website):
                self.error(item, f"{base}.website", f"malformed URL {point.website!r}")
            self.check_hours(item, base, point.hours)
            for topic in point.topics:
                if topic not in TOPICS:
                    self.error(item, f"{base}.topics", f"unknown topic {topic!r}")
            if not point.topics:
                self.error(item, f"{base}.topics", "no topic")
            for status in point.serves:
                if status not in STATUSES:
                    self.error(item, f"{base}.serves", f"unknown status {status!r}")
            if not point.languages:
                self.error(item, f"{base}.languages", "no language spoken")
            self.languages(item, f"{base}.description", point.description)
            for language in point.translation_status:
                if language == "fr" or language not in LANGUAGES:
                    self.error(item, f"{base}.translation_status.{language}", "not a translation")
            if not point.sources:
                self.error(item, f"{base}.sources", "no source")
            self.sources(item, f"{base}.sources", point.sources)
            self.verified(item, f"{base}.verified_at", point.verified_at)

    def duplicates_in_list(self, item: Located, field: str, values: list[str]) -> None:
        """A value listed twice in one entry."""
        for value, count in Counter(values).items():
            if count > 1:
                self.error(item, field, f"{value!r} listed {count} times")

    def check_hours(self, item: Located, base: str, hours: Mapping[str, list[str]]) -> None:
        """Opening hours parse, open before they close, and do not overlap."""
        for day, intervals in hours.items():
            if day not in WEEKDAYS:
                self.error(item, f"{base}.hours.{day}", f"unknown weekday {day!r} (mon…sun)")
                continue
            spans = []
            for j, text in enumerate(intervals):
                field = f"{base}.hours.{day}[{j}]"
                try:
                    _day, _text, opens, closes = next(iter_hours({day: [text]}))
                except ValueError:
                    self.error(item, field, f"{text!r} is not HH:MM-HH:MM")
                    continue
                if opens >= closes:
                    self.error(item, field, f"{text!r} closes before it opens")
                    continue
                spans.append((opens, closes, field, text))
            spans.sort()
            for before, after in itertools.pairwise(spans):
                if after[0] < before[1]:
                    self.error(item, after[2], f"{after[3]!r} overlaps {before[3]!r}")

    def check_eligibility(self) -> None:
        """Rules: known status and topics, one per pair, texts in four languages."""
        self.duplicates(
            self.loaded.eligibility,
            lambda r: (r.status, r.topic),
            "rules[{i}]",
            "rule for (status, topic)",
        )
        for item in self.loaded.eligibility:
            rule = item.doc
            if rule.status not in STATUSES:
                self.error(item, "rules[{i}].status", f"unknown status {rule.status!r}")
            if rule.topic not in TOPICS:
                self.error(item, "rules[{i}].topic", f"unknown topic {rule.topic!r}")
            if rule.where is not None and rule.where not in TOPICS:
                self.error(item, "rules[{i}].where", f"unknown topic {rule.where!r}")
            self.languages(item, "rules[{i}].text", rule.text)
            for language, text in rule.text.items():
                if text.status != "missing" and not text.conditions.strip():
                    self.error(item, f"rules[{{i}}].text.{language}.conditions", "empty")
            self.verified(item, "rules[{i}].verified_at", rule.verified_at)

    def check_emergency(self) -> None:
        """Emergency contacts: unique ids, dialable numbers, labels in four languages."""
        self.duplicates(self.loaded.emergency, lambda c: c.id, "contacts[{i}].id", "contact id")
        for item in self.loaded.emergency:
            contact = item.doc
            if not (_SHORT_CODE.match(contact.number) or valid_e164(contact.number)):
                self.error(item, "contacts[{i}].number", f"invalid phone {contact.number!r}")
            self.languages(item, "contacts[{i}].labels", contact.labels)
            self.sources(item, "contacts[{i}].sources", contact.sources)
            if not contact.sources:
                self.error(item, "contacts[{i}].sources", "no source")
            self.verified(item, "contacts[{i}].verified_at", contact.verified_at)


def check_content(loaded: LoadedContent, *, now: date | None = None) -> list[Problem]:
    """Every problem in a loaded content folder (errors and warnings)."""
    return _Checker(loaded, now or today()).run()
