"""Hybrid retrieval at scale: end-to-end query latency at N records (default 1,000,000).

    .venv/bin/python benchmarks/hybrid_scale.py --quick              # 20,000 records, prints only
    .venv/bin/python benchmarks/hybrid_scale.py --size 100000        # prints only
    .venv/bin/python benchmarks/hybrid_scale.py --write              # 1,000,000 records, appended to RESULTS.md

benchmarks/retrieval.py measures the vector side alone. This script measures what a user
waits for on a store of N records, through the real code paths:

- ``evidex.retrieve.rank(store, claim, k, mode="hybrid", vectors=...)``: FTS5 BM25 side +
  query embedding + HNSW search + exact cosine of lexical-only hits + convex fusion;
- ``rank(..., mode="lexical")``: the BM25 side alone;
- ``evidex.synthesis.ask(store, question)`` in hybrid and lexical mode (parse, the strict /
  related / broad FTS5 passes, semantic candidates, evidence priors, composition);
- the components of ``rank`` hybrid, each timed on its own by calling what ``rank`` calls:
  ``store.search(bm25_match(q), 100)``, ``VectorIndex.query_vector(q)`` (wordllama),
  ``VectorIndex.search(qv, 100)`` (HNSW + rowid -> id), ``VectorIndex.similarity(qv, ...)``
  (exact cosine of the lexical hits the HNSW top-100 missed) and ``fusion.convex`` +
  ``fusion.ranked``;
- diagnostics of the BM25 side, with SQL of this script's own (not src's): how many records
  each claim matches, the bare ``count(*)`` of the match, and the same top-100 when FTS5
  ranks before the join with ``records`` (what ``store.search`` now does when no filter is set).

Queries: 200 SciFact training claims (../shared/data/scifact/claims_train.jsonl, file order;
the claim before them is the cold query) for ``rank``, and 20 of the clinical questions of
benchmarks/questions.txt (evenly spaced over the file, so every category is represented) for
``ask``. Warm figures are p50 / p95 / max / mean over those queries, one pass per measure,
after the cold query. The cold figure is the first ``rank`` hybrid query of a fresh process,
after the store and index files were evicted from the OS page cache (posix_fadvise
DONTNEED; best effort, ``--no-evict`` skips it); loading the embedding model is reported
apart from it.

The store (built once per set of parameters, then reused; ``--rebuild`` starts afresh) lives
in ``$TMPDIR/evidex-bench-data/hybrid_<N>/``:

- Text: N synthetic records resampled from real text with a fixed seed (``--seed``). The
  sentence pool is every sentence (``evidex.text.sentence_spans``) of the cohen2006 CSV
  abstracts (distinct citations with a title and >= 3 sentences) and of the SciFact corpus
  (~180,000 sentences, ~17,500 source documents). Record i takes the title, MeSH headings,
  authors, year and drug class of one source document drawn at random, and 6 to 10 sentences
  (8 on average), each drawn from that document with probability 0.5, else from the whole
  pool; one unlabelled abstract section, publication type "Journal Article", id
  ``pmid:<80,000,000 + i>``.
- Store: written by ``evidex.load.ingest_items`` (the function ``ingest_paths`` calls after
  parsing: batches of 2,000, ``evidex.enrich.appraise`` on every record, ``Store.write_batch``
  writing ``records`` and ``record_fts`` in one transaction per batch). Only the parsing of
  input files is skipped, so the rows, the appraisals and the FTS5 segments are those a
  real ingest of the same records would leave.
- Vectors: embedding 1M abstracts with wordllama would take ~50 min, so a record's vector is
  the normalised, word-count-weighted sum of the wordllama embeddings of its title and of the
  pool sentences it is made of (the pool is embedded once and cached in
  ``$TMPDIR/evidex-bench-data/hybrid_pool/``). wordllama averages token vectors, so this is
  close to embedding the record's text: the cosine between the two is measured on 200
  records and reported. Vectors go into the store's real ``VectorIndex`` (usearch HNSW, same
  settings, same folder ``<db>.vectors/<settings-hash>/``, manifest written by its ``_save``)
  and ``vector_state`` is filled by its ``_commit`` with every record's content hash, so
  ``open_index(store, get_embedder(), sync=False)`` opens it and nothing is stale.

Build time is reported per stage (wall and CPU seconds of the build process); sizes from
the files and from SQLite's ``dbstat`` (per table); peak memory as VmHWM of the build process
and of the query process separately. The build and the queries each run in a fresh
subprocess (``--worker``), importing a frozen copy of src/evidex (benchmarks/out/code-<sha>,
as benchmarks/ask.py does), so edits to src/ during a long run do not mix into the figures.

Cost on this project's 2-CPU machine (shared with other jobs), measured at 100,000 records:
store 94 s (1,060 rec/s, three quarters of it ``appraise``), vector index 44 s, queries ~80 s;
sentence-pool embedding 15 s once. 1,000,000 records: about 17 min (store) + 25-30 min (HNSW;
benchmarks/retrieval.py measured 1,654 s for 1M vectors with the same settings) + 10-15 min
(queries, ~1 s each with FTS5 over 1M records), so about an hour, ~7 GB under $TMPDIR and
~1.5 GB peak RSS. A later run with the same parameters reuses the store and index and only
queries (``--rebuild`` to build again).

Options: ``--size N`` (records, default 1,000,000), ``--quick`` (= ``--size 20000``),
``--write`` (append the Markdown section to benchmarks/RESULTS.md; without it the section is
only printed), ``--rebuild``, ``--queries`` (rank queries, default 200), ``--questions``
(ask questions, default 20), ``--k`` (rank depth, default 100 as in ``evidex eval``),
``--threads`` (usearch add threads, default all CPUs), ``--data-dir``, ``--seed``,
``--code DIR`` (measure an earlier snapshot), ``--no-evict``, ``--build-only``.
"""
from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

GENERATOR_VERSION = "1"        # bump when the records or vectors generated change
PMID_BASE = 80_000_000
BATCH = 2_000                  # = evidex.load.BATCH_SIZE; one generator batch per ingest batch
MIN_SENTENCES, MAX_SENTENCES = 6, 10
P_OWN = 0.5                    # chance that a sentence comes from the record's source document
ADD_CHUNK = 50_000             # vectors per usearch add() call
AGREEMENT_SAMPLE = 200
QUESTIONS = common.BENCH_DIR / "questions.txt"
# Diagnostics only (not what src runs): store.search's query with FTS5 ranking first and the
# join to records done for the 100 best rows only; and the bare count of matching rows.
# The query shape store.search used before 2026-11-23 (every match joined to records, then
# sorted), kept as a diagnostic beside the current one (FTS5 ranks alone, top rows joined).
JOIN_FIRST_SQL = ("SELECT r.id, bm25(record_fts, {title}, {body}) AS score FROM record_fts "
                  "JOIN records r ON r.rowid = record_fts.rowid WHERE record_fts MATCH ? ORDER BY score LIMIT ?")
COUNT_SQL = "SELECT count(*) FROM record_fts WHERE record_fts MATCH ?"
WARMUP_QUESTION = "Is low-dose naltrexone effective for chronic pain?"


# -- the sentence pool ------------------------------------------------------------------------
class Pool:
    """Source documents and their sentences, flattened: sentence j of document d is
    ``sentences[start[d] + j]``, for j < ``length[d]``."""

    def __init__(self) -> None:
        import numpy as np

        from evidex.eval.datasets import shared_data_dir
        from evidex.text import sentence_spans
        data = shared_data_dir()
        if data is None:
            sys.exit("benchmark data not found: ../shared/data (set EVIDEX_SHARED_DATA)")
        self.titles: list[str] = []
        self.mesh: list[tuple[str, ...]] = []
        self.authors: list[tuple[str, ...]] = []
        self.years: list[int | None] = []
        self.topics: list[str] = []
        self.sentences: list[str] = []
        start, length = [], []

        def add(title: str, sents: list[str], mesh=(), authors=(), year=None, topic="") -> None:
            sents = [s for s in (" ".join(x.split()) for x in sents) if s]
            if not title.strip() or len(sents) < 3:
                return
            start.append(len(self.sentences))
            length.append(len(sents))
            self.sentences.extend(sents)
            self.titles.append(" ".join(title.split()))
            self.mesh.append(tuple(mesh))
            self.authors.append(tuple(authors))
            self.years.append(year)
            self.topics.append(topic)

        for row in common.unique_citations(common.load_cohen_rows(data / "cohen2006")):
            sents = [p[s:e] for p in row.abstract.split("; ") for s, e in sentence_spans(p)]
            add(row.title, sents, row.mesh, row.authors, row.year, row.topic)
        self.n_cohen = len(self.titles)
        with open(data / "scifact" / "corpus.jsonl", encoding="utf-8") as fh:
            for i, line in enumerate(fh):
                if line.strip():
                    d = json.loads(line)
                    # SciFact gives no year: a fixed one per document, 1990-2019.
                    add(d.get("title", ""), list(d.get("abstract", [])), year=1990 + i % 30, topic="scifact")
        self.start = np.asarray(start, dtype=np.int64)
        self.length = np.asarray(length, dtype=np.int64)
        self.sentence_words = np.asarray([len(s.split()) for s in self.sentences], dtype=np.float32)
        self.title_words = np.asarray([len(t.split()) for t in self.titles], dtype=np.float32)
        h = hashlib.sha256()
        for t in (*self.titles, *self.sentences):
            h.update(t.encode() + b"\0")
        self.digest = h.hexdigest()[:16]
        self.sent_vecs = None
        self.title_vecs = None

    def embed(self, emb, cache_dir: Path) -> tuple[float, bool]:
        """Load (or compute and cache) wordllama embeddings of every sentence and title.
        Returns (seconds, cached)."""
        import numpy as np

        from evidex.index import settings_hash
        key = f"{self.digest}-{settings_hash(emb.settings())}"
        path = cache_dir / f"pool-{key}.npz"
        t0 = time.perf_counter()
        if path.is_file():
            with np.load(path) as z:
                self.sent_vecs, self.title_vecs = z["sentences"], z["titles"]
            return time.perf_counter() - t0, True
        print(f"embedding the sentence pool: {len(self.sentences):,} sentences, {len(self.titles):,} titles",
              file=sys.stderr, flush=True)
        self.sent_vecs = emb.embed(self.sentences)
        self.title_vecs = emb.embed(self.titles)
        cache_dir.mkdir(parents=True, exist_ok=True)
        tmp = cache_dir / f"pool-{key}.partial.npz"
        np.savez(tmp, sentences=self.sent_vecs, titles=self.title_vecs)
        tmp.replace(path)
        return time.perf_counter() - t0, False


def plan(pool: Pool, seed: int, batch_no: int, n: int):
    """Deterministic choice of (source document, sentence indices, sentence mask) for the
    ``n`` records of batch ``batch_no``; both build stages regenerate it from the seed."""
    import numpy as np
    rng = np.random.default_rng([seed, batch_no])
    docs = rng.integers(0, len(pool.titles), n)
    counts = rng.integers(MIN_SENTENCES, MAX_SENTENCES + 1, n)
    own = pool.start[docs, None] + (rng.random((n, MAX_SENTENCES)) * pool.length[docs, None]).astype(np.int64)
    anywhere = rng.integers(0, len(pool.sentences), (n, MAX_SENTENCES))
    idx = np.where(rng.random((n, MAX_SENTENCES)) < P_OWN, own, anywhere)
    mask = np.arange(MAX_SENTENCES)[None, :] < counts[:, None]
    return docs, idx, mask


def make_records(pool: Pool, size: int, seed: int, first_batch: int = 0):
    """Yield the ``size`` synthetic records as ``evidex.records.Record``s, batch by batch."""
    from evidex.records import Record, Section
    source = f"hybrid_scale:{size}:seed{seed}"
    for b in range(first_batch, (size + BATCH - 1) // BATCH):
        n = min(BATCH, size - b * BATCH)
        docs, idx, mask = plan(pool, seed, b, n)
        for j in range(n):
            i = b * BATCH + j
            d = int(docs[j])
            abstract = " ".join(pool.sentences[k] for k in idx[j][mask[j]].tolist())
            pmid = str(PMID_BASE + i)
            yield Record(id=f"pmid:{pmid}", pmid=pmid, title=pool.titles[d], sections=(Section("", abstract),),
                         authors=pool.authors[d], journal=f"Synthetic {pool.topics[d]}", year=pool.years[d],
                         publication_types=("Journal Article",), mesh_terms=pool.mesh[d], language="eng",
                         source=source)


def mixture_vectors(pool: Pool, docs, idx, mask):
    """Normalised word-count-weighted sum of the title's and the sentences' embeddings."""
    import numpy as np
    w = pool.sentence_words[idx] * mask
    vecs = pool.title_words[docs, None] * pool.title_vecs[docs]
    vecs = vecs + np.einsum("bj,bjd->bd", w, pool.sent_vecs[idx])
    vecs /= np.maximum(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-12)
    return vecs.astype(np.float32)


# -- helpers ---------------------------------------------------------------------------------
def log(msg: str) -> None:
    print(f"[{dt.datetime.now():%H:%M:%S}] {msg}", file=sys.stderr, flush=True)


def cpu_s() -> float:
    return common.cpu_seconds()


def file_mb(p: Path) -> float:
    return p.stat().st_size / 2**20 if p.is_file() else 0.0


def evict(paths: list[Path]) -> list[str]:
    """Drop the files' pages from the OS page cache (fsync first so that none is dirty)."""
    done = []
    for p in paths:
        if not p.is_file() or not hasattr(os, "posix_fadvise"):
            continue
        fd = os.open(p, os.O_RDONLY)
        try:
            try:
                os.fsync(fd)
            except OSError:
                pass
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
            done.append(p.name)
        finally:
            os.close(fd)
    return done


def stats(xs: list[float], cpu: list[float] | None = None) -> dict:
    """Wall-clock percentiles; with ``cpu`` (process CPU ms per query) also its median, which
    other jobs on the machine inflate much less than wall time."""
    out = {"n": len(xs), "p50": common.percentile(xs, 50), "p95": common.percentile(xs, 95),
           "max": max(xs) if xs else float("nan"), "mean": sum(xs) / len(xs) if xs else float("nan")}
    if cpu:
        out["cpu_p50"] = common.percentile(cpu, 50)
    return out


def paths_for(data_dir: Path, size: int) -> tuple[Path, Path, Path]:
    folder = data_dir / f"hybrid_{size}"
    return folder, folder / "store.db", folder / "build.json"


# -- worker: build -----------------------------------------------------------------------------
def build(size: int, seed: int, data_dir: Path, threads: int, rebuild: bool, code: str) -> dict:
    import numpy as np

    import evidex.load as load
    from evidex.index import get_embedder
    from evidex.index.vectors import VectorIndex, embed_text
    from evidex.load import IngestReport, ingest_items
    from evidex.store import Store

    folder, db, meta_path = paths_for(data_dir, size)
    t0, c0 = time.perf_counter(), cpu_s()
    pool = Pool()
    pool_s = time.perf_counter() - t0
    params = {"generator": GENERATOR_VERSION, "size": size, "seed": seed, "pool": pool.digest,
              "sentences": f"{MIN_SENTENCES}-{MAX_SENTENCES}", "p_own": P_OWN, "batch": BATCH}
    meta = json.loads(meta_path.read_text()) if meta_path.is_file() else {}
    if rebuild or meta.get("params") != params:
        if folder.exists():
            log(f"removing {folder} ({'--rebuild' if rebuild else 'built with other parameters'})")
            shutil.rmtree(folder)
        meta = {"params": params}
    folder.mkdir(parents=True, exist_ok=True)
    stages: dict = meta.setdefault("stages", {})
    log(f"pool: {len(pool.titles):,} source documents ({pool.n_cohen:,} cohen2006, "
        f"{len(pool.titles) - pool.n_cohen:,} SciFact), {len(pool.sentences):,} sentences; read in {pool_s:.1f} s")

    emb = get_embedder()
    pool_embed_s, cached = pool.embed(emb, data_dir / "hybrid_pool")
    if not cached:
        stages["pool_embedding"] = {"wall_s": pool_embed_s, "items": len(pool.sentences) + len(pool.titles)}
    log(f"pool embeddings {'loaded from cache' if cached else 'computed'} in {pool_embed_s:.1f} s")

    # -- stage 1: records, appraisals, FTS5, through evidex.load.ingest_items ----------------
    if "store" not in stages:
        common.remove_store(db)
        store = Store(db)
        appraise_s = [0.0]
        real_appraise = load.appraise

        def timed_appraise(record):
            t = time.perf_counter()
            try:
                return real_appraise(record)
            finally:
                appraise_s[0] += time.perf_counter() - t

        load.appraise = timed_appraise           # same function, timed (this process only)
        report = IngestReport()
        t1, c1 = time.perf_counter(), cpu_s()
        last = [t1, 0]

        def progress(n: int) -> None:
            done = last[1] + n
            last[1] = done
            now = time.perf_counter()
            if now - last[0] >= 30 or done == size:
                last[0] = now
                rate = done / (now - t1)
                log(f"store: {done:,}/{size:,} records, {rate:,.0f} rec/s, "
                    f"ETA {(size - done) / rate / 60:.1f} min, RSS peak {common.vm_hwm_mb():,.0f} MB")

        try:
            ingest_items(store, make_records(pool, size, seed), report, on_record=progress)
        finally:
            load.appraise = real_appraise
        wall, cpu = time.perf_counter() - t1, cpu_s() - c1
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        stored = store.count()
        store.close()
        if stored != size or report.problems:
            sys.exit(f"store holds {stored:,} records, expected {size:,}; problems: {report.problems[:3]}")
        stages["store"] = {"wall_s": wall, "cpu_s": cpu, "appraise_s": appraise_s[0], "records": stored,
                           "added": report.stats.added, "code": code, "vm_hwm_mb": common.vm_hwm_mb()}
        stages.pop("vectors", None)
        meta_path.write_text(json.dumps(meta, indent=1))
        log(f"store: {stored:,} records in {wall:.0f} s ({stored / wall:,.0f} rec/s; appraise {appraise_s[0]:.0f} s)")
    else:
        log(f"store: reusing {db} ({stages['store']['records']:,} records, built by code {stages['store'].get('code')})")

    # -- stage 2: vectors into the store's VectorIndex ----------------------------------------
    store = Store(db)
    ix = VectorIndex(store, emb)
    vec = stages.get("vectors")
    if vec is None or vec.get("key") != ix.key or not ix.paths():
        t1, c1 = time.perf_counter(), cpu_s()
        shutil.rmtree(ix.folder, ignore_errors=True)
        store.conn.execute("DELETE FROM vector_state WHERE index_key = ?", (ix.key,))
        ix = VectorIndex(store, emb)                 # empty and writable
        mix_s = add_s = 0.0
        keys_buf, vecs_buf = [], []
        added = 0
        last = time.perf_counter()

        def flush() -> None:
            nonlocal add_s, added
            if not keys_buf:
                return
            t = time.perf_counter()
            keys = np.concatenate(keys_buf)
            ix.add_vectors(keys, np.concatenate(vecs_buf), threads=threads)     # int8 shards, in memory
            add_s += time.perf_counter() - t
            added += len(keys)
            keys_buf.clear()
            vecs_buf.clear()

        for b in range((size + BATCH - 1) // BATCH):
            n = min(BATCH, size - b * BATCH)
            t = time.perf_counter()
            docs, idx, mask = plan(pool, seed, b, n)
            vecs = mixture_vectors(pool, docs, idx, mask)
            lo = PMID_BASE + b * BATCH
            ids = [f"pmid:{lo + j}" for j in range(n)]
            rowid_of: dict[str, int] = {}
            for i in range(0, n, 500):
                chunk = ids[i:i + 500]
                rowid_of.update(store.conn.execute(
                    f"SELECT id, rowid FROM records WHERE id IN ({','.join('?' * len(chunk))})", chunk))
            keys_buf.append(np.asarray([rowid_of[i] for i in ids], dtype=np.uint64))
            vecs_buf.append(vecs)
            mix_s += time.perf_counter() - t
            if sum(len(k) for k in keys_buf) >= ADD_CHUNK:
                flush()
                now = time.perf_counter()
                if now - last >= 30:
                    last = now
                    rate = added / (now - t1)
                    log(f"vectors: {added:,}/{size:,} added, {rate:,.0f}/s, "
                        f"ETA {(size - added) / rate / 60:.1f} min (HNSW slows as it grows), "
                        f"RSS peak {common.vm_hwm_mb():,.0f} MB")
        flush()
        t = time.perf_counter()
        ix.commit_records([])                        # every shard's file + manifest, atomically
        save_s = time.perf_counter() - t
        # vector_state: every record at its stored content hash (VectorIndex.commit_records, in chunks).
        t = time.perf_counter()
        after = 0
        while True:
            rows = store.conn.execute("SELECT rowid, hash FROM records WHERE rowid > ? ORDER BY rowid LIMIT 50000",
                                      (after,)).fetchall()
            if not rows:
                break
            ix.commit_records(rows)
            after = rows[-1][0]
        state_s = time.perf_counter() - t
        wall, cpu = time.perf_counter() - t1, cpu_s() - c1
        todo, gone = ix.pending()
        if todo or gone or ix.stale():
            sys.exit(f"vector index not in sync after the build: {len(todo)} pending, {len(gone)} gone")
        # Agreement of the mixture vectors with wordllama run on the records' real text.
        sample = list(range(0, size, max(1, size // AGREEMENT_SAMPLE)))[:AGREEMENT_SAMPLE]
        got = {}
        for i in range(0, len(sample), 500):
            chunk = sample[i:i + 500]
            got.update({r: (t, rec) for r, t, rec in store.conn.execute(
                "SELECT id, title, record FROM records WHERE id IN "
                f"({','.join('?' * len(chunk))})", [f"pmid:{PMID_BASE + s}" for s in chunk])})
        real = emb.embed([embed_text(*got[f"pmid:{PMID_BASE + s}"]) for s in sample])
        mixed = np.concatenate([mixture_vectors(pool, *[a[[s % BATCH]] for a in plan(pool, seed, s // BATCH,
                                                                                   min(BATCH, size - s // BATCH * BATCH))])
                                for s in sample])
        cos = (real * mixed).sum(axis=1)
        stages["vectors"] = {"wall_s": wall, "cpu_s": cpu, "mix_s": mix_s, "add_s": add_s, "save_s": save_s,
                             "state_s": state_s, "vectors": len(ix), "key": ix.key, "threads": threads,
                             "agreement_mean": float(cos.mean()), "agreement_min": float(cos.min()),
                             "agreement_n": len(sample), "code": code, "vm_hwm_mb": common.vm_hwm_mb()}
        stages.pop("sizes", None)
        meta_path.write_text(json.dumps(meta, indent=1))
        log(f"vectors: {len(ix):,} in {wall:.0f} s (HNSW add {add_s:.0f} s, {added / max(add_s, 1e-9):,.0f}/s; "
            f"save {save_s:.1f} s); mixture vs real embedding cosine mean {cos.mean():.3f}, min {cos.min():.3f}")
    else:
        log(f"vectors: reusing {ix.folder} ({len(ix):,} vectors)")

    # -- sizes -------------------------------------------------------------------------------
    if "sizes" not in stages:
        t = time.perf_counter()
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        try:
            tables = dict(store.conn.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name"))
        except Exception as exc:                     # dbstat is an optional SQLite module
            tables = {"(dbstat unavailable)": 0}
            log(f"dbstat: {exc}")
        stages["sizes"] = {"db_mb": file_mb(db), "wal_mb": file_mb(Path(str(db) + "-wal")),
                           "index_mb": sum(file_mb(p) for p in ix.paths()),
                           "tables_mb": {k: v / 2**20 for k, v in tables.items()},
                           "seconds": time.perf_counter() - t}
        meta_path.write_text(json.dumps(meta, indent=1))
    store.close()
    total_wall = time.perf_counter() - t0
    return {"db": str(db), "index": str(ix.folder), "key": ix.key, "params": params, "stages": stages,
            "pool": {"documents": len(pool.titles), "cohen": pool.n_cohen, "sentences": len(pool.sentences),
                     "read_s": pool_s, "embed_s": pool_embed_s, "embed_cached": cached},
            "build_process_wall_s": total_wall, "build_process_cpu_s": cpu_s() - c0,
            "build_vm_hwm_mb": common.vm_hwm_mb()}


# -- worker: queries ---------------------------------------------------------------------------
def load_claims(n: int) -> list[str]:
    from evidex.eval.datasets import shared_data_dir
    data = shared_data_dir()
    out = []
    with open(data / "scifact" / "claims_train.jsonl", encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                out.append(json.loads(line)["claim"])
            if len(out) >= n:
                break
    return out


def load_questions(n: int) -> list[tuple[str, str]]:
    qs = []
    for line in QUESTIONS.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            cat, _, q = line.partition("\t")
            qs.append((cat.strip(), q.strip()))
    if n >= len(qs):
        return qs
    return [qs[round(i * (len(qs) - 1) / max(n - 1, 1))] for i in range(n)]


def query(db: Path, index: Path, n_queries: int, n_questions: int, k: int, do_evict: bool) -> dict:
    out: dict = {}
    if do_evict:
        out["evicted"] = evict([db, Path(str(db) + "-wal"), index])
    t = time.perf_counter()
    from evidex.index import get_embedder, open_index
    from evidex.index.fusion import DEFAULT_ALPHA, convex, ranked
    from evidex.retrieve import LEXICAL_DEPTH, SEMANTIC_DEPTH, bm25_match, rank
    from evidex.store import BODY_WEIGHT, TITLE_WEIGHT, Store
    from evidex.synthesis import ask, violations
    join_first_sql = JOIN_FIRST_SQL.format(title=TITLE_WEIGHT, body=BODY_WEIGHT)
    out["import_ms"] = (time.perf_counter() - t) * 1000
    t = time.perf_counter()
    emb = get_embedder()
    out["embedder_load_ms"] = (time.perf_counter() - t) * 1000
    t = time.perf_counter()
    store = Store(db)
    vectors = open_index(store, emb, sync=False)
    out["open_ms"] = (time.perf_counter() - t) * 1000
    out["vectors"] = len(vectors)
    claims = load_claims(n_queries + 1)
    cold_q, warm = claims[0], claims[1:]

    t = time.perf_counter()
    rank(store, cold_q, k, mode="hybrid", vectors=vectors)
    out["cold_rank_hybrid_ms"] = (time.perf_counter() - t) * 1000
    out["cold_query"] = cold_q
    out["rss_after_cold_mb"] = common.vm_hwm_mb()
    log(f"cold rank hybrid: {out['cold_rank_hybrid_ms']:.0f} ms (embedder load {out['embedder_load_ms']:.0f} ms)")

    def timed(fn, qs, what):
        ms, cpu, res = [], [], []
        last = time.perf_counter()
        for i, q in enumerate(qs, 1):
            t0, c0 = time.perf_counter(), time.process_time()
            r = fn(q)
            ms.append((time.perf_counter() - t0) * 1000)
            cpu.append((time.process_time() - c0) * 1000)
            res.append(r)
            if t0 - last >= 30:
                last = t0
                log(f"{what}: {i}/{len(qs)} queries, p50 so far {common.percentile(ms, 50):.0f} ms")
        return ms, cpu, res

    hyb_ms, hyb_cpu, hyb = timed(lambda q: rank(store, q, k, mode="hybrid", vectors=vectors), warm, "rank hybrid")
    log(f"rank hybrid: p50 {common.percentile(hyb_ms, 50):.1f} ms, p95 {common.percentile(hyb_ms, 95):.1f} ms")
    lex_ms, lex_cpu, lex = timed(lambda q: rank(store, q, k, mode="lexical"), warm, "rank lexical")
    log(f"rank lexical: p50 {common.percentile(lex_ms, 50):.1f} ms, p95 {common.percentile(lex_ms, 95):.1f} ms")

    # Components of rank hybrid, each called as rank calls it.
    comp: dict[str, list[float]] = {"fts": [], "embed": [], "hnsw": [], "similarity": [], "fusion": []}
    lexical_hits, missing_n, fts_cpu = [], [], []
    for q in warm:
        match = bm25_match(q)
        t0, c0 = time.perf_counter(), time.process_time()
        lexical = {h.record_id: h.score for h in store.search(match, max(k, LEXICAL_DEPTH))} if match else {}
        t1 = time.perf_counter()
        fts_cpu.append((time.process_time() - c0) * 1000)
        qv = vectors.query_vector(q)
        t2 = time.perf_counter()
        semantic = vectors.search(qv, max(k, SEMANTIC_DEPTH))
        t3 = time.perf_counter()
        miss = [d for d in lexical if d not in semantic]
        sims = vectors.similarity(qv, miss)
        t4 = time.perf_counter()
        ranked(convex(lexical, semantic, DEFAULT_ALPHA, sims), k)
        t5 = time.perf_counter()
        for name, a, b in (("fts", t0, t1), ("embed", t1, t2), ("hnsw", t2, t3), ("similarity", t3, t4),
                           ("fusion", t4, t5)):
            comp[name].append((b - a) * 1000)
        lexical_hits.append(len(lexical))
        missing_n.append(len(miss))
    # Diagnostics of the BM25 side (SQL run here, not in src): how many records each claim
    # matches (FTS5 posting lists only, no scoring), and the same top-100 as store.search
    # when FTS5 ranks before the join with records instead of after it.
    diag: dict[str, list[float]] = {"ranked_first": [], "count": []}
    matching: list[int] = []
    for q in warm:
        match = bm25_match(q)
        if not match:
            diag["ranked_first"].append(0.0)
            diag["count"].append(0.0)
            matching.append(0)
            continue
        t0 = time.perf_counter()
        store.conn.execute(join_first_sql, (match, max(k, LEXICAL_DEPTH))).fetchall()
        t1 = time.perf_counter()
        matching.append(store.conn.execute(COUNT_SQL, (match,)).fetchone()[0])
        t2 = time.perf_counter()
        diag["ranked_first"].append((t1 - t0) * 1000)
        diag["count"].append((t2 - t1) * 1000)
    log(f"diagnostics: join-then-rank (old shape) p50 {common.percentile(diag['ranked_first'], 50):.1f} ms; "
        f"median claim matches {common.percentile(matching, 50):,.0f} records")
    slow = sorted(range(len(warm)), key=lambda i: -comp["fts"][i])[:5]
    slowest = [{"query": warm[i], "fts_ms": comp["fts"][i], "rank_hybrid_ms": hyb_ms[i],
                "ranked_first_ms": diag["ranked_first"][i], "matching_records": matching[i],
                "terms": len(bm25_match(warm[i]).split(" OR "))} for i in slow]

    # ask: the staleness check open_index(sync=True) makes is timed apart (two counts over
    # the store; cached afterwards), and must find nothing stale (else ask would embed).
    t = time.perf_counter()
    stale = vectors.stale()
    out["stale_check_ms"] = (time.perf_counter() - t) * 1000
    if stale:
        sys.exit("the vector index is stale: ask would embed every record; rebuild with --rebuild")
    t = time.perf_counter()
    ask(store, WARMUP_QUESTION)
    out["first_ask_ms"] = (time.perf_counter() - t) * 1000
    questions = load_questions(n_questions)
    asks: dict[str, dict] = {}
    for mode in ("hybrid", "lexical"):
        rows = []
        for cat, q in questions:
            t0, c0 = time.perf_counter(), time.process_time()
            answer = ask(store, q, mode=mode)
            ms = (time.perf_counter() - t0) * 1000
            rows.append({"category": cat, "question": q, "ms": ms, "cpu_ms": (time.process_time() - c0) * 1000,
                         "references": len(answer.references),
                         "violations": len(violations(answer)), "verdict": answer.verdict.direction})
        asks[mode] = {"stats": stats([r["ms"] for r in rows], [r["cpu_ms"] for r in rows]), "rows": rows}
        log(f"ask {mode}: p50 {asks[mode]['stats']['p50']:.0f} ms, p95 {asks[mode]['stats']['p95']:.0f} ms")
    store_count = store.count()
    store.close()
    top10_overlap = [len({d for d, _ in h[:10]} & {d for d, _ in l[:10]}) / 10 for h, l in zip(hyb, lex)]
    out.update({
        "k": k, "queries": len(warm), "questions": len(questions),
        "rank_hybrid": stats(hyb_ms, hyb_cpu), "rank_lexical": stats(lex_ms, lex_cpu),
        "components": {name: stats(xs, fts_cpu if name == "fts" else None) for name, xs in comp.items()},
        "components_sum_p50": sum(common.percentile(xs, 50) for xs in comp.values()),
        "lexical_hits_mean": sum(lexical_hits) / len(lexical_hits),
        "similarity_lookups_mean": sum(missing_n) / len(missing_n),
        "zero_lexical_hits": sum(1 for x in lexical_hits if x == 0),
        "top10_overlap_hybrid_lexical": sum(top10_overlap) / len(top10_overlap),
        "diagnostics": {name: stats(xs) for name, xs in diag.items()},
        "matching_records": stats([float(x) for x in matching]), "records": store_count,
        "slowest_fts": slowest,
        "ask": asks, "query_vm_hwm_mb": common.vm_hwm_mb(),
    })
    return out


# -- report -----------------------------------------------------------------------------------
def report(b: dict, q: dict | None, command: str, start: dict) -> str:
    st = b["stages"]
    size = b["params"]["size"]
    info = common.machine_info()
    import usearch
    lines = [f"\n## Hybrid retrieval at scale (benchmarks/hybrid_scale.py, {size:,} records) — {start['date']}\n",
             f"- command: `{command}`",
             f"- commit: {start['commit']} (plus uncommitted work); code measured: snapshot of src/evidex, "
             f"sha256 {start['code']}" + (f"; the store was built by code {st['store'].get('code')}"
                                          if st["store"].get("code") != start["code"] else ""),
             f"- machine: {info['nproc']} CPU(s) ({info['cpu']}), Python {info['python']}, SQLite {info['sqlite']}, "
             f"usearch {usearch.__version__}; load average (1 min) {start['load']} at start, {info['load']} at end: "
             "other jobs were running on the same cores, so wall times are conservative", ""]
    p = b["pool"]
    lines += [f"Store: {size:,} synthetic records resampled from real text (seed {b['params']['seed']}): title, MeSH, "
              f"authors and year of one of {p['documents']:,} source documents ({p['cohen']:,} cohen2006, "
              f"{p['documents'] - p['cohen']:,} SciFact), {MIN_SENTENCES}-{MAX_SENTENCES} sentences drawn from "
              f"that document (p={P_OWN}) or from the whole pool of {p['sentences']:,} sentences; written by "
              "`evidex.load.ingest_items` (appraise + `Store.write_batch`, batches of 2,000). Vectors: "
              "word-weighted mixtures of the wordllama embeddings of each record's title and sentences, "
              f"cosine {st['vectors']['agreement_mean']:.3f} on average (min {st['vectors']['agreement_min']:.3f}) "
              f"with wordllama run on the record's text ({st['vectors']['agreement_n']} records), in the store's "
              "real `VectorIndex` (f16 HNSW, M=16, ef=128; `vector_state` filled, nothing stale).", ""]
    s, v, z = st["store"], st["vectors"], st["sizes"]
    build_rows = []
    if "pool_embedding" in st:
        pe = st["pool_embedding"]
        build_rows.append(["embed sentence pool (once, cached for every size)", f"{pe['wall_s']:.0f}", "—",
                           f"{pe['items'] / pe['wall_s']:,.0f} texts/s"])
    build_rows += [
        ["records + appraisals + FTS5 (`ingest_items`)", f"{s['wall_s']:.0f}", f"{s['cpu_s']:.0f}",
         f"{s['records'] / s['wall_s']:,.0f} rec/s; appraise {s['appraise_s']:.0f} s "
         f"({s['records'] / max(s['appraise_s'], 1e-9):,.0f} rec/s)"],
        [f"vector index (mixtures, HNSW add on {v['threads']} threads, save, vector_state)", f"{v['wall_s']:.0f}",
         f"{v['cpu_s']:.0f}", f"HNSW add {v['add_s']:.0f} s ({v['vectors'] / max(v['add_s'], 1e-9):,.0f} vectors/s); "
         f"save {v['save_s']:.1f} s; vector_state {v['state_s']:.1f} s"],
    ]
    lines += ["Build (wall and CPU seconds of the build process; stages reused from an earlier run keep "
              f"their figures; peak RSS (VmHWM) of the build process {common.fmt(s.get('vm_hwm_mb'))} MB at the end of "
              f"the store stage, {common.fmt(v.get('vm_hwm_mb'))} MB at the end of the vector stage):", "",
              common.table(["stage", "wall s", "CPU s", "notes"], build_rows), ""]
    tables = sorted(z["tables_mb"].items(), key=lambda kv: -kv[1])
    size_rows = [["SQLite file (after WAL checkpoint)", f"{z['db_mb']:,.0f}", f"{z['db_mb'] * 2**20 / size:,.0f}"]]
    size_rows += [[f"… {name}", f"{mb:,.0f}", f"{mb * 2**20 / size:,.0f}"] for name, mb in tables if mb >= 1]
    size_rows += [["vector index (index.usearch)", f"{z['index_mb']:,.0f}", f"{z['index_mb'] * 2**20 / size:,.0f}"],
                  ["total", f"{z['db_mb'] + z['index_mb']:,.0f}", f"{(z['db_mb'] + z['index_mb']) * 2**20 / size:,.0f}"]]
    lines += ["Size on disk:", "", common.table(["part", "MB", "bytes per record"], size_rows), ""]
    if q is None:
        return "\n".join(lines)

    def row(name, x, digits=1):
        return [name, x["n"], f"{x['p50']:,.{digits}f}", f"{x['p95']:,.{digits}f}", f"{x['max']:,.{digits}f}",
                f"{x['mean']:,.{digits}f}", f"{x['cpu_p50']:,.{digits}f}" if "cpu_p50" in x else "—"]

    c = q["components"]
    d = q["diagnostics"]
    lat = [
        row(f"`rank` hybrid (k={q['k']})", q["rank_hybrid"]),
        row("… FTS5 BM25: `store.search(bm25_match(q), 100)`", c["fts"]),
        row("… query embedding: `vectors.query_vector(q)`", c["embed"], 2),
        row("… HNSW + rowid→id: `vectors.search(qv, 100)`", c["hnsw"], 2),
        row("… exact cosine of lexical-only hits: `vectors.similarity`", c["similarity"], 2),
        row("… fusion: `convex` + `ranked`", c["fusion"], 2),
        row(f"`rank` lexical (k={q['k']})", q["rank_lexical"]),
        row("`ask` hybrid", q["ask"]["hybrid"]["stats"], 0),
        row("`ask` lexical", q["ask"]["lexical"]["stats"], 0),
    ]
    ah = q["ask"]["hybrid"]["rows"]
    lines += [f"Query latency, warm ({q['queries']} SciFact claims for `rank`, {q['questions']} questions of "
              "questions.txt for `ask`; one pass over the queries per measure, in this order: rank hybrid, rank "
              f"lexical, the five components (one pass), the diagnostics below, ask hybrid, ask lexical; CPU p50 is the "
              f"median process CPU time per query, which competing jobs inflate less than wall time); peak RSS of "
              f"the query process {q['query_vm_hwm_mb']:,.0f} MB:", "",
              common.table(["measure", "n", "p50 ms", "p95 ms", "max ms", "mean ms", "CPU p50 ms"], lat), "",
              f"Cold: first `rank` hybrid query of a fresh process, store and index evicted from the page cache "
              f"({', '.join(q.get('evicted', [])) or 'not evicted'}): **{q['cold_rank_hybrid_ms']:,.0f} ms**; "
              f"before it: imports {q['import_ms']:,.0f} ms, loading wordllama {q['embedder_load_ms']:,.0f} ms, "
              f"opening store + memory-mapped index {q['open_ms']:,.0f} ms. First `ask` of the process (after the "
              f"rank passes) {q['first_ask_ms']:,.0f} ms; the staleness check `ask` makes once per process "
              f"(two counts) {q['stale_check_ms']:,.0f} ms.", "",
              f"Sum of component p50s {q['components_sum_p50']:.1f} ms. BM25 side: {q['lexical_hits_mean']:.0f} hits "
              f"per claim on average ({q['zero_lexical_hits']} claims with none); `similarity` looked up "
              f"{q['similarity_lookups_mean']:.0f} lexical hits per claim. Top-10 overlap hybrid vs lexical "
              f"{q['top10_overlap_hybrid_lexical']:.2f}. `ask` hybrid: {sum(1 for r in ah if r['references'])} of "
              f"{len(ah)} answers with references, {sum(r['violations'] for r in ah)} faithfulness violations.", "",
              "Diagnostics of the BM25 side (SQL run by this script, not by src; same claims, after the rank "
              "passes): `bm25_match` ORs every content word of a claim, so FTS5 computes bm25() for every record "
              "holding any of them; `store.search` lets FTS5 rank alone and joins only the top rows to `records`:", "",
              common.table(["measure", "n", "p50", "p95", "max", "mean", "CPU p50"], [
                  row(f"records matching a claim (of {q['records']:,})", q["matching_records"], 0),
                  row("`SELECT count(*) … MATCH` (posting lists, no scoring), ms", d["count"]),
                  row("same top-100, every match joined to `records` before sorting (old shape), ms",
                      d["ranked_first"]),
                  row("`store.search` as in src (FTS5 ranks, top rows joined), ms", c["fts"]),
              ]), "",
              "Slowest BM25 claims:", "",
              common.table(["store.search ms", "old join-first ms", "rank hybrid ms", "records matching", "words",
                            "claim"],
                           [[f"{r['fts_ms']:.0f}", f"{r['ranked_first_ms']:.0f}", f"{r['rank_hybrid_ms']:.0f}",
                             f"{r['matching_records']:,}", r["terms"], r["query"][:80]] for r in q["slowest_fts"]]),
              ""]
    slow_ask = sorted(ah, key=lambda r: -r["ms"])[:3]
    lines += ["Slowest `ask` hybrid questions:", "",
              common.table(["ms", "refs", "question"], [[f"{r['ms']:.0f}", r["references"], r["question"]]
                                                       for r in slow_ask]), ""]
    return "\n".join(lines)


# -- main -------------------------------------------------------------------------------------
def run_stage(args: list[str], result: Path) -> dict:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", *args, "--result", str(result)]
    subprocess.run(cmd, check=True)
    return json.loads(result.read_text())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size", type=int, default=1_000_000, help="records in the store (default 1,000,000)")
    ap.add_argument("--quick", action="store_true", help="20,000 records (overrides --size)")
    ap.add_argument("--write", action="store_true", help="append the section to benchmarks/RESULTS.md")
    ap.add_argument("--rebuild", action="store_true", help="build the store and index afresh")
    ap.add_argument("--queries", type=int, default=200, help="SciFact claims timed with rank (default 200)")
    ap.add_argument("--questions", type=int, default=20, help="questions.txt questions timed with ask (default 20)")
    ap.add_argument("--k", type=int, default=100, help="rank depth (default 100, as evidex eval)")
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 1, help="threads for the HNSW build")
    ap.add_argument("--seed", type=int, default=2024)
    ap.add_argument("--data-dir", type=Path, default=common.DEFAULT_DATA_DIR)
    ap.add_argument("--code", type=Path, help="measure this earlier snapshot (benchmarks/out/code-<sha>)")
    ap.add_argument("--no-evict", action="store_true", help="do not evict the files from the page cache "
                    "before the cold query")
    ap.add_argument("--build-only", action="store_true", help="build (or check) the store and stop")
    ap.add_argument("--worker", choices=["build", "query"], help=argparse.SUPPRESS)
    ap.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--code-sha", default="", help=argparse.SUPPRESS)
    a = ap.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    size = 20_000 if a.quick else a.size

    if a.worker == "build":
        res = build(size, a.seed, a.data_dir, a.threads, a.rebuild, a.code_sha)
        a.result.write_text(json.dumps(res))
        return
    if a.worker == "query":
        _, db, meta_path = paths_for(a.data_dir, size)
        meta = json.loads(meta_path.read_text())
        index = db.parent / (db.name + ".vectors") / meta["stages"]["vectors"]["key"] / "index.usearch"
        res = query(db, index, a.queries, a.questions, a.k, not a.no_evict)
        a.result.write_text(json.dumps(res))
        return

    common.DEFAULT_OUT.mkdir(parents=True, exist_ok=True)
    start = common.machine_info()
    code_dir, start["code"], start["code_commit"] = common.snapshot_code(common.DEFAULT_OUT, a.code)
    common.use_snapshot(code_dir)
    log(f"hybrid_scale: {size:,} records; code snapshot {start['code']}; data in {paths_for(a.data_dir, size)[0]}")
    t0 = time.perf_counter()
    scratch = common.DEFAULT_OUT / f"hybrid-{size}"
    scratch.mkdir(parents=True, exist_ok=True)
    common_args = ["--size", str(size), "--seed", str(a.seed), "--data-dir", str(a.data_dir)]
    b = run_stage(["build", *common_args, "--threads", str(a.threads), "--code-sha", start["code"],
                   *(["--rebuild"] if a.rebuild else [])], scratch / "build.json")
    log(f"build ready in {time.perf_counter() - t0:.0f} s")
    q = None
    if not a.build_only:
        q = run_stage(["query", *common_args, "--queries", str(a.queries), "--questions", str(a.questions),
                       "--k", str(a.k), *(["--no-evict"] if a.no_evict else [])], scratch / "query.json")
    cmd = ("python benchmarks/hybrid_scale.py " + " ".join(sys.argv[1:])).strip()
    text = report(b, q, cmd, start)
    print(text)
    log(f"total {time.perf_counter() - t0:.0f} s")
    if a.write and q is not None:
        with open(common.RESULTS_MD, "a", encoding="utf-8") as fh:   # append only
            fh.write(text.rstrip() + "\n")
        log(f"appended to {common.RESULTS_MD}")


if __name__ == "__main__":
    main()
