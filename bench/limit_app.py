"""The limit: one hand-written Starlette endpoint per golden query, no GraphQL.

Each endpoint calls the same repository functions diplograph's resolvers use
(`graph.documents_by_ids`, `graph.documents_where_in`), fetches each level of the answer in one
query per collection, and builds exactly the JSON diplograph returns for the golden query
(`{"data": ...}`, fields in the query's order), encoded with orjson. What is left is what the
database and JSON encoding cost alone; the bench checks that the `data` is equal to diplograph's.

    GET /limit/01-nac-plus-4-attendees  ->  the data of api/examples/01-nac-plus-4-attendees.graphql
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from api.settings import Settings
from bench.lifespan import store_lifespan
from schema.common import sentence_around
from store.connection import Store
from store.repository import graph
from store.timeline import in_force

Document = dict[str, Any]
COLLECTIONS = {
    "country": "countries",
    "organisation": "organisations",
    "official": "officials",
    "meeting": "meetings",
}
DEFAULT_PAGE_SIZE = 50
KIND_ORDER = {"official": 0, "organisation": 1, "country": 2}


class NotFoundError(Exception):
    """The id in the endpoint's arguments names nothing."""


class Documents:
    """Documents by id, fetched with one query per collection for all the ids a level needs."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.known: dict[str, dict[str, Document]] = defaultdict(dict)

    async def fetch(self, collection: str, ids: Iterable[str | None]) -> dict[str, Document]:
        wanted = [i for i in dict.fromkeys(ids) if i is not None]
        missing = [i for i in wanted if i not in self.known[collection]]
        if missing:
            found = await graph.documents_by_ids(self.store, collection, missing)
            self.known[collection].update(found)
        return self.known[collection]

    async def fetch_refs(self, refs: Iterable[Document | None]) -> None:
        by_kind: dict[str, list[str]] = defaultdict(list)
        for ref in refs:
            if ref:
                by_kind[ref["kind"]].append(ref["id"])
        for kind, ids in by_kind.items():
            await self.fetch(COLLECTIONS[kind], ids)

    def get(self, collection: str, identifier: str | None) -> Document | None:
        return self.known[collection].get(identifier) if identifier is not None else None

    def ref(self, ref: Document | None) -> Document | None:
        return self.get(COLLECTIONS[ref["kind"]], ref["id"]) if ref else None

    async def one(self, collection: str, identifier: str) -> Document:
        document = (await self.fetch(collection, [identifier])).get(identifier)
        if document is None:
            raise NotFoundError(f"no {collection} document with id {identifier!r}")
        return document


async def where_in(store: Store, collection: str, field: str, values: Iterable[str]):
    return await graph.documents_where_in(store, collection, field, values)


# --- shapes -------------------------------------------------------------------------------------


def date(document: Document | None, *fields: str) -> Document | None:
    """A DateValue with the asked fields, as GraphQL shows it (enum names upper-case)."""
    if not document:
        return None
    shown: Document = {}
    for field in fields:
        if field == "precision":
            shown[field] = document["precision"].upper()
        elif field == "inferred":
            shown[field] = bool(document.get("inferred", False))
        elif field == "raw":
            shown[field] = document.get("raw")
        else:
            shown[field] = document[field]
    return shown


def source_fields(documents: list[Document] | None, *fields: str) -> list[Document]:
    return [{field: source.get(field) for field in fields} for source in documents or []]


def name_of(document: Document | None) -> Document | None:
    return {"name": document["name"]} if document else None


def by_start(documents: Iterable[Document], undated: str) -> list[Document]:
    """Relations ordered by start date (undated ones as `undated`), then id."""
    return sorted(
        documents, key=lambda d: ((d.get("start") or {}).get("earliest") or undated, d["_id"])
    )


def window(items: list[Any], first: int | None) -> list[Any]:
    return items[: DEFAULT_PAGE_SIZE if first is None else first]


# --- meetings: named participants plus group members as of the meeting's date --------------------


async def meeting_participations(store: Store, meeting: Document) -> list[Document]:
    """(role, sources, via label, participant ref, on-behalf-of ref) per participant, ordered."""
    named = (await where_in(store, "participations", "meeting_id", [meeting["_id"]])).get(
        meeting["_id"], []
    )
    result = [
        {
            "role": d["role"],
            "sources": d.get("sources") or [],
            "via": None,
            "ref": d["participant"],
            "on_behalf_of": d.get("on_behalf_of"),
        }
        for d in named
    ]
    seen = {(p["ref"]["kind"], p["ref"]["id"]) for p in result}
    groups = meeting.get("group_participants", [])
    memberships = await where_in(
        store, "memberships", "organisation_id", [g["organisation_id"] for g in groups]
    )
    for group in groups:
        as_of = (group.get("as_of") or meeting.get("date") or {}).get("earliest")
        if as_of is None:
            continue
        for membership in memberships.get(group["organisation_id"], []):
            member = membership["member"]
            key = (member["kind"], member["id"])
            if membership["role"] in group["roles"] and in_force(membership, as_of):
                if key in seen:
                    continue
                seen.add(key)
                result.append(
                    {
                        "role": group["attended_as"],
                        "sources": group.get("sources") or [],
                        "via": group,
                        "ref": member,
                        "on_behalf_of": None,
                    }
                )
    result.sort(key=lambda p: (KIND_ORDER.get(p["ref"]["kind"], 9), p["ref"]["id"]))
    return result


async def nac_plus_4_attendees(store: Store) -> Document:
    docs = Documents(store)
    meeting = await docs.one("meetings", "nac-plus-4-2022-09-27")
    everyone = await meeting_participations(store, meeting)
    officials = window([p for p in everyone if p["ref"]["kind"] == "official"], None)
    countries_all = [p for p in everyone if p["ref"]["kind"] == "country"]
    countries = window(countries_all, 100)
    location = meeting.get("location")
    await docs.fetch(
        "countries",
        [
            location.get("country_id") if location else None,
            *(p["ref"]["id"] for p in countries),
        ],
    )
    await docs.fetch_refs([p["ref"] for p in officials] + [p["on_behalf_of"] for p in officials])
    articles = await docs.fetch(
        "articles", (s.get("article_id") for p in officials for s in p["sources"])
    )
    return {
        "meeting": {
            "name": meeting["name"],
            "date": date(meeting.get("date"), "value", "raw"),
            "location": {
                "city": location.get("city"),
                "country": name_of(docs.get("countries", location.get("country_id"))),
            }
            if location
            else None,
            "officials": {
                "nodes": [
                    {
                        "role": p["role"].upper(),
                        "participant": name_of(docs.ref(p["ref"])),
                        "onBehalfOf": name_of(docs.ref(p["on_behalf_of"])),
                        "sources": [
                            {
                                "quote": s.get("quote"),
                                "article": _title_url(articles.get(s.get("article_id"))),
                            }
                            for s in p["sources"]
                        ],
                    }
                    for p in officials
                ]
            },
            "countries": {
                "totalCount": len(countries_all),
                "nodes": [
                    {
                        "role": p["role"].upper(),
                        "participant": _code_name(docs.ref(p["ref"])),
                        "via": {"label": p["via"]["label"]} if p["via"] else None,
                    }
                    for p in countries
                ],
            },
        }
    }


def _title_url(article: Document | None) -> Document | None:
    return {"title": article["title"], "url": article["url"]} if article else None


def _code_name(country: Document | None) -> Document | None:
    return {"code": country["_id"], "name": country["name"]} if country else None


async def finland_at_nac_plus_4(store: Store) -> Document:
    docs = Documents(store)
    country = await docs.one("countries", "FI")
    memberships = (await where_in(store, "memberships", "member.id", ["FI"])).get("FI", [])
    of_nato = by_start((m for m in memberships if m["organisation_id"] == "nato"), "0000")
    meeting = await docs.one("meetings", "nac-plus-4-2022-09-27")
    everyone = await meeting_participations(store, meeting)
    invitees = window(
        [p for p in everyone if p["ref"]["kind"] == "country" and p["role"] == "invitee"], None
    )
    await docs.fetch_refs(p["ref"] for p in invitees)
    return {
        "country": {
            "name": country["name"],
            "onTheDay": [_membership_dates(m) for m in of_nato if in_force(m, "2022-09-27")],
            "history": [
                {**_membership_dates(m), "sources": source_fields(m.get("sources"), "url")}
                for m in of_nato
            ],
        },
        "meeting": {
            "name": meeting["name"],
            "participants": {
                "nodes": [
                    {
                        "role": p["role"].upper(),
                        "participant": name_of(docs.ref(p["ref"])),
                        "sources": source_fields(p["sources"], "quote"),
                    }
                    for p in invitees
                ]
            },
        },
    }


def _membership_dates(membership: Document) -> Document:
    return {
        "role": membership["role"].upper(),
        "start": date(membership.get("start"), "value"),
        "end": date(membership.get("end"), "value"),
    }


# --- officials ----------------------------------------------------------------------------------


async def yoon_suk_yeol_meetings(store: Store) -> Document:
    docs = Documents(store)
    official = await docs.one("officials", "yoon-suk-yeol")
    attended = [
        d
        for d in (await where_in(store, "participations", "participant.id", [official["_id"]])).get(
            official["_id"], []
        )
        if d["participant"]["kind"] == "official"
    ]
    meetings = await docs.fetch("meetings", (p["meeting_id"] for p in attended))
    await docs.fetch("meetings", (m.get("parent_id") for m in list(meetings.values())))

    def order(p: Document) -> tuple[str, bool, str]:
        meeting = meetings.get(p["meeting_id"])
        if meeting is None:
            return ("9999", True, p["meeting_id"])
        earliest = (meeting.get("date") or {}).get("earliest") or "9999"
        return (earliest, meeting.get("parent_id") is not None, p["meeting_id"])

    return {
        "official": {
            "name": official["name"],
            "meetings": [
                {
                    "role": p["role"].upper(),
                    "meeting": _meeting_summary(meetings.get(p["meeting_id"]), docs),
                    "sources": source_fields(p.get("sources"), "quote"),
                }
                for p in sorted(attended, key=order)
            ],
        }
    }


def _meeting_summary(meeting: Document | None, docs: Documents) -> Document | None:
    if meeting is None:
        return None
    location = meeting.get("location")
    return {
        "name": meeting["name"],
        "kind": meeting["kind"].upper() if meeting.get("kind") else None,
        "date": date(meeting.get("date"), "value", "precision"),
        "location": {"city": location.get("city")} if location else None,
        "parent": name_of(docs.get("meetings", meeting.get("parent_id"))),
    }


async def south_korean_officials(store: Store) -> Document:
    docs = Documents(store)
    country = await docs.one("countries", "KR")
    officials = (await where_in(store, "officials", "country_id", ["KR"])).get("KR", [])
    posts = await where_in(store, "posts", "official_id", [o["_id"] for o in officials])
    await docs.fetch(
        "organisations",
        (p.get("organisation_id") for o in officials for p in posts.get(o["_id"], [])),
    )
    return {
        "country": {
            "name": country["name"],
            "officials": [
                {
                    "name": official["name"],
                    "posts": [
                        {
                            "title": post["title"],
                            "status": post["status"].upper(),
                            "organisation": name_of(
                                docs.get("organisations", post.get("organisation_id"))
                            ),
                            "start": date(post.get("start"), "value"),
                            "sources": source_fields(post.get("sources"), "quote"),
                        }
                        for post in by_start(posts.get(official["_id"], []), "9999")
                    ],
                }
                for official in officials
            ],
        }
    }


async def kim_gunn_at_nato_headquarters(store: Store) -> Document:
    docs = Documents(store)
    official = await docs.one("officials", "kim-gunn")
    slug = official["_id"]
    mine = (await where_in(store, "participations", "participant.id", [slug])).get(slug, [])
    meeting_ids = [d["meeting_id"] for d in mine if d["participant"]["kind"] == "official"]
    by_meeting = await where_in(store, "participations", "meeting_id", meeting_ids)
    pairs = [
        (other["participant"]["id"], meeting_id)
        for meeting_id in meeting_ids
        for other in by_meeting.get(meeting_id, [])
        if other["participant"]["kind"] == "official" and other["participant"]["id"] != slug
    ]
    officials = await docs.fetch("officials", (o for o, _ in pairs))
    meetings = await docs.fetch("meetings", (m for _, m in pairs))
    met = [(officials[o], meetings[m]) for o, m in pairs if o in officials and m in meetings]
    posts = await where_in(store, "posts", "official_id", [o["_id"] for o, _ in met])
    await docs.fetch(
        "organisations",
        (p.get("organisation_id") for o, _ in met for p in posts.get(o["_id"], [])),
    )
    return {
        "official": {
            "name": official["name"],
            "peopleMet": [
                {
                    "official": {
                        "name": other["name"],
                        "posts": [
                            {
                                "title": post["title"],
                                "organisation": name_of(
                                    docs.get("organisations", post.get("organisation_id"))
                                ),
                            }
                            for post in by_start(posts.get(other["_id"], []), "9999")
                        ],
                    },
                    "meeting": {
                        "name": meeting["name"],
                        "date": date(meeting.get("date"), "value", "raw"),
                        "location": {
                            "name": meeting["location"].get("name"),
                            "city": meeting["location"].get("city"),
                        }
                        if meeting.get("location")
                        else None,
                        "sources": source_fields(meeting.get("sources"), "quote"),
                    },
                }
                for other, meeting in met
            ],
        }
    }


async def sources_of_a_relation(store: Store) -> Document:
    docs = Documents(store)
    official = await docs.one("officials", "yoon-soon-gu")
    posts = by_start(
        (await where_in(store, "posts", "official_id", [official["_id"]])).get(official["_id"], []),
        "9999",
    )
    articles = await docs.fetch(
        "articles", (s.get("article_id") for p in posts for s in p.get("sources") or [])
    )

    def source(s: Document) -> Document:
        article = articles.get(s.get("article_id"))
        located = s.get("article_id") is not None and s.get("start") is not None
        return {
            "quote": s.get("quote"),
            "sentence": sentence_around(article["text"], s["start"], s["end"])
            if article and located and s.get("end") is not None
            else None,
            "start": s.get("start"),
            "end": s.get("end"),
            "article": {
                "title": article["title"],
                "publisher": article["publisher"],
                "url": article["url"],
                "published": date(article["published"], "value", "inferred"),
            }
            if article
            else None,
        }

    return {
        "official": {
            "name": official["name"],
            "posts": [
                {
                    "title": post["title"],
                    "status": post["status"].upper(),
                    "sources": [source(s) for s in post.get("sources") or []],
                }
                for post in posts
            ],
        }
    }


# --- organisations ------------------------------------------------------------------------------


async def nato_asia_pacific_partners(store: Store) -> Document:
    docs = Documents(store)
    organisation = await docs.one("organisations", "nato-asia-pacific-partners")
    slug = organisation["_id"]
    memberships = (await where_in(store, "memberships", "organisation_id", [slug])).get(slug, [])
    members_all = by_start((m for m in memberships if m["role"] == "member"), "0000")
    members = window(members_all, None)
    await docs.fetch("organisations", [organisation.get("parent_id")])
    await docs.fetch_refs(m["member"] for m in members)

    def member(ref: Document) -> Document | None:
        found = docs.ref(ref)
        if found is None:
            return None
        return {"code": found["_id"], "name": found["name"]} if ref["kind"] == "country" else {}

    return {
        "organisation": {
            "name": organisation["name"],
            "parent": name_of(docs.get("organisations", organisation.get("parent_id"))),
            "members": {
                "totalCount": len(members_all),
                "nodes": [
                    {
                        "member": member(m["member"]),
                        "sources": source_fields(m.get("sources"), "quote"),
                    }
                    for m in members
                ],
            },
        }
    }


async def south_korea_mission_to_nato(store: Store) -> Document:
    docs = Documents(store)
    mission = await docs.one("organisations", "kr-mission-nato")
    slug = mission["_id"]
    posts = by_start(
        (await where_in(store, "posts", "organisation_id", [slug])).get(slug, []), "9999"
    )
    officials = await docs.fetch("officials", (p["official_id"] for p in posts))
    held = await where_in(store, "posts", "official_id", list(officials))
    held = {
        official: by_start((p for p in documents if p["status"] == "held"), "9999")
        for official, documents in held.items()
    }
    await docs.fetch(
        "organisations",
        [
            mission.get("accredited_to_id"),
            mission.get("hosted_by_id"),
            *(p.get("organisation_id") for documents in held.values() for p in documents),
        ],
    )

    def official(identifier: str) -> Document | None:
        found = officials.get(identifier)
        if found is None:
            return None
        return {
            "name": found["name"],
            "posts": [
                {
                    "title": post["title"],
                    "organisation": name_of(docs.get("organisations", post.get("organisation_id"))),
                    "attested": [{"value": a["value"]} for a in post.get("attested", [])],
                }
                for post in held.get(identifier, [])
            ],
        }

    return {
        "organisation": {
            "name": mission["name"],
            "accreditedTo": name_of(docs.get("organisations", mission.get("accredited_to_id"))),
            "hostedBy": name_of(docs.get("organisations", mission.get("hosted_by_id"))),
            "posts": [
                {
                    "title": post["title"],
                    "status": post["status"].upper(),
                    "official": official(post["official_id"]),
                    "sources": source_fields(post.get("sources"), "quote"),
                }
                for post in posts
            ],
        }
    }


async def decision_on_the_mission(store: Store) -> Document:
    docs = Documents(store)
    organisation = await docs.one("organisations", "kr-mission-nato")
    slug = organisation["_id"]
    taken = (await where_in(store, "decisions", "body_id", [slug])).get(slug, [])
    about = (await where_in(store, "decisions", "subjects.id", [slug])).get(slug, [])
    decisions = list({d["_id"]: d for d in taken + about}.values())
    bodies = await docs.fetch("organisations", (d.get("body_id") for d in decisions))
    await docs.fetch("organisations", [b.get("parent_id") for b in list(bodies.values())])

    def body(identifier: str | None) -> Document | None:
        found = docs.get("organisations", identifier)
        if found is None:
            return None
        return {
            "name": found["name"],
            "acronym": found.get("acronym"),
            "describedAs": [{"text": item["text"]} for item in found.get("described_as", [])],
            "parent": name_of(docs.get("organisations", found.get("parent_id"))),
        }

    return {
        "organisation": {
            "name": organisation["name"],
            "decisions": [
                {
                    "summary": d["summary"],
                    "date": date(d.get("date"), "value", "raw", "precision"),
                    "decidedBy": body(d.get("body_id")),
                    "sources": source_fields(d.get("sources"), "quote"),
                }
                for d in decisions
            ],
        }
    }


# --- paths: breadth-first over relations, one query per relation kind and level ------------------

Node = tuple[str, str]
MAX_VISITED = 20_000


def _ref(document: Document) -> Node:
    return (document["kind"], document["id"])


async def _neighbours(
    store: Store, docs: Documents, frontier: list[Node]
) -> dict[Node, list[tuple[Node, tuple]]]:
    by_kind: dict[str, list[str]] = defaultdict(list)
    for kind, identifier in frontier:
        by_kind[kind].append(identifier)
    # Links are added in the order diplograph's search adds them, which orders equal-length paths.
    found: dict[Node, list[tuple[Node, tuple]]] = defaultdict(list)

    def link(a: Node, b: Node, kind: str, label: str, role: str | None, doc: Document) -> None:
        found[a].append((b, (kind, label, role, tuple(doc.get("sources", [])))))

    officials = by_kind.get("official", [])
    countries = by_kind.get("country", [])
    organisations = by_kind.get("organisation", [])
    meetings = by_kind.get("meeting", [])

    posts = await where_in(store, "posts", "official_id", officials)
    for identifier in officials:
        for post in posts.get(identifier, []):
            node = ("official", identifier)
            if post.get("organisation_id"):
                target = ("organisation", post["organisation_id"])
                link(node, target, "post", "holds post in", post["title"], post)
            if post.get("country_id"):
                target = ("country", post["country_id"])
                link(node, target, "post", "holds post for", post["title"], post)
    for field, kind, keys in (
        ("organisation_id", "organisation", organisations),
        ("country_id", "country", countries),
    ):
        posts = await where_in(store, "posts", field, keys)
        for identifier in keys:
            for post in posts.get(identifier, []):
                target = ("official", post["official_id"])
                link((kind, identifier), target, "post", "has post held by", post["title"], post)
    members = countries + organisations
    memberships = await where_in(store, "memberships", "member.id", members)
    for identifier in members:
        for m in memberships.get(identifier, []):
            target = ("organisation", m["organisation_id"])
            link(_ref(m["member"]), target, "membership", f"is a {m['role']} of", m["role"], m)
    memberships = await where_in(store, "memberships", "organisation_id", organisations)
    for identifier in organisations:
        for m in memberships.get(identifier, []):
            node = ("organisation", identifier)
            link(node, _ref(m["member"]), "membership", f"has as {m['role']}", m["role"], m)
    participants = officials + countries + organisations
    attended = await where_in(store, "participations", "participant.id", participants)
    for identifier in participants:
        for p in attended.get(identifier, []):
            target = ("meeting", p["meeting_id"])
            link(_ref(p["participant"]), target, "participation", "attended", p["role"], p)
    attendees = await where_in(store, "participations", "meeting_id", meetings)
    for identifier in meetings:
        for p in attendees.get(identifier, []):
            node = ("meeting", identifier)
            target = _ref(p["participant"])
            link(node, target, "participation", "was attended by", p["role"], p)
    for field, keys, kind, relation, label in (
        ("parent_id", organisations, "organisation", "part_of", "contains"),
        ("country_id", countries, "country", "body_of", "has as a body"),
    ):
        children = await where_in(store, "organisations", field, keys)
        for identifier in keys:
            for child in children.get(identifier, []):
                docs.known["organisations"][child["_id"]] = child
                target = ("organisation", child["_id"])
                link((kind, identifier), target, relation, label, None, child)
    for field, keys, kind, relation, label in (
        ("organiser_id", organisations, "organisation", "organiser", "convened"),
        (
            "group_participants.organisation_id",
            organisations,
            "organisation",
            "group_participation",
            "took part as a group in",
        ),
        ("parent_id", meetings, "meeting", "side_meeting", "had on its sidelines"),
    ):
        found_meetings = await where_in(store, "meetings", field, keys)
        for identifier in keys:
            for meeting in found_meetings.get(identifier, []):
                docs.known["meetings"][meeting["_id"]] = meeting
                target = ("meeting", meeting["_id"])
                link((kind, identifier), target, relation, label, None, meeting)

    # Links stored on the frontier documents themselves: parents, countries, organisers, groups.
    for kind, collection in (("organisation", "organisations"), ("meeting", "meetings")):
        identifiers = by_kind.get(kind, [])
        known = await docs.fetch(collection, identifiers)
        for identifier in identifiers:
            document = known.get(identifier)
            if not document:
                continue
            node = (kind, identifier)
            if document.get("parent_id"):
                relation = "part_of" if kind == "organisation" else "side_meeting"
                link(node, (kind, document["parent_id"]), relation, "is part of", None, document)
            if document.get("country_id"):
                target = ("country", document["country_id"])
                link(node, target, "body_of", "is a body of", None, document)
            if document.get("organiser_id"):
                target = ("organisation", document["organiser_id"])
                link(node, target, "organiser", "was convened by", None, document)
            for group in document.get("group_participants", []):
                target = ("organisation", group["organisation_id"])
                link(
                    node,
                    target,
                    "group_participation",
                    "was attended by members of",
                    group["label"],
                    group,
                )
    return found


async def _endpoint(docs: Documents, identifier: str) -> Node:
    for kind in ("official", "organisation", "meeting", "country"):
        if (await docs.fetch(COLLECTIONS[kind], [identifier])).get(identifier):
            return (kind, identifier)
    raise NotFoundError(f"nothing in the graph has the id {identifier!r}")


async def kim_gunn_to_jens_stoltenberg(store: Store) -> Document:
    docs = Documents(store)
    await docs.fetch("officials", ["kim-gunn", "jens-stoltenberg"])
    start = await _endpoint(docs, "kim-gunn")
    goal = await _endpoint(docs, "jens-stoltenberg")
    max_hops, limit = 3, 10
    depth = {start: 0}
    parents: dict[Node, list[tuple[Node, tuple]]] = defaultdict(list)
    frontier = [start]
    for level in range(1, max_hops + 1):
        if not frontier or len(depth) > MAX_VISITED:
            break
        expansions = await _neighbours(store, docs, frontier)
        next_frontier: list[Node] = []
        for node in frontier:
            for neighbour, relation in expansions.get(node, []):
                if neighbour not in depth:
                    depth[neighbour] = level
                    next_frontier.append(neighbour)
                if depth[neighbour] == level and (node, relation) not in parents[neighbour]:
                    parents[neighbour].append((node, relation))
        if goal in depth:
            break
        frontier = next_frontier
    paths: list[list[tuple[Node, Node, tuple]]] = []

    def walk(node: Node, suffix: list[tuple[Node, Node, tuple]]) -> None:
        if len(paths) >= limit:
            return
        if node == start:
            paths.append(suffix)
            return
        for previous, relation in parents[node]:
            walk(previous, [(previous, node, relation), *suffix])

    if goal in depth:
        walk(goal, [])
    await docs.fetch_refs(
        {"kind": n[0], "id": n[1]} for path in paths for a, b, _ in path for n in (a, b)
    )

    def entity(node: Node) -> Document | None:
        return name_of(docs.get(COLLECTIONS[node[0]], node[1]))

    return {
        "connections": [
            {
                "length": len(path),
                "hops": [
                    {
                        "from": entity(a),
                        "label": relation[1],
                        "role": relation[2],
                        "to": entity(b),
                        "sources": source_fields(list(relation[3]), "quote", "url"),
                    }
                    for a, b, relation in path
                ],
            }
            for path in paths
        ]
    }


# --- the app ------------------------------------------------------------------------------------

ENDPOINTS: dict[str, Callable[[Store], Awaitable[Document]]] = {
    "01-nac-plus-4-attendees": nac_plus_4_attendees,
    "02-yoon-suk-yeol-meetings": yoon_suk_yeol_meetings,
    "03-nato-asia-pacific-partners": nato_asia_pacific_partners,
    "04-south-korea-mission-to-nato": south_korea_mission_to_nato,
    "05-south-korean-officials": south_korean_officials,
    "06-kim-gunn-at-nato-headquarters": kim_gunn_at_nato_headquarters,
    "07-finland-at-nac-plus-4": finland_at_nac_plus_4,
    "08-decision-on-the-mission": decision_on_the_mission,
    "09-sources-of-a-relation": sources_of_a_relation,
    "10-kim-gunn-to-jens-stoltenberg": kim_gunn_to_jens_stoltenberg,
}


def path_for(query_name: str) -> str:
    """The limit endpoint's path for a golden query file's stem."""
    return f"/limit/{query_name}"


def _endpoint_for(answer: Callable[[Store], Awaitable[Document]]):
    async def endpoint(request: Request) -> Response:
        try:
            data = await answer(request.app.state.store)
        except NotFoundError as error:
            return Response(orjson.dumps({"error": str(error)}), 404, media_type="application/json")
        return Response(orjson.dumps({"data": data}), media_type="application/json")

    return endpoint


def create_limit_app(settings: Settings | None = None) -> Starlette:
    """The limit's app: the same store and seed as diplograph, one route per golden query."""
    settings = settings or Settings()
    routes = [Route(path_for(name), _endpoint_for(answer)) for name, answer in ENDPOINTS.items()]
    return Starlette(routes=routes, lifespan=store_lifespan(settings))
