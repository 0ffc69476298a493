"""The vector index beside the SQLite store: one HNSW file (usearch) and a manifest.

Layout, for a store at ``evidex.db``::

    evidex.db.vectors/<settings-hash>/index.usearch   # HNSW graph + f16 vectors, key = records.rowid
                                                      # (a passage embedder files several per key)
    evidex.db.vectors/<settings-hash>/manifest.json   # embedder and index settings, versions, and
                                                      # the generation, count and size it describes

The folder is named by the hash of everything that shaped the vectors (embedder, model
version, index parameters), so a stale index is never reused (paper-qa's convention). Which
records are embedded, and at which content hash, is kept in the store in a table of this
module's own (``vector_state``), so that ``sync`` embeds only new or changed records and
drops deleted ones. The file and that state are switched together by one SQLite commit
(``index.files``), so a kill at any point leaves the last committed index or heals to it.
Writers hold the store's writer lock (``evidex.lock``); a reader process reopens the index
when a writer commits a newer generation.

usearch HNSW was chosen over an exact NumPy scan by measurement (benchmarks/retrieval.py):
at 1M vectors an exact float32 scan reads 1 GB per query, far above the 50 ms goal.
"""
from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..faults import checkpoint
from ..lock import StoreBusy, store_lock
from ..store import SearchFilter, Store, filter_sql
from ..text import sentence_spans
from .embed import DEFAULT_EMBEDDER, EMBEDDERS, Embedder, embedding_available, get_embedder, settings_hash
from .files import Generation, IndexFiles

FORMAT = 1
HNSW = {"metric": "cos", "dtype": "f16", "connectivity": 16, "expansion_add": 128, "expansion_search": 128}
SYNC_BATCH = 2048
SAVE_EVERY = 16      # batches between index saves (a crash redoes at most these)


def embed_text(title: str, record_json: str) -> str:
    """What is embedded for a record: its title and abstract sections."""
    data = json.loads(record_json)
    return " ".join([title, *(s.get("text", "") for s in data.get("sections", ()))])


def record_texts(title: str, record_json: str, sentences_per_chunk: int = 0) -> list[str]:
    """The texts embedded for one record: the whole record (0), or passages of a few
    sentences, the title leading the first, so that a claim matching one passage of a long
    abstract is not diluted by the rest (or cut off by a contextual model's length limit)."""
    if sentences_per_chunk <= 0:
        return [embed_text(title, record_json)]
    data = json.loads(record_json)
    body = " ".join(s.get("text", "") for s in data.get("sections", ()) if s.get("text"))
    sentences = [body[a:b] for a, b in sentence_spans(body)]
    if not sentences:
        return [" ".join(p for p in (title, body) if p) or " "]
    chunks = [" ".join(sentences[i:i + sentences_per_chunk]) for i in range(0, len(sentences), sentences_per_chunk)]
    chunks[0] = f"{title}. {chunks[0]}" if title else chunks[0]
    return chunks


@dataclass
class SyncReport:
    embedded: int = 0
    removed: int = 0
    total: int = 0


class VectorIndex:
    """Vectors for every record of one store, made by one embedder."""

    def __init__(self, store: Store, embedder: Embedder) -> None:
        self.store = store
        self.embedder = embedder
        self.chunk = embedder.chunk_sentences
        self.multi = self.chunk > 0           # several passage vectors under one record key
        settings = {"embedder": embedder.settings(), "index": {"kind": "usearch-hnsw", **HNSW},
                    "format": FORMAT}
        if self.multi:
            # Only passage indexes name these, so one-vector indexes keep the hash (and the
            # vectors) they had before passages existed.
            settings["index"]["multi"] = True
            settings["sentences_per_chunk"] = self.chunk
        self.settings = settings
        self.key = settings_hash(settings)
        self.folder = Path(str(store.path) + ".vectors") / self.key
        self.files = IndexFiles(store.conn, self.folder, self.key)
        self.path = self.files.path
        self._pending: Generation | None = None
        self._heal_if_free()
        self._open(writable=False)

    def _new(self):
        from usearch.index import Index
        return Index(ndim=self.embedder.dim, multi=self.multi, **HNSW)

    def _view(self, path: Path):
        """The index file at ``path`` memory-mapped read-only, or None if it cannot be read."""
        index = self._new()
        try:
            index.view(str(path))
        except (RuntimeError, ValueError, OSError):
            return None
        return index

    def _open(self, writable: bool) -> None:
        """Queries memory-map the committed index (read-only, pages loaded on demand, so memory
        stays bounded whatever the store's size); a sync with work to do loads it writable.
        An unreadable file gives queries no vectors; a writer forgets it and re-embeds."""
        gen = self.files.committed()
        size = self.path.stat().st_size if self.path.exists() else None
        index = self._new()
        if size is not None:
            try:
                (index.load if writable else index.view)(str(self.path))
            except (RuntimeError, ValueError, OSError):
                index = self._new()
                if writable:
                    self.files.reset()
        self._index = index
        # A file not yet renamed into place by its writer (committed, size differs) counts as no
        # generation, so the next ``refresh`` looks again.
        self._generation = None if gen is None else gen.number if size == gen.bytes else -1
        self._writable = writable or not self.path.exists()

    def _manifest(self) -> dict[str, object]:
        import usearch
        return {**self.settings, "settings_hash": self.key, "usearch_version": usearch.__version__,
                "key": "records.rowid"}

    def _heal_if_free(self) -> None:
        """Repair the files after a crash (``IndexFiles.heal``) unless someone is writing now."""
        try:
            with store_lock(self.store.path):
                self.files.heal(self._manifest(), self._view)
        except StoreBusy:
            pass

    def refresh(self) -> None:
        """Reopen the index if another process committed a newer one since it was opened (a
        server answering while an ingest embeds); one indexed read when nothing changed."""
        gen = self.files.committed()
        if (gen.number if gen else None) != self._generation:
            self._heal_if_free()
            self._open(writable=False)

    def __len__(self) -> int:
        return len(self._index)

    # -- writing ------------------------------------------------------------------------
    def pending(self) -> tuple[list[tuple[int, str]], list[int]]:
        """(records to embed: rowid, hash), (rowids to drop). Ids only: texts are read per
        batch in ``sync`` so memory stays flat however large the store."""
        conn = self.store.conn
        todo = conn.execute(
            "SELECT r.rowid, r.hash FROM records r LEFT JOIN vector_state v "
            "ON v.index_key = ? AND v.rowid = r.rowid WHERE v.hash IS NULL OR v.hash != r.hash "
            "ORDER BY r.rowid", (self.key,)).fetchall()
        gone = [r for (r,) in conn.execute(
            "SELECT v.rowid FROM vector_state v LEFT JOIN records r ON r.rowid = v.rowid "
            "WHERE v.index_key = ? AND r.rowid IS NULL", (self.key,))]
        return todo, gone

    def _texts(self, rowids: list[int]) -> dict[int, list[str]]:
        marks = ",".join("?" * len(rowids))
        return {r: record_texts(t, rec, self.chunk) for r, t, rec in self.store.conn.execute(
            f"SELECT rowid, title, record FROM records WHERE rowid IN ({marks})", rowids)}

    def stale(self) -> bool:
        """Cheap check (two counts) that records were added or deleted since the last sync;
        ingest syncs explicitly, so changed records are caught there."""
        conn = self.store.conn
        # Nothing was written by anyone since the last check: skip the counts (they grow with
        # the store: 6 ms per ask at 200k records).
        version = (conn.execute("PRAGMA data_version").fetchone()[0], conn.total_changes)
        if version == getattr(self, "_fresh_at", None):
            return False
        records = conn.execute("SELECT count(*) FROM records").fetchone()[0]
        done = conn.execute("SELECT count(*) FROM vector_state WHERE index_key = ?", (self.key,)).fetchone()[0]
        if records == done:
            self._fresh_at = version
        return records != done

    def sync(self, progress: bool = False, batch: int = SYNC_BATCH) -> SyncReport:
        """Embed new and changed records, drop deleted ones; idempotent. Holds the store's writer
        lock; while another process holds it (an ingest, which embeds them itself) does nothing."""
        try:
            with store_lock(self.store.path):
                return self._sync(progress, batch)
        except StoreBusy:
            return SyncReport(total=len(self._index))

    def _sync(self, progress: bool, batch: int) -> SyncReport:
        self.files.heal(self._manifest(), self._view)
        gen = self.files.committed()
        if (gen.number if gen else None) != self._generation:
            self._open(writable=False)        # healed, or saved by another process since: start from it
        todo, gone = self.pending()
        report = SyncReport()
        if (todo or gone) and not self._writable:
            self._open(writable=True)
            todo, gone = self.pending()       # an unreadable file was forgotten: all of it is due
        if gone:
            self._remove(gone)
            self._save()
            self._commit([], gone)
            report.removed = len(gone)
            if todo:
                self._open(writable=True)
        if todo:
            bar = _progress(progress, len(todo))
            done: list[tuple[int, str]] = []
            try:
                for i in range(0, len(todo), batch):
                    chunk = todo[i:i + batch]
                    texts = self._texts([r for r, _ in chunk])
                    chunk = [(r, h) for r, h in chunk if r in texts]
                    flat = [t for r, _ in chunk for t in texts[r]]
                    per_text = len(chunk) / max(len(flat), 1)       # the bar counts records
                    vecs = self.embedder.embed(flat, on_batch=lambda n: bar.update(n * per_text))
                    checkpoint("embed")
                    keys = np.array([r for r, _ in chunk for _ in texts[r]], dtype=np.uint64)
                    self._remove([r for r, _ in chunk])
                    # One thread: the same adds then make the same graph, byte for byte, so an
                    # index resumed after a crash equals a clean run's (two threads made even two
                    # clean runs differ). Embedding, not adding, is what takes the time.
                    self._index.add(keys, vecs, threads=1)
                    checkpoint("vector_add")
                    done += chunk
                    report.embedded += len(chunk)
                    # Saving rewrites the whole file: do it every few batches, not every one.
                    if len(done) >= batch * SAVE_EVERY or i + batch >= len(todo):
                        self._save()
                        self._commit(done, [])
                        done = []
                        if i + batch < len(todo):
                            # Go on from the saved file, as a run resumed after a crash would
                            # (usearch's in-memory state after a save differs from a reload).
                            self._open(writable=True)
            finally:
                bar.close()
        report.total = len(self._index)
        if (todo or gone) and self.path.exists():
            self._open(writable=False)      # back to the memory-mapped view for queries
        return report

    def _remove(self, keys: Sequence[int]) -> None:
        present = [k for k in keys if k in self._index]
        if present:
            self._index.remove(np.array(present, dtype=np.uint64))

    def _save(self) -> None:
        """Write the index as the next generation's file; ``_commit`` makes it the index."""
        self._pending = self.files.write_next(self._index.save, len(self._index))

    def _commit(self, done: list[tuple[int, str]], gone: list[int]) -> None:
        """Commit which records the saved file holds, with its generation; then install it."""
        pending, self._pending = self._pending, None
        cur = self.store.conn.cursor()
        cur.execute("BEGIN IMMEDIATE")
        try:
            cur.executemany("INSERT OR REPLACE INTO vector_state (index_key, rowid, hash) VALUES (?,?,?)",
                            [(self.key, r, h) for r, h in done])
            cur.executemany("DELETE FROM vector_state WHERE index_key = ? AND rowid = ?",
                            [(self.key, r) for r in gone])
            if pending is not None:
                self.files.record(cur, pending)
            cur.execute("COMMIT")
        except BaseException:
            cur.execute("ROLLBACK")
            raise
        checkpoint("vector_commit")
        if pending is not None:
            self._generation = pending.number
            self.files.install(pending, self._manifest())

    # -- reading ------------------------------------------------------------------------
    def query_vector(self, text: str) -> np.ndarray:
        """Embed a query; embedders with asymmetric prompts (E5's "query:") say so by
        offering ``embed_query``."""
        embed = getattr(self.embedder, "embed_query", self.embedder.embed)
        return embed([text])[0]

    def search(self, vector: np.ndarray, k: int, filt: SearchFilter = SearchFilter()) -> dict[str, float]:
        """Record id -> cosine similarity for the ``k`` nearest records passing ``filt``."""
        if len(self._index) == 0 or k <= 0:
            return {}
        filtered = bool(filt.designs) or filt.since is not None or filt.until is not None
        want = min(len(self._index), k * (4 if filtered else 1) * (4 if self.multi else 1))
        found = self._index.search(vector.astype(np.float32), want)
        sims: dict[int, float] = {}
        for key, dist in zip(found.keys, found.distances):
            sims.setdefault(int(key), 1.0 - float(dist))        # best passage first: a record's max
        rowids = list(sims)
        ids = _ids_for(self.store, rowids, filt)
        out = {ids[r]: sims[r] for r in rowids if r in ids}
        return dict(list(out.items())[:k])

    def similarity(self, vector: np.ndarray, record_ids: Sequence[str]) -> dict[str, float]:
        """Exact cosine of ``vector`` with the stored vectors of ``record_ids``."""
        if not record_ids:
            return {}
        rows = _rowids_for(self.store, record_ids)
        keys = [r for r in rows.values() if r in self._index]
        if not keys:
            return {}
        got = self._index.get(np.array(keys, dtype=np.uint64))
        if self.multi:          # one (passages, dim) block per key: score each key by its best row
            parts = [np.asarray(b, dtype=np.float32).reshape(-1, self.embedder.dim) for b in got]
            vecs = np.concatenate(parts)
            starts = np.cumsum([0] + [len(p) for p in parts[:-1]])
        else:
            vecs = np.asarray(got, dtype=np.float32).reshape(len(keys), -1)
            starts = np.arange(len(keys))
        q = vector.astype(np.float32)
        sims = (vecs @ q) / np.maximum(np.linalg.norm(vecs, axis=1) * max(float(np.linalg.norm(q)), 1e-12), 1e-12)
        by_row = dict(zip(keys, np.maximum.reduceat(sims, starts).tolist()))
        return {rid: by_row[r] for rid, r in rows.items() if r in by_row}


def _ids_for(store: Store, rowids: list[int], filt: SearchFilter) -> dict[int, str]:
    out: dict[int, str] = {}
    for i in range(0, len(rowids), 500):
        chunk = rowids[i:i + 500]
        extra, extra_params = filter_sql(filt)
        where = [f"rowid IN ({','.join('?' * len(chunk))})", *extra]
        params = [*chunk, *extra_params]
        out.update(store.conn.execute(f"SELECT rowid, id FROM records WHERE {' AND '.join(where)}", params))
    return out


def _rowids_for(store: Store, ids: Sequence[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for i in range(0, len(ids), 500):
        chunk = list(ids[i:i + 500])
        out.update(store.conn.execute(
            f"SELECT id, rowid FROM records WHERE id IN ({','.join('?' * len(chunk))})", chunk))
    return out


_OPEN: dict[tuple[str, str], VectorIndex] = {}
_META_KEY = "embedder"


def embedder_name(store: Store) -> str:
    """The embedder a store's vectors are made with: the one recorded in the store (named at
    ingest with ``--embedder``), else ``$EVIDEX_EMBEDDER``, else the default."""
    row = store.conn.execute("SELECT value FROM meta WHERE key = ?", (_META_KEY,)).fetchone()
    from ..settings import current    # the embedder setting ($EVIDEX_EMBEDDER, config file)
    return row[0] if row else (current().embedder or DEFAULT_EMBEDDER)


def set_embedder_name(store: Store, name: str) -> None:
    """Record the store's embedder; the next sync builds its index (the old one stays on disk
    under its own settings hash, so switching back costs nothing)."""
    if name not in EMBEDDERS:
        raise ValueError(f"unknown embedder {name!r}; choose from {', '.join(EMBEDDERS)}")
    row = store.conn.execute("SELECT value FROM meta WHERE key = ?", (_META_KEY,)).fetchone()
    if row and row[0] == name:
        return                      # already so: a re-run writes nothing
    with store.conn:
        store.conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (_META_KEY, name))


def store_index(store: Store, sync: bool = True, progress: bool = False) -> VectorIndex | None:
    """The vector index of the store's embedder, or None when that embedder is not installed
    (retrieval is then lexical; ``missing_embedder`` says why)."""
    name = embedder_name(store)
    if not embedding_available(name):
        return None
    return open_index(store, get_embedder(name), sync=sync, progress=progress)


def missing_embedder(store: Store) -> str | None:
    """A one-line explanation when the store's embedder cannot be loaded here, else None."""
    name = embedder_name(store)
    if embedding_available(name):
        return None
    hint = f" (pip install 'evidex[{name}]')" if name != DEFAULT_EMBEDDER else ""
    return f"the store's embedder {name!r} is not installed{hint}: searching lexically"


def open_index(store: Store, embedder: Embedder, sync: bool = True, progress: bool = False) -> VectorIndex:
    """The store's vector index for ``embedder`` (cached per process), synced unless told not to."""
    key = (str(Path(store.path).resolve()), embedder.name)
    ix = _OPEN.get(key)
    if ix is None or ix.store is not store:
        ix = VectorIndex(store, embedder)
        _OPEN[key] = ix
    else:
        ix.refresh()
    if sync and ix.stale():
        ix.sync(progress=progress)
    return ix


def _progress(enabled: bool, total: int):
    from tqdm import tqdm
    return tqdm(total=total, unit=" rec", desc="embed", disable=not enabled, mininterval=0.5, dynamic_ncols=True)
