"""Shared code for the benchmark scripts: test-set generation, measurement, goals, RESULTS.md.

The benchmark inputs are PubMed XML files generated from the cohen2006 screening sets in
``../shared/data/cohen2006`` (15,268 real citations: PMID, title, abstract, MeSH, authors).
Generation is deterministic (fixed seed, gzip mtime 0), so the same input gives the same
bytes and the same SHA-256: a store built once can be reused, because ``ingest_paths``
skips a file whose checksum it has already loaded.
"""
from __future__ import annotations

import csv
import datetime as _dt
import gzip
import json
import os
import platform
import random
import re
import resource
import sqlite3
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
SHARED_DATA = (REPO / ".." / "shared" / "data").resolve()
COHEN_DIR = SHARED_DATA / "cohen2006"
RESULTS_MD = BENCH_DIR / "RESULTS.md"
DEFAULT_OUT = BENCH_DIR / "out"
# Generated XML lives outside the repo (it is derived from ../shared data, never committed).
DEFAULT_DATA_DIR = Path(tempfile.gettempdir()) / "evidex-bench-data"
GENERATOR_VERSION = "2"          # bump when the XML layout changes (file names carry it)
SYNTHETIC_PMID_BASE = 90_000_000
# "15k" is every cohen2006 citation (15,268 rows = 13,938 distinct PMIDs); the name follows
# the data set's size as published.
SIZES = {"3k": 3_000, "15k": 13_938, "200k": 200_000}


# -- input ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Row:
    pmid: str
    title: str
    abstract: str
    mesh: tuple[str, ...]
    authors: tuple[str, ...]
    year: int | None
    topic: str                  # drug class (the CSV's name)


def load_cohen_rows(cohen_dir: Path = COHEN_DIR) -> list[Row]:
    """Every row of the 14 cohen2006 CSVs, in file order (15,268 rows; 1,240 PMIDs appear
    in more than one drug-class file)."""
    if not cohen_dir.is_dir():
        sys.exit(f"benchmark data not found: {cohen_dir} (the benchmarks need ../shared/data)")
    rows: list[Row] = []
    for path in sorted(cohen_dir.glob("*.csv")):
        topic = path.stem.replace("_online", "")
        with open(path, newline="", encoding="utf-8") as fh:
            for r in csv.DictReader(fh):
                year = r.get("year") or ""
                rows.append(Row(
                    pmid=r["pubmedID"].strip(),
                    title=(r.get("title") or "").strip(),
                    abstract=(r.get("abstract") or "").strip(),
                    mesh=tuple(m.strip() for m in (r.get("keywords") or "").split(";") if m.strip()),
                    authors=tuple(a.strip() for a in (r.get("authors") or "").split(";") if a.strip()),
                    year=int(float(year)) if re.fullmatch(r"\d{4}(\.0)?", year) else None,
                    topic=topic,
                ))
    return rows


def unique_citations(rows: list[Row]) -> list[Row]:
    """One row per PMID, as PubMed has it (13,938 of the 15,268 rows): the copies of a
    paper screened for several reviews are merged, keeping the fullest title, abstract,
    MeSH and author list, the first known year and the first drug class."""
    by_pmid: dict[str, list[Row]] = {}
    for r in rows:
        by_pmid.setdefault(r.pmid, []).append(r)
    out = []
    for copies in by_pmid.values():
        first = copies[0]
        out.append(Row(
            pmid=first.pmid,
            title=max((c.title for c in copies), key=len),
            abstract=max((c.abstract for c in copies), key=len),
            mesh=max((c.mesh for c in copies), key=len),
            authors=max((c.authors for c in copies), key=len),
            year=next((c.year for c in copies if c.year), None),
            topic=first.topic,
        ))
    return out


_SENT = re.compile(r"(?<=[.!?])\s+(?=[A-Z(])")


def _shuffle_lightly(abstract: str, rng: random.Random) -> str:
    """Swap one pair of adjacent sentences in each paragraph that has two or more."""
    paras = []
    for para in abstract.split("; "):
        sents = _SENT.split(para)
        if len(sents) >= 2:
            i = rng.randrange(len(sents) - 1)
            sents[i], sents[i + 1] = sents[i + 1], sents[i]
        paras.append(" ".join(sents))
    return "; ".join(paras)


def _author_xml(name: str) -> str:
    if "," in name:                       # "Carr, A S"
        last, _, initials = name.partition(",")
        initials = initials.replace(" ", "").replace(".", "")
    else:                                 # "J Soma", "T E Widerøe"
        parts = name.split()
        last, initials = parts[-1], "".join(p[0] for p in parts[:-1])
    return (f"<Author ValidYN=\"Y\"><LastName>{escape(last.strip())}</LastName>"
            f"<Initials>{escape(initials.strip())}</Initials></Author>")


def article_xml(row: Row, pmid: str, abstract: str) -> str:
    """One ``PubmedArticle`` in the efetch layout. cohen2006 gives no publication type or
    journal, so every record is a plain "Journal Article" in a journal named after its drug
    class: design comes from MeSH or text cues, the slower and more common path."""
    paras = [p for p in abstract.split("; ") if p.strip()]
    abstract_xml = ("<Abstract>" + "".join(f"<AbstractText>{escape(p)}</AbstractText>" for p in paras)
                    + "</Abstract>") if paras else ""
    authors = ("<AuthorList CompleteYN=\"Y\">" + "".join(_author_xml(a) for a in row.authors)
               + "</AuthorList>") if row.authors else ""
    mesh = ("<MeshHeadingList>" + "".join(
        f"<MeshHeading><DescriptorName MajorTopicYN=\"N\">{escape(m)}</DescriptorName></MeshHeading>"
        for m in row.mesh) + "</MeshHeadingList>") if row.mesh else ""
    pubdate = f"<PubDate><Year>{row.year}</Year></PubDate>" if row.year else "<PubDate></PubDate>"
    journal = f"cohen2006 {row.topic}"
    return (
        "<PubmedArticle><MedlineCitation Status=\"MEDLINE\" Owner=\"NLM\">"
        f"<PMID Version=\"1\">{pmid}</PMID>"
        "<Article PubModel=\"Print\">"
        f"<Journal><JournalIssue CitedMedium=\"Print\">{pubdate}</JournalIssue>"
        f"<Title>{escape(journal)}</Title><ISOAbbreviation>{escape(journal)}</ISOAbbreviation></Journal>"
        f"<ArticleTitle>{escape(row.title)}</ArticleTitle>"
        f"{abstract_xml}{authors}<Language>eng</Language>"
        "<PublicationTypeList><PublicationType UI=\"D016428\">Journal Article</PublicationType>"
        "</PublicationTypeList></Article>"
        f"{mesh}</MedlineCitation>"
        "<PubmedData><PublicationStatus>ppublish</PublicationStatus><ArticleIdList>"
        f"<ArticleId IdType=\"pubmed\">{pmid}</ArticleId></ArticleIdList></PubmedData>"
        "</PubmedArticle>\n"
    )


def dataset_path(size: str, data_dir: Path = DEFAULT_DATA_DIR) -> Path:
    return data_dir / f"cohen2006-{size}-v{GENERATOR_VERSION}.xml.gz"


def build_dataset(size: str, data_dir: Path = DEFAULT_DATA_DIR) -> tuple[Path, int]:
    """Write (or reuse) the gzipped PubMed XML for ``size``; returns (path, records).

    15k: every distinct cohen2006 citation under its real PMID (13,938). 3k: the first
    3,000 of those (smoke runs).
    200k: rows resampled (seed 2006) under synthetic PMIDs 90,000,000+i, with one adjacent
    pair of sentences swapped per paragraph so the texts differ from the originals.
    """
    n = SIZES[size]
    path = dataset_path(size, data_dir)
    done = path.with_suffix(path.suffix + ".done")
    if path.exists() and done.exists() and done.read_text().strip() == str(n):
        return path, n
    data_dir.mkdir(parents=True, exist_ok=True)
    rows = unique_citations(load_cohen_rows())
    if size == "15k" and len(rows) != n:
        raise SystemExit(f"expected {n} distinct cohen2006 citations, found {len(rows)}")
    tmp = path.with_suffix(".partial")
    with open(tmp, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw,
                                               compresslevel=6, mtime=0) as gz:
        gz.write(b'<?xml version="1.0" encoding="UTF-8"?>\n<PubmedArticleSet>\n')
        buf: list[str] = []
        if size in ("3k", "15k"):
            for row in rows[:n]:
                buf.append(article_xml(row, row.pmid, row.abstract))
        else:
            rng = random.Random(2006)
            for i in range(n):
                row = rows[rng.randrange(len(rows))]
                buf.append(article_xml(row, str(SYNTHETIC_PMID_BASE + i), _shuffle_lightly(row.abstract, rng)))
                if len(buf) >= 5000:
                    gz.write("".join(buf).encode("utf-8"))
                    buf = []
        gz.write("".join(buf).encode("utf-8"))
        gz.write(b"</PubmedArticleSet>\n")
    tmp.replace(path)
    done.write_text(str(n))
    return path, n


# -- the code under test -----------------------------------------------------------------
def snapshot_code(out: Path, reuse: Path | None = None) -> tuple[Path, str, str]:
    """Copy src/evidex as it is now into ``out`` and return (folder for PYTHONPATH, digest).

    Others may edit src/ while a long benchmark runs; every stage then imports this frozen
    copy, so all figures of one run describe the same code. The digest (sha256 of paths and
    bytes) is recorded beside the commit, since the working tree may differ from HEAD.
    Returns (folder, digest, commit HEAD was at when the snapshot was taken).
    """
    import hashlib
    import shutil
    if reuse is not None:
        if not (reuse / "evidex" / "__init__.py").is_file() or not reuse.name.startswith("code-"):
            sys.exit(f"--code {reuse}: not a snapshot folder (out/code-<sha>/evidex)")
        meta = reuse / "SNAPSHOT.json"
        commit = json.loads(meta.read_text())["commit"] if meta.is_file() else "unknown"
        return reuse.resolve(), reuse.name.removeprefix("code-"), commit
    src = REPO / "src" / "evidex"
    h = hashlib.sha256()
    files = sorted(p for p in src.rglob("*") if p.is_file() and "__pycache__" not in p.parts
                   and p.suffix != ".pyc")
    for p in files:
        h.update(str(p.relative_to(src)).encode() + b"\0" + p.read_bytes() + b"\0")
    digest = h.hexdigest()[:12]
    dest = out / f"code-{digest}"
    if not (dest / "evidex" / "__init__.py").exists():
        tmp = out / f"code-{digest}.partial"
        shutil.rmtree(tmp, ignore_errors=True)
        shutil.copytree(src, tmp / "evidex", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        info = machine_info()
        (tmp / "SNAPSHOT.json").write_text(json.dumps({"commit": info["commit"], "taken": info["date"],
                                                       "sha256": digest}))
        tmp.replace(dest)
    meta = json.loads((dest / "SNAPSHOT.json").read_text()) if (dest / "SNAPSHOT.json").is_file() else {}
    return dest, digest, meta.get("commit", "unknown")


def use_snapshot(folder: Path) -> None:
    """Make this process and its children import evidex from ``folder``."""
    sys.path.insert(0, str(folder))
    os.environ["PYTHONPATH"] = os.pathsep.join(
        [str(folder), *(p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p)])


def remove_store(db: Path) -> None:
    """Delete a SQLite store and everything beside it (-wal, -shm, the .vectors folder)."""
    import shutil
    for p in db.parent.glob(db.name + "*"):
        shutil.rmtree(p) if p.is_dir() else p.unlink()


def store_mb(db: Path) -> float:
    total = 0
    for p in db.parent.glob(db.name + "*"):
        total += sum(f.stat().st_size for f in p.rglob("*") if f.is_file()) if p.is_dir() else p.stat().st_size
    return total / 2**20


# -- measurement ------------------------------------------------------------------------
def peak_rss_mb() -> float:
    """Peak resident set size of this process (ru_maxrss is KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_seconds() -> float:
    """User + system CPU time of this process so far."""
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime


def vm_hwm_mb() -> float | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def pin_to_one_core() -> None:
    """Run on a single CPU so that "records/s on one core" is what is measured."""
    if hasattr(os, "sched_setaffinity"):
        cpus = sorted(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpus[0]})


def run_worker(script: Path, args: list[str], timeout: float = 1800) -> dict:
    """Run ``script --worker ...`` in a fresh interpreter; it prints one JSON line last."""
    cmd = [sys.executable, str(script), "--worker", *args]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    if proc.returncode != 0:
        raise RuntimeError(f"worker failed ({proc.returncode}): {' '.join(cmd)}\n{proc.stderr[-4000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def percentile(values: list[float], q: float) -> float:
    """Linear-interpolation percentile (numpy's default), q in [0, 100]."""
    xs = sorted(values)
    if not xs:
        return float("nan")
    k = (len(xs) - 1) * q / 100
    lo, hi = int(k), min(int(k) + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


# -- goals ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Goal:
    name: str
    op: str           # ">=" or "<" or "<=" or "=="
    target: float
    unit: str = ""

    def check(self, value: float | None) -> str:
        if value is None:
            return "n/a"
        ok = {">=": value >= self.target, "<": value < self.target,
              "<=": value <= self.target, "==": value == self.target}[self.op]
        return "OK" if ok else "FAIL"

    def text(self) -> str:
        return f"{self.op} {self.target:g}{(' ' + self.unit) if self.unit else ''}"


# -- reporting ---------------------------------------------------------------------------
def machine_info() -> dict[str, str]:
    try:
        commit = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
                                capture_output=True, text=True, timeout=10).stdout.strip() or "unknown"
    except (OSError, subprocess.SubprocessError):
        commit = "unknown"
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import lxml.etree as et
    return {
        "date": _dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "commit": commit,
        "nproc": str(os.cpu_count()),
        "cpu": cpu or platform.processor() or "unknown",
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "lxml": ".".join(map(str, et.LXML_VERSION)),
        "load": f"{os.getloadavg()[0]:.2f}",
    }


def table(headers: list[str], rows: list[list[object]]) -> str:
    """A GitHub-flavoured Markdown table (also readable on a terminal)."""
    cells = [[str(c) for c in r] for r in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) if cells else len(h) for i, h in enumerate(headers)]
    line = lambda vals: "| " + " | ".join(v.ljust(w) for v, w in zip(vals, widths)) + " |"  # noqa: E731
    return "\n".join([line(headers), "|" + "|".join("-" * (w + 2) for w in widths) + "|",
                      *(line(r) for r in cells)])


def append_results(title: str, command: str, body: str, start: dict[str, str]) -> None:
    """Append a dated section; ``start`` is machine_info() taken when the run began plus
    the code snapshot digest (``code``)."""
    info = machine_info()
    moved = "" if info["commit"] == start["commit"] else f" (HEAD was {info['commit']} when the run ended)"
    head = (f"\n## {title} — {start['date']}\n\n"
            f"- command: `{command}`\n"
            f"- commit: {start['commit']}{moved}; code measured: snapshot of src/evidex taken at commit "
            f"{start['code_commit']}, sha256 {start['code']} (the working tree may hold uncommitted changes)\n"
            f"- machine: {info['nproc']} CPU(s) ({info['cpu']}), Python {info['python']}, "
            f"SQLite {info['sqlite']}, lxml {info['lxml']}\n"
            f"- load average (1 min) at start {start['load']}, at end {info['load']}: the machine is shared, "
            f"so wall times above CPU times mean other work was competing for the CPUs\n\n")
    if not RESULTS_MD.exists():
        RESULTS_MD.write_text("# Benchmark results\n\nAppended by `benchmarks/ingest.py` and "
                              "`benchmarks/ask.py` (see README.md); newest last. Figures are "
                              "measured, never estimated.\n", encoding="utf-8")
    with open(RESULTS_MD, "a", encoding="utf-8") as fh:
        fh.write(head + body.rstrip() + "\n")


def fmt(x: float | None, digits: int = 0) -> str:
    if x is None:
        return "—"
    return f"{x:,.{digits}f}"
