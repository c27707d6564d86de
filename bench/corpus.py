"""Generate synthetic article bundles that grow the graph around the golden entities.

Each generated article declares new officials, an organisation and a meeting, and ties them to the
entities the golden questions ask about (Kim Gunn, Yoon Suk-yeol, South Korea, NATO, the NAC+4
meeting), so that "the data grew 10x" also means "the golden answers' neighbourhoods grew 10x".
Used by the N+1 test, the loader's throughput benchmark and the scale series.

    python -m bench.corpus OUT_DIR --count 1000
"""

from __future__ import annotations

import argparse
import hashlib
import random
from pathlib import Path

import yaml

COUNTRIES = [
    ("South Korea", "South Korean"),
    ("Japan", "Japanese"),
    ("Australia", "Australian"),
    ("New Zealand", "New Zealand"),
    ("Finland", "Finnish"),
    ("Sweden", "Swedish"),
    ("Belgium", "Belgian"),
]
GIVEN = ["Ari", "Bo", "Cem", "Dana", "Eun", "Femi", "Gil", "Hana", "Ivo", "Jun", "Kai", "Lin"]
FAMILY = ["Park", "Lee", "Choi", "Sato", "Smith", "Virtanen", "Berg", "Janssens", "Kim", "Tanaka"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]


def _article(index: int, rng: random.Random) -> tuple[dict, str, dict]:
    """(article.yaml data, article text, facts.yaml data) for synthetic article `index`."""
    slug = f"synthetic-{index:05d}"
    country, demonym = COUNTRIES[index % len(COUNTRIES)]
    people = [
        (f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}-{index:05d}-{k}", f"official-{index:05d}-{k}")
        for k in range(3)
    ]
    forum = (f"Synthetic Forum {index:05d}", f"forum-{index:05d}")
    meeting_name = f"Synthetic Talks {index:05d}"
    weekday = WEEKDAYS[index % len(WEEKDAYS)]
    sentences = {
        "envoy": f"{demonym} envoy {people[0][0]} attended the NAC+4 meeting on behalf of "
        f"{country}.",
        "posts": f"{people[1][0]} is {country}'s Deputy Minister for Synthetic Affairs, and "
        f"{people[2][0]} is Director of the {forum[0]}.",
        "talks": f"On {weekday}, {people[0][0]} met Ambassador Kim Gunn and President Yoon "
        f"Suk-yeol at the {meeting_name} on the sidelines of the NATO Summit.",
        "forum": f"South Korea joined the {forum[0]} as a member this year.",
        "decision": f"The North Atlantic Council agreed on {weekday} to welcome the "
        f"{forum[0]}'s work with South Korea.",
    }
    text = f"By Synthetic Desk\n{' '.join(sentences.values())}\n"
    meta = {
        "id": slug,
        "title": f"Synthetic article {index:05d}",
        "url": f"https://example.org/synthetic/{index:05d}",
        "publisher": "Synthetic Wire",
        "authors": ["Synthetic Desk"],
        "published": {"date": "2022-09-28", "inferred": False},
        "sha256": hashlib.sha256(text.encode()).hexdigest(),
    }
    facts = {
        "officials": [
            {"id": ident, "name": name, "country": country, "quote": name} for name, ident in people
        ],
        "organisations": [
            {
                "id": forum[1],
                "name": forum[0],
                "kind": "partnership",
                "quote": f"South Korea joined the {forum[0]}",
            }
        ],
        "meetings": [
            {
                "id": f"talks-{index:05d}",
                "name": meeting_name,
                "kind": "multilateral",
                "parent": "2022 NATO Summit",
                "date": {"phrase": f"On {weekday}"},
                "quote": sentences["talks"],
            }
        ],
        "participations": [
            {
                "meeting": "NAC+4 meeting",
                "participant": people[0][1],
                "role": "representative",
                "on_behalf_of": country,
                "quote": sentences["envoy"],
            },
            {
                "meeting": f"talks-{index:05d}",
                "participants": [people[0][1], "Kim Gunn", "Yoon Suk-yeol"],
                "role": "participant",
                "quote": sentences["talks"],
            },
        ],
        "posts": [
            {
                "official": people[1][1],
                "title": "Deputy Minister for Synthetic Affairs",
                "country": country,
                "quote": f"{people[1][0]} is {country}'s Deputy Minister for Synthetic Affairs",
            },
            {
                "official": people[2][1],
                "title": f"Director of the {forum[0]}",
                "organisation": forum[1],
                "quote": f"{people[2][0]} is Director of the {forum[0]}",
            },
        ],
        "memberships": [
            {
                "member": "South Korea",
                "organisation": forum[1],
                "role": "member",
                "quote": sentences["forum"],
            }
        ],
        "decisions": [
            {
                "id": f"nac-synthetic-{index:05d}",
                "body": "North Atlantic Council",
                "date": {"phrase": f"on {weekday}"},
                "summary": f"Welcomed the {forum[0]}'s work with South Korea.",
                "subjects": ["South Korea", forum[1]],
                "quote": sentences["decision"],
            }
        ],
    }
    return meta, text, facts


def write_corpus(target: Path, count: int, seed: int = 0) -> list[Path]:
    """Write `count` bundles under `target` (one folder each) and return their folders."""
    rng = random.Random(seed)
    return [_write(target, *_article(index, rng)) for index in range(count)]


def _write(target: Path, meta: dict, text: str, facts: dict) -> Path:
    folder = target / meta["id"]
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "article.txt").write_text(text, encoding="utf-8")
    (folder / "article.yaml").write_text(yaml.safe_dump(meta, sort_keys=False), encoding="utf-8")
    (folder / "facts.yaml").write_text(
        yaml.safe_dump(facts, sort_keys=False, allow_unicode=True, width=1000), encoding="utf-8"
    )
    return folder


def write_one(target: Path, index: int, seed: int = 0) -> Path:
    """Write synthetic article `index` alone under `target` and return its folder (an article
    added on top of a corpus, for incremental loads)."""
    return _write(target, *_article(index, random.Random(seed + index)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("target", type=Path, help="Folder to write the bundles into.")
    parser.add_argument("--count", type=int, default=100, help="Number of articles (default 100).")
    parser.add_argument("--seed", type=int, default=0, help="Random seed (default 0).")
    arguments = parser.parse_args()
    folders = write_corpus(arguments.target, arguments.count, arguments.seed)
    print(f"wrote {len(folders)} article bundles under {arguments.target}")


if __name__ == "__main__":
    main()
