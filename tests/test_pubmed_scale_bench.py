"""Smoke test of benchmarks/pubmed_scale.py: the baseline-style generator (file layout, md5
files, new PMIDs, texts mixed from the real citations), the report's figures on a hand-made
run, then the whole benchmark at 100 citations (~13 CPU-s, 15-40 s) and the structure of its report."""
from __future__ import annotations

import gzip
import hashlib
import importlib.util
import json
import re
import subprocess
import sys

import pytest

from .conftest import ROOT, need_data

SCRIPT = ROOT / "benchmarks" / "pubmed_scale.py"


@pytest.fixture(scope="module")
def bench():
    sys.path.insert(0, str(SCRIPT.parent))
    spec = importlib.util.spec_from_file_location("bench_pubmed_scale", SCRIPT)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod          # dataclasses look their module up there
    spec.loader.exec_module(mod)
    return mod


def test_generated_baseline_files(bench, tmp_path, monkeypatch):
    need_data("pubmed_xml")
    monkeypatch.setattr(bench, "PER_FILE", 100)
    folder, files = bench.file_set(tmp_path, 250)
    assert [f.name for f in files] == ["pubmed26n0001.xml.gz", "pubmed26n0002.xml.gz", "pubmed26n0003.xml.gz"]
    from evidex.ingest import iter_file
    from evidex.records import Record
    pmids, titles, abstracts = [], set(), set()
    for path in files:
        md5 = (folder / (path.name + ".md5")).read_text()
        assert md5 == f"MD5({path.name})= {hashlib.md5(path.read_bytes()).hexdigest()}\n"
        assert gzip.open(path).read(300).startswith(b'<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE PubmedArticleSet')
        records = [r for r in iter_file(path) if isinstance(r, Record)]
        assert len(records) == (50 if path.name.endswith("3.xml.gz") else 100)
        for r in records:
            pmids.append(r.pmid)
            titles.add(r.title)
            abstracts.add(" ".join(s.text for s in r.sections))
            assert r.doi in (None, f"10.99999/pubmed-scale.{r.pmid}")     # the template's DOI is replaced
    assert pmids == [str(bench.PMID_BASE + i) for i in range(1, 251)]
    assert len(abstracts) > 200                  # mixed sentences: not 250 copies of ~600 originals
    assert any(r.mesh_terms for r in records) and any(r.authors for r in records)
    # Reused, not regenerated: the same bytes, the same files.
    before = {f: f.stat().st_mtime_ns for f in files}
    assert bench.file_set(tmp_path, 250)[1] == files
    assert {f: f.stat().st_mtime_ns for f in files} == before


def _report(rerun_changed=(), rerun_s=0.5):
    ingest = {"workers": 1, "wall_s": 20.0, "cpu_s": 19.0, "work_wall_s": 19.0, "work_cpu_s": 18.0,
              "tree_rss_mb": 300.0, "tree_pss_mb": 250.0, "max_process_rss_mb": 290.0,
              "worker": {"timed_cpu_s": {"store": 2.0, "lexical": 1.0}, "wrapped": {}}}
    return {"records": 10_000, "files": 1, "input_bytes": 13_000_000,
            "cli": {"workers_option": True, "embed_command": True},
            "parse": {"cpu_s": 3.0, "work_cpu_s": 2.0}, "enrich": {"cpu_s": 13.0, "work_cpu_s": 12.0},
            "ingest": {"ingest-w1": ingest, "ingest-w2": {**ingest, "workers": 2, "work_wall_s": 10.0}},
            "rerun": {**ingest, "wall_s": 1.5, "work_wall_s": rerun_s, "changed": list(rerun_changed),
                      "ratio_pct": 7.5, "work_ratio_pct": 100 * rerun_s / 19.0},
            "embed": {**ingest, "work_cpu_s": 30.0},
            "bytes": {"store": 15_000_000, "lexical": 5_000_000, "vectors": 4_000_000, "other": 0},
            "queries": {"latency_ms": {"tantivy": {"rank": [10.0, 20.0, 60.0], "ask": [100.0, 200.0, 250.0]},
                                       "fts5": {"rank": [400.0, 500.0, 900.0], "ask": [300.0, 400.0, 500.0]}},
                        "engines": ["tantivy", "fts5"], "tree_rss_mb": 500.0, "records": 10_000,
                        "warmup_s": 1.0, "rss_after_warmup_mb": 400.0, "rss_end_mb": 450.0}}


def test_figures_projection_and_targets(bench):
    f = bench.figures(_report())
    assert f["stages"]["parse"]["per_core"] == pytest.approx(5000)
    assert f["stages"]["enrich"]["per_core"] == pytest.approx(1000)
    assert f["stages"]["store"]["per_core"] == pytest.approx(5000)
    assert f["stages"]["lexical index"]["per_core"] == pytest.approx(10_000)
    assert f["bytes_per_record"]["store"] == 1500
    # 2 cores: 37M x 1.8 ms of CPU / 2; 16 cores: the single writer's 0.3 ms/record is the floor.
    assert f["projection"]["ingest_h"][16] == pytest.approx(37e6 * 3 / 10_000 / 3600)
    assert f["projection"]["ingest_h"][2] == pytest.approx(37e6 * 18 / 10_000 / 2 / 3600)
    status = {t["name"]: t["status"] for t in f["targets"]}
    assert status["store bytes per record"] == "OK"
    assert status["peak RSS of the ingest process tree"] == "OK"
    assert status["rank p95"] == "FAIL"              # tantivy (the first engine) p95 ~56 ms
    assert status["ask p95"] == "OK"
    assert status["re-run changes nothing"] == "OK"
    assert status["projected full baseline on 16 cores"] == "FAIL"
    bad = {t["name"]: t["status"] for t in bench.figures(_report(rerun_changed=["records"], rerun_s=5))["targets"]}
    assert bad["re-run changes nothing"] == "FAIL" and bad["re-run time / first run (work, after imports)"] == "FAIL"
    md = bench.markdown({**_report(), "queries": {**_report()["queries"]}}, f)
    assert "| fts5" in md and "| tantivy" in md and "Projection to 37M" in md


def test_whole_benchmark_small(bench, tmp_path):
    need_data("pubmed_xml")
    proc = subprocess.run([sys.executable, str(SCRIPT), "--records", "100", "--work", str(tmp_path), "--queries", "2",
                           "--embed-workers", "1"],
                          capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr[-3000:]
    data = json.loads((tmp_path / "report-100.json").read_text())
    report, fig = data["report"], data["figures"]
    assert report["records"] == 100 and report["files"] == 1
    assert {"parse", "enrich", "embed"} <= set(fig["stages"])
    assert all(v["per_core"] > 0 for v in fig["stages"].values())
    assert report["rerun"]["changed"] == []
    assert fig["bytes_per_record"]["store"] > 0 and fig["bytes_per_record"]["vectors"] > 0
    for engine, ops in report["queries"]["latency_ms"].items():
        assert set(ops) == {"search", "bm25", "rank", "ask"}
        assert all(len(v) == 2 and min(v) > 0 for v in ops.values()), engine
    names = [t["name"] for t in fig["targets"]]
    assert len(names) == len(bench.TARGETS) + 1 and all(t["status"] in ("OK", "FAIL") for t in fig["targets"])
    md = (tmp_path / "report-100.md").read_text()
    assert md in proc.stdout
    for heading in ("**Stages**", "**Ingest runs**", "**Bytes per record**", "**Query latency at 100 records**",
                    "**Projection to 37M citations**", "**Targets**"):
        assert heading in md
    assert re.search(r"\| full baseline < 15 min on 16 cores\? +\| (yes|no) ", md)
    again = subprocess.run([sys.executable, str(SCRIPT), "--from-report", str(tmp_path / "report-100.json"),
                            "--work", str(tmp_path)], capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert again.returncode == 0 and again.stdout.strip() == md.strip()       # the table is reproducible


def test_top10_agreement_counts_ties(bench):
    assert bench.tie_overlap([["a", 3.0], ["b", 2.0], ["c", 2.0]], [["a", 9.0], ["c", 5.0], ["b", 5.0]], k=2) == 1.0
    assert bench.tie_overlap([["a", 3.0], ["b", 2.0]], [["x", 3.0], ["y", 2.0]], k=2) == 0.0
    assert bench.tie_overlap([["a", 3.0], ["b", 2.0]], [["a", 3.0], ["y", 2.0]], k=2) == 0.5
    assert bench.tie_overlap([], [], k=10) == 1.0
