"""Scoring drafts against reviewed facts files: precision, recall and F1 per entity kind and per
relation kind, every miss and every false proposal, and the ids a reviewer had to change.

Both sides are reduced to the same comparable facts. Entities are compared by id; a new entity
whose draft id differs from the reviewed one still counts as found when it is plainly the same
thing (the same name; for a meeting, the same day and people), and the id change is counted: a
changed id the graph already knew is a manual look-up, which the extractor exists to save.

Statements and events have editors' ids and summaries that no rule can be expected to guess, so
they are matched by what they say and where: a statement by the same speakers, of the same kind,
with a quote that overlaps the reviewed one; an event of the same kind with an overlapping quote.
Their subjects, sides and dates are then compared on the pairs matched that way. An article whose
reviewed file has neither a `statements:` nor an `events:` section was not annotated for them
(the bundled seed), so its statements and events are not scored at all.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from seeds.dates import DateError, date_document
from seeds.extract.extractor import Extractor
from seeds.extract.knowledge import Knowledge
from seeds.extract.proposals import Draft
from seeds.extract.when import DatePhrase
from seeds.extract.write import facts_yaml
from seeds.inputs import ArticleInput, bundled_article_folders, read_article_folder
from seeds.models import DatePhrase as DateField
from seeds.models import EntitiesAndRelations
from store.names import name_key

ENTITY_KINDS = ("official", "organisation", "meeting", "country")
RELATION_KINDS = ("post", "participation", "membership", "group", "decision", "date")
# Scored only on articles annotated for them (see the module's docstring).
SAID_KINDS = (
    "statement",
    "statement-speaker",
    "statement-about",
    "statement-side",
    "statement-date",
    "event",
    "event-party",
    "event-date",
)
_SECTION_KIND = {"officials": "official", "organisations": "organisation", "meetings": "meeting"}


@dataclass
class Said:
    """A statement or an event, reduced: who (speakers; empty for an event), its kind, where the
    text states it, and what it is about (a subject, a side, an actor: `(role, id)` pairs)."""

    entry_id: str
    who: frozenset[str]
    kind: str
    spans: list[tuple[int, int]]
    parties: set[tuple[str, str]] = field(default_factory=set)
    day: str | None = None

    def overlaps(self, other: Said) -> bool:
        return any(a < d and c < b for a, b in self.spans for c, d in other.spans)


@dataclass
class Facts:
    """What a facts file (or a draft) says, reduced to comparable tuples."""

    entities: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    names: dict[tuple[str, str], str] = field(default_factory=dict)
    aliases: dict[tuple[str, str], set[str]] = field(default_factory=lambda: defaultdict(set))
    meeting_days: dict[str, str | None] = field(default_factory=dict)
    meeting_people: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    posts: list[tuple[str, str | None, str | None, str | None]] = field(default_factory=list)
    relations: dict[str, set[tuple]] = field(default_factory=lambda: defaultdict(set))
    statements: list[Said] = field(default_factory=list)
    events: list[Said] = field(default_factory=list)
    annotated: bool = True


@dataclass
class Score:
    found: int = 0
    proposed: int = 0
    expected: int = 0
    misses: list[str] = field(default_factory=list)
    false: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.found / self.proposed if self.proposed else 1.0

    @property
    def recall(self) -> float:
        return self.found / self.expected if self.expected else 1.0

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0

    def add(self, other: Score) -> None:
        self.found += other.found
        self.proposed += other.proposed
        self.expected += other.expected
        self.misses += other.misses
        self.false += other.false


@dataclass
class ArticleScore:
    article_id: str
    scores: dict[str, Score]
    seconds: float
    ids_changed: list[tuple[str, str, str]]
    lookups: list[tuple[str, str, str]]
    draft_lines: int = 0
    reviewed_lines: int = 0


# --- reading a reviewed facts file ---------------------------------------------------------------


class _Resolver:
    """References written as ids, names or aliases, resolved as the loader would."""

    def __init__(self, knowledge: Knowledge, declared: dict[str, dict[str, list[str]]]) -> None:
        self.knowledge = knowledge
        self.declared = declared

    def __call__(self, ref: str | None, kinds: tuple[str, ...]) -> str | None:
        if ref is None:
            return None
        for kind in kinds:
            if ref in self.declared.get(kind, {}) or self.knowledge.has(kind, ref):
                return ref
        key = name_key(ref)
        for kind in kinds:
            for entity_id, names in self.declared.get(kind, {}).items():
                if key in {name_key(name) for name in names}:
                    return entity_id
        resolved = self.knowledge.resolve(ref, kinds)
        return resolved[1] if resolved else ref


def _date_value(value: object, text: str, published: dt.date) -> str | None:
    if value is None:
        return None
    if isinstance(value, DatePhrase):
        return value.value
    try:
        if isinstance(value, dict):
            value = DateField(**value)
        return date_document(value, text, published)["value"]
    except (DateError, TypeError, ValueError):
        return None


def reviewed_facts(folder: Path, knowledge: Knowledge) -> tuple[Facts, ArticleInput]:
    article = read_article_folder(folder)
    facts = EntitiesAndRelations.model_validate(article.facts_doc.data or {})
    published = dt.date.fromisoformat(str(article.meta_doc.data["published"]["date"]))
    declared: dict[str, dict[str, list[str]]] = defaultdict(dict)
    for section, kind in _SECTION_KIND.items():
        for entry in getattr(facts, section):
            names = [entry.id, entry.name, *entry.aliases]
            if section == "organisations" and entry.acronym:
                names.append(entry.acronym)
            declared[kind][entry.id] = names
    resolve = _Resolver(knowledge, declared)
    result = Facts()
    text = article.text

    def entity(kind: str, ref: str | None, kinds: tuple[str, ...] | None = None) -> str | None:
        entity_id = resolve(ref, kinds or (kind,))
        if entity_id:
            actual = kind
            if kinds:
                actual = next(
                    (
                        k
                        for k in kinds
                        if entity_id in declared.get(k, {}) or knowledge.has(k, entity_id)
                    ),
                    kinds[0],
                )
            result.entities[actual].add(entity_id)
        return entity_id

    for section, kind in _SECTION_KIND.items():
        for entry in getattr(facts, section):
            result.entities[kind].add(entry.id)
            result.names[(kind, entry.id)] = entry.name
            result.aliases[(kind, entry.id)] = {name_key(n) for n in [entry.name, *entry.aliases]}
    for org in facts.organisations:
        entity("country", org.country)
    for official in facts.officials:
        entity("country", official.country)
    for meeting in facts.meetings:
        day = _date_value(meeting.date, text, published)
        result.meeting_days[meeting.id] = day
        if day:
            result.relations["date"].add(("meeting", meeting.id, "date", day))
        end = _date_value(meeting.end_date, text, published)
        if end:
            result.relations["date"].add(("meeting", meeting.id, "end_date", end))
        if meeting.location and meeting.location.country:
            entity("country", meeting.location.country)
        for group in meeting.groups:
            org = entity("organisation", group.organisation)
            result.relations["group"].add((meeting.id, org, group.expected_count))
    for entry in facts.participations:
        meeting = entity("meeting", entry.meeting)
        refs = [entry.participant] if entry.participant else entry.participants
        for ref in refs:
            participant = entity("official", ref, ("official", "country", "organisation"))
            result.relations["participation"].add((meeting, participant))
            result.meeting_people[meeting].add(participant)
    for post in facts.posts:
        official = entity("official", post.official)
        organisation = entity("organisation", post.organisation)
        country = entity("country", post.country)
        result.posts.append((official, organisation, country, post.id))
        for name, value in (("start", post.start), ("end", post.end)):
            day = _date_value(value, text, published)
            if day:
                result.relations["date"].add(("post", official, name, day))
    for membership in facts.memberships:
        organisation = entity("organisation", membership.organisation)
        refs = [membership.member] if membership.member else membership.members
        for ref in refs:
            member = entity("country", ref, ("country", "organisation"))
            result.relations["membership"].add((organisation, member, membership.role))
            for name, value in (("start", membership.start), ("end", membership.end)):
                day = _date_value(value, text, published)
                if day:
                    result.relations["date"].add(("membership", (organisation, member), name, day))
    for decision in facts.decisions:
        body = entity("organisation", decision.body)
        day = _date_value(decision.date, text, published)
        result.relations["decision"].add((body, day))
        if day:
            result.relations["date"].add(("decision", body, "date", day))
    data = article.facts_doc.data or {}
    result.annotated = "statements" in data or "events" in data
    # References of statements and events: anything named, events included. They are not
    # added to the entity counts, so that those stay comparable with drafts made before
    # statements and events existed.
    anything = ("country", "official", "organisation", "meeting")
    event_ids = {entry.id for entry in facts.events}

    def ref(value: str) -> str:
        return value if value in event_ids else (resolve(value, anything) or value)

    for event in facts.events:
        parties = {("actor", ref(r)) for r in event.actors}
        parties |= {("subject", ref(r)) for r in event.subjects}
        result.events.append(
            Said(
                event.id,
                frozenset(),
                event.kind,
                _spans(text, event.quote),
                parties,
                _date_value(event.date, text, published),
            )
        )
    for statement in facts.statements:
        speakers = [statement.speaker] if statement.speaker else statement.speakers
        sides = statement.on_behalf_of or []
        sides = [sides] if isinstance(sides, str) else sides
        parties = {("about", ref(r)) for r in statement.about}
        parties |= {("side", ref(r)) for r in sides}
        result.statements.append(
            Said(
                statement.id,
                frozenset(ref(r) for r in speakers),
                statement.kind,
                _spans(text, statement.quote),
                parties,
                _date_value(statement.date, text, published),
            )
        )
    return result, article


def _spans(text: str, quotes: str | list[str] | None) -> list[tuple[int, int]]:
    """Where the loader locates each quote: its first occurrence."""
    spans = []
    for quote in [quotes] if isinstance(quotes, str) else quotes or []:
        start = text.find(quote)
        if start >= 0:
            spans.append((start, start + len(quote)))
    return spans


def draft_facts(draft: Draft, published: dt.date) -> Facts:
    """The same reduction of a draft (whose references are ids already)."""
    result = Facts()

    def mark(kind: str, entity_id: str | None) -> str | None:
        if entity_id:
            result.entities[kind].add(entity_id)
        return entity_id

    declared_kind: dict[str, str] = {}
    for section, kind in _SECTION_KIND.items():
        for proposal in draft.section(section):
            mark(kind, proposal.fields["id"])
            declared_kind[proposal.fields["id"]] = kind
            result.names[(kind, proposal.fields["id"])] = proposal.fields.get("name", "")
            if proposal.fields.get("country"):
                mark("country", proposal.fields["country"])
    for proposal in draft.section("meetings"):
        fields = proposal.fields
        date = fields.get("date")
        day = date.value if isinstance(date, DatePhrase) else date
        result.meeting_days[fields["id"]] = day
        if day:
            result.relations["date"].add(("meeting", fields["id"], "date", day))
        if (fields.get("location") or {}).get("country"):
            mark("country", fields["location"]["country"])
        for group in fields.get("groups", []):
            mark("organisation", group["organisation"])
            result.relations["group"].add(
                (fields["id"], group["organisation"], group.get("expected_count"))
            )
    for proposal in draft.section("participations"):
        fields = proposal.fields
        meeting = mark("meeting", fields["meeting"])
        participant = fields["participant"]
        kind = "country" if participant.isupper() else declared_kind.get(participant, "official")
        mark(kind, participant)
        result.relations["participation"].add((meeting, participant))
        result.meeting_people[meeting].add(participant)
    for proposal in draft.section("posts"):
        fields = proposal.fields
        official = mark("official", fields["official"])
        organisation = mark("organisation", fields.get("organisation"))
        country = mark("country", fields.get("country"))
        result.posts.append((official, organisation, country, fields.get("id")))
        for name in ("start", "end"):
            day = _day(fields.get(name))
            if day:
                result.relations["date"].add(("post", official, name, day))
    for proposal in draft.section("memberships"):
        fields = proposal.fields
        organisation = mark("organisation", fields["organisation"])
        member = mark("country", fields["member"])
        result.relations["membership"].add((organisation, member, fields["role"]))
        start = fields.get("start")
        if isinstance(start, DatePhrase):
            result.relations["date"].add(
                ("membership", (organisation, member), "start", start.value)
            )
    for proposal in draft.section("decisions"):
        fields = proposal.fields
        body = mark("organisation", fields["body"])
        date = fields.get("date")
        day = date.value if isinstance(date, DatePhrase) else date
        result.relations["decision"].add((body, day))
        if day:
            result.relations["date"].add(("decision", body, "date", day))
    for proposal in draft.section("events"):
        fields = proposal.fields
        parties = {("actor", r) for r in fields.get("actors", [])}
        parties |= {("subject", r) for r in fields.get("subjects", [])}
        result.events.append(
            Said(
                fields["id"],
                frozenset(),
                fields.get("kind", "other"),
                list(proposal.spans),
                parties,
                _day(fields.get("date")),
            )
        )
    for proposal in draft.section("statements"):
        fields = proposal.fields
        speakers = fields.get("speakers") or [fields["speaker"]]
        sides = fields.get("on_behalf_of") or []
        sides = [sides] if isinstance(sides, str) else sides
        parties = {("about", r) for r in fields.get("about", [])}
        parties |= {("side", r) for r in sides}
        result.statements.append(
            Said(
                fields["id"],
                frozenset(speakers),
                fields.get("kind", "said"),
                list(proposal.spans),
                parties,
                _day(fields.get("date")),
            )
        )
    del published
    return result


def _day(date: object) -> str | None:
    return date.value if isinstance(date, DatePhrase) else date  # type: ignore[return-value]


# --- comparing ---------------------------------------------------------------------------------


def align(gold: Facts, proposed: Facts) -> dict[str, str]:
    """Draft ids → reviewed ids, for new entities the two name differently."""
    mapping: dict[str, str] = {}
    for kind in ("official", "organisation", "meeting"):
        missing = gold.entities[kind] - proposed.entities[kind]
        extra = proposed.entities[kind] - gold.entities[kind]
        for draft_id in sorted(extra):
            draft_name = name_key(proposed.names.get((kind, draft_id), ""))
            for gold_id in sorted(missing):
                gold_names = gold.aliases.get((kind, gold_id)) or {
                    name_key(gold.names.get((kind, gold_id), ""))
                }
                same = bool(draft_name) and draft_name in gold_names
                if kind == "meeting" and not same:
                    people = proposed.meeting_people.get(draft_id, set())
                    gold_people = gold.meeting_people.get(gold_id, set())
                    day, gold_day = (
                        proposed.meeting_days.get(draft_id),
                        gold.meeting_days.get(gold_id),
                    )
                    same = (
                        bool(people & gold_people)
                        and (
                            day == gold_day
                            or (
                                day
                                and gold_day
                                and (day.startswith(gold_day) or gold_day.startswith(day))
                            )
                        )
                        and len(people & gold_people) >= min(2, len(gold_people))
                    )
                if same:
                    mapping[draft_id] = gold_id
                    missing.discard(gold_id)
                    break
    return mapping


def _rename(value: object, mapping: dict[str, str]) -> object:
    if isinstance(value, str):
        return mapping.get(value, value)
    if isinstance(value, tuple):
        return tuple(_rename(item, mapping) for item in value)
    return value


def _score_sets(expected: set, proposed: set) -> Score:
    return Score(
        found=len(expected & proposed),
        proposed=len(proposed),
        expected=len(expected),
        misses=sorted(map(str, expected - proposed)),
        false=sorted(map(str, proposed - expected)),
    )


def _score_posts(gold: Facts, proposed: Facts, mapping: dict[str, str]) -> Score:
    unmatched = [tuple(_rename(item, mapping) for item in post) for post in proposed.posts]
    score = Score(proposed=len(unmatched), expected=len(gold.posts))
    for official, organisation, country, post_id in gold.posts:
        match = next(
            (
                post
                for post in unmatched
                if post[0] == official
                and (
                    (organisation and post[1] == organisation)
                    or (country and post[2] == country)
                    or (post_id and post[3] == post_id)
                )
            ),
            None,
        )
        if match is None:
            score.misses.append(str((official, organisation or country, post_id)))
            continue
        unmatched.remove(match)
        score.found += 1
    score.false = [str(post[:3]) for post in unmatched]
    return score


def compare(gold: Facts, proposed: Facts) -> tuple[dict[str, Score], dict[str, str]]:
    mapping = align(gold, proposed)
    scores: dict[str, Score] = {}
    for kind in ENTITY_KINDS:
        renamed = {mapping.get(entity_id, entity_id) for entity_id in proposed.entities[kind]}
        scores[kind] = _score_sets(gold.entities[kind], renamed)
    scores["post"] = _score_posts(gold, proposed, mapping)
    for kind in ("participation", "membership", "group", "decision", "date"):
        renamed = {_rename(item, mapping) for item in proposed.relations[kind]}
        scores[kind] = _score_sets(gold.relations[kind], renamed)
    if gold.annotated:
        said_scores, said_mapping = _score_said(gold, proposed, mapping)
        scores.update(said_scores)
        mapping = {**mapping, **said_mapping}
    return scores, mapping


def _renamed(said: Said, mapping: dict[str, str]) -> Said:
    return Said(
        said.entry_id,
        frozenset(mapping.get(who, who) for who in said.who),
        said.kind,
        said.spans,
        {(role, mapping.get(ref, ref)) for role, ref in said.parties},
        said.day,
    )


def _pair(gold: list[Said], proposed: list[Said], same_kind: bool) -> dict[int, int]:
    """Each reviewed entry → the first unmatched draft entry by the same speakers (none for an
    event), of the same kind if `same_kind`, whose quote overlaps the reviewed quote."""
    pairs: dict[int, int] = {}
    for g, expected in enumerate(gold):
        for p, candidate in enumerate(proposed):
            if p in pairs.values() or candidate.who != expected.who:
                continue
            if same_kind and candidate.kind != expected.kind:
                continue
            if candidate.overlaps(expected):
                pairs[g] = p
                break
    return pairs


def _matched_rows(
    gold: list[Said], proposed: list[Said], pairs: dict[int, int], roles: tuple[str, ...] | None
) -> tuple[set, set]:
    """Parties of the given roles (subjects, sides, actors…), or dates when `roles` is None, as
    pairs keyed by the reviewed entry's id: a draft entry matched to a reviewed one speaks for
    it; an unmatched one keeps its own id."""
    owner = {p: gold[g].entry_id for g, p in pairs.items()}

    def rows(entry: Said, key: str) -> set[tuple]:
        if roles is None:
            return {(key, entry.day)} if entry.day else set()
        return {(key, role, ref) for role, ref in entry.parties if role in roles}

    expected = {row for entry in gold for row in rows(entry, entry.entry_id)}
    found = {
        row
        for index, entry in enumerate(proposed)
        for row in rows(entry, owner.get(index, "(draft) " + entry.entry_id))
    }
    return expected, found


def _score_said(
    gold: Facts, proposed: Facts, mapping: dict[str, str]
) -> tuple[dict[str, Score], dict[str, str]]:
    """Statements and events, matched by what they say and where (the module's docstring);
    also the draft ids of the events matched to reviewed ones."""
    scores: dict[str, Score] = {}
    events = [_renamed(e, mapping) for e in proposed.events]
    strict = _pair(gold.events, events, same_kind=True)
    scores["event"] = _said_score(gold.events, events, strict)
    loose = _pair(gold.events, events, same_kind=False)
    # A draft event matched to a reviewed one is that event wherever statements name it.
    event_ids = {events[p].entry_id: gold.events[g].entry_id for g, p in loose.items()}
    mapping = {**mapping, **event_ids}
    events = [_renamed(e, mapping) for e in proposed.events]
    for kind, roles in (("event-party", ("actor", "subject")), ("event-date", None)):
        scores[kind] = _score_sets(*_matched_rows(gold.events, events, loose, roles))
    statements = [_renamed(s, mapping) for s in proposed.statements]
    strict = _pair(gold.statements, statements, same_kind=True)
    scores["statement"] = _said_score(gold.statements, statements, strict)
    loose = _pair(gold.statements, statements, same_kind=False)
    scores["statement-speaker"] = _said_score(gold.statements, statements, loose)
    for kind, roles in (
        ("statement-about", ("about",)),
        ("statement-side", ("side",)),
        ("statement-date", None),
    ):
        scores[kind] = _score_sets(*_matched_rows(gold.statements, statements, loose, roles))
    return scores, event_ids


def _said_score(gold: list[Said], proposed: list[Said], pairs: dict[int, int]) -> Score:
    def label(entry: Said) -> str:
        who = ", ".join(sorted(entry.who))
        return f"{entry.entry_id} ({entry.kind}{'; ' + who if who else ''}) {entry.spans}"

    return Score(
        found=len(pairs),
        proposed=len(proposed),
        expected=len(gold),
        misses=[label(entry) for g, entry in enumerate(gold) if g not in pairs],
        false=[label(entry) for p, entry in enumerate(proposed) if p not in pairs.values()],
    )


def evaluate_folder(
    folder: Path, extractor: Extractor, repeat: int = 1
) -> tuple[ArticleScore, Draft]:
    """Draft one reviewed bundle and score it; the time is the median of `repeat` drafts."""
    gold, article = reviewed_facts(folder, extractor.knowledge)
    published = dt.date.fromisoformat(str(article.meta_doc.data["published"]["date"]))
    times = []
    for _ in range(max(1, repeat)):
        started = time.perf_counter()
        draft = extractor.draft(article.text, published)
        times.append(time.perf_counter() - started)
    seconds = sorted(times)[len(times) // 2]
    proposed = draft_facts(draft, published)
    scores, mapping = compare(gold, proposed)
    changed = [
        (kind, draft_id, gold_id)
        for kind in ("official", "organisation", "meeting")
        for draft_id, gold_id in mapping.items()
        if draft_id in proposed.entities[kind] and draft_id != gold_id
    ]
    drafted_events = {event.entry_id for event in proposed.events}
    changed += [
        ("event", draft_id, gold_id)
        for draft_id, gold_id in mapping.items()
        if draft_id in drafted_events and draft_id != gold_id
    ]
    lookups = [
        item for item in changed if item[0] != "event" and extractor.knowledge.has(item[0], item[2])
    ]
    lookups += [
        item
        for item in changed
        if item[0] == "event" and item[2] in extractor.knowledge.collections.get("events", {})
    ]
    # A known post the reviewed file refers to by id that the draft proposed anew.
    known_posts = {
        (official, post_id)
        for official, _, _, post_id in gold.posts
        if post_id and post_id in extractor.knowledge.collections["posts"]
    }
    drafted_ids = {post[3] for post in proposed.posts}
    for official, post_id in sorted(known_posts):
        if post_id not in drafted_ids and any(post[0] == official for post in proposed.posts):
            lookups.append(("post", "(new)", post_id))
            changed.append(("post", "(new)", post_id))
    meta_id = str(article.meta_doc.data["id"])
    return (
        ArticleScore(
            meta_id,
            scores,
            seconds,
            changed,
            lookups,
            reviewed_lines=len(article.facts_yaml.splitlines()),
        ),
        draft,
    )


def total(results: list[ArticleScore]) -> dict[str, Score]:
    """Every kind summed over the articles; statements and events only over the articles
    annotated for them (absent when none was)."""
    summed: dict[str, Score] = {kind: Score() for kind in (*ENTITY_KINDS, *RELATION_KINDS)}
    for result in results:
        for kind, score in result.scores.items():
            summed.setdefault(kind, Score()).add(score)
    return summed


def entities_total(scores: dict[str, Score]) -> Score:
    summed = Score()
    for kind in ENTITY_KINDS:
        summed.add(scores[kind])
    return summed


def format_table(title: str, scores: dict[str, Score]) -> str:
    lines = [
        f"{title}",
        f"{'kind':<18}{'found':>6}{'draft':>6}{'gold':>6}{'P':>7}{'R':>7}{'F1':>7}",
    ]
    rows = [*ENTITY_KINDS, "entities", *RELATION_KINDS, *SAID_KINDS]
    every = dict(scores)
    every["entities"] = entities_total(scores)
    for kind in rows:
        score = every.get(kind)
        if score is None:
            lines.append(f"{kind:<18}   (not annotated in these reviewed files: not scored)")
            continue
        lines.append(
            f"{kind:<18}{score.found:>6}{score.proposed:>6}{score.expected:>6}"
            f"{score.precision:>7.2f}{score.recall:>7.2f}{score.f1:>7.2f}"
        )
    return "\n".join(lines)


# --- the runs ----------------------------------------------------------------------------------


def evaluation_sets(fixtures: Path | None) -> list[tuple[str, Extractor, list[Path]]]:
    """The seed article drafted against the reference data alone (nothing it states is known
    before it), and the reviewed fixtures against the reference data and the bundled seed
    article: what `diplograph extract` knows by default. The fixtures come in the sets that
    `extraction-sets.yaml` beside their folder names (those the rules were tuned on, those
    held out), each reported on its own."""
    reference_only = Extractor(Knowledge.build([]))
    sets = [("seed", reference_only, bundled_article_folders())]
    folders = sorted(path.parent for path in fixtures.glob("*/facts.yaml")) if fixtures else []
    if folders and fixtures is not None:
        seeded = Extractor(
            Knowledge.build([read_article_folder(folder) for folder in bundled_article_folders()])
        )
        for label, members in fixture_sets(fixtures, folders).items():
            if members:
                sets.append((label, seeded, members))
    return sets


def fixture_sets(fixtures: Path, folders: list[Path]) -> dict[str, list[Path]]:
    """The fixture folders by set: `tuned`, `held-out`, and `other` for those in neither."""
    listing = fixtures.parent / "extraction-sets.yaml"
    named = yaml.safe_load(listing.read_text(encoding="utf-8")) if listing.is_file() else {}
    by_name = {folder.name: folder for folder in folders}
    sets: dict[str, list[Path]] = {}
    for key, label in (("tuned", "tuned"), ("held_out", "held-out")):
        sets[label] = [by_name[name] for name in (named or {}).get(key, []) if name in by_name]
    listed = {folder for members in sets.values() for folder in members}
    sets["other"] = [folder for folder in folders if folder not in listed]
    return sets


def run_evaluation(
    sets: list[tuple[str, Extractor, list[Path]]],
    details: bool = False,
    out: Callable[[str], None] = print,
    repeat: int = 1,
) -> dict:
    """Draft every article of every set, print the tables, and return them as a report."""
    report: dict = {"sets": {}}
    for label, extractor, folders in sets:
        results: list[ArticleScore] = []
        for folder in folders:
            result, draft = evaluate_folder(folder, extractor, repeat)
            result.draft_lines = len(facts_yaml(draft, result.article_id).splitlines())
            results.append(result)
        scores = total(results)
        out(format_table(f"\n== {label} articles ({len(results)})", scores))
        for result in results:
            entities = entities_total(result.scores)
            out(
                f"  {result.article_id}: {result.seconds * 1000:.0f} ms, entities "
                f"P {entities.precision:.2f} R {entities.recall:.2f}, participations R "
                f"{result.scores['participation'].recall:.2f}, posts R "
                f"{result.scores['post'].recall:.2f}; ids changed in review "
                f"{sum(kind != 'event' for kind, _, _ in result.ids_changed)}, and "
                f"{sum(kind == 'event' for kind, _, _ in result.ids_changed)} of events "
                f"(known ids looked up: {len(result.lookups)}); "
                f"draft {result.draft_lines} lines, reviewed {result.reviewed_lines} lines"
            )
            for kind, draft_id, gold_id in result.ids_changed:
                out(f"      id {kind}: {draft_id} -> {gold_id}")
            if details:
                for kind, score in result.scores.items():
                    for miss in score.misses:
                        out(f"      miss  {kind}: {miss}")
                    for false in score.false:
                        out(f"      false {kind}: {false}")
        report["sets"][label] = {
            "articles": [
                {
                    "id": r.article_id,
                    "seconds": round(r.seconds, 4),
                    "ids_changed": r.ids_changed,
                    "lookups": r.lookups,
                    "scores": {
                        k: {
                            "P": s.precision,
                            "R": s.recall,
                            "F1": s.f1,
                            "misses": s.misses,
                            "false": s.false,
                        }
                        for k, s in r.scores.items()
                    },
                }
                for r in results
            ],
            "total": {
                k: {
                    "found": s.found,
                    "proposed": s.proposed,
                    "expected": s.expected,
                    "P": s.precision,
                    "R": s.recall,
                    "F1": s.f1,
                }
                for k, s in {**scores, "entities": entities_total(scores)}.items()
            },
        }
    return report
