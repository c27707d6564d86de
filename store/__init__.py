"""diplograph's data layer: the database handle, the embedded engine, the repository functions
(the only code that builds MongoDB queries), the entity registry, name keys, time rules and the
domain errors. It imports nothing else of diplograph's; `schema`, `seeds` and `api` sit on it."""

from typing import Any

Document = dict[str, Any]
"""A stored document, as PyMongo returns it. The one meaning of `Document` in diplograph."""
