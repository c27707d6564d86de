"""The caches, unit by unit: the response cache's key and bound, the document cache's estimate
and bound, and the persisted queries' rules (api/response_cache.py, api/caches.py,
api/persisted.py)."""

from __future__ import annotations

import hashlib

import pytest
from graphql import parse

from api import caches
from api.caches import BYTES_PER_TOKEN, ENTRY_BYTES, DocumentCache, document_bytes, text_bytes
from api.persisted import PersistedQueries, PersistedQueryError
from api.response_cache import ENTRY_OVERHEAD, ResponseCache, cache_key, is_query, query_text
from tests.support.app import graphql, make_settings, running_app

QUERY = "{ a }"
DIGEST = hashlib.sha256(QUERY.encode()).hexdigest()


# --- the response cache -------------------------------------------------------------------------


def test_a_key_changes_with_each_thing_an_answer_depends_on():
    base = cache_key(QUERY, {"n": 1}, "A", "public", 1)

    assert cache_key("{a}", {"n": 1}, "A", "public", 1) == base  # the same document
    assert cache_key(QUERY, {"n": 1}, "A", "public", 1) == base
    others = {
        cache_key("{ b }", {"n": 1}, "A", "public", 1),
        cache_key(QUERY, {"n": 2}, "A", "public", 1),
        cache_key(QUERY, None, "A", "public", 1),
        cache_key(QUERY, {"n": 1}, "B", "public", 1),
        cache_key(QUERY, {"n": 1}, None, "public", 1),
        cache_key(QUERY, {"n": 1}, "A", "editor", 1),
        cache_key(QUERY, {"n": 1}, "A", "public", 2),
    }
    assert base not in others and len(others) == 7
    assert cache_key(QUERY, None, None, "s", 1) == cache_key(QUERY, {}, None, "s", 1)
    assert len(base) == 64 and int(base, 16) >= 0


def test_a_document_that_does_not_parse_is_keyed_by_its_text():
    assert cache_key("{ a", None, None, "s", 1) != cache_key("{  a", None, None, "s", 1)
    assert query_text("{ a") is None


def test_a_query_text_is_normalised_once_and_kept_in_the_document_cache():
    cache = DocumentCache(100_000)

    first = query_text("query Q { a }  mutation M { b }", cache)
    again = query_text("query Q { a }  mutation M { b }", cache)

    assert first is again
    assert first.normalised == "query Q {\n  a\n}\n\nmutation M {\n  b\n}"
    assert first.operations == (("Q", True), ("M", False))
    assert len(cache) == 1
    assert query_text("{ a", cache) is None
    assert query_text("{ a", cache) is None and len(cache) == 2  # the failure is kept too


def test_an_entry_larger_than_the_whole_cache_is_not_kept():
    cache = ResponseCache(max_bytes=ENTRY_OVERHEAD + 10)

    kept = cache.put("small", {"a": 1})  # {"a":1}: 7 bytes
    refused = cache.put("large", {"a": "x" * 20})

    assert kept is not None and kept.size == ENTRY_OVERHEAD + 7
    assert refused is None
    assert cache.get("large") is None and cache.get("small") is kept


def test_an_entry_of_exactly_the_cache_s_size_is_kept():
    cache = ResponseCache(max_bytes=ENTRY_OVERHEAD + 7)

    assert cache.put("k", {"a": 1}, requested=5, actual=3) is not None
    assert cache.size == ENTRY_OVERHEAD + 7
    entry = cache.get("k")
    assert (entry.requested, entry.actual, entry.data) == (5, 3, {"a": 1})


def test_hits_and_misses_are_counted_and_a_cache_of_no_bytes_is_off():
    cache = ResponseCache(max_bytes=10_000)
    cache.put("k", {"a": 1})
    cache.get("k")
    cache.get("k")
    cache.get("other")

    assert (cache.hits, cache.misses) == (2, 1)
    assert cache.enabled and not ResponseCache(0).enabled
    assert cache.encoded_bytes() == 7
    assert ResponseCache(0).put("k", {"a": 1}) is None


def test_the_least_recently_used_answer_goes_first():
    cache = ResponseCache(max_bytes=3 * (ENTRY_OVERHEAD + 7))
    for key in ("a", "b", "c"):
        cache.put(key, {"a": 1})
    cache.get("a")
    cache.put("d", {"a": 1})

    assert cache.get("b") is None
    assert all(cache.get(key) is not None for key in ("a", "c", "d"))


# --- the document cache -------------------------------------------------------------------------


def test_text_is_charged_four_bytes_a_character_and_64_a_string():
    assert text_bytes("abc") == 4 * 3 + 64
    assert text_bytes("ab", None, "") == 4 * 2 + 64
    assert text_bytes() == 0


def test_a_parsed_document_is_charged_by_its_tokens_and_twice_its_text():
    document = parse("{ a b }")  # <SOF> { a b } <EOF>: 6 tokens

    assert document_bytes("{ a b }", document) == 2 * text_bytes("{ a b }") + 6 * BYTES_PER_TOKEN


def test_the_document_cache_keeps_what_fits_and_drops_the_least_recently_used():
    cache = DocumentCache(max_bytes=3 * (ENTRY_BYTES + 100))
    cache.put("too big", "x", 3 * (ENTRY_BYTES + 100))
    for key in ("a", "b", "c"):
        cache.put(key, key.upper(), 100)
    cache.get("a")
    cache.put("d", "D", 100)

    assert cache.get("too big") is None
    assert cache.get("b") is None
    assert [cache.get(key) for key in ("a", "c", "d")] == ["A", "C", "D"]
    assert len(cache) == 3 and cache.size == 3 * (ENTRY_BYTES + 100)


def test_a_value_of_exactly_the_document_cache_s_size_is_kept():
    cache = DocumentCache(max_bytes=ENTRY_BYTES + 50)
    cache.put("k", "v", 50)

    assert cache.get("k") == "v"


# --- persisted queries --------------------------------------------------------------------------


def extension(digest: str = DIGEST, version: object = 1) -> dict:
    return {"version": version, "sha256Hash": digest}


def code_of(persisted: PersistedQueries, query: str | None, given: object) -> str:
    with pytest.raises(PersistedQueryError) as raised:
        persisted.resolve(query, given)
    return raised.value.code


def test_a_registered_text_is_served_by_its_hash_alone():
    persisted = PersistedQueries(10)

    assert code_of(persisted, None, extension()) == "PERSISTED_QUERY_NOT_FOUND"
    assert persisted.resolve(QUERY, extension()) == QUERY
    assert persisted.resolve(None, extension()) == QUERY


def test_a_wrong_hash_is_refused_and_nothing_is_kept():
    persisted = PersistedQueries(10)
    other = hashlib.sha256(b"{ b }").hexdigest()

    assert code_of(persisted, QUERY, extension(other)) == "PERSISTED_QUERY_HASH_MISMATCH"
    assert code_of(persisted, None, extension(other)) == "PERSISTED_QUERY_NOT_FOUND"


def test_with_persisted_queries_off_a_text_still_runs_but_a_hash_alone_does_not():
    persisted = PersistedQueries(0)

    assert persisted.resolve(QUERY, extension()) == QUERY
    assert code_of(persisted, None, extension()) == "PERSISTED_QUERY_NOT_SUPPORTED"
    assert code_of(persisted, QUERY, extension(version=2)) == "PERSISTED_QUERY_INVALID"


def test_only_so_many_hashes_are_known_least_recently_used_out():
    persisted = PersistedQueries(2)
    texts = ["{ a }", "{ b }", "{ c }"]
    digests = [hashlib.sha256(text.encode()).hexdigest() for text in texts]
    for text, digest in zip(texts, digests, strict=True):
        persisted.resolve(text, extension(digest))

    assert code_of(persisted, None, extension(digests[0])) == "PERSISTED_QUERY_NOT_FOUND"
    assert persisted.resolve(None, extension(digests[2])) == "{ c }"


def test_a_known_hash_whose_text_the_document_cache_dropped_is_not_found():
    persisted = PersistedQueries(10, DocumentCache(max_bytes=ENTRY_BYTES + text_bytes(DIGEST)))
    persisted.resolve(QUERY, extension())  # the text does not fit: not kept

    assert code_of(persisted, None, extension()) == "PERSISTED_QUERY_NOT_FOUND"


def test_the_errors_carry_their_message():
    error = PersistedQueryError("PersistedQueryNotFound", "PERSISTED_QUERY_NOT_FOUND")

    assert (str(error), error.message, error.code) == (
        "PersistedQueryNotFound",
        "PersistedQueryNotFound",
        "PERSISTED_QUERY_NOT_FOUND",
    )


async def test_a_text_is_parsed_and_validated_once_and_its_errors_kept(monkeypatch):
    calls: list[str] = []
    real_parse, real_validate = caches.parse, caches.validate_document

    def parse_counted(*args, **kwargs):
        calls.append("parse")
        return real_parse(*args, **kwargs)

    def validate_counted(*args, **kwargs):
        calls.append("validate")
        return real_validate(*args, **kwargs)

    monkeypatch.setattr(caches, "parse", parse_counted)
    monkeypatch.setattr(caches, "validate_document", validate_counted)
    # The response cache off: every request goes through parsing and validation.
    async with running_app(make_settings(response_cache_bytes=0)) as (_app, client):
        good = [await graphql(client, "{ __typename }") for _ in range(3)]
        bad = [await graphql(client, "{ noSuchField }") for _ in range(3)]

    assert [body["data"] for body in good] == [{"__typename": "Query"}] * 3
    assert bad[0]["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert bad[1]["errors"] == bad[2]["errors"] == bad[0]["errors"]
    assert calls == ["parse", "validate", "parse", "validate"]


def test_the_same_variables_written_in_another_order_share_a_key():
    forwards = cache_key(QUERY, {"a": 1, "b": {"x": 1, "y": 2}}, None, "public", 1)
    backwards = cache_key(QUERY, {"b": {"y": 2, "x": 1}, "a": 1}, None, "public", 1)

    assert forwards == backwards


def test_keying_and_classifying_a_text_keep_it_once_in_the_shared_cache_at_its_size():
    text = "query Q { a }"
    normalised = "query Q {\n  a\n}"
    kept = text_bytes(text, normalised) + ENTRY_BYTES

    for use in (
        lambda cache: cache_key(text, None, "Q", "public", 1, cache),
        lambda cache: is_query(text, "Q", cache),
    ):
        cache = DocumentCache(100_000)
        use(cache)
        use(cache)
        assert (len(cache), cache.size) == (1, kept)
        assert query_text(text, cache).normalised == normalised


def test_every_miss_is_counted():
    cache = ResponseCache(max_bytes=10_000)

    for _ in range(3):
        cache.get("absent")

    assert (cache.hits, cache.misses) == (0, 3)
