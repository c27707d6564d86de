"""Name keys: how names are matched, by the loader's reference resolution and by `search`.

A key is the name lower-cased, with accents folded and punctuation turned into single spaces, so
"Türkiye", "TURKIYE" and "turkiye" meet, and "NAC+4" is "nac 4". MongoDB's collations would do
this on a server, but the embedded store ignores them, so the keys are stored in the documents.
The same goes for order: `sort_key` is a name's locale-aware collation key, stored next to it.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any

import icu

_NOT_WORD = re.compile(r"[\W_]+", re.UNICODE)
_APOSTROPHES = re.compile(r"['\u2019`\u00b4]s\b|['\u2019`\u00b4]")


@functools.lru_cache(maxsize=65536)
def name_key(text: str) -> str:
    """The normalised form of a name: folded accents, lower case, words joined by single spaces."""
    decomposed = unicodedata.normalize("NFKD", text)
    folded = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    without_apostrophes = _APOSTROPHES.sub("", folded)
    return _NOT_WORD.sub(" ", without_apostrophes).strip()


def token_key(text: str) -> str:
    """The name key with its words sorted: "Kishida Fumio" and "Fumio Kishida" meet."""
    return " ".join(sorted(name_key(text).split()))


def compact_key(text: str) -> str:
    """The name key without spaces: "Suk-yeol", "Suk yeol" and "Sukyeol" meet."""
    return name_key(text).replace(" ", "")


def match_keys(text: str) -> frozenset[str]:
    """Every key two names that mean the same are expected to share: the name key, the key whatever
    the word order, and the key whatever the spacing (hyphens count as spaces). Two names sharing
    any of them are one name written differently, for the loader's duplicate checks."""
    return frozenset(key for key in (name_key(text), token_key(text), compact_key(text)) if key)


# The kinds of key an entity's `name_keys` holds, each as a prefix: a name's key (what a seed
# file's reference is matched by first), its words in any order (the fallback), and its key
# without spaces (which the duplicate checks also compare).
INDEX_KEY_KINDS = ("n:", "w:", "c:")


def index_keys(name: str) -> list[str]:
    """The typed keys of one name, as an entity's `name_keys` holds them: `n:` its `name_key`,
    `w:` its `token_key`, `c:` its `compact_key`. One indexed field answers every question the
    seed loader asks of names (which entity a reference means, whom a new name would duplicate)
    without rebuilding its index from every article."""
    return [f"n:{name_key(name)}", f"w:{token_key(name)}", f"c:{compact_key(name)}"]


def clashing_keys(name: str) -> list[str]:
    """The typed keys of any name that shares a `match_keys` key with `name`, whichever kind of
    key each is: what finds the entities a new name would duplicate."""
    return [kind + key for key in sorted(match_keys(name)) for kind in INDEX_KEY_KINDS]


def occurs_in(name: str, text: str) -> bool:
    """Whether `name` is written in `text`, ignoring case, accents, punctuation, hyphens and word
    order: "Yoon Suk-yeol" occurs in "President Yoon Suk Yeol", and "Fumio Kishida" in "Prime
    Minister Kishida Fumio"."""
    wanted = name_key(name).split()
    if not wanted:
        return False
    words = name_key(text).split()
    if f" {' '.join(wanted)} " in f" {' '.join(words)} ":
        return True
    size, target = len(wanted), sorted(wanted)
    if any(sorted(words[i : i + size]) == target for i in range(len(words) - size + 1)):
        return True
    # Spacing: a run of whole words that is the name with its spaces moved ("Sukyeol").
    compact = "".join(wanted)
    return any(
        "".join(words[i : i + length]) == compact
        for length in range(1, size + 3)
        for i in range(len(words) - length + 1)
    )


def names_of(document: Mapping[str, Any]) -> list[str]:
    """Every name an entity is known by: its name, acronym, formal names, aliases, metonyms..."""
    names = [document.get("name"), document.get("acronym"), document.get("official_name")]
    names += [document.get("iso_name"), document.get("alpha3"), document.get("summary")]
    for field in ("aliases", "metonyms", "demonyms"):
        names += document.get(field) or []
    return [name for name in names if name]


def search_keys(names: Iterable[str]) -> list[str]:
    """Every key a document can be found by: each name's key and each of its word-suffixes.

    "Kim Gunn" gives "kim gunn" and "gunn", so a prefix search for "gunn" finds him; the
    search ranks full-name matches above suffix matches.
    """
    keys: dict[str, None] = {}
    for name in names:
        key = name_key(name)
        words = key.split()
        for start in range(len(words)):
            keys[" ".join(words[start:])] = None
    keys.pop("", None)
    return list(keys)


def prefix_pattern(key: str) -> str:
    """The regex for "a search key starting with `key`": anchored, and `key` read literally.

    Every regex built from user input goes through here. Escaped, no user text is regex syntax;
    an anchored literal runs in time linear in the key, and MongoDB answers it from the index.
    """
    return "^" + re.escape(key)


@functools.cache
def _collator() -> icu.Collator:
    # CLDR's root order as English uses it: accents and case count only between names that are
    # otherwise equal, so "Åland Islands" sorts with the A's and "Türkiye" before "Turkmenistan".
    return icu.Collator.createInstance(icu.Locale("en"))


def sort_key(name: str) -> str:
    """The collation key of a name, as a string that sorts the way the names should.

    ICU's binary sort key in hexadecimal (without its terminating zero byte): hex digits keep the
    byte order, and a plain string compares the same way in MongoDB, FerretDB and the embedded
    store, none of which needs a collation for it. Computed when documents are written, so that
    every backend orders names by the same stored value.
    """
    return _collator().getSortKey(name).rstrip(b"\x00").hex()
