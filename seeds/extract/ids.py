"""Ids by the house rules that more than one kind of proposal uses: a person's short name in
the id of a meeting, an event or a statement."""

from __future__ import annotations

from seeds.extract.linking import Article
from seeds.extract.mentions import Mention
from seeds.references import slug
from store.names import name_key


def short_name(article: Article, person: str) -> str:
    """A person in an id: the surname as the article writes it alone, else the last word of
    the name; the whole id when another person in the graph shares it."""
    name = article.name_of("official", person)
    words = name_key(name).split()
    alone = {
        name_key(m.text) for m in article.mentions if m.entity_id == person and m.form == "surname"
    }
    # "Lee Jong-sup", "Yoon Suk-yeol": a hyphenated given name comes after the family name.
    family = words[0] if "-" in name.split()[-1] else words[-1] if words else person
    short = next((word for word in words if word in alone), family)
    shared = [
        m
        for m in article.mentions
        if m.kind == "official"
        and m.entity_id not in (None, person)
        and short in name_key(m.text).split()
    ] + [
        official_id
        for official_id, official in article.knowledge.collections["officials"].items()
        if official_id != person and short in name_key(official["name"]).split()
    ]
    if (
        shared
        and _leads(article, person)
        and not any(
            _leads(article, other.entity_id if isinstance(other, Mention) else other)
            for other in shared
        )
    ):
        # The fixtures' house rule: of namesakes, the head of state or government keeps the
        # bare family name (`yoon-stoltenberg-…` beside Ambassador Yoon Soon-gu).
        return slug(short)
    return person if shared else slug(short)


_LEADING_TITLES = {"president", "prime minister", "chancellor", "premier", "king", "queen"}


def _leads(article: Article, person: str | None) -> bool:
    """Whether a person is a head of state or government, by the graph's posts that day."""
    if person is None:
        return False
    return any(
        name_key(post["title"]) in _LEADING_TITLES
        for post in article.knowledge.posts_in_force(person, article.as_of)
    )
