"""Merging: the partial documents several inputs give for one id, folded into one document.

Lists in `UNION_FIELDS` are united, other fields take the one value given, and two different values
for a field are a problem that names both places.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from seeds.inputs import Origin
from store import Document

# List fields that merge by union when several files describe the same document.
UNION_FIELDS = frozenset(
    {"aliases", "demonyms", "metonyms", "sources", "attested", "described_as", "group_participants"}
)

Contributions = list[tuple[Document, Origin]]
Report = Callable[[Origin, str], None]


def _marker(item: Any) -> str:
    """A hashable identity for a list item (a source, an alias), for unions without duplicates."""
    return json.dumps(item, sort_keys=True, default=str)


def _shown(value: Any) -> str:
    """A value in a message: a date by its value, anything else as written."""
    if isinstance(value, dict) and "value" in value and "precision" in value:
        return repr(value["raw"] or value["value"])
    if isinstance(value, dict) and set(value) == {"kind", "id"}:
        return repr(value["id"])
    return repr(value)


def merge(
    parts: dict[str, dict[str, Contributions]], report: Report
) -> dict[str, dict[str, Document]]:
    """Fold every collection's partial documents by id; conflicting values are `report`ed."""
    merged: dict[str, dict[str, Document]] = {}
    for collection, by_id in parts.items():
        merged[collection] = {}
        for identifier, contributions in by_id.items():
            merged[collection][identifier] = merge_one(
                f"{collection}/{identifier}", contributions, report
            )
    return merged


def merge_one(name: str, contributions: Contributions, report: Report) -> Document:
    """One document from its contributions, in the order they were given."""
    document, first_origin = dict(contributions[0][0]), contributions[0][1]
    set_by = {key: first_origin for key, value in document.items() if value is not None}
    # Union fields keep their first-seen order; markers make each addition O(1).
    markers: dict[str, set[str]] = {}
    for contribution, origin in contributions[1:]:
        for key, value in contribution.items():
            if key in UNION_FIELDS:
                if key not in markers:
                    document[key] = list(document.get(key) or [])
                    markers[key] = {_marker(item) for item in document[key]}
                for item in value or []:
                    marker = _marker(item)
                    if marker not in markers[key]:
                        markers[key].add(marker)
                        document[key].append(item)
            elif value is None or value == document.get(key):
                continue
            elif document.get(key) is None:
                document[key] = value
                set_by[key] = origin
            else:
                # Documents name references `parent_id`; the files call the field `parent`.
                written = key.removesuffix("_id")
                report(
                    origin.at(written),
                    f"{name} already has {written} {_shown(document[key])} (given at "
                    f"{set_by[key].at(written)}); here it is {_shown(value)}. Give the same "
                    "value, leave it out here, or use another id",
                )
    return document
