"""The entity types by name, for annotations: Strawberry resolves each when it builds the schema
(`strawberry.lazy`, as its documentation shows), so no module of `schema` imports another just to
name its type, and the modules import each other in one direction only."""

from __future__ import annotations

from typing import Annotated

import strawberry

ArticleType = Annotated["Article", strawberry.lazy("schema.article")]
CountryType = Annotated["Country", strawberry.lazy("schema.country")]
MeetingType = Annotated["Meeting", strawberry.lazy("schema.meeting")]
OfficialType = Annotated["Official", strawberry.lazy("schema.official")]
OrganisationType = Annotated["Organisation", strawberry.lazy("schema.organisation")]
EventType = Annotated["Event", strawberry.lazy("schema.event")]
StatementType = Annotated["Statement", strawberry.lazy("schema.statement")]
