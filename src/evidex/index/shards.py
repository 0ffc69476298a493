"""One shard of a vector index: the HNSW file (usearch) for one fixed range of record rowids.

An index is cut by rowid into ranges of ``SHARD_ROWS``: new records get the highest rowids, so
adds go to the last shard and a save rewrites only the shards that changed, not the whole
index. Each shard has its own folder, generation and manifest (``files.IndexFiles``), so the
crash-safe save of one file applies to every shard; one SQLite commit switches all the shards
a sync touched at once. Queries memory-map each shard read-only (``view``); a writer loads
only the shards it changes. Deleted records are removed (usearch keeps a tombstone, so the
file does not shrink) until ``rebuild`` writes the shard again from its live vectors.

Vectors are stored as int8, quantised here: each vector scaled so that its largest component
is 127. usearch's own cast of a float vector for a cosine index multiplies the unit vector
by 127, so a 256-d vector (components near 0.06) uses a handful of the 255 levels: recall@10
against an exact scan on SciFact's wordllama vectors is 0.943 that way, 0.989 with this
scaling, 0.996 for f16, at 405 bytes per vector against 661 (benchmarks/vectors.py; retrieval
asks for the nearest 100, whose top 20 already hold 99.96% of the exact top 10). Queries are
quantised the same way. Cosine does not see the scale.
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np

from .files import Generation, IndexFiles

HNSW_GRAPH = {"connectivity": 16, "expansion_add": 128, "expansion_search": 128}
HNSW = {"metric": "cos", "dtype": "i8", **HNSW_GRAPH}
QUANTISATION = "int8-maxabs"      # named in the settings hash: vectors quantised another way are not mixed
SHARD_ROWS = 1 << 18              # 262,144 rowids: ~106 MB of int8 wordllama vectors + graph per full shard


def quantise_i8(vectors: np.ndarray) -> np.ndarray:
    """Float vectors -> int8, each scaled so its largest component is +-127 (pure)."""
    v = np.asarray(vectors, dtype=np.float32)
    scale = 127.0 / np.maximum(np.abs(v).max(axis=-1, keepdims=True), 1e-12)
    return np.clip(np.rint(v * scale), -127, 127).astype(np.int8)


def shard_of(rowid: int, rows: int) -> int:
    return int(rowid) // rows


class Shard:
    """One rowid range's index: its files, and the usearch index opened on them."""

    def __init__(self, conn, base: Path, key: str, number: int, rows: int, new: Callable[[], object]) -> None:
        lo = number * rows
        self.number = number
        self.files = IndexFiles(conn, base / f"shard-{number:05d}", f"{key}/{number:05d}", state_key=key,
                                rows=(lo, lo + rows))
        self._new = new
        self.index = new()
        self.generation: int | None = None
        self.writable = False

    @property
    def path(self) -> Path:
        return self.files.path

    def view(self, path: Path):
        """The index file at ``path`` memory-mapped read-only, or None if it cannot be read."""
        index = self._new()
        try:
            index.view(str(path))
        except (RuntimeError, ValueError, OSError):
            return None
        return index

    def open(self, writable: bool, gen: Generation | None) -> bool:
        """Memory-map the committed file for queries, or load it to be written. False when the
        file exists but cannot be read (queries then see no vectors in this shard)."""
        size = self.path.stat().st_size if self.path.exists() else None
        index, ok = self._new(), True
        if size is not None:
            try:
                (index.load if writable else index.view)(str(self.path))
            except (RuntimeError, ValueError, OSError):
                index, ok = self._new(), False
        self.index = index
        # A file not yet renamed into place by its writer (committed, size differs) counts as no
        # generation, so the next ``refresh`` looks again.
        self.generation = None if gen is None else gen.number if size == gen.bytes else -1
        self.writable = writable or size is None
        return ok

    def tombstones(self) -> int:
        """Removed vectors still taking room in the file (read from its header)."""
        if not self.path.exists():
            return 0
        from usearch.index import Index
        meta = Index.metadata(str(self.path)) or {}
        return int(meta.get("count_deleted", 0))
