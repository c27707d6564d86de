"""Entity proposals: each official and organisation the article names, known (one more source)
or new (declared with an id by the house rules), and the missions ("Seoul's mission to NATO")
that the text names by description rather than by name."""

from __future__ import annotations

from seeds.extract.lexicon import lexicon
from seeds.extract.linking import Article, NewEntity
from seeds.extract.mentions import Mention, span_mention
from seeds.extract.proposals import Draft, Proposal
from store.names import name_key


def missions(article: Article) -> None:
    """ "<country>'s mission to <organisation>": a mission, known or new (`kr-mission-nato`)."""
    doc = article.doc
    added = []
    for token in doc:
        if token.lower_ != "mission" or token.i < 2 or token.i + 2 >= len(doc):
            continue
        if doc[token.i - 1].lower_ not in ("'s", "\u2019s") or doc[token.i + 1].lower_ != "to":
            known_mission = _mission_nearby(article, token.i)
            if known_mission is not None:
                added.append(known_mission)
            continue
        target = article.mention_at(token.i + 2)
        if target is None or target.kind != "organisation" or not target.entity_id:
            continue
        owner = article.mention_at(token.i - 2)
        start = owner.tok_start if owner else token.i - 2
        if owner is not None and owner.kind == "country" and owner.entity_id:
            country = owner.entity_id
        elif doc[token.i - 2].lower_ in ("country", "its"):
            country = _latest_country(article, token.i)
        else:
            continue
        if country is None:
            continue
        organisation = target.entity_id
        known = [
            org_id
            for org_id, org in article.knowledge.collections["organisations"].items()
            if org.get("kind") == "mission"
            and org.get("country_id") == country
            and org.get("accredited_to_id") == organisation
        ]
        if known:
            entity_id, is_known = known[0], True
        else:
            entity_id, is_known = f"{country.lower()}-mission-{organisation}", False
        mention = span_mention(
            doc,
            start,
            target.tok_end,
            "organisation",
            entity_id,
            "description",
            known=is_known,
            rule="country's-mission-to",
            confidence=0.8,
        )
        added.append(mention)
        if not is_known and ("organisation", entity_id) not in article.new:
            country_doc = article.knowledge.get("country", country) or {}
            country_name = country_doc.get("official_name") or country_doc.get("name", country)
            target_doc = article.knowledge.get("organisation", organisation) or {}
            target_name = target_doc.get("acronym") or article.name_of("organisation", organisation)
            article.new[("organisation", entity_id)] = NewEntity(
                "organisation",
                entity_id,
                f"Mission of the {country_name} to {target_name}"
                if country_name.startswith("Republic")
                else f"Mission of {country_name} to {target_name}",
                mention,
                {"kind": "mission", "country": country, "accredited_to": organisation},
                "country's-mission-to",
                0.8,
            )
    if added:
        covered = {i for m in added for i in range(m.tok_start, m.tok_end)}
        article.mentions = sorted(
            [m for m in article.mentions if not covered & set(range(m.tok_start, m.tok_end))]
            + added,
            key=lambda m: m.tok_start,
        )
        for mention in added:
            entity = article.new.get(("organisation", mention.entity_id))
            if entity is not None:
                aliases = entity.fields.setdefault("aliases", [])
                if (
                    mention.text not in aliases
                    and name_key(mention.text) != name_key(entity.name)
                    and not name_key(mention.text).startswith(("country", "its "))
                ):
                    aliases.append(mention.text)


def _mission_nearby(article: Article, index: int) -> Mention | None:
    """ "the mission that Seoul opened at NATO": a known mission named by its country and the
    organisation it is accredited to, within a few words of "mission"."""
    window = article.mentions_in(max(0, index - 6), min(len(article.doc), index + 7))
    countries = {m.entity_id for m in window if m.kind == "country" and m.entity_id}
    targets = {m.entity_id for m in window if m.kind == "organisation" and m.entity_id}
    for org_id, org in article.knowledge.collections["organisations"].items():
        if (
            org.get("kind") == "mission"
            and org.get("country_id") in countries
            and org.get("accredited_to_id") in targets
        ):
            return span_mention(
                article.doc,
                index,
                index + 1,
                "organisation",
                org_id,
                "description",
                known=True,
                rule="mission-of-country-at",
                confidence=0.6,
            )
    return None


def _latest_country(article: Article, before: int) -> str | None:
    countries = [
        m for m in article.mentions if m.kind == "country" and m.entity_id and m.tok_end <= before
    ]
    return countries[-1].entity_id if countries else None


def entity_proposals(article: Article, draft: Draft, countries_of: dict[str, str]) -> None:
    """One proposal per official and organisation named: its first full mention as the quote."""
    seen: set[tuple[str, str]] = set()
    for mention in article.mentions:
        if mention.kind not in ("official", "organisation") or not mention.entity_id:
            continue
        if mention.ambiguous or mention.form in ("surname", "role"):
            continue
        key = (mention.kind, mention.entity_id)
        if key in seen:
            continue
        seen.add(key)
        section = "officials" if mention.kind == "official" else "organisations"
        span = _with_title(article, mention)
        if mention.known:
            known = article.knowledge.get(mention.kind, mention.entity_id) or {}
            fields = {"id": mention.entity_id, "name": known.get("name", mention.text)}
            draft.add(
                Proposal(
                    section,
                    (mention.entity_id,),
                    fields,
                    [span],
                    "known-" + mention.rule,
                    mention.confidence,
                    known=True,
                    notes=["known: this adds a source"],
                )
            )
            continue
        entity = article.new[key]
        spans = [span]
        if name_key(entity.name) not in name_key(mention.text):
            # "UN" first, "United Nations" inside a longer name: quote where it is named.
            spans.append((entity.first.start, entity.first.end))
        fields = {"id": entity.entity_id, "name": entity.name}
        for name, value in entity.fields.items():
            if value:
                fields[name] = value
        if mention.kind == "official" and mention.entity_id in countries_of:
            fields.setdefault("country", countries_of[mention.entity_id])
        draft.add(
            Proposal(
                section,
                (entity.entity_id,),
                fields,
                spans,
                "new-" + entity.rule,
                entity.confidence,
                notes=["new: not in the graph"],
            )
        )


def _with_title(article: Article, mention: Mention) -> tuple[int, int]:
    """A person's quote starts at the title before the name ("NATO Secretary General Jens
    Stoltenberg"), so that the quote says who they are."""
    if mention.kind != "official":
        return mention.start, mention.end
    for title in article.titles:
        if article._title_end(title) == mention.tok_start:
            start = title.tok_start
            before = article.mention_at(start - 1) if start else None
            if before is not None and before.kind in ("country", "organisation"):
                start = before.tok_start
            elif start >= 2 and article.doc[start - 1].lower_ in ("'s", "\u2019s"):
                owner = article.mention_at(start - 2)
                if owner is not None:
                    start = owner.tok_start
            return article.doc[start].idx, mention.end
    return mention.start, mention.end


def described_bodies(article: Article) -> list[str]:
    """Bodies the text names by description only ("the presidential office", "the Turkish
    parliament", "his office", "the North's state media"): what they are is the reviewer's
    call, so they are flagged, with the country the words give, and never declared."""
    doc = article.doc
    flags = []
    heads = lexicon().description_heads
    for token in doc:
        if token.lower_ not in heads or not token.is_lower:
            continue
        if article.mention_at(token.i) is not None:
            continue
        start = token.i
        stops = {"the", "his", "her", "its", "their", "a", "an", "and", "or", "of", "to", "in"}
        while start > 0 and (
            (
                doc[start - 1].is_lower
                and doc[start - 1].is_alpha
                and doc[start - 1].lower_ not in stops
            )
            or (article.mention_at(start - 1) or _NO_MENTION).form == "demonym"
        ):
            start -= 1
        before = doc[start - 1].lower_ if start else ""
        owner = None
        if before in ("'s", "\u2019s") and start >= 2:
            owner_mention = article.mention_at(start - 2)
            owner = owner_mention
            start = owner_mention.tok_start if owner_mention is not None else start - 2
            if start and doc[start - 1].lower_ == "the":
                start -= 1
        elif before in ("the", "his", "her", "its", "their"):
            start -= 1
        else:
            continue
        span = doc[start : token.i + 1]
        countries = [
            m.entity_id for m in article.mentions_in(start, token.i + 1, "country") if m.entity_id
        ]
        whose = f" (a body of {countries[0]})" if countries else ""
        if owner is not None and owner.kind == "official" and owner.entity_id:
            whose = f" ({owner.entity_id}'s)"
        named = {
            m.entity_id
            for m in article.mentions
            if m.kind == "organisation"
            and m.entity_id
            and m.start < span.start_char
            and token.lower_ in name_key(article.name_of("organisation", m.entity_id)).split()
        }
        if len(named) == 1:
            whose += f"; perhaps {named.pop()}, named before"
        flags.append(
            f"{span.text!r} at [{span.start_char}:{span.end_char}] names an organisation by "
            f"description, not by name{whose}: declare it (with `name_source: editorial`) or "
            "refer to a known one where it matters; nothing was proposed for it."
        )
    return flags


class _NoMentionType:
    form = None


_NO_MENTION = _NoMentionType()
