"""The vector index beside the SQLite store: usearch HNSW shards of int8 vectors, and manifests.

Layout, for a store at ``evidex.db``::

    evidex.db.vectors/<settings-hash>/shard-00000/index.usearch   # HNSW graph + int8 vectors of rowids
                                                                  # 0..262,143 (key = records.rowid; a
                                                                  # passage embedder files several per key)
    evidex.db.vectors/<settings-hash>/shard-00000/manifest.json   # settings, versions, and the
                                                                  # generation, count and size it describes
    evidex.db.vectors/<settings-hash>/shard-00001/...             # the next rowid range (``shards``)

The folder is named by the hash of everything that shaped the vectors (embedder, model
version, quantisation, index parameters), so a stale index is never reused (paper-qa's
convention). Which records are embedded, and at which content hash, is kept in the store in
a table of this module's own (``vector_state``), so that ``sync`` embeds only new or changed
records and drops deleted ones. The shard files and that state are switched together by one
SQLite commit (``index.files``), so a kill at any point leaves the last committed index or
heals to it; a sync killed part way resumes from its last commit (``evidex embed``). Writers
hold the store's writer lock (``evidex.lock``); a reader process reopens the shards a writer
committed since. An index of the single-file layout before shards (f16) is upgraded in place
by ``upgrade``, without re-embedding.

usearch HNSW was chosen over an exact NumPy scan by measurement (benchmarks/retrieval.py):
at 1M vectors an exact float32 scan reads 1 GB per query, far above the 50 ms goal.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..faults import checkpoint
from ..lock import StoreBusy, store_lock
from ..store import SearchFilter, Store
from .embed import Embedder, settings_hash
from .files import Generation, ensure_tables
from .shards import HNSW, QUANTISATION, SHARD_ROWS, Shard, quantise_i8
from .rows import ids_for, progress_bar, rowids_for
from .texts import embed_text, record_texts
from .upgrade import upgrade

__all__ = ["HNSW", "SyncReport", "VectorIndex", "embed_text", "record_texts"]

FORMAT = 2
SYNC_BATCH = 2048
SAVE_EVERY = 16      # batches between saves (a crash redoes at most these); slow embedders say fewer


@dataclass
class SyncReport:
    embedded: int = 0
    removed: int = 0
    total: int = 0


class VectorIndex:
    """Vectors for every record of one store, made by one embedder, in rowid-range shards."""

    def __init__(self, store: Store, embedder: Embedder, shard_rows: int = SHARD_ROWS) -> None:
        self.store = store
        self.embedder = embedder
        self.chunk = embedder.chunk_sentences
        self.multi = self.chunk > 0           # several passage vectors under one record key
        self.shard_rows = shard_rows
        settings = {"embedder": embedder.settings(), "format": FORMAT,
                    "index": {"kind": "usearch-hnsw", **HNSW, "quantisation": QUANTISATION,
                              "shard_rows": shard_rows}}
        if self.multi:
            settings["index"]["multi"] = True
            settings["sentences_per_chunk"] = self.chunk
        self.settings = settings
        self.key = settings_hash(settings)
        self.folder = Path(str(store.path) + ".vectors") / self.key
        self.shards: dict[int, Shard] = {}
        self._dirty: set[int] = set()
        ensure_tables(store.conn)
        self._heal_if_free()
        self._open_all()

    def _new(self):
        from usearch.index import Index
        return Index(ndim=self.embedder.dim, multi=self.multi, **HNSW)

    def shard(self, number: int) -> Shard:
        if number not in self.shards:
            self.shards[number] = Shard(self.store.conn, self.folder, self.key, number, self.shard_rows, self._new)
        return self.shards[number]

    def _committed(self) -> dict[int, Generation]:
        """Shard number -> committed generation, in one indexed read."""
        rows = self.store.conn.execute(
            "SELECT index_key, generation, count, bytes FROM vector_files WHERE index_key > ? AND index_key < ?",
            (self.key + "/", self.key + "0")).fetchall()
        return {int(k.rsplit("/", 1)[1]): Generation(g, c, b) for k, g, c, b in rows}

    def _known(self) -> set[int]:
        """Shards committed, or with a folder on disk (leftovers of a save to finish or drop)."""
        found = set(self._committed())
        if self.folder.is_dir():
            found |= {int(p.name[6:]) for p in self.folder.glob("shard-*") if p.name[6:].isdigit()}
        return found

    def _open_all(self, writable: bool = False) -> None:
        committed = self._committed()
        for n in sorted(self._known() | set(self.shards)):
            self.shard(n).open(writable, committed.get(n))

    def _manifest(self, shard: int | None = None) -> dict[str, object]:
        import usearch
        out = {**self.settings, "settings_hash": self.key, "usearch_version": usearch.__version__,
               "key": "records.rowid"}
        if shard is not None:
            lo = shard * self.shard_rows
            out.update(shard=shard, rows=[lo, lo + self.shard_rows])
        return out

    def _heal(self) -> None:
        """Repair every shard after a crash (``IndexFiles.heal``) and upgrade an index of the
        layout before shards; the caller holds the writer lock."""
        upgrade(self)
        for n in sorted(self._known()):
            s = self.shard(n)
            s.files.heal(self._manifest(n), s.view)

    def _heal_if_free(self) -> None:
        try:
            with store_lock(self.store.path):
                self._heal()
        except StoreBusy:
            pass

    def refresh(self) -> None:
        """Reopen the shards another process committed since they were opened (a server
        answering while an ingest embeds); one indexed read when nothing changed."""
        committed = self._committed()
        if any(self.shard(n).generation != (g.number if g else None)
               for n, g in {**{n: None for n in self.shards}, **committed}.items()):
            self._heal_if_free()
            self._open_all()

    def __len__(self) -> int:
        return sum(len(s.index) for s in self.shards.values())

    def tombstones(self) -> int:
        return sum(s.tombstones() for s in self.shards.values())

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

    def sync(self, progress: bool = False, batch: int = SYNC_BATCH, embed=None,
             save_every: int | None = None) -> SyncReport:
        """Embed new and changed records, drop deleted ones; idempotent, and resumable: what
        was committed before a kill is kept (a commit every ``save_every`` records: the
        embedder's own figure for slow models). ``embed`` replaces ``embedder.embed`` (a
        process pool). Holds the store's writer lock; while another process holds it (an
        ingest, which embeds them itself) does nothing."""
        try:
            with store_lock(self.store.path):
                return self._sync(progress, batch, embed or self.embedder.embed, save_every)
        except StoreBusy:
            return SyncReport(total=len(self))

    def _sync(self, progress: bool, batch: int, embed, save_every: int | None) -> SyncReport:
        self._heal()
        self._open_all()
        for s in list(self.shards.values()):
            if not s.open(False, self._committed().get(s.number)):
                s.files.reset()                # unreadable: forget it, its records are embedded again
                s.open(False, None)
        todo, gone = self.pending()
        report = SyncReport()
        if gone:
            self._remove(gone)
            self._save_commit([], gone)
            report.removed = len(gone)
        if todo:
            save_every = max(1, save_every or getattr(self.embedder, "save_every", batch * SAVE_EVERY))
            batch = min(batch, save_every)
            bar = progress_bar(progress, len(todo), self.embedder.name)
            done: list[tuple[int, str]] = []
            try:
                for i in range(0, len(todo), batch):
                    chunk = todo[i:i + batch]
                    texts = self._texts([r for r, _ in chunk])
                    chunk = [(r, h) for r, h in chunk if r in texts]
                    flat = [t for r, _ in chunk for t in texts[r]]
                    per_text = len(chunk) / max(len(flat), 1)       # the bar counts records
                    vecs = embed(flat, on_batch=lambda n: bar.update(n * per_text))
                    checkpoint("embed")
                    keys = np.array([r for r, _ in chunk for _ in texts[r]], dtype=np.uint64)
                    self._remove([r for r, _ in chunk])
                    self._add(keys, quantise_i8(vecs))
                    checkpoint("vector_add")
                    done += chunk
                    report.embedded += len(chunk)
                    # A save rewrites the changed shards: every few batches, not every one.
                    if len(done) >= save_every or i + batch >= len(todo):
                        self._save_commit(done, [])
                        done = []
            finally:
                bar.close()
        report.total = len(self)
        return report

    def add_vectors(self, rowids: np.ndarray, vectors: np.ndarray, threads: int = 1) -> None:
        """Add vectors embedded elsewhere (one per rowid) to their shards, in memory; then
        ``commit_records`` saves them. For bulk loads and benchmarks (the caller holds the
        writer lock). ``threads`` > 1 builds faster, not byte-for-byte reproducibly."""
        keys = np.asarray(rowids, dtype=np.uint64)
        self._remove(keys.tolist())
        shard, q = keys // self.shard_rows, quantise_i8(vectors)
        for n in np.unique(shard).tolist():
            pick = shard == n
            self._writable(int(n)).index.add(keys[pick], q[pick], threads=threads)

    def commit_records(self, rows: Sequence[tuple[int, str]]) -> None:
        """Save the shards changed since the last commit and commit ``rows`` (rowid, content
        hash) as embedded, as ``sync`` does."""
        self._save_commit(list(rows), [])

    def paths(self) -> list[Path]:
        """The shard files (what the index takes on disk)."""
        return [s.path for _, s in sorted(self.shards.items()) if s.path.exists()]

    def _writable(self, number: int) -> Shard:
        s = self.shard(number)
        if not s.writable:
            if not s.open(True, self._committed().get(number)):
                raise RuntimeError(f"vector index shard {s.path} cannot be read; run 'evidex embed --rebuild'")
        self._dirty.add(number)
        return s

    def _add(self, keys: np.ndarray, vecs: np.ndarray) -> None:
        shard = keys // self.shard_rows
        for n in np.unique(shard).tolist():
            pick = shard == n
            # One thread: the same adds then make the same graph, byte for byte, so an index
            # resumed after a crash equals a clean run's. Embedding, not adding, takes the time.
            self._writable(int(n)).index.add(keys[pick], vecs[pick], threads=1)

    def _remove(self, rowids: Sequence[int]) -> None:
        by_shard: dict[int, list[int]] = {}
        for r in rowids:
            by_shard.setdefault(int(r) // self.shard_rows, []).append(int(r))
        for n, keys in by_shard.items():
            s = self.shard(n)
            held = np.atleast_1d(s.index.contains(np.array(keys, dtype=np.uint64))) if len(s.index) else []
            present = [k for k, ok in zip(keys, held) if ok]
            if present:                    # a tombstone: the slot stays in the file until a rebuild
                self._writable(n).index.remove(np.array(present, dtype=np.uint64))

    def _save_commit(self, done: list[tuple[int, str]], gone: list[int], also=None) -> None:
        """Write each changed shard as its next generation's file, then commit which records
        the files hold with their generations in one transaction (with ``also(cursor)``'s
        statements), then install them."""
        saved = {n: self.shards[n].files.write_next(self.shards[n].index.save, len(self.shards[n].index))
                 for n in sorted(self._dirty)}
        self._dirty = set()
        cur = self.store.conn.cursor()
        cur.execute("BEGIN IMMEDIATE")
        try:
            cur.executemany("INSERT OR REPLACE INTO vector_state (index_key, rowid, hash) VALUES (?,?,?)",
                            [(self.key, r, h) for r, h in done])
            cur.executemany("DELETE FROM vector_state WHERE index_key = ? AND rowid = ?",
                            [(self.key, r) for r in gone])
            for n, gen in saved.items():
                self.shards[n].files.record(cur, gen)
            if also is not None:
                also(cur)
            cur.execute("COMMIT")
        except BaseException:
            cur.execute("ROLLBACK")
            raise
        checkpoint("vector_commit")
        for n, gen in saved.items():
            s = self.shards[n]
            s.files.install(gen, self._manifest(n))
            # Back to the memory-mapped file: the next add loads it again, as a run resumed
            # after a crash would (usearch's in-memory state after a save differs from a reload).
            s.open(False, gen)

    def rebuild(self, force: bool = False) -> int:
        """Write again every shard holding removed vectors (``force``: every shard) from its
        live vectors, without re-embedding; returns the shards rewritten. Holds the writer lock."""
        with store_lock(self.store.path):
            self._heal()
            self._open_all()
            done = 0
            for n, s in sorted(self.shards.items()):
                if not (force or s.tombstones()) or not s.path.exists():
                    continue
                lo, hi = s.files.rows
                keys = [r for (r,) in self.store.conn.execute(
                    "SELECT rowid FROM vector_state WHERE index_key = ? AND rowid >= ? AND rowid < ? ORDER BY rowid",
                    (self.key, lo, hi))]
                fresh = self._new()
                if keys:
                    got = s.index.get(np.array(keys, dtype=np.uint64))
                    blocks = [np.asarray(b, dtype=np.int8).reshape(-1, self.embedder.dim)
                              for b in (got if self.multi else [got])]
                    if self.multi:
                        ks = np.concatenate([np.full(len(b), k, dtype=np.uint64) for k, b in zip(keys, blocks)])
                    else:
                        ks = np.array(keys, dtype=np.uint64)
                    fresh.add(ks, np.concatenate(blocks), threads=1)
                s.index, s.writable = fresh, True
                self._dirty.add(n)
                self._save_commit([], [])
                done += 1
            return done

    # -- reading ------------------------------------------------------------------------
    def query_vector(self, text: str) -> np.ndarray:
        """Embed a query; embedders with asymmetric prompts (E5's "query:") say so by
        offering ``embed_query``."""
        embed = getattr(self.embedder, "embed_query", self.embedder.embed)
        return embed([text])[0]

    def search(self, vector: np.ndarray, k: int, filt: SearchFilter = SearchFilter()) -> dict[str, float]:
        """Record id -> cosine similarity for the ``k`` nearest records passing ``filt``."""
        total = len(self)
        if total == 0 or k <= 0:
            return {}
        filtered = bool(filt.designs) or filt.since is not None or filt.until is not None
        want = min(total, k * (4 if filtered else 1) * (4 if self.multi else 1))
        q = quantise_i8(vector)
        found: list[tuple[float, int]] = []
        for s in self.shards.values():
            if len(s.index):
                got = s.index.search(q, min(want, len(s.index)))
                found += zip(np.asarray(got.distances, dtype=float).tolist(), np.asarray(got.keys).tolist())
        found.sort()
        sims: dict[int, float] = {}
        for dist, key in found[:want]:
            sims.setdefault(int(key), 1.0 - float(dist))        # best passage first: a record's max
        rowids = list(sims)
        ids = ids_for(self.store, rowids, filt)
        out = {ids[r]: sims[r] for r in rowids if r in ids}
        return dict(list(out.items())[:k])

    def similarity(self, vector: np.ndarray, record_ids: Sequence[str]) -> dict[str, float]:
        """Exact cosine of ``vector`` with the stored vectors of ``record_ids``."""
        if not record_ids:
            return {}
        rows = rowids_for(self.store, record_ids)
        q = vector.astype(np.float32)
        qn = max(float(np.linalg.norm(q)), 1e-12)
        by_row: dict[int, float] = {}
        for n, s in self.shards.items():
            lo, hi = s.files.rows
            keys = [r for r in rows.values() if lo <= r < hi]
            held = np.atleast_1d(s.index.contains(np.array(keys, dtype=np.uint64))) if keys and len(s.index) else []
            keys = [k for k, ok in zip(keys, held) if ok]
            if not keys:
                continue
            got = s.index.get(np.array(keys, dtype=np.uint64))
            if self.multi:      # one (passages, dim) block per key: score each key by its best row
                parts = [np.asarray(b, dtype=np.float32).reshape(-1, self.embedder.dim) for b in got]
                vecs = np.concatenate(parts)
                starts = np.cumsum([0] + [len(p) for p in parts[:-1]])
            else:
                vecs = np.asarray(got, dtype=np.float32).reshape(len(keys), -1)
                starts = np.arange(len(keys))
            sims = (vecs @ q) / np.maximum(np.linalg.norm(vecs, axis=1) * qn, 1e-12)
            by_row.update(zip(keys, np.maximum.reduceat(sims, starts).tolist()))
        return {rid: by_row[r] for rid, r in rows.items() if r in by_row}
