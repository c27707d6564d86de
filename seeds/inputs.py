"""Reading seed input: the bundled folders, an article bundle's files, and where each entry is."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from seeds.migrate import FACTS_FORMAT, migrate_facts, needs_migration
from seeds.problems import field_path
from seeds.yamlfile import YamlDocument, parse_yaml, read_yaml

SEEDS_DIR = Path(__file__).resolve().parent
REFERENCE_DIR = SEEDS_DIR / "reference"
ARTICLES_DIR = SEEDS_DIR / "articles"


@dataclass(frozen=True)
class Origin:
    """Where an entry was written: for error messages and conflict reports."""

    doc: YamlDocument | None
    location: tuple[str | int, ...]
    label: str
    article: str | None = None
    """The id of the article whose facts these are; None in reference data."""

    @property
    def line(self) -> int | None:
        return self.doc.line_of(self.location) if self.doc else None

    @property
    def field(self) -> str:
        return field_path(self.location)

    def at(self, *more: str | int) -> Origin:
        return Origin(self.doc, (*self.location, *more), self.label, self.article)

    def __str__(self) -> str:
        return f"{self.label}:{self.line}" if self.line else self.label


def origin_default_source(origin: Origin) -> str | None:
    """The file-level `source:` of a reference file applies to entries that give none."""
    if origin.doc is None or not isinstance(origin.doc.data, dict):
        return None
    return origin.doc.data.get("source")


@dataclass
class ArticleInput:
    """An article bundle: its text, metadata and facts, read from a folder or from the store."""

    label: str
    text: str
    meta_doc: YamlDocument
    facts_doc: YamlDocument
    meta_yaml: str
    facts_yaml: str


def display(path: Path) -> str:
    """A path as the user would type it: relative to the working directory when possible."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def read_article_folder(folder: Path) -> ArticleInput:
    """Read article.txt, article.yaml and facts.yaml from a bundle folder (YAML errors raise)."""
    text = (folder / "article.txt").read_bytes().decode("utf-8")
    meta_path, facts_path = folder / "article.yaml", folder / "facts.yaml"
    return ArticleInput(
        label=display(folder),
        text=text,
        meta_doc=read_yaml(meta_path),
        facts_doc=read_yaml(facts_path),
        meta_yaml=meta_path.read_text(encoding="utf-8"),
        facts_yaml=facts_path.read_text(encoding="utf-8"),
    )


# A facts file that `diplograph extract` drafted carries a top-level `draft:` line until a
# reviewer has read it; the loader refuses it until then.
DRAFT = (
    "this facts file is an unreviewed draft from `diplograph extract`: review every entry "
    "against article.txt, then delete the `draft:` line"
)


def is_draft(doc: YamlDocument) -> bool:
    return isinstance(doc.data, dict) and "draft" in doc.data


def bundled_article_folders() -> list[Path]:
    """Every article bundle under seeds/articles, in a stable order."""
    return sorted(path.parent for path in ARTICLES_DIR.glob("*/facts.yaml"))


def article_id_of(article: ArticleInput) -> str | None:
    """The id an article bundle declares in its article.yaml, if it declares one."""
    data = article.meta_doc.data
    identifier = data.get("id") if isinstance(data, dict) else None
    return identifier if isinstance(identifier, str) else None


def stored_inputs(
    stored: list[dict], given: list[ArticleInput], exclude: frozenset[str] = frozenset()
) -> list[ArticleInput]:
    """Bundles already in the store that this load neither replaces nor removes, re-read from
    their YAML. A bundle stored by an earlier version is migrated as it is read (there is no file
    to run `diplograph migrate` on); the load then stores the migrated YAML."""
    given_ids = {article_id_of(article) for article in given}
    inputs = []
    for document in stored:
        if document["_id"] in given_ids or document["_id"] in exclude:
            continue
        label = f"stored article {document['_id']}"
        facts_path = Path(label, "facts.yaml")
        facts_yaml = document["facts_yaml"]
        facts_doc = parse_yaml(facts_yaml, facts_path)
        # Only what an earlier version stored: a name this format accepts because another input
        # gives it is not one the migration should mark.
        if document.get("format") != FACTS_FORMAT and needs_migration(facts_doc.data):
            facts_yaml = migrate_facts(facts_yaml, facts_path).text
            facts_doc = parse_yaml(facts_yaml, facts_path)
        inputs.append(
            ArticleInput(
                label=label,
                text=document["text"],
                meta_doc=parse_yaml(document["meta_yaml"], Path(label, "article.yaml")),
                facts_doc=facts_doc,
                meta_yaml=document["meta_yaml"],
                facts_yaml=facts_yaml,
            )
        )
    return inputs
