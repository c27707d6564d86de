"""Events that are not meetings: a launch, a test, an invasion, an election, an accession, a visit.

They are read from two frames: a possessive with an event noun ("North Korea's launch of its
largest intercontinental ballistic missile on Friday", "the Secretary General's visit to the
Republic of Korea") and a subject with an event verb ("North Korea fired the missile into the sea
early on Wednesday", "The envoy began a five-day trip to Belgium and France"). A plural is a
series, not one event ("missile launches"), and so is a noun that modifies another ("accession
protocol"). An event needs a day, a month or a year in its sentence, except a visit, whose
traveller and destination are enough. Two findings of one actor and kind on compatible days are
one event; "The missile was fired from …" adds its sentence to the launch it refers back to.

An event's id follows the house rule `<actor>-<kind>-<date>` (`kp-launch-2022-11-18`): the actor's
country code or a person's family name; a visit names where it went
(`stoltenberg-visit-kr-2023-01-29`). An event the graph knows (the same kind and actor, on a
compatible day) is referred to by its id.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from seeds.extract.ids import short_name
from seeds.extract.lexicon import lexicon
from seeds.extract.linking import Article
from seeds.extract.mentions import Mention
from seeds.extract.proposals import Draft, Proposal
from seeds.extract.when import DatePhrase

_POSSESSIVE = ("'s", "\u2019s")
# Words that end an event's name: the clause goes on with something else.
_NAME_STOP = {",", ".", ";", "(", ")", "\u2015", "\u2014", "which", "that", "drew", "was", "is"}
# Words that may stand between an event noun's possessor and the noun ("North Korea's latest
# ballistic missile launch", "two-day").
_MODIFIER_LIMIT = 6


@dataclass
class EventDraft:
    event_id: str
    kind: str
    name: str
    actors: list[str]
    spans: list[tuple[int, int]]
    rule: str
    confidence: float
    date: DatePhrase | None = None
    subjects: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    known: bool = False


class EventReader:
    def __init__(self, article: Article) -> None:
        self.article = article
        self.events: list[EventDraft] = []

    # --- reading --------------------------------------------------------------------------------

    def read(self) -> None:
        doc = self.article.doc
        words = lexicon()
        for start, end in self.article.sentences:
            for token in doc[start:end]:
                lowered = token.lower_
                if lowered in words.event_nouns and not self._compound(token.i, end):
                    self._possessive(token.i, start, end, words.event_nouns[lowered])
                elif lowered in words.event_verbs:
                    self._verb(token.i, start, end, words.event_verbs[lowered])
                elif lowered == "began" and token.i + 3 < end:
                    # "began a five-day trip to Belgium": the noun a few words on.
                    for index in range(token.i + 1, min(end, token.i + 5)):
                        if doc[index].lower_ in ("trip", "visit"):
                            self._trip(token.i, index, start, end)
                            break
            self._passive(start, end)

    def _compound(self, index: int, end: int) -> bool:
        doc = self.article.doc
        following = doc[index + 1] if index + 1 < end else None
        return following is not None and following.lower_ in lexicon().event_compounds

    def _possessive(self, index: int, start: int, end: int, kind: str) -> None:
        """ "<actor>'s [modifiers] <noun> [of …|to …]"."""
        doc = self.article.doc
        position = index - 1
        while position > start and index - position <= _MODIFIER_LIMIT:
            if doc[position].lower_ in _POSSESSIVE:
                break
            if not (doc[position].is_lower or doc[position].text == "-" or doc[position].like_num):
                return
            position -= 1
        if position <= start or doc[position].lower_ not in _POSSESSIVE:
            return
        actor = self.article.mention_at(position - 1)
        if actor is None or not actor.entity_id or actor.kind not in ("country", "official"):
            return
        name_end = self._name_end(index + 1, end)
        subjects = self._destinations(index + 1, name_end) if kind == "visit" else []
        date = self._date(index, start, end)
        if date is None and kind != "visit":
            return
        name_start = actor.tok_start
        if name_start and doc[name_start - 1].lower_ == "the":
            name_start -= 1
        self._add(
            kind,
            actor,
            (doc[name_start].idx, _end_char(self.article, name_end)),
            doc[actor.tok_start : name_end].text,
            "possessive-event",
            0.7,
            date,
            subjects,
        )

    def _verb(self, index: int, start: int, end: int, kind: str) -> None:
        """ "<actor> fired the missile …", "<actor> visited Tokyo …"."""
        doc = self.article.doc
        actor = self._subject(index, start)
        if actor is None:
            return
        if kind == "launch":
            objects = [t.lower_ for t in doc[index + 1 : min(end, index + 5)]]
            if not any(word in lexicon().launch_objects for word in objects):
                return
        subjects = self._destinations(index + 1, end) if kind == "visit" else []
        date = self._date(index, start, end)
        if date is None:
            return
        clause_end = self._clause_end(index, end)
        names = {"launch": "launch", "test": "test", "attack": "attack", "invasion": "invasion"}
        owner = self.article.name_of(actor.kind, actor.entity_id)
        self._add(
            kind,
            actor,
            (actor.start, _end_char(self.article, clause_end)),
            f"{owner}'s {names.get(kind, kind)}",
            "event-verb",
            0.65,
            date,
            subjects,
        )

    def _trip(self, verb: int, noun: int, start: int, end: int) -> None:
        actor = self._subject(verb, start)
        if actor is None:
            return
        doc = self.article.doc
        clause_end = self._clause_end(noun, end)
        subjects = self._destinations(noun + 1, clause_end)
        owner = self.article.name_of(actor.kind, actor.entity_id)
        places = [self.article.name_of("country", code) for code in subjects]
        name = f"{owner}'s trip" + (f" to {_join(places)}" if places else "")
        self._add(
            "visit",
            actor,
            (actor.start, _end_char(self.article, clause_end)),
            name,
            "began-a-trip",
            0.65,
            self._date(noun, start, end),
            subjects,
        )
        del doc

    def _passive(self, start: int, end: int) -> None:
        """ "The missile was fired from the Sunan area …": the launch the text already told."""
        doc = self.article.doc
        text = [t.lower_ for t in doc[start : min(end, start + 5)]]
        if len(text) < 4 or text[0] != "the" or text[1] not in lexicon().launch_objects:
            return
        if text[2] not in ("was", "had") or text[3] not in ("fired", "launched", "been"):
            return
        launches = [event for event in self.events if event.kind == "launch"]
        if len(launches) != 1:
            return
        clause_end = self._clause_end(start + 3, end)
        span = (doc[start].idx, _end_char(self.article, clause_end))
        if span not in launches[0].spans:
            launches[0].spans.append(span)

    # --- helpers --------------------------------------------------------------------------------

    def _subject(self, index: int, start: int) -> Mention | None:
        doc = self.article.doc
        position = index - 1
        while position >= start and doc[position].lower_ in ("had", "has", "have", "then", "also"):
            position -= 1
        if position < start:
            return None
        mention = self.article.mention_at(position)
        if mention is None or not mention.entity_id or mention.tok_end != position + 1:
            return None
        if mention.kind not in ("country", "official") or mention.form == "demonym":
            return None
        return mention

    def _name_end(self, index: int, end: int) -> int:
        """An event's name goes on through its complement ("of its largest … missile", "to the
        Republic of Korea"), up to a date phrase or the end of the clause."""
        doc = self.article.doc
        if index >= end or doc[index].lower_ not in ("of", "to", "against", "on"):
            return index
        stop = index + 1
        dates = {d.start for d in self.article.dates}
        while stop < end and stop - index < 8:
            token = doc[stop]
            if token.idx in dates or token.lower_ in _NAME_STOP or token.lower_ == "from":
                break
            stop += 1
        return stop

    def _clause_end(self, index: int, end: int) -> int:
        doc = self.article.doc
        for position in range(index, end):
            if doc[position].text in (";", ".") or (
                doc[position].text == ","
                and position + 1 < end
                and doc[position + 1].lower_ in ("while", "but", "which", "and")
            ):
                return position
        return end

    def _destinations(self, start: int, end: int) -> list[str]:
        """The countries a visit goes to: named after "to"."""
        doc = self.article.doc
        found: list[str] = []
        for position in range(start, end):
            if doc[position].lower_ != "to":
                continue
            index = position + 1
            while index < end:
                mention = self.article.mention_at(index)
                if mention is not None and mention.kind == "country" and mention.entity_id:
                    found.append(mention.entity_id)
                    index = mention.tok_end
                elif doc[index].lower_ in ("and", ",", "the"):
                    index += 1
                else:
                    break
            break
        return list(dict.fromkeys(found))

    def _date(self, index: int, start: int, end: int) -> DatePhrase | None:
        """The date phrase after the event word in its sentence, else the sentence's first; a
        phrase that bounds something else ("since 2006") does not date an event."""
        doc = self.article.doc
        first, last = doc[start].idx, _end_char(self.article, end)
        dates = [
            d
            for d in self.article.dates_in(first, last)
            if not d.phrase.lower().startswith(("since", "until"))
            and d.kind != "relative"
            and "so far" not in self.article.text[max(first, d.start - 8) : d.start]
        ]
        after = [d for d in dates if d.start >= doc[index].idx]
        return (after or dates or [None])[0]

    def _add(
        self,
        kind: str,
        actor: Mention,
        span: tuple[int, int],
        name: str,
        rule: str,
        confidence: float,
        date: DatePhrase | None,
        subjects: list[str],
    ) -> None:
        for event in self.events:
            if event.kind == kind and actor.entity_id in event.actors and _same_day(event, date):
                if span not in event.spans:
                    event.spans.append(span)
                event.date = event.date or date
                for subject in subjects:
                    if subject not in event.subjects:
                        event.subjects.append(subject)
                return
        known = self._known(kind, actor.entity_id, date)
        if known is not None:
            document = self.article.knowledge.collections["events"][known]
            self.events.append(
                EventDraft(
                    known,
                    kind,
                    document["name"],
                    [actor.entity_id],
                    [span],
                    "known-event+" + rule,
                    0.85,
                )
            )
            self.events[-1].known = True
            return
        side = self._side(actor)
        # A visit's id names where it went: `stoltenberg-visit-kr-2023-01-29`.
        where = "-".join(code.lower() for code in subjects) if kind == "visit" else None
        base = "-".join(part for part in (side, kind, where, date.value if date else None) if part)
        event_id = self._free(base)
        self.events.append(
            EventDraft(
                event_id=event_id,
                kind=kind,
                name=name[:1].upper() + name[1:],
                actors=[actor.entity_id],
                spans=[span],
                rule=rule,
                confidence=confidence,
                date=date,
                subjects=subjects,
            )
        )

    def _known(self, kind: str, actor: str, date: DatePhrase | None) -> str | None:
        """An event the graph knows: the same kind, actor and a compatible day."""
        for event_id, event in self.article.knowledge.collections.get("events", {}).items():
            if event.get("kind") != kind or actor not in {a["id"] for a in event["actors"]}:
                continue
            known_date = event.get("date")
            if date is None or known_date is None:
                if date is None and known_date is None:
                    return event_id
                continue
            resolved = date.resolved
            if not (
                resolved.latest < known_date["earliest"] or known_date["latest"] < resolved.earliest
            ):
                return event_id
        return None

    def _side(self, actor: Mention) -> str:
        if actor.kind == "country":
            return actor.entity_id.lower()
        return short_name(self.article, actor.entity_id)

    def _free(self, event_id: str) -> str:
        taken = {event.event_id for event in self.events}
        known = self.article.knowledge.collections.get("events", {})
        candidate, number = event_id, 2
        while candidate in taken or candidate in known:
            candidate = f"{event_id}-{number}"
            number += 1
        return candidate

    def event_in(self, start: int, end: int) -> list[str]:
        """The events whose evidence lies inside a stretch of the text."""
        return [
            event.event_id
            for event in self.events
            if any(start <= s and e <= end for s, e in event.spans)
        ]

    def latest(self, kind: str, before: int) -> str | None:
        """ "the launch": the event of that kind told last before this point."""
        told = [
            (min(s for s, _ in event.spans), event.event_id)
            for event in self.events
            if event.kind == kind and min(s for s, _ in event.spans) < before
        ]
        return max(told)[1] if told else None

    # --- proposals ------------------------------------------------------------------------------

    def propose(self, draft: Draft) -> None:
        for event in self.events:
            if event.known:
                draft.add(
                    Proposal(
                        "events",
                        (event.event_id,),
                        {"id": event.event_id, "name": event.name},
                        list(event.spans),
                        event.rule,
                        event.confidence,
                        known=True,
                        notes=["known event: this adds a source"],
                    )
                )
                continue
            fields: dict = {"id": event.event_id, "name": event.name, "kind": event.kind}
            if event.date is not None:
                fields["date"] = event.date
            fields["actors"] = event.actors
            if event.subjects:
                fields["subjects"] = event.subjects
            draft.add(
                Proposal(
                    "events",
                    (event.event_id,),
                    fields,
                    list(event.spans),
                    event.rule,
                    event.confidence,
                    notes=["new event: check its name, place, actors and subjects", *event.notes],
                )
            )


def _same_day(event: EventDraft, date: DatePhrase | None) -> bool:
    if event.date is None or date is None:
        return True
    a, b = event.date.resolved, date.resolved
    return not (a.latest < b.earliest or b.latest < a.earliest)


def _end_char(article: Article, end: int) -> int:
    token = article.doc[end - 1]
    return token.idx + len(token.text)


def _join(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
