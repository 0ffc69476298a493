"""PubMed at scale: a baseline-style file set of N citations, ingested, embedded and queried.

    .venv/bin/python benchmarks/pubmed_scale.py --records 20000              # develop; prints only
    nice -n 10 .venv/bin/python benchmarks/pubmed_scale.py --records 200000 --write
    nice -n 10 .venv/bin/python benchmarks/pubmed_scale.py --write           # 1,000,000 citations

Input. ``pubmed26n0001.xml.gz`` ... (30,000 citations a file at most, each with its NLM-style
``.md5``) holding N citations resampled from the real MEDLINE XML in ../shared/data/pubmed_xml
(~620 distinct citations; the file truncated on purpose is left out). Each generated citation
is a real one's XML (journal, dates, authors, MeSH, publication types, keywords, references
kept as they are) under a new PMID (60,000,000 + i) and a DOI of its own, with its title kept
or swapped for another real title (even odds) and each abstract sentence kept or swapped for a
sentence drawn from the pool of every real abstract sentence (pubmed_xml + the MEDLINE text in
rct_medline and medline_text), so abstract lengths and section labels follow the real records
while the texts are not copies. Generation is seeded and cached in the work folder (default
benchmarks/out/pubmed_scale/, git-ignored) and reused by later runs.

Measured, each in a fresh interpreter importing a frozen copy of src/evidex (benchmarks/out/
code-<sha>, as the other benchmarks do), with wall time, CPU time (user + system, children
included) and the peak memory of the whole process tree (the sum of the RSS of the process and
its descendants, sampled every 0.2 s; the largest single process's ``ru_maxrss`` beside it):

- ``parse``: ``evidex.ingest.iter_file`` over every file; ``enrich``: the same plus
  ``evidex.enrich.appraise`` of every record (enrich = the difference);
- ``evidex ingest --no-embed`` into a new store, run in-process through the CLI with
  ``--workers 1`` and ``--workers 2`` when ``evidex ingest --help`` offers them (once with the
  default otherwise); in the 1-worker run the writer's calls are timed (CPU, exclusive) by
  wrapping ``Store.write_batch`` and the lexical indexer's entry points that exist, which
  splits store from lexical index; without such a split they are given together;
- the same ingest re-run over the finished set: its time against the first run's, and whether
  the store changed (records checksum, row counts, file bytes);
- embedding with wordllama (``evidex embed`` when the CLI has it, else ``load.sync_vectors``);
- bytes per record: SQLite pages per table (``dbstat``) and the files beside the store, split
  into store, lexical index and vectors;
- query latency: every question of benchmarks/questions.txt (or the first ``--queries``),
  through the library in one process after a warm-up: ``retrieve.search(store, q)``,
  ``retrieve.rank(store, q, 100)`` and ``synthesis.ask(store, q)``, once per lexical engine
  the code offers (tantivy, and FTS5 beside it when the store still has it), interleaved.

From the per-record figures: a projection to 37M citations (disk, RAM, ingest hours on 2 and
16 cores with the single writer as the serial part), and every target of issue 10 beside its
measured figure. The Markdown goes to stdout and to <work>/report-<N>.md (JSON beside it);
``--write`` appends it to benchmarks/RESULTS.md.
"""
from __future__ import annotations

import argparse
import contextlib
import gzip
import hashlib
import json
import os
import random
import re
import resource
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

GENERATOR_VERSION = "1"       # bump when the generated XML changes
PMID_BASE = 60_000_000
PER_FILE = 30_000
PREFIX = "pubmed26n"
SEED = 2026
FULL = 37_000_000             # citations in a PubMed baseline, for the projection
DEFAULT_WORK = common.DEFAULT_OUT / "pubmed_scale"
QUESTIONS = common.BENCH_DIR / "questions.txt"
WARMUP = "Is low-dose naltrexone effective for chronic pain?"
HEADER = ('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, '
          '1st January 2025//EN" "https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_250101.dtd">\n<PubmedArticleSet>\n')
_SLOT = re.compile(r"@@([a-z0-9]+)@@")
_SENT = re.compile(r"(?<=[.!?])\s+(?=[A-Z(\[])")
# Issue 10's targets: (name, operator, target, unit).
TARGETS = {
    "ingest": common.Goal("ingest (parse+enrich+store+lexical) per core", ">=", 5000, "records/s"),
    "rss": common.Goal("peak RSS of the ingest process tree", "<", 1024, "MB"),
    "store": common.Goal("store bytes per record", "<=", 2048, "B"),
    "rank": common.Goal("rank p95", "<", 50, "ms"),
    "ask": common.Goal("ask p95", "<", 300, "ms"),
    "rerun": common.Goal("re-run time / first run (work, after imports)", "<", 1, "%"),
    "full16": common.Goal("projected full baseline on 16 cores", "<", 15, "min"),
}


# -- input ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Template:
    """A real citation's XML with slots (pmid, doi, title, ab0, ab1, ...) and its own texts."""
    parts: tuple[str, ...]        # literal, slot, literal, slot, ... literal
    title: str
    sections: tuple[tuple[str, ...], ...]   # the sentences of each AbstractText


def _text(el) -> str:
    return " ".join("".join(el.itertext()).split()) if el is not None else ""


def _sentences(text: str) -> tuple[str, ...]:
    return tuple(s for s in _SENT.split(text) if s.strip())


def load_templates(data: Path) -> list[Template]:
    """Every distinct citation of pubmed_xml (the truncated sample left out) as a template."""
    import copy

    from lxml import etree
    seen: set[str] = set()
    out: list[Template] = []
    for path in sorted((data / "pubmed_xml").glob("*.xml")):
        if "TRUNCATED" in path.name:
            continue
        for _, cit in etree.iterparse(str(path), tag="MedlineCitation", resolve_entities=False, no_network=True):
            pmid, art = _text(cit.find("PMID")), cit.find("Article")
            if not pmid or art is None or pmid in seen or cit.find("Article/ArticleTitle") is None:
                continue
            seen.add(pmid)
            parent = cit.getparent()
            article = etree.Element("PubmedArticle")
            article.append(copy.deepcopy(cit))
            data_el = parent.find("PubmedData") if parent is not None and parent.tag == "PubmedArticle" else None
            if data_el is not None:
                article.append(copy.deepcopy(data_el))
            else:
                article.append(etree.fromstring(
                    "<PubmedData><PublicationStatus>ppublish</PublicationStatus><ArticleIdList>"
                    f"<ArticleId IdType=\"pubmed\">{pmid}</ArticleId></ArticleIdList></PubmedData>"))
            out.append(_template(article))
    if not out:
        sys.exit(f"no MEDLINE citations found in {data / 'pubmed_xml'}")
    return out


def _template(article) -> Template:
    cit = article.find("MedlineCitation")

    def fill(el, slot: str) -> str:
        text = _text(el)
        for child in list(el):
            el.remove(child)
        el.text = f"@@{slot}@@"
        return text

    fill(cit.find("PMID"), "pmid")
    title = fill(cit.find("Article/ArticleTitle"), "title")
    sections = []
    for i, ab in enumerate(cit.findall("Article/Abstract/AbstractText")):
        sections.append(_sentences(fill(ab, f"ab{i}")))
    for el in cit.findall("Article/ELocationID"):
        if el.get("EIdType") == "doi":
            fill(el, "doi")
    ids = article.find("PubmedData/ArticleIdList")
    for el in list(ids) if ids is not None else ():
        kind = el.get("IdType")
        if kind in ("pubmed", "doi"):
            fill(el, "pmid" if kind == "pubmed" else "doi")
        else:
            ids.remove(el)          # pmc, pii, mid: they would name the original paper
    from lxml import etree
    xml = etree.tostring(article, encoding="unicode")
    return Template(tuple(_SLOT.split(xml)), title, tuple(sections))


def _medline_text_abstracts(path: Path) -> tuple[list[str], list[str]]:
    """(titles, abstracts) of a MEDLINE text file (TI and AB fields, continuation lines joined)."""
    titles, abstracts, field, buf = [], [], "", []

    def flush() -> None:
        if buf and field in ("TI", "AB"):
            (titles if field == "TI" else abstracts).append(" ".join(buf))

    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        if line.startswith("      ") and field:
            buf.append(line.strip())
            continue
        flush()
        field, buf = line[:4].strip(), [line[6:].strip()] if len(line) > 6 else []
    flush()
    return titles, abstracts


def pools(data: Path, templates: list[Template]) -> tuple[list[str], list[str]]:
    """Every real title and abstract sentence: the templates' plus the MEDLINE text files'."""
    titles = [t.title for t in templates if t.title]
    sentences = [s for t in templates for sec in t.sections for s in sec]
    for path in sorted([*(data / "rct_medline").glob("*"), *(data / "medline_text").glob("*")]):
        if path.is_file():
            more_titles, abstracts = _medline_text_abstracts(path)
            titles += more_titles
            sentences += [s for a in abstracts for s in _sentences(a)]
    return titles, sentences


def citation(t: Template, pmid: int, rng: random.Random, titles: list[str], sentences: list[str]) -> str:
    title = t.title if rng.random() < 0.5 else titles[rng.randrange(len(titles))]
    values = {"pmid": str(pmid), "doi": f"10.99999/pubmed-scale.{pmid}", "title": escape(title)}
    for i, sec in enumerate(t.sections):
        values[f"ab{i}"] = escape(" ".join(s if rng.random() < 0.5 else sentences[rng.randrange(len(sentences))]
                                           for s in sec))
    return "".join(p if i % 2 == 0 else values[p] for i, p in enumerate(t.parts))


def file_set(work: Path, n: int) -> tuple[Path, list[Path]]:
    """Write (or reuse) the baseline-style files for ``n`` citations; returns (folder, files)."""
    folder = work / f"baseline-{n}-v{GENERATOR_VERSION}"
    names = [f"{PREFIX}{k + 1:04d}.xml.gz" for k in range((n + PER_FILE - 1) // PER_FILE)]
    done = folder / ".done"
    if done.is_file() and json.loads(done.read_text()).get("files") == names:
        return folder, [folder / name for name in names]
    data = common.SHARED_DATA
    if not (data / "pubmed_xml").is_dir():
        sys.exit(f"benchmark data not found: {data / 'pubmed_xml'} (the benchmark needs ../shared/data)")
    folder.mkdir(parents=True, exist_ok=True)
    templates = load_templates(data)
    titles, sentences = pools(data, templates)
    print(f"generating {n:,} citations in {len(names)} file(s) from {len(templates)} real citations, "
          f"{len(titles):,} titles, {len(sentences):,} sentences -> {folder}", file=sys.stderr, flush=True)
    for k, name in enumerate(names):
        path = folder / name
        md5 = folder / (name + ".md5")
        if path.is_file() and md5.is_file():
            continue              # a file is written whole (renamed into place) with its md5 last
        rng = random.Random(f"{SEED}-{k}")
        count = min(PER_FILE, n - k * PER_FILE)
        tmp = path.with_suffix(".partial")
        with open(tmp, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=5,
                                                   mtime=0) as gz:
            gz.write(HEADER.encode())
            buf = []
            for j in range(count):
                t = templates[rng.randrange(len(templates))]
                buf.append(citation(t, PMID_BASE + k * PER_FILE + j + 1, rng, titles, sentences))
                if len(buf) >= 2000:
                    gz.write("\n".join(buf).encode() + b"\n")
                    buf = []
            gz.write("\n".join(buf).encode() + b"\n</PubmedArticleSet>\n")
        digest = hashlib.md5(tmp.read_bytes()).hexdigest()
        tmp.replace(path)
        md5.write_text(f"MD5({name})= {digest}\n")
    done.write_text(json.dumps({"files": names, "records": n, "seed": SEED}))
    return folder, [folder / name for name in names]


# -- measurement --------------------------------------------------------------------------
def _tree_memory(root: int) -> tuple[int, int]:
    """(sum of RSS, sum of PSS) in bytes of ``root`` and its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
                ppid = int(stat.rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    rss = pss = 0
    todo = [root]
    while todo:
        pid = todo.pop()
        todo.extend(children.get(pid, ()))
        try:
            rss += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    pss += int(line.split()[1]) * 1024
                    break
        except (OSError, ValueError, IndexError):
            continue
    return rss, pss


def measure(cmd: list[str], log: Path) -> dict:
    """Run ``cmd``; wall, CPU (children included) and peak tree memory. Fails loudly."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    with open(log, "w") as err:
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err)
    peak = {"rss": 0, "pss": 0}
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            rss, pss = _tree_memory(proc.pid)
            peak["rss"], peak["pss"] = max(peak["rss"], rss), max(peak["pss"], pss)
            stop.wait(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    rc = proc.wait()
    wall = time.perf_counter() - t0
    stop.set()
    sampler.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if rc != 0:
        raise SystemExit(f"failed ({rc}): {' '.join(cmd)}\n{log.read_text()[-3000:]}")
    return {"wall_s": wall, "cpu_s": (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime),
            "tree_rss_mb": peak["rss"] / 2**20, "tree_pss_mb": peak["pss"] / 2**20,
            "max_process_rss_mb": after.ru_maxrss / 1024}


def worker_cmd(kind: str, *args: str) -> list[str]:
    return [sys.executable, str(Path(__file__).resolve()), "--worker", kind, *args]


_HELP: dict[str, str | None] = {}


def cli_has(command: str, option: str | None = None) -> bool:
    """Whether ``evidex COMMAND --help`` (of the measured code) exists and lists ``option``."""
    if command not in _HELP:
        proc = subprocess.run([sys.executable, "-m", "evidex", command, "--help"], capture_output=True, text=True)
        _HELP[command] = proc.stdout if proc.returncode == 0 else None
    text = _HELP[command]
    return text is not None and (option is None or option in text)


def sizes(db: Path) -> dict[str, int]:
    """Bytes of the store, split into store / lexical / vectors: SQLite pages per table
    (dbstat) and the files and folders beside the database."""
    out = {"store": 0, "lexical": 0, "vectors": 0, "other": 0}
    with contextlib.closing(sqlite3.connect(db)) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        try:
            pages = conn.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name").fetchall()
        except sqlite3.OperationalError:      # SQLite built without dbstat: the file as a whole
            pages = [("records", db.stat().st_size)]
        tables = dict(conn.execute("SELECT name, tbl_name FROM sqlite_master"))
    for name, size in pages:
        table = tables.get(name, name)
        kind = ("lexical" if "fts" in table else "vectors" if "vector" in table else "store")
        out[kind] += size
    for p in db.parent.glob(db.name + "?*"):
        if p.name.endswith(("-wal", "-shm", "-journal")) or p.name.endswith(".lock"):
            continue
        size = sum(f.stat().st_size for f in p.rglob("*") if f.is_file()) if p.is_dir() else p.stat().st_size
        low = p.name.lower()
        kind = "vectors" if "vector" in low else "lexical" if any(w in low for w in ("lex", "tantivy", "bm25")) \
            else "other"
        out[kind] += size
    return out


def fingerprint(db: Path) -> dict[str, object]:
    """What a re-run must leave as it was: record ids and hashes, row counts, file bytes."""
    with contextlib.closing(sqlite3.connect(db)) as conn:
        tables = {t for (t,) in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        data = "record_data" if "record_data" in tables else "records"     # the slim store keeps a view
        h = hashlib.sha256()
        for rid, digest in conn.execute(f"SELECT id, hash FROM {data} ORDER BY id"):
            h.update(f"{rid}\t{digest}\n".encode())
        counts = {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]
                  for (t,) in conn.execute("SELECT name FROM sqlite_master WHERE type='table' "
                                           "AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '%fts%'")}
    beside = {}
    for p in sorted(db.parent.glob(db.name + "?*")):
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                if f.is_file() and not f.name.endswith(".lock"):
                    beside[str(f.relative_to(db.parent))] = f.stat().st_size
    return {"records": h.hexdigest(), "counts": counts, "files": beside}


# -- workers (fresh interpreters importing the frozen code) ---------------------------------
class Timers:
    """Exclusive CPU seconds inside wrapped functions (a nested wrapped call is its own)."""

    def __init__(self) -> None:
        self.cpu: dict[str, float] = {}
        self.calls: dict[str, int] = {}
        self._stack: list[list] = []

    def wrap(self, target: str, name: str) -> bool:
        import functools
        import importlib
        module, _, qual = target.partition(":")
        try:
            owner = importlib.import_module(module)
            *path, attr = qual.split(".")
            for part in path:
                owner = getattr(owner, part)
            fn = getattr(owner, attr)
        except (ImportError, AttributeError):
            return False

        @functools.wraps(fn)
        def timed(*a, **kw):
            now = time.process_time()
            if self._stack:
                top = self._stack[-1]
                self.cpu[top[0]] = self.cpu.get(top[0], 0.0) + now - top[1]
            self._stack.append([name, now])
            try:
                return fn(*a, **kw)
            finally:
                done = time.process_time()
                self.cpu[name] = self.cpu.get(name, 0.0) + done - self._stack.pop()[1]
                self.calls[name] = self.calls.get(name, 0) + 1
                if self._stack:
                    self._stack[-1][1] = done

        setattr(owner, attr, timed)
        return True


# The writer's calls, timed inside ``evidex ingest`` to split store from lexical index. Those
# that do not exist in the measured code are skipped (and said so in the report).
WRITER_CALLS = {
    "store": ["evidex.store:Store.write_batch"],
    "lexical": ["evidex.store:Store._sync_lexical"],    # the outbox applied to tantivy and committed
}


def worker_parse(files: list[Path], enrich: bool) -> dict:
    from evidex.ingest import iter_file
    from evidex.records import Record
    appraise = None
    if enrich:
        from evidex.enrich import appraise
    records = problems = 0
    for path in files:
        for item in iter_file(path):
            if isinstance(item, Record):
                records += 1
                if appraise is not None:
                    appraise(item)
            else:
                problems += 1
    return {"records": records, "other_items": problems}


def worker_cli(argv: list[str]) -> dict:
    timers = Timers()
    wrapped = {name: [t for t in targets if timers.wrap(t, name)] for name, targets in WRITER_CALLS.items()}
    from evidex.cli import main
    sys.argv = ["evidex", *argv]
    try:
        main()
        rc = 0
    except SystemExit as exc:
        rc = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    return {"rc": rc, "timed_cpu_s": timers.cpu, "calls": timers.calls,
            "wrapped": wrapped}


def worker_embed(db: Path) -> dict:
    from evidex.load import sync_vectors
    from evidex.store import Store
    with Store(db) as store:
        return {"embedded": sync_vectors(store)}


def lexical_engines(store, ref_path: Path) -> tuple[list, dict]:
    """[(name, context manager that makes retrieval use it)] for the lexical engines the
    measured code offers: its own, and FTS5 beside it when ``evidex.fts5_reference`` exists
    (FTS5 rebuilt from the store's records in a separate SQLite file; inside its context the
    store's ``search`` and ``terms_ending`` are that file's, so search, rank and ask run their
    own code over FTS5). Also returns the reference's build time and size."""
    own = "tantivy" if hasattr(store, "lexical") else "fts5"
    try:
        from evidex.fts5_reference import fts5_reference
    except ImportError:
        return [(own, contextlib.nullcontext)], {}
    if own == "fts5":
        return [(own, contextlib.nullcontext)], {}
    t0, c0 = time.perf_counter(), time.process_time()
    ref = fts5_reference(store, ref_path)
    build = {"wall_s": time.perf_counter() - t0, "cpu_s": time.process_time() - c0, "bytes": ref_path.stat().st_size}

    @contextlib.contextmanager
    def fts5():
        store.search, store.terms_ending = ref.search, ref.terms_ending
        try:
            yield
        finally:
            del store.search, store.terms_ending      # the class's methods again

    return [(own, contextlib.nullcontext), ("fts5", fts5)], build


def _rss_mb() -> float:
    return int(Path("/proc/self/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def worker_queries(db: Path, questions: list[str]) -> dict:
    from evidex import retrieve
    from evidex.store import Store
    from evidex.synthesis import ask
    store = Store(db)
    engines, fts5_build = lexical_engines(store, db.with_name(f"fts5-reference-{db.stem}.sqlite"))
    t0 = time.perf_counter()
    ops = {"search": lambda q: retrieve.search(store, q), "bm25": lambda q: retrieve.rank(store, q, 100, mode="lexical"),
           "rank": lambda q: retrieve.rank(store, q, 100), "ask": lambda q: ask(store, q)}
    for _name, engine in engines:            # warm-up: model, vector index, page cache
        with engine():
            for fn in ops.values():
                fn(WARMUP)
    warm_s = time.perf_counter() - t0
    base = _rss_mb()
    lat: dict[str, dict[str, list[float]]] = {name: {op: [] for op in ops} for name, _ in engines}
    # CPU time of this process per call beside wall time: on a shared machine wall time also
    # counts the other processes' turns, CPU time only this call's work.
    cpu_ms: dict[str, dict[str, list[float]]] = {name: {op: [] for op in ops} for name, _ in engines}
    hits: dict[str, dict[str, list]] = {name: {"bm25": []} for name, _ in engines}
    for q in questions:
        for name, engine in engines:
            with engine():
                for op, fn in ops.items():
                    t, c = time.perf_counter(), time.process_time()
                    got = fn(q)
                    lat[name][op].append((time.perf_counter() - t) * 1000)
                    cpu_ms[name][op].append((time.process_time() - c) * 1000)
                    if op == "bm25":
                        hits[name]["bm25"].append([[rid, float(score)] for rid, score in got])
    return {"latency_ms": lat, "cpu_ms": cpu_ms, "top10": hits, "warmup_s": warm_s, "fts5_reference": fts5_build, "rss_after_warmup_mb": base,
            "rss_end_mb": _rss_mb(), "records": store.count(), "engines": [n for n, _ in engines]}


def _cpu() -> float:
    """CPU seconds of this process and its waited-for children so far."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def _preload() -> None:
    """Import what every stage needs before its clock starts: interpreter start-up and
    imports are a fixed cost that would swamp a small run's per-record figures."""
    import evidex.cli  # noqa: F401
    import evidex.enrich  # noqa: F401
    import evidex.ingest  # noqa: F401
    import evidex.load  # noqa: F401
    import evidex.store  # noqa: F401


def run_worker(args: argparse.Namespace, rest: list[str]) -> None:
    _preload()
    cpu0, wall0 = _cpu(), time.perf_counter()
    if args.worker in ("parse", "enrich"):
        folder = Path(args.files)
        files = [folder / name for name in rest] if rest else sorted(folder.glob("*.xml.gz"))
        out = worker_parse(files, args.worker == "enrich")
    elif args.worker == "cli":
        out = worker_cli(rest)
    elif args.worker == "embed":
        out = worker_embed(Path(args.db))
    elif args.worker == "queries":
        out = worker_queries(Path(args.db), read_questions(args.questions, args.queries))
    else:
        raise SystemExit(f"unknown worker {args.worker}")
    out["work_cpu_s"], out["work_wall_s"] = _cpu() - cpu0, time.perf_counter() - wall0
    out["self_maxrss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    Path(args.out).write_text(json.dumps(out))
    if out.get("rc"):
        raise SystemExit(f"evidex {' '.join(rest)} exited with {out['rc']}")


def read_questions(path: str | Path, limit: int | None) -> list[str]:
    qs = [line.split("\t", 1)[1].strip() for line in Path(path).read_text(encoding="utf-8").splitlines()
          if line.strip() and not line.startswith("#") and "\t" in line]
    return qs[:limit] if limit else qs


# -- the run ----------------------------------------------------------------------------------
def stage(name: str, cmd: list[str], run_dir: Path) -> tuple[dict, dict]:
    """Measure one worker; returns (measure, the worker's own JSON)."""
    out = run_dir / f"{name}.json"
    out.unlink(missing_ok=True)
    print(f"[{time.strftime('%H:%M:%S')}] {name} ...", file=sys.stderr, flush=True)
    if "--out" not in cmd:
        cmd = [*cmd[:4], "--out", str(out), *cmd[4:]]       # after "python script --worker KIND"
    m = measure(cmd, run_dir / f"{name}.log")
    got = json.loads(out.read_text()) if out.is_file() else {}
    m["work_cpu_s"], m["work_wall_s"] = got.get("work_cpu_s"), got.get("work_wall_s")
    print(f"    {m['wall_s']:.1f} s wall, {m['cpu_s']:.1f} s CPU, tree RSS {m['tree_rss_mb']:.0f} MB",
          file=sys.stderr, flush=True)
    return m, got


def snapshot_commit(work: Path, rev: str) -> tuple[Path, str, str]:
    """src/evidex as committed at ``rev`` (default HEAD), extracted to <work>/code-<commit>.

    Others edit the shared checkout while this runs; measuring a commit (not the working
    tree, which may hold half-written modules) keeps the figures tied to code anyone can check out."""
    commit = subprocess.run(["git", "-C", str(common.REPO), "rev-parse", "--short=12", rev], check=True,
                            capture_output=True, text=True).stdout.strip()
    dest = work / f"code-{commit}"
    if not (dest / "evidex" / "__init__.py").is_file():
        tmp = work / f"code-{commit}.partial"
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        archive = subprocess.run(["git", "-C", str(common.REPO), "archive", commit, "src/evidex"], check=True,
                                 capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", str(tmp), "--strip-components=1"], input=archive, check=True)
        (tmp / "SNAPSHOT.json").write_text(json.dumps({"commit": commit, "sha256": commit}))
        tmp.replace(dest)
    return dest, commit, commit


def ingest_cmd(run_dir: Path, name: str, db: Path, inputs: list[str], workers: int | None) -> list[str]:
    out = run_dir / f"{name}.json"
    return [*worker_cmd("cli", "--out", str(out)), "--", "ingest", "--db", str(db), "--no-embed", "-q",
            *(["--workers", str(workers)] if workers else []), *inputs]


def run(args: argparse.Namespace) -> dict:
    work = Path(args.work).resolve()
    work.mkdir(parents=True, exist_ok=True)
    if args.code:
        code_dir, digest, code_commit = common.snapshot_code(work, Path(args.code))
    elif args.working_tree:
        code_dir, digest, code_commit = common.snapshot_code(work)
    else:
        code_dir, digest, code_commit = snapshot_commit(work, args.commit)
    common.use_snapshot(code_dir)
    start = {**common.machine_info(), "code": digest, "code_commit": code_commit}
    n = args.records
    folder, files = file_set(work, n)
    run_dir = work / f"run-{n}"
    run_dir.mkdir(exist_ok=True)
    command = "python benchmarks/pubmed_scale.py " + " ".join(a for a in sys.argv[1:] if a != "--write")
    report: dict = {"records": n, "files": len(files), "start": start, "command": command, "input_bytes": sum(f.stat().st_size for f in files)}
    has_workers = cli_has("ingest", "--workers")
    folder_ok = cli_has("ingest", "md5") or cli_has("ingest", "baseline")
    inputs = [str(folder)] if folder_ok else [str(f) for f in files]
    report["cli"] = {"workers_option": has_workers, "ingest_folder": folder_ok, "embed_command": cli_has("embed")}
    sample = files[:args.stage_files] if args.stage_files else files
    report["stage_records"] = expect = sum(min(PER_FILE, n - PER_FILE * i) for i in range(len(sample)))
    names = [f.name for f in sample]
    m_parse, w_parse = stage("parse", worker_cmd("parse", "--files", str(folder), "--", *names), run_dir)
    m_enrich, w_enrich = stage("enrich", worker_cmd("enrich", "--files", str(folder), "--", *names), run_dir)
    if w_parse.get("records") != expect or w_enrich.get("records") != expect:
        raise SystemExit(f"parse read {w_parse.get('records')} records, expected {expect}")
    report["parse"], report["enrich"] = m_parse, m_enrich
    runs = {}
    keep: Path | None = None
    for workers in ([1, 2] if has_workers else [None]):
        name = f"ingest-w{workers or 'default'}"
        db = run_dir / f"{name}.db"
        common.remove_store(db)
        m, w = stage(name, ingest_cmd(run_dir, name, db, inputs, workers), run_dir)
        m.update(worker=w, workers=workers or 1, bytes=sizes(db))
        runs[name] = m
        if keep is None:
            keep = db
        else:
            common.remove_store(db)           # only its figures are needed; the disk is not free
    report["ingest"] = runs
    first = next(iter(runs.values()))
    before = fingerprint(keep)
    m_rerun, w_rerun = stage("rerun", ingest_cmd(run_dir, "rerun", keep, inputs, 1 if has_workers else None), run_dir)
    after = fingerprint(keep)
    changed = [k for k in ("records", "counts", "files") if before[k] != after[k]]
    report["rerun"] = {**m_rerun, "changed": changed, "ratio_pct": 100 * m_rerun["wall_s"] / first["wall_s"],
                       "work_ratio_pct": 100 * wall(m_rerun) / wall(first)}
    extra: list[str] = []
    if report["cli"]["embed_command"]:
        extra = ["--workers", str(args.embed_workers)] if cli_has("embed", "--workers") else []
        m_embed, w_embed = stage("embed", [*worker_cmd("cli", "--out", str(run_dir / "embed.json")), "--",
                                           "embed", "--db", str(keep), "-q", *extra], run_dir)
    else:
        m_embed, w_embed = stage("embed", worker_cmd("embed", "--db", str(keep)), run_dir)
    report["embed"] = {**m_embed, "worker": w_embed, "workers": args.embed_workers if extra else 1}
    report["bytes"] = sizes(keep)
    m_q, w_q = stage("queries", worker_cmd("queries", "--db", str(keep), "--questions", str(args.questions),
                                           *(["--queries", str(args.queries)] if args.queries else [])), run_dir)
    report["queries"] = {**m_q, **w_q}
    report["end"] = common.machine_info()
    return report


# -- the report ------------------------------------------------------------------------------
def per_core(records: int, cpu: float | None) -> float | None:
    return records / cpu if cpu else None


def cpu(m: dict) -> float:
    """CPU seconds of a stage's work (after imports), else of its whole command."""
    return m.get("work_cpu_s") or m["cpu_s"]


def wall(m: dict) -> float:
    return m.get("work_wall_s") or m["wall_s"]


def figures(r: dict) -> dict:
    """Derived per-record figures, the projection and the targets (pure)."""
    n = r["records"]
    first = next(iter(r["ingest"].values()))
    timed = first["worker"].get("timed_cpu_s", {})
    cpu_ingest = cpu(first)
    sampled = r.get("stage_records", n)          # parse and enrich read the first file(s) only
    stages = {"parse": (sampled, cpu(r["parse"])),
              "enrich": (sampled, max(cpu(r["enrich"]) - cpu(r["parse"]), 1e-9))}
    split = "store" in timed
    if split and timed.get("lexical"):
        stages["store"], stages["lexical index"] = (n, timed["store"]), (n, timed["lexical"])
    elif split:
        stages["store + lexical index"] = (n, timed["store"])
    else:
        rest = cpu_ingest - n * cpu(r["enrich"]) / sampled
        stages["store + lexical index"] = (n, max(rest, 1e-9))
    stages["embed"] = (n, cpu(r["embed"]))
    serial = sum(c for k, (_, c) in stages.items() if k in ("store", "lexical index", "store + lexical index"))
    runs = {}
    for name, m in r["ingest"].items():
        runs[name] = {"workers": m["workers"], "command_wall_s": m["wall_s"], "wall_s": wall(m), "cpu_s": cpu(m),
                      "per_core_wall": n / (wall(m) * m["workers"]), "per_cpu_s": n / cpu(m),
                      "tree_rss_mb": m["tree_rss_mb"], "tree_pss_mb": m["tree_pss_mb"],
                      "max_process_rss_mb": m["max_process_rss_mb"]}
    b = r["bytes"]
    per_rec = {k: b[k] / n for k in ("store", "lexical", "vectors", "other")}
    lat = {eng: {op: (common.percentile(v, 50), common.percentile(v, 95)) for op, v in ops.items()}
           for eng, ops in r["queries"]["latency_ms"].items()}
    lat_cpu = {eng: {op: (common.percentile(v, 50), common.percentile(v, 95)) for op, v in ops.items()}
               for eng, ops in r["queries"].get("cpu_ms", {}).items()}      # runs before it was measured: none
    main_engine = r["queries"]["engines"][0]
    tops = r["queries"].get("top10", {})
    overlap = None
    if len(tops) == 2:
        a, b = (tops[e]["bm25"] for e in tops)
        pairs = [(x, y) for x, y in zip(a, b) if x or y]
        overlap = sum(tie_overlap(x, y) for x, y in pairs) / len(pairs) if pairs else None
    ref = r["queries"].get("fts5_reference") or {}
    if ref:
        per_rec_fts5 = ref["bytes"] / n

    def hours(k: int) -> float:
        """The single writer is the serial part: k cores cannot go below it (Amdahl)."""
        return FULL * max(cpu_ingest / n / k, serial / n) / 3600

    w2 = next((m for m in r["ingest"].values() if m["workers"] == 2), None)
    proj = {"disk_gb": {k: v * FULL / 1e9 for k, v in per_rec.items()},
            "input_gb": r["input_bytes"] / n * FULL / 1e9,
            "ingest_h": {2: hours(2), 16: hours(16)},
            "ingest_h_measured_2": FULL / (n / wall(w2)) / 3600 if w2 else None,
            "embed_h": {k: FULL * stages["embed"][1] / n / k / 3600 for k in (2, 16)},
            "ram_ingest_mb": max(m["tree_rss_mb"] for m in r["ingest"].values()),
            "ram_query_mb": r["queries"]["tree_rss_mb"]}
    peak = max(m["tree_rss_mb"] for m in [*r["ingest"].values(), r["rerun"]])
    measured = {"ingest": n / cpu_ingest, "rss": peak, "store": per_rec["store"],
                "rank": lat[main_engine]["rank"][1], "ask": lat[main_engine]["ask"][1],
                "rerun": r["rerun"]["work_ratio_pct"], "full16": proj["ingest_h"][16] * 60}
    targets = [{"name": g.name, "target": g.text(), "measured": measured[k], "status": g.check(measured[k])}
               for k, g in TARGETS.items()]
    if r["rerun"]["changed"]:
        targets.append({"name": "re-run changes nothing", "target": "no change", "measured": ", ".join(
            r["rerun"]["changed"]) + " changed", "status": "FAIL"})
    else:
        targets.append({"name": "re-run changes nothing", "target": "no change", "measured": "no change",
                        "status": "OK"})
    return {"stages": {k: {"records": c, "cpu_s": v, "per_core": per_core(c, v)} for k, (c, v) in stages.items()},
            "runs": runs,
            "bm25_top10_agreement": overlap, "fts5_reference_bytes_per_record": per_rec_fts5 if ref else None,
            "fts5_reference_build": ref or None,
            "bytes_per_record": per_rec, "latency": lat, "latency_cpu": lat_cpu, "projection": proj, "targets": targets,
            "writer_split": "timed" if split else "by difference", "main_engine": main_engine}


def tie_overlap(a: list, b: list, k: int = 10) -> float:
    """Share of each engine's top k found in the other's top k, counting a record tied with
    the other's k-th score as found (resampled texts tie often, and engines break ties
    differently); the mean of the two directions. ``a``, ``b``: [[id, score]], best first."""
    def found(x: list, y: list) -> float:
        top = [rid for rid, _ in x[:k]]
        if not top:
            return 1.0 if not y else 0.0
        floor = y[min(k, len(y)) - 1][1] if y else float("inf")
        within = {rid for rid, score in y if score >= floor - 1e-6 * abs(floor)}
        return sum(rid in within for rid in top) / len(top)
    return (found(a, b) + found(b, a)) / 2


def markdown(r: dict, f: dict) -> str:
    n = r["records"]
    fmt = common.fmt
    out = [f"{n:,} citations in {r['files']} baseline-style files ({r['input_bytes'] / n:,.0f} gzipped bytes "
           f"per citation), resampled from the real MEDLINE XML in ../shared/data/pubmed_xml. "
           f"`evidex ingest --workers`: {'yes' if r['cli']['workers_option'] else 'not offered'}; "
           f"`evidex embed`: {'yes' if r['cli']['embed_command'] else 'not offered (load.sync_vectors)'}.", "",
           "**Stages** (records per CPU-second = records/s per core; CPU includes child processes)", ""]
    out.append(common.table(["stage", "records", "CPU s", "records/s per core"],
                            [[k, fmt(v["records"]), fmt(v["cpu_s"], 1), fmt(v["per_core"])]
                             for k, v in f["stages"].items()]))
    out += ["", f"Store / lexical split: {f['writer_split']} (writer calls wrapped in the 1-worker run: "
            f"{next(iter(r['ingest'].values()))['worker'].get('wrapped')}).", "", "**Ingest runs** (parse + enrich + "
            "store + lexical index, no embedding; tree RSS = sum over the process and its children)", ""]
    rows = [[k, v["workers"], fmt(v["command_wall_s"], 1), fmt(v["wall_s"], 1), fmt(v["cpu_s"], 1),
             fmt(n / v["wall_s"]), fmt(v["per_core_wall"]),
             fmt(v["per_cpu_s"]), fmt(v["tree_rss_mb"]), fmt(v["tree_pss_mb"]), fmt(v["max_process_rss_mb"])]
            for k, v in f["runs"].items()]
    rr = r["rerun"]
    rows.append(["re-run (finished set)", 1, fmt(rr["wall_s"], 2), fmt(wall(rr), 2), fmt(cpu(rr), 2), "—", "—", "—",
                 fmt(rr["tree_rss_mb"]), fmt(rr["tree_pss_mb"]), fmt(rr["max_process_rss_mb"])])
    e = r["embed"]
    rows.append(["embed (wordllama)", "—", fmt(e["wall_s"], 1), fmt(wall(e), 1), fmt(cpu(e), 1), fmt(n / wall(e)),
                 "—", fmt(n / cpu(e)), fmt(e["tree_rss_mb"]), fmt(e["tree_pss_mb"]), fmt(e["max_process_rss_mb"])])
    out.append(common.table(["run", "workers", "command wall s", "work wall s", "work CPU s", "records/s",
                             "per core (wall)",
                             "per CPU-s", "tree RSS MB", "tree PSS MB", "largest process MB"], rows))
    bp = f["bytes_per_record"]
    out += ["", "Command wall = the whole `evidex` process, start-up and imports included; work = after them "
            "(what the per-record figures use).",
            "", f"Re-run: {rr['work_ratio_pct']:.2f}% of the first run's work wall time "
            f"({rr['ratio_pct']:.2f}% of its command wall time, start-up included); changed: "
            f"{', '.join(rr['changed']) or 'nothing'}.", "", "**Bytes per record**", ""]
    out.append(common.table(["part", "bytes/record", "total MB"],
                            [[k, fmt(v), fmt(v * n / 2**20, 1)] for k, v in bp.items()]))
    q = r["queries"]
    out += ["", f"**Query latency at {q['records']:,} records** ({len(q['latency_ms'][f['main_engine']]['ask'])} "
            f"questions of benchmarks/questions.txt, one process, after a warm-up of {q['warmup_s']:.1f} s; "
            f"RSS {q['rss_after_warmup_mb']:.0f} MB after it, {q['rss_end_mb']:.0f} MB at the end)", ""]
    rows = []
    for eng, ops in f["latency"].items():
        for op, (p50, p95) in ops.items():
            goal = TARGETS.get(op)
            c50, c95 = f.get("latency_cpu", {}).get(eng, {}).get(op, (None, None))
            rows.append([eng, op, fmt(p50, 1), fmt(p95, 1), fmt(c50, 1), fmt(c95, 1),
                         goal.text() if goal and eng == f["main_engine"] else ""])
    out.append(common.table(["lexical engine", "operation", "p50 ms", "p95 ms", "CPU p50 ms", "CPU p95 ms",
                             "target (p95)"], rows))
    out += ["", "search = `retrieve.search(store, q)` (hybrid, 10 results); bm25 = `retrieve.rank(store, q, 100, "
            "mode=\"lexical\")`; rank = `retrieve.rank(store, q, 100)` (hybrid); ask = `synthesis.ask(store, q)`."]
    if f["fts5_reference_build"]:
        b = f["fts5_reference_build"]
        out += ["", f"FTS5 beside tantivy: `evidex.fts5_reference` rebuilt the FTS5 index of the same records in "
                f"{b['wall_s']:.1f} s ({b['cpu_s']:.1f} CPU s), {f['fts5_reference_bytes_per_record']:,.0f} bytes per "
                f"record against tantivy's {f['bytes_per_record']['lexical']:,.0f}; the two engines' BM25 top-10s "
                f"agree at {common.fmt(f['bm25_top10_agreement'], 2)} (share of one's top 10 in the other's, ties at the "
                f"10th score counted: resampled texts tie often and the engines break ties differently)."]
    p = f["projection"]
    out += ["", f"**Projection to {FULL / 1e6:.0f}M citations** (per-record figures above times {FULL:,}; ingest "
            "hours = max(all ingest CPU / cores, the single writer's CPU) — the writer is the serial part)", ""]
    rows = [["disk: " + k, f"{v:,.1f} GB"] for k, v in p["disk_gb"].items() if v]
    rows += [["disk: total (store + lexical + vectors)", f"{sum(p['disk_gb'].values()):,.1f} GB"],
             ["input baseline files (gzipped, this generator)", f"{p['input_gb']:,.1f} GB"],
             ["RAM: ingest peak (tree RSS measured at N, not scaled: compare runs at several N)",
              f"{p['ram_ingest_mb']:,.0f} MB"],
             ["RAM: query process at N (grows with the index pages it touches)", f"{p['ram_query_mb']:,.0f} MB"],
             ["ingest hours, 2 cores (from CPU per record)", f"{p['ingest_h'][2]:,.2f} h"],
             ["ingest hours, 16 cores (from CPU per record)", f"{p['ingest_h'][16]:,.2f} h"]]
    if p["ingest_h_measured_2"] is not None:
        rows.append(["ingest hours, 2 workers (from this run's wall time)", f"{p['ingest_h_measured_2']:,.2f} h"])
    rows += [["embedding hours (wordllama), 2 / 16 cores", f"{p['embed_h'][2]:,.1f} / {p['embed_h'][16]:,.1f} h"],
             ["full baseline < 15 min on 16 cores?", "yes" if p["ingest_h"][16] < 0.25 else "no"]]
    out.append(common.table(["projected", "value"], rows))
    out += ["", "**Targets** (issue 10)", ""]
    out.append(common.table(["target", "goal", "measured", "status"],
                            [[t["name"], t["target"], t["measured"] if isinstance(t["measured"], str)
                              else fmt(t["measured"], 2 if t["measured"] < 100 else 0), t["status"]]
                             for t in f["targets"]]))
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    rest: list[str] = []
    if "--" in argv:
        i = argv.index("--")
        argv, rest = argv[:i], argv[i + 1:]
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog="\n".join(__doc__.split("\n")[1:]))
    ap.add_argument("--records", type=int, default=1_000_000, help="citations to generate and ingest (default 1M)")
    ap.add_argument("--work", default=str(DEFAULT_WORK), help="work folder (generated files, stores, reports)")
    ap.add_argument("--questions", default=str(QUESTIONS), help="questions file (category<TAB>question)")
    ap.add_argument("--queries", type=int, default=0, help="ask only the first N questions (0: all)")
    ap.add_argument("--embed-workers", type=int, default=2, help="evidex embed --workers, when offered (default 2)")
    ap.add_argument("--stage-files", type=int, default=1,
                    help="files read by the parse and enrich stages (default 1: up to 30,000 citations; 0: all)")
    ap.add_argument("--commit", default="HEAD", help="measure src/evidex as committed at this revision (default HEAD)")
    ap.add_argument("--working-tree", action="store_true", help="measure the working tree's src/evidex instead")
    ap.add_argument("--code", help="measure an earlier snapshot of src/evidex (out/code-<sha>)")
    ap.add_argument("--write", action="store_true", help="append the section to benchmarks/RESULTS.md")
    ap.add_argument("--from-report", metavar="JSON",
                    help="rebuild the Markdown (and with --write the RESULTS.md section) from a saved report-<N>.json")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--files", help=argparse.SUPPRESS)
    ap.add_argument("--db", help=argparse.SUPPRESS)
    ap.add_argument("--out", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        run_worker(args, rest)
        return 0
    if args.records < 1:
        ap.error("--records must be at least 1")
    if args.from_report:
        report = json.loads(Path(args.from_report).read_text())["report"]
        args.records = report["records"]
    else:
        report = run(args)
    f = figures(report)
    md = markdown(report, f)
    work = Path(args.work).resolve()
    if not args.from_report:
        (work / f"report-{args.records}.md").write_text(md, encoding="utf-8")
        (work / f"report-{args.records}.json").write_text(json.dumps({"report": report, "figures": f}, indent=1,
                                                                     default=str))
    print(md)
    if args.write:
        command = report.get("command") or "python benchmarks/pubmed_scale.py " + " ".join(
            a for a in argv if a != "--write")
        common.append_results(f"PubMed scale (benchmarks/pubmed_scale.py, {args.records:,} citations)",
                              command.strip(), md, report["start"])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
