"""No silent duplicates, unit by unit (seeds/duplicates.py): names already another entity's,
posts repeated under another id, and namesakes and terms that say so."""

from __future__ import annotations

from seeds.duplicates import DuplicateNames, DuplicatePosts
from seeds.inputs import Origin


def origin(label: str, article: str | None = "article-1") -> Origin:
    return Origin(None, ("officials", 0, "name"), label, article)


REFERENCE = origin("officials.yaml", article=None)
FACTS = origin("a/facts.yaml")


def checked(names: DuplicateNames, merged=frozenset()) -> tuple[list[str], list[tuple]]:
    problems: list[str] = []
    newcomers: list[tuple] = []
    names.check(
        lambda _where, text: problems.append(text),
        lambda *args: newcomers.append(args),
        merged,
    )
    return problems, newcomers


def test_a_new_id_with_a_known_name_in_other_words_is_refused_once():
    names = DuplicateNames()
    names.declare("official", "yoon-suk-yeol", [("Yoon Suk-yeol", REFERENCE)])
    names.declare(
        "official", "yoon-2", [("Yoon Suk Yeol", FACTS), ("Suk-yeol Yoon", FACTS), (None, FACTS)]
    )

    problems, newcomers = checked(names)

    (problem,) = problems
    assert problem.startswith("'Yoon Suk Yeol' is already the name of official `yoon-suk-yeol` (")
    assert "'Yoon Suk-yeol', given at officials.yaml" in problem
    assert problem.endswith(
        "To add to that official, give `id: yoon-suk-yeol`; if this is another official of the "
        "same name, add `distinct_from: [yoon-suk-yeol]`"
    )
    assert set(newcomers) == {("official", "yoon-2", "")}


def test_the_same_id_the_same_name_another_kind_and_reference_data_are_not_duplicates():
    names = DuplicateNames()
    names.declare("official", "kim-gunn", [("Kim Gunn", REFERENCE)])
    names.declare("official", "kim-gunn", [("Kim Gunn", FACTS)])
    names.declare("organisation", "kim-gunn-office", [("Kim Gunn", FACTS)])
    names.declare("official", "kim-2", [("Kim Gunn", origin("ref.yaml", article=None))])

    assert checked(names) == ([], [])


def test_namesakes_that_say_so_share_a_name_the_newcomer_only_in_its_own_file():
    names = DuplicateNames()
    names.declare("official", "kim-jong-un", [("Kim", REFERENCE)])
    names.declare("official", "kim-2", [("Kim", FACTS)], distinct_from=["kim-jong-un"])

    assert checked(names) == ([], [("official", "kim-2", "a/facts.yaml")])


def test_namesakes_may_be_declared_from_either_side():
    names = DuplicateNames()
    names.declare("official", "first", [("Alex Tie", REFERENCE)], distinct_from=["second"])
    names.declare("official", "second", [("Alex Tie", FACTS)])

    problems, newcomers = checked(names)
    assert (problems, set(newcomers)) == ([], {("official", "second", "a/facts.yaml")})


def test_entities_a_correction_merges_are_one():
    names = DuplicateNames()
    names.declare("official", "kept", [("Ana Testa", REFERENCE)])
    names.declare("official", "dropped", [("Ana Testa", FACTS)])

    assert checked(names, merged={("official", "dropped")}) == ([], [])
    assert checked(names, merged={("official", "kept")})[0] == []


def test_a_name_given_by_another_input_counts_as_given():
    names = DuplicateNames()
    names.declare("organisation", "nato", [("North Atlantic Treaty Organization", REFERENCE)])
    names.declare("organisation", "nato", [("NATO", FACTS)])

    assert names.named_elsewhere("organisation", "nato", "north atlantic treaty organization", "x")
    assert not names.named_elsewhere("organisation", "nato", "NATO", "a/facts.yaml")
    assert names.named_elsewhere("organisation", "nato", "NATO", "b/facts.yaml")
    assert not names.named_elsewhere("official", "nato", "NATO", "b/facts.yaml")


def post(official: str = "ardern", title: str = "Prime Minister", **whose) -> dict:
    return {"official_id": official, "title": title, **whose}


def added(posts: DuplicatePosts, identifier: str, document: dict, distinct=()) -> list[str]:
    problems: list[str] = []
    posts.add(identifier, document, FACTS, distinct, lambda _o, text: problems.append(text))
    return problems


def test_a_post_repeated_under_another_id_is_refused_with_the_id_to_give():
    posts = DuplicatePosts()
    added(posts, "ardern--pm-nz", post(country_id="NZ"))

    (problem,) = added(posts, "ardern--pm", post(title="prime-minister", country_id="NZ"))

    assert problem == (
        "this post repeats posts/ardern--pm-nz (ardern, 'Prime Minister', NZ; given at "
        "a/facts.yaml). To add this evidence to it, give `id: ardern--pm-nz`; if it is another "
        "term of the same office, add `distinct_from: [ardern--pm-nz]`"
    )


def test_posts_of_other_offices_officials_or_terms_are_not_repeats():
    posts = DuplicatePosts()
    added(posts, "one", post(organisation_id="nato", country_id="NZ"))

    assert added(posts, "one", post(organisation_id="nato", country_id="NZ")) == []
    assert added(posts, "other-country", post(country_id="AU")) == []
    assert added(posts, "other-org", post(organisation_id="eu")) == []
    assert added(posts, "other-person", post(official="hipkins", country_id="NZ")) == []
    assert added(posts, "other-title", post(title="Minister", country_id="NZ")) == []
    assert added(posts, "term-2", post(country_id="NZ"), distinct=["one"]) == []


def test_a_post_that_names_no_organisation_or_country_repeats_another_such_post():
    posts = DuplicatePosts()
    added(posts, "first", post())

    (problem,) = added(posts, "second", post())

    assert "(ardern, 'Prime Minister', no organisation or country;" in problem
    assert added(posts, "third", post(country_id="NZ")) == []


def test_a_post_that_leaves_out_its_organisation_repeats_one_that_gives_it():
    posts = DuplicatePosts()
    added(posts, "nato-nz", post(organisation_id="nato", country_id="NZ"))

    (problem,) = added(posts, "nz", post(country_id="NZ"))
    assert "(ardern, 'Prime Minister', nato, NZ; given at" in problem
    assert added(posts, "eu-nz", post(organisation_id="eu", country_id="NZ")) == []


def test_a_post_that_gives_an_organisation_repeats_one_that_left_it_out():
    posts = DuplicatePosts()
    added(posts, "nz", post(country_id="NZ"))

    (problem,) = added(posts, "nato-nz", post(organisation_id="nato", country_id="NZ"))
    assert "posts/nz " in problem


def test_every_earlier_post_of_the_title_is_compared_not_only_the_first():
    posts = DuplicatePosts()
    added(posts, "nz", post(country_id="NZ"))
    added(posts, "au", post(country_id="AU"))
    added(posts, "term-2", post(country_id="NZ"), distinct=["nz"])

    (again_au,) = added(posts, "au-again", post(country_id="AU"))
    (again_term_2,) = added(posts, "nz-again", post(country_id="NZ"), distinct=["nz"])

    assert "posts/au " in again_au
    assert "posts/term-2 " in again_term_2
