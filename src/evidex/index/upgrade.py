"""Upgrading a vector index of the layout before shards (one f16 file per settings hash) in place.

Stores made before issue 10 hold ``<hash>/index.usearch`` (f16 HNSW, format 1). Embedding
again would cost a minilm store hours, so the vectors are read back from that file, quantised
to int8 and added to the shards of the new index; one SQLite commit moves ``vector_state`` to
the new index and forgets the old one, then the old folder is removed. A kill before that
commit leaves the old index in use (the next writer starts again); after it, the old folder
is a leftover that the next writer removes.
"""
from __future__ import annotations

import shutil
from typing import TYPE_CHECKING

import numpy as np

from .embed import Embedder, settings_hash
from .files import IndexFiles

if TYPE_CHECKING:
    from .vectors import VectorIndex

LEGACY_HNSW = {"metric": "cos", "dtype": "f16", "connectivity": 16, "expansion_add": 128, "expansion_search": 128}
BATCH = 8192


def legacy_settings(embedder: Embedder) -> dict[str, object]:
    """The settings (hence the folder name) the same embedder's index had in format 1."""
    settings: dict[str, object] = {"embedder": embedder.settings(), "index": {"kind": "usearch-hnsw", **LEGACY_HNSW},
                                   "format": 1}
    if embedder.chunk_sentences > 0:
        settings["index"]["multi"] = True           # type: ignore[index]
        settings["sentences_per_chunk"] = embedder.chunk_sentences
    return settings


def upgrade(ix: VectorIndex) -> str:
    """Move a format-1 index of ``ix``'s embedder into ``ix``'s shards (the caller holds the
    writer lock). Returns what was done: none, upgraded, dropped or leftover."""
    key = settings_hash(legacy_settings(ix.embedder))
    folder = ix.folder.parent / key
    conn = ix.store.conn
    if not folder.is_dir():
        return "none"
    if ix._committed():
        shutil.rmtree(folder, ignore_errors=True)      # committed before a kill: only the folder is left
        return "leftover"
    from usearch.index import Index

    def new():
        return Index(ndim=ix.embedder.dim, multi=ix.multi, **LEGACY_HNSW)

    def view(path):
        index = new()
        try:
            index.view(str(path))
        except (RuntimeError, ValueError, OSError):
            return None
        return index

    files = IndexFiles(conn, folder, key)
    files.heal({"settings_hash": key}, view)           # finish or adopt its last save first
    old = view(files.path) if files.committed() is not None and files.path.exists() else None
    rows = conn.execute("SELECT v.rowid, v.hash FROM vector_state v JOIN records r ON r.rowid = v.rowid "
                        "WHERE v.index_key = ? ORDER BY v.rowid", (key,)).fetchall() if old is not None else []

    def forget(cur) -> None:
        cur.execute("DELETE FROM vector_state WHERE index_key = ?", (key,))
        cur.execute("DELETE FROM vector_files WHERE index_key = ?", (key,))

    done = []
    for i in range(0, len(rows), BATCH):
        chunk = [(r, h) for r, h in rows[i:i + BATCH] if r in old]
        if not chunk:
            continue
        got = old.get(np.array([r for r, _ in chunk], dtype=np.uint64))
        blocks = [np.asarray(b, dtype=np.float32).reshape(-1, ix.embedder.dim) for b in (got if ix.multi else [got])]
        if ix.multi:
            keys = np.concatenate([np.full(len(b), r, dtype=np.uint64) for (r, _), b in zip(chunk, blocks)])
        else:
            keys = np.array([r for r, _ in chunk], dtype=np.uint64)
        from .shards import quantise_i8
        ix._add(keys, quantise_i8(np.concatenate(blocks)))
        done += chunk
    del old
    if done:
        ix._save_commit(done, [], also=forget)
    else:
        cur = conn.cursor()
        cur.execute("BEGIN IMMEDIATE")
        forget(cur)
        cur.execute("COMMIT")
    shutil.rmtree(folder, ignore_errors=True)
    return "upgraded" if done else "dropped"
