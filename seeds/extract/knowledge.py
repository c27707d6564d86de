"""What the graph already knows, as the extractor needs it: every entity's names, and the posts,
memberships, meetings and participations to refer to by id instead of re-creating them.

It is built from exactly what the loader would see (the reference files, the bundles, the
articles already stored), through the loader's own `build_dataset`, so a draft links to the ids
a load would resolve.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from seeds.desired import build_dataset
from seeds.inputs import REFERENCE_DIR, ArticleInput
from seeds.references import NameIndex
from store import Document
from store.names import name_key
from store.timeline import in_force

# Which collection holds each kind a mention can name.
COLLECTION_OF = {
    "country": "countries",
    "organisation": "organisations",
    "official": "officials",
    "meeting": "meetings",
}


@dataclass(frozen=True)
class Surface:
    """One way the text may name a known entity: "Seoul" is a metonym of KR."""

    text: str
    kind: str
    entity_id: str
    form: str  # name, alias, acronym, demonym, metonym, capital


@dataclass
class Knowledge:
    """The known graph: documents by collection, with the lookups linking needs."""

    collections: dict[str, dict[str, Document]]
    names: NameIndex = field(default_factory=NameIndex)
    surfaces: list[Surface] = field(default_factory=list)
    participants: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    posts_of: dict[str, list[Document]] = field(default_factory=lambda: defaultdict(list))
    article_ids: set[str] = field(default_factory=set)

    @classmethod
    def build(
        cls, articles: Iterable[ArticleInput] = (), reference_dir: Path = REFERENCE_DIR
    ) -> Knowledge:
        """The graph a load of `articles` (and the reference data) would produce."""
        dataset = build_dataset(list(articles), reference_dir)
        return cls.from_collections(dataset.collections)

    @classmethod
    def from_collections(cls, collections: dict[str, dict[str, Document]]) -> Knowledge:
        knowledge = cls(collections=collections)
        knowledge._index()
        return knowledge

    def _index(self) -> None:
        for code, country in self.collections["countries"].items():
            names = [country["name"], country["iso_name"], country.get("official_name")]
            names += country.get("aliases", []) + country.get("metonyms", [])
            self.names.add("country", code, [code, *names])
            for form, values in (
                ("name", [country["name"], country["iso_name"], country.get("official_name")]),
                ("alias", country.get("aliases", [])),
                ("metonym", country.get("metonyms", [])),
                ("demonym", country.get("demonyms", [])),
                ("capital", [country.get("capital")]),
            ):
                for value in values:
                    if value:
                        self.surfaces.append(Surface(value, "country", code, form))
        for org_id, org in self.collections["organisations"].items():
            self.names.add("organisation", org_id, [org_id, org["name"], org.get("acronym")])
            self.names.add("organisation", org_id, org.get("aliases", []))
            self.surfaces.append(Surface(org["name"], "organisation", org_id, "name"))
            if org.get("acronym"):
                self.surfaces.append(Surface(org["acronym"], "organisation", org_id, "acronym"))
            for alias in org.get("aliases", []):
                self.surfaces.append(Surface(alias, "organisation", org_id, "alias"))
        for official_id, official in self.collections["officials"].items():
            self.names.add("official", official_id, [official_id, official["name"]])
            self.names.add("official", official_id, official.get("aliases", []))
            self.surfaces.append(Surface(official["name"], "official", official_id, "name"))
            for alias in official.get("aliases", []):
                self.surfaces.append(Surface(alias, "official", official_id, "alias"))
        for meeting_id, meeting in self.collections["meetings"].items():
            self.names.add("meeting", meeting_id, [meeting_id, meeting["name"]])
            self.names.add("meeting", meeting_id, meeting.get("aliases", []))
            self.surfaces.append(Surface(meeting["name"], "meeting", meeting_id, "name"))
            for alias in meeting.get("aliases", []):
                self.surfaces.append(Surface(alias, "meeting", meeting_id, "alias"))
        for participation in self.collections["participations"].values():
            self.participants[participation["meeting_id"]].add(participation["participant"]["id"])
        for post in self.collections["posts"].values():
            self.posts_of[post["official_id"]].append(post)
        self.article_ids = set(self.collections["articles"])

    # --- lookups --------------------------------------------------------------------------------

    def get(self, kind: str, entity_id: str) -> Document | None:
        return self.collections[COLLECTION_OF[kind]].get(entity_id)

    def has(self, kind: str, entity_id: str) -> bool:
        return self.get(kind, entity_id) is not None

    def resolve(self, name: str, kinds: Iterable[str]) -> tuple[str, str] | None:
        """The one entity of `kinds` known by `name`, or None (unknown or ambiguous)."""
        try:
            return self.names.resolve(name, kinds)
        except ValueError:
            return None

    def participation(self, meeting_id: str, participant_id: str) -> Document | None:
        return self.collections["participations"].get(f"{meeting_id}--{participant_id.lower()}")

    def capital_of(self, city: str) -> str | None:
        key = name_key(city)
        for code, country in self.collections["countries"].items():
            if country.get("capital") and name_key(country["capital"]) == key:
                return code
        return None

    def country_of_official(self, official_id: str) -> str | None:
        official = self.collections["officials"].get(official_id)
        return official.get("country_id") if official else None

    def posts_in_force(self, official_id: str, as_of: str) -> list[Document]:
        return [post for post in self.posts_of.get(official_id, []) if in_force(post, as_of)]

    def post_holders(self, holder_id: str, title: str, as_of: str) -> list[str]:
        """Officials known to hold `title` for a country or organisation on `as_of`."""
        wanted = name_key(title)
        return [
            post["official_id"]
            for post in self.collections["posts"].values()
            if holder_id in (post.get("organisation_id"), post.get("country_id"))
            and name_key(post["title"]) == wanted
            and in_force(post, as_of)
        ]

    def membership_role(self, member_id: str, organisation_id: str, as_of: str) -> str | None:
        """The role a country has in an organisation on a day, by the membership history."""
        for membership in self.collections["memberships"].values():
            if (
                membership["member"]["id"] == member_id
                and membership["organisation_id"] == organisation_id
                and in_force(membership, as_of)
            ):
                return membership["role"]
        return None

    def membership(self, organisation_id: str, member_id: str, role: str) -> Document | None:
        for membership in self.collections["memberships"].values():
            if (
                membership["organisation_id"] == organisation_id
                and membership["member"]["id"] == member_id
                and membership["role"] == role
            ):
                return membership
        return None

    def members(self, organisation_id: str, role: str, as_of: str) -> list[str]:
        return sorted(
            membership["member"]["id"]
            for membership in self.collections["memberships"].values()
            if membership["organisation_id"] == organisation_id
            and membership["role"] == role
            and in_force(membership, as_of)
        )

    def children(self, organisation_id: str) -> list[str]:
        return [
            org_id
            for org_id, org in self.collections["organisations"].items()
            if org.get("parent_id") == organisation_id
        ]
