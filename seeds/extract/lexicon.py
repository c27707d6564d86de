"""The closed word classes the rules use (titles, organisation heads, verbs of meeting), read
once from lexicon.yaml: data, so that a new title is a line of YAML, not a code change."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from store.names import name_key

LEXICON_FILE = Path(__file__).with_name("lexicon.yaml")


@dataclass(frozen=True)
class Lexicon:
    titles: frozenset[str]
    titles_before_names_only: frozenset[str]
    portfolios: frozenset[str]
    title_synonyms: dict[str, str]
    honorifics: frozenset[str]
    organisation_heads: dict[str, str]
    meeting_heads: frozenset[str]
    meet_verbs: frozenset[str]
    meet_phrases: tuple[str, ...]
    attend_words: frozenset[str]
    travel_verbs: frozenset[str]
    host_verbs: frozenset[str]
    attend_phrases: tuple[str, ...]
    chair_verbs: frozenset[str]
    future_cues: tuple[str, ...]
    unreal_cues: tuple[str, ...]
    negations: frozenset[str]
    numbers: dict[str, int]
    pronouns: frozenset[str]
    not_names: frozenset[str]
    speech_verbs: dict[str, str]
    speech_phrases: dict[tuple[str, ...], str]
    judgements: dict[str, str]
    first_person_verbs: dict[str, str]
    speech_adverbs: frozenset[str]
    group_heads: dict[str, str]
    description_heads: frozenset[str]
    event_nouns: dict[str, str]
    event_verbs: dict[str, str]
    launch_objects: frozenset[str]
    event_compounds: frozenset[str]

    def canonical_title(self, title: str) -> str:
        """The key a title is compared by: "Foreign Minister" is "minister of foreign affairs"."""
        key = name_key(title)
        return name_key(self.title_synonyms.get(key, key))

    def number(self, word: str) -> int | None:
        if word.isdigit():
            return int(word)
        return self.numbers.get(word.lower())


@cache
def lexicon() -> Lexicon:
    data = yaml.safe_load(LEXICON_FILE.read_text(encoding="utf-8"))
    return Lexicon(
        titles=frozenset(data["titles"]),
        titles_before_names_only=frozenset(data["titles_before_names_only"]),
        portfolios=frozenset(data["portfolios"]),
        title_synonyms={name_key(k): v for k, v in data["title_synonyms"].items()},
        honorifics=frozenset(data["honorifics"]),
        organisation_heads=dict(data["organisation_heads"]),
        meeting_heads=frozenset(data["meeting_heads"]),
        meet_verbs=frozenset(data["meet_verbs"]),
        meet_phrases=tuple(data["meet_phrases"]),
        attend_words=frozenset(data["attend_words"]),
        travel_verbs=frozenset(data["travel_verbs"]),
        host_verbs=frozenset(data["host_verbs"]),
        attend_phrases=tuple(data["attend_phrases"]),
        chair_verbs=frozenset(data["chair_verbs"]),
        future_cues=tuple(data["future_cues"]),
        unreal_cues=tuple(data["unreal_cues"]),
        negations=frozenset(data["negations"]),
        numbers={str(k): int(v) for k, v in data["numbers"].items()},
        pronouns=frozenset(data["pronouns"]),
        not_names=frozenset(data["not_names"]),
        speech_verbs=dict(data["speech_verbs"]),
        speech_phrases={tuple(k.split()): v for k, v in data["speech_phrases"].items()},
        judgements=dict(data["judgements"]),
        first_person_verbs=dict(data["first_person_verbs"]),
        speech_adverbs=frozenset(data["speech_adverbs"]),
        group_heads=dict(data["group_heads"]),
        description_heads=frozenset(data["description_heads"]),
        event_nouns=dict(data["event_nouns"]),
        event_verbs=dict(data["event_verbs"]),
        launch_objects=frozenset(data["launch_objects"]),
        event_compounds=frozenset(data["event_compounds"]),
    )
