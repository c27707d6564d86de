"""Small factories for stored documents: the fields a test is about, the rest filled in as the seed
loader would write them, so that store-level tests need neither the seed files nor the app."""

from __future__ import annotations

from typing import Any

from store import Document
from store.names import search_keys, sort_key


def day(value: str) -> Document:
    """A date known to the day, as stored: `{value, precision, raw, earliest, latest}`."""
    return {"value": value, "precision": "day", "raw": None, "earliest": value, "latest": value}


def year(value: str) -> Document:
    """A date known to the year: it means any day from January 1st to December 31st."""
    return {
        "value": value,
        "precision": "year",
        "raw": None,
        "earliest": f"{value}-01-01",
        "latest": f"{value}-12-31",
    }


def _named(identifier: str, name: str, aliases: list[str], fields: dict[str, Any]) -> Document:
    document = {"_id": identifier, "name": name, "aliases": aliases, "sources": [], **fields}
    document["search_keys"] = search_keys([name, *aliases])
    document.setdefault("place_keys", [])
    document["sort_name"] = sort_key(name)
    return document


def country(code: str = "KR", name: str = "South Korea", **fields: Any) -> Document:
    return _named(code, name, fields.pop("aliases", []), {"alpha3": code + "X", **fields})


def organisation(slug: str = "nato", name: str = "NATO", **fields: Any) -> Document:
    return _named(slug, name, fields.pop("aliases", []), {"kind": "alliance", **fields})


def official(slug: str = "kim-gunn", name: str = "Kim Gunn", **fields: Any) -> Document:
    return _named(slug, name, fields.pop("aliases", []), fields)


def membership(
    member: str,
    organisation_id: str = "nato",
    role: str = "member",
    *,
    kind: str = "country",
    start: Document | None = None,
    end: Document | None = None,
) -> Document:
    """`member` (a country code, or an organisation's slug with `kind="organisation"`) in an
    organisation, with a role and dates."""
    return {
        "_id": f"{organisation_id}--{member.lower()}--{role}",
        "member": {"kind": kind, "id": member},
        "organisation_id": organisation_id,
        "role": role,
        "start": start,
        "end": end,
        "sources": [],
    }


def participation(meeting_id: str, participant: str, *, kind: str = "official") -> Document:
    return {
        "_id": f"{meeting_id}--{participant.lower()}",
        "meeting_id": meeting_id,
        "participant": {"kind": kind, "id": participant},
        "role": "representative",
        "on_behalf_of": None,
        "sources": [],
    }
