"""Fields computed from the merged documents, for reading them back: how each entity is found and
ordered, which the API cannot compute per request without scanning.

- `search_keys`: the name keys of every name and alias (entities), or of the title (posts);
- `place_keys`: the name keys of where it is: a meeting's venue and city, an organisation's
  headquarters, a country's capital;
- `sort_name`: the locale-aware collation key of the name (`store.names.sort_key`);
- `sort_date`: a meeting's, an event's or a statement's first day, or "" when it has no date, so
  that the key is never missing (keyset cursors compare it).

Each depends only on its own document, so that loading an article rewrites only the documents it
changes. (How much the graph says about an entity, which `search` ranks by, changes with every
article; it is counted when a search runs.)
"""

from __future__ import annotations

from store import Document
from store.entities import NAMED_COLLECTIONS
from store.names import name_key, names_of, search_keys, sort_key

PLACE_FIELDS = {"meetings": "location", "events": "location", "organisations": "headquarters"}


def places_of(collection: str, document: Document) -> list[str]:
    """The place names an entity is found by: a venue and a city, or a country's capital."""
    if collection == "countries":
        return [document["capital"]] if document.get("capital") else []
    place = document.get(PLACE_FIELDS.get(collection, ""))
    if not place:
        return []
    return [value for value in (place.get("name"), place.get("city")) if value]


def add_derived_fields(collections: dict[str, dict[str, Document]]) -> None:
    """Set the derived fields of every document, in place."""
    for collection in NAMED_COLLECTIONS:
        for document in collections.get(collection, {}).values():
            document["search_keys"] = search_keys(names_of(document))
            document["place_keys"] = list(
                dict.fromkeys(name_key(place) for place in places_of(collection, document))
            )
            # A statement is named by its summary.
            document["sort_name"] = sort_key(document.get("name") or document["summary"])
    for collection in ("meetings", "events", "statements"):
        for document in collections.get(collection, {}).values():
            document["sort_date"] = (document.get("date") or {}).get("earliest") or ""
    for document in collections.get("posts", {}).values():
        document["search_keys"] = search_keys([document["title"]])
