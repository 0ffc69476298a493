"""``evidex ingest --ray`` on a local Ray with 2 CPUs (issue 10): the same per-file function as
Ray tasks, shards streamed back to the one writer in order; the store must equal the
single-process one."""
from __future__ import annotations


import pytest

from evidex.load import ingest_paths
from evidex.store import Store

from .conftest import full_digest, need_data

ray = pytest.importorskip("ray", reason="Ray is not installed: pip install 'evidex[ray]' (the test extra has it)")



def test_local_ray_store_equals_single_process_store(tmp_path):
    paths = [need_data("medline_text"), *(need_data("pubmed_xml", name) for name in
                                          ("iAmGiG_pubmed_sample_repaired.xml", "biopython_pubmed1.xml",
                                           "titipata_pubmed-29768149.xml"))]
    with Store(tmp_path / "one.db") as store:
        one = ingest_paths(store, paths, embed=False)
        want = (store.checksum(), full_digest(store))
    with Store(tmp_path / "ray.db") as store:
        got = ingest_paths(store, paths, embed=False, ray="", workers=2)     # a local Ray, 2 CPUs
        assert (store.checksum(), full_digest(store)) == want
        assert got.summary() == one.summary()
        assert sorted(map(str, got.problems)) == sorted(map(str, one.problems))
    assert not ray.is_initialized()                 # the local Ray it started is stopped again
