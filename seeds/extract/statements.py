"""Statements: who said what, of what kind, about whom, where and when.

A statement is read from a verb of speech and its subject: "Harris told reporters", "Kishida …
called the launch absolutely unacceptable and said Japan had lodged a strong protest", "…, South
Korea's Joint Chiefs of Staff said", "the six leaders called the launch a brazen violation". The
verb gives the kind (`seeds/extract/lexicon.yaml`: "condemned", "urged" is `called_for`,
"expressed concern" is `warned`); a judgement refines a neutral verb ("called the launch
absolutely unacceptable" condemns), and so does a first-person verb in a direct quotation ("We
strongly condemn these actions," Harris told reporters). A sentence that is only a quotation
goes on with the speaker before it.

The subject is a person (by name, family name, title or pronoun), a country ("China and Russia
resisted"), an organisation, or a group ("the six leaders", "Both sides", "The three
governments"): the people, or their countries, of the meeting the text is telling. Coordinated
verbs share their subject; a verb inside another's complement has its own ("Stoltenberg
announced that Erdoğan had agreed" is two statements), unless that subject is the speaker's own
side ("said Japan had lodged a strong protest" is Kishida protesting). "…, his spokesperson
said" after a statement only relays it: the speaker is who spoke.

- `on_behalf_of` is the side each speaker's post gives them (a minister's country, a secretary
  general's organisation), an organisation's country, nothing for a country.
- `about` is what the words name besides the speakers and their sides: countries (by name, alias
  or metonym: "Pyongyang"), organisations, people, meetings, and the events of this article
  ("the launch"). Places where something happened ("in Brussels") are not what it is about.
- `meeting` is the meeting where it was said: one the sentence tells with its speakers, else the
  last one told before it, in its paragraph or the one before, that they all attended.
- `date` is the sentence's date phrase; else the meeting's day; else a day phrase of the
  sentence before in the same paragraph; else none. The publication date is not written in: it
  only bounds the day (reported speech is often days old: a Tuesday wire quoting Friday's words).
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from functools import cached_property

from seeds.extract.events import EventReader
from seeds.extract.lexicon import lexicon
from seeds.extract.linking import Article
from seeds.extract.meetings import MeetingReader
from seeds.extract.proposals import Draft, Proposal
from seeds.extract.when import DatePhrase
from seeds.references import slug

_POSSESSIVES = {"his", "her", "its", "their"}
_QUOTES = '"\u201c\u201d'
# Words that open a sentence with an adverbial before its subject ("On Saturday, …").
_OPENERS = {
    "on",
    "in",
    "at",
    "according",
    "after",
    "hours",
    "later",
    "earlier",
    "also",
    "speaking",
    "while",
    "during",
    "meanwhile",
    "then",
    "recalling",
}
_PREPOSITIONS = {"in", "at", "to", "from", "with", "by", "of", "for", "on", "into", "against"}
_FIRST_PERSON = re.compile(r"\b(?:I|We|we)\s+(?:\w+ly\s+)?(?P<verb>[a-z]+)\b")
_PRESENT_PERFECT = re.compile(r"\b(?:has|have)\s+(?:\w+ly\s+)?\w+ed\b")
_NUMBERS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "both": 2}
_NUMBER_HEADS = {"two", "three", "four", "five", "six", "seven"}


@dataclass
class Speaker:
    """Who speaks: entity ids of one kind group, where the text names them, and how."""

    ids: list[str]
    start: int  # token index of the subject's first word
    end: int
    how: str  # mention, group, pronoun, continued


@dataclass
class StatementDraft:
    speakers: list[str]
    kind: str
    verb: int  # token index
    span: tuple[int, int]
    content: tuple[int, int]  # characters of what was said
    rule: str
    confidence: float
    sentence: tuple[int, int]
    spans: list[tuple[int, int]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    inverted: bool = False


class StatementReader:
    def __init__(
        self, article: Article, draft: Draft, meetings: MeetingReader, events: EventReader
    ) -> None:
        self.article = article
        self.draft = draft
        self.meetings = meetings
        self.events = events
        self.statements: list[StatementDraft] = []
        self.words = lexicon()

    # --- reading --------------------------------------------------------------------------------

    def read(self) -> None:
        for start, end in self.article.sentences:
            self._continued = False
            found = self._sentence(start, end)
            if not found and not self._continued:
                self._quotation(start, end)
            self.statements.extend(found)

    def _sentence(self, start: int, end: int) -> list[StatementDraft]:
        doc = self.article.doc
        found: list[StatementDraft] = []
        for index, stop, kind in self._verbs(start, end):
            speaker = self._speaker(index, start, found)
            if speaker is None or not speaker.ids:
                self._undecided(index, start)
                continue
            inverted = self._inverted(speaker, index, end)
            if inverted and found and speaker.how != "continued":
                # "…, his spokesperson said": the words are the statement's already told.
                continue
            if inverted and not found and self._goes_on(speaker, start, end):
                continue
            outer = next(
                (s for s in reversed(found) if s.content[0] <= doc[index].idx < s.content[1]),
                None,
            )
            if outer is not None and speaker.how == "mention":
                sides = set(self._sides(outer.speakers))
                if set(speaker.ids) <= sides:
                    # "Kishida … said Japan had lodged a strong protest": Kishida protesting.
                    outer.kind = kind if outer.kind == "said" else outer.kind
                    continue
            kind = self._refine(kind, index, stop, end)
            if (
                speaker.how == "group"
                and kind == "said"
                and self._goes_on_group(speaker, start, end)
            ):
                continue
            # The quote: the whole sentence for words before their speaker, else from the
            # subject (or, for a coordinated verb, the verb) to the end of its clause.
            first_char = doc[start].idx if inverted else doc[min(speaker.start, index)].idx
            last = self._clause_end(index, end, inverted)
            span = _trim(self.article.text, (first_char, _end_char(self.article, last)))
            content = (
                (doc[start].idx, doc[speaker.start].idx)
                if inverted
                else (doc[stop].idx if stop < len(doc) else span[1], span[1])
            )
            found.append(
                StatementDraft(
                    speakers=speaker.ids,
                    kind=kind,
                    verb=index,
                    span=span,
                    content=content,
                    rule=f"speech-{speaker.how}",
                    confidence=0.7 if speaker.how == "mention" else 0.55,
                    sentence=(doc[start].idx, _end_char(self.article, end)),
                    inverted=inverted,
                )
            )
        # A statement ends where a coordinated one begins ("called … and said …").
        for current, following in itertools.pairwise(found):
            inside = current.span[0] < following.span[0] < current.span[1]
            if inside and not self._embedded(following):
                cut = self.article.text.rfind(" and", current.span[0], following.span[0])
                stop = cut if cut > current.span[0] else following.span[0]
                current.span = _trim(self.article.text, (current.span[0], stop))
                current.span = _strip_tail(self.article.text, current.span)
                current.content = (current.content[0], min(current.content[1], stop))
        return found

    def _undecided(self, index: int, start: int) -> None:
        """A verb of speech whose subject names someone the text does not decide ("The
        minister had promised", "Landsbergis warned" beside two Landsbergis): flagged."""
        doc = self.article.doc
        position = index - 1
        while position >= start and doc[position].lower_ in self.words.speech_adverbs:
            position -= 1
        mention = self.article.mention_at(position) if position >= start else None
        if mention is None or mention.kind != "official":
            return
        if mention.ambiguous or not mention.entity_id:
            self.draft.flags.append(
                f"{mention.text!r} at [{mention.start}:{mention.end}] {doc[index].text} "
                "something, but who is not decided: no statement was proposed for it. Add it "
                "once you know the speaker."
            )

    def _goes_on(self, speaker: Speaker, start: int, end: int) -> bool:
        """ "“At the end of the day, it's a decision for you to make,” he said.": a quotation
        after the same speaker's statement in the same paragraph is more of its words."""
        doc = self.article.doc
        text = doc[start:end].text
        if not text or text[0] not in _QUOTES or not self.statements:
            return False
        previous = self.statements[-1]
        at = doc[start].idx
        if previous.speakers != speaker.ids or "\n" in self.article.text[previous.span[1] : at]:
            return False
        if any(
            self.words.first_person_verbs.get(match.group("verb"))
            for match in _FIRST_PERSON.finditer(text)
        ):
            return False
        previous.spans.append(_trim(self.article.text, (at, _end_char(self.article, end))))
        self._continued = True
        return True

    def _goes_on_group(self, speaker: Speaker, start: int, end: int) -> bool:
        """ "The leaders … condemned the launch. The four said it was totally unacceptable.":
        what a group says next, in the same paragraph, is more of its joint statement."""
        if not self.statements:
            return False
        previous = self.statements[-1]
        at = self.article.doc[start].idx
        if set(previous.speakers) != set(speaker.ids) or previous.inverted:
            return False
        between = [a for a, _ in self._sentence_chars_list if previous.span[1] <= a < at]
        if len(between) > 1:
            return False
        previous.spans.append(_trim(self.article.text, (at, _end_char(self.article, end))))
        self._continued = True
        return True

    def _embedded(self, inner: StatementDraft) -> bool:
        """Whether a statement is reported inside another's words ("announced that X had
        agreed"): its own subject, right after "that"."""
        before = self.article.text[max(0, inner.span[0] - 12) : inner.span[0]].split()
        return inner.rule == "speech-mention" and "that" in before[-2:]

    def _verbs(self, start: int, end: int) -> list[tuple[int, int, str]]:
        """Verbs and phrases of speech in a sentence: (token, token after it, kind)."""
        doc = self.article.doc
        found: list[tuple[int, int, str]] = []
        index = start
        while index < end:
            token = doc[index]
            phrase = self._phrase_at(index, end)
            if phrase is not None:
                found.append((index, index + phrase[0], phrase[1]))
                index += phrase[0]
                continue
            kind = self.words.speech_verbs.get(token.lower_)
            if kind is not None and self._finite(index, start, end):
                found.append((index, index + 1, kind))
            index += 1
        return found

    def _phrase_at(self, index: int, end: int) -> tuple[int, str] | None:
        doc = self.article.doc
        for words, kind in self.words.speech_phrases.items():
            if index + len(words) > end:
                continue
            tokens = [t.lower_ for t in doc[index : index + len(words)]]
            if all(
                t == w or (w in _POSSESSIVES and t in _POSSESSIVES)
                for t, w in zip(tokens, words, strict=True)
            ):
                return len(words), kind
        return None

    def _finite(self, index: int, start: int, end: int) -> bool:
        """A verb of speech used as one: not an infinitive ("to meet"), not a passive ("was
        agreed"), not a host's welcome ("welcomed NATO leaders to the Litexpo centre"), not a
        name ("a format called NAC+4")."""
        doc = self.article.doc
        token = doc[index]
        if self.article.mention_at(index) is not None:
            # "the United States": a name, not a verb.
            return False
        previous = doc[index - 1].lower_ if index > start else ""
        if previous in ("to", "was", "were", "been", "be", "being", "so", "the", "a"):
            return False
        if token.lower_ in ("welcomed", "welcomes") and self._hosting(index, end):
            return False
        if token.lower_ == "called":
            # "called for …", "called the launch unacceptable"; not "a format called NAC+4"
            # nor "called on President Yoon" (a visit).
            following = doc[index + 1].lower_ if index + 1 < end else ""
            return following == "for" or (following != "on" and bool(self._judgement(index, end)))
        return True

    def _hosting(self, index: int, end: int) -> bool:
        """ "welcomed NATO leaders to the Litexpo exhibition centre", "has welcomed Yoon and
        Kishida to Camp David": a host receiving guests, not a welcome said."""
        doc = self.article.doc
        for position in range(index + 1, end):
            token = doc[position]
            if token.text in (".", ";") or token.lower_ in ("that", "as"):
                return False
            if token.lower_ == "to" and position + 1 < end:
                guests = doc[index + 1 : position]
                people = any(
                    (m := self.article.mention_at(t.i)) is not None
                    and m.kind == "official"
                    and not (m.tok_end < end and doc[m.tok_end].lower_ in ("'s", "\u2019s"))
                    for t in guests
                )
                return people or any(t.lower_ in ("leaders", "guests") for t in guests)
        return False

    def _judgement(self, index: int, end: int) -> str | None:
        doc = self.article.doc
        for token in doc[index + 1 : min(end, index + 14)]:
            if token.text in (".", ";") or token.lower_ == "and":
                break
            kind = self.words.judgements.get(token.lower_)
            if kind:
                return kind
        return None

    def _refine(self, kind: str, index: int, stop: int, end: int) -> str:
        """A neutral verb takes the kind of its judgement or of a first-person verb quoted."""
        doc = self.article.doc
        if doc[index].lower_ in ("called", "described"):
            if doc[index].lower_ == "called" and index + 1 < end and doc[index + 1].lower_ == "for":
                return "called_for"
            return self._judgement(index, end) or "said"
        if kind != "said":
            return kind
        content = doc[stop:end].text
        if re.search(r"\bthreat(?:s|en|ened|ens|ening)?\b", content):
            # "said North Korea's actions recklessly threatened the security of the region".
            return "warned"
        if re.search(r"\b(?:would|will)\s+(?!be\b|have\b)[a-z]+", content):
            # "said the United States would propose a presidential statement".
            return "announced"
        sentence_start, _ = self.article.sentence_of(index)
        text = doc[sentence_start:end].text
        if any(mark in text for mark in _QUOTES):
            for match in _FIRST_PERSON.finditer(text):
                refined = self.words.first_person_verbs.get(match.group("verb"))
                if refined:
                    return refined
        return kind

    # --- who speaks -----------------------------------------------------------------------------

    def _speaker(self, index: int, start: int, found: list[StatementDraft]) -> Speaker | None:
        doc = self.article.doc
        position = index - 1
        while position >= start and doc[position].lower_ in self.words.speech_adverbs:
            position -= 1
        if position < start:
            return None
        if doc[position].lower_ == "and" or (
            doc[position].text == "," and position > start and doc[position - 1].lower_ == "and"
        ):
            if found:
                return Speaker(found[-1].speakers, index, index, "continued")
            return self._sentence_subject(start, index)
        adjacent = self._subject_ending_at(position, start)
        if adjacent is not None:
            return adjacent
        if doc[position].text == "," and position - 1 >= start:
            # "China's ambassador, Zhang Jun, said": the name set off before the verb.
            person = self.article.mention_at(position - 1)
            if (
                person is not None
                and person.kind == "official"
                and person.entity_id
                and not person.ambiguous
                and person.tok_end == position
                and person.tok_start > start
                and doc[person.tok_start - 1].text == ","
            ):
                return Speaker([person.entity_id], person.tok_start, position, "mention")
        if doc[position].text == ",":
            # "X, for his part, welcomed …", "Kishida, speaking in Bangkok, …, called …".
            return self._sentence_subject(start, index)
        return None

    def _subject_ending_at(self, position: int, start: int) -> Speaker | None:
        """The subject that ends at a token: named entities joined by "and" and commas, a group
        ("the six leaders"), or a pronoun."""
        doc = self.article.doc
        token = doc[position]
        if token.lower_ in ("he", "she"):
            person = self._pronoun(position)
            return Speaker([person], position, position + 1, "pronoun") if person else None
        if token.lower_ == "they":
            if position > start and doc[position - 1].lower_ in ("what", "which", "that"):
                return None
            if self.statements and len(self.statements[-1].speakers) > 1:
                # "The four said …. They also agreed …": the group that spoke last.
                return Speaker(self.statements[-1].speakers, position, position + 1, "group")
            people = self._people_of_meeting(doc[position].idx, None)
            return Speaker(people, position, position + 1, "group") if people else None
        group = self._group_ending_at(position, start)
        if group is not None:
            return group
        ids: list[str] = []
        first = position + 1
        cursor = position
        kinds: set[str] = set()
        listed = False  # "X, Y and Z": commas list names only before an "and"
        while cursor >= start:
            mention = self.article.mention_at(cursor)
            if (
                mention is None
                or not mention.entity_id
                or mention.tok_end != cursor + 1
                or mention.kind not in ("official", "country", "organisation")
                or mention.form == "demonym"
                or mention.ambiguous
            ):
                break
            group = "official" if mention.kind == "official" else "body"
            if kinds and group not in kinds:
                break
            if mention.tok_start > start and doc[mention.tok_start - 1].lower_ in _PREPOSITIONS:
                if not ids:
                    return None
                break
            ids.insert(0, mention.entity_id)
            kinds.add(group)
            first = mention.tok_start
            cursor = mention.tok_start - 1
            if cursor >= start and doc[cursor].lower_ in ("'s", "\u2019s"):
                # "Seoul's foreign ministry said": the owner is not a second speaker.
                break
            if cursor >= start and (
                doc[cursor].lower_ == "and" or (doc[cursor].text == "," and listed)
            ):
                listed = listed or doc[cursor].lower_ == "and"
                cursor -= 1
                continue
            break
        if not ids:
            return None
        if first > start and doc[first - 1].lower_ in ("what", "which"):
            return None
        return Speaker(list(dict.fromkeys(ids)), first, position + 1, "mention")

    def _group_ending_at(self, position: int, start: int) -> Speaker | None:
        """ "the six leaders", "Both sides", "The three governments", "The four", "The two",
        "The leaders of NATO's four Indo-Pacific partners"."""
        doc = self.article.doc
        head = doc[position].lower_
        first = position
        complement_start = None
        # "The leaders of NATO's four Indo-Pacific partners": the head before "of".
        for candidate in range(position, max(start, position - 8) - 1, -1):
            if doc[candidate].lower_ == "of" and candidate > start:
                if doc[candidate - 1].lower_ in self.words.group_heads:
                    complement_start = candidate
                    head = doc[candidate - 1].lower_
                    first = candidate - 1
                break
            if doc[candidate].text in (",", ".", ";"):
                break
        if head not in self.words.group_heads and head not in _NUMBER_HEADS:
            return None
        what = self.words.group_heads.get(head, "people")
        count = None
        if complement_start is not None:
            # "The leaders of NATO's four Indo-Pacific partners": the count of the complement.
            words = [t.lower_ for t in doc[complement_start : position + 1]]
            count = next((_NUMBERS[w] for w in words if w in _NUMBERS), None)
        cursor = first - 1
        if cursor >= start and (doc[cursor].lower_ in _NUMBERS or doc[cursor].like_num):
            word = doc[cursor].lower_
            count = _NUMBERS.get(word) or (int(word) if word.isdigit() else None)
            cursor -= 1
        elif head in _NUMBER_HEADS and count is None:
            count = _NUMBERS[head]
        if cursor >= start and doc[cursor].lower_ in ("the", "both", "all"):
            if doc[cursor].lower_ == "both":
                count = 2
            cursor -= 1
        elif head in _NUMBER_HEADS:
            return None
        if cursor >= start and doc[cursor].lower_ in _PREPOSITIONS:
            # The group must open its clause: "with the leaders of …" is not a subject.
            return None
        at = doc[first].idx
        if what == "countries":
            people = self._people_of_meeting(at, None)
            ids = self._sides(people, countries_only=True)
            if count is not None and len(ids) != count:
                return None
        else:
            ids = self._people_of_meeting(at, None, count)
        if len(ids) < 2:
            return None
        return Speaker(ids, cursor + 1, position + 1, "group")

    def _sentence_subject(self, start: int, before: int) -> Speaker | None:
        """The subject a sentence opens with, after an opening adverbial ("On Saturday, …",
        "According to a White House statement, …")."""
        doc = self.article.doc
        position = start
        dash = next(
            (t.i for t in doc[start : min(before, start + 6)] if t.text in ("--", "\u2014")),
            None,
        )
        if dash is not None and doc[start].is_upper:
            # "VILNIUS -- The leaders …": a dateline, then the sentence.
            position = dash + 1
        if doc[position].lower_ in _OPENERS:
            comma = next((t.i for t in doc[start:before] if t.text == ","), None)
            if comma is None:
                return None
            position = comma + 1
        # The subject runs up to the first comma or verb: find where it ends.
        end = position
        while end < before and doc[end].text not in (",", ";"):
            end += 1
        for stop in range(end, position, -1):
            speaker = self._subject_ending_at(stop - 1, position)
            if speaker is not None and self._only_titles(position, speaker.start):
                return speaker
            mention = self.article.mention_at(stop - 1)
            if (
                mention is not None
                and mention.tok_start == position
                and mention.entity_id
                and mention.kind in ("official", "country", "organisation")
                and mention.form != "demonym"
            ):
                return Speaker([mention.entity_id], position, stop, "mention")
        return None

    def _only_titles(self, start: int, end: int) -> bool:
        """Whether the words before a subject only say who it is ("Japanese Prime Minister",
        "U.S. Ambassador", "The")."""
        doc = self.article.doc
        titled = {i for t in self.article.titles for i in range(t.tok_start, t.tok_end)}
        for index in range(start, end):
            mention = self.article.mention_at(index)
            if index in titled or doc[index].lower_ in ("the", "'s", "\u2019s"):
                continue
            if mention is not None and mention.kind in ("country", "organisation"):
                continue
            return False
        return True

    def _inverted(self, speaker: Speaker, index: int, end: int) -> bool:
        """ "…, X said." / "“…,” he said": the words come before their speaker, who is
        followed by a neutral verb and at most a short tail ("told reporters at the start of
        the talks", "said in a statement on Friday"), not by what was said."""
        doc = self.article.doc
        if speaker.how == "continued" or speaker.start == 0:
            return False
        if self.words.speech_verbs.get(doc[index].lower_) != "said":
            return False
        before = doc[speaker.start - 1]
        if before.text not in (",",) and before.text not in _QUOTES:
            return False
        sentence_start, _ = self.article.sentence_of(index)
        tail = [t.lower_ for t in doc[index + 1 : end] if not t.is_punct]
        if "that" in tail or len(tail) > 9:
            return False
        return speaker.start - 1 > sentence_start + 2

    def _pronoun(self, position: int) -> str | None:
        """He or she: the last person who spoke, in this paragraph; else the last named."""
        at = self.article.doc[position].idx
        paragraph = self.article.text.rfind("\n", 0, at)
        for statement in reversed(self.statements):
            if statement.span[0] < at and statement.span[0] > paragraph:
                people = [s for s in statement.speakers if self._is_person(s)]
                if len(people) == 1:
                    return people[0]
        people = [
            m
            for m in self.article.mentions
            if m.kind == "official" and m.entity_id and m.end <= at and not m.ambiguous
        ]
        return people[-1].entity_id if people else None

    def _is_person(self, entity_id: str) -> bool:
        return self.article.knowledge.has("official", entity_id) or (
            ("official", entity_id) in self.article.new
        )

    # --- meetings and sides ---------------------------------------------------------------------

    @cached_property
    def _places(self) -> list[tuple[int, str]]:
        """Where each meeting of the draft is told: (character, meeting id)."""
        told = []
        for meeting in self.meetings.meetings.values():
            told += [(start, meeting.meeting_id) for start, _ in meeting.spans]
        for attendance in self.meetings.attendance.values():
            told.append((attendance.span[0], attendance.meeting))
        return sorted(told)

    def _sentence_meeting(self, at: int) -> str | None:
        """The meeting a sentence itself tells, if one."""
        start, end = self._sentence_chars(at)
        inside = [mid for position, mid in self._places if start <= position < end]
        return inside[-1] if inside else None

    def _sentence_chars(self, at: int) -> tuple[int, int]:
        index = next((t.i for t in self.article.doc if t.idx >= at), len(self.article.doc) - 1)
        start, end = self.article.sentence_of(index)
        return self.article.doc[start].idx, _end_char(self.article, end)

    def _people_of_meeting(
        self, at: int, meeting: str | None, count: int | None = None
    ) -> list[str]:
        """The people of the meeting a group names: one told in this sentence, else in the
        next ("The leaders of NATO's four partners met …. Kishida, Yoon, … talked"), else the
        last told before; with a count ("The two", "the six leaders"), the first of them with
        that many people."""
        start, end = self._sentence_chars(at)
        places = self._places
        following = [b for a, b in self._sentence_chars_list if a >= end][:1]
        next_end = following[0] if following else end
        candidates = [mid for position, mid in reversed(places) if start <= position < end]
        candidates += [mid for position, mid in places if end <= position < next_end]
        candidates += [mid for position, mid in reversed(places) if position < start]
        if meeting is not None:
            candidates.insert(0, meeting)
        for candidate in dict.fromkeys(candidates):
            # Of a meeting told before, only the people told by then.
            people = list(
                dict.fromkeys(
                    a.participant
                    for (mid, _), a in self.meetings.attendance.items()
                    if mid == candidate
                    and self._is_person(a.participant)
                    and (a.span[0] < next_end)
                )
            )
            if (count is None and len(people) > 1) or len(people) == count:
                return people
        return []

    @cached_property
    def _sentence_chars_list(self) -> list[tuple[int, int]]:
        return [
            (self.article.doc[a].idx, _end_char(self.article, b)) for a, b in self.article.sentences
        ]

    def _holder(self, speaker: str) -> str | None:
        """The side a speaker speaks for: a person's country or organisation by their post, an
        organisation's country; a country speaks for itself."""
        if self._is_person(speaker):
            country, organisation = self.meetings._holder(speaker)
            return organisation if organisation and not country else country
        if self.article.knowledge.has("country", speaker):
            return None
        known = self.article.knowledge.get("organisation", speaker) or {}
        new = self.article.new.get(("organisation", speaker))
        return known.get("country_id") or (new.fields.get("country") if new else None)

    def _sides(self, speakers: list[str], countries_only: bool = False) -> list[str]:
        sides = []
        for speaker in speakers:
            side = self._holder(speaker)
            if self.article.knowledge.has("country", speaker):
                side = speaker
            if side and (not countries_only or self.article.knowledge.has("country", side)):
                sides.append(side)
        return list(dict.fromkeys(sides))

    def _attendees(self, meeting: str) -> set[str]:
        attendees = {
            a.participant for (m, _), a in self.meetings.attendance.items() if m == meeting
        }
        return attendees | set(self.article.knowledge.participants.get(meeting, set()))

    def _attended(self, meeting: str, speakers: list[str], in_person: bool = False) -> bool:
        """Whether every speaker attended the meeting: in person, or (for countries and
        bodies, unless `in_person`) as the side of someone who did."""
        attendees = self._attendees(meeting)
        if in_person:
            return bool(attendees) and all(s in attendees for s in speakers)
        sides = set(self._sides(sorted(attendees)))
        return bool(attendees) and all(s in attendees or s in sides for s in speakers)

    def _meeting_day(self, meeting: str) -> DatePhrase | str | None:
        """A meeting's one day; none for a meeting of several days (a two-day summit)."""
        known = self.article.knowledge.get("meeting", meeting) or {}
        if known.get("end_date"):
            return None
        found = self.meetings.meetings.get(meeting)
        if found is not None and (found.date is not None or found.date_iso):
            return found.date or found.date_iso
        return (known.get("date") or {}).get("value")

    def _setting(self, statement: StatementDraft) -> tuple[str | None, object, str]:
        """Where and when it was said (see the module's docstring): the meeting, the date, and
        what the date was taken from."""
        text = self.article.text
        start, end = statement.sentence
        attached = self._attached
        usable = [
            d
            for d in self.article.dates_in(start, end)
            if not d.phrase.lower().startswith(("since", "until"))
            and "so far" not in text[max(0, d.start - 8) : d.start]
            and d.start not in attached
        ]
        # A date inside what was said dates what was said about, not the saying.
        contents = [
            other.content for other in self.statements if other.sentence == statement.sentence
        ]
        outside = [d for d in usable if not any(a <= d.start < b for a, b in contents)]
        if _PRESENT_PERFECT.search(text[statement.span[0] : statement.span[1]]):
            # "Yoon has pointed to …": no occasion, no day.
            return None, None, ""
        near = [d for d in outside if statement.span[0] <= d.start < statement.span[1]]
        sentence_date = (near or outside or [None])[0]
        previous_day = self._previous_day(start)
        own = self._sentence_meeting(start)
        meeting = None
        verb = self.article.doc[statement.verb]
        if verb.i > 0 and self.article.doc[verb.i - 1].lower_ == "separately":
            # "Albanese separately said": not at the meeting just told.
            own, previous_day = None, None
            return None, sentence_date, "the sentence's date phrase" if sentence_date else ""
        if own is not None and (
            self._attended(own, statement.speakers)
            or not any(self._attended(mid, statement.speakers) for _, mid in self._places)
        ):
            meeting = own
        if meeting is None:
            told = [mid for position, mid in self._places if position < start]
            # Where the speakers were in person comes before where their side was.
            meeting = next(
                (
                    mid
                    for mid in reversed(told)
                    if self._attended(mid, statement.speakers, in_person=True)
                ),
                None,
            ) or next(
                (mid for mid in reversed(told) if self._attended(mid, statement.speakers)), None
            )
            if (
                meeting is not None
                and previous_day is not None
                and not _compatible(self._meeting_day(meeting), previous_day)
            ):
                # "On Monday, the tone sharpened.": the scene has moved on.
                meeting = None
        if sentence_date is not None:
            if meeting is not None and not _compatible(self._meeting_day(meeting), sentence_date):
                meeting = None
            return meeting, sentence_date, "the sentence's date phrase"
        if meeting is not None and self._meeting_day(meeting):
            return meeting, self._meeting_day(meeting), "the day of the meeting where it was said"
        if previous_day is not None:
            return meeting, previous_day, "a day phrase of the sentence before"
        return meeting, None, ""

    def _previous_day(self, start: int) -> DatePhrase | None:
        """A day phrase of the sentence just before, in the same paragraph ("On Monday, the
        tone sharpened. Speaking at …, Stoltenberg urged …")."""
        sentences = [
            (self.article.doc[a].idx, _end_char(self.article, b)) for a, b in self.article.sentences
        ]
        before = [(a, b) for a, b in sentences if b <= start]
        if not before or "\n" in self.article.text[before[-1][1] : start]:
            return None
        # Only a sentence that opens on its day sets the scene ("On Monday, the tone
        # sharpened.", "At the Security Council on Monday, …").
        first, last = before[-1]
        comma = self.article.text.find(",", first, last)
        opening = self.article.text[first:comma].split() if comma >= 0 else []
        if comma < 0 or len(opening) > 6 or opening[0].lower() not in _OPENERS:
            return None
        opening_end = comma
        days = [
            d
            for d in self.article.dates_in(first, opening_end)
            if d.kind in ("weekday", "month-day", "same-day")
        ]
        return days[-1] if days else None

    @cached_property
    def _attached(self) -> set[int]:
        """Date phrases that date a meeting or an event named just before them ("the NATO
        Summit in Madrid in 2022", "the Vilnius Summit in July 2023"), not what was said."""
        text = self.article.text
        ends = [m.end for m in self.article.mentions if m.kind == "meeting"]
        for meeting in self.meetings.meetings.values():
            ends += [end for _, end in meeting.spans]
        for event in self.events.events:
            ends += [end for _, end in event.spans]
        attached = set()
        for phrase in self.article.dates:
            for end in ends:
                gap = text[end : phrase.start]
                if 0 <= phrase.start - end <= 16 and not re.search(r"[,.;]", gap):
                    attached.add(phrase.start)
        return attached

    # --- what it is about -----------------------------------------------------------------------

    def _about(self, statement: StatementDraft, sides: list[str]) -> list[str]:
        doc = self.article.doc
        start, end = statement.content
        about: list[str] = []
        for mention in self.article.mentions:
            if not (start <= mention.start and mention.end <= end) or not mention.entity_id:
                continue
            if mention.kind not in ("country", "organisation", "official", "meeting"):
                continue
            if mention.form == "demonym" or mention.ambiguous:
                continue
            if mention.entity_id in statement.speakers or mention.entity_id in sides:
                continue
            previous = doc[mention.tok_start - 1].lower_ if mention.tok_start else ""
            if (
                mention.kind == "country"
                and mention.form == "capital"
                and previous
                in (
                    "in",
                    "at",
                    "from",
                    "to",
                )
            ):
                continue
            if previous == "of" and mention.tok_start >= 3:
                # "On behalf of the United States": a side, not a subject.
                words = doc[max(0, mention.tok_start - 3) : mention.tok_start].text.lower()
                if "behalf of" in words:
                    continue
            if mention.entity_id not in about:
                about.append(mention.entity_id)
        for event_id in self.events.event_in(start, end):
            if event_id not in about:
                about.append(event_id)
        for match in re.finditer(
            r"\b[Tt]he (launch|test|attack|invasion|visit)\b", self.article.text[start:end]
        ):
            kind = self.words.event_nouns[match.group(1)]
            event_id = self.events.latest(kind, start + match.start())
            if event_id and event_id not in about:
                about.append(event_id)
        return about

    # --- a quotation alone ----------------------------------------------------------------------

    def _quotation(self, start: int, end: int) -> None:
        """A sentence that is only a quotation goes on with the speaker of the one before, in
        the same paragraph: “On behalf of the United States, I reaffirm …”."""
        doc = self.article.doc
        text = doc[start:end].text
        if not text or text[0] not in _QUOTES or not self.statements:
            return
        previous = self.statements[-1]
        at = doc[start].idx
        if "\n" in self.article.text[previous.span[1] : at]:
            return
        kind = "said"
        for match in _FIRST_PERSON.finditer(text):
            refined = self.words.first_person_verbs.get(match.group("verb"))
            if refined:
                kind = refined
                break
        span = _trim(self.article.text, (at, _end_char(self.article, end)))
        self.statements.append(
            StatementDraft(
                speakers=previous.speakers,
                kind=kind,
                verb=start,
                span=span,
                content=span,
                rule="quotation-after-speaker",
                confidence=0.55,
                sentence=span,
            )
        )

    def _clause_end(self, index: int, end: int, inverted: bool) -> int:
        """A statement runs to the end of its sentence, or to ", according to", or to the
        ", X said" of an attribution after it."""
        doc = self.article.doc
        if inverted:
            return end
        for position in range(index + 1, end):
            if doc[position].text != ",":
                continue
            following = doc[position + 1 : min(end, position + 4)].text.lower()
            if following.startswith("according to"):
                return position
            if following.startswith(("while", "after", "before", "but", "whereas")):
                # ", while Russia's deputy ambassador …", ", after talks with …": another clause.
                return position
            rest = [t.lower_ for t in doc[position + 1 : end]]
            said = next((i for i, w in enumerate(rest) if w in ("said", "says")), None)
            if said is not None and said <= 4 and len(rest) <= 12 and "that" not in rest:
                # "…, his spokesperson said in a statement on Friday.": the relay.
                return position
        return end

    # --- proposals ------------------------------------------------------------------------------

    def propose(self) -> None:
        taken: set[str] = set(self.article.knowledge.collections.get("statements", {}))
        ids: set[str] = set()
        decisions = self.draft.section("decisions")
        for statement in self.statements:
            if any(
                d.fields.get("body") in statement.speakers
                and any(s < statement.span[1] and statement.span[0] < e for s, e in d.spans)
                for d in decisions
            ):
                continue
            sides = self._sides(statement.speakers)
            if all(not self._is_person(s) for s in statement.speakers):
                sides = [self._holder(s) for s in statement.speakers if self._holder(s)]
            meeting, date, dated_by = self._setting(statement)
            about = self._about(statement, sides)
            known = self._known(statement, date)
            notes = []
            if known is not None:
                document = self.article.knowledge.collections["statements"][known]
                speakers = [s["id"] for s in document["speakers"]]
                fields = {"id": known, "summary": document["summary"]}
                fields["speaker" if len(speakers) == 1 else "speakers"] = (
                    speakers[0] if len(speakers) == 1 else speakers
                )
                self.draft.add(
                    Proposal(
                        "statements",
                        (known,),
                        fields,
                        [statement.span],
                        "known-statement+" + statement.rule,
                        statement.confidence,
                        known=True,
                        notes=["known statement: this adds a source"],
                    )
                )
                continue
            base = self._id(statement, date)
            statement_id, number = base, 2
            while statement_id in taken or statement_id in ids:
                statement_id = f"{base}-{number}"
                number += 1
            ids.add(statement_id)
            fields: dict = {"id": statement_id, "summary": self._summary(statement)}
            if statement.kind != "said":
                fields["kind"] = statement.kind
            if len(statement.speakers) == 1:
                fields["speaker"] = statement.speakers[0]
            else:
                fields["speakers"] = statement.speakers
            if sides:
                fields["on_behalf_of"] = sides[0] if len(sides) == 1 else sides
            if about:
                fields["about"] = about
            if meeting:
                fields["meeting"] = meeting
            if date is not None:
                fields["date"] = date
                notes.append(f"dated by {dated_by}")
            else:
                notes.append(
                    f"no date in the text: said on or before {self.article.as_of}, the "
                    "publication date"
                )
            notes.append("new statement: check the summary, kind and speakers")
            self.draft.add(
                Proposal(
                    "statements",
                    (statement_id,),
                    fields,
                    [statement.span, *statement.spans],
                    statement.rule,
                    statement.confidence,
                    notes=notes,
                )
            )

    def _known(self, statement: StatementDraft, date: object) -> str | None:
        """A statement the graph knows: the same speakers, kind and day."""
        day = date.value if isinstance(date, DatePhrase) else date
        for statement_id, known in self.article.knowledge.collections.get("statements", {}).items():
            speakers = {s["id"] for s in known["speakers"]}
            if speakers != set(statement.speakers) or known.get("kind") != statement.kind:
                continue
            if day and (known.get("date") or {}).get("value") == day:
                return statement_id
        return None

    def _id(self, statement: StatementDraft, date: object) -> str:
        """`<speaker>-<kind>-<date>`: a person's family name, a country's code, an
        organisation's acronym; several speakers by their sides."""
        parts = []
        speakers = statement.speakers
        if len(speakers) > 2:
            sides = self._sides(speakers)
            parts = [s.lower() if s.isupper() else s for s in sides] if len(sides) > 1 else []
        if not parts:
            for speaker in speakers:
                if self._is_person(speaker):
                    parts.append(self.meetings._short_name(speaker))
                elif self.article.knowledge.has("country", speaker):
                    parts.append(speaker.lower())
                else:
                    org = self.article.knowledge.get("organisation", speaker) or {}
                    parts.append(slug(org.get("acronym") or speaker))
        day = date.value if isinstance(date, DatePhrase) else date
        kind = statement.kind.replace("_", "-")
        return "-".join([*parts, kind, *([day] if day else [])])

    def _summary(self, statement: StatementDraft) -> str:
        """The editors' one line, drafted: the speakers and what the text says they said."""
        names = [
            self.article.name_of(
                "official"
                if self._is_person(s)
                else "country"
                if self.article.knowledge.has("country", s)
                else "organisation",
                s,
            )
            for s in statement.speakers
        ]
        who = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        start, end = statement.content
        said = " ".join(self.article.text[start:end].split()).strip(" ,.;:" + _QUOTES)
        doc = self.article.doc
        verb = doc[statement.verb]
        if not statement.inverted and statement.rule != "quotation-after-speaker":
            said = self.article.text[verb.idx : end]
            said = " ".join(said.split()).strip(" ,.;")
        elif said:
            said = f"says “{said}”" if statement.rule != "quotation-after-speaker" else f"“{said}”"
        words = said.split()
        if len(words) > 22:
            said = " ".join(words[:22]) + " …"
        return f"{who} {said}".strip() if said else who


def _compatible(day: DatePhrase | str | None, other: DatePhrase | str | None) -> bool:
    """Whether two dates can be the same day (a month holds its days)."""
    if day is None or other is None:
        return True
    first = day.value if isinstance(day, DatePhrase) else day
    second = other.value if isinstance(other, DatePhrase) else other
    return first.startswith(second) or second.startswith(first)


def _end_char(article: Article, end: int) -> int:
    token = article.doc[end - 1]
    return token.idx + len(token.text)


def _trim(text: str, span: tuple[int, int]) -> tuple[int, int]:
    start, end = span
    while start < end and text[start].isspace():
        start += 1
    while end > start and (text[end - 1].isspace()):
        end -= 1
    return start, end


def _strip_tail(text: str, span: tuple[int, int]) -> tuple[int, int]:
    start, end = span
    while end > start and text[end - 1] in " ,;":
        end -= 1
    return start, end
