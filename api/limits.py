"""Static limits: what a query document may look like before any of it runs.

Strawberry's own limiters do the well-known checks (depth, aliases, tokens, introspection off).
`DocumentGuard` adds what they leave open. Their walkers follow every fragment spread without
memory, so a "fragment bomb" (each fragment spreading the previous one twice) costs them
exponential time, and graphql-core's overlapping-fields rule is quadratic in the number of
same-named fields in one selection set. The guard measures the document once, in linear time,
and refuses it *before* validation runs, so that no rule ever sees a document that is too large.
It also keeps introspection to what a schema download needs, since the depth limiter does not
look inside `__schema`.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
)
from strawberry.extensions import (
    DisableIntrospection,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    QueryDepthLimiter,
    SchemaExtension,
)

from api.caches import DocumentCache, text_bytes
from api.errors import IntrospectionTooComplex, TooManyFields
from api.settings import Settings
from store.errors import DiplographError

# How many fields may share a response name in one selection set. Repeats are legal but useless,
# and validation compares them pairwise; colocated fragments rarely repeat a field more than a few
# times.
MAX_SAME_NAME = 20
INTROSPECTION_ROOTS = frozenset({"__schema", "__type"})
# Introspection fields that lead from a type to more types. A schema download asks for each once;
# asking again below them multiplies the response by the size of the schema at every level.
TYPE_EXPANDING = frozenset({"fields", "inputFields", "interfaces", "possibleTypes"})

# Rejections by Strawberry's limiters and graphql-core, which carry no code of their own.
LIBRARY_CODES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"exceeds maximum operation depth"), "QUERY_TOO_DEEP"),
    (re.compile(r"aliases found\. Allowed:"), "TOO_MANY_ALIASES"),
    (re.compile(r"Document contains more than \d+ tokens"), "TOO_MANY_TOKENS"),
    (re.compile(r"GraphQL introspection has been disabled"), "INTROSPECTION_DISABLED"),
)


def library_code(message: str) -> str | None:
    """The stable code for a rejection by one of the library's limiters, if it is one."""
    for pattern, code in LIBRARY_CODES:
        if pattern.search(message):
            return code
    return None


def as_graphql_error(error: DiplographError) -> GraphQLError:
    """A GraphQL error carrying an expected error, so the error policy keeps its message."""
    return GraphQLError(error.message, original_error=error, extensions=error.graphql_extensions())


@dataclass
class Measure:
    """What a selection set expands to: its field count and the names at its top level."""

    fields: int = 0
    names: Counter[str] = field(default_factory=Counter)
    introspection: Counter[str] = field(default_factory=Counter)


class _Refused(Exception):
    def __init__(self, error: GraphQLError) -> None:
        self.error = error


class DocumentShape:
    """Measures a document with each fragment measured once, however often it is spread."""

    def __init__(self, document: DocumentNode, max_fields: int) -> None:
        self.max_fields = max_fields
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        self.operations = [
            d for d in document.definitions if isinstance(d, OperationDefinitionNode)
        ]
        self._done: dict[tuple[str, bool], Measure] = {}
        self._active: list[str] = []

    def check(self) -> GraphQLError | None:
        """The first reason to refuse the document, or None when it may be validated."""
        try:
            total = 0
            for operation in self.operations:
                measure = self._selection_set(operation.selection_set, introspection=False)
                total += measure.fields
                self._check_introspection(measure.introspection)
            for name in self.fragments:  # validation reads unused fragments too
                self._fragment(name, introspection=False, node=None)
            if total > self.max_fields:
                raise self._too_many_fields(total)
        except _Refused as refused:
            return refused.error
        except RecursionError:
            return as_graphql_error(TooManyFields("The query nests fragments too deeply."))
        return None

    def _too_many_fields(self, count: int) -> _Refused:
        return _Refused(
            as_graphql_error(
                TooManyFields(
                    f"The query selects {count} fields once its fragments are expanded; the "
                    f"maximum is {self.max_fields}. Split it into smaller queries.",
                    maximum=self.max_fields,
                )
            )
        )

    def _selection_set(self, selection_set: SelectionSetNode, introspection: bool) -> Measure:
        measure = Measure()
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                name = selection.name.value
                inside = introspection or name in INTROSPECTION_ROOTS
                measure.fields += 1
                measure.names[(selection.alias or selection.name).value] += 1
                if inside:
                    measure.introspection[name] += 1
                if selection.selection_set is not None:
                    child = self._selection_set(selection.selection_set, inside)
                    measure.fields += child.fields
                    measure.introspection.update(child.introspection)
            elif isinstance(selection, InlineFragmentNode):
                self._merge(measure, self._selection_set(selection.selection_set, introspection))
            elif isinstance(selection, FragmentSpreadNode):
                self._merge(measure, self._fragment(selection.name.value, introspection, selection))
            if measure.fields > self.max_fields:
                raise self._too_many_fields(measure.fields)
        repeated = max(measure.names.values(), default=0)
        if repeated > MAX_SAME_NAME:
            name = measure.names.most_common(1)[0][0]
            raise _Refused(
                as_graphql_error(
                    TooManyFields(
                        f"The field `{name}` is selected {repeated} times in one selection set; "
                        f"at most {MAX_SAME_NAME} are allowed. Select it once.",
                        maximum=MAX_SAME_NAME,
                    )
                )
            )
        return measure

    def _merge(self, into: Measure, part: Measure) -> None:
        into.fields += part.fields
        into.names.update(part.names)
        into.introspection.update(part.introspection)

    def _fragment(self, name: str, introspection: bool, node: FragmentSpreadNode | None) -> Measure:
        key = (name, introspection)
        if key in self._done:
            return self._done[key]
        fragment = self.fragments.get(name)
        if fragment is None:
            raise _Refused(GraphQLError(f"Unknown fragment '{name}'.", node))
        if name in self._active:
            cycle = self._active[self._active.index(name) :]
            via = " via " + ", ".join(f"'{n}'" for n in cycle[1:]) if len(cycle) > 1 else ""
            message = f"Cannot spread fragment '{name}' within itself{via}."
            raise _Refused(GraphQLError(message, node))
        self._active.append(name)
        try:
            measure = self._selection_set(fragment.selection_set, introspection)
        finally:
            self._active.pop()
        self._done[key] = measure
        return measure

    def _check_introspection(self, counts: Counter[str]) -> None:
        for name in (*INTROSPECTION_ROOTS, *TYPE_EXPANDING):
            if counts[name] > 1:
                raise _Refused(
                    as_graphql_error(
                        IntrospectionTooComplex(
                            f"Introspection may ask for `{name}` once per query; this query asks "
                            f"{counts[name]} times. Download the schema once and explore it "
                            "locally (GraphiQL does this).",
                        )
                    )
                )


class DocumentGuard(SchemaExtension):
    """Refuses oversized documents before validation, which it then skips (see module doc)."""

    def __init__(self, max_fields: int, cache: DocumentCache | None = None) -> None:
        self.max_fields = max_fields
        self.cache = cache

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        if context.graphql_document is not None and context.pre_execution_errors is None:
            # The verdict depends on the text alone: decided once per distinct query.
            key = ("verdict", context.query, self.max_fields)
            found = self.cache.get(key) if self.cache is not None else None
            if found is None:
                found = (DocumentShape(context.graphql_document, self.max_fields).check(),)
                if self.cache is not None and context.query is not None:
                    self.cache.put(key, found, text_bytes(context.query) + 1024)
            (error,) = found
            if error is not None:
                # Strawberry skips validation when errors are already set.
                context.pre_execution_errors = [error]
        yield


def static_limits(
    settings: Settings, cache: DocumentCache | None = None
) -> list[Callable[[], SchemaExtension]]:
    """The document limits as extension factories, in the order they must run."""
    limits: list[Callable[[], SchemaExtension]] = [
        lambda: MaxTokensLimiter(max_token_count=settings.max_tokens),
        lambda: DocumentGuard(max_fields=settings.max_fields, cache=cache),
        lambda: QueryDepthLimiter(max_depth=settings.max_depth),
        lambda: MaxAliasesLimiter(max_alias_count=settings.max_aliases),
    ]
    if not settings.introspection:
        limits.append(DisableIntrospection)
    return limits
