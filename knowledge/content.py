"""Read and write the YAML content folder, keeping where each entry came from."""

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, Generic, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from knowledge.schema import (
    STATUSES,
    TOPICS,
    CitiesFileDoc,
    CityDoc,
    ContentDoc,
    EligibilityDoc,
    EligibilityFileDoc,
    EmergencyDoc,
    EmergencyFileDoc,
    ServicePointDoc,
    ServicePointFileDoc,
    TopicDoc,
)

T = TypeVar("T", bound=BaseModel)

HEADERS = {
    "topics": "# One topic in every language; fr is the source. Checked by `dalil kb validate`.\n",
    "cities": "# Cities: canonical id, centre, name in each language and other spellings people type.\n",
    "service_points": "# Service points of one city. Phones in E.164; hours in Moroccan local time.\n",
    "eligibility": "# Who is entitled to what: one rule per status and topic, texts in every language.\n",
    "emergency": "# Emergency numbers and hotlines, with what each is for in every language.\n",
}


class ContentError(Exception):
    """The content folder has errors; `problems` lists them."""

    def __init__(self, problems: list["Problem"]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass(frozen=True)
class Problem:
    """A validation finding, naming the file and the field."""

    file: str
    field: str
    message: str
    level: str = "error"

    def __str__(self) -> str:
        return f"{self.level}: {self.file}: {self.field}: {self.message}"


@dataclass(frozen=True)
class Located(Generic[T]):
    """A content entry with the file and list index it came from."""

    doc: T
    file: str
    index: int | None = None

    def where(self, name: str) -> str:
        """A field path inside the file, e.g. `service_points[3].phones[0].number`."""
        return name if self.index is None else name.format(i=self.index)


@dataclass
class LoadedContent:
    """Everything read from a content folder, with the problems met while reading."""

    root: Path
    topics: list[Located[TopicDoc]] = field(default_factory=list)
    cities: list[Located[CityDoc]] = field(default_factory=list)
    service_points: list[Located[ServicePointDoc]] = field(default_factory=list)
    eligibility: list[Located[EligibilityDoc]] = field(default_factory=list)
    emergency: list[Located[EmergencyDoc]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def doc(self) -> ContentDoc:
        """The content as one canonical document."""
        return canonical(
            ContentDoc(
                topics=[x.doc for x in self.topics],
                cities=[x.doc for x in self.cities],
                service_points=[x.doc for x in self.service_points],
                eligibility=[x.doc for x in self.eligibility],
                emergency=[x.doc for x in self.emergency],
            )
        )

    @property
    def errors(self) -> list[Problem]:
        """Only the problems that make the content unusable."""
        return [p for p in self.problems if p.level == "error"]


def _field_path(loc: tuple[Any, ...]) -> str:
    """Render a pydantic error location as `a[0].b`."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(file)"


def _read_yaml(path: Path, root: Path, problems: list[Problem]) -> Any:
    """Parse a YAML file, recording a syntax error instead of raising."""
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        problems.append(Problem(_rel(path, root), "(file)", f"invalid YAML: {exc}"))
        return None


def _rel(path: Path, root: Path) -> str:
    """The file's path relative to the content folder, for messages."""
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def _parse(model: type[T], data: Any, file: str, problems: list[Problem]) -> T | None:
    """Validate `data` against `model`, recording each error with its field."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors():
            problems.append(Problem(file, _field_path(err["loc"]), err["msg"]))
        return None


def load_content(root: Path) -> LoadedContent:
    """Read a content folder; missing files are empty, errors land in `problems`."""
    root = Path(root)
    loaded = LoadedContent(root=root)
    problems = loaded.problems
    if not root.is_dir():
        problems.append(Problem(str(root), "(folder)", "content folder not found"))
        return loaded
    for path in sorted((root / "topics").glob("*.yml")):
        file = _rel(path, root)
        topic = _parse(TopicDoc, _read_yaml(path, root, problems), file, problems)
        if topic is not None:
            loaded.topics.append(Located(topic, file))
    cities_path = root / "cities.yml"
    if cities_path.exists():
        file = _rel(cities_path, root)
        cities = _parse(CitiesFileDoc, _read_yaml(cities_path, root, problems), file, problems)
        if cities is not None:
            loaded.cities.extend(Located(c, file, i) for i, c in enumerate(cities.cities))
    for path in sorted((root / "service_points").glob("*.yml")):
        file = _rel(path, root)
        points = _parse(ServicePointFileDoc, _read_yaml(path, root, problems), file, problems)
        if points is not None:
            loaded.service_points.extend(
                Located(p, file, i) for i, p in enumerate(points.service_points)
            )
    eligibility_path = root / "eligibility.yml"
    if eligibility_path.exists():
        file = _rel(eligibility_path, root)
        rules = _parse(
            EligibilityFileDoc, _read_yaml(eligibility_path, root, problems), file, problems
        )
        if rules is not None:
            loaded.eligibility.extend(Located(r, file, i) for i, r in enumerate(rules.rules))
    emergency_path = root / "emergency.yml"
    if emergency_path.exists():
        file = _rel(emergency_path, root)
        contacts = _parse(
            EmergencyFileDoc, _read_yaml(emergency_path, root, problems), file, problems
        )
        if contacts is not None:
            loaded.emergency.extend(Located(c, file, i) for i, c in enumerate(contacts.contacts))
    return loaded


def _topic_rank(topic_id: str) -> int:
    """Position of a topic in the fixed list (unknown ones last)."""
    return TOPICS.index(topic_id) if topic_id in TOPICS else len(TOPICS)


def _status_rank(status: str) -> int:
    """Position of a status in the fixed list (unknown ones last)."""
    return STATUSES.index(status) if status in STATUSES else len(STATUSES)


def canonical(doc: ContentDoc) -> ContentDoc:
    """Order everything deterministically, so equal content compares and dumps equal."""
    return ContentDoc(
        topics=sorted(doc.topics, key=lambda t: (t.position, t.id)),
        cities=sorted(doc.cities, key=lambda c: c.id),
        service_points=sorted(
            (
                p.model_copy(update={"topics": sorted(p.topics), "serves": sorted(p.serves)})
                for p in doc.service_points
            ),
            key=lambda p: (p.city, p.id),
        ),
        eligibility=sorted(
            doc.eligibility, key=lambda r: (_topic_rank(r.topic), r.topic, _status_rank(r.status))
        ),
        emergency=list(doc.emergency),
    )


class _Dumper(yaml.SafeDumper):
    """YAML dumper writing multi-line text as literal blocks, for reviewable diffs."""


def _str_representer(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    """Use `|` blocks for multi-line strings."""
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str_representer)


def dump_yaml(data: Any) -> str:
    """Serialise to YAML as people would write it: UTF-8, keys in model order."""
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100, indent=2)


def _plain(model: BaseModel) -> dict[str, Any]:
    """A model as plain data, without fields left at their defaults."""
    return model.model_dump(mode="python", exclude_defaults=True)


def write_content(doc: ContentDoc, root: Path) -> list[Path]:
    """Write `doc` as a content folder (the layout `load_content` reads); returns the files."""
    root = Path(root)
    doc = canonical(doc)
    written: list[Path] = []

    def write(path: Path, header: str, data: Any) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(header + dump_yaml(data), encoding="utf-8")
        written.append(path)

    for topic in doc.topics:
        write(root / "topics" / f"{topic.id}.yml", HEADERS["topics"], _plain(topic))
    if doc.cities:
        write(root / "cities.yml", HEADERS["cities"], {"cities": [_plain(c) for c in doc.cities]})
    by_city: dict[str, list[ServicePointDoc]] = {}
    for point in doc.service_points:
        by_city.setdefault(point.city, []).append(point)
    for city, points in by_city.items():
        write(
            root / "service_points" / f"{city}.yml",
            HEADERS["service_points"],
            {"service_points": [_plain(p) for p in points]},
        )
    if doc.eligibility:
        write(
            root / "eligibility.yml",
            HEADERS["eligibility"],
            {"rules": [_plain(r) for r in doc.eligibility]},
        )
    if doc.emergency:
        write(
            root / "emergency.yml",
            HEADERS["emergency"],
            {"contacts": [_plain(c) for c in doc.emergency]},
        )
    return written


def iter_hours(hours: Mapping[str, list[str]]) -> Iterator[tuple[str, str, time, time]]:
    """Yield (weekday, interval text, opens, closes); raises ValueError on a malformed one."""
    for day, intervals in hours.items():
        for interval in intervals:
            opens_text, sep, closes_text = interval.partition("-")
            if not sep:
                raise ValueError(f"{day}: {interval!r} is not HH:MM-HH:MM")
            opens = datetime.strptime(opens_text.strip(), "%H:%M").time()
            closes = datetime.strptime(closes_text.strip(), "%H:%M").time()
            yield day, interval, opens, closes


def today() -> date:
    """Today's date (a seam for tests)."""
    return date.today()
