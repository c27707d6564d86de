"""The example queries GraphiQL opens with: one `.graphql` file per golden question of the brief,
then the live examples (`live/`: subscriptions, which the golden-query tests cannot run as queries).

They are package data, read with `importlib.resources`, so that an installed wheel or the image
serves them without the repository's docs; the tests and the bench ask the same files.
"""

from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

EXAMPLES: Traversable = files(__name__)
EXAMPLES_DIR = Path(__file__).resolve().parent
"""The folder of the files, for the tests and the bench (which run from a checkout)."""
DEFAULT_QUERY_FILE = "01-nac-plus-4-attendees.graphql"


LIVE_DIR = EXAMPLES_DIR / "live"


def _files(folder: Traversable = EXAMPLES) -> list[Traversable]:
    return sorted(
        (entry for entry in folder.iterdir() if entry.name.endswith(".graphql")),
        key=lambda entry: entry.name,
    )


def golden_queries() -> list[tuple[str, str]]:
    """(title, text) of each golden question's file, in file-name order: the first comment line
    is the title, "Label: Question" (e.g. "Golden question 1: Who attended the NAC+4 meeting?";
    the label has no colon or question mark), and GraphiQL shows the question."""
    return _titled(_files())


def live_examples() -> list[tuple[str, str]]:
    """(title, text) of each live example (subscriptions), in file-name order."""
    return _titled(_files(EXAMPLES / "live"))


def _titled(entries: list[Traversable]) -> list[tuple[str, str]]:
    queries = []
    for entry in entries:
        text = entry.read_text(encoding="utf-8")
        first = text.splitlines()[0] if text else ""
        title = (
            first.lstrip("# ").strip()
            if first.startswith("#")
            else entry.name.removesuffix(".graphql")
        )
        queries.append((title, text))
    return queries


def default_query() -> str:
    """GraphiQL's opening query: the NAC+4 golden question, whatever the files sort as."""
    entry = EXAMPLES / DEFAULT_QUERY_FILE
    return entry.read_text(encoding="utf-8") if entry.is_file() else "{ __typename }"
