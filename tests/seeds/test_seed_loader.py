"""The seed loader: the seed article's facts land in the store, loads are idempotent and
order-independent, articles merge into shared entities, and a failed write leaves no trace.

These tests read the store through the repository functions (or the store handle), not GraphQL.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from seeds.loader import LoadReport
from store.connection import Store, StoreConfig, create_store
from store.entities import COLLECTIONS
from store.errors import DatabaseUnavailable
from store.repository.dataset import WriteFailed, data_version
from store.repository.graph import documents_by_ids, documents_where_in, memberships_of
from store.timeline import in_force
from tests.support.app import drop_test_database, make_settings
from tests.support.seeds import (
    SEED_ARTICLE_ID,
    copy_bundle,
    dump,
    edit,
    fail_writes_to,
    load_bundles,
    without_meta,
    write_bundle,
)

SECOND_ARTICLE_ID = "example-2022-09-30-kim-gunn-briefing"

SEED_COUNTS = {
    "countries": 249,
    "organisations": 7,
    "officials": 9,
    "meetings": 5,
    "articles": 1,
    "memberships": 44,
    "posts": 10,
    "participations": 12,
    "decisions": 1,
    "events": 0,
    "statements": 0,
    "corrections": 0,
    "redirects": 0,
}
NATO_MEMBERS_2022 = {
    *("AL", "BE", "BG", "CA", "CZ", "DE", "DK", "EE", "ES", "FR", "GB", "GR", "HR", "HU", "IS"),
    *("IT", "LT", "LU", "LV", "ME", "MK", "NL", "NO", "PL", "PT", "RO", "SI", "SK", "TR", "US"),
}

SECOND_TEXT = (
    "By Example Desk\n"
    "Ambassador Kim Gunn, South Korea's special representative for Korean Peninsula peace and "
    "security affairs, met European envoys in Brussels on Thursday. Kim Gun, as some reports "
    "spell his name, briefed them on North Korea.\n"
)
SECOND_META = """\
id: example-2022-09-30-kim-gunn-briefing
title: Kim Gunn briefs European envoys
url: https://example.org/2022/09/30/kim-gunn-briefing
publisher: Example Wire
authors: [Example Desk]
published: {date: 2022-09-30}
sha256: {sha256}
"""
SECOND_FACTS = """\
officials:
  - id: kim-gunn
    name: Kim Gunn
    aliases: [Kim Gun]
    country: South Korea
    quote: [Ambassador Kim Gunn, "Kim Gun, as some reports spell his name"]
"""


@pytest.fixture(scope="module")
async def seeded() -> AsyncIterator[tuple[Store, LoadReport]]:
    """A store with only the bundled seed article loaded, shared by the read-only tests."""
    settings = make_settings()
    store = create_store(settings.store_config)
    try:
        await store.ensure_indexes()
        yield store, await load_bundles(store)
    finally:
        await store.close()
        drop_test_database(settings.mongodb_uri, settings.mongodb_database)


@pytest.fixture
async def seeded_store(seeded: tuple[Store, LoadReport]) -> Store:
    return seeded[0]


@pytest.fixture
def second_article(tmp_path: Path) -> Path:
    """A second (made-up) article that mentions Kim Gunn under another spelling."""
    return write_bundle(tmp_path / "second", SECOND_TEXT, SECOND_META, SECOND_FACTS)


async def _one(store: Store, collection: str, identifier: str) -> dict:
    return (await documents_by_ids(store, collection, [identifier]))[identifier]


# --- the seed article's facts ---------------------------------------------------------------


async def test_loading_the_seed_article_inserts_every_collection(seeded):
    store, report = seeded

    assert {change.collection: len(change.inserted) for change in report.changes} == SEED_COUNTS
    assert report.totals() == {"inserted": 338, "updated": 0, "deleted": 0, "unchanged": 0}
    assert report.articles == [SEED_ARTICLE_ID]
    for collection, count in SEED_COUNTS.items():
        assert await store[collection].count_documents({}) == count


async def test_nato_had_exactly_30_members_in_force_when_nac_plus_4_met(seeded_store):
    memberships = await memberships_of(seeded_store, "nato", ["member"])

    def members_on(day: str) -> set[str]:
        return {m["member"]["id"] for m in memberships if in_force(m, day)}

    assert members_on("2022-09-27") == NATO_MEMBERS_2022
    assert members_on("2023-04-04") == NATO_MEMBERS_2022 | {"FI"}
    assert members_on("2024-03-07") == NATO_MEMBERS_2022 | {"FI", "SE"}


async def test_finland_was_a_nato_applicant_then_invitee_then_member(seeded_store):
    memberships = (await documents_where_in(seeded_store, "memberships", "member.id", ["FI"]))["FI"]

    history = sorted(
        (m["start"]["value"], m["role"], m["end"] and m["end"]["value"])
        for m in memberships
        if m["organisation_id"] == "nato"
    )
    assert history == [
        ("2022-05-18", "applicant", "2022-06-29"),
        ("2022-06-29", "invitee", "2023-04-04"),
        ("2023-04-04", "member", None),
    ]
    invitee = next(m for m in memberships if m["role"] == "invitee")
    assert in_force(invitee, "2022-09-27")
    assert not in_force(invitee, "2023-04-04")  # an end date is the first day it no longer holds


async def test_kim_gunn_represented_south_korea_at_nac_plus_4_with_an_exact_quote(seeded_store):
    participation = await _one(seeded_store, "participations", "nac-plus-4-2022-09-27--kim-gunn")
    article = await _one(seeded_store, "articles", SEED_ARTICLE_ID)

    assert participation["participant"] == {"kind": "official", "id": "kim-gunn"}
    assert participation["role"] == "representative"
    assert participation["on_behalf_of"] == {"kind": "country", "id": "KR"}
    (source,) = participation["sources"]
    assert source["quote"] == (
        "Ambassador Kim Gunn, Seoul's special representative for Korean Peninsula peace and "
        "security affairs, attended the NAC+4 meeting"
    )
    assert article["text"][source["start"] : source["end"]] == source["quote"]


async def test_every_quote_is_the_article_text_between_its_offsets(seeded_store):
    text = (await _one(seeded_store, "articles", SEED_ARTICLE_ID))["text"]
    quoted = []

    def check(sources: list[dict]) -> None:
        for source in sources:
            if "article_id" in source:
                assert text[source["start"] : source["end"]] == source["quote"]
                quoted.append(source["quote"])

    for collection in COLLECTIONS:
        for document in await seeded_store[collection].find({}).to_list(None):
            check(document.get("sources", []))
            for group in document.get("group_participants", []):
                check(group["sources"])
            for description in document.get("described_as", []):
                check(description["sources"])
    assert len(quoted) > 40


async def test_meetings_keep_the_date_phrase_they_were_resolved_from(seeded_store):
    meetings = await documents_by_ids(
        seeded_store,
        "meetings",
        ["nac-plus-4-2022-09-27", "kim-gunn-geoana-2022-09-27", "yoon-stoltenberg-2022-06-30"],
    )

    assert {
        identifier: (m["date"]["value"], m["date"]["raw"]) for identifier, m in meetings.items()
    } == {
        "nac-plus-4-2022-09-27": ("2022-09-27", "on Tuesday (local time)"),
        "kim-gunn-geoana-2022-09-27": ("2022-09-27", "Tuesday (local time)"),
        "yoon-stoltenberg-2022-06-30": ("2022-06-30", "June 30"),
    }
    assert all(m["date"]["precision"] == "day" for m in meetings.values())


async def test_the_north_atlantic_council_decided_on_monday_2022_09_26(seeded_store):
    decision = await _one(seeded_store, "decisions", "nac-2022-09-26-kr-mission")
    council = await _one(seeded_store, "organisations", decision["body_id"])

    assert decision["date"] == {
        "value": "2022-09-26",
        "precision": "day",
        "raw": "on Monday",
        "earliest": "2022-09-26",
        "latest": "2022-09-26",
    }
    assert council["name"] == "North Atlantic Council"
    assert council["parent_id"] == "nato"
    assert [d["text"] for d in council["described_as"]] == ["the top decision-making body of NATO"]
    assert {"kind": "organisation", "id": "kr-mission-nato"} in decision["subjects"]


async def test_yoon_soon_gu_is_ambassador_to_belgium_and_designated_head_of_the_mission(
    seeded_store,
):
    posts = (await documents_where_in(seeded_store, "posts", "official_id", ["yoon-soon-gu"]))[
        "yoon-soon-gu"
    ]

    by_title = {post["title"]: post for post in posts}
    assert by_title["Ambassador to Belgium"]["status"] == "held"
    assert by_title["Ambassador to Belgium"]["organisation_id"] == "kr-embassy-belgium"
    head = by_title["Head of the Mission to NATO"]
    assert (head["status"], head["organisation_id"], head["country_id"]) == (
        "designated",
        "kr-mission-nato",
        "KR",
    )
    assert head["attested"][0]["value"] == "2022-09-28"
    mission = await _one(seeded_store, "organisations", "kr-mission-nato")
    assert (mission["hosted_by_id"], mission["accredited_to_id"], mission["kind"]) == (
        "kr-embassy-belgium",
        "nato",
        "mission",
    )


async def test_south_korean_officials_hold_their_posts(seeded_store):
    posts = await documents_where_in(seeded_store, "posts", "country_id", ["KR"])

    titles = {(post["official_id"], post["title"]) for post in posts["KR"]}
    assert titles == {
        ("yoon-suk-yeol", "President"),
        ("yoon-soon-gu", "Ambassador to Belgium"),
        ("yoon-soon-gu", "Head of the Mission to NATO"),
        ("kim-sung-han", "Director of the National Security Office"),
        ("kim-gunn", "Special Representative for Korean Peninsula Peace and Security Affairs"),
    }


async def test_yoon_suk_yeol_attended_the_summit_his_bilateral_and_the_four_way_summit(
    seeded_store,
):
    participations = (
        await documents_where_in(
            seeded_store, "participations", "participant.id", ["yoon-suk-yeol"]
        )
    )["yoon-suk-yeol"]
    meetings = await documents_by_ids(
        seeded_store, "meetings", [p["meeting_id"] for p in participations]
    )

    assert {identifier: m["date"]["value"] for identifier, m in meetings.items()} == {
        "nato-summit-2022": "2022-06-29",
        "yoon-stoltenberg-2022-06-30": "2022-06-30",
        "asia-pacific-partners-summit-2022-06-29": "2022-06-29",
    }
    assert meetings["yoon-stoltenberg-2022-06-30"]["parent_id"] == "nato-summit-2022"
    assert meetings["nato-summit-2022"]["end_date"]["value"] == "2022-06-30"


async def test_kim_gunn_met_mircea_geoana_at_nato_headquarters(seeded_store):
    participations = (
        await documents_where_in(
            seeded_store, "participations", "meeting_id", ["kim-gunn-geoana-2022-09-27"]
        )
    )["kim-gunn-geoana-2022-09-27"]
    meeting = await _one(seeded_store, "meetings", "kim-gunn-geoana-2022-09-27")

    assert {p["participant"]["id"]: p["role"] for p in participations} == {
        "kim-gunn": "representative",
        "mircea-geoana": "host",
    }
    assert meeting["location"] == {
        "name": "NATO headquarters",
        "city": "Brussels",
        "country_id": "BE",
    }


async def test_nac_plus_4_has_its_groups_and_finland_and_sweden_as_invitees(seeded_store):
    meeting = await _one(seeded_store, "meetings", "nac-plus-4-2022-09-27")
    participations = (
        await documents_where_in(
            seeded_store, "participations", "meeting_id", ["nac-plus-4-2022-09-27"]
        )
    )["nac-plus-4-2022-09-27"]

    groups = [
        (g["label"], g["organisation_id"], g["attended_as"], g["expected_count"])
        for g in meeting["group_participants"]
    ]
    assert groups == [
        ("30 NATO members", "nato", "member", 30),
        ("the four Asia-Pacific partner countries", "nato-asia-pacific-partners", "partner", 4),
    ]
    assert meeting["organiser_id"] == "nato-nac"
    invitees = {p["participant"]["id"] for p in participations if p["role"] == "invitee"}
    assert invitees == {"FI", "SE"}


async def test_nato_asia_pacific_partners_are_australia_japan_new_zealand_and_south_korea(
    seeded_store,
):
    members = await memberships_of(seeded_store, "nato-asia-pacific-partners", ["member"])
    partners = await memberships_of(seeded_store, "nato", ["partner"])

    assert {m["member"]["id"] for m in members} == {"AU", "JP", "NZ", "KR"}
    assert {m["member"]["id"] for m in partners} == {"AU", "JP", "NZ", "KR"}


async def test_south_korea_has_been_a_nato_partner_since_2005_to_the_year(seeded_store):
    partnership = await _one(seeded_store, "memberships", "nato--kr--partner")

    assert partnership["start"] == {
        "value": "2005",
        "precision": "year",
        "raw": "Since 2005",
        "earliest": "2005-01-01",
        "latest": "2005-12-31",
    }
    assert len(partnership["sources"]) == 2


async def test_the_article_records_its_inferred_publication_date_and_checksum(seeded_store):
    article = await _one(seeded_store, "articles", SEED_ARTICLE_ID)

    assert article["published"]["value"] == "2022-09-28"
    assert article["published"]["inferred"] is True
    assert article["authors"] == ["Nam Hyun-woo"]
    assert article["url"] == "https://www.koreatimes.co.kr/www/nation/2022/09/113_336900.html"
    assert len(article["sha256"]) == 64


async def test_an_official_known_from_reference_data_gains_the_articles_quote(seeded_store):
    official = await _one(seeded_store, "officials", "jens-stoltenberg")

    assert official["sources"] == [
        {"url": "https://en.wikipedia.org/wiki/Jens_Stoltenberg"},
        {
            "article_id": SEED_ARTICLE_ID,
            "quote": "NATO Secretary General Jens Stoltenberg",
            "start": 50,
            "end": 89,
        },
    ]
    assert official["country_id"] == "NO"
    assert "stoltenberg" in official["search_keys"]


async def test_a_researched_post_keeps_its_dates_and_gains_the_articles_attestation(seeded_store):
    post = await _one(seeded_store, "posts", "yoon-suk-yeol--president-kr")

    assert (post["start"]["value"], post["end"]["value"]) == ("2022-05-10", "2025-04-04")
    assert [day["value"] for day in post["attested"]] == ["2022-09-28"]
    assert [source.get("url") or source["quote"] for source in post["sources"]] == [
        "https://en.wikipedia.org/wiki/Yoon_Suk_Yeol",
        "President Yoon Suk-yeol",
    ]


# --- idempotent, order-independent loads -------------------------------------------------------


async def test_second_load_changes_nothing(store):
    await load_bundles(store)
    before = await dump(store)
    version = await data_version(store)

    report = await load_bundles(store)

    assert report.totals() == {"inserted": 0, "updated": 0, "deleted": 0, "unchanged": 338}
    assert not report.changed
    assert report.summary() == "0 inserted, 0 updated, 0 deleted, 338 unchanged"
    assert without_meta(await dump(store)) == without_meta(before)
    assert await data_version(store) == version == 1


async def test_a_dry_run_reports_the_changes_and_writes_nothing(store):
    report = await load_bundles(store, dry_run=True)

    assert report.dry_run
    assert report.totals()["inserted"] == 338
    assert report.summary().startswith("338 would be inserted, 0 would be updated")
    assert await dump(store) == {}
    assert await data_version(store) == 0


async def test_loading_one_article_keeps_the_articles_already_stored(store, second_article):
    await load_bundles(store)

    report = await load_bundles(store, second_article)

    assert report.articles == ["example-2022-09-30-kim-gunn-briefing", SEED_ARTICLE_ID]
    assert await store["participations"].count_documents({}) == SEED_COUNTS["participations"]
    assert await store["articles"].count_documents({}) == 2


async def test_the_stored_state_does_not_depend_on_the_order_articles_were_loaded_in(
    store, second_article
):
    await load_bundles(store, second_article)
    await load_bundles(store)
    loaded_second_first = await dump(store)

    reloaded_second = await load_bundles(store, second_article)
    reloaded_seed = await load_bundles(store)

    assert not reloaded_second.changed
    assert not reloaded_seed.changed
    assert await dump(store) == loaded_second_first


# --- merging -------------------------------------------------------------------------------------


async def test_two_articles_mentioning_the_same_official_produce_one_official_with_both_sources(
    store, second_article
):
    await load_bundles(store)

    report = await load_bundles(store, second_article)

    officials = {change.collection: change for change in report.changes}["officials"]
    assert list(officials.updated) == ["kim-gunn"]
    assert not officials.inserted
    assert await store["officials"].count_documents({}) == SEED_COUNTS["officials"]
    kim = await _one(store, "officials", "kim-gunn")
    assert kim["aliases"] == ["Kim Gun"]
    assert [(s["article_id"], s["quote"]) for s in kim["sources"]] == [
        (SEED_ARTICLE_ID, kim["sources"][0]["quote"]),
        ("example-2022-09-30-kim-gunn-briefing", "Ambassador Kim Gunn"),
        ("example-2022-09-30-kim-gunn-briefing", "Kim Gun, as some reports spell his name"),
    ]
    assert "kim gun" in kim["search_keys"]


# --- all or nothing ------------------------------------------------------------------------------


async def test_a_write_failing_part_way_is_rolled_back(store, second_article, monkeypatch):
    await load_bundles(store)
    before = await dump(store)
    calls = fail_writes_to(monkeypatch, type(store["participations"]), "articles")

    with pytest.raises(WriteFailed) as raised:
        await load_bundles(store, second_article)

    assert calls()[:2] == ["officials", "articles"]  # officials were written, then articles failed
    assert raised.value.restored
    assert "rolled back: the store is as it was" in raised.value.message
    assert without_meta(await dump(store)) == without_meta(before)


async def test_a_first_load_failing_part_way_leaves_the_store_empty(store, monkeypatch):
    fail_writes_to(monkeypatch, type(store["memberships"]), "memberships")

    with pytest.raises(WriteFailed):
        await load_bundles(store)

    assert without_meta(await dump(store)) == {}


async def test_a_write_the_database_refuses_part_way_is_rolled_back(store, tmp_path):
    # A refusal by the database itself: a unique index on the publisher, and a second article
    # from the seed article's publisher. The official's update is written, then the article's
    # insert is refused, so the update must be undone.
    await load_bundles(store)
    await store["articles"].create_index("publisher", unique=True)
    before = await dump(store)
    meta = SECOND_META.replace("publisher: Example Wire", "publisher: The Korea Times")
    same_publisher = write_bundle(tmp_path / "same", SECOND_TEXT, meta, SECOND_FACTS)
    store.commands.reset()

    with pytest.raises(WriteFailed) as raised:
        await load_bundles(store, same_publisher)

    (refusal,) = raised.value.__cause__.details["writeErrors"]
    assert refusal["code"] == 11000  # duplicate key, on MongoDB, FerretDB and mongomock alike
    # bulk_write is `update` commands over the wire, one `bulkWrite` call on the embedded store.
    written = {name for name, collection in store.commands.counts if collection == "officials"}
    assert written & {"update", "bulkWrite"}
    assert raised.value.restored
    assert without_meta(await dump(store)) == without_meta(before)


async def test_a_first_load_the_database_refuses_part_way_leaves_the_store_empty(store):
    # Every NATO membership has the same organisation: the second one inserted is refused, after
    # the countries, organisations, officials, meetings, articles and one membership were written.
    # (Descending: the store already has the ascending index, without `unique`.)
    await store["memberships"].create_index([("organisation_id", -1)], unique=True)

    with pytest.raises(WriteFailed) as raised:
        await load_bundles(store)

    details = raised.value.__cause__.details
    assert details["nInserted"] >= 1
    assert details["writeErrors"][0]["code"] == 11000
    assert raised.value.restored
    assert without_meta(await dump(store)) == {}


@pytest.fixture
async def crashable(ferretdb) -> AsyncIterator[tuple[Store, Store]]:
    """Two stores on one database of a FerretDB of the test's own, loaded with the seed: one with
    the suite's deadline, for loads that must succeed on a busy machine, and one with a short
    deadline, for the load the test crashes (its failures then come quickly)."""
    database = make_settings(mongodb_uri=ferretdb.uri).mongodb_database
    steady = create_store(StoreConfig(ferretdb.uri, database, 10_000))
    short = create_store(StoreConfig(ferretdb.uri, database, 500))
    try:
        await steady.ensure_indexes()
        await load_bundles(steady)
        yield steady, short
    finally:
        await steady.close()
        await short.close()


def crash_after(ferretdb, store: Store, command: str, where) -> None:
    """Kill the server as soon as `store` gets an answer to `command` on a collection `where`
    accepts."""
    armed = [True]

    def crash(name: str, collection: str, _seconds: float, ok: bool) -> None:
        if armed and ok and name == command and where(collection):
            armed.clear()
            ferretdb.kill()

    store.commands.observe(crash)


@pytest.mark.server
async def test_a_database_killed_mid_load_keeps_what_it_wrote_until_the_load_runs_again(
    ferretdb, crashable, second_article
):
    steady, short = crashable
    # The first write to the data (`meta` holds the write claim and the version).
    crash_after(ferretdb, short, "update", lambda collection: collection != "meta")

    with pytest.raises(WriteFailed) as raised:
        await load_bundles(short, second_article)
    ferretdb.start()  # the same port and data

    assert not raised.value.restored  # the rollback met the dead server too
    assert "run the same command again" in raised.value.message
    # Part of the load is stored, as the message warns: the official, not the article.
    kim = (await documents_by_ids(steady, "officials", ["kim-gunn"]))["kim-gunn"]
    assert "Kim Gun" in kim["aliases"]
    assert await documents_by_ids(steady, "articles", [SECOND_ARTICLE_ID]) == {}

    assert (await load_bundles(steady, second_article)).changed  # the same command again
    clean = create_store(make_settings(mongodb_uri=ferretdb.uri).store_config)
    try:
        await clean.ensure_indexes()
        await load_bundles(clean)
        await load_bundles(clean, second_article)
        assert without_meta(await dump(steady)) == without_meta(await dump(clean))
    finally:
        await clean.close()


@pytest.mark.server
async def test_a_load_after_the_database_died_holding_its_claim_takes_the_claim_over(
    ferretdb, crashable, second_article
):
    # The database is killed right after a load claimed the dataset (a document in `meta`), so
    # the claim outlives the load. This process's next load must not wait out its lease.
    steady, short = crashable
    crash_after(ferretdb, short, "insert", lambda collection: collection == "meta")

    with pytest.raises(DatabaseUnavailable):
        await load_bundles(short, second_article)
    ferretdb.start()
    left = {document["_id"] for document in await steady["meta"].find({}).to_list(None)}
    assert left == {"claim:1", "dataset"}  # the claim outlived the load

    report = await load_bundles(steady, second_article)

    assert report.changed
    assert await documents_by_ids(steady, "articles", [SECOND_ARTICLE_ID])


@pytest.mark.embedded  # the outage is the embedded store's switch
async def test_an_outage_while_writing_leaves_the_store_as_it_was(store, second_article):
    await load_bundles(store)
    before = await dump(store)

    def outage_when_writing(message: str, steps: int | None = None) -> None:
        if message == "writing":
            store.client.simulate_outage()

    from seeds.loader import collect_articles, load

    with pytest.raises(WriteFailed) as raised:
        await load(store, collect_articles([second_article]), progress=outage_when_writing)
    store.client.end_outage()

    assert not raised.value.restored  # it could not tell: the rollback met the outage too
    assert "run the same command again" in raised.value.message
    assert without_meta(await dump(store)) == without_meta(before)
    assert (await load_bundles(store, second_article)).changed


async def test_reloading_an_edited_article_removes_the_facts_it_no_longer_states(store, tmp_path):
    await load_bundles(store)
    bundle = copy_bundle(tmp_path)
    _drop_kim_sung_han(bundle / "facts.yaml")

    report = await load_bundles(store, bundle)

    deleted = {change.collection: change.deleted for change in report.changes if change.deleted}
    assert deleted == {"officials": ["kim-sung-han"], "posts": ["kim-sung-han--director-nso"]}
    assert await documents_by_ids(store, "officials", ["kim-sung-han"]) == {}


async def test_a_failed_load_puts_back_the_documents_it_had_deleted(store, tmp_path, monkeypatch):
    await load_bundles(store)
    before = await dump(store)
    bundle = copy_bundle(tmp_path)
    _drop_kim_sung_han(bundle / "facts.yaml")
    calls = fail_writes_to(monkeypatch, type(store["posts"]), "posts")

    with pytest.raises(WriteFailed):
        await load_bundles(store, bundle)

    assert calls()[0] == "officials"  # the official was deleted before writing posts failed
    assert without_meta(await dump(store)) == without_meta(before)


def _drop_kim_sung_han(facts: Path) -> None:
    """Edit a copy of the seed facts so that it no longer mentions Kim Sung-han."""
    edit(
        facts,
        "  - id: kim-sung-han\n    name: Kim Sung-han\n    country: South Korea\n"
        "    quote: National Security Office Director Kim Sung-han\n",
        "",
    )
    edit(
        facts,
        "  - id: kim-sung-han--director-nso\n    official: Kim Sung-han\n"
        "    title: Director of the National Security Office\n"
        "    organisation: National Security Office\n    country: South Korea\n"
        "    quote: National Security Office Director Kim Sung-han\n",
        "",
    )
