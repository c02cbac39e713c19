"""Checks on the content folder that need no database (`dalil kb validate`).

Besides the shape of the content, this enforces what a program can check of the safety rules in
docs/content-guide.md: who is sent to the police, how strongly a right is claimed, phone numbers
written in prose, and Arabic numbers kept in their reading order. Every problem names its file
and line.
"""

import itertools
import re
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import phonenumbers
import yaml

from knowledge.content import LoadedContent, Located, Problem, iter_hours, today
from knowledge.geo import haversine_km, in_morocco
from knowledge.models import SHORT_ANSWER_MAX
from knowledge.opening import WEEKDAYS
from knowledge.schema import LANGUAGES, STATUSES, TOPICS, SourceDoc

STALE_AFTER = timedelta(days=180)
# A point this far from its city's centre is probably in the wrong file or mistyped.
MAX_KM_FROM_CITY = 60.0
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$", re.IGNORECASE)
_SHORT_CODE = re.compile(r"^[0-9]{2,10}$")


# Unicode directional isolates (UAX #9), as written by dalil.i18n.isolate.
_ISOLATE_OPEN = ("\u2066", "\u2067", "\u2068")
_PDI = "\u2069"
# Runs that right-to-left text shows in the wrong order unless isolated: phone numbers written
# with spaces, times and time ranges, and numbers joined by "-", "." or "/" (laws 02-03, 27-14,
# circular 13-487, decree 2.17.740, the years 2023-2030). A lone number (19, 2016) reads fine.
_NEEDS_ISOLATE = re.compile(
    r"\+\d[\d \u00a0]*\d"
    r"|(?<![\d+])0\d*(?:[ \u00a0]\d+)+"
    r"|\d{1,2}:\d{2}(?:\s*[–-]\s*\d{1,2}:\d{2})?"
    r"|(?<![\d.,/-])\d+(?:[./-]\d+)+(?!\d)"
)
# What looks like a phone number in prose: "+" or a leading 0 and at least seven digits,
# including malformed ones ("+212 12") so that they are reported rather than missed.
_PROSE_PHONE = re.compile(r"\+\d[\d \u00a0]*\d|(?<![\w+])0(?:[ \u00a0]?\d){6,}")

# Naming the police or a prefecture (checked in answers to people without papers, trafficking
# victims and children).
_POLICE = {
    "fr": re.compile(r"\bpolice\b|\bpréfecture|\bcommissariat", re.IGNORECASE),
    "en": re.compile(r"\bpolice\b|\bprefecture|\bpolice station", re.IGNORECASE),
    "es": re.compile(r"\bpolic[íi]a\b|\bprefectura|\bcomisar[íi]a", re.IGNORECASE),
    "ar": re.compile(r"الشرطة|العمالة|ولاية الأمن|مفوضية الشرطة"),
}
# Immediate danger: there the emergency numbers, police included, come first.
_DANGER = {
    "fr": re.compile(r"danger immédiat|en danger|urgence", re.IGNORECASE),
    "en": re.compile(r"immediate danger|in danger|emergenc", re.IGNORECASE),
    "es": re.compile(r"peligro inmediato|en peligro|urgencia", re.IGNORECASE),
    "ar": re.compile(r"خطر فوري|في حالة خطر|حالة الخطر|استعجال"),
}
# The risk said in words: arrest.
_ARREST_RISK = {
    "fr": re.compile(r"arrestation|interpellation", re.IGNORECASE),
    "en": re.compile(r"\barrest", re.IGNORECASE),
    "es": re.compile(r"detenci[óo]n|arresto", re.IGNORECASE),
    "ar": re.compile(r"التوقيف|توقيف|الاعتقال"),
}
# Safer first steps: UNHCR's remote lines, IOM, NGOs, the child line.
_SAFER_FIRST = re.compile(
    r"\b(?:HCR|UNHCR|ACNUR|OIM|IOM|GADEM|OMDH|FOO|Caritas|Cáritas|Entraide|AMDH)\b|2511"
    r"|association|\bNGO|asociaci|المفوضية|المنظمة الدولية للهجرة|جمعية|كاريتاس"
    r"|مؤسسة الشرق والغرب|التعاون الوطني",
    re.IGNORECASE,
)
_POLICE_WINDOW = 60
# A "yes" headline.
_YES = {
    "fr": re.compile(r"^\W*oui\b", re.IGNORECASE),
    "en": re.compile(r"^\W*yes\b", re.IGNORECASE),
    "es": re.compile(r"^\W*s[íi]\b", re.IGNORECASE),
    "ar": re.compile(r"^\W*نعم"),
}
# Absolute wording that no source of ours supports ("should no longer be turned away" is not
# "must not refuse you").
_ABSOLUTE = {
    "fr": re.compile(
        r"ne (?:doit|doivent|peut|peuvent) (?:pas|plus|en aucun cas) (?:vous |les |nous )?"
        r"(?:refuser|refouler)|n'(?:a|ont) pas le droit de (?:vous )?refuser"
        r"|obligée? de vous (?:accepter|recevoir)",
        re.IGNORECASE,
    ),
    "en": re.compile(
        r"(?:must|cannot|can't|may) not (?:refuse|turn \w+ away)|(?:must|cannot|can't) refuse"
        r"|(?:is|are) not allowed to refuse|has to accept you",
        re.IGNORECASE,
    ),
    "es": re.compile(
        r"no (?:debe|deben|puede|pueden) (?:rechazar|negar|negarse)|est[áa] obligad[oa] a aceptar",
        re.IGNORECASE,
    ),
    "ar": re.compile(
        r"لا يجوز (?:له|لها|لهم)? ?رفض|لا يمكن (?:له|لها)? ?رفض|لا يحق (?:له|لها|لهم) رفض"
    ),
}
# A right claimed in words; a translation may only claim one where the French does.
_RIGHT = {
    "fr": re.compile(r"\bdroits?\b|\bont le droit|\ba le droit", re.IGNORECASE),
    "en": re.compile(r"\bright to\b|\bentitled\b|\bhave the right|\bhas the right", re.IGNORECASE),
    "es": re.compile(r"\bderecho\b|\btiene derecho|\btienen derecho", re.IGNORECASE),
    "ar": re.compile(r"يحق|الحق في|لكم الحق|من حقكم|له الحق|لها الحق"),
}
# Topics whose answers are about immediate danger: the police may come first there.
_EMERGENCY_TOPICS = frozenset({"emergency_numbers"})
# Who the police rule protects.
_AT_RISK_STATUSES = frozenset({"undocumented", "minor"})
_AT_RISK_TOPICS = frozenset({"trafficking_help"})


@dataclass(frozen=True)
class LinedProblem(Problem):
    """A problem with the line of the YAML file it was found on (1-based)."""

    line: int | None = None

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{self.level}: {where}: {self.field}: {self.message}"


_PATH_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def _path(field: str) -> tuple[str | int, ...]:
    """`service_points[3].phones[0]` -> ("service_points", 3, "phones", 0)."""
    return tuple(
        int(index) if index else name for name, index in _PATH_PART.findall(field.split(" ")[0])
    )


class _Lines:
    """Where each value of each content file starts, by field path (read once per file)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.files: dict[str, dict[tuple[str | int, ...], yaml.Node]] = {}

    def _index(self, file: str) -> dict[tuple[str | int, ...], yaml.Node]:
        if file not in self.files:
            index: dict[tuple[str | int, ...], yaml.Node] = {}
            try:
                node = yaml.compose((self.root / file).read_text("utf-8"))
            except (OSError, yaml.YAMLError):
                node = None
            if node is not None:
                self._walk(node, (), index)
            self.files[file] = index
        return self.files[file]

    def _walk(
        self,
        node: yaml.Node,
        path: tuple[str | int, ...],
        index: dict[tuple[str | int, ...], yaml.Node],
    ) -> None:
        index[path] = node
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                index[(*path, key.value)] = value
                self._walk(value, (*path, key.value), index)
        elif isinstance(node, yaml.SequenceNode):
            for i, value in enumerate(node.value):
                self._walk(value, (*path, i), index)

    def line(self, file: str, field: str, offset: int | None = None) -> int | None:
        """The line of `field` in `file`; inside a `|` block, the line of character `offset`."""
        index = self._index(file)
        path = _path(field)
        while path and path not in index:
            path = path[:-1]
        node = index.get(path)
        if node is None:
            return None
        line = node.start_mark.line + 1
        if (
            offset is not None
            and isinstance(node, yaml.ScalarNode)
            and node.style == "|"
            and isinstance(node.value, str)
        ):
            line += 1 + node.value.count("\n", 0, offset)
        return line


def unisolated_runs(text: str) -> list[re.Match[str]]:
    """Numbers, times and law numbers of `text` that no direction isolate protects."""
    depth_at: list[int] = []
    depth = 0
    for char in text:
        depth_at.append(depth)
        if char in _ISOLATE_OPEN:
            depth += 1
        elif char == _PDI and depth:
            depth -= 1
    return [m for m in _NEEDS_ISOLATE.finditer(text) if depth_at[m.start()] == 0]


def home_page(url: str) -> bool:
    """A site's home page rather than the page that states the fact."""
    parts = urlsplit(url)
    return parts.path in {"", "/"} and not parts.query


@dataclass(frozen=True)
class _Text:
    """One user-facing text of the content, with where it lives and who reads it."""

    item: Located[Any]
    field: str
    language: str
    text: str
    topic: str | None = None
    status: str | None = None


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
        self.lines = _Lines(loaded.root)
        self.problems: list[Problem] = [
            LinedProblem(p.file, p.field, p.message, p.level, self.lines.line(p.file, p.field))
            for p in loaded.problems
        ]
        self.topic_ids = {t.doc.id for t in loaded.topics} | set(TOPICS)

    def _add(self, item: Located, field: str, message: str, level: str, offset: int | None) -> None:
        where = item.where(field)
        line = self.lines.line(item.file, where, offset)
        self.problems.append(LinedProblem(item.file, where, message, level, line))

    def error(self, item: Located, field: str, message: str, offset: int | None = None) -> None:
        """Record an error (`offset`: where in the field's text, for the line number)."""
        self._add(item, field, message, "error", offset)

    def warn(self, item: Located, field: str, message: str, offset: int | None = None) -> None:
        """Record a warning."""
        self._add(item, field, message, "warning", offset)

    def verified(self, item: Located, field: str, value: date | None) -> None:
        """A date in the future is an error; no date or an old one is a fact to re-check."""
        if value is None:
            self.warn(item, field, "unverified: no verification date (answers say so)")
        elif value > self.now:
            self.error(item, field, f"{value} is in the future")
        elif self.now - value > STALE_AFTER:
            self.warn(
                item, field, f"verified {value}, more than {STALE_AFTER.days} days ago: re-check it"
            )

    def sources(self, item: Located, field: str, sources: list[SourceDoc]) -> None:
        """Every source has a title and a well-formed URL, ideally the exact page."""
        for i, source in enumerate(sources):
            if not source.title.strip():
                self.error(item, f"{field}[{i}].title", "empty source title")
            if not valid_url(source.url):
                self.error(item, f"{field}[{i}].url", f"malformed URL {source.url!r}")
            elif home_page(source.url):
                self.warn(
                    item, f"{field}[{i}].url", f"{source.url} is a home page: cite the exact page"
                )

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
        self.check_texts()
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
                where = f"{base}.phones[{i}]"
                if not valid_e164(phone.number):
                    self.error(item, f"{where}.number", f"invalid phone {phone.number!r}")
                # Each line says what it is for and when it answers, on its own.
                self.languages(item, f"{where}.labels", phone.labels)
                self.check_hours(item, where, {str(day): v for day, v in phone.hours.items()})
                if not phone.sources:
                    self.error(item, f"{where}.sources", "no source")
                self.sources(item, f"{where}.sources", phone.sources)
                self.verified(item, f"{where}.verified_at", phone.verified_at)
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
            if not rule.sources:
                self.error(
                    item, "rules[{i}].sources", "no source: a rule cannot be published without one"
                )
            self.sources(item, "rules[{i}].sources", rule.sources)
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

    # --- the words users read ----------------------------------------------------------------

    def texts(self) -> Iterator[_Text]:
        """Every user-facing text, with its field, language, topic and status."""
        for item in self.loaded.topics:
            topic = item.doc
            for language, t in topic.translations.items():
                base = f"translations.{language}"
                for name in ("short_answer", "details", "legal_basis"):
                    yield _Text(item, f"{base}.{name}", language, getattr(t, name), topic.id)
                for status, text in t.by_status.items():
                    yield _Text(
                        item, f"{base}.by_status.{status}", language, text, topic.id, status
                    )
        for located_rule in self.loaded.eligibility:
            rule = located_rule.doc
            for language, et in rule.text.items():
                base = f"rules[{{i}}].text.{language}"
                yield _Text(
                    located_rule,
                    f"{base}.conditions",
                    language,
                    et.conditions,
                    rule.topic,
                    rule.status,
                )
                for j, document in enumerate(et.documents):
                    yield _Text(
                        located_rule,
                        f"{base}.documents[{j}]",
                        language,
                        document,
                        rule.topic,
                        rule.status,
                    )
        for point in self.loaded.service_points:
            for language, text in point.doc.description.items():
                yield _Text(point, f"service_points[{{i}}].description.{language}", language, text)
        for contact in self.loaded.emergency:
            for language, label in contact.doc.labels.items():
                base = f"contacts[{{i}}].labels.{language}"
                yield _Text(contact, f"{base}.label", language, label.label, "emergency_numbers")
                yield _Text(contact, f"{base}.note", language, label.note, "emergency_numbers")

    def known_numbers(self) -> set[str]:
        """Every structured number of the knowledge base, in E.164 and as bare digits."""
        numbers: set[str] = set()
        for point in self.loaded.service_points:
            numbers.update(phone.number for phone in point.doc.phones)
        for contact in self.loaded.emergency:
            numbers.add(contact.doc.number)
        return numbers | {re.sub(r"\D", "", n) for n in numbers}

    def check_texts(self) -> None:
        """Phones in prose, Arabic isolates, absolute wording, police first, certainty."""
        known = self.known_numbers()
        by_key: dict[tuple[str, int | None, str], dict[str, _Text]] = {}
        for t in self.texts():
            if not t.text:
                continue
            self.check_prose_phones(t, known)
            if t.language == "ar":
                for run in unisolated_runs(t.text):
                    self.error(
                        t.item,
                        t.field,
                        f"{run.group()!r} must be wrapped in direction isolates (U+2066…U+2069)",
                        run.start(),
                    )
            absolute = _ABSOLUTE.get(t.language)
            if absolute and (m := absolute.search(t.text)):
                self.error(
                    t.item,
                    t.field,
                    f"absolute wording {m.group()!r}: claim only what the source says",
                    m.start(),
                )
            if t.topic not in _EMERGENCY_TOPICS and (
                t.status in _AT_RISK_STATUSES or t.topic in _AT_RISK_TOPICS
            ):
                self.check_police_first(t)
            key = t.field.replace(f".{t.language}.", ".*.").replace(f".{t.language}", ".*")
            by_key.setdefault((t.item.file, t.item.index, key), {})[t.language] = t
        for group in by_key.values():
            self.check_rights_claimed(group)
        self.check_headlines()
        self.check_certainty()

    def check_prose_phones(self, t: _Text, known: set[str]) -> None:
        """A number written in prose is valid and is one of the knowledge base's numbers."""
        for m in _PROSE_PHONE.finditer(t.text):
            written = m.group().strip()
            digits = re.sub(r"\D", "", written)
            if not written.startswith("+") and digits in known:
                continue
            try:
                parsed = phonenumbers.parse(written, "MA")
            except phonenumbers.NumberParseException:
                parsed = None
            if parsed is None or not phonenumbers.is_valid_number(parsed):
                self.error(t.item, t.field, f"invalid phone {written!r} in the text", m.start())
                continue
            e164 = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
            if e164 not in known:
                self.error(
                    t.item,
                    t.field,
                    f"phone {written!r} is not a number of the knowledge base "
                    "(add it to a service point or emergency contact first)",
                    m.start(),
                )

    def check_police_first(self, t: _Text) -> None:
        """Police or prefecture as a first step, for people at risk, only with the risk said."""
        police = _POLICE[t.language]
        if _ARREST_RISK[t.language].search(t.text):
            return
        for m in police.finditer(t.text):
            before = t.text[max(0, m.start() - _POLICE_WINDOW) : m.start()]
            if _DANGER[t.language].search(before) or _SAFER_FIRST.search(t.text[: m.start()]):
                continue
            self.error(
                t.item,
                t.field,
                f"{m.group()!r} named first without the risk of arrest: put UNHCR's lines, IOM "
                "or NGOs first, or say the risk (police first only in immediate danger)",
                m.start(),
            )
            return

    def check_rights_claimed(self, group: dict[str, _Text]) -> None:
        """A translation claims a right only where the French does."""
        source = group.get("fr")
        if source is None or _RIGHT["fr"].search(source.text):
            return
        for language, t in group.items():
            if language == "fr":
                continue
            if m := _RIGHT[language].search(t.text):
                self.error(
                    t.item,
                    t.field,
                    f"{m.group()!r} claims a right that the French does not: "
                    "a translation is never more certain than the source",
                    m.start(),
                )

    def check_headlines(self) -> None:
        """A conditional (or negative) entitlement never headlines as yes."""
        pairs: dict[tuple[str, str], str] = {}
        for item in self.loaded.eligibility:
            rule = item.doc
            pairs[(rule.status, rule.topic)] = rule.entitled
            if rule.entitled == "yes":
                continue
            for language, text in rule.text.items():
                if (yes := _YES.get(language)) and yes.search(text.conditions):
                    self.error(
                        item,
                        f"rules[{{i}}].text.{language}.conditions",
                        f"entitled is {rule.entitled!r} but the text starts with yes",
                    )
        for topic in self.loaded.topics:
            for language, t in topic.doc.translations.items():
                for status, said in t.by_status.items():
                    entitled = pairs.get((status, topic.doc.id))
                    yes = _YES.get(language)
                    if entitled not in (None, "yes") and yes and yes.search(said):
                        self.error(
                            topic,
                            f"translations.{language}.by_status.{status}",
                            f"entitled is {entitled!r} but the text starts with yes",
                        )

    def check_certainty(self) -> None:
        """A translation is never marked more certain than the French."""
        for item in self.loaded.topics:
            source = item.doc.translations.get("fr")
            if source is None or not source.uncertain:
                continue
            for language, t in item.doc.translations.items():
                if language != "fr" and t.status != "missing" and not t.uncertain:
                    self.error(
                        item,
                        f"translations.{language}.uncertain",
                        "the French is marked uncertain: so must this translation be",
                    )


def check_content(loaded: LoadedContent, *, now: date | None = None) -> list[Problem]:
    """Every problem in a loaded content folder (errors and warnings)."""
    return _Checker(loaded, now or today()).run()
