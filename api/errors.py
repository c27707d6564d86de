"""The errors diplograph raises on purpose, each with a stable code for `extensions.code`."""

from __future__ import annotations

from typing import Any, ClassVar


class DiplographError(Exception):
    """Base of the expected errors: their message is written for the person who hit it."""

    code: ClassVar[str] = "INTERNAL"

    def __init__(self, message: str, **extensions: Any) -> None:
        super().__init__(message)
        self.message = message
        self.extensions = extensions

    def graphql_extensions(self) -> dict[str, Any]:
        """What goes into the GraphQL error's `extensions`."""
        return {"code": self.code, **self.extensions}


class DatabaseUnavailable(DiplographError):
    """MongoDB (or the embedded store) did not answer in time."""

    code = "DATABASE_UNAVAILABLE"


class NotFound(DiplographError):
    """A lookup by id or code found nothing."""

    code = "NOT_FOUND"


class BadInput(DiplographError):
    """An argument the API cannot accept: a page size over the maximum, a bad cursor..."""

    code = "BAD_USER_INPUT"


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
