"""OpenTelemetry tracing through Strawberry's extension: spans when DIPLOGRAPH_TRACING is on, none
when off."""

from __future__ import annotations

import sys

import pytest
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from api.app import create_app
from api.tracing import TracingUnavailable
from tests.support.app import make_settings, running_app

KOREA = 'query KoreaName { country(code: "KR") { name } }'


async def run_one_query(exporter: InMemorySpanExporter, **settings: object) -> None:
    async with running_app(make_settings(**settings), span_exporter=exporter) as (_app, client):
        response = await client.post("/graphql", json={"query": KOREA})
        assert response.json()["data"] == {"country": {"name": "South Korea"}}
    # Leaving the lifespan shuts the tracer provider down, which flushes the batched spans.


async def test_tracing_on_exports_a_span_tree_per_operation():
    exporter = InMemorySpanExporter()

    await run_one_query(exporter, tracing=True, tracing_service_name="diplograph-test")

    spans = {span.name: span for span in exporter.get_finished_spans()}
    operation = spans["GraphQL Query: KoreaName"]
    assert {"GraphQL Parsing", "GraphQL Validation", "GraphQL Resolving: country"} <= set(spans)
    assert spans["GraphQL Resolving: country"].parent.span_id == operation.context.span_id
    assert operation.attributes["query"] == KOREA
    assert operation.resource.attributes["service.name"] == "diplograph-test"


async def test_tracing_is_off_by_default_and_exports_nothing():
    exporter = InMemorySpanExporter()

    await run_one_query(exporter)

    assert exporter.get_finished_spans() == ()


def test_tracing_without_the_sdk_stops_start_up_with_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "opentelemetry.sdk.trace", None)

    with pytest.raises(TracingUnavailable, match="tracing` extra"):
        create_app(make_settings(tracing=True))


def test_otlp_exporter_missing_stops_start_up_with_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "opentelemetry.exporter.otlp.proto.http.trace_exporter", None)

    with pytest.raises(TracingUnavailable, match="opentelemetry-exporter-otlp-proto-http"):
        create_app(make_settings(tracing=True, tracing_exporter="otlp"))
