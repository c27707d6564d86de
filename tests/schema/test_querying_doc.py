"""docs/querying.md stays true: every GraphQL example in it runs against the seed data without
an error, and each one marked `<!-- expect: CODE -->` fails with that code."""

from __future__ import annotations

import re

import pytest

from tests.support.app import ROOT, graphql

DOC = ROOT / "docs" / "querying.md"
BLOCK = re.compile(
    r"(?:<!-- expect: (?P<code>[A-Z_]+) -->\n)?```graphql\n(?P<query>.*?)```", re.DOTALL
)


def examples() -> list[tuple[int, str | None, str]]:
    """(line, expected error code or None, query) of each graphql block of the page."""
    text = DOC.read_text(encoding="utf-8")
    return [
        (text.count("\n", 0, match.start("query")) + 1, match["code"], match["query"])
        for match in BLOCK.finditer(text)
    ]


def test_the_page_has_examples_of_every_root_field():
    queries = "\n".join(query for _line, _code, query in examples())
    root_fields = re.findall(
        r"^  (\w+)\(",
        (ROOT / "schema.graphql").read_text().split("type Query {")[1].split("\n}")[0],
        re.M,
    )
    assert len(root_fields) == 20
    missing = [field for field in root_fields if not re.search(rf"\b{field}\(", queries)]
    assert missing == []


@pytest.mark.parametrize(
    ("line", "code", "query"), examples(), ids=[f"line-{line}" for line, _c, _q in examples()]
)
async def test_each_example_answers_as_the_page_says(client, line, code, query):
    body = await graphql(client, query)

    if code is None:
        assert "errors" not in body, (line, body.get("errors"))
        assert body["data"] and all(value is not None for value in body["data"].values())
    else:
        assert [error["extensions"]["code"] for error in body["errors"]] == [code], line
