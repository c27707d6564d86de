"""Settings, read from the environment (and a `.env` file). The only module that reads them."""

from __future__ import annotations

from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from store.connection import StoreConfig


class Settings(BaseSettings):
    """Every knob diplograph has. Each field is documented in the README's settings table."""

    model_config = SettingsConfigDict(env_file=".env", env_prefix="", extra="ignore")

    mongodb_uri: str | None = Field(
        default=None,
        description="MongoDB connection string. Unset: the embedded in-process store.",
    )
    mongodb_database: str = Field(default="diplograph", description="Database name.")
    mongodb_timeout_ms: int = Field(
        default=2000,
        ge=100,
        description="Deadline for all of one request's MongoDB calls together (PyMongo's "
        "timeoutMS), and their server-selection and connect timeout.",
    )
    host: str = Field(default="127.0.0.1", description="Address `diplograph serve` binds.")
    port: int = Field(default=8000, ge=1, le=65535, description="Port `diplograph serve` binds.")
    log_level: Literal["debug", "info", "warning", "error"] = Field(
        default="info", description="Log level of the app and uvicorn."
    )
    seed_on_startup: bool | None = Field(
        default=None,
        description="Load the bundled seed data at start-up. Unset: only on the embedded store.",
    )
    write_token: str | None = Field(
        default=None,
        description="Bearer token that authorises writes. Unset: writes are refused.",
    )
    graphiql: bool = Field(default=True, description="Serve GraphiQL on GET /graphql.")
    introspection: bool = Field(default=True, description="Answer introspection queries.")
    debug: bool = Field(default=False, description="Field suggestions and unmasked errors.")

    # --- limits (issue 6) ---
    # What one request may ask of the server. docs/security.md explains each default.
    max_depth: int = Field(default=10, ge=1, description="Deepest nesting of fields in a query.")
    max_aliases: int = Field(default=30, ge=0, description="Aliases in one query document.")
    max_tokens: int = Field(default=1000, ge=10, description="Lexical tokens in one document.")
    max_fields: int = Field(
        default=500, ge=1, description="Field selections in a query, fragments expanded."
    )
    max_body_bytes: int = Field(
        default=100_000, ge=1024, description="Largest request body; larger gets 413 unread."
    )
    max_batch_operations: int = Field(
        default=0, ge=0, description="Operations in one batched request; 0 turns batching off."
    )
    max_query_cost: int = Field(default=2000, ge=1, description="Highest cost of one query.")
    rate_limit_budget: int = Field(
        default=10_000, ge=1, description="Cost points a client can spend in a burst."
    )
    rate_limit_refill_per_second: float = Field(
        default=100.0, gt=0, description="Cost points a client's budget regains each second."
    )
    api_tokens: list[str] = Field(
        default_factory=list,
        description="Bearer tokens that identify clients: each has its own budget. JSON list.",
    )
    request_deadline_seconds: float = Field(
        default=5.0, gt=0, description="Longest a GraphQL request may run before it is cancelled."
    )
    cors_allow_origins: list[str] = Field(
        default_factory=list,
        description="Origins browsers may call the API from (JSON list). Empty: same origin only.",
    )

    # --- performance (issue 8) ---
    response_cache_bytes: int = Field(
        default=32 * 1024 * 1024,
        ge=0,
        description="Memory for cached responses, in bytes of their JSON; 0 turns the cache off.",
    )
    persisted_queries: int = Field(
        default=1000, ge=0, description="Automatic persisted queries kept; 0 turns APQ off."
    )

    # --- observability (issue 7) ---
    metrics: bool = Field(default=True, description="Serve Prometheus metrics on GET /metrics.")
    tracing: bool = Field(
        default=False,
        description="Trace every GraphQL operation with OpenTelemetry (needs the `tracing` extra).",
    )
    tracing_exporter: Literal["console", "otlp"] = Field(
        default="console",
        description="Where spans go when TRACING is on: stdout, or an OTLP/HTTP collector "
        "(OTEL_EXPORTER_OTLP_ENDPOINT; needs the opentelemetry-exporter-otlp-proto-http package).",
    )
    tracing_service_name: str = Field(
        default="diplograph", description="The `service.name` resource attribute of every span."
    )
    # Longer than the idle timeout of whatever pools connections in front (nginx and cloud load
    # balancers: 60 s), so that the server never closes a connection a client is about to reuse.
    keep_alive_seconds: int = Field(
        default=75, ge=1, description="How long `diplograph serve` keeps an idle connection open."
    )

    @property
    def store_config(self) -> StoreConfig:
        """What the data layer needs to connect, as plain values."""
        return StoreConfig(self.mongodb_uri, self.mongodb_database, self.mongodb_timeout_ms)

    @property
    def embedded(self) -> bool:
        """True when no MongoDB server is configured and the in-process store is used."""
        return self.store_config.embedded

    @property
    def should_seed(self) -> bool:
        """Seed at start-up when asked to, or by default on the embedded store (it starts empty)."""
        return self.embedded if self.seed_on_startup is None else self.seed_on_startup
