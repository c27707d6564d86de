"""docs/seeding.md stays true: its example bundle is the one in docs/examples, and it loads."""

from __future__ import annotations

from store.repository.graph import documents_by_ids
from tests.support.app import ROOT
from tests.support.seeds import SEED_ARTICLE_ID, load_bundles

EXAMPLE = ROOT / "docs" / "examples" / "example-2022-09-30-kim-gunn-geoana"


def test_the_seeding_guide_shows_the_example_bundle_verbatim():
    guide = (ROOT / "docs" / "seeding.md").read_text(encoding="utf-8")

    for name in ("article.txt", "article.yaml", "facts.yaml"):
        assert (EXAMPLE / name).read_text(encoding="utf-8") in guide, name


async def test_the_example_bundle_merges_into_what_the_seed_article_loaded(store):
    await load_bundles(store)

    report = await load_bundles(store, EXAMPLE)

    changed = {
        change.collection: (sorted(change.inserted), sorted(change.updated))
        for change in report.changes
        if change.changed
    }
    assert changed == {
        "officials": ([], ["kim-gunn"]),
        "meetings": (["kim-gunn-geoana-2022-09-29"], []),
        "articles": (["example-2022-09-30-kim-gunn-geoana"], []),
        "posts": ([], ["mircea-geoana--deputy-secretary-general-nato"]),
        "participations": (
            ["kim-gunn-geoana-2022-09-29--kim-gunn", "kim-gunn-geoana-2022-09-29--mircea-geoana"],
            [],
        ),
    }
    meeting = (await documents_by_ids(store, "meetings", ["kim-gunn-geoana-2022-09-29"]))[
        "kim-gunn-geoana-2022-09-29"
    ]
    assert (meeting["date"]["value"], meeting["date"]["raw"]) == ("2022-09-29", "on Thursday")
    post = (
        await documents_by_ids(store, "posts", ["mircea-geoana--deputy-secretary-general-nato"])
    )["mircea-geoana--deputy-secretary-general-nato"]
    assert [day["value"] for day in post["attested"]] == ["2022-09-28", "2022-09-30"]
    kim = (await documents_by_ids(store, "officials", ["kim-gunn"]))["kim-gunn"]
    assert [source["article_id"] for source in kim["sources"]] == [
        SEED_ARTICLE_ID,
        "example-2022-09-30-kim-gunn-geoana",
    ]
