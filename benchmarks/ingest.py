"""Ingest benchmark: PubMed XML -> parse -> enrich -> SQLite + FTS5, records/s and peak memory.

    .venv/bin/python benchmarks/ingest.py                 # 15k and 200k (about 22 min on an idle 2-core machine)
    .venv/bin/python benchmarks/ingest.py --sizes 15k     # one size
    .venv/bin/python benchmarks/ingest.py --quick         # 3k slice, smoke run, no RESULTS.md entry

Inputs are generated from ../shared/data/cohen2006 (see common.py) before anything is timed.
Every measurement runs in a fresh interpreter pinned to one CPU, so peak RSS (ru_maxrss) is
that stage's own and the rate is a one-core rate; all of them import a frozen copy of
src/evidex (out/code-<sha>, see common.snapshot_code). Stages, side by side on the same file:

- lxml       lxml iterparse alone (clear as you go): the floor any parser sits on
- parse      evidex.ingest.medline_xml.parse_file: XML -> Record
- enrich     parse + evidex.enrich.appraise: Record -> Appraisal
- ingest     evidex.load.ingest_paths into a fresh SQLite file: parse + enrich + store + FTS5,
             then the vector index (timed apart: ingest_paths(embed=False), then
             load.sync_vectors -- the same work as one default call)
- rerun      the same ingest again (idempotent: must write nothing)
- rerun-force  again with force=True (file checksum ignored, records compared by content hash);
               only run when the plain re-run skipped the file, since otherwise it re-reads
               every record exactly as --force does
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

SCRIPT = Path(__file__).resolve()
# Goals (issue: ingest >= 5,000 records/s end to end on one core, peak memory < 500 MB
# whatever the input size). Benchmarks are data: name, comparison, target, unit.
GOAL_RATE = common.Goal("ingest end to end", ">=", 5000, "records/s")
GOAL_RSS = common.Goal("peak RSS", "<", 500, "MB")
GOAL_RERUN = common.Goal("re-run writes", "==", 0, "records")
PROFILE_TOP = 15
# Functions whose cumulative time explains the split (matched on "file:function" suffix).
KEY_FUNCS = (
    ("load.py", "ingest_items"), ("load.py", "file_sha256"),
    ("medline_xml.py", "parse_stream"), ("medline_xml.py", "_article"),
    ("appraise.py", "appraise"), ("design.py", "classify"), ("design.py", "classify_text"),
    ("numbers.py", "sample_size"), ("numbers.py", "doses"), ("numbers.py", "effect_numbers"),
    ("vocab/__init__.py", "find_terms"), ("store.py", "write_batch"),
    ("load.py", "sync_vectors"), ("vectors.py", "sync"), ("embed.py", "embed"),
    ("records.py", "content_hash"), ("records.py", "to_json"), ("dataclasses.py", "asdict"),
    ("json/__init__.py", "dumps"), ("~", "<method 'execute' of 'sqlite3.Cursor' objects>"),
)


# -- workers (each runs in its own interpreter) -----------------------------------------
def _worker(argv: list[str]) -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["lxml", "parse", "enrich", "ingest", "profile", "files"])
    ap.add_argument("file", type=Path)
    ap.add_argument("--db", type=Path)
    ap.add_argument("--force", action="store_true")
    ap.add_argument("--prof", type=Path)
    ap.add_argument("--workers", type=int, default=1)
    a = ap.parse_args(argv)
    if a.mode == "files":          # parallel ingest of a folder of files: not pinned to one core
        _files_worker(a)
        return
    common.pin_to_one_core()
    out: dict[str, object] = {"mode": a.mode}
    if a.mode == "lxml":
        from lxml import etree

        try:
            from evidex.ingest.streams import open_source as open_maybe_gzip
        except ImportError:          # code from before streams.py
            from evidex.ingest.medline_xml import open_maybe_gzip
        cpu0, t0 = common.cpu_seconds(), time.perf_counter()
        n = 0
        with open_maybe_gzip(a.file) as fh:
            for _, elem in etree.iterparse(fh, events=("end",), tag="PubmedArticle",
                                           huge_tree=True, resolve_entities=False, no_network=True):
                n += 1
                elem.clear()
                parent = elem.getparent()
                while elem.getprevious() is not None:
                    del parent[0]
        out.update(records=n, wall_s=time.perf_counter() - t0, cpu_s=common.cpu_seconds() - cpu0)
    elif a.mode in ("parse", "enrich"):
        from evidex.enrich import appraise
        from evidex.ingest.medline_xml import parse_file
        from evidex.records import Record
        enrich = a.mode == "enrich"
        cpu0, t0 = common.cpu_seconds(), time.perf_counter()
        n = problems = 0
        for item in parse_file(a.file):
            if isinstance(item, Record):
                n += 1
                if enrich:
                    appraise(item)
            else:
                problems += 1
        out.update(records=n, problems=problems, wall_s=time.perf_counter() - t0,
                   cpu_s=common.cpu_seconds() - cpu0)
    else:
        import inspect

        from evidex import load
        from evidex.store import Store
        # Newer load.ingest_paths ends by embedding new records into the vector index
        # (load.sync_vectors). Timing the two calls apart is the same work as one default
        # call, and shows what the vector index costs.
        split = "embed" in inspect.signature(load.ingest_paths).parameters and hasattr(load, "sync_vectors")

        def run() -> dict[str, object]:
            cpu0, t0 = common.cpu_seconds(), time.perf_counter()
            embedded = 0
            with Store(a.db) as store:
                if split:
                    rep = load.ingest_paths(store, [a.file], force=a.force, embed=False)
                    wall1, cpu1 = time.perf_counter() - t0, common.cpu_seconds() - cpu0
                    if load.embed_enabled(None):
                        embedded = load.sync_vectors(store)
                else:
                    rep = load.ingest_paths(store, [a.file], force=a.force)
                wall, cpu = time.perf_counter() - t0, common.cpu_seconds() - cpu0
                if not split:
                    wall1, cpu1 = wall, cpu
                stored = store.count()
            s = rep.stats
            return {"records": rep.records_read, "wall_s": wall, "cpu_s": cpu,
                    "store_wall_s": wall1, "store_cpu_s": cpu1, "vec_wall_s": wall - wall1,
                    "vec_cpu_s": cpu - cpu1, "embedded": embedded, "vectors": split,
                    "files_skipped": rep.files_skipped,
                    "problems": len(rep.problems), "added": s.added, "updated": s.updated,
                    "unchanged": s.unchanged, "deleted": s.deleted, "stored": stored,
                    "summary": rep.summary() + (f"; {embedded} embedded" if split else "")}

        if a.mode == "profile":
            import cProfile
            prof = cProfile.Profile()
            prof.enable()
            res = run()
            prof.disable()
            prof.dump_stats(str(a.prof))
        else:
            res = run()
        out.update(res)
        out["db_mb"] = common.store_mb(a.db)
    import evidex
    out["evidex"] = evidex.__file__
    out["peak_rss_mb"] = common.peak_rss_mb()
    out["vm_hwm_mb"] = common.vm_hwm_mb()
    print(json.dumps(out))


def _files_worker(a: argparse.Namespace) -> None:
    """Ingest a folder of files with ``--workers`` processes (1: this process, the old way)."""
    import inspect

    from evidex import load
    from evidex.store import Store
    kwargs = {"embed": False} if "embed" in inspect.signature(load.ingest_paths).parameters else {}
    if a.workers > 1:
        kwargs["workers"] = a.workers
    cpu0, t0 = common.cpu_seconds(), time.perf_counter()
    with Store(a.db) as store:
        rep = load.ingest_paths(store, [a.file], **kwargs)
        stored = store.count()
    wall = time.perf_counter() - t0
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(json.dumps({"mode": "files", "workers": a.workers, "records": rep.records_read, "wall_s": wall,
                      "cpu_s": common.cpu_seconds() - cpu0 + children.ru_utime + children.ru_stime,
                      "stored": stored, "summary": rep.summary(), "peak_rss_mb": common.peak_rss_mb(),
                      "children_peak_rss_mb": children.ru_maxrss / 1024, "db_mb": common.store_mb(a.db)}))


# -- driver ---------------------------------------------------------------------------
def _fresh_db(path: Path) -> Path:
    common.remove_store(path)
    return path


def measure(size: str, out: Path, data_dir: Path, repeat: int) -> dict[str, dict]:
    """Run every stage ``repeat`` times (interleaved) and keep, per stage, the median run."""
    t0 = time.perf_counter()
    path, n = common.build_dataset(size, data_dir)
    gen_s = time.perf_counter() - t0
    print(f"[{size}] input {path} ({n:,} citations, {path.stat().st_size / 2**20:.1f} MB gz; "
          f"ready in {gen_s:.1f} s, not timed)", flush=True)
    db = _fresh_db(out / f"ingest-{size}.db")
    runs: dict[str, list[dict]] = {}
    steps = [("lxml", ["lxml", str(path)]), ("parse", ["parse", str(path)]),
             ("enrich", ["enrich", str(path)]), ("ingest", ["ingest", str(path), "--db", str(db)]),
             ("rerun", ["ingest", str(path), "--db", str(db)]),
             ("rerun-force", ["ingest", str(path), "--db", str(db), "--force"])]
    for rep in range(repeat):
        _fresh_db(db)
        for name, args in steps:
            if name == "rerun-force" and not runs["rerun"][-1]["files_skipped"]:
                # The plain re-run already re-read every record (the file was not marked
                # done, see load.ingest_paths): --force would repeat the same measurement.
                continue
            r = common.run_worker(SCRIPT, args)
            r["rate"] = r["records"] / r["wall_s"] if r["wall_s"] else None
            runs.setdefault(name, []).append(r)
            extra = f"; {r['summary']}" if "summary" in r else ""
            print(f"[{size} #{rep + 1}] {name:<11} {r['records']:>8,} rec {r['wall_s']:8.2f} s "
                  f"(cpu {r['cpu_s']:7.2f} s) {common.fmt(r['rate']):>9} rec/s  "
                  f"peak RSS {r['peak_rss_mb']:6.1f} MB{extra}", flush=True)
    res: dict[str, dict] = {}
    for name, rs in runs.items():
        ranked = sorted(rs, key=lambda r: r["wall_s"])
        med = dict(ranked[(len(ranked) - 1) // 2])
        med["walls"] = [round(r["wall_s"], 3) for r in rs]
        med["peak_rss_mb"] = max(r["peak_rss_mb"] for r in rs)
        res[name] = med
    res["_input"] = {"path": str(path), "citations": n, "gz_mb": path.stat().st_size / 2**20}
    return res


def report(all_res: dict[str, dict[str, dict]]) -> tuple[str, bool]:
    """The Markdown body (tables) and whether every goal passed."""
    parts: list[str] = []
    all_ok = True
    rows = []
    for size, res in all_res.items():
        base = res["lxml"]["rate"]
        for name in ("lxml", "parse", "enrich", "ingest", "rerun", "rerun-force"):
            if name not in res:
                continue
            r = res[name]
            walls = r["walls"]
            spread = f" ({min(walls):.2f}–{max(walls):.2f})" if len(walls) > 1 else ""
            rows.append([size, name, f"{r['records']:,}", f"{r['wall_s']:.2f}{spread}", f"{r['cpu_s']:.2f}",
                         common.fmt(r["rate"]), common.fmt(r["records"] / r["cpu_s"]),
                         f"{r['rate'] / base:.3f}" if r["rate"] else "—", f"{r['peak_rss_mb']:.0f}"])
    parts.append("Stages side by side (fresh process each, pinned to one CPU; records = citations read; "
                 "median of the runs, range in brackets; peak RSS = highest run):\n")
    parts.append(common.table(["set", "stage", "records", "wall s", "CPU s", "records/s",
                               "records/CPU-s", "rate / lxml", "peak RSS MB"], rows))
    split_rows = []
    for size, res in all_res.items():
        ing = res["ingest"]
        total = ing["wall_s"]
        pieces = {"parse": res["parse"]["wall_s"], "enrich": res["enrich"]["wall_s"] - res["parse"]["wall_s"],
                  "store": ing["store_wall_s"] - res["enrich"]["wall_s"], "vectors": ing["vec_wall_s"]}
        split_rows.append([size, *(f"{v:.1f} ({100 * v / total:.0f}%)" for v in pieces.values()),
                           f"{total:.1f}", f"{ing['embedded']:,}", f"{ing['db_mb']:.0f}", f"{ing['problems']}"])
    parts.append("\nWhere end-to-end time goes (wall s; parse = parse-only run; enrich = enrich run − parse run; "
                 "store + FTS5 = ingest run up to the vector step − enrich run; vectors = load.sync_vectors, "
                 "embedding new records into the vector index):\n")
    parts.append(common.table(["set", "parse", "enrich", "store + FTS5", "vectors", "total s", "embedded",
                               "store MB", "problems reported"], split_rows))
    cpu_rows = []
    for size, res in all_res.items():
        ing = res["ingest"]
        total = ing["cpu_s"]
        pieces = [res["parse"]["cpu_s"], res["enrich"]["cpu_s"] - res["parse"]["cpu_s"],
                  ing["store_cpu_s"] - res["enrich"]["cpu_s"], ing["vec_cpu_s"]]
        cpu_rows.append([size, *(f"{v:.1f} ({100 * v / total:.0f}%)" for v in pieces), f"{total:.1f}"])
    parts.append("\nThe same split in CPU seconds (less sensitive to other work on the machine):\n")
    parts.append(common.table(["set", "parse", "enrich", "store + FTS5", "vectors", "total CPU s"], cpu_rows))
    goal_rows = []
    for size, res in all_res.items():
        ing = res["ingest"]
        no_vec = ing["records"] / ing["store_wall_s"]
        cpu_rate = ing["records"] / ing["cpu_s"]
        checks = [(GOAL_RATE, ing["rate"], common.fmt(ing["rate"]) + " records/s"),
                  (common.Goal(GOAL_RATE.name + ", per CPU-second", ">=", GOAL_RATE.target, "records/CPU-s"),
                   cpu_rate, common.fmt(cpu_rate) + " records/CPU-s"),
                  (common.Goal(GOAL_RATE.name + ", without the vector step", ">=", GOAL_RATE.target, "records/s"),
                   no_vec, common.fmt(no_vec) + " records/s"),
                  (GOAL_RSS, ing["peak_rss_mb"], f"{ing['peak_rss_mb']:.0f} MB")]
        for key in ("rerun", "rerun-force"):
            if key not in res:
                continue
            r = res[key]
            checks.append((common.Goal(f"peak RSS, {key}", "<", GOAL_RSS.target, "MB"), r["peak_rss_mb"],
                           f"{r['peak_rss_mb']:.0f} MB"))
            checks.append((common.Goal(f"{key} writes", "==", 0, "records"), r["added"] + r["updated"],
                           f"{r['added'] + r['updated']} written, {r['unchanged']} unchanged, "
                           f"file skipped: {bool(r['files_skipped'])}, {r['wall_s']:.2f} s "
                           f"(vector step {r['vec_wall_s']:.2f} s)"))
        for goal, value, shown in checks:
            status = goal.check(value)
            all_ok &= status == "OK"
            goal_rows.append([size, goal.name, goal.text(), shown, status])
    parts.append("\nGoals:\n")
    parts.append(common.table(["set", "measure", "goal", "measured", "status"], goal_rows))
    if len(all_res) > 1:
        sizes = list(all_res)
        lo, hi = all_res[sizes[0]], all_res[sizes[-1]]
        parts.append(f"\nPeak RSS of ingest grows {lo['ingest']['peak_rss_mb']:.0f} → "
                     f"{hi['ingest']['peak_rss_mb']:.0f} MB from {sizes[0]} to {sizes[-1]} "
                     f"({hi['ingest']['records'] / lo['ingest']['records']:.1f}× the records).")
    return "\n".join(parts) + "\n", all_ok


def profile(size: str, out: Path, data_dir: Path) -> str:
    """cProfile an end-to-end ingest of ``size``; returns a Markdown summary."""
    import pstats
    path, _ = common.build_dataset(size, data_dir)
    db = _fresh_db(out / f"profile-{size}.db")
    prof = out / f"ingest-{size}.prof"
    r = common.run_worker(SCRIPT, ["profile", str(path), "--db", str(db), "--prof", str(prof)])
    stats = pstats.Stats(str(prof))
    total = stats.total_tt
    entries = stats.stats  # type: ignore[attr-defined]

    def short(func: tuple[str, int, str]) -> str:
        file, line, name = func
        if file == "~":
            return name
        f = Path(file)
        tail = "/".join(f.parts[-2:]) if f.parent.name in ("enrich", "ingest", "synthesis", "vocab", "json") \
            else f.name
        return f"{tail}:{line}({name})"

    def top(key: int) -> list[list[object]]:
        ranked = sorted(entries.items(), key=lambda kv: kv[1][key], reverse=True)[:PROFILE_TOP]
        return [[short(func), f"{st[1]:,}", f"{st[2]:.2f}", f"{st[3]:.2f}", f"{100 * st[3] / total:.0f}%"]
                for func, st in ranked]

    hdr = ["function", "calls", "tottime s", "cumtime s", "cum % of run"]
    keys = []
    for file_end, name in KEY_FUNCS:
        for func, st in entries.items():
            if func[0].endswith(file_end) and func[2] == name:
                keys.append([short(func), f"{st[1]:,}", f"{st[2]:.2f}", f"{st[3]:.2f}",
                             f"{100 * st[3] / total:.0f}%"])
    text = (f"cProfile of an end-to-end ingest of the {size} set: {r['records']:,} records in "
            f"{r['wall_s']:.1f} s under the profiler (profiled total {total:.1f} s; the profiler "
            f"slows Python-heavy code more than C code, so read shares, not rates). "
            f"Raw stats: `{prof.relative_to(common.REPO) if prof.is_relative_to(common.REPO) else prof}` "
            f"(`python -m pstats`).\n\n"
            f"Key pipeline functions (cumulative):\n\n{common.table(hdr, keys)}\n\n"
            f"Top {PROFILE_TOP} by cumulative time:\n\n{common.table(hdr, top(3))}\n\n"
            f"Top {PROFILE_TOP} by own time (tottime):\n\n{common.table(hdr, top(2))}\n")
    (out / f"profile-{size}.md").write_text(text, encoding="utf-8")
    return text


# -- old code against new code, and parallel ingest ------------------------------------------
def split_dataset(path: Path, per_file: int, data_dir: Path) -> Path:
    """The citations of ``path`` re-cut into PubMed-style baseline files of ``per_file`` each
    (``pubmed26n0001.xml.gz`` ...), for ingest across files; cached beside the input."""
    import gzip
    folder = data_dir / f"{path.name.split('.')[0]}-files-{per_file}"
    if (folder / ".done").is_file():
        _md5_sidecars(folder)
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    head = b'<?xml version="1.0" encoding="UTF-8"?>\n<PubmedArticleSet>\n'
    with gzip.open(path, "rb") as fh:
        text = fh.read()
    body = text[text.index(b"<PubmedArticle>"):text.rindex(b"</PubmedArticleSet>")]
    articles = [a + b"</PubmedArticle>\n" for a in body.split(b"</PubmedArticle>\n") if a.strip()]
    for i in range(0, len(articles), per_file):
        name = folder / f"pubmed26n{i // per_file + 1:04d}.xml.gz"
        name.write_bytes(gzip.compress(head + b"".join(articles[i:i + per_file]) + b"</PubmedArticleSet>\n",
                                       compresslevel=6, mtime=0))
    (folder / ".done").write_text(str(len(articles)))
    _md5_sidecars(folder)
    return folder


def _md5_sidecars(folder: Path) -> None:
    """NCBI-style ``name.md5`` beside each file, as the PubMed FTP site has them."""
    import hashlib
    for f in folder.glob("*.xml.gz"):
        side = f.with_name(f.name + ".md5")
        if not side.is_file():
            side.write_text(f"MD5({f.name})= {hashlib.md5(f.read_bytes()).hexdigest()}\n")


def run_code(code_dir: Path, args: list[str]) -> dict:
    """A worker of this script importing evidex from ``code_dir``."""
    env = dict(os.environ, PYTHONPATH=str(code_dir))
    proc = subprocess.run([sys.executable, str(SCRIPT), "--worker", *args], capture_output=True, text=True,
                          env=env, timeout=3600)
    if proc.returncode != 0:
        raise RuntimeError(f"worker failed ({proc.returncode}): {args}\n{proc.stderr[-4000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def compare(size: str, old: Path, new: Path, workers: list[int], per_file: int, out: Path, data_dir: Path,
            repeat: int) -> tuple[str, dict]:
    """Stages of the old and the new code on the same input, interleaved, then the new code's
    parallel ingest of the same citations cut into files. Returns Markdown and the raw runs."""
    path, n = common.build_dataset(size, data_dir)
    folder = split_dataset(path, per_file, data_dir)
    files = len(list(folder.glob("*.xml.gz")))
    print(f"[{size}] {n:,} citations; {files} files of <= {per_file:,} in {folder}", flush=True)
    runs: dict[str, list[dict]] = {}

    def go(key: str, code: Path, args: list[str]) -> None:
        r = run_code(code, args)
        runs.setdefault(key, []).append(r)
        print(f"  {key:<14} {r['records']:>8,} rec {r['wall_s']:8.2f} s (cpu {r['cpu_s']:7.2f} s) "
              f"{r['records'] / r['wall_s']:8.0f} rec/s", flush=True)

    for rep in range(repeat):
        for tag, code in (("old", old), ("new", new)):
            db = out / f"cmp-{tag}.db"
            go(f"{tag} parse", code, ["parse", str(path)])
            go(f"{tag} enrich", code, ["enrich", str(path)])
            common.remove_store(db)
            go(f"{tag} ingest", code, ["ingest", str(path), "--db", str(db)])
            for w in ([1] if tag == "old" else workers):
                common.remove_store(db)
                go(f"{tag} files w{w}", code, ["files", str(folder), "--db", str(db), "--workers", str(w)])
                if tag == "new" and w == workers[-1]:    # the finished series again: the ledger skips it
                    go("new files rerun", code, ["files", str(folder), "--db", str(db), "--workers", str(w)])
    med = {k: sorted(v, key=lambda r: r["wall_s"])[(len(v) - 1) // 2] for k, v in runs.items()}

    def stage_rates(tag: str) -> dict[str, float]:
        # CPU seconds: on a machine shared with other work, wall time measures the neighbours too.
        p, e, i = med[f"{tag} parse"], med[f"{tag} enrich"], med[f"{tag} ingest"]
        store_cpu = i["store_cpu_s"]
        return {"parse": p["records"] / p["cpu_s"],
                "enrich": e["records"] / max(e["cpu_s"] - p["cpu_s"], 1e-9),
                "store + lexical": i["records"] / max(store_cpu - e["cpu_s"], 1e-9),
                "end to end, one file (parse+enrich+store+lexical)": i["records"] / store_cpu}
    o, nw = stage_rates("old"), stage_rates("new")
    rows = [[stage, common.fmt(o[stage]), common.fmt(nw[stage]), f"{nw[stage] / o[stage]:.2f}x"] for stage in o]
    load = os.getloadavg()[0]
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    base = med["old files w1"]
    base_rate = base["records"] / base["wall_s"]
    frows = [["old, 1 process", f"{base['records']:,}", f"{base['wall_s']:.1f}", f"{base['cpu_s']:.1f}",
              common.fmt(base_rate), "1.00x", common.fmt(base["records"] / base["cpu_s"]),
              f"{base['peak_rss_mb']:.0f}"]]
    for w in workers:
        r = med[f"new files w{w}"]
        rate = r["records"] / r["wall_s"]
        frows.append([f"new, --workers {w}", f"{r['records']:,}", f"{r['wall_s']:.1f}", f"{r['cpu_s']:.1f}",
                      common.fmt(rate), f"{rate / base_rate:.2f}x", common.fmt(r["records"] / r["cpu_s"]),
                      f"{r['peak_rss_mb']:.0f} + {r['children_peak_rss_mb']:.0f}"])
    again, first = med["new files rerun"], med[f"new files w{workers[-1]}"]
    rerun = (f"\nThe finished series ingested again (`--workers {workers[-1]}`, same store; the files carry "
             f".md5 sidecars, so the ledger skips each before opening it): {again['records']:,} records read, "
             f"{again['wall_s']:.2f} s wall / {again['cpu_s']:.2f} CPU s in the timed call = "
             f"{100 * again['wall_s'] / first['wall_s']:.2f}% of the first run's wall time (goal < 1%).\n")
    text = (f"Input: {n:,} citations ({size}); old code = `{old.name}`, new = `{new.name}`; each stage a fresh "
            f"process pinned to one core (median of {repeat}); rates in records per CPU-second (load average "
            f"{load:.1f} on {cores} cores at the end: wall time here measures the neighbours too); enrich = "
            f"enrich run - parse run, store + lexical = ingest run (before the vector step) - enrich run; "
            f"each run includes its start-up (imports, vocabulary).\n\n"
            + common.table(["stage (one core)", "old records/CPU-s", "new records/CPU-s", "new / old"], rows)
            + f"\n\nThe same citations as {files} PubMed-style files of <= {per_file:,}, ingested whole "
              f"(`ingest_paths(embed=False)`, fresh store; CPU s = writer + workers; records/CPU-s is the "
              f"per-core rate; peak RSS MB = writer + largest worker):\n\n"
            + common.table(["run", "records", "wall s", "CPU s", "records/s (wall)", "vs old (wall)",
                            "records/CPU-s", "peak RSS MB"], frows) + "\n" + rerun)
    return text, runs


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        _worker(sys.argv[2:])
        return
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="15k,200k", help="comma-separated: 3k, 15k, 200k (default 15k,200k)")
    ap.add_argument("--quick", action="store_true", help="3k slice only; prints, does not touch RESULTS.md")
    ap.add_argument("--out", type=Path, default=common.DEFAULT_OUT, help="scratch folder (gitignored)")
    ap.add_argument("--data-dir", type=Path, default=common.DEFAULT_DATA_DIR,
                    help="where generated XML is cached (outside the repo)")
    ap.add_argument("--profile", choices=["auto", "always", "never"], default="auto",
                    help="cProfile the 15k ingest: when a goal fails (auto), always or never")
    ap.add_argument("--repeat", type=int, default=0,
                    help="runs per stage, median kept (default: 3 for 3k/15k, 1 for 200k)")
    ap.add_argument("--code", type=Path, help="measure this earlier snapshot (out/code-<sha>) "
                    "instead of a new snapshot of src/evidex, so runs can describe the same code")
    ap.add_argument("--no-record", action="store_true", help="do not append to RESULTS.md")
    ap.add_argument("--against", metavar="REV", help="instead of the goal run: the stages of the code at git "
                    "REV beside the current code in the same run, then parallel ingest (--workers) of the "
                    "same citations cut into files")
    ap.add_argument("--workers", default="1,2", help="with --against: worker counts for the files run (default 1,2)")
    ap.add_argument("--per-file", type=int, default=2000, help="with --against: citations per file (default 2000)")
    a = ap.parse_args()
    sizes = ["3k"] if a.quick else [s.strip() for s in a.sizes.split(",") if s.strip()]
    for s in sizes:
        if s not in common.SIZES:
            ap.error(f"unknown size {s!r}; choose from {', '.join(common.SIZES)}")
    a.out.mkdir(parents=True, exist_ok=True)
    start = common.machine_info()
    code_dir, start["code"], start["code_commit"] = common.snapshot_code(a.out, a.code)
    common.use_snapshot(code_dir)
    print(f"measuring the code in {code_dir} (snapshot of src/evidex, sha256 {start['code']}), "
          f"commit {start['commit']}", flush=True)
    if a.against:
        import importlib.util
        spec = importlib.util.spec_from_file_location("bench_web", Path(__file__).with_name("web.py"))
        web = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(web)
        old_dir, old_sha = web.code_of(a.against, a.out)
        parts = []
        for s in sizes:
            text, runs = compare(s, old_dir, code_dir, [int(w) for w in a.workers.split(",")], a.per_file,
                                 a.out, a.data_dir, a.repeat or 1)
            (a.out / f"ingest-compare-{s}.json").write_text(json.dumps(runs, indent=2), encoding="utf-8")
            parts.append(f"#### {s}\n\n{text}")
        body = "\n".join(parts)
        print("\n" + body)
        if not a.no_record and not a.quick:
            cmd = "python benchmarks/ingest.py " + " ".join(sys.argv[1:])
            common.append_results(f"Ingest: code at {old_sha} vs now, and --workers", cmd, body, start)
        return
    all_res = {}
    for s in sizes:
        all_res[s] = measure(s, a.out, a.data_dir, a.repeat or (1 if s == "200k" else 3))
        # Which code built the store left behind (ask.py seeds its store from it).
        (a.out / f"ingest-{s}.db.code").write_text(start["code"])
    (a.out / f"ingest-results-{'-'.join(sizes)}.json").write_text(json.dumps(all_res, indent=2), encoding="utf-8")
    body, ok = report(all_res)
    print("\n" + body)
    prof_text = ""
    if a.profile == "always" or (a.profile == "auto" and not ok):
        prof_size = "3k" if a.quick else "15k"
        print(f"profiling the {prof_size} ingest ...", flush=True)
        prof_text = profile(prof_size, a.out, a.data_dir)
        print(prof_text)
    print("ALL GOALS OK" if ok else "SOME GOALS FAIL")
    if not a.quick and not a.no_record:
        cmd = "python benchmarks/ingest.py " + " ".join(sys.argv[1:])
        common.append_results("Ingest", cmd.strip(), body + ("\n### Profile\n\n" + prof_text if prof_text else ""),
                              start)
        print(f"appended to {common.RESULTS_MD}")


if __name__ == "__main__":
    main()
