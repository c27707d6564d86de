"""From text to draft: linking first, then posts, meetings and participations, memberships and
decisions, events and statements, each rule adding proposals to one `Draft`."""

from __future__ import annotations

import datetime as dt

from seeds.extract.entities import described_bodies, entity_proposals, missions
from seeds.extract.events import EventReader
from seeds.extract.knowledge import Knowledge
from seeds.extract.linking import Article
from seeds.extract.meetings import MeetingReader
from seeds.extract.mentions import NameMatcher, keep_longest
from seeds.extract.posts import PostReader
from seeds.extract.proposals import Draft, Proposal
from seeds.extract.statements import StatementReader
from seeds.extract.ties import TieReader


class Extractor:
    """Drafts facts files against one known graph; build it once and draft many articles."""

    def __init__(self, knowledge: Knowledge) -> None:
        self.knowledge = knowledge
        self.matcher = NameMatcher(knowledge)

    def read(self, text: str, published: dt.date) -> Article:
        return Article(text, published, self.knowledge, self.matcher)

    def draft(self, text: str, published: dt.date) -> Draft:
        article = self.read(text, published)
        draft = Draft(text=text)
        missions(article)
        posts = PostReader(article, draft)
        posts.read()
        roles = posts.roles()
        article.mentions = keep_longest(article.mentions + roles)
        countries_of = {
            official: country for official, (country, _) in posts.holders.items() if country
        }
        entity_proposals(article, draft, countries_of)
        self._late_entities(article, draft)
        for official, honorific in posts.honorifics.items():
            proposal = draft.get("officials", official)
            if proposal is not None and not proposal.known:
                proposal.fields["honorific"] = honorific
        posts.propose()
        events = EventReader(article)
        events.read()
        events.propose(draft)
        meetings = MeetingReader(article, posts.holders, events)
        meetings.read()
        meetings.propose(draft)
        TieReader(article, draft, meetings._alliance(), meetings.partner_phrases).read()
        statements = StatementReader(article, draft, meetings, events)
        statements.read()
        statements.propose()
        self._flags(article, draft)
        draft.flags.extend(described_bodies(article))
        return draft

    def _late_entities(self, article: Article, draft: Draft) -> None:
        """New entities found by relation rules (a ministry from a minister's title)."""
        for (kind, entity_id), entity in article.new.items():
            section = "officials" if kind == "official" else "organisations"
            if draft.get(section, entity_id) is not None:
                continue
            fields = {"id": entity_id, "name": entity.name}
            fields.update({name: value for name, value in entity.fields.items() if value})
            draft.add(
                Proposal(
                    section,
                    (entity_id,),
                    fields,
                    [(entity.first.start, entity.first.end)],
                    "new-" + entity.rule,
                    entity.confidence,
                    notes=["new: not in the graph"],
                )
            )

    def _flags(self, article: Article, draft: Draft) -> None:
        seen = set()
        for mention in article.mentions:
            if mention.ambiguous:
                names = ", ".join(mention.candidates)
                chosen = f"; linked to {mention.entity_id}" if mention.entity_id else ""
                draft.flags.append(
                    f"{mention.text!r} at [{mention.start}:{mention.end}] is ambiguous: it may be "
                    f"{names}{chosen}. Check every entry that quotes it."
                )
            elif mention.form == "role" and mention.entity_id is None:
                draft.flags.append(
                    f"{mention.text!r} at [{mention.start}:{mention.end}] names a role, not a "
                    "person: nobody in the text was found to hold it."
                )
            if mention.kind == "country" and mention.entity_id and mention.entity_id not in seen:
                seen.add(mention.entity_id)
                draft.mentions.append(
                    f"{mention.entity_id}: {mention.text!r} ({mention.form}) at "
                    f"[{mention.start}:{mention.end}]"
                )
