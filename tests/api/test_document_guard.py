"""The document guard counts what validation would read: every operation of a document together,
and fragments no operation spreads. An app of its own allows 10 fields."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from api import limits
from tests.support.app import make_settings, running_app


@pytest.fixture(scope="module")
async def guarded() -> AsyncIterator[httpx.AsyncClient]:
    async with running_app(make_settings(max_fields=10)) as (_app, client):
        yield client


def fields(count: int) -> str:
    return " ".join(f"f{n}: __typename" for n in range(count))


async def run(client: httpx.AsyncClient, document: str, operation: str | None = None) -> dict:
    response = await client.post("/graphql", json={"query": document, "operationName": operation})
    return response.json()


async def test_the_fields_of_every_operation_count_together(guarded):
    body = await run(guarded, f"query A {{ {fields(6)} }} query B {{ {fields(6)} }}", "A")

    (error,) = body["errors"]
    assert error["extensions"] == {"code": "TOO_MANY_FIELDS", "maximum": 10}
    assert "selects 12 fields" in error["message"]


async def test_a_document_at_the_field_maximum_runs(guarded):
    body = await run(guarded, f"query A {{ {fields(5)} }} query B {{ {fields(5)} }}", "A")

    assert "errors" not in body, body["errors"]
    assert len(body["data"]) == 5


async def test_a_fragment_no_operation_spreads_is_measured_too(guarded):
    bomb = ["fragment F0 on Query { __typename }"]
    bomb += [f"fragment F{i} on Query {{ a: __typename ...F{i - 1} }}" for i in range(1, 12)]
    body = await run(guarded, "{ __typename } " + " ".join(bomb))

    (error,) = body["errors"]
    assert error["extensions"] == {"code": "TOO_MANY_FIELDS", "maximum": 10}


async def test_the_verdict_on_a_text_is_reached_once_and_kept(monkeypatch):
    checked: list[int] = []
    original = limits.DocumentShape.check

    def counted(self):
        checked.append(1)
        return original(self)

    monkeypatch.setattr(limits.DocumentShape, "check", counted)
    async with running_app(make_settings(max_fields=10)) as (_app, client):
        over = f"{{ {fields(11)} }}"
        first = await run(client, over)
        second = await run(client, over)
        within = await run(client, f"{{ {fields(3)} }}")

    assert first["errors"] == second["errors"]
    assert "errors" not in within
    assert len(checked) == 2  # the text over the limit once, the other once
