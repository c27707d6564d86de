"""Problems with the seed input, said so that the editor can fix them: file, line, field, message.

Pydantic's errors are written for programmers ("Input should be a valid string", locations that
name union members the editor never wrote); `validation_problems` turns them into one message per
field, in the editor's terms, with what was expected and what was given.
"""

from __future__ import annotations

import difflib
import types
from dataclasses import dataclass
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

from seeds.models import PATTERN_HINTS
from seeds.yamlfile import YamlDocument
from store.errors import DiplographError

Location = tuple[str | int, ...]

# What each pydantic type error expected, in the editor's words.
_EXPECTED = {
    "string_type": "text",
    "list_type": "a list",
    "dict_type": "a mapping of fields",
    "model_type": "a mapping of fields",
    "model_attributes_type": "a mapping of fields",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "url_type": "a URL",
}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input: `field` is the dotted path to it (`officials.3.name`)."""

    file: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return (
            f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        )


class SeedValidationError(DiplographError):
    """The seed input has problems; nothing was written."""

    code = "SEED_INVALID"

    def __init__(self, problems: list[Problem]) -> None:
        # File by file, top to bottom: the order an editor fixes them in.
        self.problems = sorted(problems, key=lambda problem: (problem.file, problem.line or 0))
        listing = "\n".join(f"  {problem}" for problem in self.problems)
        super().__init__(f"{len(problems)} problem(s) in the seed input:\n{listing}")


def field_path(location: Location) -> str:
    return ".".join(str(part) for part in location)


def validation_problems(
    doc: YamlDocument, label: str, model: type[BaseModel], error: ValidationError
) -> list[Problem]:
    """One problem per field that failed validation, at the line the editor wrote it."""
    found: dict[Location, list[dict[str, Any]]] = {}
    for detail in error.errors():
        found.setdefault(_written_location(doc.data, detail), []).append(detail)
    problems = []
    for location, details in found.items():
        deeper = any(other[: len(location)] == location and other != location for other in found)
        kept = [detail for detail in details if not (deeper and detail["type"] in _EXPECTED)]
        if kept:
            message = _message(model, location, kept)
            problems.append(Problem(label, doc.line_of(location), field_path(location), message))
    return problems


def _written_location(data: Any, detail: dict[str, Any]) -> Location:
    """The error's location as the editor wrote it, without the names of union members.

    Pydantic locates an error in `str | DatePhrase` at `date.str` or `date.DatePhrase.phrase`;
    the file has `date` and `date.phrase`. Parts that are not in the data are such names, except
    the last part of a missing field.
    """
    kept: list[str | int] = []
    node = data
    location = detail["loc"]
    for position, part in enumerate(location):
        in_list = isinstance(part, int) and isinstance(node, list) and 0 <= part < len(node)
        in_mapping = isinstance(part, str) and isinstance(node, dict) and part in node
        if in_list or in_mapping:
            kept.append(part)
            node = node[part]
        elif position == len(location) - 1 and detail["type"] == "missing":
            kept.append(part)
    return tuple(kept)


def _message(model: type[BaseModel], location: Location, details: list[dict[str, Any]]) -> str:
    if all(detail["type"] in _EXPECTED for detail in details):
        expected = " or ".join(dict.fromkeys(_EXPECTED[detail["type"]] for detail in details))
        return f"expected {expected}, got {_shown(details[0]['input'])}"
    return "; ".join(dict.fromkeys(_one_message(model, location, detail) for detail in details))


def _one_message(model: type[BaseModel], location: Location, detail: dict[str, Any]) -> str:
    kind, ctx, given = detail["type"], detail.get("ctx") or {}, detail.get("input")
    name = location[-1] if location else ""
    if kind == "missing":
        return f"`{name}` is required here"
    if kind == "extra_forbidden":
        allowed = sorted(_fields_at(model, location[:-1]))
        close = difflib.get_close_matches(str(name), allowed, n=1, cutoff=0.6)
        hint = f" Did you mean `{close[0]}`?" if close else ""
        return f"unknown field `{name}`.{hint} Expected one of: {', '.join(allowed)}"
    if kind == "literal_error":
        return f"expected one of {ctx.get('expected')}, got {_shown(given)}"
    if kind == "string_pattern_mismatch":
        wanted = PATTERN_HINTS.get(ctx.get("pattern"), f"text matching {ctx.get('pattern')}")
        return f"expected {wanted}, got {_shown(given)}"
    if kind in _EXPECTED:
        return f"expected {_EXPECTED[kind]}, got {_shown(given)}"
    if kind.startswith("url_"):
        return f"expected a URL like https://example.org/page, got {_shown(given)}"
    message = detail["msg"].removeprefix("Value error, ")
    bounded = kind.endswith(("_short", "_long")) or kind.startswith(("greater_", "less_"))
    return f"{message} (got {_shown(given)})" if bounded else message


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _fields_at(model: type[BaseModel], location: Location) -> set[str]:
    """The field names of the model(s) that validate the mapping at `location`."""
    annotations: list[Any] = [model]
    for part in location:
        following: list[Any] = []
        for candidate in (flat for annotation in annotations for flat in _alternatives(annotation)):
            if isinstance(part, int) and get_origin(candidate) is list:
                following.append(get_args(candidate)[0])
            elif _is_model(candidate) and part in candidate.model_fields:
                following.append(candidate.model_fields[part].annotation)
        annotations = following
    return {
        name
        for annotation in annotations
        for candidate in _alternatives(annotation)
        if _is_model(candidate)
        for name in candidate.model_fields
    }


def _alternatives(annotation: Any) -> list[Any]:
    """The members of a union (and the type inside Annotated), flattened."""
    origin = get_origin(annotation)
    if origin in (Union, types.UnionType):
        return [flat for arg in get_args(annotation) for flat in _alternatives(arg)]
    if origin is Annotated:
        return _alternatives(get_args(annotation)[0])
    return [annotation]


def _is_model(candidate: Any) -> bool:
    return isinstance(candidate, type) and issubclass(candidate, BaseModel)
