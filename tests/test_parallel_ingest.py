"""Parallel ingest (issue 10): the per-file function, its shards, and a process pool whose
single writer leaves exactly the store one process leaves."""
from __future__ import annotations

import os
import tempfile
from dataclasses import replace
from pathlib import Path

from evidex.enrich import appraise
from evidex.ingest import Deletion
from evidex.load import IngestReport, _apply, ingest_paths
from evidex.records import Problem, Record, Section
from evidex.shards import Shard, file_shards, item_shards
from evidex.store import Store

from .conftest import full_digest, need_data


def _rec(rid: str, title: str) -> Record:
    return Record(id=rid, title=title, sections=(Section("", "Fifty adults were randomised. Pain fell."),))



def test_shards_are_bounded_and_keep_deletion_order():
    items = [_rec(f"t:{i}", f"Trial {i}") for i in range(5)] + [Deletion("t:1"), _rec("t:1", "Back again"),
                                                                 Problem("f", "line 9", "bad"), _rec("t:1", "Last")]
    shards = list(item_shards(items, "f", chunk=2))
    assert [len(s.items) for s in shards] == [2, 2, 1, 1]
    assert shards[2].deletions == ("t:1",)               # applied before the record read after it
    assert shards[3].items[0][0].title == "Last" and shards[3].read == 2   # last version of the shard wins
    assert shards[3].problems == (Problem("f", "line 9", "bad"),)
    assert [s.last for s in shards] == [False, False, False, True]
    assert all(a == appraise(r) for s in shards for r, a in s.items)


def test_unchanged_records_are_not_appraised_but_rechecked_by_the_writer(db_path):
    """A worker may look up a record before an earlier file of the run changes it: the writer
    compares again and appraises what is no longer the same."""
    v1, v2 = _rec("pmid:7", "Version one"), _rec("pmid:7", "Version two")
    with Store(db_path) as store:
        store.write_batch([(v1, appraise(v1))])
        (stale,) = item_shards([v1], chunk=10, lookup=store.hashes)
        assert stale.items == ((v1, None),)                        # unchanged when the worker looked
        store.write_batch([(v2, appraise(v2))])                    # an earlier file in the run
        report = IngestReport()
        _apply(store, stale, report)
        assert store.get("pmid:7").record.title == "Version one"
        assert store.get("pmid:7").appraisal == appraise(v1)
        assert report.stats.updated == 1
        _apply(store, stale, report)                               # now truly unchanged
        assert report.stats.unchanged == 1


def test_file_shards_of_a_real_file(tmp_path):
    path = need_data("pubmed_xml", "titipata_medline16n0902_sample.xml")
    shards = list(file_shards(path, chunk=250))
    assert [s.seq for s in shards] == [0, 1, 2] and shards[-1].last and not shards[-1].failed
    assert sum(s.read for s in shards) == 604
    assert shards[-1].deletions                                  # the sample's DeleteCitation


def test_pool_store_equals_single_process_store(tmp_path):
    paths = [need_data("pubmed_xml"), need_data("medline_text")]
    spills = set(os.listdir(tempfile.gettempdir()))
    stores = {}
    for workers in (1, 2):
        with Store(tmp_path / f"w{workers}.db") as store:
            report = ingest_paths(store, paths, embed=False, workers=workers)
            stores[workers] = (store.checksum(), full_digest(store), report.summary(),
                               sorted(map(str, report.problems)))
    assert stores[1] == stores[2]
    assert not [n for n in set(os.listdir(tempfile.gettempdir())) - spills if n.startswith("evidex-shards-")]


def test_pool_marks_files_done_and_skips_them(tmp_path):
    src = need_data("pubmed_xml", "iAmGiG_pubmed_sample_repaired.xml")
    copies = []
    for i in range(3):
        dst = tmp_path / f"part{i}.xml"
        text = src.read_text(encoding="utf-8").replace("<PMID Version=\"1\">", f"<PMID Version=\"1\">{i + 1}00")
        dst.write_text(text, encoding="utf-8")
        copies.append(dst)
    with Store(tmp_path / "p.db") as store:
        first = ingest_paths(store, copies, embed=False, workers=2)
        assert first.ok and first.records_read == 3 * 8 and store.count() == 3 * 8
        again = ingest_paths(store, copies, embed=False, workers=2, force=True)   # compared by hash, twice
        assert again.records_read == 3 * 8 and again.stats.added == again.stats.updated == 0
        assert ingest_paths(store, copies, embed=False, workers=2).files_skipped == 3


def test_shard_round_trips_through_pickle():
    import pickle
    rec = replace(_rec("x:1", "A trial"), metadata={"k": [1, 2]})
    shard = Shard("f", 0, ((rec, appraise(rec)),), ("x:2",), (Problem("f", "", "m"),), 1, True)
    back = pickle.loads(pickle.dumps(shard, protocol=pickle.HIGHEST_PROTOCOL))
    assert back == shard and back.items[0][0].metadata == {"k": [1, 2]}
    assert isinstance(Path(back.path), Path)


def test_a_killed_worker_stops_the_run_and_a_rerun_finishes_it(tmp_path, monkeypatch):
    """SIGKILL a worker process at its first shard: the writer stops with WorkerLost, keeps
    what it wrote, and the next run leaves the same store as an uninterrupted one."""
    from evidex import faults
    from evidex.parallel import WorkerLost
    paths = [need_data("medline_text"), *(need_data("pubmed_xml", f"biopython_pubmed{i}.xml") for i in (1, 2, 4, 5))]
    with Store(tmp_path / "whole.db") as store:
        ingest_paths(store, paths, embed=False)
        want = full_digest(store)
    monkeypatch.setattr(faults, "_TARGET", ("enrich", 3))       # only the workers appraise
    with Store(tmp_path / "killed.db") as store:
        try:
            ingest_paths(store, paths, embed=False, workers=2)
            raised = False
        except WorkerLost:
            raised = True
        assert raised
        monkeypatch.setattr(faults, "_TARGET", None)
        again = ingest_paths(store, paths, embed=False, workers=2)
        assert again.files_skipped < again.files
        assert full_digest(store) == want


def test_rows_encoded_by_workers_store_the_same_bytes(tmp_path):
    """Rows a worker encodes (before the store has a zstd dictionary, after it, and packed
    with a dictionary the writer no longer uses) leave byte-for-byte the rows the writer's
    own encoding leaves, and the same lexical documents."""
    from evidex.rows import encode
    from evidex.shards import readonly_packer
    path = need_data("pubmed_xml", "titipata_medline16n0902_sample.xml")
    pairs = [(r, appraise(r)) for s in file_shards(path, chunk=1000) for r, _ in s.items]
    first, second = pairs[:400], pairs[400:]
    table = "SELECT rowid, id, hash, title, design, level, year, record, appraisal, source FROM record_data ORDER BY rowid"
    with Store(tmp_path / "pairs.db") as a, Store(tmp_path / "rows.db") as b:
        a.write_batch(first)
        a.write_batch(second, deletions=[first[3][0].id])
        before = readonly_packer(b.path)                 # no dictionary yet: rows travel unpacked
        rows = [encode(r, ap, before) for r, ap in first]
        assert all(row.packed_with is None for row in rows)
        b.write_batch(rows)
        after = readonly_packer(b.path)                  # the writer trained one on that batch
        rows = [encode(r, ap, after) for r, ap in second]
        assert after.trained and all(row.packed_with == b.packer.dict_id for row in rows)
        plain = b.packer._plain.compress          # zstd without a dictionary: not the writer's current one
        stale = replace(rows[0], record=plain(b.packer.unpack(rows[0].record).encode()),
                        appraisal=plain(b.packer.unpack(rows[0].appraisal).encode()), packed_with=0)
        b.write_batch([stale, *rows[1:]], deletions=[first[3][0].id])
        assert a.conn.execute(table).fetchall() == b.conn.execute(table).fetchall()
        assert a.conn.execute("SELECT * FROM zstd_dicts").fetchall() == b.conn.execute(
            "SELECT * FROM zstd_dicts").fetchall()
        assert a.lexical.rowids() == b.lexical.rowids()
        assert [h.record_id for h in a.search("randomized OR trial", 50)] == \
            [h.record_id for h in b.search("randomized OR trial", 50)]


def _two_shards_waiting(path, chunk, lookup, encode=False, packer=None):
    """A file's shards where the second is made only once the writer has the first."""
    import time
    yield Shard(str(path), 0, read=0)
    marker = Path(f"{path}.first-applied")
    deadline = time.monotonic() + 30
    while not marker.exists():
        if time.monotonic() > deadline:
            raise TimeoutError("the writer did not get the first shard while the file was being read")
        time.sleep(0.01)
    yield Shard(str(path), 1, read=0, last=True)


def test_writer_gets_a_files_shards_while_the_worker_still_reads_it(tmp_path, monkeypatch):
    from evidex import parallel
    monkeypatch.setattr(parallel, "file_shards", _two_shards_waiting)   # forked workers inherit it
    path = tmp_path / "big.xml"
    path.write_text("")
    got = []
    for job, shard in parallel.pool_shards([parallel.Job(path)], workers=2):
        got.append(shard.seq)
        if shard.seq == 0:
            Path(f"{path}.first-applied").write_text("")
    assert got == [0, 1]
    assert not list(tmp_path.glob("*.partial"))
