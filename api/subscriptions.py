"""The Subscription type: `graphChanged`, one event per committed write, over graphql-transport-ws.

A frontend subscribes once and refetches what an event names. The events come from this
process's `ChangeHub` (`api.changes`), which hears of writes made here at once and of writes made
by other processes through the change feed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncGenerator
from typing import Annotated

import strawberry
from strawberry import relay

from api.changes import ChangeHub
from schema.common import GraphQLInfo
from schema.history import global_id
from store.errors import BadInput

MAX_WATCHED_IDS = 100


@strawberry.type(description="A committed write, and the nodes it touched: refetch those.")
class GraphChange:
    data_version: int = strawberry.field(
        description="The data version the write committed as. A gap between two events means "
        "events were missed (a slow subscriber): refetch everything you show."
    )
    write_id: str = strawberry.field(description="The write's id in the audit trail.")
    operation: str = strawberry.field(description="The mutation (or `seed`) that wrote.")
    at: dt.datetime = strawberry.field(description="When it was written (UTC).")
    ids: list[strawberry.ID] = strawberry.field(
        description="Global ids of the nodes the write touched (inserted, changed, removed, or "
        "one of their relations changed)."
    )


@strawberry.type(description="Live updates, over WebSocket (graphql-transport-ws).")
class Subscription:
    @strawberry.subscription(
        description="An event for every committed write, with the global ids of the nodes it "
        "touched. With `ids`, only writes that touched one of them."
    )
    async def graph_changed(
        self,
        info: GraphQLInfo,
        ids: Annotated[
            list[relay.GlobalID] | None,
            strawberry.argument(description=f"Only these nodes (at most {MAX_WATCHED_IDS})."),
        ] = None,
    ) -> AsyncGenerator[GraphChange, None]:
        if ids is not None and len(ids) > MAX_WATCHED_IDS:
            raise BadInput(f"`ids` takes at most {MAX_WATCHED_IDS} ids; got {len(ids)}.")
        watched = {f"{gid.type_name}:{gid.node_id}" for gid in ids} if ids is not None else None
        hub: ChangeHub = info.context.request.app.state.changes  # type: ignore[attr-defined]
        async with hub.subscription() as queue:
            while True:
                change = await queue.get()
                if watched is not None and not watched.intersection(change.nodes):
                    continue
                at = change.at if change.at.tzinfo else change.at.replace(tzinfo=dt.UTC)
                yield GraphChange(
                    data_version=change.version,
                    write_id=change.write,
                    operation=change.operation,
                    at=at,
                    ids=[strawberry.ID(global_id(node)) for node in change.nodes],
                )
