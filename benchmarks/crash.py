"""Crash matrix: SIGKILL a real ``evidex ingest`` at every stage, re-run it, compare with a clean run.

Each case starts a fresh store, runs ``evidex ingest --starter <extra.jsonl>`` as a real
subprocess that is killed with SIGKILL (at a stage chosen with ``EVIDEX_CRASH_AT``, see
``evidex.faults``, or after a random delay), runs the same command again to completion, and
compares the store with one made by a clean run:

- content checksum: SHA-256 over every ``records`` row (id, hash, title, design, level,
  year, record JSON, appraisal JSON, source, ordered by id) and over the ``files`` ledger
  (path, sha256, records, problems): equal means the same data, whatever the rowids or
  timestamps;
- ``PRAGMA integrity_check``: ok; the lexical index (tantivy, ``<db>.lexical/``) holds each
  stored record exactly once and nothing else, and no outbox row is left unapplied;
- vector index: count, committed generation named by the manifest, no leftover files, and
  the index file's SHA-256 (single-thread adds make it reproducible byte for byte);
- hybrid top-10 (ids, scores to 4 decimals) for fixed queries.

The second input (``extra.jsonl``, written by ``write_extra``) adds 20 records and changes
5 of the starter's, so one ingest has two files, two commits, two vector syncs and updates.

Usage: ``python benchmarks/crash.py [--random 10] [--seed 7] [--no-append]``; tests/test_crash.py
runs a fast subset of the same cases with the same code.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

QUERIES = ("low dose naltrexone fibromyalgia pain", "complex regional pain syndrome treatment",
           "multiple sclerosis fatigue quality of life", "Crohn disease remission",
           "opioid antagonist microglia inflammation", "re-analysis of chronic pain trials")
# Every stage of evidex.faults at its first hit, and again later in the run where the stage
# recurs (the second file's batch, the second vector sync, a record deep in a file).
STAGE_CASES = ("parse", "enrich", "lexical", "commit", "index", "embed", "vector_add", "vector_save", "vector_commit",
               "manifest")
LATER_CASES = ("parse:30", "parse:50", "enrich:2", "lexical:2", "commit:2", "index:2", "embed:2", "vector_add:2",
               "vector_save:2", "vector_commit:2", "manifest:2")


def write_extra(path: Path) -> Path:
    """A second JSONL input made from the starter pack: 20 new records, 5 changed ones."""
    from evidex.load import starter_path
    with starter_path() as starter:
        rows = [json.loads(line) for line in starter.read_text(encoding="utf-8").splitlines() if line.strip()]
    out = []
    for i, row in enumerate(rows[:20]):
        out.append({**row, "id": f"crash:{i}", "pmid": None, "doi": None,
                    "title": f"{row['title']}: a re-analysis of chronic pain trials ({i})"})
    for row in rows[20:25]:
        out.append({**row, "title": row["title"] + " (corrected)"})
    path.write_text("".join(json.dumps(r) + "\n" for r in out), encoding="utf-8")
    return path


def ingest_command(db: Path, extra: Path) -> list[str]:
    return [sys.executable, "-m", "evidex", "ingest", "--starter", str(extra), "--db", str(db), "-q"]


def _env(crash: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("EVIDEX_CRASH_AT", "EVIDEX_DB")}
    env["EVIDEX_EMBED"] = "1"
    if crash:
        env["EVIDEX_CRASH_AT"] = crash
    return env


def run_ingest(db: Path, extra: Path, crash: str | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run(ingest_command(db, extra), env=_env(crash), capture_output=True, text=True,
                          timeout=timeout)


def kill_after(db: Path, extra: Path, delay: float) -> int:
    """Start an ingest and SIGKILL it after ``delay`` seconds; its return code (-9 if killed)."""
    proc = subprocess.Popen(ingest_command(db, extra), env=_env(None), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        proc.wait(timeout=delay)
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGKILL)
    return proc.wait()


# -- what is compared --------------------------------------------------------------------
def _digest(rows) -> str:
    h = hashlib.sha256()
    for row in rows:
        h.update(json.dumps(row, ensure_ascii=False).encode())
        h.update(b"\n")
    return h.hexdigest()


def content_checksum(conn) -> str:
    """Records (their JSON as the ``records`` view shows it) and the files ledger, without
    rowids or timestamps. ``conn`` is a store's connection (it defines the view's functions)."""
    records = _digest(conn.execute("SELECT id, hash, title, design, level, year, record, appraisal, source "
                                   "FROM records ORDER BY id"))
    files = _digest(conn.execute("SELECT path, sha256, records, problems FROM files ORDER BY sha256"))
    return hashlib.sha256(f"{records}{files}".encode()).hexdigest()


def lexical_state(db: Path) -> dict[str, object]:
    """The lexical index as the re-run left it (read before any store opens it, which could
    heal it): outbox rows not applied, and whether it holds every stored id exactly once."""
    import sqlite3

    from evidex.lexical import LexicalIndex
    conn = sqlite3.connect(db)
    try:
        pending = conn.execute("SELECT count(*) FROM index_log").fetchone()[0]
        stored = [r[0] for r in conn.execute("SELECT rowid FROM record_data ORDER BY rowid")]
    finally:
        conn.close()
    indexed = LexicalIndex(Path(str(db) + ".lexical")).rowids()
    return {"outbox_pending": pending, "lexical_docs": len(indexed), "lexical_matches": indexed == stored}


def fingerprint(db: Path) -> dict[str, object]:
    """Everything a crash could have damaged, read the way the next query would read it."""
    import sqlite3

    from evidex.index import store_index
    from evidex.retrieve import search
    from evidex.store import Store
    # The files first, as the re-run left them (opening the index below may heal).
    out: dict[str, object] = lexical_state(db)
    conn = sqlite3.connect(db)
    try:
        gen = conn.execute("SELECT index_key, generation, count FROM vector_files").fetchall() \
            if conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'vector_files'").fetchone() else []
        out["integrity"] = conn.execute("PRAGMA integrity_check").fetchone()[0]
        out["records"] = conn.execute("SELECT count(*) FROM record_data").fetchone()[0]
    finally:
        conn.close()
    folder = Path(str(db) + ".vectors")
    files = sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()) if folder.exists() else []
    out["vector_files"] = [f.split("/", 1)[-1] for f in files]
    # One manifest per shard (``<hash>/shard-NNNNN/``), each naming its row of vector_files.
    manifests = [json.loads(p.read_text()) for p in sorted(folder.rglob("manifest.json"))]
    out["manifest_matches"] = sorted((m.get("file_key", m.get("settings_hash")), m.get("generation"), m.get("count"))
                                     for m in manifests) \
        == sorted(tuple(g) for g in gen)
    out["index_sha256"] = [hashlib.sha256(p.read_bytes()).hexdigest()[:16]
                           for p in sorted(folder.rglob("index.usearch"))]
    with Store(db) as store:
        out["checksum"] = content_checksum(store.conn)
        ix = store_index(store, sync=False)
        out["vectors"] = len(ix) if ix is not None else None
        out["stale"] = ix.stale() if ix is not None else None
        out["top10"] = {q: [(c.stored.record.id, round(c.score, 4)) for c in search(store, q, 10, mode="hybrid")]
                        for q in QUERIES}
    return out


def differences(clean: dict[str, object], got: dict[str, object]) -> list[str]:
    bad = [f"{k}: clean {clean[k]!r} vs {got.get(k)!r}" for k in clean if k != "top10" and clean[k] != got.get(k)]
    bad += [f"top10 {q!r}: clean {clean['top10'][q]} vs {got['top10'].get(q)}"  # type: ignore[index,union-attr]
            for q in QUERIES if clean["top10"][q] != got["top10"].get(q)]  # type: ignore[index,union-attr]
    if got.get("integrity") != "ok":
        bad.append(f"integrity_check: {got.get('integrity')}")
    return bad


# -- cases ---------------------------------------------------------------------------------
@dataclass
class Outcome:
    case: str
    killed: bool               # the first run died by SIGKILL (else it finished first)
    rerun_code: int
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def survived(self) -> bool:
        return self.killed and self.rerun_code in (0, 2) and not self.problems


def run_case(work: Path, extra: Path, clean: dict[str, object], case: str,
             kill: Callable[[Path], int]) -> Outcome:
    t = time.perf_counter()
    folder = work / case.replace(":", "_").replace(".", "_")
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    db = folder / "evidex.db"
    code = kill(db)
    again = run_ingest(db, extra)
    out = Outcome(case, code == -signal.SIGKILL, again.returncode)
    if again.returncode not in (0, 2):
        out.problems.append(f"re-run exit {again.returncode}: {again.stderr[-800:]}")
    else:
        out.problems += differences(clean, fingerprint(db))
    out.seconds = time.perf_counter() - t
    return out


def stage_case(work: Path, extra: Path, clean: dict[str, object], target: str) -> Outcome:
    return run_case(work, extra, clean, target, lambda db: run_ingest(db, extra, crash=target).returncode)


def random_case(work: Path, extra: Path, clean: dict[str, object], delay: float) -> Outcome:
    return run_case(work, extra, clean, f"random-{delay:.2f}s", lambda db: kill_after(db, extra, delay))


def clean_run(work: Path) -> tuple[Path, dict[str, object], float]:
    """The extra input, the clean store's fingerprint, and how long a clean ingest took."""
    work.mkdir(parents=True, exist_ok=True)
    extra = write_extra(work / "extra.jsonl")
    db = work / "clean" / "evidex.db"
    shutil.rmtree(db.parent, ignore_errors=True)
    db.parent.mkdir(parents=True)
    t = time.perf_counter()
    done = run_ingest(db, extra)
    took = time.perf_counter() - t
    if done.returncode != 0:
        raise RuntimeError(f"clean ingest failed ({done.returncode}): {done.stderr[-2000:]}")
    return extra, fingerprint(db), took


def random_delays(took: float, count: int, seed: int) -> list[float]:
    """Kill times spread over a clean ingest's duration (most land mid-run, a few after it)."""
    rng = random.Random(seed)
    return sorted(round(rng.uniform(0.5, took), 2) for _ in range(count))


def run_cases(work: Path, extra: Path, clean: dict[str, object], targets: list[str], delays: list[float],
              workers: int = 2) -> list[Outcome]:
    with ThreadPoolExecutor(workers) as pool:
        jobs = [pool.submit(stage_case, work, extra, clean, t) for t in targets]
        jobs += [pool.submit(random_case, work, extra, clean, d) for d in delays]
        return [j.result() for j in jobs]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--random", type=int, default=10, help="kills at random times (besides the stage kills)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--work", type=Path, default=Path("/tmp/evidex-crash"))
    ap.add_argument("--no-append", action="store_true", help="do not append to RESULTS.md")
    a = ap.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import common
    start = common.machine_info()
    t0 = time.perf_counter()
    extra, clean, took = clean_run(a.work)
    outcomes = run_cases(a.work, extra, clean, list(STAGE_CASES + LATER_CASES),
                         random_delays(took, a.random, a.seed), a.workers)
    wall = time.perf_counter() - t0
    kills = [o for o in outcomes if o.killed]
    survived = [o for o in kills if o.survived]
    rows = [[o.case, "SIGKILL" if o.killed else "finished first", o.rerun_code,
             "same as clean" if not o.problems else "; ".join(o.problems)[:300], f"{o.seconds:.1f}"]
            for o in outcomes]
    body = (f"Store: `evidex ingest --starter extra.jsonl` (39 + 20 new + 5 changed records, two files, two "
            f"vector syncs); a clean ingest took {took:.1f} s. Compared after each kill and re-run: content "
            f"checksum (records, files ledger), PRAGMA integrity_check, lexical index = stored ids once each "
            f"with no outbox row left, "
            f"vector count, manifest = committed generation, no leftover files, index file SHA-256, and hybrid "
            f"top-10 (ids and scores) for {len(QUERIES)} fixed queries.\n\n"
            + common.table(["case", "first run", "re-run exit", "result", "s"], rows)
            + f"\n\n**Kills survived: {len(survived)} / {len(kills)}** ({len(outcomes) - len(kills)} random "
              f"delay(s) came after the ingest had finished; not counted). Whole run {wall:.0f} s wall, "
              f"{a.workers} cases at a time.\n")
    print(body)
    if not a.no_append:
        info = common.machine_info()
        with open(common.RESULTS_MD, "a", encoding="utf-8") as fh:
            fh.write(f"\n## Crash matrix (benchmarks/crash.py) — {start['date']}\n\n"
                     f"- command: `python benchmarks/crash.py --random {a.random} --seed {a.seed}`\n"
                     f"- commit: {start['commit']}; machine: {info['nproc']} CPU(s) ({info['cpu']}), Python "
                     f"{info['python']}, SQLite {info['sqlite']}; load average {start['load']} -> {info['load']}\n\n"
                     + body)
    if len(survived) != len(kills):
        sys.exit(1)


if __name__ == "__main__":
    main()
