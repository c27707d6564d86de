"""The one place that creates the database handle, checks it answers, and creates the indexes."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from pymongo import ASCENDING, AsyncMongoClient
from pymongo.errors import PyMongoError

from api.commands import CommandListener, CommandLog
from api.embedded import EmbeddedClient
from api.errors import DatabaseUnavailable
from api.settings import Settings

logger = logging.getLogger(__name__)

# collection -> indexes, each a list of (field, direction) keys. Both backends get the same ones.
INDEXES: dict[str, list[list[tuple[str, int]]]] = {
    "countries": [[("search_keys", ASCENDING)], [("alpha3", ASCENDING)]],
    "organisations": [
        [("search_keys", ASCENDING)],
        [("parent_id", ASCENDING)],
        [("country_id", ASCENDING)],
    ],
    "officials": [[("search_keys", ASCENDING)], [("country_id", ASCENDING)]],
    "meetings": [
        [("search_keys", ASCENDING)],
        [("parent_id", ASCENDING)],
        [("organiser_id", ASCENDING)],
        [("group_participants.organisation_id", ASCENDING)],
        [("date.earliest", ASCENDING)],
        [("sources.article_id", ASCENDING)],
    ],
    "articles": [[("url", ASCENDING)], [("published.earliest", ASCENDING)]],
    "memberships": [
        [("member.id", ASCENDING)],
        [("organisation_id", ASCENDING)],
        [("sources.article_id", ASCENDING)],
    ],
    "posts": [
        [("official_id", ASCENDING)],
        [("organisation_id", ASCENDING)],
        [("country_id", ASCENDING)],
        [("sources.article_id", ASCENDING)],
    ],
    "participations": [
        [("meeting_id", ASCENDING)],
        [("participant.id", ASCENDING)],
        [("on_behalf_of.id", ASCENDING)],
        [("sources.article_id", ASCENDING)],
    ],
    "decisions": [
        [("body_id", ASCENDING)],
        [("subjects.id", ASCENDING)],
        [("sources.article_id", ASCENDING)],
    ],
}


@dataclass
class Store:
    """A connected database handle and the command log that watches it."""

    client: Any
    db: Any
    embedded: bool
    timeout_ms: int
    commands: CommandLog = field(default_factory=CommandLog)

    def __getitem__(self, collection: str) -> Any:
        return self.db[collection]

    async def ping(self) -> None:
        """Raise DatabaseUnavailable unless the database answers a ping."""
        try:
            await self.db.command("ping")
        except PyMongoError as error:
            raise DatabaseUnavailable(f"The database did not answer: {error}") from error

    async def ensure_indexes(self) -> None:
        """Create every index in INDEXES; creating an existing index is a no-op on both backends."""
        try:
            for collection, indexes in INDEXES.items():
                for keys in indexes:
                    await self.db[collection].create_index(keys)
        except PyMongoError as error:
            raise DatabaseUnavailable(f"Could not create indexes: {error}") from error

    async def drop_database(self) -> None:
        """Delete the whole database (tests use a throwaway database per run)."""
        await self.client.drop_database(self.db.name)

    async def close(self) -> None:
        await self.client.close()


def create_store(settings: Settings) -> Store:
    """Build the handle: PyMongo's AsyncMongoClient for a URI, the embedded store otherwise.

    Creating the client does not connect; the first command (usually the start-up ping) does.
    `timeoutMS` bounds each operation as a whole (server selection, checkout, the round trip and
    PyMongo's automatic retries), so a stalled server costs one timeout, not one per try; PyMongo
    derives each command's server-side `maxTimeMS` from what is left of it. A GraphQL operation's
    calls also share one deadline (`GraphQLView.execute_single` in api/app.py).
    """
    commands = CommandLog()
    if settings.embedded:
        client: Any = EmbeddedClient(commands)
    else:
        timeout = settings.mongodb_timeout_ms
        client = AsyncMongoClient(
            settings.mongodb_uri,
            serverSelectionTimeoutMS=timeout,
            connectTimeoutMS=timeout,
            timeoutMS=timeout,
            event_listeners=[CommandListener(commands)],
            appname="diplograph",
        )
    return Store(
        client=client,
        db=client[settings.mongodb_database],
        embedded=settings.embedded,
        timeout_ms=settings.mongodb_timeout_ms,
        commands=commands,
    )
