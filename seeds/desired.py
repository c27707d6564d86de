"""The desired state: every collection's documents built from the seed files, or every problem.

Each entry of the reference files and the articles' facts files becomes documents, references
resolved and documents merged.

Building is pure: it reads files (and articles already stored, passed in as text), checks them, and
returns the complete desired state of the database. Nothing is written here; `seeds.loader` compares
that state with the store and writes the difference. Every problem names its file, line and field.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from seeds.corrections import CorrectionInput, parse_all
from seeds.dates import DateError, PartialDate, date_document, order_problem, parse_iso
from seeds.derived import add_derived_fields
from seeds.inputs import (
    DRAFT,
    REFERENCE_DIR,
    ArticleInput,
    Origin,
    display,
    is_draft,
    origin_default_source,
)
from seeds.merging import merge
from seeds.models import (
    ArticleMeta,
    CountriesFile,
    CountryNamesFile,
    DateInput,
    EntitiesAndRelations,
    Evidence,
    GroupEntry,
    Location,
)
from seeds.problems import Problem, SeedValidationError, validation_problems
from seeds.references import NameIndex, slug
from seeds.yamlfile import YamlDocument, YamlSyntaxError, read_yaml
from store import Document
from store.entities import COLLECTIONS, NAMED_KINDS
from store.timeline import in_force


@dataclass
class Dataset:
    """The complete desired content of every collection, keyed by `_id`."""

    collections: dict[str, dict[str, Document]]

    def counts(self) -> dict[str, int]:
        return {name: len(documents) for name, documents in self.collections.items()}


class Builder:
    """Collects entries from every input, resolves their references, and merges them."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.names = NameIndex()
        self._parts: dict[str, dict[str, list[tuple[Document, Origin]]]] = {
            name: defaultdict(list) for name in COLLECTIONS
        }
        self._groups: list[tuple[str, Document, Origin]] = []

    # --- reporting ----------------------------------------------------------------------------

    def problem(self, origin: Origin, message: str) -> None:
        """Record a problem at `origin`, which locates the field it is about."""
        self.problems.append(Problem(origin.label, origin.line, origin.field, message))

    def parse(self, doc: YamlDocument, model: type[BaseModel], label: str) -> Any:
        """Validate a YAML document against its model; problems recorded, None on failure."""
        try:
            return model.model_validate(doc.data if doc.data is not None else {})
        except ValidationError as error:
            self.problems.extend(validation_problems(doc, label, model, error))
            return None

    # --- evidence and values -----------------------------------------------------------------

    def sources(self, entry: Evidence, origin: Origin, article: ArticleContext | None) -> list:
        """The `sources` of an entry: quotes located in the article, or the reference URL."""
        if article is None:
            url = entry.source or origin_default_source(origin)
            if entry.quote is not None:
                self.problem(origin.at("quote"), "reference files cite a `source` URL, not quotes")
            if url is None:
                self.problem(origin.at("source"), "every reference entry needs a `source` URL")
                return []
            return [{"url": str(url), "note": entry.note} if entry.note else {"url": str(url)}]
        quotes = [entry.quote] if isinstance(entry.quote, str) else list(entry.quote or [])
        found: list[Document] = []
        if entry.source is not None:
            found.append({"url": str(entry.source)})
        if not quotes and entry.source is None:
            self.problem(origin.at("quote"), "every fact from an article needs a verbatim `quote`")
        for index, quote in enumerate(quotes):
            where = (
                origin.at("quote", index) if isinstance(entry.quote, list) else origin.at("quote")
            )
            located = article.locate(quote) if quote else None
            if not quote:
                self.problem(where, "a quote cannot be empty")
            elif located is None:
                self.problem(where, article.missing_quote_message(quote))
            else:
                found.append({**located, "note": entry.note} if entry.note else located)
        return found

    def date(
        self,
        value: DateInput | None,
        origin: Origin,
        field_name: str,
        article: ArticleContext | None,
    ) -> Document | None:
        if value is None:
            return None
        text, published = (article.text, article.published) if article else (None, None)
        try:
            return date_document(value, text, published)
        except DateError as error:
            self.problem(origin.at(field_name), str(error))
            return None

    def check_order(self, start: Document | None, end: Document | None, origin: Origin) -> None:
        """An end date is the first day a relation no longer holds: it cannot precede the start."""
        problem = order_problem(start, end)
        if problem:
            self.problem(origin, problem)

    def ref(self, ref: str | None, kinds: Iterable[str], origin: Origin, *where: str | int) -> Any:
        """Resolve a reference, written at `origin.at(*where)`, to {kind, id}; None (and a
        problem) when it does not resolve."""
        if ref is None:
            return None
        try:
            kind, entity_id = self.names.resolve(ref, kinds)
        except ValueError as error:
            self.problem(origin.at(*where), str(error))
            return None
        return {"kind": kind, "id": entity_id}

    def ref_id(self, ref: str | None, kind: str, origin: Origin, *where: str | int) -> str | None:
        resolved = self.ref(ref, [kind], origin, *where)
        return resolved["id"] if resolved else None

    def location(self, location: Location | None, origin: Origin, field_name: str) -> Any:
        if location is None:
            return None
        return {
            "name": location.name,
            "city": location.city,
            "country_id": self.ref_id(location.country, "country", origin, field_name, "country"),
        }

    def add(self, collection: str, document: Document, origin: Origin) -> None:
        self._parts[collection][document["_id"]].append((document, origin))

    # --- inputs ------------------------------------------------------------------------------

    def declare_entities(self, facts: EntitiesAndRelations, origin: Origin) -> None:
        """First pass: make every declared name resolvable before any reference is read."""
        for org in facts.organisations:
            self.names.add("organisation", org.id, [org.id, org.name, org.acronym, *org.aliases])
        for official in facts.officials:
            self.names.add("official", official.id, [official.id, official.name, *official.aliases])
        for meeting in facts.meetings:
            self.names.add("meeting", meeting.id, [meeting.id, meeting.name, *meeting.aliases])

    def add_countries(self, countries: CountriesFile, names: CountryNamesFile | None, docs) -> None:
        countries_doc, names_doc = docs
        curated: dict[str, tuple[int, Any]] = {}
        for index, entry in enumerate(names.countries if names else []):
            if entry.code in curated:
                self.problem(
                    Origin(names_doc, ("countries", index, "code"), display(names_doc.path)),
                    f"{entry.code} is already curated at line "
                    f"{names_doc.line_of(('countries', curated[entry.code][0]))}; "
                    "give each country one entry",
                )
            curated.setdefault(entry.code, (index, entry))
        known = {country.code for country in countries.countries}
        for index, country in enumerate(countries.countries):
            origin = Origin(countries_doc, ("countries", index), display(countries_doc.path))
            document: Document = {
                "_id": country.code,
                "alpha3": country.alpha3,
                "numeric": country.numeric,
                "name": country.name,
                "iso_name": country.iso_name,
                "official_name": country.official_name,
                "aliases": [],
                "demonyms": [],
                "metonyms": [],
                "capital": None,
                "wikidata": None,
                "sources": [{"url": str(countries.source)}],
            }
            if country.code in curated:
                position, entry = curated[country.code]
                names_origin = Origin(names_doc, ("countries", position), display(names_doc.path))
                document.update(
                    name=entry.name or country.name,
                    official_name=entry.official_name or country.official_name,
                    aliases=entry.aliases,
                    demonyms=entry.demonyms,
                    metonyms=entry.metonyms,
                    capital=entry.capital,
                    wikidata=entry.wikidata,
                )
                document["sources"] = document["sources"] + self.sources(entry, names_origin, None)
            names_list = [
                document["name"],
                document["iso_name"],
                document["official_name"],
                country.alpha3,
                *document["aliases"],
                *document["metonyms"],
            ]
            self.names.add("country", country.code, [country.code, *names_list])
            self.add("countries", document, origin)
        if names:
            for code, (position, _) in curated.items():
                if code not in known:
                    names_origin = Origin(
                        names_doc, ("countries", position), display(names_doc.path)
                    )
                    self.problem(names_origin.at("code"), f"{code!r} is not an ISO 3166-1 code")

    def add_facts(
        self,
        facts: EntitiesAndRelations,
        doc: YamlDocument,
        label: str,
        article: ArticleContext | None,
    ) -> None:
        """Second pass: every entry of a reference or facts file, references resolved."""

        def at(*location: str | int) -> Origin:
            return Origin(doc, tuple(location), label)

        for index, org in enumerate(facts.organisations):
            origin = at("organisations", index)
            described = []
            for position, text in enumerate(org.described_as):
                located = article.locate(text) if article else None
                if article is None:
                    self.problem(
                        origin.at("described_as", position),
                        "only articles describe; a reference entry has a `description`",
                    )
                elif located is None:
                    self.problem(
                        origin.at("described_as", position), article.missing_quote_message(text)
                    )
                else:
                    described.append({"text": text, "sources": [located]})
            self.add(
                "organisations",
                {
                    "_id": org.id,
                    "name": org.name,
                    "acronym": org.acronym,
                    "aliases": org.aliases,
                    "kind": org.kind,
                    "parent_id": self.ref_id(org.parent, "organisation", origin, "parent"),
                    "country_id": self.ref_id(org.country, "country", origin, "country"),
                    "accredited_to_id": self.ref_id(
                        org.accredited_to, "organisation", origin, "accredited_to"
                    ),
                    "hosted_by_id": self.ref_id(org.hosted_by, "organisation", origin, "hosted_by"),
                    "founded": self.date(org.founded, origin, "founded", article),
                    "headquarters": self.location(org.headquarters, origin, "headquarters"),
                    "description": org.description,
                    "described_as": described,
                    "wikidata": org.wikidata,
                    "sources": self.sources(org, origin, article),
                },
                origin,
            )
        for index, official in enumerate(facts.officials):
            origin = at("officials", index)
            self.add(
                "officials",
                {
                    "_id": official.id,
                    "name": official.name,
                    "aliases": official.aliases,
                    "honorific": official.honorific,
                    "country_id": self.ref_id(official.country, "country", origin, "country"),
                    "wikidata": official.wikidata,
                    "sources": self.sources(official, origin, article),
                },
                origin,
            )
        for index, meeting in enumerate(facts.meetings):
            origin = at("meetings", index)
            groups = [
                self.group(group, origin.at("groups", position), article)
                for position, group in enumerate(meeting.groups)
            ]
            document = {
                "_id": meeting.id,
                "name": meeting.name,
                "aliases": meeting.aliases,
                "kind": meeting.kind,
                "organiser_id": self.ref_id(meeting.organiser, "organisation", origin, "organiser"),
                "parent_id": self.ref_id(meeting.parent, "meeting", origin, "parent"),
                "date": self.date(meeting.date, origin, "date", article),
                "end_date": self.date(meeting.end_date, origin, "end_date", article),
                "location": self.location(meeting.location, origin, "location"),
                "group_participants": [group for group in groups if group],
                "sources": self.sources(meeting, origin, article),
            }
            self.check_order(document["date"], document["end_date"], origin.at("end_date"))
            self.add("meetings", document, origin)
            for position, group in enumerate(groups):
                if group:
                    self._groups.append((meeting.id, group, origin.at("groups", position)))
        participant_kinds = ("official", "country", "organisation")
        for index, entry in enumerate(facts.participations):
            origin = at("participations", index)
            meeting_id = self.ref_id(entry.meeting, "meeting", origin, "meeting")
            on_behalf_of = self.ref(
                entry.on_behalf_of, ("country", "organisation"), origin, "on_behalf_of"
            )
            evidence = self.sources(entry, origin, article)
            refs = (
                [(entry.participant, origin.at("participant"))]
                if entry.participant
                else [
                    (ref, origin.at("participants", position))
                    for position, ref in enumerate(entry.participants)
                ]
            )
            for ref, where in refs:
                participant = self.ref(ref, participant_kinds, where)
                if meeting_id and participant:
                    self.add(
                        "participations",
                        {
                            "_id": f"{meeting_id}--{participant['id'].lower()}",
                            "meeting_id": meeting_id,
                            "participant": participant,
                            "role": entry.role,
                            "on_behalf_of": on_behalf_of,
                            "sources": evidence,
                        },
                        origin,
                    )
        for index, post in enumerate(facts.posts):
            origin = at("posts", index)
            official_id = self.ref_id(post.official, "official", origin, "official")
            if official_id is None:
                continue
            attested = [article.published_document()] if article else []
            start = self.date(post.start, origin, "start", article)
            end = self.date(post.end, origin, "end", article)
            self.check_order(start, end, origin.at("end"))
            self.add(
                "posts",
                {
                    "_id": post.id or f"{official_id}--{slug(post.title)}",
                    "official_id": official_id,
                    "title": post.title,
                    "organisation_id": self.ref_id(
                        post.organisation, "organisation", origin, "organisation"
                    ),
                    "country_id": self.ref_id(post.country, "country", origin, "country"),
                    "status": post.status,
                    "start": start,
                    "end": end,
                    "attested": attested,
                    "sources": self.sources(post, origin, article),
                },
                origin,
            )
        for index, membership in enumerate(facts.memberships):
            origin = at("memberships", index)
            organisation_id = self.ref_id(
                membership.organisation, "organisation", origin, "organisation"
            )
            start = self.date(membership.start, origin, "start", article)
            end = self.date(membership.end, origin, "end", article)
            self.check_order(start, end, origin.at("end"))
            if membership.id and len(membership.members) > 1:
                self.problem(
                    origin.at("id"), "an explicit `id` names one membership; give one `member`"
                )
                continue
            evidence = self.sources(membership, origin, article)
            refs = (
                [(membership.member, origin.at("member"))]
                if membership.member
                else [
                    (ref, origin.at("members", position))
                    for position, ref in enumerate(membership.members)
                ]
            )
            for ref, where in refs:
                member = self.ref(ref, ("country", "organisation"), where)
                if organisation_id and member:
                    identifier = membership.id or (
                        f"{organisation_id}--{member['id'].lower()}--{membership.role}"
                    )
                    self.add(
                        "memberships",
                        {
                            "_id": identifier,
                            "member": member,
                            "organisation_id": organisation_id,
                            "role": membership.role,
                            "start": start,
                            "end": end,
                            "sources": evidence,
                        },
                        origin,
                    )
        for index, decision in enumerate(facts.decisions):
            origin = at("decisions", index)
            subjects = [
                self.ref(subject, NAMED_KINDS, origin, "subjects", position)
                for position, subject in enumerate(decision.subjects)
            ]
            self.add(
                "decisions",
                {
                    "_id": decision.id,
                    "body_id": self.ref_id(decision.body, "organisation", origin, "body"),
                    "date": self.date(decision.date, origin, "date", article),
                    "summary": decision.summary,
                    "subjects": [subject for subject in subjects if subject],
                    "sources": self.sources(decision, origin, article),
                },
                origin,
            )

    def group(self, group: GroupEntry, origin: Origin, article: ArticleContext | None) -> Any:
        organisation_id = self.ref_id(group.organisation, "organisation", origin, "organisation")
        if organisation_id is None:
            return None
        return {
            "label": group.label,
            "organisation_id": organisation_id,
            "roles": group.roles,
            "attended_as": group.attended_as,
            "as_of": self.date(group.as_of, origin, "as_of", article),
            "expected_count": group.expected_count,
            "sources": self.sources(group, origin, article),
        }

    @property
    def parts(self) -> dict[str, dict[str, list[tuple[Document, Origin]]]]:
        """The partial documents so far, by collection and id (corrections fold them)."""
        return self._parts

    def merge(self) -> dict[str, dict[str, Document]]:
        """Every collection's documents, each folded from what the inputs said of it."""
        return merge(self._parts, self.problem)

    def check_groups(self, collections: dict[str, dict[str, Document]]) -> None:
        """A group that states its size ("30 NATO members") must resolve to that many members."""
        memberships_by_org: dict[str, list[Document]] = defaultdict(list)
        for membership in collections["memberships"].values():
            memberships_by_org[membership["organisation_id"]].append(membership)
        for meeting_id, group, origin in self._groups:
            if group["expected_count"] is None:
                continue
            meeting = collections["meetings"].get(meeting_id, {})
            as_of = (group["as_of"] or meeting.get("date") or {}).get("earliest")
            if as_of is None:
                self.problem(
                    origin.at("as_of"), "the meeting has no date; give the group an `as_of` date"
                )
                continue
            members = {
                membership["member"]["id"]
                for membership in memberships_by_org[group["organisation_id"]]
                if membership["role"] in group["roles"] and in_force(membership, as_of)
            }
            if len(members) != group["expected_count"]:
                self.problem(
                    origin.at("expected_count"),
                    f"the text says {group['expected_count']}, but {group['organisation_id']} had "
                    f"{len(members)} with role {'/'.join(group['roles'])} on {as_of}: "
                    f"{', '.join(sorted(members))}",
                )

    def check_parents(self, collections: dict[str, dict[str, Document]]) -> None:
        for collection in ("organisations", "meetings"):
            documents = collections[collection]
            for identifier in documents:
                seen = {identifier}
                current = documents[identifier].get("parent_id")
                while current:
                    if current in seen:
                        origin = self._parts[collection][identifier][0][1]
                        self.problem(origin.at("parent"), f"{identifier} is its own ancestor")
                        break
                    seen.add(current)
                    current = documents.get(current, {}).get("parent_id")


class ArticleContext:
    """An article's text and anchor date, for locating quotes and resolving date phrases."""

    def __init__(self, article_id: str, text: str, published: PartialDate, label: str) -> None:
        self.article_id = article_id
        self.text = text
        self.published_date = published
        self.published = dt.date.fromisoformat(published.earliest)
        self.label = label

    def locate(self, quote: str) -> Document | None:
        start = self.text.find(quote)
        if start < 0:
            return None
        return {
            "article_id": self.article_id,
            "quote": quote,
            "start": start,
            "end": start + len(quote),
        }

    def missing_quote_message(self, quote: str) -> str:
        words = quote.split()
        hint = ""
        for size in range(len(words), 0, -1):
            prefix = " ".join(words[:size])
            if prefix and prefix in self.text:
                hint = f" (the text matches up to {prefix!r}, then differs)"
                break
        return f"the quote {quote!r} is not in article.txt{hint}"

    def published_document(self) -> Document:
        return self.published_date.to_document()


def build_dataset(
    articles: list[ArticleInput],
    reference_dir: Path = REFERENCE_DIR,
    progress: Callable[[str], None] | None = None,
    corrections: list[CorrectionInput] | None = None,
) -> Dataset:
    """Read the reference files, the given articles and the corrections; return every
    collection's documents.

    Raises SeedValidationError listing every problem found, so that one run shows them all.
    """
    builder = Builder()
    problems = builder.problems
    note = progress or (lambda _message: None)

    def read(path: Path) -> YamlDocument | None:
        try:
            return read_yaml(path)
        except YamlSyntaxError as error:
            problems.append(Problem(display(path), error.line, "", error.message))
        except FileNotFoundError:
            problems.append(Problem(display(path), None, "", "file not found"))
        return None

    note("reading reference data")
    countries_doc = read(reference_dir / "countries.yaml")
    names_doc = read(reference_dir / "country-names.yaml")
    countries = (
        builder.parse(countries_doc, CountriesFile, display(countries_doc.path))
        if countries_doc
        else None
    )
    names = (
        builder.parse(names_doc, CountryNamesFile, display(names_doc.path)) if names_doc else None
    )
    if countries:
        builder.add_countries(countries, names, (countries_doc, names_doc))

    reference: list[tuple[YamlDocument, EntitiesAndRelations]] = []
    for path in sorted(reference_dir.glob("*.yaml")):
        if path.name in ("countries.yaml", "country-names.yaml"):
            continue
        doc = read(path)
        parsed = builder.parse(doc, EntitiesAndRelations, display(path)) if doc else None
        if parsed:
            reference.append((doc, parsed))

    parsed_articles: list[tuple[ArticleInput, EntitiesAndRelations, ArticleContext]] = []
    seen_ids: dict[str, str] = {}
    # In publication order, so that merged lists (sources, aliases) do not depend on the order
    # the articles were given in: loading A then B stores what loading B then A stores.
    for article in sorted(articles, key=_article_order):
        note(f"reading {article.label}")
        meta = builder.parse(article.meta_doc, ArticleMeta, f"{article.label}/article.yaml")
        if is_draft(article.facts_doc):
            builder.problem(
                Origin(article.facts_doc, ("draft",), f"{article.label}/facts.yaml"), DRAFT
            )
            continue
        facts = builder.parse(
            article.facts_doc, EntitiesAndRelations, f"{article.label}/facts.yaml"
        )
        if meta is None or facts is None:
            continue
        meta_origin = Origin(article.meta_doc, (), f"{article.label}/article.yaml")
        if meta.id in seen_ids and seen_ids[meta.id] != article.label:
            other = seen_ids[meta.id]
            builder.problem(meta_origin.at("id"), f"{meta.id!r} is also the id of {other}")
            continue
        seen_ids[meta.id] = article.label
        if facts.source is not None:
            builder.problem(
                Origin(article.facts_doc, ("source",), f"{article.label}/facts.yaml"),
                "facts files cite quotes, not a file-level source",
            )
        checksum = hashlib.sha256(article.text.encode("utf-8")).hexdigest()
        if meta.sha256 and meta.sha256 != checksum:
            builder.problem(
                meta_origin.at("sha256"),
                f"article.txt has sha256 {checksum}, not the recorded one: the text changed "
                "since its facts were reviewed. Check the quotes, then record the new sha256",
            )
        try:
            published = parse_iso(meta.published.date)
        except DateError as error:
            builder.problem(meta_origin.at("published", "date"), str(error))
            continue
        context = ArticleContext(meta.id, article.text, published, article.label)
        parsed_articles.append((article, facts, context))
        builder.add(
            "articles",
            {
                "_id": meta.id,
                "title": meta.title,
                "title_is_editorial": meta.title_is_editorial,
                "url": str(meta.url),
                "publisher": meta.publisher,
                "authors": meta.authors,
                "language": meta.language,
                "published": {
                    **published.to_document(),
                    "inferred": meta.published.inferred,
                    "note": meta.published.note,
                },
                "text": article.text,
                "sha256": checksum,
                "meta_yaml": article.meta_yaml,
                "facts_yaml": article.facts_yaml,
            },
            meta_origin,
        )

    fixes = parse_all(corrections or [], builder.parse)
    note("resolving names")
    for doc, facts in reference:
        builder.declare_entities(facts, Origin(doc, (), display(doc.path)))
    for article, facts, _context in parsed_articles:
        builder.declare_entities(facts, Origin(article.facts_doc, (), article.label))
    fixes.declare(builder.names)
    for doc, facts in reference:
        builder.add_facts(facts, doc, display(doc.path), None)
    for article, facts, context in parsed_articles:
        builder.add_facts(facts, article.facts_doc, f"{article.label}/facts.yaml", context)

    note("merging")
    fixes.fold(builder.parts)
    collections = builder.merge()
    contexts = {context.article_id: context for _article, _facts, context in parsed_articles}

    def locate(article_id: str, quote: str) -> Document | None:
        context = contexts.get(article_id)
        return context.locate(quote) if context else None

    fixes.update(collections, locate, builder.problem)
    collections.update(fixes.documents(collections))
    builder.check_groups(collections)
    builder.check_parents(collections)
    if problems:
        raise SeedValidationError(problems)
    add_derived_fields(collections)
    return Dataset(collections=collections)


def _article_order(article: ArticleInput) -> tuple[str, str, str]:
    """Publication date, then id: merged sources read in the order the articles appeared."""
    meta = article.meta_doc.data if isinstance(article.meta_doc.data, dict) else {}
    published = meta.get("published")
    date = published.get("date") if isinstance(published, dict) else None
    return (str(date or ""), str(meta.get("id") or ""), article.label)
