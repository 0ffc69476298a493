"""Ask benchmark: latency of evidex.synthesis.ask on a 200k-record store, and faithfulness.

    .venv/bin/python benchmarks/ask.py                    # 200k store (built once, then reused)
    .venv/bin/python benchmarks/ask.py --quick            # 3k store, smoke run, no RESULTS.md entry

The store holds the generated cohen2006 set (see common.py), the bundled starter pack
(evidex.load.ingest_starter) and ../shared/data/ldn/dev_corpus.jsonl. It is kept in
--out (ask-<size>.db) and reused by later runs; --rebuild starts it afresh. When
benchmarks/ingest.py has left out/ingest-<size>.db, the store is seeded from a copy of it
(SQLite backup) instead of ingesting the same file again.

Each question of questions.txt is asked once, warm (after one untimed warm-up question),
in this process pinned to one CPU; p50/p95/max are over the 50 questions. Every answer is
checked with evidex.synthesis.violations (numbers not found in a cited passage).
"""
from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

QUESTIONS = common.BENCH_DIR / "questions.txt"
DEV_CORPUS = common.SHARED_DATA / "ldn" / "dev_corpus.jsonl"
WARMUP_QUESTION = "Is low-dose naltrexone effective for chronic pain?"
# Goals: p50 under a second on the 200k store (issue); the faithfulness property holds for
# every answer (DESIGN.md: every number stated is in a cited passage).
GOAL_P50 = common.Goal("ask latency p50", "<", 1000, "ms")
GOAL_FAITHFUL = common.Goal("answers with faithfulness violations", "==", 0, "answers")


def load_questions(path: Path = QUESTIONS) -> list[tuple[str, str]]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            cat, _, q = line.partition("\t")
            out.append((cat.strip(), q.strip()))
    return out


def _synthetic_count(store, size: str) -> int:
    """Records of the generated set already in the store (ids pmid:<real> or pmid:9xxxxxxx)."""
    if size == "200k":
        lo, hi = common.SYNTHETIC_PMID_BASE, common.SYNTHETIC_PMID_BASE + common.SIZES[size]
        row = store.conn.execute("SELECT count(*) FROM records WHERE id >= ? AND id < ?",
                                 (f"pmid:{lo}", f"pmid:{hi}")).fetchone()
        return row[0]
    return store.conn.execute("SELECT count(*) FROM records WHERE source LIKE ?",
                              (f"%{common.dataset_path(size).name}",)).fetchone()[0]


def build_store(size: str, out: Path, data_dir: Path, rebuild: bool,
                code: str) -> tuple[object, list[list[object]], str]:
    """Open (building or seeding it when needed) the ask store; returns (store, steps,
    sha of the code that appraised and indexed the generated set)."""
    from evidex.load import ingest_paths, ingest_starter
    from evidex.store import Store
    path, n = common.build_dataset(size, data_dir)
    db = out / f"ask-{size}.db"
    built_by = out / f"ask-{size}.db.code"
    steps: list[list[object]] = []
    if rebuild:
        common.remove_store(db)
    seed = out / f"ingest-{size}.db"
    if not db.exists() and seed.exists():
        # The vector index lives beside the store (<db>.vectors/); copy it too, or the
        # first question would embed every record.
        t0 = time.perf_counter()
        src = sqlite3.connect(seed)
        dst = sqlite3.connect(db)
        src.backup(dst)
        src.close()
        dst.close()
        vec = seed.parent / (seed.name + ".vectors")
        if vec.is_dir():
            shutil.copytree(vec, db.parent / (db.name + ".vectors"))
        seed_code = seed.parent / (seed.name + ".code")
        built_by.write_text(seed_code.read_text() if seed_code.is_file() else "unknown")
        steps.append([f"copy of {seed.name}", "—", f"{time.perf_counter() - t0:.1f}", "—"])
    store = Store(db)
    # The generated file holds citations with neither title nor abstract, so ingest_paths
    # never marks it done and would re-read all of it on every run: skip it when its
    # records are already stored (at most those unreadable citations missing).
    have = _synthetic_count(store, size)
    if have < n * 0.99:
        t0 = time.perf_counter()
        rep = ingest_paths(store, [path], progress=sys.stderr.isatty())
        dt = time.perf_counter() - t0
        built_by.write_text(code)
        steps.append([path.name, f"{rep.records_read:,}", f"{dt:.1f}", common.fmt(rep.records_read / dt)])
    else:
        steps.append([path.name, f"{have:,} already stored", "0", "—"])
    for name, fn in (("starter pack", lambda: ingest_starter(store)),
                     (DEV_CORPUS.name, lambda: ingest_paths(store, [DEV_CORPUS]))):
        t0 = time.perf_counter()
        rep = fn()
        dt = time.perf_counter() - t0
        steps.append([name, f"{rep.records_read:,} read, {rep.stats.added} added", f"{dt:.1f}", "—"])
    store_code = built_by.read_text().strip() if built_by.is_file() else "unknown"
    if store_code != code:
        print(f"warning: the store's {size} records were appraised and indexed by code {store_code}, "
              f"the questions run on code {code}; pass --rebuild for a store of this code", file=sys.stderr)
    return store, steps, store_code


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size", default="200k", choices=list(common.SIZES), help="generated set in the store")
    ap.add_argument("--quick", action="store_true", help="3k store; prints, does not touch RESULTS.md")
    ap.add_argument("--out", type=Path, default=common.DEFAULT_OUT, help="scratch folder (gitignored)")
    ap.add_argument("--data-dir", type=Path, default=common.DEFAULT_DATA_DIR)
    ap.add_argument("--questions", type=Path, default=QUESTIONS)
    ap.add_argument("--rebuild", action="store_true", help="build the store afresh")
    ap.add_argument("--code", type=Path, help="measure this earlier snapshot (out/code-<sha>) "
                    "instead of a new snapshot of src/evidex, so runs can describe the same code")
    ap.add_argument("--no-record", action="store_true", help="do not append to RESULTS.md")
    a = ap.parse_args()
    size = "3k" if a.quick else a.size
    a.out.mkdir(parents=True, exist_ok=True)
    start = common.machine_info()
    code_dir, start["code"], start["code_commit"] = common.snapshot_code(a.out, a.code)
    common.use_snapshot(code_dir)
    common.pin_to_one_core()

    from evidex.synthesis import ask, violations

    t0 = time.perf_counter()
    store, steps, store_code = build_store(size, a.out, a.data_dir, a.rebuild, start["code"])
    build_s = time.perf_counter() - t0
    total = store.count()
    print(f"store {store.path}: {total:,} records (ready in {build_s:.1f} s)", flush=True)

    questions = load_questions(a.questions)
    t0 = time.perf_counter()
    ask(store, WARMUP_QUESTION)
    warmup_ms = (time.perf_counter() - t0) * 1000
    rows = []
    results = []
    for i, (cat, q) in enumerate(questions, 1):
        t0 = time.perf_counter()
        answer = ask(store, q)
        ms = (time.perf_counter() - t0) * 1000
        bad = violations(answer)
        res = {"i": i, "category": cat, "question": q, "ms": ms, "violations": bad,
               "interventions": list(answer.query.interventions), "conditions": list(answer.query.conditions),
               "direction": answer.verdict.direction, "certainty": answer.verdict.certainty,
               "references": len(answer.references), "table_rows": len(answer.evidence_table),
               "warnings": list(answer.warnings)}
        results.append(res)
        print(f"{i:>2} {ms:8.1f} ms  {len(bad)} viol  {res['direction']:<12} {res['references']:>2} refs  {q}",
              flush=True)
    peak = common.peak_rss_mb()
    store.close()
    with open(a.out / f"ask-{size}.jsonl", "w", encoding="utf-8") as fh:
        for r in results:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")

    body, ok = report(size, total, steps, build_s, warmup_ms, results, peak, store_code)
    print("\n" + body)
    print("ALL GOALS OK" if ok else "SOME GOALS FAIL")
    if not a.quick and not a.no_record:
        cmd = "python benchmarks/ask.py " + " ".join(sys.argv[1:])
        common.append_results("Ask", cmd.strip(), body, start)
        print(f"appended to {common.RESULTS_MD}")


def report(size, total, steps, build_s, warmup_ms, results, peak, store_code) -> tuple[str, bool]:
    ms = [r["ms"] for r in results]
    parts = [f"Store: {total:,} records ({size} generated set + starter pack + ldn/dev_corpus.jsonl; "
             f"the generated set appraised and indexed by code {store_code}); prepared in {build_s:.1f} s:\n",
             common.table(["input", "records", "seconds", "records/s"], steps),
             f"\nLatency of `evidex.synthesis.ask(store, q)` over {len(ms)} questions, warm "
             f"(warm-up question took {warmup_ms:.0f} ms, not counted), one CPU; peak RSS {peak:.0f} MB:\n"]
    lat_rows = []
    for cat in ["all", *dict.fromkeys(r["category"] for r in results)]:
        sel = [r for r in results if cat == "all" or r["category"] == cat]
        xs = [r["ms"] for r in sel]
        lat_rows.append([cat, len(sel), f"{common.percentile(xs, 50):.0f}", f"{common.percentile(xs, 95):.0f}",
                         f"{max(xs):.0f}", f"{sum(xs) / len(xs):.0f}",
                         sum(1 for r in sel if r["violations"]), sum(len(r["violations"]) for r in sel),
                         sum(1 for r in sel if r["references"]),
                         ", ".join(f"{k} {v}" for k, v in Counter(r["direction"] for r in sel).most_common())])
    parts.append(common.table(["questions", "n", "p50 ms", "p95 ms", "max ms", "mean ms",
                               "answers with violations", "violations", "answers with references",
                               "verdicts"], lat_rows))
    slow = sorted(results, key=lambda r: -r["ms"])[:5]
    parts.append("\nSlowest questions:\n")
    parts.append(common.table(["ms", "refs", "question"], [[f"{r['ms']:.0f}", r["references"], r["question"]]
                                                          for r in slow]))
    viol = [r for r in results if r["violations"]]
    if viol:
        parts.append("\nFaithfulness violations (first per answer):\n")
        parts.append(common.table(["question", "count", "first violation"],
                                  [[r["question"], len(r["violations"]), r["violations"][0][:160].replace("|", "/")]
                                   for r in viol]))
    p50 = common.percentile(ms, 50)
    n_viol = len(viol)
    goal_rows = [[GOAL_P50.name, GOAL_P50.text(), f"{p50:.0f} ms", GOAL_P50.check(p50)],
                 [GOAL_FAITHFUL.name, GOAL_FAITHFUL.text(), f"{n_viol} of {len(results)}",
                  GOAL_FAITHFUL.check(n_viol)]]
    ok = all(r[-1] == "OK" for r in goal_rows)
    parts.append(f"\nGoals ({size} store):\n")
    parts.append(common.table(["measure", "goal", "measured", "status"], goal_rows))
    return "\n".join(parts) + "\n", ok


if __name__ == "__main__":
    main()
