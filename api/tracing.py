"""OpenTelemetry tracing of GraphQL operations, through Strawberry's own extension.

Off unless DIPLOGRAPH_TRACING is on. Then the app builds its own tracer provider (it does not touch
the process-wide one) and hands it to `OpenTelemetryExtension`, which makes a span per operation,
with child spans for parsing, validation and each resolver. The SDK comes with the `tracing` extra.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from api.settings import Settings

if TYPE_CHECKING:
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SpanExporter


class TracingUnavailable(RuntimeError):
    """DIPLOGRAPH_TRACING is on but a package it needs is not installed."""


def create_tracer_provider(
    settings: Settings, exporter: SpanExporter | None = None
) -> TracerProvider | None:
    """A provider that batches spans to `exporter` (default: DIPLOGRAPH_TRACING_EXPORTER's), or
    None when tracing is off."""
    if not settings.tracing:
        return None
    try:
        from opentelemetry.sdk.resources import Resource
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import BatchSpanProcessor
    except ImportError as error:
        raise TracingUnavailable(
            "DIPLOGRAPH_TRACING is on but the OpenTelemetry SDK is not installed: "
            "install diplograph with its `tracing` extra (uv sync --extra tracing)."
        ) from error
    provider = TracerProvider(
        resource=Resource.create({"service.name": settings.tracing_service_name})
    )
    provider.add_span_processor(BatchSpanProcessor(exporter or _exporter(settings)))
    return provider


def _exporter(settings: Settings) -> SpanExporter:
    if settings.tracing_exporter == "console":
        from opentelemetry.sdk.trace.export import ConsoleSpanExporter

        return ConsoleSpanExporter()
    try:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    except ImportError as error:
        raise TracingUnavailable(
            "DIPLOGRAPH_TRACING_EXPORTER=otlp needs the opentelemetry-exporter-otlp-proto-http "
            "package; install it next to diplograph, or use DIPLOGRAPH_TRACING_EXPORTER=console."
        ) from error
    # The exporter reads OTEL_EXPORTER_OTLP_ENDPOINT (and _HEADERS...) itself, as OTel documents.
    return OTLPSpanExporter()
