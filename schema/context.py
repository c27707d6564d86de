"""What every resolver receives as `info.context`: the store and this request's DataLoaders."""

from __future__ import annotations

from dataclasses import dataclass, field

from store.connection import Store
from store.loaders import Loaders


@dataclass
class Context:
    """One request's context. Loaders are per request, so their caches never outlive it.

    The HTTP app extends it with what only the app needs (the request, its state, the settings);
    resolvers read the store and the loaders only.
    """

    store: Store
    loaders: Loaders = field(init=False)

    def __post_init__(self) -> None:
        self.loaders = Loaders(self.store)
