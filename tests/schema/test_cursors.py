"""Cursors, unit by unit (schema/cursors.py): what one holds, and every way a string is refused."""

from __future__ import annotations

import base64
import json

import pytest

from schema.cursors import (
    MAX_CURSOR_LENGTH,
    MAX_VALUE_LENGTH,
    VERSION,
    _checksum,
    decode_cursor,
    encode_cursor,
)
from store.errors import BadInput


def made(payload: dict, version: str = VERSION, checksum: str | None = None) -> str:
    text = json.dumps(payload, separators=(",", ":"), sort_keys=True)
    mark = _checksum(text) if checksum is None else checksum
    return base64.urlsafe_b64encode(f"{version}:{mark}:{text}".encode()).decode().rstrip("=")


def refusal(cursor: str, length: int = 2) -> str:
    with pytest.raises(BadInput) as raised:
        decode_cursor(cursor, "after", "countries", "NAME", length)
    return raised.value.message


def test_a_cursor_holds_its_list_order_and_values_as_url_safe_text_without_padding():
    cursor = encode_cursor("countries", "NAME", ["0b1c", "KR"])

    text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    version, checksum, payload = text.split(":", 2)
    assert (version, len(checksum)) == ("v1", 16)
    assert json.loads(payload) == {"l": "countries", "o": "NAME", "k": ["0b1c", "KR"]}
    assert payload == '{"k":["0b1c","KR"],"l":"countries","o":"NAME"}'
    assert "=" not in cursor and "+" not in cursor and "/" not in cursor
    assert decode_cursor(cursor, "after", "countries", "NAME", 2) == ["0b1c", "KR"]


def test_a_cursor_of_every_length_decodes_whatever_its_padding():
    for value in ("a", "ab", "abc", "abcd"):
        cursor = encode_cursor("l", "o", [value])
        assert decode_cursor(cursor, "before", "l", "o", 1) == [value]
        assert decode_cursor(cursor + "=" * (-len(cursor) % 4), "before", "l", "o", 1) == [value]


def test_the_refusal_names_the_argument_and_says_what_to_pass():
    with pytest.raises(BadInput) as raised:
        decode_cursor("%%%", "before", "countries", "NAME", 2)

    assert raised.value.message == (
        "`before` is not a cursor of this list: it is not one this API made. Pass the `endCursor` "
        "(for `after`) or `startCursor` (for `before`) of a page of the same list and order, or "
        "leave it out to start from the first page."
    )


@pytest.mark.parametrize(
    ("cursor", "reason"),
    [
        (made({"l": "countries", "o": "NAME", "k": ["a", "b"]}, "v2"), "its version (v2) is not"),
        (made({"l": "countries", "o": "NAME", "k": ["a", "b"]}, "v123456789"), "its version"),
        (made({"l": "countries", "o": "NAME", "k": ["a", "b"]}, "v1234567890"), "not one this API"),
        (made({"l": "countries", "o": "NAME", "k": ["a", "b"]}, "w1"), "not one this API made"),
        (made({"l": "countries", "o": "NAME", "k": ["a", "b"]}, checksum="0" * 16), "changed"),
        (base64.urlsafe_b64encode(b"arrayconnection:5").decode(), "a position cursor"),
        (made({"l": "countries", "o": "NAME"}), "not one this API made"),
        (made({"l": "countries", "o": "NAME", "k": ["a", "b"], "x": 1}), "not one this API made"),
        (
            made({"l": "officials", "o": "NAME", "k": ["a", "b"]}),
            "another list (officials by NAME)",
        ),
        (
            made({"l": "countries", "o": "CODE", "k": ["a", "b"]}),
            "another list (countries by CODE)",
        ),
        (made({"l": "countries", "o": "NAME", "k": ["a"]}), "not one this API made"),
        (made({"l": "countries", "o": "NAME", "k": ["a", 1]}), "not one this API made"),
        (made({"l": "countries", "o": "NAME", "k": "ab"}), "not one this API made"),
        (made({"l": "countries", "o": "NAME", "k": ["a", "\u00e9"]}), "not one this API made"),
        (made({"l": "countries", "o": "NAME", "k": ["a", "\n"]}), "not one this API made"),
        (made({"l": "countries", "o": "NAME", "k": ["a", "x" * (MAX_VALUE_LENGTH + 1)]}), "not"),
        (made(["countries", "NAME", ["a", "b"]]), "not one this API made"),  # type: ignore[arg-type]
        ("A" * (MAX_CURSOR_LENGTH + 1), "not one this API made"),
        ("abc$", "not one this API made"),
        ("gA", "not one this API made"),  # not ASCII once decoded
        ("a", "not one this API made"),  # not base64 at all
    ],
)
def test_a_string_this_api_did_not_make_for_this_list_is_refused(cursor, reason):
    message = refusal(cursor)

    assert message.startswith("`after` is not a cursor of this list: it")  # the argument
    assert reason in message
    assert ". Pass the `endCursor`" in message


def test_a_value_at_the_length_limit_and_every_printable_character_are_kept():
    printable = "".join(chr(code) for code in range(0x20, 0x7F))
    longest = "x" * MAX_VALUE_LENGTH

    for values in ([printable, "KR"], [longest, "KR"]):
        assert (
            decode_cursor(made({"l": "c", "o": "N", "k": values}), "after", "c", "N", 2) == values
        )


def test_a_payload_that_is_not_json_behind_a_right_checksum_is_refused():
    text = "{not json"
    cursor = base64.urlsafe_b64encode(f"v1:{_checksum(text)}:{text}".encode()).decode()

    assert refusal(cursor).startswith(
        "`after` is not a cursor of this list: it was changed or cut short. Pass"
    )
