"""The start-up banner: where the API listens, on which store, with what data, for which origins,
and how locked down it is. Logged once the store is ready, so that it can say what was loaded.
"""

from __future__ import annotations

import logging
from typing import Any

from api.settings import Settings
from store.connection import Store
from store.entities import COLLECTIONS
from store.repository.base import count

logger = logging.getLogger("diplograph")


async def collection_counts(store: Store) -> dict[str, int]:
    """How many documents each collection of the graph holds."""
    return {collection: await count(store, collection, {}) for collection in COLLECTIONS}


def security_profile(settings: Settings) -> dict[str, Any]:
    """What a caller can see and do: "public" when the IDE, introspection and debug are off."""
    public = not (settings.graphiql or settings.introspection or settings.debug)
    return {
        "profile": "public" if public else "development",
        "graphiql": settings.graphiql,
        "introspection": settings.introspection,
        "debug": settings.debug,
        "api_tokens": len(settings.api_tokens),
        "writes": "with DIPLOGRAPH_WRITE_TOKEN" if settings.write_token else "refused",
        "max_query_cost": settings.max_query_cost,
        "rate_limit_budget": settings.rate_limit_budget,
    }


def startup_facts(settings: Settings, counts: dict[str, int], seeded: bool) -> dict[str, Any]:
    """The banner's content, as fields (JSON logs carry them as they are)."""
    store = (
        "embedded (in-process; MONGODB_URI is unset)"
        if settings.embedded
        else f"MongoDB {settings.mongodb_uri_redacted}, database {settings.mongodb_database}"
    )
    return {
        "url": f"http://{settings.host}:{settings.port}/graphql",
        "store": store,
        "loaded": {
            "seed_data_at_start_up": seeded,
            "article_folders": [str(path) for path in settings.articles] if seeded else [],
            "documents": counts,
        },
        "cors_allow_origins": list(settings.cors_allow_origins),
        "security": security_profile(settings),
    }


def banner_text(facts: dict[str, Any]) -> str:
    """The banner as a few lines for a person."""
    counts = facts["loaded"]["documents"]
    data = ", ".join(f"{number} {collection}" for collection, number in counts.items())
    if facts["loaded"]["seed_data_at_start_up"]:
        folders = facts["loaded"]["article_folders"]
        also = f", with the bundles under {', '.join(folders)}" if folders else ""
        data += f" (seed data loaded at start-up{also})"
    origins = ", ".join(facts["cors_allow_origins"]) or (
        "same origin only (DIPLOGRAPH_CORS_ALLOW_ORIGINS is empty)"
    )
    security = facts["security"]
    switches = ", ".join(
        f"{name} {'on' if security[name] else 'off'}"
        for name in ("graphiql", "introspection", "debug")
    )
    return "\n".join(
        [
            f"diplograph is ready on {facts['url']}",
            f"  store:    {facts['store']}",
            f"  data:     {data}",
            f"  origins:  {origins}",
            f"  security: {security['profile']} profile: {switches}; "
            f"{security['api_tokens']} API tokens; writes {security['writes']}; "
            f"queries up to {security['max_query_cost']} points, budgets of "
            f"{security['rate_limit_budget']}",
        ]
    )


async def log_banner(store: Store, settings: Settings) -> None:
    """Log the banner: one JSON line with the facts as fields, or a few lines of text."""
    facts = startup_facts(settings, await collection_counts(store), settings.should_seed)
    if settings.log_format == "json":
        logger.info("diplograph is ready on %s", facts["url"], extra={"startup": facts})
    else:
        logger.info("%s", banner_text(facts))
