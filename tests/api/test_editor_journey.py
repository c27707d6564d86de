"""An editor's whole journey over HTTP, against a real server process: raw text → the extractor's
draft → the editor's review → load → query → remove, then a restart that keeps every step."""

from __future__ import annotations

import httpx
import pytest
import yaml
from strawberry.relay.utils import to_base64

from tests.support.server import running_server
from tests.support.writes import EDITOR, LOAD, REMOVE

# `diplograph serve` on the embedded store and its data folder, in either pass: one is enough.
pytestmark = pytest.mark.embedded

TEXT = (
    "BRUSSELS, 3 October 2022 - Ambassador Ana Testa of Portugal met reporters after the NAC+4 "
    "meeting at NATO headquarters."
)
PROPOSE = """
mutation($text: String!, $published: Date!, $url: String) {
  proposeArticle(text: $text, published: $published, url: $url) { text metadata facts }
}
"""
FIND = '{ search(query: "Ana Testa", types: [OFFICIAL]) { node { id name } } }'


def call(server, query: str, variables: dict | None = None, headers: dict | None = None) -> dict:
    response = httpx.post(
        f"{server.url}/graphql",
        json={"query": query, "variables": variables or {}},
        headers=headers or {},
        timeout=60,
    )
    return response.json()


def review(facts: str) -> str:
    """What the editor does to a draft: read it, accept it, and remove the draft marker."""
    data = yaml.safe_load(facts)
    data.pop("draft", None)
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


HAND_WRITTEN = {
    "text": TEXT,
    "metadata": "id: example-2022-10-03-ana-testa\ntitle: Ana Testa at NATO\n"
    "url: https://example.org/ana-testa\npublisher: Example News\npublished:\n  date: 2022-10-03\n",
    "facts": "draft: true\nofficials:\n  - id: ana-testa\n    name: Ana Testa\n"
    "    country: Portugal\n    quote: Ambassador Ana Testa of Portugal\n",
}


def journey(server, draft: dict[str, str]) -> None:
    """Review and load a draft, query it, remove it, restart, and find every step kept."""
    article_id = yaml.safe_load(draft["metadata"])["id"]
    bundle = {"text": draft["text"], "metadata": draft["metadata"], "facts": review(draft["facts"])}
    loaded = call(server, LOAD, {"input": bundle, "message": "reviewed draft"}, EDITOR)
    assert loaded["data"]["loadArticle"]["ok"], loaded["data"]["loadArticle"]["problems"]

    (found,) = call(server, FIND)["data"]["search"]
    assert found["node"]["name"] == "Ana Testa"
    official = found["node"]["id"]

    removed = call(server, REMOVE, {"id": article_id, "message": "withdrawn"}, EDITOR)
    assert removed["data"]["removeArticle"]["ok"]
    assert call(server, FIND)["data"]["search"] == []
    server.kill()

    server.start()

    assert call(server, FIND)["data"]["search"] == []
    history = call(server, f'{{ history(id: "{official}") {{ nodes {{ operation message }} }} }}')
    operations = [(e["operation"], e["message"]) for e in history["data"]["history"]["nodes"]]
    assert ("loadArticle", "reviewed draft") in operations
    assert ("removeArticle", "withdrawn") in operations
    article = call(
        server, f'{{ history(id: "{to_base64("Article", article_id)}") {{ totalCount }} }}'
    )
    assert article["data"]["history"]["totalCount"] == 2  # inserted, then deleted
    golden = call(server, '{ meeting(id: "nac-plus-4-2022-09-27") { name } }')
    assert golden["data"]["meeting"]["name"] == "NAC+4 meeting"


def test_an_editor_goes_from_raw_text_to_facts_and_back_over_http(tmp_path):
    with running_server(tmp_path / "data", tmp_path) as server:
        proposed = call(
            server,
            PROPOSE,
            {"text": TEXT, "published": "2022-10-03", "url": "https://example.org/ana-testa"},
            EDITOR,
        )
        assert "errors" not in proposed, proposed["errors"]
        draft = proposed["data"]["proposeArticle"]
        assert draft["text"] == TEXT
        assert "Ana Testa" in draft["facts"]
        unreviewed = call(server, LOAD, {"input": draft}, EDITOR)["data"]["loadArticle"]
        assert unreviewed["ok"] is False  # the loader refuses a draft nobody reviewed
        assert [p["field"] for p in unreviewed["problems"]] == ["draft"]

        journey(server, draft)


def test_the_journey_from_a_hand_written_draft_keeps_every_step_across_a_restart(tmp_path):
    # The same journey without the extractor: what follows `proposeArticle` works today.
    with running_server(tmp_path / "data", tmp_path) as server:
        journey(server, HAND_WRITTEN)
