"""A draft's proposals: entries of the facts format, each with the text spans that state it, the
rule that made it, a confidence, and notes for the reviewer."""

from __future__ import annotations

from dataclasses import dataclass, field

# The facts file's sections, in the order a draft writes them.
SECTIONS = (
    "officials",
    "organisations",
    "meetings",
    "events",
    "participations",
    "posts",
    "memberships",
    "decisions",
    "statements",
)


@dataclass
class Proposal:
    """One entry of the draft: `fields` are the loader's (without `quote`), `spans` the
    evidence as character offsets into the article."""

    section: str
    key: tuple
    fields: dict
    spans: list[tuple[int, int]]
    rule: str
    confidence: float
    known: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def position(self) -> int:
        return min(start for start, _ in self.spans) if self.spans else 0


@dataclass
class Draft:
    """Every proposal for one article, merged by key (one entry per entity or relation)."""

    text: str
    proposals: dict[tuple, Proposal] = field(default_factory=dict)
    mentions: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)

    def add(self, proposal: Proposal) -> Proposal:
        current = self.proposals.get((proposal.section, *proposal.key))
        if current is None:
            self.proposals[(proposal.section, *proposal.key)] = proposal
            return proposal
        for span in proposal.spans:
            if span not in current.spans:
                current.spans.append(span)
        for name, value in proposal.fields.items():
            if current.fields.get(name) in (None, [], {}):
                current.fields[name] = value
        for note in proposal.notes:
            if note not in current.notes:
                current.notes.append(note)
        if proposal.confidence > current.confidence:
            current.confidence, current.rule = proposal.confidence, proposal.rule
        return current

    def get(self, section: str, *key: object) -> Proposal | None:
        return self.proposals.get((section, *key))

    def section(self, name: str) -> list[Proposal]:
        entries = [p for p in self.proposals.values() if p.section == name]
        return sorted(entries, key=lambda p: (p.position, p.key))

    def quote(self, start: int, end: int) -> str:
        return self.text[start:end]
