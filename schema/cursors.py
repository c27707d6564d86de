"""Cursors: opaque, versioned keyset positions in a list.

A cursor names an item's position by the item's own sort values (its collation key, or date, and
its id), not by its index, so a page that starts after it starts after that item even when items
were added or removed in between. Its text is base64url of

    v1:<checksum>:<JSON {"l": list, "o": order, "k": [sort values]}>

Clients must treat it as opaque. It is not secret (it holds sort values of an item the client has
already seen), but it is checked: a cursor that is not base64 of that shape, whose checksum does
not match (edited or truncated), whose version is unknown, or that belongs to another list or
order is refused with BAD_USER_INPUT saying what to pass instead.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
from collections.abc import Sequence
from typing import Any

from store.errors import BadInput

VERSION = "v1"
# Longest cursor accepted: a few sort values of at most MAX_VALUE_LENGTH characters each.
MAX_CURSOR_LENGTH = 4096
MAX_VALUE_LENGTH = 1024
# The checksum detects edited or truncated cursors. It is keyed with a constant rather than a
# deployment secret, so that every replica and every restart accepts every other's cursors; a
# forged cursor can at most start a page at a made-up position in a list the client can read.
_CHECKSUM_KEY = b"diplograph cursor"
_CHECKSUM_LENGTH = 16
_BASE64URL = re.compile(r"[A-Za-z0-9_-]+={0,2}")
# Sort values are ids, ISO dates, hex collation keys and order numbers: printable ASCII only.
_VALUE = re.compile(r"[\x20-\x7e]*")


def _checksum(payload: str) -> str:
    return hmac.new(_CHECKSUM_KEY, payload.encode("ascii"), hashlib.sha256).hexdigest()[
        :_CHECKSUM_LENGTH
    ]


def encode_cursor(list_name: str, order: str, values: Sequence[Any]) -> str:
    """The cursor of the item at `values` in `list_name` ordered by `order`."""
    payload = json.dumps(
        {"l": list_name, "o": order, "k": list(values)}, separators=(",", ":"), sort_keys=True
    )
    text = f"{VERSION}:{_checksum(payload)}:{payload}"
    return base64.urlsafe_b64encode(text.encode("ascii")).decode("ascii").rstrip("=")


def decode_cursor(cursor: str, argument: str, list_name: str, order: str, length: int) -> list[str]:
    """The sort values a cursor holds, checked against the list and order it is used on."""
    text = _cursor_text(cursor, argument)
    version, _, rest = text.partition(":")
    if version != VERSION:
        if re.fullmatch(r"v\d{1,9}", version):
            raise _refused(argument, f"its version ({version}) is not one this API reads")
        if version == "arrayconnection":
            raise _refused(argument, "it is a position cursor of an earlier release")
        raise _refused(argument, "it is not one this API made")
    checksum, _, payload = rest.partition(":")
    if not hmac.compare_digest(checksum.encode("ascii"), _checksum(payload).encode("ascii")):
        raise _refused(argument, "it was changed or cut short")
    try:
        decoded = json.loads(payload)
    except ValueError:
        raise _refused(argument, "it was changed or cut short") from None
    if not (isinstance(decoded, dict) and set(decoded) == {"l", "o", "k"}):
        raise _refused(argument, "it is not one this API made")
    if decoded["l"] != list_name or decoded["o"] != order:
        raise _refused(
            argument,
            f"it points into another list ({decoded['l']} by {decoded['o']}), not {list_name} "
            f"by {order}",
        )
    values = decoded["k"]
    if not (
        isinstance(values, list)
        and len(values) == length
        and all(
            isinstance(value, str) and len(value) <= MAX_VALUE_LENGTH and _VALUE.fullmatch(value)
            for value in values
        )
    ):
        raise _refused(argument, "it is not one this API made")
    return values


def _cursor_text(cursor: str, argument: str) -> str:
    """The decoded text of a cursor: ASCII base64url only, of a bounded length."""
    if len(cursor) > MAX_CURSOR_LENGTH or not _BASE64URL.fullmatch(cursor):
        raise _refused(argument, "it is not one this API made")
    padded = cursor.rstrip("=") + "=" * (-len(cursor.rstrip("=")) % 4)
    try:
        return base64.urlsafe_b64decode(padded).decode("ascii")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise _refused(argument, "it is not one this API made") from None


def _refused(argument: str, reason: str) -> BadInput:
    return BadInput(
        f"`{argument}` is not a cursor of this list: {reason}. Pass the `endCursor` (for "
        "`after`) or `startCursor` (for `before`) of a page of the same list and order, or "
        "leave it out to start from the first page."
    )
