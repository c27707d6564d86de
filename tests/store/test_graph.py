"""The graph's reads, on a store holding a few documents made by the factories."""

from __future__ import annotations

from store.names import name_key
from store.repository import graph
from store.repository.criteria import Criteria
from tests.support.factories import country, membership, official, participation


async def insert(store, collection: str, *documents) -> None:
    await store[collection].insert_many(list(documents))


async def test_documents_are_grouped_by_each_value_an_array_path_holds(store):
    await insert(
        store,
        "participations",
        participation("summit", "kim-gunn"),  # written first, listed second: by id
        participation("nac", "geoana"),
        participation("nac", "kim-gunn"),
    )

    grouped = await graph.documents_where_in(
        store, "participations", "participant.id", ["kim-gunn"]
    )

    assert [d["meeting_id"] for d in grouped["kim-gunn"]] == ["nac", "summit"]


async def test_memberships_of_an_organisation_can_be_narrowed_to_roles(store):
    await insert(
        store,
        "memberships",
        membership("FI", role="invitee"),
        membership("KR", role="partner"),
        membership("US"),
    )

    partners = await graph.memberships_of(store, "nato", ["partner", "invitee"])
    everyone = await graph.memberships_of(store, "nato", None)

    assert sorted(m["member"]["id"] for m in partners) == ["FI", "KR"]
    assert len(everyone) == 3


async def test_a_page_holds_what_the_criteria_select_and_counts_all_of_it(store):
    await insert(
        store,
        "countries",
        country("FI", "Finland"),
        country("FR", "France"),
        country("SE", "Sweden"),
        country("KR", "South Korea", aliases=["Republic of Korea"]),
    )

    criteria = Criteria().name_starts_with("f").id_in(["FI", "FR", "SE"])
    sort = graph.with_tiebreak([("name", -1)])
    found = await graph.page(store, "countries", criteria, sort, first=1)

    assert ([d["_id"] for d in found.documents], found.total) == (["FR"], 2)
    assert (found.has_next, found.has_previous) == (True, False)


BY_NAME = graph.with_tiebreak([("sort_name", 1)])


async def page_ids(store, **bounds) -> tuple[list[str], bool, bool]:
    found = await graph.page(store, "countries", Criteria(), BY_NAME, **bounds)
    return [d["_id"] for d in found.documents], found.has_previous, found.has_next


async def test_a_page_after_a_position_starts_after_that_item_even_when_items_were_added(store):
    await insert(
        store,
        "countries",
        *(country(c, n) for c, n in [("BE", "Belgium"), ("DE", "Germany"), ("FR", "France")]),
    )
    first = await graph.page(store, "countries", Criteria(), BY_NAME, first=2)
    position = graph.keyset_values(first.documents[-1], BY_NAME)  # France
    await insert(store, "countries", country("AX", "Åland Islands"), country("DK", "Denmark"))

    assert await page_ids(store, first=2, after=position) == (["DE"], True, False)


async def test_a_page_before_a_position_holds_the_items_just_before_it(store):
    await insert(
        store,
        "countries",
        *(
            country(c, n)
            for c, n in [
                ("AX", "Åland Islands"),
                ("BE", "Belgium"),
                ("DE", "Germany"),
                ("FR", "France"),
            ]
        ),
    )
    germany = graph.keyset_values(country("DE", "Germany"), BY_NAME)

    assert await page_ids(store, last=2, before=germany) == (["BE", "FR"], True, True)
    assert await page_ids(store, last=5, before=germany) == (["AX", "BE", "FR"], False, True)
    assert await page_ids(store, last=2) == (["FR", "DE"], True, False)


async def test_names_are_ordered_by_their_collation_key_not_by_code_point(store):
    await insert(
        store,
        "countries",
        *(
            country(c, n)
            for c, n in [
                ("ZW", "Zimbabwe"),
                ("AX", "Åland Islands"),
                ("AL", "Albania"),
                ("TM", "Turkmenistan"),
                ("TR", "Türkiye"),
            ]
        ),
    )

    assert (await page_ids(store, first=10))[0] == ["AX", "AL", "TR", "TM", "ZW"]


async def test_a_name_prefix_matches_any_word_of_any_name_but_is_never_a_pattern(store):
    await insert(store, "officials", official("kim-gunn", "Kim Gunn"), official("x", "K.m"))

    by_word = await graph.search_by_key_prefix(store, ["officials"], "gunn", 10)
    by_pattern = await graph.search_by_key_prefix(store, ["officials"], "k.m", 10)

    assert [d["_id"] for d in by_word["officials"]] == ["kim-gunn"]
    assert by_pattern["officials"] == []


async def test_linking_documents_are_read_for_every_kind_that_links(store):
    await insert(store, "memberships", membership("KR", role="partner"))
    await insert(store, "participations", participation("nac", "kim-gunn"))

    found = await graph.documents_linking(store, ["KR", "kim-gunn"])

    assert [d["_id"] for d in found["memberships"]] == ["nato--kr--partner"]
    assert [d["_id"] for d in found["participations"]] == ["nac--kim-gunn"]
    assert found["posts"] == []


async def test_a_page_that_ends_exactly_full_says_there_is_nothing_next(store):
    await insert(store, "countries", country("BE", "Belgium"), country("FR", "France"))

    assert await page_ids(store, first=2) == (["BE", "FR"], False, False)


async def test_a_page_after_the_first_item_has_that_item_before_it(store):
    await insert(
        store,
        "countries",
        *(country(c, n) for c, n in [("BE", "Belgium"), ("DE", "Germany"), ("FR", "France")]),
    )
    belgium = graph.keyset_values(country("BE", "Belgium"), BY_NAME)

    assert await page_ids(store, first=5, after=belgium) == (["FR", "DE"], True, False)


async def test_countries_are_found_by_a_name_or_by_either_code(store):
    await insert(
        store,
        "countries",
        country("KR", "South Korea", aliases=["Republic of Korea"]),
        country("KP", "North Korea"),
    )

    assert await graph.countries_named(store, "nothing", "KRX") == ["KR"]  # its alpha-3 code
    assert await graph.countries_named(store, "nothing", "KP") == ["KP"]
    assert await graph.countries_named(store, name_key("Republic of Korea"), "") == ["KR"]
    assert await graph.countries_named(store, name_key("Korea"), "") == []
