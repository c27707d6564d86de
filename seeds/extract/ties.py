"""Memberships ("Japan, Australia and New Zealand are also NATO partner countries", "Finland
became a member", "applied to join NATO") and decisions ("the North Atlantic Council … agreed on
Monday to accept …"). A membership the graph knows keeps its researched dates: the draft adds a
source and leaves the dates out rather than contradict them."""

from __future__ import annotations

import re

from seeds.extract.linking import Article
from seeds.extract.mentions import Mention
from seeds.extract.proposals import Draft, Proposal
from seeds.references import slug
from store.names import name_key

# "X is (not a member …) but stands as a partner", "X and Y are (also) NATO partner countries",
# "the partnership between X and Y", "X and Y have developed a strong partnership".
_PARTNER_FRAME = re.compile(
    r"\b(?:is|are|as|became|become)\b[^.;]*\bpartners?\b|\bpartnership (?:between|with)\b"
    r"|\bdeveloped (?:a|an) (?:\w+ )?partnership\b"
)
_DECIDE = re.compile(r"\b(agreed|decided|approved)\b(?P<rest>.*)")


class TieReader:
    def __init__(
        self,
        article: Article,
        draft: Draft,
        alliance: str | None,
        partner_phrases: list[dict] | None = None,
    ) -> None:
        self.article = article
        self.draft = draft
        self.alliance = alliance
        self.previous_partners: list[Mention] = []
        self.partner_phrases = partner_phrases or []

    def read(self) -> None:
        doc = self.article.doc
        for phrase in self.partner_phrases:
            # "NATO's four Indo-Pacific partners" with the four leaders named: their countries.
            for country in phrase.get("countries", []):
                self._propose_member(
                    phrase["organisation"], country, "member", phrase["span"], "partners-named"
                )
        self._appositive_partners()
        for start, end in self.article.sentences:
            sentence = doc[start:end]
            text = sentence.text
            lowered = text.lower()
            countries = [
                m
                for m in self.article.mentions_in(start, end, "country")
                if m.entity_id and m.form in ("name", "alias", "metonym")
            ]
            organisation = self._organisation(start, end)
            if not countries:
                self._decision(start, end)
                continue
            span = (sentence.start_char, sentence.end_char)
            if (
                _PARTNER_FRAME.search(text)
                and organisation
                and not self._is_group_sentence(lowered)
            ):
                partners = self._partners(start, end, countries)
                region = self._region(lowered, organisation)
                for country in partners:
                    self._propose(organisation, country, "partner", span, "partner-of", start, end)
                    if region:
                        self._propose(
                            region, country, "member", span, "partner-in-region", start, end
                        )
                if region and " also " in f" {lowered} ":
                    for country in self.previous_partners:
                        self._propose(
                            region, country, "member", span, "also-partner-in-region", start, end
                        )
                self.previous_partners = partners
            if re.search(r"\bbecame a member\b", lowered) and organisation:
                for country in countries:
                    if doc[country.tok_end : end].text.lower().lstrip().startswith("became"):
                        self._propose(
                            organisation, country, "member", span, "became-member", start, end
                        )
            if organisation:
                for token in sentence:
                    if (
                        token.lower_ == "applied"
                        and doc[token.i + 1 : token.i + 3].text.lower() == "to join"
                    ):
                        for country in self._listed_before(token.i, start):
                            self._propose(
                                organisation,
                                country,
                                "applicant",
                                span,
                                "applied-to-join",
                                start,
                                end,
                            )
                    elif (
                        token.lower_ == "application"
                        and doc[token.i + 1 : token.i + 3].text.lower() == "to join"
                    ):
                        owner = self._possessor_before(token.i, start)
                        target = self._organisation_after(token.i + 3, end) or organisation
                        if owner is not None:
                            self._propose(
                                target, owner, "applicant", span, "application-to-join", start, end
                            )
                    elif token.lower_ == "seeking" and doc[token.i + 1].lower_ in ("to", "entry"):
                        for country in self._listed_before(token.i, start):
                            role = self.article.knowledge.membership_role(
                                country.entity_id, organisation, self.article.as_of
                            )
                            role = role if role in ("applicant", "invitee") else "applicant"
                            self._propose(
                                organisation, country, role, span, "seeking-to-join", start, end
                            )
            self._decision(start, end)

    def _appositive_partners(self) -> None:
        """ "South Korea, a NATO partner since 2006,": a partner of the organisation named."""
        doc = self.article.doc
        pattern = re.compile(r",\s+an?\s+(?:(?P<org>[A-Z][\w-]*)\s+)?partner\b")
        for match in pattern.finditer(self.article.text):
            country = next(
                (
                    m
                    for m in self.article.mentions
                    if m.kind == "country"
                    and m.entity_id
                    and m.end == match.start()
                    and m.form in ("name", "alias", "metonym")
                ),
                None,
            )
            if country is None:
                continue
            organisation = None
            if match.group("org"):
                named = self.article.knowledge.resolve(match.group("org"), ["organisation"])
                organisation = named[1] if named else None
            organisation = organisation or self.alliance
            if organisation is None:
                continue
            end = match.end()
            since = next(
                (
                    d
                    for d in self.article.dates
                    if d.start == end + 1 and d.phrase.lower().startswith("since")
                ),
                None,
            )
            span = (country.start, since.end if since else end)
            token = next(t.i for t in doc if t.idx >= country.start)
            sentence = self.article.sentence_of(token)
            self._propose(organisation, country, "partner", span, "appositive-partner", *sentence)

    def _is_group_sentence(self, lowered: str) -> bool:
        return "refers to" in lowered or "joined by" in lowered

    def _organisation(self, start: int, end: int) -> str | None:
        """The organisation a sentence is about: named in it, or "the (military) alliance"."""
        for mention in self.article.mentions_in(start, end, "organisation"):
            org = self.article.knowledge.get("organisation", mention.entity_id or "") or {}
            if mention.entity_id and (
                org.get("kind") == "alliance"
                or (not org and ("organisation", mention.entity_id) in self.article.new)
            ):
                return mention.entity_id
        text = self.article.doc[start:end].text.lower()
        if re.search(r"\bthe (?:\w+ )?alliance\b|\bjoin nato\b", text) and self.alliance:
            return self.alliance
        return None

    def _partners(self, start: int, end: int, countries: list[Mention]) -> list[Mention]:
        """The countries of the clause that calls them partners: "Japan, Australia and New
        Zealand are NATO's other partners", "the partnership between the Republic of Korea and
        NATO", "the Alliance (NATO) and Seoul have developed a strong partnership"."""
        doc = self.article.doc
        index = next(
            (t.i for t in doc[start:end] if t.lower_ in ("partner", "partners", "partnership")),
            end,
        )
        clause_start = start
        for token in doc[start:index]:
            if token.text in (",", ";", ":") and not _in_list(self.article, token.i):
                clause_start = token.i + 1
        clause_end = end
        for token in doc[index:end]:
            if token.text in (",", ";") and not _in_list(self.article, token.i):
                clause_end = token.i
                break
        return [c for c in countries if clause_start <= c.tok_start and c.tok_end <= clause_end]

    def _listed_before(self, index: int, start: int) -> list[Mention]:
        """The countries listed just before a verb: "Finland and Sweden ― seeking", "by
        Finland and Sweden, which are seeking", "Sweden and Finland applied"."""
        doc = self.article.doc
        found: list[Mention] = []
        position = index - 1
        skip = {",", "\u2015", "\u2014", "which", "are", "is", "that", "who", "together"}
        while position >= start and doc[position].lower_ in skip and not found:
            position -= 1
        while position >= start:
            mention = self.article.mention_at(position)
            if mention is not None and mention.kind == "country" and mention.entity_id:
                found.append(mention)
                position = mention.tok_start - 1
            elif doc[position].lower_ in ("and", ",") and found:
                position -= 1
            else:
                break
        return list(reversed(found))

    def _possessor_before(self, index: int, start: int) -> Mention | None:
        """ "Türkiye's own long-stalled application": the nearest country with a possessive."""
        doc = self.article.doc
        for position in range(index - 1, max(start, index - 8) - 1, -1):
            if doc[position].lower_ in ("'s", "\u2019s"):
                mention = self.article.mention_at(position - 1)
                if mention is not None and mention.kind == "country" and mention.entity_id:
                    return mention
        return None

    def _organisation_after(self, index: int, end: int) -> str | None:
        for mention in self.article.mentions_in(index, min(end, index + 6), "organisation"):
            if mention.entity_id:
                return mention.entity_id
        return None

    def _region(self, lowered: str, organisation: str) -> str | None:
        """A partnership inside the organisation named by words of the sentence
        ("in the Asia-Pacific region": NATO's Asia-Pacific partners)."""
        key = name_key(lowered)
        for org_id, org in self.article.knowledge.collections["organisations"].items():
            if org.get("kind") != "partnership" or org.get("parent_id") != organisation:
                continue
            for name in [org["name"], *org.get("aliases", [])]:
                distinctive = [
                    w for w in name_key(name).split() if w not in ("nato", "partners", "partner")
                ]
                if len(distinctive) >= 2 and " ".join(distinctive) in key:
                    return org_id
        return None

    def _propose_member(
        self, organisation: str, country: str, role: str, span: tuple[int, int], rule: str
    ) -> None:
        known = self.article.knowledge.membership(organisation, country, role)
        self.draft.add(
            Proposal(
                "memberships",
                (organisation, country, role),
                {"organisation": organisation, "member": country, "role": role},
                [span],
                rule,
                0.7,
                known=known is not None,
                notes=["known membership: this adds a source; its researched dates stay"]
                if known is not None
                else [],
            )
        )

    def _propose(
        self,
        organisation: str,
        country: Mention,
        role: str,
        span: tuple[int, int],
        rule: str,
        start: int,
        end: int,
    ) -> None:
        if role == "partner" and (
            self.article.knowledge.membership_role(
                country.entity_id, organisation, self.article.as_of
            )
            == "member"
        ):
            # "partners including France, Poland, Canada": allies, not partners.
            return
        known = self.article.knowledge.membership(organisation, country.entity_id, role)
        fields: dict = {"organisation": organisation, "member": country.entity_id, "role": role}
        notes = []
        since = [
            d
            for d in self.article.dates_in(*_chars(self.article, start, end))
            if d.phrase.lower().startswith("since")
        ]
        if known is not None:
            notes.append("known membership: this adds a source")
            known_start = (known.get("start") or {}).get("value")
            if since and known_start:
                # The loader keeps an article's start beside the graph's, each with its
                # sources: an agreeing phrase supports it, a different one is a disagreement.
                fields["start"] = since[0]
                if known_start.startswith(since[0].value) or since[0].value.startswith(known_start):
                    notes.append(f"its start agrees with the graph's {known_start}")
                else:
                    notes.append(
                        f"check: the graph's start is {known_start}, this article says "
                        f"{since[0].value}; the loader keeps both and warns"
                    )
        elif since:
            fields["start"] = since[0]
        self.draft.add(
            Proposal(
                "memberships",
                (organisation, country.entity_id, role),
                fields,
                [span],
                rule,
                0.75,
                known=known is not None,
                notes=notes,
            )
        )

    def _decision(self, start: int, end: int) -> None:
        """ "<body>, …, agreed on <date> to <what>": a decision of that body."""
        doc = self.article.doc
        text = doc[start:end].text
        match = _DECIDE.search(text)
        if match is None:
            return
        verb_char = doc[start].idx + match.start(1)
        if re.search(r"\b(?:was|were|been|be)\s+$", text[: match.start(1)]):
            return
        bodies = [
            m
            for m in self.article.mentions_in(start, end, "organisation")
            if m.entity_id and m.end <= verb_char
        ]
        if not bodies:
            return
        body = bodies[0]
        between = self.article.text[body.end : verb_char]
        if re.search(r",\s+and\b|;", between):
            # "… Türkiye's EU accession process, and the two countries agreed": another subject.
            return
        people = [
            m
            for m in self.article.mentions_in(start, end, "official")
            if body.end <= m.start and m.end <= verb_char
        ]
        if people:
            return
        org = self.article.knowledge.get("organisation", body.entity_id) or {}
        if org.get("kind") not in ("council", "government", "ministry", "alliance", None):
            return
        _, sentence_end = _chars(self.article, start, end)
        dates = [d for d in self.article.dates_in(verb_char, sentence_end)]
        rest = re.sub(r"^\s*(?:on \w+ )?(?:to )?", "", match.group("rest")).rstrip(" .")
        subjects = []
        for mention in self.article.mentions:
            if (
                verb_char <= mention.start < sentence_end
                and mention.entity_id
                and mention.kind in ("country", "organisation")
                and mention.entity_id != body.entity_id
                and mention.form not in ("demonym", "capital")
                and mention.entity_id not in subjects
            ):
                subjects.append(mention.entity_id)
        date = dates[0] if dates else None
        identifier = "-".join(
            part
            for part in (
                slug(org.get("acronym") or body.entity_id),
                date.value if date else None,
                slug(" ".join(rest.split()[:2])),
            )
            if part
        )
        fields = {
            "id": identifier,
            "body": body.entity_id,
            "summary": rest[:1].upper() + rest[1:] + ".",
            "subjects": subjects,
        }
        if date:
            fields["date"] = date
        self.draft.add(
            Proposal(
                "decisions",
                (body.entity_id, date.value if date else None),
                fields,
                [(body.start, sentence_end)],
                "body-agreed-to",
                0.7,
                notes=["new decision: check the summary"],
            )
        )
        self._described_as(body, start, end)

    def _described_as(self, body: Mention, start: int, end: int) -> None:
        """ "the North Atlantic Council (NAC), the top decision-making body of NATO,": an
        organisation as the article describes it."""
        text = self.article.text
        after = text[body.end : _chars(self.article, start, end)[1]]
        match = re.match(r"(?:\s*\([^)]*\))?,\s*(the [^,]*?\bbody\b[^,]*),", after)
        if not match:
            return
        description = match.group(1)
        position = body.end + match.start(1)
        proposal = self.draft.get("organisations", body.entity_id)
        if proposal is not None:
            proposal.fields.setdefault("described_as", []).append(description)
            proposal.spans.append((body.start, position + len(description)))
            proposal.notes.append("described as: the article's words")
        del position


def _in_list(article: Article, index: int) -> bool:
    """A comma between two countries ("Japan, Australia and New Zealand") lists them."""
    doc = article.doc
    before = article.mention_at(index - 1) if index else None
    after = article.mention_at(index + 1) if index + 1 < len(doc) else None
    return bool(before and after and before.kind == after.kind == "country")


def _chars(article: Article, start: int, end: int) -> tuple[int, int]:
    span = article.doc[start:end]
    return span.start_char, span.end_char
