"""Writing a draft bundle: article.txt byte for byte, article.yaml, and facts.yaml in the loader's
format, marked as a draft. Every entry carries its quote (verbatim) and, as YAML comments the
loader ignores, where the quote is ([start:end] in article.txt), the rule that proposed it, a
confidence, and what the reviewer should check."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from pathlib import Path

from seeds.extract.proposals import SECTIONS, Draft, Proposal
from seeds.extract.when import DatePhrase
from store.names import match_keys, occurs_in

DRAFT_MARKER = "draft"
_PLAIN = re.compile(r"^[A-Za-z0-9\u00c0-\u024f][\w\u00c0-\u024f .,'\u2019()/+&-]*$")
_RESERVED = re.compile(r"^(?:y|n|yes|no|true|false|on|off|null|~|[-+]?\d[\d.:-]*)$", re.I)
# Field order inside an entry, as docs/seeding.md lists them.
_ORDER = [
    "id",
    "name",
    "acronym",
    "aliases",
    "name_source",
    "distinct_from",
    "kind",
    "honorific",
    "official",
    "title",
    "meeting",
    "participant",
    "participants",
    "role",
    "organisation",
    "member",
    "members",
    "body",
    "speaker",
    "speakers",
    "country",
    "parent",
    "organiser",
    "accredited_to",
    "hosted_by",
    "on_behalf_of",
    "status",
    "date",
    "end_date",
    "start",
    "end",
    "location",
    "actors",
    "summary",
    "subjects",
    "described_as",
    "groups",
]


# Statements read best as the loader's documentation writes them: what, who, about what, where,
# when.
_SECTION_ORDER = {
    "statements": [
        "id",
        "summary",
        "kind",
        "speaker",
        "speakers",
        "on_behalf_of",
        "about",
        "meeting",
        "date",
    ],
    "events": [
        "id",
        "name",
        "aliases",
        "name_source",
        "distinct_from",
        "kind",
        "date",
        "end_date",
        "location",
        "actors",
        "subjects",
    ],
}


def scalar(value: object) -> str:
    """A YAML scalar: plain when it is safe, else double-quoted (JSON strings are YAML)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    text = str(value)
    if _PLAIN.match(text) and not _RESERVED.match(text) and ": " not in text and " #" not in text:
        return text
    return json.dumps(text, ensure_ascii=False)


def _date(value: DatePhrase | str) -> tuple[str, str]:
    if isinstance(value, DatePhrase):
        flow = f"{{phrase: {scalar(value.phrase)}" + (", future: true}" if value.future else "}")
        meaning = f"{value.value} ({value.resolved.precision})"
        if value.future:
            meaning += ", looking ahead"
        if value.same_day_as is not None:
            meaning += ": the day of the phrase before it"
        return flow, f"# resolves to {meaning}"
    return scalar(value), "# written out: no phrase of the text names it"


def _flow(mapping: dict) -> str:
    parts = [f"{key}: {scalar(value)}" for key, value in mapping.items() if value is not None]
    return "{" + ", ".join(parts) + "}"


def _quote_lines(draft: Draft, spans: list[tuple[int, int]], indent: str) -> list[str]:
    spans = sorted(set(spans))
    if len(spans) == 1:
        start, end = spans[0]
        return [f"{indent}quote: {scalar(draft.quote(start, end))}   # [{start}:{end}]"]
    lines = [f"{indent}quote:"]
    for start, end in spans:
        lines.append(f"{indent}  - {scalar(draft.quote(start, end))}   # [{start}:{end}]")
    return lines


# Sections whose entries are named, and whose names the loader looks for in their quotes.
_NAMED = ("organisations", "officials", "meetings", "events")


def _unquoted_names(draft: Draft, proposal: Proposal) -> bool:
    """Whether the entry's name, acronym or an alias is not written in its quotes (a name the
    extractor composed, "Meeting of X and Y", or one the graph already knew)."""
    fields = proposal.fields
    names = [fields.get("name"), fields.get("acronym"), *(fields.get("aliases") or [])]
    quotes = [draft.quote(start, end) for start, end in proposal.spans]
    return any(name and not any(occurs_in(name, q) for q in quotes) for name in names)


def _namesakes(draft: Draft, proposal: Proposal) -> list[str]:
    """The ids of entries above this one in its section with the same name (the loader refuses
    a second id with a name already taken, unless `distinct_from` says they differ)."""
    name = proposal.fields.get("name")
    if proposal.section not in _NAMED or not name or not proposal.fields.get("id"):
        return []
    keys = match_keys(name)
    earlier = []
    for other in draft.section(proposal.section):
        if other is proposal:
            break
        other_name, other_id = other.fields.get("name"), other.fields.get("id")
        same = other_name and other_id and other_id != proposal.fields["id"]
        if same and keys & match_keys(other_name):
            earlier.append(other_id)
    return earlier


def _entry(draft: Draft, proposal: Proposal) -> list[str]:
    lines = [
        f"  # {proposal.rule}, confidence {proposal.confidence:.2f}"
        + (f": {'; '.join(proposal.notes)}" if proposal.notes else "")
    ]
    first = True
    fields = dict(proposal.fields)
    named = proposal.section in _NAMED
    if named and not fields.get("name_source") and _unquoted_names(draft, proposal):
        lines.append("  # check the name: its quotes do not write it (name_source: editorial)")
        fields["name_source"] = "editorial"
    if namesakes := _namesakes(draft, proposal):
        lines.append(
            "  # check: an entry above has the same name; give each its own if they differ"
        )
        fields["distinct_from"] = namesakes
    order = _SECTION_ORDER.get(proposal.section, _ORDER)
    for key in sorted(fields, key=lambda k: order.index(k) if k in order else len(order)):
        value = fields[key]
        if value in (None, [], {}):
            continue
        prefix = "  - " if first else "    "
        first = False
        if key in ("date", "end_date", "start", "end"):
            flow, comment = _date(value)
            lines.append(f"{prefix}{key}: {flow}   {comment}")
        elif key == "location":
            lines.append(f"{prefix}{key}: {_flow(value)}")
        elif key == "groups":
            lines.append(f"{prefix}groups:")
            for group in value:
                lines.append(f"      - label: {scalar(group['label'])}")
                lines.append(f"        organisation: {scalar(group['organisation'])}")
                lines.append(f"        attended_as: {scalar(group['attended_as'])}")
                if group.get("expected_count") is not None:
                    lines.append(f"        expected_count: {group['expected_count']}")
                if group.get("note"):
                    lines.append(f"        # check: {group['note']}")
                lines.extend(_quote_lines(draft, [group["span"]], "        "))
        elif isinstance(value, list):
            lines.append(f"{prefix}{key}: [{', '.join(scalar(item) for item in value)}]")
        else:
            lines.append(f"{prefix}{key}: {scalar(value)}")
    lines.extend(_quote_lines(draft, proposal.spans, "    "))
    return lines


def facts_yaml(draft: Draft, article_id: str, when: dt.datetime | None = None) -> str:
    """The draft facts file: sections in the loader's order, entries in text order."""
    stamp = (when or dt.datetime.now(dt.UTC)).strftime("%Y-%m-%d")
    lines = [
        f"# A draft of {article_id}'s facts, proposed by `diplograph extract` on {stamp}.",
        "# Read it beside article.txt: each section follows the text from top to bottom, and each",
        "# entry says which rule proposed it, how sure it is, and where its quote is",
        "# ([start:end] in article.txt). Entries marked known add a source to what the graph",
        "# already holds; new ones declare entities and relations. Fix or delete what is wrong,",
        "# add what is missing, then delete the `draft:` line below: the loader refuses a draft.",
        f"{DRAFT_MARKER}: proposed by diplograph extract; review every entry, then delete this",
    ]
    if draft.flags:
        lines.append("")
        lines.append("# For the reviewer: mentions the extractor would not decide alone.")
        lines.extend(f"#   - {flag}" for flag in draft.flags)
    if draft.mentions:
        lines.append("")
        lines.append("# Countries named (a facts file has no country section; relations use them):")
        lines.extend(f"#   {line}" for line in draft.mentions)
    for section in SECTIONS:
        entries = draft.section(section)
        if not entries:
            continue
        lines.append("")
        lines.append(f"{section}:")
        for proposal in entries:
            lines.extend(_entry(draft, proposal))
    return "\n".join(lines) + "\n"


def article_yaml(
    article_id: str,
    text: str,
    published: dt.date,
    url: str,
    title: str | None,
    publisher: str | None,
) -> str:
    checksum = hashlib.sha256(text.encode("utf-8")).hexdigest()
    headline = title or text.strip().splitlines()[0][:120] if text.strip() else article_id
    lines = [
        "# Metadata of article.txt, drafted by `diplograph extract`: check the title, publisher",
        "# and authors. `sha256` guards the text the facts are reviewed against.",
        f"id: {article_id}",
        f"title: {scalar(headline)}",
    ]
    if title is None:
        lines.append("title_is_editorial: true   # the first line of the text; write a better one")
    lines += [
        f"url: {scalar(url)}",
        f"publisher: {scalar(publisher or 'unknown')}",
        "authors: []",
        "language: en",
        f"published: {{date: {published.isoformat()}}}",
        f"sha256: {checksum}",
    ]
    return "\n".join(lines) + "\n"


def write_bundle(folder: Path, text_bytes: bytes, meta: str, facts: str) -> None:
    """article.txt exactly as given, byte for byte, beside the two YAML files."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "article.txt").write_bytes(text_bytes)
    (folder / "article.yaml").write_text(meta, encoding="utf-8")
    (folder / "facts.yaml").write_text(facts, encoding="utf-8")
