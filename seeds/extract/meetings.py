"""Meetings and who attended them, read from frames around verbs ("met", "held talks with",
"attended", "their meeting at", "flew to Madrid"), named meetings ("the NAC+4 meeting", "the
Camp David summit"), and groups ("30 NATO members", "the four Asia-Pacific partner countries").

A meeting the graph knows is found by its names, or by its participants, place and date, and
referred to by its id; a new one gets an id by the house rules: names and date
(`yoon-stoltenberg-2022-06-30`), or its name (`nac-plus-4-2022-09-27`)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from seeds.extract.events import EventReader
from seeds.extract.ids import short_name
from seeds.extract.lexicon import lexicon
from seeds.extract.linking import Article
from seeds.extract.mentions import Mention
from seeds.extract.proposals import Draft, Proposal
from seeds.extract.when import DatePhrase, unreal
from seeds.references import slug
from store.names import name_key

_CLAUSE_END = {".", ";", "|"}


@dataclass
class MeetingDraft:
    """A meeting found in the text: known (`known_id`) or new."""

    meeting_id: str
    known: bool
    name: str
    spans: list[tuple[int, int]]
    rule: str
    confidence: float
    kind: str | None = None
    date: DatePhrase | None = None
    date_iso: str | None = None
    location: dict = field(default_factory=dict)
    parent: str | None = None
    organiser: str | None = None
    aliases: list[str] = field(default_factory=list)
    groups: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class Attendance:
    meeting: str
    participant: str
    span: tuple[int, int]
    rule: str
    confidence: float
    role: str | None = None
    on_behalf_of: str | None = None
    notes: list[str] = field(default_factory=list)


class MeetingReader:
    def __init__(
        self,
        article: Article,
        holders: dict[str, tuple[str | None, str | None]],
        events: EventReader | None = None,
    ) -> None:
        self.article = article
        self.holders = holders
        self.events = events
        self.meetings: dict[str, MeetingDraft] = {}
        self.attendance: dict[tuple[str, str], Attendance] = {}
        self.last_meeting: str | None = None
        self.last_subject: str | None = None
        self.last_people: list[str] = []
        self.by_name: dict[str, str] = {}
        self.decisions: list[dict] = []
        self.partner_phrases: list[dict] = []

    # --- per sentence ---------------------------------------------------------------------------

    def read(self) -> None:
        doc = self.article.doc
        for start, end in self.article.sentences:
            span = doc[start:end]
            self.sentence_text = span.text
            self.sentence_span = (span.start_char, span.end_char)
            people = self._people(start, end)
            named = self._named_meetings(start, end)
            summit = self._org_summit(start, end, people)
            if summit is not None:
                meeting_id, at = summit
                named = sorted(
                    [*named, (meeting_id, _token_span_mention(self.article, at, at + 1))],
                    key=lambda item: item[1].tok_start,
                )
            # A sentence that opens a summit ("welcomed NATO leaders to …") is read by the
            # summit rule alone; one that names it ("to attend a NATO summit") by the frames too.
            opens = summit is not None and at == start
            framed = opens or self._frames(start, end, people, named) or summit is not None
            if not framed:
                for meeting_id, mention in named:
                    self._attend_named(start, end, people, meeting_id, mention)
            self._groups(start, end)
            self._alliance_groups(start, end)
            self._partner_phrases(start, end)
            subjects = [person for person, _ in people]
            if subjects:
                self.last_subject = subjects[0]
                self.last_people = subjects
        self._resolve_partner_phrases()

    def _people(self, start: int, end: int) -> list[tuple[str, Mention]]:
        """The people of a sentence, in order: names, surnames, roles and pronouns resolved."""
        found = []
        for mention in self.article.mentions_in(start, end, "official"):
            if mention.entity_id:
                found.append((mention.entity_id, mention))
        for token in self.article.doc[start:end]:
            if token.lower_ in lexicon().pronouns and token.lower_ in ("he", "she"):
                resolved = self._pronoun(token.i, start, end, found)
                if resolved:
                    found.append((resolved, _token_mention(self.article, token.i, resolved)))
            if token.lower_ == "they" and self.last_people:
                for person in self.last_people:
                    found.append((person, _token_mention(self.article, token.i, person)))
        if re.search(r"\b[Tt]he (?:three|two|four) leaders\b", self.article.doc[start:end].text):
            index = next(t.i for t in self.article.doc[start:end] if t.lower_ == "leaders")
            for person in self._leaders_of_last_meeting():
                found.append((person, _token_mention(self.article, index, person)))
        found.sort(key=lambda item: item[1].tok_start)
        return found

    def _pronoun(
        self, index: int, start: int, end: int, named: list[tuple[str, Mention]]
    ) -> str | None:
        """He/she: the subject named after it in the same sentence ("After a meeting he hosted …,
        Stoltenberg announced"), else the subject of the sentences before."""
        doc = self.article.doc
        earlier = [person for person, m in named if m.tok_end <= index]
        if earlier:
            # "Kishida, speaking in Bangkok, where he was attending …": the sentence's subject.
            return earlier[0]
        comma = next((t.i for t in doc[index:end] if t.text == ","), None)
        if comma is not None:
            after = [person for person, m in named if m.tok_start > comma]
            before = [person for person, m in named if index < m.tok_start < comma]
            for person in after:
                if person not in before:
                    return person
        return self.last_subject

    def _leaders_of_last_meeting(self) -> list[str]:
        if self.last_meeting is None:
            return []
        return [
            participant
            for (meeting, participant) in self.attendance
            if meeting == self.last_meeting
            and (
                self.article.knowledge.has("official", participant)
                or ("official", participant) in self.article.new
            )
        ]

    # --- named meetings -----------------------------------------------------------------------

    def _named_meetings(self, start: int, end: int) -> list[tuple[str, Mention]]:
        """Meetings named in the sentence, known ones checked against its date and place."""
        found = []
        doc = self.article.doc
        for mention in self.article.mentions_in(start, end, "meeting"):
            if not mention.entity_id:
                continue
            known = self.article.knowledge.get("meeting", mention.entity_id)
            indefinite = mention.tok_start and doc[mention.tok_start - 1].lower_ in ("a", "an")
            if indefinite and not self._anchored(known, start, end):
                continue
            if not self._compatible(known, mention, end):
                continue
            meeting = self._known_meeting(mention.entity_id, mention, "known-meeting-name")
            found.append((meeting, mention))
        for begin, stop, name, organiser in self._meeting_names(start, end):
            mention = _token_span_mention(self.article, begin, stop)
            meeting_id = self._new_named(name, organiser, begin, stop, start, end)
            found.append((meeting_id, mention))
        return found

    def _anchored(self, known: dict, start: int, end: int) -> bool:
        """An indefinite "a four-way summit" is the known one only if the sentence names its
        parent meeting too."""
        parent = known.get("parent_id")
        return bool(parent) and any(
            m.entity_id == parent for m in self.article.mentions_in(start, end, "meeting")
        )

    def _compatible(self, known: dict, mention: Mention, end: int) -> bool:
        """A known meeting's name beside a date or a city that contradicts it is another
        meeting of the same kind ("the NATO summit" of another year)."""
        date = known.get("date")
        adjacent = self._adjacent_date(mention.tok_end, end)
        if date and adjacent is not None:
            latest = (known.get("end_date") or date)["latest"]
            if adjacent.resolved.latest < date["earliest"] or adjacent.resolved.earliest > latest:
                return False
        city = (known.get("location") or {}).get("city")
        doc = self.article.doc
        if city and mention.tok_end + 1 < end and doc[mention.tok_end].lower_ == "in":
            place = self.article.mention_at(mention.tok_end + 1)
            if place is not None and place.extra.get("capital"):
                return name_key(place.text) == name_key(city)
        return True

    def _meeting_names(self, start: int, end: int) -> list[tuple[int, int, str, str | None]]:
        """New meeting names: a capitalised run before a meeting word ("Camp David summit",
        "Vilnius Summit", "NAC+4 meeting"), and "the meeting of <organisation> …"."""
        doc = self.article.doc
        heads = lexicon().meeting_heads
        found = []
        for token in doc[start:end]:
            if token.lower_ not in heads:
                continue
            covered = self.article.mention_at(token.i)
            if covered is not None and covered.kind == "meeting":
                continue
            begin = token.i
            while begin > start and (
                (
                    (doc[begin - 1].text[:1].isupper() or doc[begin - 1].text[:1].isdigit())
                    and doc[begin - 1].lower_ not in lexicon().not_names
                )
                or (
                    # "Asia-Pacific Economic Cooperation summit": a hyphen inside a name.
                    doc[begin - 1].text == "-"
                    and begin - 2 >= start
                    and not doc[begin - 2].whitespace_
                    and not doc[begin - 1].whitespace_
                    and doc[begin - 2].text[:1].isupper()
                )
            ):
                begin -= 1
            if begin < token.i:
                run = doc[begin : token.i + 1]
                previous = self.article.mention_at(begin)
                organiser = (
                    previous.entity_id
                    if previous and previous.kind == "organisation" and previous.tok_end == token.i
                    else None
                )
                if previous and previous.kind == "organisation" and previous.tok_start < begin:
                    if previous.tok_end != token.i:
                        continue
                    begin, organiser = previous.tok_start, previous.entity_id
                    run = doc[begin : token.i + 1]
                found.append((begin, token.i + 1, run.text, organiser))
                continue
            # "the meeting of NATO Ministers of Foreign Affairs", "a meeting of the North
            # Atlantic Council": named by its organiser.
            if token.i + 2 < end and doc[token.i + 1].lower_ == "of":
                index = token.i + 2
                if doc[index].lower_ in ("the", "new"):
                    index += 1
                if doc[index].lower_ == "new":
                    index += 1
                org = self.article.mention_at(index)
                if org is None or org.kind != "organisation" or not org.entity_id:
                    continue
                stop = org.tok_end
                while stop < end and (
                    doc[stop].text[:1].isupper()
                    or (
                        doc[stop].lower_ == "of"
                        and stop + 1 < end
                        and doc[stop + 1].text[:1].isupper()
                    )
                ):
                    stop += 1
                org_name = doc[index:stop].text
                if doc[token.i + 2].lower_ == "the" or doc[index - 1].lower_ in ("the", "new"):
                    org_name = "the " + org_name
                name = "Meeting of " + org_name
                if doc[token.i - 1].lower_ == "first":
                    name = "First meeting of " + org_name
                found.append((token.i, stop, name, org.entity_id))
        return found

    def _new_named(
        self, name: str, organiser: str | None, begin: int, stop: int, start: int, end: int
    ) -> str:
        key = _meeting_key(name)
        if key in self.by_name:
            meeting = self.meetings[self.by_name[key]]
            meeting.spans.append(_char_span(self.article, begin, stop))
            return meeting.meeting_id
        # "a format known as NAC+4": the alias of a meeting named in the same sentence.
        doc = self.article.doc
        sentence = doc[start:end].text
        known_as = re.search(r"known as ([A-Z][\w+]*)", sentence)
        if known_as:
            alias_id = self.by_name.get(_meeting_key(known_as.group(1)))
            known_id = self.article.knowledge.resolve(known_as.group(1), ["meeting"])
            if alias_id:
                return alias_id
            if known_id:
                return self._known_meeting(known_id[1], None, "known-as")
        place = self._place_meeting(name)
        if place is not None:
            meeting = self.meetings[place]
            meeting.spans.append(_char_span(self.article, begin, stop))
            if name not in meeting.aliases and name_key(name) != name_key(meeting.name):
                meeting.aliases.append(name)
            self.by_name[key] = place
            return place
        date = self._adjacent_date(stop, end)
        words = lexicon()
        kind = None
        lowered = name.lower()
        if "summit" in lowered:
            kind = "summit"
        elif "ministers" in lowered:
            kind = "ministerial"
        elif "council" in lowered:
            kind = "council_meeting"
        elif "conference" in lowered:
            kind = "conference"
        base = _meeting_slug(name)
        meeting_id = self._free(f"{base}-{date.value}" if date else base)
        meeting = MeetingDraft(
            meeting_id=meeting_id,
            known=False,
            name=name[:1].upper() + name[1:],
            spans=[_char_span(self.article, begin, stop)],
            rule="meeting-name",
            confidence=0.75,
            kind=kind,
            date=date,
            organiser=organiser,
            location=self._location(start, end),
        )
        del words
        self.meetings[meeting_id] = meeting
        self.by_name[key] = meeting_id
        self.last_meeting = meeting_id
        return meeting_id

    def _known_meeting(self, meeting_id: str, mention: Mention | None, rule: str) -> str:
        if meeting_id not in self.meetings:
            known = self.article.knowledge.get("meeting", meeting_id) or {}
            self.meetings[meeting_id] = MeetingDraft(
                meeting_id=meeting_id,
                known=True,
                name=known.get("name", meeting_id),
                spans=[],
                rule=rule,
                confidence=0.9,
            )
            for alias in [known.get("name", ""), *known.get("aliases", [])]:
                self.by_name[_meeting_key(alias)] = meeting_id
        if mention is not None:
            self.meetings[meeting_id].spans.append((mention.start, mention.end))
        self.last_meeting = meeting_id
        return meeting_id

    def _adjacent_date(self, stop: int, end: int) -> DatePhrase | None:
        """The date phrase that follows a meeting's name in its clause ("the NAC+4 meeting in
        Brussels on Tuesday", "the Vilnius Summit in July 2023")."""
        doc = self.article.doc
        limit = min(end, stop + 8)
        for index in range(stop, limit):
            if doc[index].text in (",", ";", ".") or doc[index].lower_ in ("and", "when", "to"):
                limit = index
                break
        if limit <= stop:
            return None
        first, last = doc[stop].idx, doc[limit - 1].idx + len(doc[limit - 1].text)
        dates = self.article.dates_in(first, last)
        return dates[0] if dates else None

    def _place_meeting(self, name: str) -> str | None:
        """ "the Vilnius meeting": the meeting of this article held in Vilnius."""
        words = name_key(name).split()
        if len(words) != 2 or words[1] not in lexicon().meeting_heads:
            return None
        for meeting in self.meetings.values():
            if name_key(meeting.location.get("city", "")) == words[0]:
                return meeting.meeting_id
        return None

    def _org_summit(
        self, start: int, end: int, people: list[tuple[str, Mention]]
    ) -> tuple[str, int] | None:
        """An organisation's summit: "the alliance's leaders meet in Vilnius", "the alliance
        opened a two-day summit", "welcomed NATO leaders to …", "the alliance's summit in
        Madrid", "to attend a NATO summit", "The summit, which opened on Tuesday"; its id is the
        house rule's `<organisation>-summit-<year>` (`nato-summit-2022`), or the known one of
        that year. Returns the meeting and the token where the text names it."""
        doc = self.article.doc
        text = doc[start:end].text
        organisation = self._alliance()
        if organisation is None:
            return None
        org = self.article.knowledge.get("organisation", organisation) or {}
        acronym = re.escape(org.get("acronym") or "the alliance")
        sentence_cue = re.search(
            r"\bleaders meet\b|\bopened a (?:[\w-]+ )?summit\b|\bwelcomed (?:\w+ )?leaders\b", text
        )
        named_cue = re.search(
            rf"\b(?:[Tt]he alliance|{acronym})['\u2019]s (?:summit|gathering)\b"
            rf"|\b[Aa] {acronym} summit\b|^[Tt]he summit\b",
            text,
        )
        if sentence_cue is None and named_cue is None:
            return None
        if named_cue is not None and sentence_cue is None:
            at = next(t.i for t in doc[start:end] if t.idx - doc[start].idx >= named_cue.start())
            if doc[at].lower_ == "a" and not self._attending(start, at):
                # "no South Korean leader had attended a NATO summit": not one summit.
                return None
            if text[named_cue.start() :].lower().startswith("the summit"):
                summit = self._last_summit()
                if summit is not None:
                    meeting = self.meetings[summit]
                    meeting.spans.append(_char_span(self.article, at, min(end, at + 2)))
                    opened = re.match(r"[Tt]he summit, which opened (on \w+)", text)
                    dates = self._sentence_dates(start, end)
                    if opened and dates and dates[0].phrase == opened.group(1):
                        if meeting.known:
                            self._date_known(summit, dates[0])
                        elif meeting.date is None or meeting.date.resolved.precision != "day":
                            meeting.date = dates[0]
                    self.last_meeting = summit
                    return summit, at
            stop = at + len(named_cue.group(0).split()) + 1
            adjacent = self._adjacent_date(stop, end)
            date = adjacent if adjacent is not None and adjacent.kind != "relative" else None
        else:
            at = start
            dates = self._sentence_dates(start, end)
            date = (
                min(dates, key=lambda d: {"weekday": 0, "month-day": 0, "month": 1}.get(d.kind, 2))
                if dates
                else None
            )
        year = (date.value if date else self.article.as_of)[:4]
        for meeting_id, known in self.article.knowledge.collections["meetings"].items():
            if (
                known.get("organiser_id") == organisation
                and known.get("kind") == "summit"
                and (known.get("date") or {}).get("value", "")[:4] == year
            ):
                self._known_meeting(meeting_id, None, "known-summit-of-year")
                if named_cue is not None and sentence_cue is None:
                    self.meetings[meeting_id].spans.append(
                        _char_span(self.article, at, min(end, at + len(named_cue.group(0).split())))
                    )
                    self._date_known(meeting_id, date)
                return meeting_id, at
        short = slug(org.get("acronym") or organisation)
        meeting_id = f"{short}-summit-{year}"
        if meeting_id not in self.meetings:
            location = self._location(start, end)
            if "city" not in location and self.article.dateline:
                location = {"city": self.article.dateline[0], "country": self.article.dateline[1]}
            venue = re.search(
                r"\bto the ([A-Z][\w]*(?: [a-z]+)* (?:centre|center|hall|palace))", text
            )
            if venue:
                location = {"name": venue.group(1), **location}
            self.meetings[meeting_id] = MeetingDraft(
                meeting_id=meeting_id,
                known=False,
                name=f"{year} {org.get('acronym') or org.get('name', organisation)} Summit",
                spans=[],
                rule="organisation-summit",
                confidence=0.7,
                kind="summit",
                date=date,
                location=location,
                organiser=organisation,
            )
        meeting = self.meetings[meeting_id]
        if not meeting.location:
            meeting.location = self._location(start, end)
        if sentence_cue is not None:
            meeting.spans.append(_trim(self.article.text, self.sentence_span))
        else:
            cue_end = min(end, at + len(named_cue.group(0).split()))
            location_end = cue_end
            if cue_end + 1 < end and doc[cue_end].lower_ in ("in", "at"):
                place = self.article.mention_at(cue_end + 1)
                if place is not None and place.kind == "country":
                    location_end = place.tok_end
                elif cue_end + 3 < end and doc[cue_end + 1].lower_ == "the":
                    # "in the Lithuanian capital": the capital of the demonym's country.
                    demonym = self.article.mention_at(cue_end + 2)
                    if demonym is not None and doc[demonym.tok_end].lower_ == "capital":
                        country = self.article.knowledge.get("country", demonym.entity_id) or {}
                        if country.get("capital") and "city" not in meeting.location:
                            meeting.location = {
                                "city": country["capital"],
                                "country": demonym.entity_id,
                            }
                        location_end = demonym.tok_end + 1
            meeting.spans.append(_char_span(self.article, at, location_end))
        if meeting.date is None and date is not None:
            meeting.date = date
        host = re.search(r"\bwelcomed (?:\w+ )?leaders\b", text)
        if host:
            verb = next(t.i for t in doc[start:end] if t.lower_ == "welcomed")
            hosts = [p for p, m in people if m.tok_end <= verb]
            if hosts:
                self._attend(
                    meeting_id, hosts[-1], start, end, "welcomed-leaders", 0.8, role="host"
                )
        self.last_meeting = meeting_id
        return meeting_id, at

    def _attending(self, start: int, at: int) -> bool:
        """Whether an indefinite summit is one the sentence puts someone into: an attend verb
        just before it, in a sentence neither negated nor a plan."""
        doc = self.article.doc
        if self._negated(start, at) or unreal(doc[start:at].text):
            return False
        before = " ".join(t.lower_ for t in doc[max(start, at - 4) : at])
        words = lexicon()
        return any(word in before.split() for word in words.attend_words) or any(
            phrase in before for phrase in words.attend_phrases
        )

    def _last_summit(self) -> str | None:
        """ "The summit": the last summit this article told."""
        summits = [
            m.meeting_id
            for m in self.meetings.values()
            if m.kind == "summit"
            or ((self.article.knowledge.get("meeting", m.meeting_id) or {}).get("kind") == "summit")
        ]
        return summits[-1] if summits else None

    def _date_known(self, meeting_id: str, date: DatePhrase | None) -> None:
        """An article's phrase for the day of a known meeting supports its researched date
        (the loader compares dates by value): the draft writes it when it agrees."""
        if date is None:
            return
        known = self.article.knowledge.get("meeting", meeting_id) or {}
        meeting = self.meetings.get(meeting_id)
        if meeting is None or meeting.date is not None:
            return
        if _date_fits(known.get("date"), known.get("end_date"), date) and (
            date.resolved.precision == "day" or not known.get("date")
        ):
            meeting.date = date

    # --- frames -------------------------------------------------------------------------------

    def _frames(
        self,
        start: int,
        end: int,
        people: list[tuple[str, Mention]],
        named: list[tuple[str, Mention]],
    ) -> bool:
        doc = self.article.doc
        words = lexicon()
        if unreal(doc[start:end].text):
            return False
        triggers = self._triggers(start, end)
        if not triggers:
            return False
        framed = False
        first_trigger = triggers[0][0]
        for position, (index, stop, kind, verb) in enumerate(triggers):
            if self._negated(start, index):
                continue
            next_trigger = triggers[position + 1][0] if position + 1 < len(triggers) else end
            before = [(p, m) for p, m in people if m.tok_end <= index]
            after = [(p, m) for p, m in people if stop <= m.tok_start < next_trigger]
            after = [(p, m) for p, m in after if not _clause_break(doc, stop, m.tok_start)]
            # The subject of the sentence's first verb is the subject of the verbs coordinated
            # with it ("is scheduled to call on Yoon and to meet Lee"); "they" is several.
            leading = [(p, m) for p, m in people if m.tok_end <= first_trigger] or before
            subject = (
                [(p, m) for p, m in leading if m.tok_start == leading[-1][1].tok_start]
                if leading
                else []
            )
            if kind == "attend":
                passive = verb == "attended" and index + 1 < end and doc[index + 1].lower_ == "by"
                if passive:
                    # "The summit … is the first attended by Finland": the meeting before.
                    meeting = next((mid for mid, m in reversed(named) if m.tok_start < index), None)
                else:
                    meeting = next((mid for mid, m in named if m.tok_start >= index), None)
                if meeting is None:
                    continue
                participants = (
                    [p for p, _ in before] if verb != "participation" else [p for p, _ in after]
                )
                if verb == "participation":
                    participants = [p for p, m in after if m.tok_start < _first_tok(named, index)]
                if passive:
                    participants = [p for p, _ in after]
                for person in dict.fromkeys(participants):
                    self._attend(meeting, person, start, end, "attend-" + verb, 0.85)
                for side in self._attending_sides(start, end, index, passive):
                    self._attend_side(meeting, side, start, end, "attend-" + verb + "-country")
                self._earlier_summit(start, end, index, participants)
                framed = True
            elif kind == "travel":
                city = self._city_after(stop, next_trigger)
                meeting = self._meeting_at(city, start, end)
                if meeting is None:
                    continue
                for person in dict.fromkeys([p for p, _ in subject] + [p for p, _ in after]):
                    self._attend(meeting, person, start, end, "travelled-to-meeting", 0.7)
                framed = True
            else:
                group = [p for p, _ in subject] + [p for p, _ in after]
                if kind == "their-meeting":
                    group = [p for p, _ in before]
                if verb == "issued a joint statement":
                    group = [p for p, _ in before]
                group = list(dict.fromkeys(group))
                sides = self._leaders_of(stop, next_trigger) if kind == "meet" else []
                if len(group) + len(sides) < 2:
                    continue
                if verb == "issued a joint statement":
                    self._joint_statement(group, start, end, index)
                host = subject[0][0] if subject and verb in words.host_verbs else None
                chair = subject[0][0] if subject and verb in words.chair_verbs else None
                meeting = self._meeting_of(group, start, end, index, named, kind, verb, sides)
                sides = [side for side in sides if side not in group]
                for person in group:
                    self._attend(
                        meeting,
                        person,
                        start,
                        end,
                        f"{kind}-{verb}",
                        0.8,
                        role="host" if person == host else "chair" if person == chair else None,
                    )
                for side in sides:
                    self._attend_side(meeting, side, start, end, f"{kind}-{verb}-leaders-of")
                framed = True
        return framed

    def _triggers(self, start: int, end: int) -> list[tuple[int, int, str, str]]:
        doc = self.article.doc
        words = lexicon()
        found: list[tuple[int, int, str, str]] = []
        text = doc[start:end]
        phrases = [(phrase, "meet") for phrase in words.meet_phrases]
        phrases += [(phrase, "attend") for phrase in words.attend_phrases]
        # The longest phrase wins where two overlap ("held talks with" over "talks with").
        for phrase, kind in sorted(phrases, key=lambda item: -len(item[0].split())):
            tokens = phrase.split()
            for token in text:
                if token.i + len(tokens) > end:
                    break
                if [t.lower_ for t in doc[token.i : token.i + len(tokens)]] != tokens:
                    continue
                if any(token.i < e and s < token.i + len(tokens) for s, e, _, _ in found):
                    continue
                found.append((token.i, token.i + len(tokens), kind, phrase))
        for token in text:
            lowered = token.lower_
            if any(token.i >= s and token.i < e for s, e, _, _ in found):
                continue
            if lowered in ("meeting",) and token.i > start and doc[token.i - 1].lower_ == "their":
                found.append((token.i - 1, token.i + 1, "their-meeting", "their meeting"))
            elif lowered == "meeting" and token.i + 2 < end and doc[token.i + 1].lower_ == "he":
                found.append((token.i, token.i + 3, "meet", "hosted"))
            elif lowered in words.meet_verbs and lowered not in ("meeting",):
                if self.article.mention_at(token.i):
                    continue
                found.append((token.i, token.i + 1, "meet", lowered))
            elif lowered == "joined" and self._joined_for_meeting(token.i, end):
                # "Yoon joined Biden and Kishida for a trilateral meeting": they met.
                found.append((token.i, token.i + 1, "meet", lowered))
            elif lowered in words.attend_words:
                found.append((token.i, token.i + 1, "attend", lowered))
            elif lowered in words.travel_verbs:
                found.append((token.i, token.i + 1, "travel", lowered))
        found.sort()
        return found

    def _joined_for_meeting(self, index: int, end: int) -> bool:
        doc = self.article.doc
        for position in range(index + 1, min(end, index + 14)):
            if doc[position].text in (".", ";"):
                return False
            if doc[position].lower_ == "for" and position + 3 < end:
                following = [t.lower_ for t in doc[position + 1 : position + 4]]
                return following[0] in ("a", "an") and any(
                    word in lexicon().meeting_heads for word in following[1:]
                )
        return False

    def _negated(self, start: int, index: int) -> bool:
        return any(t.lower_ in lexicon().negations for t in self.article.doc[start:index])

    def _attend_named(
        self, start: int, end: int, people: list, meeting_id: str, mention: Mention
    ) -> None:
        """ "in which their leaders exchanged opinions": the known participants the article
        names attended the named meeting."""
        sentence = self.article.doc[start:end].text.lower()
        if "leaders" not in sentence:
            return
        for participant in self.article.knowledge.participants.get(meeting_id, ()):
            if any(m.entity_id == participant for m in self.article.mentions):
                self._attend(meeting_id, participant, start, end, "leaders-of-known-meeting", 0.6)

    def _attending_sides(self, start: int, end: int, index: int, passive: bool) -> list[str]:
        """Countries that attend: "South Korea, a NATO partner since 2006, is attending a NATO
        summit …, along with Japan, Australia and New Zealand", "attended by Finland"."""
        doc = self.article.doc
        sides: list[str] = []
        if passive:
            mention = self.article.mention_at(index + 2)
            if mention is not None and mention.kind == "country" and mention.entity_id:
                sides.append(mention.entity_id)
            return sides
        subject = self.article.mention_at(start)
        if (
            subject is not None
            and subject.kind == "country"
            and subject.entity_id
            and subject.form in ("name", "alias")
            and not any(m.kind == "official" for m in self.article.mentions_in(start, index))
        ):
            sides.append(subject.entity_id)
        for position in range(index, end - 2):
            if doc[position].lower_ == "along" and doc[position + 1].lower_ == "with":
                cursor = position + 2
                while cursor < end:
                    mention = self.article.mention_at(cursor)
                    if mention is not None and mention.kind == "country" and mention.entity_id:
                        sides.append(mention.entity_id)
                        cursor = mention.tok_end
                    elif doc[cursor].lower_ in (",", "and"):
                        cursor += 1
                    else:
                        break
        return list(dict.fromkeys(sides)) if len(sides) > 1 or passive or sides else []

    def _earlier_summit(self, start: int, end: int, index: int, people: list[str]) -> None:
        """ "…, after Madrid last year": the meeting the graph knows in that city that year,
        which the same people attended."""
        doc = self.article.doc
        for position in range(index, end - 2):
            if doc[position].lower_ not in ("after", "since"):
                continue
            place = self.article.mention_at(position + 1)
            if place is None or not place.extra.get("capital"):
                continue
            following = doc[place.tok_end : min(end, place.tok_end + 3)]
            dates = self.article.dates_in(
                following.start_char if len(following) else place.end, following.end_char
            )
            if not dates:
                continue
            for meeting_id, known in self.article.knowledge.collections["meetings"].items():
                city = (known.get("location") or {}).get("city", "")
                if name_key(city) != name_key(place.text) or known.get("parent_id"):
                    continue
                if _date_fits(known.get("date"), known.get("end_date"), dates[0]):
                    self._known_meeting(meeting_id, None, "known-by-place-and-date")
                    for person in people:
                        self._attend(meeting_id, person, start, end, "attended-before", 0.6)
                    return

    def _leaders_of(self, start: int, end: int) -> list[str]:
        """ "with the leaders of Australia, Japan, New Zealand, South Korea and the European
        Union": the countries and organisations whose leaders took part, not named."""
        doc = self.article.doc
        for position in range(start, max(start, end - 2)):
            if [t.lower_ for t in doc[position : position + 3]] != ["the", "leaders", "of"]:
                continue
            sides: list[str] = []
            index = position + 3
            while index < end:
                mention = self.article.mention_at(index)
                if (
                    mention is not None
                    and mention.entity_id
                    and mention.kind in ("country", "organisation")
                    and mention.form != "demonym"
                ):
                    if mention.tok_end < end and doc[mention.tok_end].lower_ in ("'s", "\u2019s"):
                        # "the leaders of NATO's three other partners": an owner, not a side.
                        return []
                    sides.append(mention.entity_id)
                    index = mention.tok_end
                elif doc[index].lower_ in (",", "and", "the"):
                    index += 1
                else:
                    break
            return list(dict.fromkeys(sides))
        return []

    def _attend_side(self, meeting: str, side: str, start: int, end: int, rule: str) -> None:
        """A country or an organisation at a meeting, in the role its membership of the
        article's alliance gives it that day (a partner, an invitee)."""
        root = self._alliance()
        as_of = self._meeting_day(self.meetings[meeting]) if meeting in self.meetings else None
        role = self.article.knowledge.membership_role(side, root, as_of) if root and as_of else None
        if role is None and self.article.knowledge.has("organisation", side):
            role = "partner" if root else None
        attended = {"member": "member", "partner": "partner", "invitee": "invitee"}.get(role or "")
        self._attend(meeting, side, start, end, rule, 0.7, role=attended)

    def _meeting_of(
        self,
        group: list[str],
        start: int,
        end: int,
        index: int,
        named: list[tuple[str, Mention]],
        kind: str,
        verb: str,
        others: list[str] | None = None,
    ) -> str:
        """The meeting of these people: a known one with them all (and a compatible date), one
        already found in this article, or a new one."""
        date = self._date_for(start, end, index)
        for meeting_id, participants in self.article.knowledge.participants.items():
            if set(group) <= participants:
                known = self.article.knowledge.get("meeting", meeting_id) or {}
                if date is None or _date_fits(known.get("date"), known.get("end_date"), date):
                    self._known_meeting(meeting_id, None, "known-by-participants")
                    self._date_known(meeting_id, date)
                    return meeting_id
        for meeting in self.meetings.values():
            if meeting.known:
                continue
            mine = {
                a.participant for a in self.attendance.values() if a.meeting == meeting.meeting_id
            }
            day = meeting.date.value if meeting.date else meeting.date_iso
            if mine and set(group) <= mine and (date is None or day is None or day == date.value):
                return meeting.meeting_id
        parent = next(
            (mid for mid, m in named if m.tok_start > index or kind == "their-meeting"), None
        )
        location = self._location(start, end)
        if parent and not location.get("city"):
            parent_doc = self.article.knowledge.get("meeting", parent) or {}
            parent_location = parent_doc.get("location") or {}
            if parent_location.get("city"):
                location = {"city": parent_location["city"]}
                if parent_location.get("country_id"):
                    location["country"] = parent_location["country_id"]
        place = self._place_after(index, end)
        if place:
            for meeting in self.meetings.values():
                if not meeting.known and _meeting_key(meeting.name).startswith(name_key(place)):
                    if meeting.date is None and meeting.date_iso is None:
                        if date is not None:
                            meeting.date = date
                        elif _present_perfect(self.article.doc[start:end].text):
                            meeting.date_iso = self.article.as_of
                            meeting.notes.append(
                                f"no date in the text: the publication date, {self.article.as_of}"
                            )
                        day = date.value if date else meeting.date_iso
                        if day:
                            self._rename(
                                meeting.meeting_id, self._free(f"{meeting.meeting_id}-{day}")
                            )
                    meeting.location.setdefault("name", place)
                    return meeting.meeting_id
        named_ids = {mid for mid, _ in named}
        if named_ids and kind != "their-meeting" and verb not in ("met", "meet"):
            # "welcomed … to Camp David" beside "Camp David summit": that meeting.
            for meeting_id in named_ids:
                meeting = self.meetings.get(meeting_id)
                if meeting and not meeting.known:
                    return meeting_id
        # The house rule of the seed article (`yoon-stoltenberg-…`, `kim-gunn-geoana-…`): the
        # people of countries first, in the order named, then those of organisations; beyond
        # two people, their sides (`tr-se-nato-…`).
        group = sorted(group, key=lambda person: self._holder(person)[0] is None)
        others = [other for other in others or [] if other not in group]
        if len(group) + len(others) > 2:
            sides = [self._side_code(person) for person in group]
            sides += [
                other.lower()
                if self.article.knowledge.has("country", other)
                else slug(
                    (self.article.knowledge.get("organisation", other) or {}).get("acronym")
                    or other
                )
                for other in others
            ]
            surnames = (
                sides
                if all(sides) and len(set(sides)) == len(sides)
                else [self._short_name(person) for person in group] + [o.lower() for o in others]
            )
        else:
            surnames = [self._short_name(person) for person in group]
        date_iso = None
        relative = self._relative_day(start, end) if date is None else None
        if relative is not None:
            date_iso = relative[0]
        elif date is None and _present_perfect(self.article.doc[start:end].text):
            date_iso = self.article.as_of
        suffix = date.value if date else date_iso
        meeting_id = self._free("-".join([*surnames, suffix] if suffix else surnames))
        names = [self.article.name_of("official", person) for person in group]
        if others:
            names.append(
                "the leaders of "
                + _join(
                    [
                        self.article.name_of(
                            "country"
                            if self.article.knowledge.has("country", other)
                            else "organisation",
                            other,
                        )
                        for other in others
                    ]
                )
            )
        meeting = MeetingDraft(
            meeting_id=meeting_id,
            known=False,
            name="Meeting of " + _join(names),
            spans=[],
            rule=f"{kind}-frame",
            confidence=0.75,
            kind="bilateral" if len(group) + len(others) == 2 else "multilateral",
            date=date,
            date_iso=date_iso,
            location=location,
            parent=parent if parent and parent != meeting_id else None,
        )
        if relative is not None:
            meeting.notes.append(f"{relative[1]!r}: the day of that event, {date_iso}")
        elif date_iso:
            meeting.notes.append(f"no date in the text: the publication date, {date_iso}")
        self.meetings[meeting_id] = meeting
        self.last_meeting = meeting_id
        return meeting_id

    def _rename(self, old: str, new: str) -> None:
        """A meeting's id once its date is known: the house rule puts the date in it."""
        meeting = self.meetings.pop(old)
        meeting.meeting_id = new
        self.meetings[new] = meeting
        for key, value in list(self.by_name.items()):
            if value == old:
                self.by_name[key] = new
        for (meeting_id, participant), attendance in list(self.attendance.items()):
            if meeting_id == old:
                del self.attendance[(meeting_id, participant)]
                attendance.meeting = new
                self.attendance[(new, participant)] = attendance
        if self.last_meeting == old:
            self.last_meeting = new

    def _place_after(self, index: int, end: int) -> str | None:
        """The capitalised place after "to"/"at" that follows a verb ("to Camp David")."""
        doc = self.article.doc
        for token in doc[index:end]:
            if token.lower_ in ("to", "at") and token.i + 1 < end and doc[token.i + 1].is_title:
                stop = token.i + 1
                while stop < end and doc[stop].is_title and self.article.mention_at(stop) is None:
                    stop += 1
                if stop > token.i + 1:
                    return doc[token.i + 1 : stop].text
        return None

    def _holder(self, person: str) -> tuple[str | None, str | None]:
        """On whose behalf a person acts: the post the article gives them, else the one the
        graph knows they held that day."""
        if person in self.holders:
            return self.holders[person]
        for post in self.article.knowledge.posts_in_force(person, self.article.as_of):
            return post.get("country_id"), post.get("organisation_id")
        return None, None

    def _joint_statement(self, group: list[str], start: int, end: int, index: int) -> None:
        """ "he and Prime Minister Fumio Kishida issued a joint statement pledging to …": a
        decision of the organisation among the sides, about the others."""
        sides = [self._holder(person) for person in group]
        bodies = [organisation for country, organisation in sides if organisation and not country]
        if not bodies:
            return
        doc = self.article.doc
        subjects = [country for country, organisation in sides if country]
        what = re.sub(r"^\W*(?:pledging|agreeing|committing)\s+", "", doc[index + 4 : end].text)
        what = what.rstrip(" .")
        date = self._date_for(start, end, index)
        self.decisions.append(
            {
                "id": f"{bodies[0]}-joint-statement-{date.value if date else self.article.as_of}",
                "body": bodies[0],
                "summary": "Joint statement: " + what + "." if what else "Joint statement.",
                "subjects": subjects,
                "date": date,
                "span": _trim(self.article.text, self.sentence_span),
            }
        )

    def _side_code(self, person: str) -> str | None:
        """A person's side in an id: the country's code, or the organisation's acronym."""
        country, organisation = self._holder(person)
        if country:
            return country.lower()
        if organisation:
            org = self.article.knowledge.get("organisation", organisation) or {}
            return slug(org.get("acronym") or organisation)
        return None

    def _short_name(self, person: str) -> str:
        return short_name(self.article, person)

    def _relative_day(self, start: int, end: int) -> tuple[str, str] | None:
        """ "Hours after the launch": the day of the event the text told, with the words."""
        if self.events is None:
            return None
        text = self.article.doc[start:end].text
        match = re.search(
            r"\b(?:[Hh]ours|[Mm]inutes|[Ss]hortly|[Ss]oon|[Mm]oments) after the (\w+)", text
        )
        if match is None or match.group(1).lower() not in lexicon().event_nouns:
            return None
        at = self.article.doc[start].idx + match.start()
        event_id = self.events.latest(lexicon().event_nouns[match.group(1).lower()], at)
        event = next((e for e in self.events.events if e.event_id == event_id), None)
        if event is None or event.date is None or event.date.resolved.precision != "day":
            return None
        return event.date.value, match.group(0)

    def _attend(
        self,
        meeting: str,
        person: str,
        start: int,
        end: int,
        rule: str,
        confidence: float,
        role: str | None = None,
    ) -> None:
        doc = self.article.doc
        span = (doc[start].idx, doc[end - 1].idx + len(doc[end - 1].text))
        key = (meeting, person)
        if key in self.attendance:
            return
        country, organisation = self._holder(person)
        self.attendance[key] = Attendance(
            meeting,
            person,
            _trim(self.article.text, span),
            rule,
            confidence,
            role=role,
            on_behalf_of=organisation if organisation and not country else country,
        )
        self.last_meeting = meeting

    # --- places and dates ---------------------------------------------------------------------

    def _sentence_dates(self, start: int, end: int) -> list[DatePhrase]:
        doc = self.article.doc
        return self.article.dates_in(doc[start].idx, doc[end - 1].idx + len(doc[end - 1].text))

    def _date_for(self, start: int, end: int, index: int) -> DatePhrase | None:
        """The sentence's date phrase (a day before a month before a year), else the previous
        sentence's, if it names a day."""
        dates = self._sentence_dates(start, end)
        if dates:
            rank = {
                "weekday": 0,
                "month-day": 0,
                "same-day": 0,
                "month": 1,
                "year": 2,
                "relative": 2,
            }
            return min(dates, key=lambda d: (rank.get(d.kind, 3), d.start))
        previous = [s for s in self.article.sentences if s[1] <= start]
        if previous:
            before = self._sentence_dates(*previous[-1])
            days = [d for d in before if d.kind in ("weekday", "month-day", "same-day")]
            if days:
                return days[0]
        return None

    def _location(self, start: int, end: int) -> dict:
        doc = self.article.doc
        location: dict = {}
        for mention in self.article.mentions_in(start, end, "country"):
            previous = doc[mention.tok_start - 1].lower_ if mention.tok_start else ""
            if mention.extra.get("capital") and previous in ("in", "to") and "city" not in location:
                location["city"] = mention.text
                location["country"] = self.article.knowledge.capital_of(mention.text)
            elif (
                "city" in location
                and "country_named" not in location
                and previous == ","
                and mention.form in ("name", "alias")
            ):
                location["country"] = mention.entity_id
                location["country_named"] = True
        if "city" not in location:
            for token in doc[start : end - 3]:
                # "in the Spanish capital": the capital of the demonym's country.
                if [t.lower_ for t in doc[token.i : token.i + 2]] != ["in", "the"]:
                    continue
                demonym = self.article.mention_at(token.i + 2)
                if (
                    demonym is not None
                    and demonym.form == "demonym"
                    and demonym.tok_end < end
                    and doc[demonym.tok_end].lower_ == "capital"
                ):
                    country = self.article.knowledge.get("country", demonym.entity_id) or {}
                    if country.get("capital"):
                        location["city"] = country["capital"]
                        location["country"] = demonym.entity_id
                        break
        if "city" not in location:
            for token in doc[start:end]:
                if token.lower_ == "in" and token.i + 1 < end:
                    following = doc[token.i + 1]
                    if (
                        following.is_title
                        and self.article.mention_at(following.i) is None
                        and following.lower_ not in lexicon().not_names
                        and not (
                            following.i + 1 < end
                            and doc[following.i + 1].lower_ in ("'s", "\u2019s")
                        )
                    ):
                        location["city"] = following.text
                        break
        location.pop("country_named", None)
        return {k: v for k, v in location.items() if v}

    def _city_after(self, start: int, end: int) -> str | None:
        doc = self.article.doc
        for token in doc[start:end]:
            if token.lower_ == "to" and token.i + 1 < len(doc) and doc[token.i + 1].is_title:
                return doc[token.i + 1].text
        return None

    def _meeting_at(self, city: str | None, start: int, end: int) -> str | None:
        """The meeting held where they went: one of this article's, else a known one there on
        a compatible date."""
        if city is None:
            return None
        for meeting in self.meetings.values():
            if name_key(meeting.location.get("city", "")) == name_key(city):
                return meeting.meeting_id
            known = self.article.knowledge.get("meeting", meeting.meeting_id) or {}
            if name_key((known.get("location") or {}).get("city", "")) == name_key(city):
                return meeting.meeting_id
        date = self._date_for(start, end, start)
        for meeting_id, known in self.article.knowledge.collections["meetings"].items():
            if name_key((known.get("location") or {}).get("city", "")) != name_key(city):
                continue
            if known.get("parent_id"):
                continue
            if date is not None and _date_fits(known.get("date"), known.get("end_date"), date):
                return self._known_meeting(meeting_id, None, "known-by-place-and-date")
        return None

    def _free(self, meeting_id: str) -> str:
        candidate, number = meeting_id, 2
        while candidate in self.meetings or self.article.knowledge.has("meeting", candidate):
            candidate = f"{meeting_id}-{number}"
            number += 1
        return candidate

    # --- groups -------------------------------------------------------------------------------

    def _groups(self, start: int, end: int) -> None:
        """ "30 NATO members", "the four Asia-Pacific partner countries", "The 30 allies", and
        countries named as attending ("joined by South Korea, Japan …", "Finland and Sweden")."""
        meeting_id = self.last_meeting
        if meeting_id is None:
            return
        doc = self.article.doc
        sentence = doc[start:end]
        lowered = sentence.text.lower()
        held = re.search(r"\bheld (?:a|an|the) ", sentence.text)
        if held:
            # "the four Asia-Pacific partner nations held a four-way summit": the group before
            # the verb attended the meeting after it.
            verb = next(t.i for t in sentence if t.idx - sentence.start_char >= held.start())
            after = [m for m in self.article.mentions_in(verb, end, "meeting") if m.entity_id]
            if not after or after[0].entity_id not in self.meetings:
                return
            meeting_id, end = after[0].entity_id, verb
        elif not any(
            cue in lowered for cue in ("refers to", "joined by", "were joined", "attended by")
        ):
            return
        words = lexicon()
        meeting = self.meetings[meeting_id]
        as_of = self._meeting_day(meeting)
        for token in sentence:
            count = words.number(token.lower_)
            if count is None:
                continue
            group = self._group_at(token.i, end, count)
            if group is not None:
                label_start = (
                    token.i - 1 if token.i > start and doc[token.i - 1].lower_ == "the" else token.i
                )
                label = doc[label_start : group["end"]].text
                expected = (
                    self.article.knowledge.members(group["organisation"], "member", as_of)
                    if as_of
                    else []
                )
                entry = {
                    "label": label,
                    "organisation": group["organisation"],
                    "attended_as": group["attended_as"],
                    "expected_count": count,
                    "span": (
                        doc[label_start].idx,
                        doc[group["end"] - 1].idx + len(doc[group["end"] - 1].text),
                    ),
                }
                if as_of and len(expected) != count:
                    entry["note"] = (
                        f"the graph has {len(expected)} members of {group['organisation']} on "
                        f"{as_of}; the loader will refuse {count} until they are known"
                    )
                if all(g["label"] != label for g in meeting.groups):
                    meeting.groups.append(entry)
        root = self._alliance()
        for mention in self.article.mentions_in(start, end, "country"):
            if mention.form not in ("name", "alias") or not mention.entity_id:
                continue
            if any(g["span"][0] <= mention.start < g["span"][1] for g in meeting.groups):
                continue
            role = (
                self.article.knowledge.membership_role(mention.entity_id, root, as_of)
                if root and as_of
                else None
            )
            attended = {"member": "member", "partner": "partner", "invitee": "invitee"}.get(
                role or ""
            )
            self._attend(
                meeting_id, mention.entity_id, start, end, "named-as-attending", 0.75, role=attended
            )
            self.attendance[(meeting_id, mention.entity_id)].span = _around(
                self.article.text, mention.start, mention.end, self.sentence_span
            )

    def _alliance_groups(self, start: int, end: int) -> None:
        """The alliance's members as a group of a meeting: "the 30-member alliance" and
        "bringing the alliance to 31 members" at the summit the sentence tells, "a meeting of
        the allies" at that meeting."""
        root = self._alliance()
        if root is None:
            return
        org = self.article.knowledge.get("organisation", root) or {}
        acronym = re.escape(org.get("acronym") or "the alliance")
        doc = self.article.doc
        text = doc[start:end].text
        first = doc[start].idx
        patterns = (
            rf"\bthe (?P<count>\w+)-member (?:alliance|{acronym})\b",
            rf"\b(?:the alliance|{acronym}) (?:to|of|now has|has) (?P<count>\w+) members\b",
            r"\ba meeting of the (?P<allies>allies)\b",
        )
        for pattern in patterns:
            for match in re.finditer(pattern, text):
                allies = "allies" in match.groupdict() and match.group("allies")
                if allies:
                    meeting_id = self.last_meeting
                    label = match.group(0).removeprefix("a meeting of ")
                    span = (first + match.start("allies") - 4, first + match.end())
                    count = None
                else:
                    count = lexicon().number(match.group("count"))
                    if count is None:
                        continue
                    meeting_id = self._summit_of(start, end)
                    label, span = match.group(0), (first + match.start(), first + match.end())
                if meeting_id is None or meeting_id not in self.meetings:
                    continue
                meeting = self.meetings[meeting_id]
                if any(g["organisation"] == root for g in meeting.groups):
                    continue
                entry = {
                    "label": label,
                    "organisation": root,
                    "attended_as": "member",
                    "expected_count": count,
                    "span": span,
                }
                as_of = self._meeting_day(meeting)
                if count is not None and as_of:
                    known = self.article.knowledge.members(root, "member", as_of)
                    if len(known) != count:
                        entry["note"] = (
                            f"the graph has {len(known)} members of {root} on {as_of}; the "
                            f"loader will refuse {count} until they are known"
                        )
                meeting.groups.append(entry)

    def _summit_of(self, start: int, end: int) -> str | None:
        """The summit a sentence tells, else the article's last summit."""
        first, last = self.article.doc[start].idx, self.article.doc[end - 1].idx
        for meeting in self.meetings.values():
            summit = meeting.kind == "summit" or (
                (self.article.knowledge.get("meeting", meeting.meeting_id) or {}).get("kind")
                == "summit"
            )
            if summit and any(first <= a <= last for a, _ in meeting.spans):
                return meeting.meeting_id
        return self._last_summit()

    def _partner_phrases(self, start: int, end: int) -> None:
        """ "the leaders of NATO's four Indo-Pacific partners", "NATO's three other
        Asia-Pacific partners": a partnership with a count, whose countries are those of the
        people the text names at the meeting it tells."""
        doc = self.article.doc
        for mention in self.article.mentions_in(start, end, "organisation"):
            org = self.article.knowledge.get("organisation", mention.entity_id or "") or {}
            if org.get("kind") != "partnership":
                continue
            words = [t.lower_ for t in doc[max(start, mention.tok_start - 3) : mention.tok_start]]
            other = "other" in words
            count = next(
                (lexicon().number(w) for w in reversed(words) if lexicon().number(w)), None
            )
            if count is None:
                continue
            label_start = mention.tok_start - len(words)
            while (
                label_start < mention.tok_start
                and lexicon().number(doc[label_start].lower_) is None
            ):
                label_start += 1
            if label_start > start and doc[label_start - 1].lower_ in ("'s", "\u2019s"):
                owner = self.article.mention_at(label_start - 2)
                if owner is not None and owner.entity_id == org.get("parent_id"):
                    label_start = owner.tok_start
            self.partner_phrases.append(
                {
                    "organisation": mention.entity_id,
                    "count": count,
                    "other": other,
                    "span": (doc[label_start].idx, mention.end),
                    "sentence": (start, end),
                }
            )

    def _resolve_partner_phrases(self) -> None:
        """Each counted partnership phrase: the meeting told in its sentence or the next whose
        people's countries number the count (the count and the subject, for "three other"),
        which gets the group when the count is the whole; the countries are its members."""
        sentences = self.article.sentences
        for phrase in self.partner_phrases:
            position = sentences.index(phrase["sentence"])
            first = self.article.doc[phrase["sentence"][0]].idx
            last_sentence = sentences[min(position + 1, len(sentences) - 1)]
            last = self.article.doc[last_sentence[1] - 1].idx
            wanted = phrase["count"] + (1 if phrase["other"] else 0)
            for meeting in self.meetings.values():
                told = [
                    a.span[0] for a in self.attendance.values() if a.meeting == meeting.meeting_id
                ]
                told += [start for start, _ in meeting.spans]
                if not any(first <= at <= last for at in told):
                    continue
                countries = []
                for attendance in self.attendance.values():
                    if attendance.meeting != meeting.meeting_id:
                        continue
                    country, _ = self._holder(attendance.participant)
                    if country and country not in countries:
                        countries.append(country)
                if len(countries) != wanted:
                    continue
                phrase["countries"] = countries
                phrase["meeting"] = meeting.meeting_id
                if not phrase["other"]:
                    label = self.article.text[phrase["span"][0] : phrase["span"][1]]
                    if all(g["label"] != label for g in meeting.groups):
                        meeting.groups.append(
                            {
                                "label": label,
                                "organisation": phrase["organisation"],
                                "attended_as": "member",
                                "expected_count": phrase["count"],
                                "span": phrase["span"],
                            }
                        )
                break

    def _group_at(self, index: int, end: int, count: int) -> dict | None:
        doc = self.article.doc
        stop = index + 1
        while stop < end and doc[stop].text not in (",", ".", "\u2015", "\u2014", ";"):
            stop += 1
            if doc[stop - 1].lower_ in ("members", "countries", "nations", "allies", "partners"):
                break
        words = [t.lower_ for t in doc[index + 1 : stop]]
        if not words:
            return None
        last = words[-1]
        orgs = [m for m in self.article.mentions_in(index + 1, stop, "organisation") if m.entity_id]
        if last == "members" and orgs:
            return {"organisation": orgs[0].entity_id, "attended_as": "member", "end": stop}
        if last == "allies":
            root = self._alliance()
            if root:
                return {"organisation": root, "attended_as": "member", "end": stop}
        if last in ("countries", "nations", "partners") and "partner" in " ".join(words):
            partnership = self._partnership(" ".join(words))
            if partnership:
                return {"organisation": partnership, "attended_as": "partner", "end": stop}
        return None

    def _partnership(self, words: str) -> str | None:
        """The partnership a phrase names by its distinctive words ("Asia-Pacific partner")."""
        key = name_key(words)
        root = self._alliance()
        for org_id, org in self.article.knowledge.collections["organisations"].items():
            if org.get("kind") != "partnership" or (root and org.get("parent_id") != root):
                continue
            for name in [org["name"], *org.get("aliases", [])]:
                distinctive = [
                    w
                    for w in name_key(name).split()
                    if w not in ("nato", "partners", "partner", "s", root or "")
                ]
                if distinctive and all(w in key.split() for w in distinctive):
                    return org_id
        return None

    def _alliance(self) -> str | None:
        """The alliance the article is about: the one it names most."""
        counts: dict[str, int] = {}
        for mention in self.article.mentions:
            if mention.kind == "organisation" and mention.entity_id:
                org = self.article.knowledge.get("organisation", mention.entity_id) or {}
                if org.get("kind") == "alliance":
                    counts[mention.entity_id] = counts.get(mention.entity_id, 0) + 1
        return max(counts, key=counts.get) if counts else None

    def _meeting_day(self, meeting: MeetingDraft) -> str | None:
        if meeting.date is not None:
            return meeting.date.resolved.earliest
        known = self.article.knowledge.get("meeting", meeting.meeting_id) or {}
        return (known.get("date") or {}).get("earliest") or self.article.as_of

    # --- proposals ----------------------------------------------------------------------------

    def propose(self, draft: Draft) -> None:
        for decision in self.decisions:
            fields = {key: value for key, value in decision.items() if key != "span" and value}
            draft.add(
                Proposal(
                    "decisions",
                    (decision["body"], decision["date"].value if decision["date"] else None),
                    fields,
                    [decision["span"]],
                    "joint-statement",
                    0.6,
                    notes=["new decision: check the body and the summary"],
                )
            )
        for meeting in self.meetings.values():
            spans = (
                meeting.spans
                or [a.span for a in self.attendance.values() if a.meeting == meeting.meeting_id][:1]
            )
            if meeting.known:
                known = self.article.knowledge.get("meeting", meeting.meeting_id) or {}
                fields: dict = {"id": meeting.meeting_id, "name": known.get("name")}
                if meeting.date is not None:
                    # The article's words for the day the graph knows: one more phrase for it.
                    fields["date"] = meeting.date
                if meeting.groups:
                    fields["groups"] = meeting.groups
                if spans:
                    draft.add(
                        Proposal(
                            "meetings",
                            (meeting.meeting_id,),
                            fields,
                            spans,
                            meeting.rule,
                            meeting.confidence,
                            known=True,
                            notes=["known meeting: this adds a source"],
                        )
                    )
                continue
            fields = {"id": meeting.meeting_id, "name": meeting.name}
            if meeting.aliases:
                fields["aliases"] = meeting.aliases
            if meeting.kind:
                fields["kind"] = meeting.kind
            if meeting.organiser:
                fields["organiser"] = meeting.organiser
            if meeting.parent:
                fields["parent"] = meeting.parent
            if meeting.date is not None:
                fields["date"] = meeting.date
            elif meeting.date_iso:
                fields["date"] = meeting.date_iso
            if meeting.location:
                fields["location"] = meeting.location
            if meeting.groups:
                fields["groups"] = meeting.groups
            if not spans:
                continue
            draft.add(
                Proposal(
                    "meetings",
                    (meeting.meeting_id,),
                    fields,
                    spans,
                    meeting.rule,
                    meeting.confidence,
                    notes=["new meeting", *meeting.notes],
                )
            )
        for attendance in self.attendance.values():
            fields = {"meeting": attendance.meeting, "participant": attendance.participant}
            known_document = self.article.knowledge.participation(
                attendance.meeting, attendance.participant
            )
            known = known_document is not None
            if known:
                # The graph's participation keeps its role and side: restating them otherwise
                # would be a conflict, not a second source.
                attendance.role = known_document.get("role")
                attendance.on_behalf_of = (known_document.get("on_behalf_of") or {}).get("id")
            if attendance.role and attendance.role != "participant":
                fields["role"] = attendance.role
            elif known:
                fields["role"] = "participant"
            if attendance.on_behalf_of:
                fields["on_behalf_of"] = attendance.on_behalf_of
            draft.add(
                Proposal(
                    "participations",
                    (attendance.meeting, attendance.participant),
                    fields,
                    [attendance.span],
                    attendance.rule,
                    attendance.confidence,
                    known=known,
                    notes=["known participation: this adds a source"] if known else [],
                )
            )


# --- helpers ------------------------------------------------------------------------------------


def _meeting_key(name: str) -> str:
    key = name_key(name.replace("+", " plus "))
    for word in ("the ", "a "):
        key = key.removeprefix(word)
    return key.removesuffix(" meeting").strip()


def _meeting_slug(name: str) -> str:
    """ "NAC+4 meeting" is `nac-plus-4`: the house rule writes "+" as "plus", and a date
    follows, so a trailing "meeting" says nothing."""
    return slug(_meeting_key(name)) or "meeting"


def _date_fits(date: dict | None, end_date: dict | None, phrase: DatePhrase) -> bool:
    if not date:
        return True
    latest = (end_date or date)["latest"]
    return not (phrase.resolved.latest < date["earliest"] or phrase.resolved.earliest > latest)


def _present_perfect(sentence: str) -> bool:
    return bool(re.search(r"\b(?:has|have)\s+\w+ed\b", sentence))


def _clause_break(doc, start: int, index: int) -> bool:
    """Whether a new clause starts between a verb and a name: a period, or a comma that does
    not continue a list of names (", while …", ", and the …")."""
    for token in doc[start:index]:
        if token.text in _CLAUSE_END:
            return True
        if token.text == "," and token.i + 1 < len(doc):
            following = doc[token.i + 1]
            if following.lower_ in ("while", "which", "who", "where", "when", "but", "as"):
                return True
    return False


def _first_tok(named: list[tuple[str, Mention]], index: int) -> int:
    after = [m.tok_start for _, m in named if m.tok_start >= index]
    return min(after) if after else 10**9


def _join(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _trim(text: str, span: tuple[int, int]) -> tuple[int, int]:
    start, end = span
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _around(text: str, start: int, end: int, sentence: tuple[int, int]) -> tuple[int, int]:
    """A short quote around a mention: its clause, between the nearest commas or dashes."""
    left = max(text.rfind(mark, sentence[0], start) for mark in (",", "\u2015", "\u2014", " by "))
    right_candidates = [
        position
        for mark in (",", "\u2015", "\u2014", ".")
        if (position := text.find(mark, end, sentence[1])) >= 0
    ]
    right = min(right_candidates) if right_candidates else sentence[1]
    left = sentence[0] if left < 0 else left + 1
    return _trim(text, (left, right))


def _char_span(article: Article, begin: int, stop: int) -> tuple[int, int]:
    span = article.doc[begin:stop]
    return span.start_char, span.end_char


def _token_mention(article: Article, index: int, entity_id: str) -> Mention:
    token = article.doc[index]
    return Mention(
        token.idx,
        token.idx + len(token.text),
        index,
        index + 1,
        token.text,
        "official",
        entity_id,
        "pronoun",
        True,
        "pronoun",
        0.5,
    )


def _token_span_mention(article: Article, begin: int, stop: int) -> Mention:
    span = article.doc[begin:stop]
    return Mention(
        span.start_char,
        span.end_char,
        begin,
        stop,
        span.text,
        "meeting",
        None,
        "new",
        False,
        "meeting-name",
        0.7,
    )
