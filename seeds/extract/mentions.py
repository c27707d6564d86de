"""Mentions: every place the text names a country, an organisation, an official or a meeting, each
linked to the id the graph knows it by, or proposed as new, or flagged as ambiguous.

The pipeline is spaCy's blank English (a tokenizer and a sentencizer: no model, no download).
Known names come from the graph through a PhraseMatcher over name keys (case, accents and
punctuation folded, as the loader resolves references); titles through a Matcher built from the
lexicon; people, organisations and meetings the graph does not know through capitalised runs
next to a title, an appositive or a head word ("Council", "summit").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

import spacy
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span, Token

from seeds.extract.knowledge import Knowledge, Surface
from seeds.extract.lexicon import lexicon
from store.names import name_key

_ACRONYM = re.compile(r"^[A-Z0-9][A-Z0-9.+&]{1,7}$")
# Words that join the parts of an organisation's name: "Ministry of National Defense".
_CONNECTORS = {"of", "for", "and", "the", "-"}


@cache
def blank_english() -> Language:
    """spaCy's blank English with a sentencizer, built once per process (it takes ~0.3 s)."""
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


def token_norm(text: str) -> str:
    """A token's matching key: its name key, or the token itself for punctuation ("-", "'s")."""
    return name_key(text) or text.lower().replace("\u2019", "'")


def set_norms(doc: Doc) -> Doc:
    for token in doc:
        token.norm_ = token_norm(token.text)
    return doc


@dataclass
class Mention:
    """A span of the text that names an entity (or a role or a pronoun that refers to one)."""

    start: int
    end: int
    tok_start: int
    tok_end: int
    text: str
    kind: str  # country, organisation, official, meeting
    entity_id: str | None
    form: str  # name, alias, acronym, demonym, metonym, capital, surname, role, new
    known: bool
    rule: str
    confidence: float
    candidates: tuple[str, ...] = ()
    extra: dict = field(default_factory=dict)

    @property
    def ambiguous(self) -> bool:
        return len(self.candidates) > 1


@dataclass(frozen=True)
class TitleSpan:
    """A title in the text ("NATO Deputy Secretary General", "the foreign minister")."""

    tok_start: int
    tok_end: int
    text: str
    canonical: str


class NameMatcher:
    """Finds the graph's known names in a text: built once for a Knowledge, reused per article."""

    def __init__(self, knowledge: Knowledge) -> None:
        nlp = blank_english()
        self.knowledge = knowledge
        self.by_label: dict[str, list[Surface]] = {}
        self.norm_matcher = PhraseMatcher(nlp.vocab, attr="NORM")
        self.orth_matcher = PhraseMatcher(nlp.vocab, attr="ORTH")
        norm_patterns: dict[str, list[Doc]] = {}
        orth_patterns: dict[str, list[Doc]] = {}
        shapes: set[tuple[str, tuple[str, ...]]] = set()
        for surface in knowledge.surfaces:
            for text in _variants(surface.text):
                if _ACRONYM.match(text):
                    label, target = f"orth:{text}", orth_patterns
                else:
                    key = name_key(text)
                    if not key:
                        continue
                    label, target = f"norm:{key}", norm_patterns
                surfaces = self.by_label.setdefault(label, [])
                if surface not in surfaces:
                    surfaces.append(surface)
                # One pattern per tokenisation: "Yoon Suk-yeol" and "Yoon Suk Yeol" share a key
                # but not their tokens.
                pattern = set_norms(nlp.make_doc(text))
                shape = (label, tuple(token.norm_ for token in pattern))
                if shape not in shapes:
                    shapes.add(shape)
                    target.setdefault(label, []).append(pattern)
        for label, docs in norm_patterns.items():
            self.norm_matcher.add(label, docs)
        for label, docs in orth_patterns.items():
            self.orth_matcher.add(label, docs)

    def find(self, doc: Doc) -> list[tuple[int, int, list[Surface]]]:
        found = []
        for matcher in (self.norm_matcher, self.orth_matcher):
            for label_id, start, end in matcher(doc):
                label = doc.vocab.strings[label_id]
                surfaces = self.by_label[label]
                if not _case_fits(doc[start:end], surfaces):
                    continue
                found.append((start, end, surfaces))
        return found


def _variants(text: str) -> list[str]:
    """A name as written and with its hyphens as spaces: "Yoon Suk-yeol", "Yoon Suk yeol"."""
    variants = [text]
    if "-" in text and not _ACRONYM.match(text):
        variants.append(text.replace("-", " "))
    return variants


def _case_fits(span: Span, surfaces: list[Surface]) -> bool:
    """Proper names must be capitalised in the text ("Chad", not "chad"); organisation aliases of
    several words ("foreign ministry", "the alliance") may be written in lower case."""
    first = next((token for token in span if token.is_alpha), None)
    if first is None:
        return True
    if any(surface.kind == "organisation" for surface in surfaces) and (
        len(span) > 1 or span.text.lower().startswith("the ")
    ):
        return True
    written = [surface.text for surface in surfaces]
    if any(text[:1].islower() for text in written):
        return True
    return first.text[:1].isupper()


class TitleMatcher:
    """Titles from the lexicon: "Prime Minister", "Minister of Foreign Affairs", "secretary
    general"."""

    def __init__(self) -> None:
        nlp = blank_english()
        words = lexicon()
        self.matcher = Matcher(nlp.vocab)
        patterns = []
        for title in words.titles:
            patterns.append([{"LOWER": token.lower_} for token in nlp.make_doc(title)])
        for portfolio in words.portfolios:
            tokens = [{"LOWER": token.lower_} for token in nlp.make_doc(portfolio)]
            patterns.append([{"LOWER": "minister"}, {"LOWER": "of"}, *tokens])
        self.matcher.add("TITLE", patterns, greedy="LONGEST")

    def find(self, doc: Doc) -> list[TitleSpan]:
        spans = []
        for _, start, end in self.matcher(doc):
            text = doc[start:end].text
            spans.append(TitleSpan(start, end, text, lexicon().canonical_title(text)))
        return sorted(spans, key=lambda span: span.tok_start)


@cache
def title_matcher() -> TitleMatcher:
    return TitleMatcher()


def _title_words() -> frozenset[str]:
    words: set[str] = set()
    for title in lexicon().titles:
        words.update(name_key(title).split())
    return frozenset(words)


def is_name_word(token: Token) -> bool:
    """A word that can be part of a person's name: capitalised, not a title, not a stop word."""
    return (
        token.is_alpha
        and token.text[:1].isupper()
        and not token.is_upper
        and token.lower_ not in lexicon().not_names
        and token.lower_ not in _title_words()
    )


def name_run(doc: Doc, start: int, limit: int = 4) -> int:
    """The end of the name that starts at `start` ("Lee Jong-sup", "Recep Tayyip Erdoğan")."""
    end, words = start, 0
    while end < len(doc) and words < limit and is_name_word(doc[end]):
        end += 1
        words += 1
        # "Jong-sup": a hyphen and a lower-case part, written without spaces.
        while (
            end + 1 < len(doc)
            and doc[end].text == "-"
            and not doc[end - 1].whitespace_
            and not doc[end].whitespace_
            and doc[end + 1].is_alpha
        ):
            end += 2
    return end


def span_mention(
    doc: Doc,
    start: int,
    end: int,
    kind: str,
    entity_id: str | None,
    form: str,
    *,
    known: bool,
    rule: str,
    confidence: float,
    candidates: tuple[str, ...] = (),
    **extra: object,
) -> Mention:
    span = doc[start:end]
    return Mention(
        start=span.start_char,
        end=span.end_char,
        tok_start=start,
        tok_end=end,
        text=span.text,
        kind=kind,
        entity_id=entity_id,
        form=form,
        known=known,
        rule=rule,
        confidence=confidence,
        candidates=candidates,
        extra=dict(extra),
    )


def keep_longest(mentions: list[Mention]) -> list[Mention]:
    """Overlapping mentions: the longest wins ("North Atlantic Council" over "North"); of two
    equally long, the known one."""
    chosen: list[Mention] = []
    taken: set[int] = set()
    for mention in sorted(
        mentions, key=lambda m: (-(m.tok_end - m.tok_start), not m.known, m.tok_start)
    ):
        tokens = set(range(mention.tok_start, mention.tok_end))
        if tokens & taken:
            continue
        taken |= tokens
        chosen.append(mention)
    return sorted(chosen, key=lambda m: m.tok_start)
