"""The refusals of the HTTP app: authorisation, document limits, cost, deadlines. Each is a
`DiplographError` (store.errors) with a stable code for `extensions.code`."""

from __future__ import annotations

from store.errors import DiplographError


class Unauthorized(DiplographError):
    """A write was attempted without a valid token."""

    code = "UNAUTHENTICATED"


class TooManyFields(DiplographError):
    """A query selects more fields than a request may, once its fragments are expanded."""

    code = "TOO_MANY_FIELDS"


class IntrospectionTooComplex(DiplographError):
    """An introspection query that repeats what a schema download needs only once."""

    code = "INTROSPECTION_TOO_COMPLEX"


class QueryTooExpensive(DiplographError):
    """A query whose cost is over the maximum one query may have."""

    code = "QUERY_TOO_EXPENSIVE"


class RateLimited(DiplographError):
    """A client spent its cost budget; it refills over time."""

    code = "RATE_LIMITED"


class DeadlineExceeded(DiplographError):
    """A request ran past its deadline and was cancelled."""

    code = "DEADLINE_EXCEEDED"


class Forbidden(DiplographError):
    """A known token without the scope an operation needs."""

    code = "FORBIDDEN"
