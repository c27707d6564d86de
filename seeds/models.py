"""The shape of every seed file, as pydantic models: unknown fields and wrong types are errors.

Reference files (`seeds/reference/*.yaml`) back each entry with a `source` URL; article facts files
back each entry with `quote`s from the article. The same entry models serve both; the builder checks
that each entry carries the evidence its file kind requires.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, HttpUrl, model_validator

SLUG = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
RELATION_ID = r"^[a-z0-9]+(?:-{1,2}[a-z0-9]+)*$"
ALPHA2 = r"^[A-Z]{2}$"
ALPHA3 = r"^[A-Z]{3}$"
NUMERIC = r"^\d{3}$"
QID = r"^Q\d+$"
SHA256 = r"^[0-9a-f]{64}$"
# What each pattern means, for error messages: a regex is not what an editor expects to read.
PATTERN_HINTS = {
    SLUG: "an id of lower-case letters and digits joined by hyphens, like `kim-gunn`",
    RELATION_ID: "an id of lower-case letters and digits joined by `-` or `--`, like "
    "`kim-gunn--special-representative`",
    ALPHA2: "a two-letter ISO 3166-1 code in capitals, like `KR`",
    ALPHA3: "a three-letter ISO 3166-1 code in capitals, like `KOR`",
    NUMERIC: "a three-digit ISO 3166-1 numeric code, like `410`",
    QID: "a Wikidata id, like `Q884`",
    SHA256: "64 lower-case hexadecimal digits (the output of `sha256sum article.txt`)",
}

Slug = str  # a stable, readable id: lower-case words joined by hyphens (ISO codes for countries)
Ref = str  # an id, a name or an alias of an entity, resolved by the builder
Quotes = str | list[str]

MembershipRole = Literal["member", "partner", "applicant", "invitee", "observer"]
OrganisationKind = Literal[
    "alliance",
    "council",
    "partnership",
    "government",
    "ministry",
    "office",
    "agency",
    "embassy",
    "mission",
    "other",
]
MeetingKind = Literal[
    "summit", "council_meeting", "ministerial", "bilateral", "multilateral", "conference", "other"
]
PostStatus = Literal["held", "designated"]
EventKind = Literal[
    "launch",
    "test",
    "exercise",
    "attack",
    "invasion",
    "election",
    "accession",
    "appointment",
    "resignation",
    "visit",
    "other",
]
StatementKind = Literal[
    "said",
    "announced",
    "discussed",
    "agreed",
    "pledged",
    "reaffirmed",
    "welcomed",
    "supported",
    "condemned",
    "protested",
    "accused",
    "blamed",
    "warned",
    "opposed",
    "called_for",
    "other",
]
# The capacity someone took part in a meeting in: a closed list, so that clients can filter on it.
ParticipationRole = Literal[
    "host",
    "chair",
    "leader",
    "representative",
    "member",
    "partner",
    "invitee",
    "observer",
    "participant",
]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class DatePhrase(Strict):
    """A date as the article words it; `phrase` must appear in the article text. `future` says the
    text looks ahead ("is scheduled to travel on Wednesday"): the phrase then means the first such
    day on or after the publication date, not the last one before it."""

    phrase: str = Field(min_length=1)
    future: bool = False


def _number_as_text(value: Any) -> Any:
    """YAML reads an unquoted year (`start: 2005`) as a number; a date is text."""
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


IsoDate = Annotated[str, BeforeValidator(_number_as_text)]  # YYYY, YYYY-MM or YYYY-MM-DD
DateInput = IsoDate | DatePhrase  # "2022-06-29" (researched) or {phrase: "on Monday"} (the text)


class Evidence(Strict):
    """Where an entry's facts come from: a reference URL, or quotes from the article."""

    source: HttpUrl | None = None
    quote: Quotes | None = None
    note: str | None = None


class Location(Strict):
    name: str | None = None
    city: str | None = None
    country: Ref | None = None


class Named(Evidence):
    """What every named entity of a facts file has besides its evidence.

    An article entry's name and aliases must be written in its quotes, unless `name_source` says
    where they come from instead: `editorial` (a name the editors gave it, as meetings usually
    have) or the URL of a page that names it. `distinct_from` lists entities of the same kind that
    share a name with this one but are others (namesakes): without it, a new id whose name is an
    existing entity's is refused as a duplicate.
    """

    name_source: Literal["editorial"] | HttpUrl | None = None
    distinct_from: list[Slug] = []


# --- reference-only files -------------------------------------------------------------------


class CountryRecord(Strict):
    """One ISO 3166-1 country, as generated from pycountry."""

    code: str = Field(pattern=ALPHA2)
    alpha3: str = Field(pattern=ALPHA3)
    numeric: str = Field(pattern=NUMERIC)
    name: str
    iso_name: str
    official_name: str | None = None


class CountriesFile(Strict):
    source: HttpUrl
    countries: list[CountryRecord]


class CountryNames(Evidence):
    """Curated names of a country: what news calls it, its people, and its capital."""

    code: str = Field(pattern=ALPHA2)
    name: str | None = None
    official_name: str | None = None
    aliases: list[str] = []
    demonyms: list[str] = []
    capital: str | None = None
    metonyms: list[str] = []
    wikidata: str | None = Field(default=None, pattern=QID)


class CountryNamesFile(Strict):
    source: HttpUrl | None = None
    countries: list[CountryNames]


# --- entities ---------------------------------------------------------------------------------


class OrganisationEntry(Named):
    id: Slug = Field(pattern=SLUG)
    name: str
    acronym: str | None = None
    aliases: list[str] = []
    kind: OrganisationKind | None = None
    parent: Ref | None = None
    country: Ref | None = None
    accredited_to: Ref | None = None
    hosted_by: Ref | None = None
    founded: DateInput | None = None
    headquarters: Location | None = None
    description: str | None = None
    described_as: list[str] = []
    wikidata: str | None = Field(default=None, pattern=QID)


class OfficialEntry(Named):
    id: Slug = Field(pattern=SLUG)
    name: str
    aliases: list[str] = []
    honorific: str | None = None
    country: Ref | None = None
    wikidata: str | None = Field(default=None, pattern=QID)


class GroupEntry(Evidence):
    """Participants given as a group: the members of an organisation with some roles, resolved as
    of the meeting's date (or `as_of`) when the graph is queried."""

    label: str
    organisation: Ref
    roles: list[MembershipRole] = ["member"]
    attended_as: ParticipationRole = "member"
    as_of: DateInput | None = None
    expected_count: int | None = Field(default=None, ge=0)


class MeetingEntry(Named):
    id: Slug = Field(pattern=SLUG)
    name: str
    aliases: list[str] = []
    kind: MeetingKind | None = None
    organiser: Ref | None = None
    parent: Ref | None = None
    date: DateInput | None = None
    end_date: DateInput | None = None
    location: Location | None = None
    groups: list[GroupEntry] = []


# --- relations --------------------------------------------------------------------------------


class ParticipationEntry(Evidence):
    meeting: Ref
    participant: Ref | None = None
    participants: list[Ref] = []
    role: ParticipationRole = "participant"
    on_behalf_of: Ref | None = None

    @model_validator(mode="after")
    def _one_participant_field(self) -> ParticipationEntry:
        if (self.participant is None) == (not self.participants):
            raise ValueError("give exactly one of `participant` or `participants`")
        return self


class PostEntry(Evidence):
    id: Slug | None = Field(default=None, pattern=RELATION_ID)
    official: Ref
    title: str
    organisation: Ref | None = None
    country: Ref | None = None
    status: PostStatus = "held"
    start: DateInput | None = None
    end: DateInput | None = None
    distinct_from: list[Slug] = []


class MembershipEntry(Evidence):
    id: Slug | None = Field(default=None, pattern=RELATION_ID)
    organisation: Ref
    member: Ref | None = None
    members: list[Ref] = []
    role: MembershipRole
    start: DateInput | None = None
    end: DateInput | None = None

    @model_validator(mode="after")
    def _one_member_field(self) -> MembershipEntry:
        if (self.member is None) == (not self.members):
            raise ValueError("give exactly one of `member` or `members`")
        return self


class DecisionEntry(Evidence):
    id: Slug = Field(pattern=SLUG)
    body: Ref
    date: DateInput | None = None
    summary: str
    subjects: list[Ref] = []


class EventEntry(Named):
    """Something that happened and is not a meeting: a launch, an invasion, an election, an
    accession. `actors` did it; `subjects` are who or what it was done to or about."""

    id: Slug = Field(pattern=SLUG)
    name: str
    aliases: list[str] = []
    kind: EventKind = "other"
    date: DateInput | None = None
    end_date: DateInput | None = None
    location: Location | None = None
    actors: list[Ref] = []
    subjects: list[Ref] = []


class StatementEntry(Evidence):
    """Something said: who spoke (`speaker` or `speakers`), on whose behalf, what kind of
    statement it was, what about, when and at which meeting. `summary` is the editors' one line
    ("Kamala Harris condemns North Korea's launch"); the quote is the article's words."""

    id: Slug = Field(pattern=SLUG)
    summary: str = Field(min_length=1)
    kind: StatementKind = "said"
    speaker: Ref | None = None
    speakers: list[Ref] = []
    on_behalf_of: Ref | list[Ref] | None = None
    about: list[Ref] = []
    meeting: Ref | None = None
    date: DateInput | None = None

    @model_validator(mode="after")
    def _one_speaker_field(self) -> StatementEntry:
        if (self.speaker is None) == (not self.speakers):
            raise ValueError("give exactly one of `speaker` or `speakers`")
        return self


class OfficeEntry(Evidence):
    """An office one person holds at a time (reference data only): posts with this title (written
    any way that gives the same name key) for this country and organisation are its holders, in
    succession, so that a holder's post starts no earlier than the previous holder's ends."""

    title: str = Field(min_length=1)
    country: Ref | None = None
    organisation: Ref | None = None

    @model_validator(mode="after")
    def _whose(self) -> OfficeEntry:
        if self.country is None and self.organisation is None:
            raise ValueError("give the `country` or the `organisation` whose office it is")
        return self


class EntitiesAndRelations(Strict):
    """What a reference file or an article's facts file may declare."""

    source: HttpUrl | None = None
    organisations: list[OrganisationEntry] = []
    officials: list[OfficialEntry] = []
    meetings: list[MeetingEntry] = []
    events: list[EventEntry] = []
    participations: list[ParticipationEntry] = []
    posts: list[PostEntry] = []
    memberships: list[MembershipEntry] = []
    decisions: list[DecisionEntry] = []
    statements: list[StatementEntry] = []
    offices: list[OfficeEntry] = []


# --- articles ---------------------------------------------------------------------------------


class Published(Strict):
    date: IsoDate
    inferred: bool = False
    note: str | None = None


class ArticleMeta(Strict):
    """article.yaml: what the article is and where it was published."""

    id: Slug = Field(pattern=SLUG)
    title: str
    title_is_editorial: bool = False
    url: HttpUrl
    publisher: str
    authors: list[str] = []
    language: str = "en"
    published: Published
    sha256: str | None = Field(default=None, pattern=SHA256)
