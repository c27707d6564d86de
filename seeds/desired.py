"""The desired state: every collection's documents built from the seed files, or every problem.

Each entry of the reference files and the articles' facts files becomes documents, references
resolved and documents merged.

Building is pure: it reads files (and articles already stored, passed in as text), checks them, and
returns the complete desired state of the database. Nothing is written here; `seeds.loader` compares
that state with the store and writes the difference. Every problem names its file, line and field.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from seeds.corrections import CorrectionInput, parse_all
from seeds.dates import DateError, PartialDate, date_document, order_problem, parse_iso
from seeds.derived import add_derived_fields
from seeds.duplicates import DuplicateNames, DuplicatePosts, unquoted_names
from seeds.inputs import (
    DRAFT,
    REFERENCE_DIR,
    ArticleInput,
    Origin,
    display,
    is_draft,
    origin_default_source,
)
from seeds.merging import Merger
from seeds.migrate import FACTS_FORMAT
from seeds.models import (
    ArticleMeta,
    CountriesFile,
    CountryNamesFile,
    DateInput,
    EntitiesAndRelations,
    Evidence,
    GroupEntry,
    Location,
    Named,
)
from seeds.problems import Problem, SeedValidationError, validation_problems
from seeds.references import NameIndex, slug
from seeds.timebounds import Dated, Grouped, Office, Stated, apply_bounds, evidence_days, spans_of
from seeds.yamlfile import YamlDocument, YamlSyntaxError, read_yaml
from store import Document
from store.entities import COLLECTIONS, NAMED_KINDS, collection_of
from store.names import token_key
from store.timeline import certainty_on


@dataclass
class Dataset:
    """The complete desired content of every collection, keyed by `_id`, and the warnings the
    inputs gave (sources that disagree: all kept, one preferred)."""

    collections: dict[str, dict[str, Document]]
    warnings: list[Problem]
    reference_refs: list[tuple[str, tuple[str, ...], str | None]] = field(default_factory=list)
    """What the reference data's references resolved to (Builder.reference_refs)."""

    def counts(self) -> dict[str, int]:
        return {name: len(documents) for name, documents in self.collections.items()}


class Builder:
    """Collects entries from every input, resolves their references, and merges them."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []
        self.names = NameIndex()
        self.duplicate_names = DuplicateNames()
        self.duplicate_posts = DuplicatePosts()
        self._parts: dict[str, dict[str, list[tuple[Document, Origin]]]] = {
            name: defaultdict(list) for name in COLLECTIONS
        }
        self._groups: list[tuple[str, Document, Origin]] = []
        # The order of the inputs, by label: reference files first, then articles by date.
        self.ranks: dict[str, int] = {}
        # What the evidence days of posts and memberships are computed from (seeds.timebounds).
        self.stated: list[Stated] = []
        self.dated: list[Dated] = []
        self.grouped: list[Grouped] = []
        self.offices: list[Office] = []
        # What each article's references resolved to ("kind:id"), stored with the article so that
        # a later load finds the articles a removed entity or name would break.
        self.mentions: dict[str, set[str]] = defaultdict(set)
        self.article_documents: dict[str, Document] = {}
        # What the reference data's references resolved to, in order: the same with and without
        # the articles, or a load cannot reuse the reference data compiled alone
        # (seeds.incremental).
        self.reference_refs: list[tuple[str, tuple[str, ...], str | None]] = []
        # When set, the entities whose names are checked against their quotes (an incremental
        # load checks those it rebuilds; the others' checks passed when they were loaded).
        self.quote_scope: set[tuple[str, str]] | None = None

    # --- reporting ----------------------------------------------------------------------------

    def problem(self, origin: Origin, message: str) -> None:
        """Record a problem at `origin`, which locates the field it is about."""
        self.problems.append(Problem(origin.label, origin.line, origin.field, message))

    def warning(self, origin: Origin, message: str) -> None:
        """Record a warning at `origin`: the load goes on, and the warning is shown."""
        self.warnings.append(Problem(origin.label, origin.line, origin.field, message))

    def rank(self, label: str) -> None:
        self.ranks.setdefault(label, len(self.ranks))

    def parse(self, doc: YamlDocument, model: type[BaseModel], label: str) -> Any:
        """Validate a YAML document against its model; problems recorded, None on failure."""
        try:
            return model.model_validate(doc.data if doc.data is not None else {})
        except ValidationError as error:
            self.problems.extend(validation_problems(doc, label, model, error))
            return None

    # --- reading the inputs --------------------------------------------------------------------

    def read_file(self, path: Path) -> YamlDocument | None:
        """A reference file's YAML; a problem (and None) when it is missing or does not parse."""
        try:
            return read_yaml(path)
        except YamlSyntaxError as error:
            self.problems.append(Problem(display(path), error.line, "", error.message))
        except FileNotFoundError:
            self.problems.append(Problem(display(path), None, "", "file not found"))
        return None

    def read_reference(
        self, reference_dir: Path
    ) -> list[tuple[YamlDocument, EntitiesAndRelations]]:
        """Add the countries, and parse every other reference file (in name order)."""
        countries_doc = self.read_file(reference_dir / "countries.yaml")
        names_doc = self.read_file(reference_dir / "country-names.yaml")
        countries = (
            self.parse(countries_doc, CountriesFile, display(countries_doc.path))
            if countries_doc
            else None
        )
        names = (
            self.parse(names_doc, CountryNamesFile, display(names_doc.path)) if names_doc else None
        )
        if countries:
            self.rank(display(countries_doc.path))
            self.add_countries(countries, names, (countries_doc, names_doc))
        reference: list[tuple[YamlDocument, EntitiesAndRelations]] = []
        for path in sorted(reference_dir.glob("*.yaml")):
            if path.name in ("countries.yaml", "country-names.yaml"):
                continue
            doc = self.read_file(path)
            parsed = self.parse(doc, EntitiesAndRelations, display(path)) if doc else None
            if parsed:
                self.rank(display(path))
                reference.append((doc, parsed))
        return reference

    def read_articles(
        self, articles: list[ArticleInput], note: Callable[[str], None]
    ) -> list[tuple[ArticleInput, EntitiesAndRelations, ArticleContext]]:
        """Parse each bundle, in publication order, and add its `articles` document."""
        parsed_articles: list[tuple[ArticleInput, EntitiesAndRelations, ArticleContext]] = []
        seen_ids: dict[str, str] = {}
        # In publication order, so that merged lists (sources, aliases) do not depend on the order
        # the articles were given in: loading A then B stores what loading B then A stores.
        for article in sorted(articles, key=article_order):
            note(f"reading {article.label}")
            meta = self.parse(article.meta_doc, ArticleMeta, f"{article.label}/article.yaml")
            if is_draft(article.facts_doc):
                self.problem(
                    Origin(article.facts_doc, ("draft",), f"{article.label}/facts.yaml"), DRAFT
                )
                continue
            facts = self.parse(
                article.facts_doc, EntitiesAndRelations, f"{article.label}/facts.yaml"
            )
            if meta is None or facts is None:
                continue
            meta_origin = Origin(article.meta_doc, (), f"{article.label}/article.yaml", meta.id)
            if meta.id in seen_ids and seen_ids[meta.id] != article.label:
                other = seen_ids[meta.id]
                self.problem(meta_origin.at("id"), f"{meta.id!r} is also the id of {other}")
                continue
            seen_ids[meta.id] = article.label
            if facts.source is not None:
                self.problem(
                    Origin(article.facts_doc, ("source",), f"{article.label}/facts.yaml"),
                    "facts files cite quotes, not a file-level source",
                )
            checksum = hashlib.sha256(article.text.encode("utf-8")).hexdigest()
            if meta.sha256 and meta.sha256 != checksum:
                self.problem(
                    meta_origin.at("sha256"),
                    f"article.txt has sha256 {checksum}, not the recorded one: the text changed "
                    "since its facts were reviewed. Check the quotes, then record the new sha256",
                )
            try:
                published = parse_iso(meta.published.date)
            except DateError as error:
                self.problem(meta_origin.at("published", "date"), str(error))
                continue
            context = ArticleContext(meta.id, article.text, published, article.label)
            parsed_articles.append((article, facts, context))
            self.rank(f"{article.label}/facts.yaml")
            document = {
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
                "format": FACTS_FORMAT,
            }
            self.article_documents[meta.id] = document
            self.add("articles", document, meta_origin)
        return parsed_articles

    def note_mentions(self) -> None:
        """Store with each article what its references resolved to (sorted `kind:id`s)."""
        for article_id, document in self.article_documents.items():
            document["mentions"] = sorted(self.mentions.get(article_id, ()))

    @classmethod
    def continuing(cls, reference: ReferenceBuild, names: NameIndex) -> Builder:
        """A builder that goes on from the reference data compiled alone: its names (through
        `names`, which reads them), declarations, posts, ranks and offices. Its parts are only
        the articles' (the reference's are `reference.parts`)."""
        builder = cls()
        builder.names = names
        builder.duplicate_names = reference.duplicate_names.copy()
        builder.duplicate_posts = reference.duplicate_posts.copy()
        builder.ranks = dict(reference.ranks)
        builder.offices = list(reference.offices)
        return builder

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
            # An article's own URL source says which article relies on it (reference sources
            # have no article: that is how researched facts are told apart).
            found.append({"url": str(entry.source), "article_id": article.article_id})
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
        kinds = tuple(kinds)
        try:
            kind, entity_id = self.names.resolve(ref, kinds, origin.label)
        except ValueError as error:
            self.problem(origin.at(*where), str(error))
            if origin.article is None:
                self.reference_refs.append((ref, kinds, None))
            return None
        if origin.article is None:
            self.reference_refs.append((ref, kinds, f"{kind}:{entity_id}"))
        else:
            self.mentions[origin.article].add(f"{kind}:{entity_id}")
        return {"kind": kind, "id": entity_id}

    def refs(
        self, refs: list[str], kinds: Iterable[str], origin: Origin, field_name: str
    ) -> list[Document]:
        """Resolve a list of references; the ones that do not resolve are problems, left out."""
        found = [
            self.ref(ref, kinds, origin, field_name, position) for position, ref in enumerate(refs)
        ]
        return [ref for ref in found if ref]

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
        """First pass: make every declared name resolvable before any reference is read, and
        note each name where it is written, for the duplicate checks."""
        sections: list[tuple[str, str, list[Named]]] = [
            ("organisation", "organisations", list(facts.organisations)),
            ("official", "officials", list(facts.officials)),
            ("meeting", "meetings", list(facts.meetings)),
            ("event", "events", list(facts.events)),
        ]
        for kind, section, entries in sections:
            for index, entry in enumerate(entries):
                names = _written_names(entry, origin.at(section, index))
                self.names.add(kind, entry.id, [entry.id, *(name for name, _ in names)])
                self.duplicate_names.declare(kind, entry.id, names, entry.distinct_from)
        for statement in facts.statements:
            self.names.add("statement", statement.id, [statement.id])

    def check_names_quoted(
        self, kind: str, entry: Named, origin: Origin, article: ArticleContext | None
    ) -> None:
        """An article entry's names must be written in its quotes, unless `name_source` says
        where they come from, or another input already gives the entity that name (an article
        restating NATO by its full name, quoting "NATO")."""
        if article is None or entry.name_source is not None:
            return
        if self.quote_scope is not None and (kind, entry.id) not in self.quote_scope:
            return
        quotes = [entry.quote] if isinstance(entry.quote, str) else list(entry.quote or [])
        new = [
            (name, where)
            for name, where in _written_names(entry, origin)
            if name and not self.duplicate_names.named_elsewhere(kind, entry.id, name, origin.label)
        ]
        unquoted_names(new, quotes, self.problem)

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
            return Origin(doc, tuple(location), label, article.article_id if article else None)

        def record_dated(collection: str, identifier: str, evidence: list[Document]) -> None:
            if article is not None:
                spans = spans_of(evidence, article.article_id)
                self.dated.append(Dated(article.article_id, spans, (collection, identifier)))

        def record_stated(collection: str, identifier: str, evidence: list[Document]) -> None:
            if article is not None:
                spans = spans_of(evidence, article.article_id)
                self.stated.append(Stated(collection, identifier, article.article_id, spans))

        for index, org in enumerate(facts.organisations):
            origin = at("organisations", index)
            self.check_names_quoted("organisation", org, origin, article)
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
            self.check_names_quoted("official", official, origin, article)
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
            self.check_names_quoted("meeting", meeting, origin, article)
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
            record_dated("meetings", meeting.id, document["sources"])
            for position, group in enumerate(groups):
                if group:
                    self._groups.append((meeting.id, group, origin.at("groups", position)))
                    if article is not None:
                        self.grouped.append(
                            Grouped(
                                article.article_id,
                                meeting.id,
                                group["organisation_id"],
                                tuple(group["roles"]),
                                group["as_of"],
                            )
                        )
        for index, event in enumerate(facts.events):
            origin = at("events", index)
            self.check_names_quoted("event", event, origin, article)
            document = {
                "_id": event.id,
                "name": event.name,
                "aliases": event.aliases,
                "kind": event.kind,
                "date": self.date(event.date, origin, "date", article),
                "end_date": self.date(event.end_date, origin, "end_date", article),
                "location": self.location(event.location, origin, "location"),
                "actors": self.refs(event.actors, ACTOR_KINDS, origin, "actors"),
                "subjects": self.refs(event.subjects, NAMED_KINDS, origin, "subjects"),
                "sources": self.sources(event, origin, article),
            }
            self.check_order(document["date"], document["end_date"], origin.at("end_date"))
            self.add("events", document, origin)
            record_dated("events", event.id, document["sources"])
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
            if meeting_id:
                record_dated("meetings", meeting_id, evidence)
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
            identifier = post.id or f"{official_id}--{slug(post.title)}"
            document = {
                "_id": identifier,
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
            }
            self.duplicate_posts.add(identifier, document, origin, post.distinct_from, self.problem)
            self.add("posts", document, origin)
            record_stated("posts", identifier, document["sources"])
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
                    record_stated("memberships", identifier, evidence)
        for index, decision in enumerate(facts.decisions):
            origin = at("decisions", index)
            subjects = [
                self.ref(subject, NAMED_KINDS, origin, "subjects", position)
                for position, subject in enumerate(decision.subjects)
            ]
            evidence = self.sources(decision, origin, article)
            self.add(
                "decisions",
                {
                    "_id": decision.id,
                    "body_id": self.ref_id(decision.body, "organisation", origin, "body"),
                    "date": self.date(decision.date, origin, "date", article),
                    "summary": decision.summary,
                    "subjects": [subject for subject in subjects if subject],
                    "sources": evidence,
                },
                origin,
            )
            record_dated("decisions", decision.id, evidence)
        for index, statement in enumerate(facts.statements):
            origin = at("statements", index)
            speakers = (
                [(statement.speaker, origin.at("speaker"))]
                if statement.speaker
                else [(ref, origin.at("speakers", i)) for i, ref in enumerate(statement.speakers)]
            )
            behalf = statement.on_behalf_of
            on_behalf_of = (
                self.refs(behalf, ("country", "organisation"), origin, "on_behalf_of")
                if isinstance(behalf, list)
                else [
                    ref
                    for ref in [
                        self.ref(behalf, ("country", "organisation"), origin, "on_behalf_of")
                    ]
                    if ref
                ]
            )
            evidence = self.sources(statement, origin, article)
            self.add(
                "statements",
                {
                    "_id": statement.id,
                    "summary": statement.summary,
                    "kind": statement.kind,
                    "speakers": [
                        ref
                        for ref in (self.ref(r, ACTOR_KINDS, where) for r, where in speakers)
                        if ref
                    ],
                    "on_behalf_of": on_behalf_of,
                    "subjects": self.refs(statement.about, NAMED_KINDS, origin, "about"),
                    "meeting_id": self.ref_id(statement.meeting, "meeting", origin, "meeting"),
                    "date": self.date(statement.date, origin, "date", article),
                    "sources": evidence,
                },
                origin,
            )
            record_dated("statements", statement.id, evidence)
        for index, office in enumerate(facts.offices):
            origin = at("offices", index)
            if article is not None:
                self.problem(origin, "offices are reference data: list them in seeds/reference")
                continue
            self.sources(office, origin, article)
            self.offices.append(
                Office(
                    token_key(office.title),
                    self.ref_id(office.country, "country", origin, "country"),
                    self.ref_id(office.organisation, "organisation", origin, "organisation"),
                    origin,
                )
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
        return Merger(self.problem, self.warning).merge(self._parts, self.ranks)

    def bound_in_time(self, collections: dict[str, dict[str, Document]]) -> None:
        """Posts and memberships: the days each is known, or possibly, to hold."""
        evidence_days(collections, self.stated, self.dated, self.grouped)
        apply_bounds(collections, self.offices, self.warning, self.origin_of)

    def origin_of(self, collection: str, identifier: str) -> Origin:
        """Where a document was first given."""
        return self._parts[collection][identifier][0][1]

    def check_groups(self, collections: dict[str, dict[str, Document]]) -> None:
        """A group that states its size ("30 NATO members") must resolve to that many members."""
        memberships_by_org: dict[str, list[Document]] = defaultdict(list)
        for membership in collections["memberships"].values():
            memberships_by_org[membership["organisation_id"]].append(membership)
        for meeting_id, group, origin in self._groups:
            meeting = collections["meetings"].get(meeting_id, {})
            memberships = memberships_by_org[group["organisation_id"]]
            found = group_count_problem(group, meeting, memberships)
            if found is not None:
                self.problem(origin.at(found[0]), found[1])

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


def group_count_problem(
    group: Document, meeting: Document, memberships: list[Document]
) -> tuple[str, str] | None:
    """(field, message) when a group's stated size does not match its organisation's
    `memberships` known on the day it counts from; None when it does, or states no size."""
    if group["expected_count"] is None:
        return None
    as_of = (group["as_of"] or meeting.get("date") or {}).get("earliest")
    if as_of is None:
        return "as_of", "the meeting has no date; give the group an `as_of` date"
    certainty: dict[str, set[str]] = {"known": set(), "possible": set()}
    for membership in memberships:
        held = certainty_on(membership, as_of)
        if membership["role"] in group["roles"] and held:
            certainty[held].add(membership["member"]["id"])
    members, possible = certainty["known"], certainty["possible"] - certainty["known"]
    if len(members) == group["expected_count"]:
        return None
    maybe = (
        f"; possibly also (no evidence for that day): {', '.join(sorted(possible))}"
        if possible
        else ""
    )
    return "expected_count", (
        f"the text says {group['expected_count']}, but {group['organisation_id']} had "
        f"{len(members)} with role {'/'.join(group['roles'])} on {as_of}: "
        f"{', '.join(sorted(members))}{maybe}"
    )


ACTOR_KINDS = ("official", "country", "organisation")


def _written_names(entry: Named, origin: Origin) -> list[tuple[str | None, Origin]]:
    """An entity entry's name, acronym and aliases, each with the place it is written."""
    names: list[tuple[str | None, Origin]] = [(getattr(entry, "name", None), origin.at("name"))]
    if acronym := getattr(entry, "acronym", None):
        names.append((acronym, origin.at("acronym")))
    aliases = getattr(entry, "aliases", [])
    names += [(alias, origin.at("aliases", position)) for position, alias in enumerate(aliases)]
    return names


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
    with _without_cycle_collection():
        return _build_dataset(articles, reference_dir, progress, corrections)


@dataclass(eq=False)
class ReferenceBuild:
    """The reference data compiled alone: what a build holds once it has read, declared and
    added the reference files, before any article. An incremental load starts from it instead of
    reading the reference files again (seeds.incremental)."""

    names: NameIndex
    duplicate_names: DuplicateNames
    duplicate_posts: DuplicatePosts
    parts: dict[str, dict[str, list[tuple[Document, Origin]]]]
    ranks: dict[str, int]
    offices: list[Office]
    reference_refs: list[tuple[str, tuple[str, ...], str | None]]
    problems: list[Problem]


def compile_reference(reference_dir: Path = REFERENCE_DIR) -> ReferenceBuild:
    """Read, declare and add the reference files, as a build does before its articles."""
    with _without_cycle_collection():
        builder = Builder()
        reference = builder.read_reference(reference_dir)
        for doc, facts in reference:
            builder.declare_entities(facts, Origin(doc, (), display(doc.path)))
        builder.duplicate_names.check(builder.problem, builder.names.newcomer)
        for doc, facts in reference:
            builder.add_facts(facts, doc, display(doc.path), None)
        return ReferenceBuild(
            names=builder.names,
            duplicate_names=builder.duplicate_names,
            duplicate_posts=builder.duplicate_posts,
            parts=builder.parts,
            ranks=builder.ranks,
            offices=builder.offices,
            reference_refs=builder.reference_refs,
            problems=builder.problems,
        )


@contextmanager
def _without_cycle_collection() -> Iterator[None]:
    """Building allocates hundreds of thousands of small objects that live until the end, and
    makes no garbage cycles; the cyclic collector would walk the growing heap again and again
    (more than half the build time at 1,000 articles). Reference counting still frees memory."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _build_dataset(
    articles: list[ArticleInput],
    reference_dir: Path,
    progress: Callable[[str], None] | None,
    corrections: list[CorrectionInput] | None,
) -> Dataset:
    builder = Builder()
    problems = builder.problems
    note = progress or (lambda _message: None)

    note("reading reference data")
    reference = builder.read_reference(reference_dir)
    parsed_articles = builder.read_articles(articles, note)

    fixes = parse_all(corrections or [], builder.parse)
    note("resolving names")
    for doc, facts in reference:
        builder.declare_entities(facts, Origin(doc, (), display(doc.path)))
    for article, facts, context in parsed_articles:
        label = f"{article.label}/facts.yaml"
        builder.declare_entities(facts, Origin(article.facts_doc, (), label, context.article_id))
    fixes.declare(builder.names)
    # An entity a correction merges into another is that one, not a duplicate of it.
    merged = {(kind.removesuffix("s"), drop) for kind, drop in fixes.redirects}
    builder.duplicate_names.check(builder.problem, builder.names.newcomer, merged)
    for doc, facts in reference:
        builder.add_facts(facts, doc, display(doc.path), None)
    for article, facts, context in parsed_articles:
        builder.add_facts(facts, article.facts_doc, f"{article.label}/facts.yaml", context)
    builder.note_mentions()

    note("merging")
    fixes.fold(builder.parts)
    collections = builder.merge()
    contexts = {context.article_id: context for _article, _facts, context in parsed_articles}

    def locate(article_id: str, quote: str) -> Document | None:
        context = contexts.get(article_id)
        return context.locate(quote) if context else None

    before = _claimed_values(collections)
    fixes.update(collections, locate, builder.problem)
    _corrected_claims(collections, before)
    collections.update(fixes.documents(collections))
    builder.bound_in_time(collections)
    builder.check_groups(collections)
    builder.check_parents(collections)
    if problems:
        raise SeedValidationError(problems)
    add_derived_fields(collections)
    add_name_keys(collections, builder.names)
    return Dataset(
        collections=collections,
        warnings=builder.warnings,
        reference_refs=builder.reference_refs,
    )


def add_name_keys(collections: dict[str, dict[str, Document]], names: NameIndex) -> None:
    """Set `name_keys` on every entity: what the name index matches it by (NameIndex.keys_of)."""
    for kind in NAMED_KINDS:
        for identifier, document in collections.get(collection_of(kind), {}).items():
            document["name_keys"] = names.keys_of(kind, identifier)


def _claimed_values(collections: dict[str, dict[str, Document]]) -> dict[tuple, Any]:
    """The values of every field articles claim, before corrections are applied."""
    return {
        (collection, identifier, field_name): document.get(field_name)
        for collection, documents in collections.items()
        for identifier, document in documents.items()
        for field_name in document.get("claims") or {}
    }


def _corrected_claims(collections: dict[str, dict[str, Document]], before: dict) -> None:
    """A reviewed correction that changed a field is its preferred value: the sources' values
    stay, as alternatives with their value written out (the preferred one has none)."""
    for (collection, identifier, field_name), value in before.items():
        document = collections[collection][identifier]
        if document.get(field_name) == value:
            continue
        alternatives = document["claims"][field_name]
        document["claims"][field_name] = [
            {"by": [{"article_id": None, "correction": True}]},
            {"value": value, "by": alternatives[0]["by"]},
            *alternatives[1:],
        ]


def article_order(article: ArticleInput) -> tuple[str, str, str]:
    """Publication date, then id: merged sources read in the order the articles appeared."""
    meta = article.meta_doc.data if isinstance(article.meta_doc.data, dict) else {}
    published = meta.get("published")
    date = published.get("date") if isinstance(published, dict) else None
    return (str(date or ""), str(meta.get("id") or ""), article.label)
