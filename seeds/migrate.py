"""Rewriting facts files written for an earlier version of the format, so that they load again.

Format 2 (this one) refuses an article entry whose name or aliases its quotes do not write, unless
`name_source` says where the name comes from. Facts files written before that rule named meetings
and bodies the editors' way ("Meeting of Kim Gunn and Mircea Geoana at NATO headquarters"), which
the old loader accepted; the migration marks each such entry `name_source: editorial`, keeping
every other byte of the file (comments, order, folding). Review what it marks: a misspelt name is
marked too, and is better fixed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from seeds.models import EntitiesAndRelations, Named
from seeds.yamlfile import parse_yaml
from store.names import occurs_in

NAMED_SECTIONS = ("organisations", "officials", "meetings", "events")
FACTS_FORMAT = 2
"""The format a stored article's facts were validated against (its `format`): an article stored
without one was stored by an earlier version, and is migrated as it is read."""


@dataclass(frozen=True)
class Migration:
    """A facts file's text after migration, and a line per change (or per entry left alone)."""

    text: str
    changes: list[str]
    problems: list[str]

    @property
    def changed(self) -> bool:
        return bool(self.changes)


def _unquoted(entry: Named) -> bool:
    quotes = [entry.quote] if isinstance(entry.quote, str) else list(entry.quote or [])
    names = [getattr(entry, "name", None), getattr(entry, "acronym", None)]
    names += list(getattr(entry, "aliases", []))
    return bool(quotes) and any(
        name and not any(occurs_in(name, quote) for quote in quotes) for name in names
    )


def needs_migration(data: object) -> bool:
    """Whether parsed facts (`facts.yaml` as data) have an entry the migration would mark: a cheap
    look at the raw mappings, so that a load does not validate every stored file twice."""
    if not isinstance(data, dict):
        return False
    for section in NAMED_SECTIONS:
        for entry in data.get(section) or []:
            if not isinstance(entry, dict) or entry.get("name_source") is not None:
                continue
            quote = entry.get("quote")
            quotes = [quote] if isinstance(quote, str) else [q for q in quote or [] if q]
            names = [entry.get("name"), entry.get("acronym"), *(entry.get("aliases") or [])]
            if quotes and any(
                isinstance(name, str) and not any(occurs_in(name, str(q)) for q in quotes)
                for name in names
                if name
            ):
                return True
    return False


def migrate_facts(text: str, path: Path, only: set[tuple[str, int]] | None = None) -> Migration:
    """The migrated text of an article's facts file (read from `path`, for messages); with
    `only`, just those entries (`("meetings", 2)`), as the loader reports them.

    YAML or schema errors are left for the loader to report: the file is returned unchanged.
    """
    document = parse_yaml(text, path)
    try:
        facts = EntitiesAndRelations.model_validate(document.data or {})
    except ValidationError:
        return Migration(text, [], [f"{path}: not a valid facts file; `diplograph seed` says why"])
    lines = text.splitlines(keepends=True)
    inserts: list[tuple[int, str]] = []
    changes: list[str] = []
    problems: list[str] = []
    for section in NAMED_SECTIONS:
        for index, entry in enumerate(getattr(facts, section)):
            if entry.name_source is not None or not _unquoted(entry):
                continue
            if only is not None and (section, index) not in only:
                continue
            line = document.lines.get((section, index, "name"))
            written = lines[line - 1] if line else ""
            column = written.find("name:")
            if line is None or column < 0 or "{" in written[:column]:
                problems.append(
                    f"{path}:{line}: {section}.{index}: a flow-style entry; add "
                    "`name_source: editorial` to it by hand"
                )
                continue
            ending = "\r\n" if written.endswith("\r\n") else "\n"
            added = " " * column + "name_source: editorial" + ending
            # Before the `name:` key (its value may span lines), unless it opens the list item.
            inserts.append((line if "-" in written[:column] else line - 1, added))
            changes.append(f"{path}:{line}: {section}.{index}: name_source: editorial ({entry.id})")
    for line, added in sorted(inserts, reverse=True):
        if not lines[line - 1].endswith(("\n", "\r")):
            lines[line - 1] += "\n"
        lines.insert(line, added)
    return Migration("".join(lines), changes, problems)
