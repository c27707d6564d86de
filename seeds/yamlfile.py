"""Reading YAML with line numbers, so that every error can point at the line to fix.

Dates stay strings ("2022-09-26" is a date phrase we parse ourselves, with its precision), and only
`true`/`false` are booleans: YAML 1.1 would read Norway's code `NO` as false.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """SafeLoader without the timestamp resolver and with YAML 1.2's narrow booleans.

    On libyaml's parser when PyYAML has it: six times faster, which is most of a large load's
    validation time. The resolvers, and so the values, are the same either way.
    """


_Loader.yaml_implicit_resolvers = {
    first: [
        (tag, regexp)
        for tag, regexp in resolvers
        if tag not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool")
    ]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)

Path_ = tuple[str | int, ...]


@dataclass(frozen=True)
class YamlDocument:
    """A parsed YAML file and the line of every mapping value and sequence item in it."""

    path: Path
    data: Any
    lines: dict[Path_, int]

    def line_of(self, location: Path_) -> int | None:
        """The line of `location`, or of its closest ancestor that has one."""
        for end in range(len(location), -1, -1):
            line = self.lines.get(tuple(location[:end]))
            if line is not None:
                return line
        return None


class YamlSyntaxError(Exception):
    """The file is not valid YAML; `line` says where the parser gave up."""

    def __init__(self, path: Path, line: int | None, message: str) -> None:
        super().__init__(message)
        self.path = path
        self.line = line
        self.message = message


def _record_lines(node: yaml.Node, location: Path_, lines: dict[Path_, int], path: Path) -> None:
    """Record the line of every value under `node`; refuse a key given twice in one mapping."""
    lines[location] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            key, line = str(key_node.value), key_node.start_mark.line + 1
            if key in seen:
                # PyYAML would keep the last value silently; whoever wrote two `quote:`s meant both.
                raise YamlSyntaxError(
                    path, line, f"duplicate key {key!r} (first given at line {seen[key]})"
                )
            seen[key] = line
            _record_lines(value_node, (*location, key), lines, path)
            lines[(*location, key)] = line
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _record_lines(item, (*location, index), lines, path)


def read_yaml(path: Path) -> YamlDocument:
    """Parse the file at `path`; raise YamlSyntaxError with the line for broken YAML."""
    return parse_yaml(path.read_text(encoding="utf-8"), path)


def parse_yaml(text: str, path: Path) -> YamlDocument:
    """Parse `text`, read from `path`; raise YamlSyntaxError with the line for broken YAML."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else None
        message = f"invalid YAML: {error.problem}"
        if error.context and error.context_mark and error.context_mark.line + 1 != line:
            message += f" ({error.context} at line {error.context_mark.line + 1})"
        raise YamlSyntaxError(path, line, message) from error
    except yaml.YAMLError as error:
        # A character YAML does not allow (a NUL, a control character): ReaderError, unmarked.
        line = text.count("\n", 0, error.position) + 1 if hasattr(error, "position") else None
        raise YamlSyntaxError(path, line, f"invalid YAML: {error}") from error
    finally:
        loader.dispose()
    lines: dict[Path_, int] = {}
    if node is not None:
        _record_lines(node, (), lines, path)
    return YamlDocument(path=path, data=data, lines=lines)
