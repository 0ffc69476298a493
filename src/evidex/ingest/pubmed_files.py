"""PubMed baseline and update files (``pubmedYYnNNNN.xml.gz`` with ``.md5`` sidecars).

NCBI publishes a yearly baseline (``baseline/``, ~1,300 files) and daily update files
(``updatefiles/``) numbered on from the baseline. Applying them correctly needs an order and
a memory:

- order: every baseline file before the updates, each in number order, year by year
  (``series_key``), so the last version of a PMID wins and ``DeleteCitation`` removes it;
- memory: a ledger table in the store (name, md5, counts, problems) read *before* a file is
  opened, so a re-run of a finished series reads nothing and a stopped run resumes where it
  stopped. A file whose bytes do not match its ``.md5`` is reported and left out of the
  ledger, to be tried again next run.

A file applied later than the files after it (one re-downloaded after a failure) would put
old versions over newer ones, so ``plan`` re-applies every later file after it in the same
run; unchanged records cost only a hash comparison there.
"""
from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..records import Problem

NAME = re.compile(r"^pubmed(\d{2})n(\d{4,5})\.xml(?:\.gz)?$")
_MD5 = re.compile(r"\b([0-9a-fA-F]{32})\b")
_LEDGER = """
CREATE TABLE IF NOT EXISTS pubmed_files (
    name TEXT PRIMARY KEY,
    md5 TEXT NOT NULL,
    kind TEXT NOT NULL,
    records INTEGER NOT NULL,
    added INTEGER NOT NULL,
    updated INTEGER NOT NULL,
    deleted INTEGER NOT NULL,
    problems TEXT NOT NULL DEFAULT '[]',
    finished_at TEXT NOT NULL DEFAULT (datetime('now'))
)"""


@dataclass(frozen=True)
class SeriesFile:
    path: Path
    year: int
    number: int
    update: bool

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def kind(self) -> str:
        return "update" if self.update else "baseline"


def series_file(path: Path) -> SeriesFile | None:
    """The series entry for a PubMed baseline/update file name, else None. A file under a
    folder whose own name says ``update`` (NCBI's ``updatefiles``) is an update file."""
    m = NAME.match(path.name)
    if m is None:
        return None
    update = "update" in path.parent.name.lower()
    return SeriesFile(path, int(m.group(1)), int(m.group(2)), update)


def series_key(f: SeriesFile) -> tuple[int, int, int]:
    return (f.year, 1 if f.update else 0, f.number)


def split_series(paths: Iterable[Path]) -> tuple[list[Path], list[SeriesFile]]:
    """Other files (in the order given) and PubMed series files (in series order). The
    ``.md5`` sidecars of series files are not sources and are dropped."""
    paths = list(paths)
    series = {p: s for p in paths if (s := series_file(p)) is not None}
    names = {str(p) for p in series}
    others = [p for p in paths if p not in series
              and not (p.name.endswith(".md5") and str(p)[:-4] in names)]
    return others, sorted(series.values(), key=series_key)


def expected_md5(path: Path) -> str | None:
    """The checksum in ``<file>.md5`` (NCBI's ``MD5(name)= hex`` or ``md5sum``'s ``hex  name``);
    None without a sidecar. A sidecar that names no checksum is a ValueError."""
    side = path.with_name(path.name + ".md5")
    try:
        text = side.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return None
    m = _MD5.search(text)
    if m is None:
        raise ValueError(f"{side.name} holds no MD5 checksum")
    return m.group(1).lower()


@dataclass(frozen=True)
class Done:
    md5: str
    problems: tuple[Problem, ...]


class Ledger:
    """Which series files were applied to this store, with what md5 and outcome."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn
        conn.execute(_LEDGER)

    def done(self) -> dict[str, Done]:
        rows = self.conn.execute("SELECT name, md5, problems FROM pubmed_files")
        return {name: Done(md5, tuple(Problem(*p) for p in json.loads(probs))) for name, md5, probs in rows}

    def record(self, f: SeriesFile, md5: str, records: int, added: int, updated: int, deleted: int,
               problems: Sequence[Problem] = ()) -> None:
        self.conn.execute(
            "INSERT OR REPLACE INTO pubmed_files (name, md5, kind, records, added, updated, deleted, problems)"
            " VALUES (?,?,?,?,?,?,?,?)",
            (f.name, md5, f.kind, records, added, updated, deleted,
             json.dumps([[p.source, p.where, p.message] for p in problems])))

    def rows(self) -> list[tuple]:
        return self.conn.execute("SELECT name, md5, kind, records, added, updated, deleted FROM pubmed_files"
                                 " ORDER BY rowid").fetchall()
