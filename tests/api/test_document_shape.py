"""The document guard's measure, unit by unit (api/limits.py `DocumentShape`): fields counted with
fragments expanded once, repeats, cycles, unknown fragments, introspection."""

from __future__ import annotations

import pytest
from graphql import parse

from api.errors import TooManyFields
from api.limits import MAX_SAME_NAME, DocumentShape, as_graphql_error, library_code


def verdict(document: str, max_fields: int = 10):
    return DocumentShape(parse(document), max_fields).check()


def test_a_document_within_the_limit_passes():
    assert verdict("{ a b { c d } }", max_fields=4) is None


def test_nested_fields_count_and_one_more_is_refused():
    error = verdict("{ a b { c d } e }", max_fields=4)

    assert error.extensions == {"code": "TOO_MANY_FIELDS", "maximum": 4}
    assert error.message == (
        "The query selects 5 fields once its fragments are expanded; the maximum is 4. Split it "
        "into smaller queries."
    )


def test_a_fragment_counts_each_time_it_is_spread_and_inline_fragments_count_too():
    document = "{ ...F ...F ... on Query { c } } fragment F on Query { a b }"

    assert verdict(document, max_fields=5) is None
    assert "selects 5 fields" in verdict(document, max_fields=4).message


def test_a_field_may_be_repeated_up_to_the_limit_in_one_selection_set():
    at_limit = "{ " + "a " * MAX_SAME_NAME + "}"
    over = "{ " + "a " * (MAX_SAME_NAME + 1) + "}"
    aliased = "{ " + " ".join(f"x{n}: a" for n in range(MAX_SAME_NAME + 1)) + " }"

    assert verdict(at_limit, max_fields=100) is None
    assert verdict(aliased, max_fields=100) is None
    error = verdict(over, max_fields=100)
    assert error.message == (
        f"The field `a` is selected {MAX_SAME_NAME + 1} times in one selection set; at most "
        f"{MAX_SAME_NAME} are allowed. Select it once."
    )
    assert error.extensions == {"code": "TOO_MANY_FIELDS", "maximum": MAX_SAME_NAME}


def test_repeats_count_across_fragments_spread_into_one_selection_set():
    half = " ".join(["a"] * 11)
    document = f"{{ ...F ...G }} fragment F on Query {{ {half} }} fragment G on Query {{ {half} }}"

    assert "`a` is selected 22 times" in verdict(document, max_fields=100).message


def test_an_unknown_fragment_and_a_cycle_are_refused_with_graphql_s_words():
    unknown = verdict("{ ...Missing }")
    itself = verdict("{ ...A } fragment A on Query { ...A }")
    cycle = verdict("{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }")

    assert unknown.message == "Unknown fragment 'Missing'."
    assert itself.message == "Cannot spread fragment 'A' within itself."
    assert cycle.message == "Cannot spread fragment 'A' within itself via 'B'."


def test_introspection_may_ask_for_each_expanding_field_once():
    once = "{ __schema { types { fields { name } inputFields { name } } } }"
    twice = "{ __schema { types { fields { type { fields { name } } } } } }"
    two_roots = '{ __schema { types { name } } __type(name: "Query") { name } }'
    aliased = "{ a: __schema { types { name } } b: __schema { types { name } } }"

    assert verdict(once, max_fields=100) is None
    assert "may ask for `fields` once per query; this query asks 2 times" in (
        verdict(twice, max_fields=100).message
    )
    assert verdict(two_roots, max_fields=100) is None
    assert "`__schema` once" in verdict(aliased, max_fields=100).message
    assert verdict("{ a { fields { fields { x } } } }", max_fields=100) is None


def test_introspection_inside_a_fragment_counts():
    document = (
        "{ __schema { ...T } } "
        "fragment T on __Schema { types { fields { type { fields { name } } } } }"
    )

    assert "`fields`" in verdict(document, max_fields=100).message


def test_fragments_nested_too_deeply_are_refused_without_recursing_forever():
    chain = [f"fragment F{n} on Query {{ ...F{n + 1} }}" for n in range(3000)]
    document = "{ ...F0 } " + " ".join(chain) + " fragment F3000 on Query { a }"

    error = verdict(document, max_fields=10_000)

    assert error.message == "The query nests fragments too deeply."


def test_library_rejections_get_stable_codes():
    assert library_code("'Q' exceeds maximum operation depth of 10") == "QUERY_TOO_DEEP"
    assert library_code("31 aliases found. Allowed: 30") == "TOO_MANY_ALIASES"
    assert library_code("Document contains more than 1000 tokens.") == "TOO_MANY_TOKENS"
    assert library_code("GraphQL introspection has been disabled, but") == (
        "INTROSPECTION_DISABLED"
    )
    assert library_code("Cannot query field 'x'.") is None


def test_an_expected_error_becomes_a_graphql_error_that_keeps_it():
    original = TooManyFields("too many", maximum=3)

    error = as_graphql_error(original)

    assert (error.message, error.original_error, error.extensions) == (
        "too many",
        original,
        {"code": "TOO_MANY_FIELDS", "maximum": 3},
    )


@pytest.mark.parametrize("max_fields", [1, 2])
def test_the_limit_applies_to_the_first_selection_set_that_passes_it(max_fields):
    error = verdict("{ a { b { c } } }", max_fields=max_fields)

    assert f"the maximum is {max_fields}" in error.message


def test_an_unknown_fragment_and_a_cycle_point_at_the_spread():
    unknown = verdict("{\n  a\n  ...Missing\n}")
    cycle = verdict(
        "{ ...A }\nfragment A on Query { ...B }\nfragment B on Query { ...C }\n"
        "fragment C on Query {\n  ...A\n}"
    )

    assert [(loc.line, loc.column) for loc in unknown.locations] == [(3, 3)]
    assert cycle.message == "Cannot spread fragment 'A' within itself via 'B', 'C'."
    assert [(loc.line, loc.column) for loc in cycle.locations] == [(5, 3)]


def test_an_introspection_refusal_says_how_to_get_the_schema_instead():
    error = verdict("{ a: __schema { types { name } } b: __schema { types { name } } }", 100)

    assert error.message == (
        "Introspection may ask for `__schema` once per query; this query asks 2 times. Download "
        "the schema once and explore it locally (GraphiQL does this)."
    )


def test_introspection_inside_an_inline_fragment_counts():
    document = (
        "{ __schema { ... on __Schema { types { fields { name } } } "
        "... on __Schema { types { fields { name } } } } }"
    )

    assert "may ask for `fields` once per query; this query asks 2 times" in (
        verdict(document, max_fields=100).message
    )
