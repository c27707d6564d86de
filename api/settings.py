"""Settings, read from the environment (and a `.env` file). The only module that reads them.

Every variable is `DIPLOGRAPH_` and the setting's name (`DIPLOGRAPH_PORT`), except the
conventional `MONGODB_URI` (`DIPLOGRAPH_MONGODB_URI` works too). The bare names of the previous
release (`PORT`, `HOST`...) are still read, with a warning naming the new variable, until the next
release; a bare `DEBUG` is not: one left in a shell, or set for another tool, would unmask errors.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any, Literal

import platformdirs
from pydantic import AliasChoices, BaseModel, ConfigDict, Field, model_validator
from pydantic.fields import FieldInfo
from pydantic_settings import (
    BaseSettings,
    DotEnvSettingsSource,
    EnvSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from store.connection import StoreConfig

logger = logging.getLogger("diplograph.settings")

ENV_PREFIX = "DIPLOGRAPH_"
# Read from the bare name only if its owner says so: DEBUG is the name other tools use too.
NEVER_BARE = frozenset({"debug"})


def environment_name(field: str) -> str:
    """The environment variable that sets `field`."""
    return "MONGODB_URI" if field == "mongodb_uri" else ENV_PREFIX + field.upper()


Scope = Literal["read", "write"]


class TokenEntry(BaseModel):
    """A bearer token the server accepts, known by its SHA-256 only (`diplograph token create`).

    Tokens are 256 random bits, so a fast hash is enough: nothing short of the token itself
    produces the hash, and there is no dictionary to try (a password KDF defends guessable
    secrets, and would cost every request tens of milliseconds for nothing)."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(
        min_length=1,
        max_length=64,
        pattern=r"^[A-Za-z0-9._-]+$",
        description="Who holds the token, as the audit trail records it; never the token.",
    )
    sha256: str = Field(
        pattern=r"^[0-9a-f]{64}$", description="The token's SHA-256, in lower-case hexadecimal."
    )
    scopes: list[Scope] = Field(
        default_factory=lambda: ["read"],
        description="What the token may do: `read`, `write` (which includes reading).",
    )


def default_data_dir() -> Path:
    """Where the embedded store keeps what was written at run time: the user's data folder."""
    return Path(platformdirs.user_data_dir("diplograph", appauthor=False))


class Settings(BaseSettings):
    """Every knob diplograph has. Each field is documented in the README's settings table."""

    model_config = SettingsConfigDict(
        env_file=".env", env_prefix=ENV_PREFIX, extra="ignore", populate_by_name=True
    )

    mongodb_uri: str | None = Field(
        default=None,
        validation_alias=AliasChoices(ENV_PREFIX + "MONGODB_URI", "MONGODB_URI", "mongodb_uri"),
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
    log_format: Literal["json", "text"] = Field(
        default="json",
        description="`json`: every log line a JSON object, uvicorn's too; `text`: plain lines.",
    )
    seed_on_startup: bool | None = Field(
        default=None,
        description="Load the bundled seed data at start-up. Unset: only on the embedded store.",
    )
    articles: list[Path] = Field(
        default_factory=list,
        description="Article bundle folders (or folders of them) that start-up loads after the "
        "bundled seed articles, whenever it loads the seed data. JSON list.",
    )
    write_token: str | None = Field(
        default=None,
        description="Deprecated: one plain bearer token with the `write` scope (token id "
        "`write-token`). Prefer DIPLOGRAPH_TOKENS, which holds hashes only.",
    )
    tokens: list[TokenEntry] = Field(
        default_factory=list,
        description="Bearer tokens by hash, each with an id and scopes (JSON list of "
        '{"id", "sha256", "scopes"}); `diplograph token create` makes one.',
    )
    read_requires_token: bool = Field(
        default=False, description="Reads need a token with the `read` scope too."
    )
    data_dir: Path = Field(
        default_factory=default_data_dir,
        description="Where the embedded store saves accepted writes as bundle files, loaded "
        "again at start-up.",
    )
    write_deadline_seconds: float = Field(
        default=60.0, gt=0, description="Longest a mutation may run before it is cancelled."
    )
    change_feed: Literal["auto", "local", "poll", "stream"] = Field(
        default="auto",
        description="How `graphChanged` learns of writes made by other processes: `stream` "
        "(MongoDB change streams), `poll` (the data version), `local` (this process only); "
        "`auto` picks stream, poll or local from the backend.",
    )
    change_poll_seconds: float = Field(
        default=1.0, gt=0, description="How often the `poll` change feed reads the data version."
    )
    profile: Literal["development", "production"] = Field(
        default="development",
        description="`production` changes the defaults of graphiql, introspection and metrics to "
        "off (metrics stay on when a metrics token is set); settings given explicitly still win.",
    )
    graphiql: bool = Field(default=True, description="Serve GraphiQL on GET /graphql.")
    introspection: bool = Field(
        default=True,
        description="Answer introspection queries. Off: error messages name no type or field "
        "the request did not spell itself.",
    )
    debug: bool = Field(default=False, description="Field suggestions and unmasked errors.")

    # --- limits ---
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
    min_request_cost: int = Field(
        default=10,
        ge=0,
        description="Cost points every GraphQL request is charged at least, errors and empty "
        "answers included.",
    )
    max_concurrent_requests_per_client: int = Field(
        default=4, ge=1, description="GraphQL requests one client may have in flight at once."
    )
    request_deadline_seconds: float = Field(
        default=5.0, gt=0, description="Longest a GraphQL request may run before it is cancelled."
    )
    max_header_bytes: int = Field(
        default=16 * 1024,
        ge=1024,
        description="Largest request line and headers `diplograph serve` reads (431 beyond).",
    )
    max_headers: int = Field(
        default=100, ge=10, description="Most header fields in one request (431 beyond)."
    )
    header_timeout_seconds: float = Field(
        default=10.0,
        gt=0,
        description="Time `diplograph serve` gives a client to send a request's headers (408).",
    )
    body_timeout_seconds: float = Field(
        default=30.0,
        gt=0,
        description="Time `diplograph serve` gives a client to send a request's body (408).",
    )
    cors_allow_origins: list[str] = Field(
        default_factory=list,
        description="Origins browsers may call the API from (JSON list). Empty: same origin only.",
    )

    # --- performance ---
    response_cache_bytes: int = Field(
        default=32 * 1024 * 1024,
        ge=0,
        description="Memory for cached responses, in bytes of their JSON; 0 turns the cache off.",
    )
    document_cache_bytes: int = Field(
        default=16 * 1024 * 1024,
        ge=0,
        description="Memory for parsed and validated query documents and persisted queries, "
        "in (estimated) bytes; 0 turns these caches off.",
    )
    persisted_queries: int = Field(
        default=1000, ge=0, description="Automatic persisted queries kept; 0 turns APQ off."
    )

    # --- observability ---
    metrics: bool = Field(default=True, description="Serve Prometheus metrics on GET /metrics.")
    metrics_token: str | None = Field(
        default=None,
        description="Bearer token GET /metrics requires. Unset: /metrics is public.",
    )
    tracing: bool = Field(
        default=False,
        description="Trace every GraphQL operation with OpenTelemetry (needs the `tracing` extra).",
    )
    tracing_exporter: Literal["console", "otlp"] = Field(
        default="console",
        description="Where spans go when tracing is on: stdout, or an OTLP/HTTP collector "
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

    @model_validator(mode="before")
    @classmethod
    def _profile_defaults(cls, values: Any) -> Any:
        """The production profile's defaults: no IDE, no introspection, no public metrics."""
        if not isinstance(values, dict) or str(values.get("profile", "")).lower() != "production":
            return values
        defaults = {
            "graphiql": False,
            "introspection": False,
            "metrics": bool(values.get("metrics_token")),
        }
        return {**defaults, **values}

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """The prefixed variables first, then the bare names of the previous release."""
        env_file = (
            dotenv_settings.env_file if isinstance(dotenv_settings, DotEnvSettingsSource) else None
        )
        bare = BareNames(settings_cls, env_file)
        return init_settings, env_settings, dotenv_settings, bare, file_secret_settings

    @property
    def store_config(self) -> StoreConfig:
        """What the data layer needs to connect, as plain values."""
        return StoreConfig(self.mongodb_uri, self.mongodb_database, self.mongodb_timeout_ms)

    @property
    def mongodb_uri_redacted(self) -> str:
        """The connection string as it may be printed in a log: `mongodb://user:***@host`."""
        return re.sub(r"(//[^:/@]+):[^@/]*@", r"\1:***@", str(self.mongodb_uri))

    @property
    def embedded(self) -> bool:
        """True when no MongoDB server is configured and the in-process store is used."""
        return self.store_config.embedded

    @property
    def should_seed(self) -> bool:
        """Seed at start-up when asked to, or by default on the embedded store (it starts empty)."""
        return self.embedded if self.seed_on_startup is None else self.seed_on_startup


class BareNames(PydanticBaseSettingsSource):
    """The unprefixed variables of the previous release (`PORT`...), for one more release.

    Each one that is used logs a warning naming its new variable; one that a prefixed variable or
    an argument overrides is ignored silently. A bare `DEBUG` is never used, and says so.
    """

    def __init__(self, settings_cls: type[BaseSettings], env_file: Any) -> None:
        super().__init__(settings_cls)
        self._sources = (
            DotEnvSettingsSource(settings_cls, env_file=env_file, env_prefix=""),
            EnvSettingsSource(settings_cls, env_prefix=""),  # the environment wins over .env
        )

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        # Unused: `__call__` reads every field through the two sources at once.
        return None, field_name, False

    def __call__(self) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for source in self._sources:
            found.update(source())
        values: dict[str, Any] = {}
        for name, value in found.items():
            if name not in self.settings_cls.model_fields or name == "mongodb_uri":
                continue
            if name in self.current_state:
                continue
            if name in NEVER_BARE:
                logger.warning(
                    "%s is ignored: set %s to turn it on for diplograph.",
                    name.upper(),
                    environment_name(name),
                )
                continue
            logger.warning(
                "%s is deprecated and will be ignored in the next release: rename it %s.",
                name.upper(),
                environment_name(name),
            )
            values[name] = value
        return values
