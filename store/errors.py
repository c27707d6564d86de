"""The domain errors: what the data layer and the code on it raise on purpose, each with a stable
code for `extensions.code` and a message written for the person who hit it."""

from __future__ import annotations

from typing import Any, ClassVar

# The most of a client's input an error message repeats: enough to recognise it, never a 90 kB
# string sent back whole.
ECHO_LIMIT = 100


def clip(text: str, limit: int = ECHO_LIMIT) -> str:
    """`text` cut to `limit` characters, saying how long it was."""
    if len(text) <= limit:
        return text
    return f"{text[: limit - 1]}… ({len(text)} characters)"


def echo(value: object, limit: int = ECHO_LIMIT) -> str:
    """`value` as an error message quotes it (its repr), cut to `limit` characters."""
    return clip(repr(value), limit)


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
