"""Query cost: what a query may cost, what it did cost, and each client's refilling budget.

The model, in the manner of GitHub's and Shopify's, prices a query by the objects its response can
hold (docs/security.md works it through for each golden query):

- a field that returns an object costs 1 for each object it can return, and its own selections
  are priced once per such object;
- a connection returns up to `first` (or `last`) items, `DEFAULT_PAGE_SIZE` when neither is
  given; `search` and `connections` up to `first`; `nodes` one per id; any other list at the
  longest such list in the data (`schema.bounds`, from the sizes `store.repository.sizes` keeps);
- scalars, enums and `__typename` are free; `__schema` and `__type` cost 1 each (the guard keeps
  introspection to one schema download);
- fragments are added up, duplicates included: the price is an upper bound, not a forecast.

The requested cost is computed after validation, before anything runs, from the arguments as
graphql-core coerces them (variables' defaults, integral floats...). A query over
`DIPLOGRAPH_MAX_QUERY_COST` is refused; otherwise the requested cost is taken from the client's
budget (429 when the budget cannot pay), and once the query has run the charge is settled to the
actual cost: the objects the response did hold. Every request is charged at least
`DIPLOGRAPH_MIN_REQUEST_COST`.

graphql-complexity, the maintained Python library for this, prices a field by constants and depth
multipliers, not by page-size arguments, which is what drives cost here; so the model is this
module's own.
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    get_named_type,
    get_nullable_type,
    is_leaf_type,
    is_list_type,
)
from graphql import OperationType as GraphQLOperationType
from graphql.execution.values import get_argument_values, get_variable_values
from strawberry.extensions import SchemaExtension
from strawberry.types.execution import PreExecutionError

from api.auth import client_key
from api.context import CostReport, RequestContext
from api.errors import QueryTooExpensive, RateLimited
from api.limits import as_graphql_error
from api.settings import Settings
from schema.bounds import LIST_BOUNDS
from schema.common import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from schema.context import Context
from store.errors import DatabaseUnavailable, DiplographError
from store.repository.dataset import data_state
from store.repository.sizes import Sizes

# A write costs more than the objects its answer holds: it validates every stored article and
# writes; like Shopify's, a fixed charge per mutation field keeps a client from writing in a loop.
MUTATION_COST = 10
INTROSPECTION_COST = 1
INTROSPECTION_ROOTS = frozenset({"__schema", "__type"})
POLICY_NAME = "cost"
# A list field with no bound in schema.bounds (a test keeps there being none) is priced as a
# full page: never less than any connection could hold.
UNBOUNDED_LIST = MAX_PAGE_SIZE


# --- the model ----------------------------------------------------------------------------------


def _is_connection(type_: GraphQLNamedType) -> bool:
    return isinstance(type_, GraphQLObjectType) and {"edges", "pageInfo"} <= type_.fields.keys()


def _clamp(value: int) -> int:
    # Sizes over the maximum are refused by the resolvers with a message that says the maximum;
    # the model must not pre-empt that with a cost error.
    return max(0, min(value, MAX_PAGE_SIZE))


class CostModel:
    """Prices one operation of a validated document (see the module docstring).

    Arguments are read as the resolvers will get them: graphql-core coerces the literals and the
    variables (their defaults, variables inside lists and input objects, an integral float given
    for an Int), so a price cannot be lowered by spelling an argument differently.
    """

    def __init__(
        self,
        schema: GraphQLSchema,
        document: DocumentNode,
        variables: Mapping[str, Any],
        sizes: Sizes,
    ) -> None:
        self.schema = schema
        self.variables = variables
        self.sizes = sizes
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        self._memo: dict[tuple[str, int], int] = {}

    def operation_cost(self, operation: OperationDefinitionNode) -> int:
        root = self.schema.get_root_type(operation.operation)
        if root is None:
            return 0
        cost = self._selection_set(operation.selection_set, root, page=0)
        if operation.operation is GraphQLOperationType.MUTATION:
            cost += MUTATION_COST * sum(
                1
                for selection in operation.selection_set.selections
                if isinstance(selection, FieldNode)
            )
        return cost

    def _selection_set(
        self, selection_set: SelectionSetNode, parent: GraphQLNamedType | None, page: int
    ) -> int:
        total = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                total += self._field(selection, parent, page)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                target = self.schema.get_type(condition.name.value) if condition else parent
                total += self._selection_set(selection.selection_set, target, page)
            elif isinstance(selection, FragmentSpreadNode):
                total += self._fragment(selection.name.value, page)
        return total

    def _fragment(self, name: str, page: int) -> int:
        key = (name, page)
        if key not in self._memo:
            fragment = self.fragments.get(name)
            if fragment is None:
                return 0
            target = self.schema.get_type(fragment.type_condition.name.value)
            self._memo[key] = self._selection_set(fragment.selection_set, target, page)
        return self._memo[key]

    def _field(self, node: FieldNode, parent: GraphQLNamedType | None, page: int) -> int:
        name = node.name.value
        if name in INTROSPECTION_ROOTS:
            return INTROSPECTION_COST
        if not isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
            return 0
        definition = parent.fields.get(name)
        if definition is None:
            return 0
        named = get_named_type(definition.type)
        if is_leaf_type(named) or node.selection_set is None:
            return 0
        arguments = get_argument_values(definition, node, self.variables)
        child_page = page
        if _is_connection(named):
            size = arguments.get("first")
            if size is None:
                size = arguments.get("last")
            child_page = _clamp(DEFAULT_PAGE_SIZE if size is None else size)
        each = 1 + self._selection_set(node.selection_set, named, child_page)
        return self._list_size(node, definition, parent, page, arguments) * each

    def _list_size(
        self,
        node: FieldNode,
        definition: GraphQLField,
        parent: GraphQLObjectType | GraphQLInterfaceType,
        page: int,
        arguments: Mapping[str, Any],
    ) -> int:
        if not is_list_type(get_nullable_type(definition.type)):
            return 1
        name = node.name.value
        if _is_connection(parent) and name in ("edges", "nodes"):
            return page
        if "first" in definition.args and isinstance(arguments.get("first"), int):
            return _clamp(arguments["first"])
        if "ids" in definition.args and isinstance(arguments.get("ids"), list):
            return _clamp(len(arguments["ids"]))
        bound = LIST_BOUNDS.get((parent.name, name))
        return UNBOUNDED_LIST if bound is None else bound.of(self.sizes)


def requested_cost(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None,
    variables: Mapping[str, Any] | None,
    sizes: Sizes,
) -> int | None:
    """The cost of the operation a request runs: an upper bound on the objects it returns.

    None when the operation will not run: it cannot be chosen, or its variables do not fit their
    types (execution then reports why).
    """
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if operation_name is not None:
        operations = [o for o in operations if o.name and o.name.value == operation_name]
    if len(operations) != 1:
        return None
    (operation,) = operations
    coerced = get_variable_values(
        schema, operation.variable_definitions or (), dict(variables or {}), max_errors=1
    )
    if isinstance(coerced, list):
        return None
    try:
        return CostModel(schema, document, coerced, sizes).operation_cost(operation)
    except GraphQLError:
        return None


def actual_cost(data: Any, operation: OperationDefinitionNode | None) -> int:
    """The objects a response holds (not counting the root); introspection counts as priced."""
    if not isinstance(data, dict):
        return 0
    introspection = (
        {
            (s.alias or s.name).value
            for s in operation.selection_set.selections
            if isinstance(s, FieldNode) and s.name.value in INTROSPECTION_ROOTS
        }
        if operation is not None
        else set()
    )
    total = 0
    stack: list[Any] = []
    for key, value in data.items():
        if key in introspection:
            total += INTROSPECTION_COST if value is not None else 0
        else:
            stack.append(value)
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            total += 1
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    return total


# --- budgets ------------------------------------------------------------------------------------


@dataclass
class Bucket:
    points: float
    updated: float


@dataclass(frozen=True)
class Charge:
    """The outcome of asking a budget for points."""

    allowed: bool
    remaining: int
    retry_after: int = 0


class Budgets:
    """A token bucket per client: `capacity` points, regaining `refill_per_second`.

    Kept in this process's memory: each worker has its own, and a client the map forgets (it
    holds `max_clients`, least recently seen first out) comes back with a full budget.
    """

    def __init__(
        self,
        capacity: int,
        refill_per_second: float,
        clock: Callable[[], float] = time.monotonic,
        max_clients: int = 10_000,
    ) -> None:
        self.capacity = capacity
        self.refill_per_second = refill_per_second
        self.clock = clock
        self.max_clients = max_clients
        self._buckets: OrderedDict[str, Bucket] = OrderedDict()

    def _bucket(self, client: str) -> Bucket:
        now = self.clock()
        bucket = self._buckets.get(client)
        if bucket is None:
            bucket = self._buckets[client] = Bucket(float(self.capacity), now)
            while len(self._buckets) > self.max_clients:
                self._buckets.popitem(last=False)
        else:
            gained = (now - bucket.updated) * self.refill_per_second
            bucket.points = min(float(self.capacity), bucket.points + gained)
            bucket.updated = now
            self._buckets.move_to_end(client)
        return bucket

    def take(self, client: str, points: int) -> Charge:
        """Take `points` if the budget has them; otherwise say when it will."""
        bucket = self._bucket(client)
        if points > bucket.points:
            wait = (points - bucket.points) / self.refill_per_second
            return Charge(False, int(bucket.points), max(1, math.ceil(wait)))
        bucket.points -= points
        return Charge(True, int(bucket.points))

    def settle(self, client: str, taken: int, actual: int) -> int:
        """Turn a charge of `taken` points into one of `actual`; the points remaining."""
        bucket = self._bucket(client)
        bucket.points = max(0.0, min(float(self.capacity), bucket.points + taken - actual))
        return int(bucket.points)

    def seconds_to_full(self, remaining: int) -> int:
        return math.ceil((self.capacity - remaining) / self.refill_per_second)

    def headers(self, remaining: int) -> dict[str, str]:
        """The RateLimit-Policy and RateLimit fields (draft-ietf-httpapi-ratelimit-headers)."""
        window = math.ceil(self.capacity / self.refill_per_second)
        return {
            "RateLimit-Policy": f'"{POLICY_NAME}";q={self.capacity};w={window}',
            "RateLimit": f'"{POLICY_NAME}";r={remaining};t={self.seconds_to_full(remaining)}',
        }


# --- charging -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Refusal:
    """Why a query may not run, and the headers and status to answer with (None: the default)."""

    error: DiplographError
    headers: dict[str, str]
    status: int | None


def over_budget(budgets: Budgets, charge: Charge, requested: int) -> Refusal:
    """The refusal of a query the client's budget cannot pay for (HTTP 429)."""
    error = RateLimited(
        f"This query costs {requested} points and {charge.remaining} remain in your budget; it "
        f"refills at {budgets.refill_per_second:g} points a second. "
        f"Retry in {charge.retry_after} s.",
        cost=requested,
        remaining=charge.remaining,
        retryAfter=charge.retry_after,
    )
    headers = {**budgets.headers(charge.remaining), "Retry-After": str(charge.retry_after)}
    return Refusal(error, headers, 429)


def charge(
    budgets: Budgets, client: str, requested: int, maximum: int, minimum: int = 0
) -> tuple[CostReport, Refusal | None]:
    """Take a query's price from the client's budget before it runs: the report so far, and the
    refusal when the query costs over `maximum` or more than the budget holds.

    The one way a price is charged, whether Strawberry runs the query or the response cache
    answers it; `settle` then turns the charge into the actual cost. Every request is charged at
    least `minimum`, a refused one included: guessing and cache-filling are not free.
    """

    def report(actual: int, remaining: int) -> CostReport:
        return CostReport(
            requested=requested,
            actual=actual,
            maximum=maximum,
            remaining=remaining,
            capacity=budgets.capacity,
            refill_per_second=budgets.refill_per_second,
            minimum=minimum,
        )

    if requested > maximum:
        remaining = budgets.settle(client, 0, minimum)
        error = QueryTooExpensive(
            f"This query may cost {requested} points; the maximum is {maximum}. Ask for smaller "
            "pages (`first`) or fewer nested lists.",
            cost=requested,
            maximum=maximum,
        )
        return report(0, remaining), Refusal(error, budgets.headers(remaining), None)
    needed = max(requested, minimum)
    taken = budgets.take(client, needed)
    if not taken.allowed:
        budgets.settle(client, 0, minimum)
        after = budgets.take(client, needed)  # refused again: what remains, when to retry
        return report(0, after.remaining), over_budget(budgets, after, needed)
    # If the deadline cancels execution, the points taken stay spent.
    return report(requested, taken.remaining), None


def settle(budgets: Budgets, client: str, report: CostReport, actual: int) -> CostReport:
    """Turn a charge of the requested cost into one of the `actual` cost (at least the minimum):
    the final report."""
    taken = max(report.requested, report.minimum)
    remaining = budgets.settle(client, taken, max(actual, report.minimum))
    return replace(report, actual=actual, remaining=remaining)


# --- the extension ------------------------------------------------------------------------------


class CostLimit(SchemaExtension):
    """Prices a validated query, refuses it when too expensive or over budget, settles after."""

    def __init__(self, settings: Settings, budgets: Budgets) -> None:
        self.settings = settings
        self.budgets = budgets
        self.report: CostReport | None = None

    def _operation(self) -> OperationDefinitionNode | None:
        document = self.execution_context.graphql_document
        if document is None:
            return None
        name = self.execution_context.operation_name
        for definition in document.definitions:
            if isinstance(definition, OperationDefinitionNode) and (
                name is None or (definition.name and definition.name.value == name)
            ):
                return definition
        return None

    def _record(self, report: CostReport) -> None:
        self.report = report
        context = self.execution_context.context
        if isinstance(context, RequestContext):
            context.state.cost = report

    def _answer(self, headers: dict[str, str], status: int | None = None) -> None:
        context = self.execution_context.context
        if isinstance(context, RequestContext) and context.response is not None:
            context.response.headers.update(headers)
            if status is not None:
                context.response.status_code = status

    async def _sizes(self) -> Sizes:
        """The data's sizes: read with the data version by the view, or read here."""
        context = self.execution_context.context
        if isinstance(context, Context) and context.store is None:
            return Sizes()  # a schema run without a store (tests of the schema alone)
        if isinstance(context, RequestContext):
            if context.state.sizes is None:
                context.state.sizes = (await data_state(context.store)).sizes
            return context.state.sizes
        if isinstance(context, Context):
            return (await data_state(context.store)).sizes
        return Sizes()

    async def on_execute(self) -> AsyncIterator[None]:
        execution = self.execution_context
        document = execution.graphql_document
        if document is None or execution.result is not None:
            yield
            return
        try:
            sizes = await self._sizes()
        except DatabaseUnavailable:
            # The database is down: every resolver that reads will fail with the same code (and
            # the answer is 503), so the lists it could return are priced as empty.
            sizes = Sizes()
        requested = requested_cost(
            execution.schema._schema, document, execution.operation_name, execution.variables, sizes
        )
        if requested is None:
            # The operation will not run (its variables do not fit); the view charges the minimum.
            yield
            return
        context = execution.context
        request = context.request if isinstance(context, RequestContext) else None
        client = client_key(request, self.settings) if request is not None else "local"
        report, refusal = charge(
            self.budgets,
            client,
            requested,
            self.settings.max_query_cost,
            self.settings.min_request_cost,
        )
        self._record(report)
        if refusal is not None:
            execution.result = PreExecutionError(
                data=None, errors=[as_graphql_error(refusal.error)]
            )
            self._answer(refusal.headers, refusal.status)
            yield
            return
        yield
        data = execution.result.data if execution.result is not None else None
        final = settle(self.budgets, client, report, actual_cost(data, self._operation()))
        self._record(final)
        self._answer(self.budgets.headers(final.remaining))

    def get_results(self) -> dict[str, Any]:
        return {"cost": self.report.as_extension()} if self.report is not None else {}
