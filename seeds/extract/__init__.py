"""The extractor: drafts an article's facts file, linked to what the graph already knows.

`Extractor(knowledge).draft(text, published)` reads an article with rules over spaCy's blank
English pipeline (no model) and returns a `Draft`: proposals in the loader's format, each with
its quote, rule and confidence. `write.py` writes it as a bundle the loader refuses until a
reviewer removes the draft marker; `evaluate.py` scores drafts against reviewed facts files.
"""

from seeds.extract.extractor import Extractor
from seeds.extract.knowledge import Knowledge
from seeds.extract.proposals import Draft, Proposal

__all__ = ["Draft", "Extractor", "Knowledge", "Proposal"]
