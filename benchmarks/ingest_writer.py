"""The single writer of a parallel ingest: its CPU per record, and store identity between two codes.

    python benchmarks/ingest_writer.py --base /tmp/wt-base --rounds 2      # both codes, 1 and 2 workers
    python benchmarks/ingest_writer.py --code /tmp/wt-new --base /tmp/wt-base --inputs pubmed1 --workers 2
    python benchmarks/ingest_writer.py --profile OUT.txt                   # cProfile of the writer only

Inputs (``--inputs``): ``pubmed`` = 20,000 citations from ``benchmarks/pubmed_scale.py``'s
generator cut into 4 baseline-style files of 5,000 (so 2 workers have files to share; cached
in $TMPDIR/evidex-ingest-writer/), ``pubmed1`` = the same 20,000 in one file (the writer can
only overlap with the one worker reading it), and ``cohen`` = the 14 cohen2006 CSVs. Each run is a fresh
interpreter importing one code (``PYTHONPATH=<code>/src``) that ingests one input into a new
store (``load.ingest_paths``, embed=False) and reports: wall, the writer's CPU (the main
process: with 2 workers it only applies shards; with 1 it also parses and appraises), the
workers' CPU (``RUSAGE_CHILDREN``) and the load average. Models are loaded before timing.
Then the store is dumped: every record's row columns, record JSON, ``Record.text()``,
appraisal JSON, the file ledgers (without their timestamps) and the hits of 20 searches; the
dumps of every run must be byte-identical (code x workers).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

WORK = Path(tempfile.gettempdir()) / "evidex-ingest-writer"
QUERIES = ("randomized placebo pain", "cohort mortality", "children asthma", "hypertension blood pressure",
           "diabetes insulin", "\"double blind\"", "migraine", "depression AND elderly", "cancer OR tumour",
           "opioid analgesic", "estrogen women", "infection antibiotic", "heart failure",
           "proton pump", "muscle relaxant", "urinary incontinence", "meta analysis", "quality of life",
           "adverse events NOT placebo", "systematic review")


def pubmed_files(n: int = 20_000, per_file: int = 5_000) -> list[Path]:
    """Baseline-style files from pubmed_scale's generator, ``per_file`` citations each."""
    import pubmed_scale
    pubmed_scale.PER_FILE = per_file
    _folder, files = pubmed_scale.file_set(WORK / f"pf{per_file}", n)
    return files


def inputs(name: str) -> list[Path]:
    if name == "pubmed":
        return pubmed_files()
    if name == "pubmed1":                # the same citations in one file: one worker reads it all
        return pubmed_files(per_file=20_000)
    return sorted(common.COHEN_DIR.glob("*.csv"))


def child_run(input_name: str, db: Path, workers: int, profile: Path | None) -> dict:
    """In the measured interpreter: one ingest into a fresh store, then its dump's digest."""
    from evidex import load
    from evidex.enrich import appraise
    from evidex.records import Record, Section
    from evidex.store import Store
    appraise(Record(id="warm", title="Warm-up", sections=(Section("", "Ten adults were randomised."),)))
    paths = inputs(input_name)
    common.remove_store(db)
    prof = None
    if profile is not None:
        import cProfile
        prof = cProfile.Profile(time.process_time)
        _profile_after_fork(load, prof, workers)
    self0, kids0 = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    w0, load0 = time.perf_counter(), os.getloadavg()[0]
    with Store(db) as store:
        report = load.ingest_paths(store, paths, embed=False, workers=workers)
    wall = time.perf_counter() - w0
    self1, kids1 = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    if prof is not None:
        prof.disable()
        import pstats
        with open(profile, "w") as fh:
            pstats.Stats(prof, stream=fh).sort_stats("tottime").print_stats(45)
            pstats.Stats(prof, stream=fh).sort_stats("cumtime").print_stats(60)
    cpu = lambda r: r.ru_utime + r.ru_stime   # noqa: E731
    res = {"input": input_name, "workers": workers, "records": report.records_read, "summary": report.summary(),
           "wall": wall, "writer_cpu": cpu(self1) - cpu(self0), "workers_cpu": cpu(kids1) - cpu(kids0),
           "load": [load0, os.getloadavg()[0]]}
    res["digest"], res["stored"] = dump(db, db.with_suffix(".dump.jsonl"))
    return res


def _profile_after_fork(load, prof, workers: int) -> None:
    """Start the profiler once the pool's workers are forked (at the first shard), so that it
    runs in the writer only."""
    if workers <= 1:
        prof.enable()
        return
    from evidex import parallel
    original = parallel.pool_shards

    def wrapped(*args, **kwargs):
        stream = original(*args, **kwargs)
        first = next(stream, None)
        prof.enable()
        if first is not None:
            yield first
            yield from stream
    parallel.pool_shards = wrapped


def dump(db: Path, out: Path) -> tuple[str, int]:
    """Everything the store serves, one JSON line per record, then the ledgers and search hits."""
    from evidex.store import Store
    digest, n = hashlib.sha256(), 0
    with Store(db) as store, open(out, "w", encoding="utf-8") as fh:
        def put(obj) -> None:
            line = json.dumps(obj, sort_keys=True, ensure_ascii=False)
            fh.write(line + "\n")
            digest.update(line.encode())
        for (rid,) in store.conn.execute("SELECT id FROM record_data ORDER BY id").fetchall():
            got = store.get(rid)
            row = store.conn.execute("SELECT hash, title, design, level, year, source FROM record_data WHERE id=?",
                                     (rid,)).fetchone()
            put({"id": rid, "row": row, "record": got.record.to_json(), "text": got.record.text(),
                 "appraisal": got.appraisal.to_json()})
            n += 1
        put(store.conn.execute("SELECT path, sha256, records, problems FROM files ORDER BY sha256").fetchall())
        try:
            put(store.conn.execute("SELECT name, md5, kind, records, added, updated, deleted, problems "
                                   "FROM pubmed_files ORDER BY name").fetchall())
        except Exception:      # noqa: BLE001 - no series files in this input
            put([])
        put([[h.record_id, round(h.score, 4)] for q in QUERIES for h in store.search(q, 20)])
        put({"lexical_docs": store.lexical.num_docs(), "outbox": store.conn.execute(
            "SELECT count(*) FROM index_log").fetchone()[0]})
    return digest.hexdigest()[:16], n


def measure(code: Path, input_name: str, workers: int, out: Path, profile: Path | None = None) -> dict:
    db = out / f"{code.name}-{input_name}-w{workers}.db"
    cmd = [sys.executable, __file__, "--child", input_name, str(db), str(workers)] + \
        (["--profile", str(profile)] if profile else [])
    env = dict(os.environ, PYTHONPATH=str(code / "src"))
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--child", nargs=3, metavar=("INPUT", "DB", "WORKERS"), help=argparse.SUPPRESS)
    ap.add_argument("--code", type=Path, default=common.REPO, help="the code tree measured (default: this one)")
    ap.add_argument("--base", type=Path, help="a second code tree (git worktree) measured beside it")
    ap.add_argument("--inputs", default="pubmed,cohen")
    ap.add_argument("--workers", default="1,2")
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--profile", type=Path, help="cProfile the writer of one 2-worker run per input")
    ap.add_argument("--out", type=Path, default=WORK / "runs")
    a = ap.parse_args(argv)
    if a.child:
        print(json.dumps(child_run(a.child[0], Path(a.child[1]), int(a.child[2]), a.profile)))
        return 0
    a.out.mkdir(parents=True, exist_ok=True)
    for name in a.inputs.split(","):
        inputs(name)                     # generated once, before any timing
    codes = [a.code] + ([a.base] if a.base else [])
    rows = []
    for r in range(a.rounds):
        order = codes if r % 2 == 0 else codes[::-1]
        for name in a.inputs.split(","):
            for workers in map(int, a.workers.split(",")):
                for code in order:
                    prof = a.profile.with_name(f"{a.profile.stem}-{code.name}-{name}-w{workers}.txt") \
                        if a.profile else None
                    res = measure(code, name, workers, a.out, prof)
                    res.update(code=str(code), round=r)
                    rows.append(res)
                    print(json.dumps(res), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
