"""`diplograph export`: a store's articles, corrections and audit trail, as a data folder.

On MongoDB the database is the truth; this writes it back out in the form an editor (or
`diplograph seed`) reads, so that a store can be moved, reviewed or rebuilt: loading the folder
into an empty store gives the same graph.
"""

from __future__ import annotations

from pathlib import Path

from seeds.datadir import DataFolder
from store.connection import Store
from store.repository import audit
from store.repository.base import find_many
from store.repository.dataset import stored_corrections


async def export_store(store: Store, target: Path) -> tuple[int, int, int]:
    """Write every stored article, correction and audit entry under `target`: the counts."""
    folder = DataFolder(target)
    articles = await find_many(
        store,
        "articles",
        {},
        projection={"text": 1, "meta_yaml": 1, "facts_yaml": 1},
        sort=[("_id", 1)],
    )
    for document in articles:
        folder.save_article(
            document["_id"], document["text"], document["meta_yaml"], document["facts_yaml"]
        )
    corrections = await stored_corrections(store)
    for document in corrections:
        folder.save_correction(document["_id"], document["yaml"])
    entries = await audit.everything(store)
    by_write: dict[str, list[dict]] = {}
    for entry in entries:
        by_write.setdefault(entry["write"], []).append(entry)
    for write_id, written in by_write.items():
        folder.save_audit(write_id, written)
    return len(articles), len(corrections), len(entries)
