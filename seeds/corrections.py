"""Reviewed corrections: merges of duplicate entities and updates of names, aliases and dates.

The desired state is rebuilt from the reference files and every article on each load, so a
correction made by editing stored documents would be undone by the next load. A correction is data
instead, a small YAML file like a bundle's, stored with the articles (the `corrections` collection;
on the embedded store also a file in the data folder) and replayed, in order, on every build:

```yaml
merge:                      # gunn-kim was a duplicate of kim-gunn
  kind: official
  keep: kim-gunn
  drop: gunn-kim
  source: https://www.nato.int/...
```

```yaml
update:
  kind: meeting
  id: nac-plus-4-2022-09-27
  name: NAC+4 meeting
  aliases: [NAC plus four]
  date: 2022-09-27
  article: korea-times-2022-09-28-nato-mission
  quote: attended the NAC+4 meeting
```

A merge makes every reference to `drop` (by id, name or alias, in any file) mean `keep`: the
dropped entity's declarations fold into the kept one (the kept one's values win; the dropped
one's name and id become aliases), and a redirect lets its old global id resolve. An update sets
the fields it gives on the entity (a new name keeps the old one as an alias) and adds its source.
A correction whose entities are gone (their articles were removed) is kept and does nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, HttpUrl, model_validator

from seeds.dates import DateError, date_document, order_problem
from seeds.inputs import Origin
from seeds.models import SLUG, IsoDate, Strict
from seeds.references import NameIndex
from seeds.yamlfile import YamlDocument, parse_yaml
from store import Document
from store.entities import collection_of

CorrectionKind = Literal["country", "official", "organisation", "meeting"]
MergeableKind = Literal["official", "organisation", "meeting"]
# The dates an update may set, per kind.
DATE_FIELDS: dict[str, tuple[str, ...]] = {
    "organisation": ("founded",),
    "meeting": ("date", "end_date"),
}


class CorrectionSource(Strict):
    """Why the correction is right: a reference URL, or a quote from a stored article."""

    source: HttpUrl | None = None
    article: str | None = Field(default=None, pattern=SLUG)
    quote: str | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _has_evidence(self) -> CorrectionSource:
        if self.source is None and self.quote is None:
            raise ValueError("give a `source` URL, or an `article` and a `quote` from it")
        if (self.article is None) != (self.quote is None):
            raise ValueError("a `quote` needs the `article` it is from, and the other way round")
        return self


class MergeEntry(CorrectionSource):
    kind: MergeableKind
    keep: str = Field(min_length=1)
    drop: str = Field(min_length=1)

    @model_validator(mode="after")
    def _two_entities(self) -> MergeEntry:
        if self.keep == self.drop:
            raise ValueError("`keep` and `drop` are the same entity")
        return self


class UpdateEntry(CorrectionSource):
    kind: CorrectionKind
    id: str = Field(min_length=1)
    name: str | None = Field(default=None, min_length=1)
    aliases: list[str] | None = None
    founded: IsoDate | None = None
    date: IsoDate | None = None
    end_date: IsoDate | None = None

    @model_validator(mode="after")
    def _changes_something(self) -> UpdateEntry:
        dates = {"founded", "date", "end_date"}
        given = {name for name in dates if getattr(self, name) is not None}
        allowed = set(DATE_FIELDS.get(self.kind, ()))
        if given - allowed:
            shown = ", ".join(f"`{name}`" for name in sorted(given - allowed))
            can = ", ".join(f"`{name}`" for name in sorted(allowed)) or "no dates"
            article = "an" if self.kind[0] in "aeiou" else "a"
            raise ValueError(f"{article} {self.kind} has no {shown}: it takes {can}")
        if self.name is None and self.aliases is None and not given:
            raise ValueError("an update changes `name`, `aliases` or a date; this one gives none")
        return self


class CorrectionFile(Strict):
    """One correction file: a `merge` or an `update`."""

    merge: MergeEntry | None = None
    update: UpdateEntry | None = None

    @model_validator(mode="after")
    def _one(self) -> CorrectionFile:
        if (self.merge is None) == (self.update is None):
            raise ValueError("a correction file holds one `merge` or one `update`")
        return self


@dataclass
class CorrectionInput:
    """A correction: its name (which orders it), label and YAML."""

    name: str
    label: str
    doc: YamlDocument
    yaml: str


def correction_from_yaml(name: str, text: str, label: str | None = None) -> CorrectionInput:
    """A correction from its YAML text (YamlSyntaxError when it does not parse)."""
    label = label or f"corrections/{name}.yaml"
    return CorrectionInput(name=name, label=label, doc=parse_yaml(text, Path(label)), yaml=text)


@dataclass
class Parsed:
    correction: CorrectionInput
    file: CorrectionFile

    def origin(self, *location: str | int) -> Origin:
        key = "merge" if self.file.merge else "update"
        return Origin(self.correction.doc, (key, *location), self.correction.label)


Report = Callable[[Origin, str], None]


class Corrections:
    """The corrections of one build, replayed at their three points of the build."""

    def __init__(self, parsed: list[Parsed]) -> None:
        self.parsed = sorted(parsed, key=lambda item: item.correction.name)
        # (collection, dropped id) -> kept id, chains followed to their end.
        self.redirects: dict[tuple[str, str], str] = {}
        # (collection, dropped id) -> (the merge's name, the kind merged)
        self._merged_by: dict[tuple[str, str], tuple[str, str]] = {}

    def target(self, collection: str, identifier: str) -> str:
        """Where an id points once the merges are applied."""
        seen = {identifier}
        while (collection, identifier) in self.redirects:
            identifier = self.redirects[(collection, identifier)]
            if identifier in seen:
                break
            seen.add(identifier)
        return identifier

    # --- before the entries are read: names -------------------------------------------------

    def declare(self, names: NameIndex) -> None:
        """Make merged ids and updated names resolve: after this, every reference to a dropped
        entity, by any of its names, resolves to the one kept."""
        for item in self.parsed:
            merge, update = item.file.merge, item.file.update
            if merge is not None:
                collection = collection_of(merge.kind)
                keep = self.target(collection, merge.keep)
                drop = self.target(collection, merge.drop)
                if keep == drop or not names.knows(merge.kind, keep):
                    continue
                if names.knows(merge.kind, drop):
                    names.redirect(merge.kind, drop, keep)
                self.redirects[(collection, drop)] = keep
                self._merged_by[(collection, drop)] = (item.correction.name, merge.kind)
            elif update is not None:
                identifier = self.target(collection_of(update.kind), update.id)
                if names.knows(update.kind, identifier):
                    names.add(update.kind, identifier, [update.name, *(update.aliases or [])])

    # --- before the partial documents are merged: fold the dropped into the kept -------------

    def fold(self, parts: dict[str, dict[str, list[tuple[Document, Origin]]]]) -> None:
        """Move each dropped entity's partial documents to the entity kept: the kept one's
        values win, the dropped one's fill gaps, its name and id become aliases."""
        for (collection, drop), _keep in list(self.redirects.items()):
            keep = self.target(collection, drop)
            contributions = parts[collection].pop(drop, None)
            if not contributions:
                continue
            kept = parts[collection][keep]
            set_fields = {
                key for document, _ in kept for key, value in document.items() if value is not None
            }
            for document, origin in contributions:
                folded = {
                    key: (None if key in set_fields and key != "aliases" else value)
                    for key, value in document.items()
                    if key not in ("sources",)
                }
                folded["_id"] = keep
                folded["name"] = None
                folded["aliases"] = [
                    *(document.get("aliases") or []),
                    *([document["name"]] if document.get("name") else []),
                    drop,
                ]
                folded["sources"] = document.get("sources") or []
                kept.append((folded, origin))

    # --- after merging: updates, and the documents of the corrections themselves --------------

    def update(
        self,
        collections: dict[str, dict[str, Document]],
        locate: Callable[[str, str], Document | None],
        report: Report,
    ) -> None:
        """Apply every update to the merged documents; `locate(article, quote)` finds a quote."""
        for item in self.parsed:
            update = item.file.update
            if update is None:
                continue
            collection = collection_of(update.kind)
            document = collections[collection].get(self.target(collection, update.id))
            if document is None:
                continue
            source = self._source(item, update, locate, report)
            if update.name is not None and update.name != document.get("name"):
                aliases = list(document.get("aliases") or [])
                if document.get("name") and document["name"] not in aliases:
                    aliases.append(document["name"])
                document["aliases"] = aliases
                document["name"] = update.name
            if update.aliases is not None:
                document["aliases"] = list(dict.fromkeys(update.aliases))
            if document.get("name") in document.get("aliases", []):
                document["aliases"] = [a for a in document["aliases"] if a != document["name"]]
            for field_name in DATE_FIELDS.get(update.kind, ()):
                value = getattr(update, field_name)
                if value is None:
                    continue
                try:
                    document[field_name] = date_document(value, None, None)
                except DateError as error:
                    report(item.origin(field_name), str(error))
            if update.kind == "meeting":
                problem = order_problem(document.get("date"), document.get("end_date"))
                if problem:
                    report(item.origin("end_date"), problem)
            if source is not None and source not in document.get("sources", []):
                document["sources"] = [*document.get("sources", []), source]

    @staticmethod
    def _source(
        item: Parsed,
        entry: CorrectionSource,
        locate: Callable[[str, str], Document | None],
        report: Report,
    ) -> Document | None:
        if entry.quote is not None and entry.article is not None:
            located = locate(entry.article, entry.quote)
            if located is None:
                report(
                    item.origin("quote"),
                    f"the quote {entry.quote!r} is not in the text of article {entry.article!r} "
                    "(or no stored article has that id)",
                )
                return None
            return {**located, "note": entry.note} if entry.note else located
        source: Document = {"url": str(entry.source)}
        return {**source, "note": entry.note} if entry.note else source

    def documents(self, collections: dict[str, dict[str, Document]]) -> dict[str, dict]:
        """The `corrections` and `redirects` collections of the desired state."""
        corrections = {
            item.correction.name: {"_id": item.correction.name, "yaml": item.correction.yaml}
            for item in self.parsed
        }
        redirects = {}
        for (collection, drop), (name, kind) in self._merged_by.items():
            keep = self.target(collection, drop)
            if keep not in collections[collection] or drop in collections[collection]:
                continue
            redirects[f"{kind}:{drop}"] = {
                "_id": f"{kind}:{drop}",
                "kind": kind,
                "from": drop,
                "to": keep,
                "correction": name,
            }
        return {"corrections": corrections, "redirects": redirects}


def parse_all(
    corrections: list[CorrectionInput], parse: Callable[[YamlDocument, Any, str], Any]
) -> Corrections:
    """Validate every correction file (problems go through `parse`, like every file's)."""
    parsed = []
    for correction in corrections:
        file = parse(correction.doc, CorrectionFile, correction.label)
        if file is not None:
            parsed.append(Parsed(correction, file))
    return Corrections(parsed)
