"""An article read for extraction: its tokens, sentences, titles and date phrases, and every
mention linked to a known id, proposed as new, or flagged as ambiguous."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from spacy.tokens import Doc

from seeds.extract.knowledge import Knowledge
from seeds.extract.lexicon import lexicon
from seeds.extract.mentions import (
    Mention,
    NameMatcher,
    TitleSpan,
    blank_english,
    is_name_word,
    keep_longest,
    name_run,
    set_norms,
    span_mention,
    title_matcher,
)
from seeds.extract.when import DatePhrase, find_dates
from seeds.references import slug
from store.names import name_key

_FORM_RANK = {"name": 0, "alias": 1, "acronym": 1, "metonym": 2, "capital": 3, "demonym": 4}


@dataclass
class NewEntity:
    """An entity the graph does not know, as the text introduces it."""

    kind: str
    entity_id: str
    name: str
    first: Mention
    fields: dict = field(default_factory=dict)
    rule: str = ""
    confidence: float = 0.7


class Article:
    """The text, its anchor date and everything found in it, in text order."""

    def __init__(
        self, text: str, published: dt.date, knowledge: Knowledge, matcher: NameMatcher
    ) -> None:
        self.text = text
        self.published = published
        self.as_of = published.isoformat()
        self.knowledge = knowledge
        self.doc: Doc = set_norms(blank_english()(text))
        self.sentences = _sentences(self.doc)
        self.titles: list[TitleSpan] = title_matcher().find(self.doc)
        self.dates: list[DatePhrase] = find_dates(
            text,
            published,
            [
                (self.doc[s].idx, self.doc[e - 1].idx + len(self.doc[e - 1]))
                for s, e in self.sentences
            ],
        )
        self.new: dict[tuple[str, str], NewEntity] = {}
        known = self._known_mentions(matcher)
        self.mentions = keep_longest(known)
        people = self._new_people(known)
        organisations = self._new_organisations(known)
        self._organisation_candidates = organisations
        self.mentions = keep_longest(known + people + organisations)
        self._register_new()
        self.mentions = keep_longest(self.mentions + self._short_forms() + self._acronyms())
        self.dateline = self._dateline()

    # --- finding ----------------------------------------------------------------------------

    def _known_mentions(self, matcher: NameMatcher) -> list[Mention]:
        mentions = []
        for start, end, surfaces in matcher.find(self.doc):
            entities = sorted({(surface.kind, surface.entity_id) for surface in surfaces})
            best = min(surfaces, key=lambda surface: _FORM_RANK.get(surface.form, 5))
            forms = {surface.form for surface in surfaces}
            if len(entities) == 1:
                kind, entity_id = entities[0]
                mentions.append(
                    span_mention(
                        self.doc,
                        start,
                        end,
                        kind,
                        entity_id,
                        best.form,
                        known=True,
                        rule="known-name",
                        confidence=0.95,
                        capital="capital" in forms,
                    )
                )
            else:
                kinds = {kind for kind, _ in entities}
                mentions.append(
                    span_mention(
                        self.doc,
                        start,
                        end,
                        kinds.pop() if len(kinds) == 1 else "official",
                        None,
                        best.form,
                        known=True,
                        rule="known-name-ambiguous",
                        confidence=0.3,
                        candidates=tuple(entity_id for _, entity_id in entities),
                    )
                )
        return mentions

    def _new_people(self, known: list[Mention]) -> list[Mention]:
        covered = {index for m in known for index in range(m.tok_start, m.tok_end)}
        found: list[Mention] = []
        doc = self.doc

        def add(start: int, end: int, rule: str, confidence: float) -> None:
            if end - start < 2 or any(index in covered for index in range(start, end)):
                return
            words = [token for token in doc[start:end] if token.is_alpha]
            if len(words) < 2:
                return
            found.append(
                span_mention(
                    doc,
                    start,
                    end,
                    "official",
                    None,
                    "new",
                    known=False,
                    rule=rule,
                    confidence=confidence,
                )
            )
            covered.update(range(start, end))

        for title in self.titles:
            after = self._title_end(title)
            if after < len(doc) and is_name_word(doc[after]):
                add(after, name_run(doc, after), "title-then-name", 0.85)
            elif after + 1 < len(doc) and doc[after].text == "," and is_name_word(doc[after + 1]):
                # "China's ambassador, Zhang Jun, said": a name set off after its title.
                end = name_run(doc, after + 1)
                if end < len(doc) and doc[end].text in (",", "."):
                    add(after + 1, end, "title-comma-name", 0.75)
        for index in range(len(doc)):
            if not is_name_word(doc[index]) or (index and is_name_word(doc[index - 1])):
                continue
            end = name_run(doc, index)
            if end < len(doc) and doc[end].text == "," and self._title_within(end + 1, 3):
                add(index, end, "name-then-appositive", 0.8)
        # A namesake: "Vytautas Landsbergis" beside "Gabrielius Landsbergis".
        surnames = {
            name_key(m.text).split()[-1]
            for m in [*known, *found]
            if m.kind == "official" and len(name_key(m.text).split()) > 1
        }
        for index in range(len(doc)):
            if not is_name_word(doc[index]) or (index and is_name_word(doc[index - 1])):
                continue
            end = name_run(doc, index, limit=3)
            if end - index >= 2 and name_key(doc[end - 1].text) in surnames:
                add(index, end, "namesake", 0.7)
        return found

    def _new_organisations(self, known: list[Mention]) -> list[Mention]:
        heads = lexicon().organisation_heads
        doc = self.doc
        demonyms = {m.tok_end: m for m in known if m.kind == "country" and m.form == "demonym"}
        # "French Senate": a demonym that begins the name says whose body it is.
        leading = {m.tok_start: m for m in known if m.kind == "country" and m.form == "demonym"}
        found = []
        index = 0
        while index < len(doc):
            token = doc[index]
            if not (token.text[:1].isupper() and (token.is_alpha or token.is_upper)):
                index += 1
                continue
            if token.lower_ in lexicon().not_names and token.lower_ not in heads:
                index += 1
                continue
            end = index
            while end < len(doc):
                current = doc[end]
                if (current.text[:1].isupper() and (current.is_alpha or current.is_upper)) or (
                    current.lower_ in _CONNECTOR_WORDS
                    and end + 1 < len(doc)
                    and doc[end + 1].text[:1].isupper()
                    and (current.lower_ != "-" or not current.whitespace_)
                ):
                    end += 1
                else:
                    break
            first_head = _end_at_head(doc, index, end, heads)
            longer = _end_at_head(doc, first_head, end, heads) if first_head < end else first_head
            prefix = None
            if longer > first_head and all(
                doc[i].text[:1].isupper() for i in range(first_head, longer)
            ):
                # "United Nations Security Council": a body named after the one it sits in.
                prefix = (index, first_head)
                end = longer
            else:
                end = first_head
            if any(title.tok_start < end and index < title.tok_end for title in self.titles):
                # "Japanese Chief Cabinet Secretary Hirokazu Matsuno": a title, not a body.
                title_start = min(
                    title.tok_start
                    for title in self.titles
                    if title.tok_start < end and index < title.tok_end
                )
                end = title_start
            words = [t.lower_ for t in doc[index:end]]
            # The last head word says what the body is ("… Nations Security Council").
            head = next(
                (
                    heads.get(word, "other")
                    for position, word in reversed(list(enumerate(words)))
                    if word in heads
                    or (
                        word == "group"
                        and position + 1 < len(words)
                        and words[position + 1] == "of"
                    )
                ),
                None,
            )
            if head and end - index >= 2:
                start = index
                country = None
                owned = False
                if index in demonyms:
                    start = demonyms[index].tok_start
                    country = demonyms[index].entity_id
                elif index in leading:
                    country = leading[index].entity_id
                elif index >= 2 and doc[index - 1].lower_ in ("'s", "\u2019s"):
                    # "South Korea's Joint Chiefs of Staff": the country's body, named
                    # without it.
                    owner = next(
                        (
                            m
                            for m in known
                            if m.kind == "country" and m.tok_end == index - 1 and m.entity_id
                        ),
                        None,
                    )
                    if owner is not None:
                        country, owned = owner.entity_id, True
                # "NATO-Ukraine Council": a body named after a known organisation sits in it.
                parent = next(
                    (
                        m.entity_id
                        for m in known
                        if m.kind == "organisation" and m.tok_start == start and m.tok_end < end
                    ),
                    None,
                )
                if parent is None and prefix is not None:
                    found.append(
                        span_mention(
                            doc,
                            prefix[0],
                            prefix[1],
                            "organisation",
                            None,
                            "new",
                            known=False,
                            rule="capitalised-name-with-head",
                            confidence=0.7,
                            org_kind=heads.get(doc[prefix[1] - 1].lower_, "other"),
                            country=None,
                            parent=None,
                            inside=(start, end),
                        )
                    )
                    parent = ("new", doc[prefix[0] : prefix[1]].text)
                found.append(
                    span_mention(
                        doc,
                        start,
                        end,
                        "organisation",
                        None,
                        "new",
                        known=False,
                        rule="capitalised-name-with-head",
                        confidence=0.75,
                        org_kind=head,
                        country=country,
                        parent=parent,
                        owned=owned,
                    )
                )
            index = max(end, index + 1)
        return found

    def _register_new(self) -> None:
        """Give every new mention its id by the house rules, once per name. A body named at
        the head of a longer one ("United Nations" in "United Nations Security Council") is
        registered first, as the longer one's parent; a shorter name ending another new
        body's ("Security Council") is that body; initials written elsewhere ("UN") are an
        acronym."""
        by_name: dict[tuple[str, str], str] = {}
        kept = {(m.tok_start, m.tok_end) for m in self.mentions}
        prefixes = [
            m for m in self._organisation_candidates if (m.tok_start, m.tok_end) not in kept
        ]
        for mention in [*prefixes, *self.mentions]:
            if mention.known or mention.entity_id:
                continue
            key = (mention.kind, name_key(mention.text))
            if key in by_name:
                mention.entity_id = by_name[key]
                continue
            longer = self._ends_another(mention, by_name)
            if longer is not None:
                mention.entity_id = longer
                entity = self.new[(mention.kind, longer)]
                aliases = entity.fields.setdefault("aliases", [])
                if mention.text not in aliases:
                    aliases.append(mention.text)
                by_name[key] = longer
                continue
            if mention.kind == "official":
                entity_id = slug(mention.text)
                fields: dict = {}
            else:
                country = mention.extra.get("country")
                entity_id = slug(mention.text)
                if country and mention.extra.get("owned"):
                    # The house rule for a country's body named without its country.
                    entity_id = f"{country.lower()}-{entity_id}"
                fields = {"kind": mention.extra.get("org_kind")}
                if country:
                    fields["country"] = country
                parent = mention.extra.get("parent")
                if isinstance(parent, tuple):
                    parent = by_name.get(("organisation", name_key(parent[1])))
                if parent:
                    fields["parent"] = parent
            entity_id = self._free_id(mention.kind, entity_id)
            by_name[key] = entity_id
            mention.entity_id = entity_id
            self.new[(mention.kind, entity_id)] = NewEntity(
                mention.kind,
                entity_id,
                mention.text,
                mention,
                fields,
                mention.rule,
                mention.confidence,
            )

    def _ends_another(self, mention: Mention, by_name: dict[tuple[str, str], str]) -> str | None:
        """ "Security Council" after "United Nations Security Council": the same body."""
        if mention.kind != "organisation":
            return None
        words = name_key(mention.text).split()
        if len(words) < 2:
            return None
        for (kind, key), entity_id in by_name.items():
            longer = key.split()
            if (
                kind == "organisation"
                and len(longer) > len(words)
                and longer[-len(words) :] == words
            ):
                return entity_id
        return None

    def _acronyms(self) -> list[Mention]:
        """A new body's initials written alone ("UN" for "United Nations") name it."""
        found = []
        covered = {index for m in self.mentions for index in range(m.tok_start, m.tok_end)}
        by_initials: dict[str, NewEntity] = {}
        for (kind, _), entity in self.new.items():
            words = [w for w in entity.name.split() if w.lower() not in ("of", "for", "and", "the")]
            if kind == "organisation" and len(words) >= 2 and all(w[:1].isupper() for w in words):
                by_initials.setdefault("".join(w[0] for w in words), entity)
        for token in self.doc:
            entity = by_initials.get(token.text)
            if entity is None or token.i in covered:
                continue
            entity.fields.setdefault("acronym", token.text)
            found.append(
                span_mention(
                    self.doc,
                    token.i,
                    token.i + 1,
                    "organisation",
                    entity.entity_id,
                    "acronym",
                    known=False,
                    rule="initials",
                    confidence=0.7,
                )
            )
        return found

    def _free_id(self, kind: str, entity_id: str) -> str:
        """A new entity's id must not be a known one's: that would merge two different things."""
        candidate, number = entity_id, 2
        while self.knowledge.has(kind, candidate) or (kind, candidate) in self.new:
            candidate = f"{entity_id}-{number}"
            number += 1
        return candidate

    def _short_forms(self) -> list[Mention]:
        """Surname-only mentions ("Stoltenberg", "Kim") after a full one; two people with that
        name make the mention ambiguous: linked to the latest named, and flagged."""
        people = [
            m
            for m in self.mentions
            if m.kind == "official" and m.entity_id and len(m.text.split()) > 1
        ]
        covered = {index for m in self.mentions for index in range(m.tok_start, m.tok_end)}
        found = []
        for token in self.doc:
            if token.i in covered or not is_name_word(token):
                continue
            key = name_key(token.text)
            named = [
                m
                for m in people
                if key in (name_key(m.text).split()[0], name_key(m.text).split()[-1])
            ]
            if not named:
                continue
            before = [m for m in named if m.start < token.idx] or named
            candidates = tuple(dict.fromkeys(m.entity_id for m in named if m.entity_id))
            latest = before[-1].entity_id
            found.append(
                span_mention(
                    self.doc,
                    token.i,
                    token.i + 1,
                    "official",
                    latest,
                    "surname",
                    known=True,
                    rule="surname-after-full-name",
                    confidence=0.85 if len(candidates) == 1 else 0.4,
                    candidates=candidates if len(candidates) > 1 else (),
                )
            )
        return found

    def _dateline(self) -> tuple[str, str] | None:
        """ "VILNIUS --", "BRUSSELS, Sept. 27 (…) --": the city the story was filed from."""
        first = next((m for m in self.mentions if m.tok_start < 2), None)
        if first is None or not first.extra.get("capital") or not first.text.isupper():
            return None
        country = self.knowledge.capital_of(first.text)
        return (first.text.title(), country) if country else None

    # --- helpers ----------------------------------------------------------------------------

    def _title_end(self, title: TitleSpan) -> int:
        """Where a title ends, with its complement: "Ambassador to Belgium"."""
        end = title.tok_end
        doc = self.doc
        if end + 1 < len(doc) and doc[end].lower_ == "to":
            place = self.mention_at(end + 1)
            if place is not None and place.kind == "country" and place.tok_start == end + 1:
                return place.tok_end
        return end

    def _title_within(self, start: int, distance: int) -> bool:
        return any(start <= title.tok_start <= start + distance for title in self.titles)

    def sentence_of(self, token_index: int) -> tuple[int, int]:
        for start, end in self.sentences:
            if start <= token_index < end:
                return start, end
        return self.sentences[-1]

    def mentions_in(self, start: int, end: int, kind: str | None = None) -> list[Mention]:
        return [
            m
            for m in self.mentions
            if start <= m.tok_start and m.tok_end <= end and (kind is None or m.kind == kind)
        ]

    def mention_at(self, token_index: int) -> Mention | None:
        for mention in self.mentions:
            if mention.tok_start <= token_index < mention.tok_end:
                return mention
        return None

    def dates_in(self, start_char: int, end_char: int) -> list[DatePhrase]:
        return [d for d in self.dates if start_char <= d.start and d.end <= end_char]

    def name_of(self, kind: str, entity_id: str) -> str:
        known = self.knowledge.get(kind, entity_id)
        if known:
            return known["name"]
        new = self.new.get((kind, entity_id))
        return new.name if new else entity_id


_CONNECTOR_WORDS = {"of", "for", "and", "-"}


def _sentences(doc: Doc) -> list[tuple[int, int]]:
    """spaCy's sentences, cut again at line breaks and at the "|" of photo captions, without
    the whitespace and bars at their edges: each is a quote a reviewer can read."""
    pieces: list[tuple[int, int]] = []
    for sentence in doc.sents:
        start = sentence.start
        for token in sentence:
            if "\n" in token.text or token.text == "|" or "\n" in token.whitespace_:
                stop = token.i + 1 if token.text not in ("|",) and not token.is_space else token.i
                pieces.append((start, stop))
                start = token.i + 1
        pieces.append((start, sentence.end))
    # An opening quotation mark that the sentencizer left at the end of a sentence opens the
    # next one ("… at war. “At the end of the day, …,” he said.").
    for position in range(len(pieces) - 1):
        start, end = pieces[position]
        while end - 1 > start and _opens_quote(doc, end - 1):
            end -= 1
        if end != pieces[position][1]:
            pieces[position] = (start, end)
            pieces[position + 1] = (end, pieces[position + 1][1])
    trimmed = []
    for start, end in pieces:
        while start < end and (doc[start].is_space or doc[start].text in ("|", "-")):
            start += 1
        while end > start and (doc[end - 1].is_space or doc[end - 1].text == "|"):
            end -= 1
        if end > start:
            trimmed.append((start, end))
    return trimmed


def _opens_quote(doc: Doc, index: int) -> bool:
    token = doc[index]
    if token.text == "\u201c":
        return True
    return token.text == '"' and index > 0 and bool(doc[index - 1].whitespace_)


def _end_at_head(doc: Doc, start: int, end: int, heads: dict[str, str]) -> int:
    """An organisation's name ends at its head word, or after the complement that follows it
    ("CHEY Institute for Advanced Studies"), not in the title and name after it."""
    for index in range(start, end):
        word = doc[index].lower_
        if word in heads or (word == "group" and index + 1 < end and doc[index + 1].lower_ == "of"):
            stop = index + 1
            while (
                stop + 1 < end
                and doc[stop].lower_ in ("of", "for")
                and doc[stop + 1].text[:1].isupper()
            ):
                stop += 2
                while (
                    stop < end
                    and doc[stop].text[:1].isupper()
                    and doc[stop].lower_ not in _title_words_set()
                ):
                    stop += 1
            return stop
    return end


def _title_words_set() -> set[str]:
    return {word for title in lexicon().titles for word in name_key(title).split()} - {
        "national",
        "security",
        "foreign",
        "defence",
        "defense",
        "trade",
        "finance",
    }
