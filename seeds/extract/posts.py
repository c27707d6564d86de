"""Posts from titles: before a name ("New Zealand Prime Minister Chris Hipkins", "NATO Deputy
Secretary General Mircea Geoana"), in an appositive ("Kim Gunn, Seoul's special representative
for …", "Park Jin, the foreign minister"), and "X will lead <organisation>". A post the graph
knows is referred to by its id; a role without a name ("the foreign minister") is linked to the
person whose post it is, or flagged when several people could hold it."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from seeds.extract.lexicon import lexicon
from seeds.extract.linking import Article, NewEntity
from seeds.extract.mentions import Mention, TitleSpan, span_mention
from seeds.extract.proposals import Draft, Proposal
from seeds.references import slug
from store.names import name_key

_APPOSITIVE_END = {",", ".", "(", ";", "|"}


@dataclass
class FoundPost:
    """A post as read from the text, before it is linked."""

    official: str
    title: str
    canonical: str
    country: str | None
    organisation: str | None
    span: tuple[int, int]
    rule: str
    confidence: float
    status: str = "held"
    honorific: bool = False
    start: object = None
    start_span: tuple[int, int] | None = None


class PostReader:
    def __init__(self, article: Article, draft: Draft) -> None:
        self.article = article
        self.draft = draft
        self.found: list[FoundPost] = []
        self.holders: dict[str, tuple[str | None, str | None]] = {}
        self.honorifics: dict[str, str] = {}

    # --- reading ------------------------------------------------------------------------------

    def read(self) -> None:
        article = self.article
        for title in article.titles:
            after = article._title_end(title)
            person = self._person_at(after)
            if person is not None:
                self._before_name(title, after, person)
                continue
            person = self._person_after_comma(title)
            if person is not None:
                # "China's ambassador, Zhang Jun, said": the title, then the name set off.
                self._before_name(title, after, person)
                continue
            appositive = self._appositive_owner(title)
            if appositive is not None:
                self._appositive(title, appositive)
        self._will_lead()
        self._resolve_holders()
        self._took_office()

    def _person_after_comma(self, title: TitleSpan) -> Mention | None:
        """ "Russia's deputy ambassador, Anna Evstigneeva,": a name set off by commas right
        after a title that has its holder's country or organisation before it."""
        doc = self.article.doc
        after = self.article._title_end(title)
        if after + 1 >= len(doc) or doc[after].text != ",":
            return None
        person = self._person_at(after + 1)
        if person is None or person.tok_end >= len(doc):
            return None
        if doc[person.tok_end].text not in (",", "."):
            return None
        country, organisation, _ = self._qualifier(title.tok_start)
        return person if country or organisation else None

    def _person_at(self, index: int) -> Mention | None:
        mention = self.article.mention_at(index)
        if (
            mention
            and mention.kind == "official"
            and mention.tok_start == index
            and mention.entity_id
        ):
            return mention
        return None

    def _qualifier(self, index: int) -> tuple[str | None, str | None, int]:
        """The country or organisation just before a title ("South Korea's", "NATO")."""
        doc = self.article.doc
        if index > 0 and doc[index - 1].lower_ in ("'s", "\u2019s"):
            index -= 1
        mention = self.article.mention_at(index - 1) if index > 0 else None
        if mention is None or not mention.entity_id:
            return None, None, index
        if mention.kind == "country":
            return mention.entity_id, None, mention.tok_start
        if mention.kind == "organisation":
            org = self.article.knowledge.get("organisation", mention.entity_id) or {}
            new = self.article.new.get(("organisation", mention.entity_id))
            country = org.get("country_id") or (new.fields.get("country") if new else None)
            return country, mention.entity_id, mention.tok_start
        return None, None, index

    def _before_name(self, title: TitleSpan, after: int, person: Mention) -> None:
        doc = self.article.doc
        country, organisation, start = self._qualifier(title.tok_start)
        words = lexicon()
        text = doc[title.tok_start : after].text
        complement = after > title.tok_end
        bare = not country and not organisation and not complement
        honorific = bare and name_key(title.text) in {name_key(h) for h in words.honorifics}
        if person.form == "surname" and bare:
            return
        if honorific and name_key(title.text) in ("ambassador", "minister"):
            self.honorifics.setdefault(person.entity_id, _capitalise(title.text))
            return
        self.found.append(
            FoundPost(
                official=person.entity_id,
                title=_capitalise(text),
                canonical=words.canonical_title(text),
                country=country,
                organisation=organisation,
                span=(doc[start].idx, person.end),
                rule="title-before-name",
                confidence=0.9 if not bare else 0.75,
            )
        )

    def _appositive_owner(self, title: TitleSpan) -> Mention | None:
        """The person of "Name, [the|Seoul's] title": the name just before the comma."""
        doc = self.article.doc
        index = title.tok_start - 1
        while index >= 0 and (
            doc[index].lower_ in ("the", "'s", "\u2019s")
            or (self.article.mention_at(index) or _NONE).kind in ("country",)
        ):
            index -= 1
        if index < 1 or doc[index].text != ",":
            return None
        person = self.article.mention_at(index - 1)
        if person and person.kind == "official" and person.entity_id and not person.ambiguous:
            return person
        return None

    def _appositive(self, title: TitleSpan, person: Mention) -> None:
        doc = self.article.doc
        comma = person.tok_end
        country, organisation, _ = self._qualifier(title.tok_start)
        end = title.tok_end
        while end < len(doc) and doc[end].text not in _APPOSITIVE_END:
            end += 1
        inside = self.article.mentions_in(title.tok_end, end)
        for mention in inside:
            if mention.kind == "organisation" and mention.entity_id and organisation is None:
                organisation = mention.entity_id
                org = self.article.knowledge.get("organisation", organisation) or {}
                new = self.article.new.get(("organisation", organisation))
                country = (
                    country or org.get("country_id") or (new.fields.get("country") if new else None)
                )
        text = doc[title.tok_start : end].text
        self.found.append(
            FoundPost(
                official=person.entity_id,
                title=_capitalise(text),
                canonical=lexicon().canonical_title(text),
                country=country,
                organisation=organisation,
                span=(person.start, doc[end - 1].idx + len(doc[end - 1].text)),
                rule="name-then-appositive",
                confidence=0.8,
            )
        )
        del comma

    def _took_office(self) -> None:
        """ "Yoon, who took office in May,": the start of the post the text gives him."""
        text = self.article.text
        for match in re.finditer(r",\s+who (?:took office|was sworn in|assumed office)\b", text):
            person = next(
                (
                    m
                    for m in self.article.mentions
                    if m.kind == "official" and m.entity_id and m.end == match.start()
                ),
                None,
            )
            if person is None:
                continue
            phrase = next(
                (d for d in self.article.dates if 0 <= d.start - match.end() <= 2),
                None,
            )
            post = next((p for p in self.found if p.official == person.entity_id), None)
            if phrase is None or post is None or post.start is not None:
                continue
            post.start = phrase
            post.start_span = (person.start, phrase.end)

    def _will_lead(self) -> None:
        """ "X will lead <organisation>": a designated post at its head."""
        doc = self.article.doc
        for token in doc[:-2]:
            if token.lower_ != "will" or doc[token.i + 1].lower_ not in ("lead", "head"):
                continue
            person = self.article.mention_at(token.i - 1)
            target = self.article.mention_at(token.i + 2)
            if not (person and person.kind == "official" and person.entity_id):
                continue
            if not (target and target.kind == "organisation" and target.entity_id):
                continue
            name = self.article.name_of("organisation", target.entity_id)
            sentence_start, sentence_end = self.article.sentence_of(token.i)
            start = doc[sentence_start].idx
            end_token = doc[sentence_end - 1]
            self.found.append(
                FoundPost(
                    official=person.entity_id,
                    title=f"Head of the {name}"
                    if name.startswith("Mission")
                    else f"Head of {name}",
                    canonical=name_key(f"head of {name}"),
                    country=None,
                    organisation=target.entity_id,
                    span=(start, end_token.idx + len(end_token.text)),
                    rule="will-lead",
                    confidence=0.7,
                    status="designated",
                )
            )

    # --- holders ------------------------------------------------------------------------------

    def _resolve_holders(self) -> None:
        """Whose post: the qualifier; else the known post; else the person's country, a
        colleague's in the same sentence, or the article's most named country (flagged)."""
        article = self.article
        main_country = _main_country(article)
        for post in self.found:
            known = self._known_post(post)
            if known is not None:
                post.country = post.country or known.get("country_id")
                post.organisation = post.organisation or known.get("organisation_id")
                continue
            if post.organisation and not post.country:
                org = article.knowledge.get("organisation", post.organisation) or {}
                new_org = article.new.get(("organisation", post.organisation))
                post.country = org.get("country_id") or (
                    new_org.fields.get("country") if new_org else None
                )
            if not post.country and not post.organisation:
                country = article.knowledge.country_of_official(post.official)
                new = article.new.get(("official", post.official))
                country = country or (new.fields.get("country") if new else None)
                if country is None:
                    country = self._colleague_country(post)
                    if country is None and main_country:
                        country = main_country
                        post.confidence = min(post.confidence, 0.5)
                        post.rule += "+article-country"
                post.country = country
            if post.country and not post.organisation:
                post.organisation = self._ministry(post)
        for post in self.found:
            self.holders.setdefault(post.official, (post.country, post.organisation))

    def _colleague_country(self, post: FoundPost) -> str | None:
        start_token = next(
            (t.i for t in self.article.doc if t.idx >= post.span[0]), len(self.article.doc) - 1
        )
        sentence = self.article.sentence_of(start_token)
        first = self.article.doc[sentence[0]].idx
        last = self.article.doc[sentence[1] - 1].idx
        for other in self.found:
            if other is post or not other.country or other.official == post.official:
                continue
            if first <= other.span[0] <= last:
                return other.country
        return None

    def _ministry(self, post: FoundPost) -> str | None:
        """The ministry of a minister's title: known, or new from "Minister of X"."""
        canonical = post.canonical
        if not canonical.startswith("minister of "):
            return None
        portfolio = canonical.removeprefix("minister of ")
        wanted = {f"ministry of {portfolio}", f"{portfolio} ministry"}
        for org_id, org in self.article.knowledge.collections["organisations"].items():
            if org.get("country_id") != post.country or org.get("kind") != "ministry":
                continue
            names = [org["name"], *org.get("aliases", [])]
            if any(name_key(name) in wanted for name in names):
                return org_id
        if not name_key(post.title).startswith("minister of"):
            return None
        name = "Ministry of " + post.title.split(" of ", 1)[1]
        entity_id = f"{post.country.lower()}-{slug(name)}"
        if ("organisation", entity_id) not in self.article.new:
            doc = self.article.doc
            start = next(t.i for t in doc if t.idx >= post.span[0])
            self.article.new[("organisation", entity_id)] = NewEntity(
                "organisation",
                entity_id,
                name,
                span_mention(
                    doc,
                    start,
                    start + 1,
                    "organisation",
                    entity_id,
                    "new",
                    known=False,
                    rule="ministry-of-minister",
                    confidence=0.6,
                ),
                {"kind": "ministry", "country": post.country},
                "ministry-of-minister",
                0.6,
            )
        return entity_id

    def _known_post(self, post: FoundPost) -> dict | None:
        candidates = self.article.knowledge.posts_of.get(post.official, [])
        for known in candidates:
            canonical = lexicon().canonical_title(known["title"])
            same_title = canonical == post.canonical or (
                len(post.canonical) > 3
                and (canonical in post.canonical or post.canonical in canonical)
            )
            holder_ok = (not post.country or post.country == known.get("country_id")) and (
                not post.organisation or post.organisation == known.get("organisation_id")
            )
            if same_title and holder_ok:
                return known
        return None

    # --- proposals ----------------------------------------------------------------------------

    def propose(self) -> None:
        for post in self.found:
            known = self._known_post(post)
            if known is not None:
                fields = {
                    "id": known["_id"],
                    "official": post.official,
                    "title": known["title"],
                }
                for name in ("organisation", "country"):
                    if known.get(f"{name}_id"):
                        fields[name] = known[f"{name}_id"]
                notes = ["known post: this adds a source"]
                spans = [post.span]
                if post.start is not None:
                    fields["start"] = post.start
                    spans.append(post.start_span)
                    known_start = (known.get("start") or {}).get("value")
                    if known_start and not known_start.startswith(post.start.value):
                        notes.append(f"check: the graph's start is {known_start}")
                self.draft.add(
                    Proposal(
                        "posts",
                        (known["_id"],),
                        fields,
                        spans,
                        "known-post+" + post.rule,
                        post.confidence,
                        known=True,
                        notes=notes,
                    )
                )
                continue
            fields = {"official": post.official, "title": post.title}
            if post.organisation:
                fields["organisation"] = post.organisation
            if post.country:
                fields["country"] = post.country
            if post.status != "held":
                fields["status"] = post.status
            if post.start is not None:
                fields["start"] = post.start
            notes = ["new post"]
            if "article-country" in post.rule:
                notes.append(
                    "whose post? no country or organisation in the title: the article's most "
                    "named country was assumed"
                )
            self.draft.add(
                Proposal(
                    "posts",
                    (post.official, post.canonical),
                    fields,
                    [post.span, *([post.start_span] if post.start_span else [])],
                    post.rule,
                    post.confidence,
                    notes=notes,
                )
            )

    def roles(self) -> list[Mention]:
        """Titles with no name ("the foreign minister", "The minister"): linked to the one
        person whose post it is, or flagged with every candidate."""
        article = self.article
        roles = []
        for title in article.titles:
            if self._person_at(article._title_end(title)) or self._appositive_owner(title):
                continue
            if self._person_after_comma(title) is not None:
                continue
            if name_key(title.text) in lexicon().titles_before_names_only:
                continue
            canonical = title.canonical
            country, organisation, start = self._qualifier(title.tok_start)
            candidates = []
            for post in self.found:
                if _same_office(canonical, post.canonical):
                    if country and post.country != country:
                        continue
                    if organisation and post.organisation != organisation:
                        continue
                    if post.official not in candidates:
                        candidates.append(post.official)
            if not candidates and (organisation or country):
                # "The NATO secretary general's visit": whoever the graph says held that post
                # that day, if the article names them.
                named = {m.entity_id for m in article.mentions if m.kind == "official"}
                holders = [
                    official
                    for official in article.knowledge.post_holders(
                        organisation or country, title.text, article.as_of
                    )
                    if official in named
                ]
                if len(holders) == 1:
                    candidates = holders
                    self.holders.setdefault(holders[0], (country, organisation))
                    self.found.append(
                        FoundPost(
                            official=holders[0],
                            title=_capitalise(title.text),
                            canonical=canonical,
                            country=country,
                            organisation=organisation,
                            span=(article.doc[start].idx, title_end_char(article, title)),
                            rule="role-with-holder-known",
                            confidence=0.6,
                        )
                    )
            if len(candidates) > 1:
                # A role refers back: of several holders, the one the text has already named.
                named_before = [
                    post.official
                    for post in self.found
                    if post.official in candidates
                    and post.span[0] < title_start_char(article, title)
                ]
                if len(set(named_before)) == 1:
                    candidates = named_before[:1]
            if start == title.tok_start and start and article.doc[start - 1].lower_ == "the":
                start -= 1
            mention = span_mention(
                article.doc,
                start,
                title.tok_end,
                "official",
                candidates[0] if len(candidates) == 1 else None,
                "role",
                known=True,
                rule="role-reference",
                confidence=0.6 if len(candidates) == 1 else 0.2,
                candidates=tuple(candidates) if len(candidates) > 1 else (),
            )
            roles.append(mention)
        return roles


def title_start_char(article: Article, title: TitleSpan) -> int:
    return article.doc[title.tok_start].idx


def title_end_char(article: Article, title: TitleSpan) -> int:
    last = article.doc[title.tok_end - 1]
    return last.idx + len(last.text)


def _same_office(role: str, title: str) -> bool:
    """Whether a role without a name ("the special representative", "The minister") can mean a
    post found in the text: the same title, or its head ("minister" is a foreign minister, not
    a prime minister: a modifier like "prime" or "deputy" makes another office)."""
    if role == title or title.startswith(role + " "):
        return True
    words = title.split()
    return len(role.split()) == 1 and role in words and words[0] not in ("prime", "vice", "deputy")


class _NoMention:
    kind = None


_NONE = _NoMention()


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def _main_country(article: Article) -> str | None:
    counts = Counter(
        m.entity_id
        for m in article.mentions
        if m.kind == "country" and m.entity_id and m.form != "capital"
    )
    return counts.most_common(1)[0][0] if counts else None
