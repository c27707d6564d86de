"""Small factories for stored documents: the fields a test is about, the rest filled in as the seed
loader would write them, so that store-level tests need neither the seed files nor the app."""

from __future__ import annotations

import datetime as dt
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


def month(value: str) -> Document:
    """A date known to the month (YYYY-MM): it means any day of that month."""
    first = dt.date.fromisoformat(f"{value}-01")
    following = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return {
        "value": value,
        "precision": "month",
        "raw": None,
        "earliest": first.isoformat(),
        "latest": (following - dt.timedelta(days=1)).isoformat(),
    }


def group(
    label: str,
    organisation_id: str = "nato",
    *,
    roles: tuple[str, ...] = ("member",),
    attended_as: str = "member",
    as_of: Document | None = None,
) -> Document:
    """A group participant of a meeting: the members of an organisation with `roles`, as of
    `as_of` (None: the meeting's date)."""
    return {
        "label": label,
        "organisation_id": organisation_id,
        "roles": list(roles),
        "attended_as": attended_as,
        "as_of": as_of,
        "expected_count": None,
        "sources": [],
    }


def meeting(
    slug: str,
    name: str,
    *,
    date: Document | None = None,
    groups: list[Document] | None = None,
    **fields: Any,
) -> Document:
    """A meeting, optionally with group participants."""
    document = _named(
        slug,
        name,
        fields.pop("aliases", []),
        {
            "kind": "multilateral",
            "organiser_id": None,
            "parent_id": None,
            "date": date,
            "end_date": None,
            "location": None,
            "group_participants": groups or [],
            **fields,
        },
    )
    document["sort_date"] = (date or {}).get("earliest") or ""
    return document


def post(
    official_id: str,
    title: str,
    *,
    organisation_id: str | None = None,
    country_id: str | None = None,
    status: str = "held",
    start: Document | None = None,
    end: Document | None = None,
) -> Document:
    """A post an official holds (or is designated to), with dates."""
    slug = title.lower().replace(" ", "-")
    return {
        "_id": f"{official_id}--{slug}-{organisation_id or country_id}".lower(),
        "official_id": official_id,
        "title": title,
        "organisation_id": organisation_id,
        "country_id": country_id,
        "status": status,
        "start": start,
        "end": end,
        "attested": [],
        "sources": [],
        "search_keys": search_keys([title]),
    }


def event(slug: str, name: str, *, date: Document | None = None, **fields: Any) -> Document:
    """An event that is not a meeting (a launch, an election), with its date."""
    document = _named(
        slug,
        name,
        fields.pop("aliases", []),
        {
            "kind": "other",
            "date": date,
            "end_date": None,
            "location": None,
            "actors": [],
            "subjects": [],
            **fields,
        },
    )
    document["sort_date"] = (date or {}).get("earliest") or ""
    return document
