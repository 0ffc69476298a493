"""The vector index's files after each kind of damage a crash (or a person) can leave, healed
on open (each shard on its own: here the starter's one shard); readers picking up a newer
generation; the one-writer lock. In-process and fast; the real-SIGKILL matrix is
tests/test_crash.py, several shards tests/test_vectors_sharded.py."""
from __future__ import annotations

import hashlib
import json
import shutil
import threading
from pathlib import Path

import pytest

from evidex.index import get_embedder
from evidex.index.vectors import VectorIndex
from evidex.load import ingest_starter
from evidex.lock import StoreBusy, store_lock
from evidex.store import Store

pytestmark = pytest.mark.skipif(not __import__("evidex.index", fromlist=["x"]).embedding_available(),
                                reason="the default embedder is not installed")


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """A starter store with its index synced (generation 1): copied by each test."""
    db = tmp_path_factory.mktemp("built") / "evidex.db"
    with Store(db) as store:
        ingest_starter(store, embed=True)
    return db


def _copy(built: Path, tmp_path: Path) -> Path:
    for p in built.parent.iterdir():
        if p.name.startswith("evidex.db") and not p.name.endswith(".lock"):
            (shutil.copytree if p.is_dir() else shutil.copy2)(p, tmp_path / p.name)
    return tmp_path / "evidex.db"


def _index(store: Store) -> VectorIndex:
    return VectorIndex(store, get_embedder())


def _shard_folder(db: Path) -> Path:
    """The one shard of the starter's index (rowids 0..262,143)."""
    return next(Path(str(db) + ".vectors").iterdir()) / "shard-00000"


def test_a_save_is_committed_by_sqlite_and_described_by_its_manifest(built, tmp_path):
    db = _copy(built, tmp_path)
    with Store(db) as store:
        ix = _index(store)
        shard = ix.shards[0]
        gen = shard.files.committed()
        manifest = json.loads(shard.files.manifest_path.read_text())
        assert list(ix.shards) == [0] and gen is not None and gen.number == 1 and gen.count == len(ix) == 39
        assert (manifest["generation"], manifest["count"], manifest["bytes"], manifest["records"]) == \
            (1, 39, shard.path.stat().st_size, 39)
        assert (manifest["shard"], manifest["rows"], manifest["settings_hash"]) == (0, [0, 262144], ix.key)
        assert sorted(p.name for p in ix.folder.iterdir()) == ["shard-00000"]
        assert sorted(p.name for p in shard.files.folder.iterdir()) == ["index.usearch", "manifest.json"]


def test_an_uncommitted_next_file_is_discarded(built, tmp_path):
    db = _copy(built, tmp_path)
    folder = _shard_folder(db)
    before = _sha(folder / "index.usearch")
    (folder / "index.next-2.usearch").write_bytes(b"half a save")
    (folder / "index.next-2.usearch.tmp").write_bytes(b"a quarter")
    with Store(db) as store:
        ix = _index(store)
        assert sorted(p.name for p in folder.iterdir()) == ["index.usearch", "manifest.json"]
        assert _sha(ix.shards[0].path) == before and len(ix) == 39 and not ix.stale()


@pytest.mark.parametrize("damage", ["missing", "stale", "garbage"])
def test_a_manifest_that_does_not_match_the_commit_is_rewritten(built, tmp_path, damage):
    db = _copy(built, tmp_path)
    path = _shard_folder(db) / "manifest.json"
    good = json.loads(path.read_text())
    if damage == "missing":
        path.unlink()
    elif damage == "stale":
        path.write_text(json.dumps({**good, "generation": 0, "count": 12}))
    else:
        path.write_text("{not json")
    with Store(db) as store:
        _index(store)
    assert json.loads(path.read_text()) == good


def test_a_missing_or_truncated_index_is_rebuilt_by_the_next_sync(built, tmp_path):
    for damage in ("missing", "truncated"):
        sub = tmp_path / damage
        sub.mkdir()
        db = _copy(built, sub)
        path = _shard_folder(db) / "index.usearch"
        reference = _sha(path)
        if damage == "missing":
            path.unlink()
        else:
            path.write_bytes(path.read_bytes()[:1000])
        with Store(db) as store:
            ix = _index(store)
            assert ix.stale() and len(ix) == 0              # detected: nothing counts as embedded
            assert ix.sync().embedded == 39 and len(ix) == 39 and not ix.stale()
            assert _sha(ix.shards[0].path) == reference     # the same index a clean run made


def test_a_store_from_before_generations_is_adopted_without_re_embedding(built, tmp_path):
    db = _copy(built, tmp_path)
    with Store(db) as store:
        store.conn.execute("DROP TABLE vector_files")
        folder = _shard_folder(db)
        old = json.loads((folder / "manifest.json").read_text())
        for k in ("generation", "bytes", "records", "file"):
            old.pop(k)
        (folder / "manifest.json").write_text(json.dumps(old))
        ix = _index(store)
        assert ix.shards[0].files.committed().number == 0 and len(ix) == 39
        assert ix.sync().embedded == 0


def test_a_reader_picks_up_the_generation_another_connection_commits(built, tmp_path):
    from evidex.index import open_index
    from evidex.load import ingest_items, IngestReport
    from evidex.records import Record, Section
    db = _copy(built, tmp_path)
    with Store(db) as reader, Store(db) as writer:
        seen = open_index(reader, get_embedder(), sync=False)
        assert len(seen) == 39
        new = Record(id="test:new", title="Glial modulation in vulvodynia",
                     sections=(Section("", "Vulvodynia pain fell with a glial modulator."),), year=2024)
        ingest_items(writer, [new], IngestReport())
        with store_lock(db):           # as an ingest would hold it
            assert _index(writer).sync().embedded == 1
        again = open_index(reader, get_embedder(), sync=False)
        assert again is seen and len(seen) == 40 and "test:new" in seen.similarity(
            seen.query_vector("vulvodynia"), ["test:new"])


def test_the_writer_lock_is_reentrant_in_its_thread_and_refuses_others(tmp_path):
    db = tmp_path / "evidex.db"
    errors: list[str] = []
    with store_lock(db):
        with store_lock(db):                    # ingest holding it, then syncing vectors
            pass

        def other() -> None:
            try:
                with store_lock(db):
                    errors.append("acquired")
            except StoreBusy as exc:
                errors.append(str(exc))
        t = threading.Thread(target=other)
        t.start()
        t.join()
    assert len(errors) == 1 and "being written by another evidex process" in errors[0]
    with store_lock(db):                         # released: free again
        pass
