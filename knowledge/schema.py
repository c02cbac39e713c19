"""The shape of the reviewable YAML content, shared by import, export and validation."""

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from dalil.languages import LANGUAGES

TOPICS: tuple[str, ...] = (
    "school_access",
    "health_care",
    "housing",
    "employment",
    "vocational_training",
    "legal_aid",
    "asylum",
    "residence_permit",
    "voluntary_return",
    "trafficking_help",
    "social_assistance",
    "birth_registration",
    "emergency_numbers",
)
STATUSES: tuple[str, ...] = ("refugee", "asylum_seeker", "regular_migrant", "undocumented", "minor")
TranslationStatus = Literal["current", "outdated", "missing"]
Entitled = Literal["yes", "no", "conditional"]
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]

__all__ = ["LANGUAGES", "STATUSES", "TOPICS"]


class Doc(BaseModel):
    """Strict base: an unknown key in the YAML is an error, not silently dropped."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class SourceDoc(Doc):
    """A public source of a fact."""

    title: str
    # The exact page that states the fact, never a site's home page.
    url: str
    # The source itself says the fact is dated or should be checked again.
    recheck: bool = False


class TopicTranslationDoc(Doc):
    """A topic's answer in one language."""

    status: TranslationStatus = "current"
    verified_at: date | None = None
    uncertain: bool = False
    short_answer: str = ""
    details: str = ""
    by_status: dict[str, str] = Field(default_factory=dict)
    legal_basis: str = ""
    sources: list[SourceDoc] = Field(default_factory=list)


class TopicDoc(Doc):
    """One topic file: `topics/<id>.yml`."""

    id: str
    position: int = 0
    translations: dict[str, TopicTranslationDoc]


class PhoneDoc(Doc):
    """A phone number (E.164 or short code) with what it is for, its own hours and sources."""

    number: str
    kind: Literal["voice", "whatsapp", "mobile", "tollfree", "fax"] = "voice"
    # language -> what this line is for.
    labels: dict[str, str] = Field(default_factory=dict)
    # This line's own hours, "HH:MM-HH:MM" in Moroccan local time; empty = no hours known.
    hours: dict[Weekday, list[str]] = Field(default_factory=dict)
    verified_at: date | None = None
    sources: list[SourceDoc] = Field(default_factory=list)


class ServicePointDoc(Doc):
    """An office or organisation."""

    id: str
    name: str
    organisation: str
    city: str
    address: str = ""
    lat: float
    lon: float
    approximate: bool = False
    phones: list[PhoneDoc] = Field(default_factory=list)
    email: str | None = None
    website: str | None = None
    # weekday -> ["HH:MM-HH:MM", ...], Moroccan local time.
    hours: dict[str, list[str]] = Field(default_factory=dict)
    topics: list[str] = Field(default_factory=list)
    languages: list[str] = Field(default_factory=list)
    serves: list[str] = Field(default_factory=list)
    verified_at: date | None = None
    uncertain: bool = False
    sources: list[SourceDoc] = Field(default_factory=list)
    description: dict[str, str] = Field(default_factory=dict)
    # Only the languages whose description is not current.
    translation_status: dict[str, TranslationStatus] = Field(default_factory=dict)


class ServicePointFileDoc(Doc):
    """One file `service_points/<city>.yml`."""

    service_points: list[ServicePointDoc]


class CityDoc(Doc):
    """A city: id, centre, names and other spellings."""

    id: str
    lat: float
    lon: float
    names: dict[str, str]
    aliases: list[str] = Field(default_factory=list)


class CitiesFileDoc(Doc):
    """The file `cities.yml`."""

    cities: list[CityDoc]


class EligibilityTextDoc(Doc):
    """A rule's conditions and documents in one language."""

    status: TranslationStatus = "current"
    conditions: str = ""
    documents: list[str] = Field(default_factory=list)


class EligibilityDoc(Doc):
    """Whether a status gives access to a topic, and where to go."""

    status: str
    topic: str
    entitled: Entitled
    where: str | None = None
    uncertain: bool = False
    verified_at: date | None = None
    # A rule without a source cannot be published.
    sources: list[SourceDoc] = Field(default_factory=list)
    text: dict[str, EligibilityTextDoc]


class EligibilityFileDoc(Doc):
    """The file `eligibility.yml`."""

    rules: list[EligibilityDoc]


class EmergencyLabelDoc(Doc):
    """What an emergency number is for, in one language."""

    status: TranslationStatus = "current"
    label: str
    note: str = ""


class EmergencyDoc(Doc):
    """An emergency number or hotline."""

    id: str
    number: str
    uncertain: bool = False
    verified_at: date | None = None
    sources: list[SourceDoc] = Field(default_factory=list)
    labels: dict[str, EmergencyLabelDoc]


class EmergencyFileDoc(Doc):
    """The file `emergency.yml`."""

    contacts: list[EmergencyDoc]


class ContentDoc(Doc):
    """All content, as read from or written to a content folder."""

    topics: list[TopicDoc]
    cities: list[CityDoc]
    service_points: list[ServicePointDoc]
    eligibility: list[EligibilityDoc]
    emergency: list[EmergencyDoc]
