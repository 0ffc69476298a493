"""The embedded store: one SQLite file (WAL) holding records, appraisals and the BM25 index.

Records and their FTS5 rows are written in the same transaction, one batch at a time,
so a crash leaves whole batches or nothing; unchanged records (same content hash) are
skipped, which makes re-ingest a no-op. SQL text is built by pure functions
(``search_sql``) and executed here, at the edge.
"""
from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .faults import checkpoint
from .records import Appraisal, Problem, Record

SCHEMA_VERSION = "1"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS records (
    rowid INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    hash TEXT NOT NULL,
    title TEXT NOT NULL,
    design TEXT NOT NULL,
    level INTEGER NOT NULL,
    year INTEGER,
    record TEXT NOT NULL,
    appraisal TEXT NOT NULL,
    source TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS records_design ON records(design);
CREATE INDEX IF NOT EXISTS records_year ON records(year);
CREATE TABLE IF NOT EXISTS files (
    path TEXT NOT NULL,
    sha256 TEXT NOT NULL PRIMARY KEY,
    records INTEGER NOT NULL,
    problems TEXT NOT NULL DEFAULT '[]',
    finished_at TEXT NOT NULL DEFAULT (datetime('now'))
);
CREATE VIRTUAL TABLE IF NOT EXISTS record_fts USING fts5(
    title, body, tokenize = 'porter unicode61 remove_diacritics 2'
);
CREATE VIRTUAL TABLE IF NOT EXISTS record_fts_terms USING fts5vocab(record_fts, row);
"""
# BM25 field weights: a term in the title counts twice as much as one in the abstract.
TITLE_WEIGHT, BODY_WEIGHT = 2.0, 1.0


def default_db_path() -> Path:
    from .settings import db_path     # the db setting ($EVIDEX_DB, config file), else the XDG data folder
    return db_path()


@dataclass
class WriteStats:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0

    def __iadd__(self, other: "WriteStats") -> "WriteStats":
        self.added += other.added
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.deleted += other.deleted
        return self


@dataclass(frozen=True)
class StoredRecord:
    record: Record
    appraisal: Appraisal


@dataclass(frozen=True)
class SearchFilter:
    designs: tuple[str, ...] = ()
    since: int | None = None
    until: int | None = None


@dataclass(frozen=True)
class Hit:
    record_id: str
    score: float          # higher is better (negated FTS5 bm25)


@dataclass
class Store:
    path: Path
    conn: sqlite3.Connection = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.path = Path(self.path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA synchronous=NORMAL")
        self.conn.execute("PRAGMA busy_timeout=10000")
        self.conn.executescript(_SCHEMA)
        columns = {row[1] for row in self.conn.execute("PRAGMA table_info(files)")}
        if "problems" not in columns:   # stores made before problems were kept per file
            self.conn.execute("ALTER TABLE files ADD COLUMN problems TEXT NOT NULL DEFAULT '[]'")
        self.conn.execute("INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)", (SCHEMA_VERSION,))

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writing ------------------------------------------------------------------
    def write_batch(self, items: Sequence[tuple[Record, Appraisal]], deletions: Iterable[str] = ()) -> WriteStats:
        """Upsert records and apply deletions in one transaction (all or nothing)."""
        stats = WriteStats()
        cur = self.conn.cursor()
        cur.execute("BEGIN IMMEDIATE")
        try:
            existing = self._hashes(cur, [r.id for r, _ in items])
            for record, appraisal in items:
                digest = record.content_hash()
                old = existing.get(record.id)
                if old is not None and old[1] == digest:
                    stats.unchanged += 1
                    continue
                row = (record.id, digest, record.title, appraisal.design, appraisal.level, record.year,
                       json.dumps(record.to_json(), ensure_ascii=False),
                       json.dumps(appraisal.to_json(), ensure_ascii=False), record.source)
                body = "\n".join(s.text for s in record.sections)
                if old is None:
                    cur.execute("INSERT INTO records (id, hash, title, design, level, year, record, appraisal, source)"
                                " VALUES (?,?,?,?,?,?,?,?,?)", row)
                    rowid = cur.lastrowid
                    stats.added += 1
                else:
                    rowid = old[0]
                    cur.execute("UPDATE records SET id=?, hash=?, title=?, design=?, level=?, year=?, record=?,"
                                " appraisal=?, source=? WHERE rowid=?", (*row, rowid))
                    cur.execute("DELETE FROM record_fts WHERE rowid=?", (rowid,))
                    stats.updated += 1
                existing[record.id] = (rowid, digest)
                cur.execute("INSERT INTO record_fts (rowid, title, body) VALUES (?,?,?)",
                            (rowid, record.title, body))
            for rid in deletions:
                found = cur.execute("SELECT rowid FROM records WHERE id=?", (rid,)).fetchone()
                if found:
                    cur.execute("DELETE FROM record_fts WHERE rowid=?", found)
                    cur.execute("DELETE FROM records WHERE rowid=?", found)
                    stats.deleted += 1
            checkpoint("lexical")           # records and FTS5 rows written, not committed
            cur.execute("COMMIT")
        except BaseException:
            cur.execute("ROLLBACK")
            raise
        checkpoint("commit")
        return stats

    @staticmethod
    def _hashes(cur: sqlite3.Cursor, ids: list[str]) -> dict[str, tuple[int, str]]:
        out: dict[str, tuple[int, str]] = {}
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            marks = ",".join("?" * len(chunk))
            for rowid, rid, digest in cur.execute(
                    f"SELECT rowid, id, hash FROM records WHERE id IN ({marks})", chunk):
                out[rid] = (rowid, digest)
        return out

    def file_done(self, sha256: str) -> list[Problem] | None:
        """None if a file with this checksum was never read to its end; else the problems it
        had then (re-reported on a re-run, so bad input keeps exit code 2 without re-reading)."""
        row = self.conn.execute("SELECT problems FROM files WHERE sha256=?", (sha256,)).fetchone()
        return None if row is None else [Problem(*p) for p in json.loads(row[0])]

    def mark_file_done(self, path: str, sha256: str, records: int, problems: Sequence[Problem] = ()) -> None:
        self.conn.execute("INSERT OR REPLACE INTO files (path, sha256, records, problems) VALUES (?,?,?,?)",
                          (path, sha256, records, json.dumps([[p.source, p.where, p.message] for p in problems])))

    def hashes(self, ids: Sequence[str]) -> dict[str, str]:
        """Stored content hash of each of ``ids`` that is stored."""
        cur = self.conn.cursor()
        return {rid: digest for rid, (_rowid, digest) in self._hashes(cur, list(ids)).items()}

    # -- reading ------------------------------------------------------------------
    def has(self, record_id: str) -> bool:
        return self.conn.execute("SELECT 1 FROM records WHERE id=?", (record_id,)).fetchone() is not None

    def get(self, record_id: str) -> StoredRecord | None:
        row = self.conn.execute("SELECT record, appraisal FROM records WHERE id=?", (record_id,)).fetchone()
        return _decode(row) if row else None

    def get_many(self, ids: Sequence[str]) -> dict[str, StoredRecord]:
        out: dict[str, StoredRecord] = {}
        for i in range(0, len(ids), 500):
            chunk = list(ids[i:i + 500])
            marks = ",".join("?" * len(chunk))
            for rid, rec, appr in self.conn.execute(
                    f"SELECT id, record, appraisal FROM records WHERE id IN ({marks})", chunk):
                out[rid] = _decode((rec, appr))
        return out

    def count(self) -> int:
        return self.conn.execute("SELECT count(*) FROM records").fetchone()[0]

    def counts_by_design(self) -> dict[str, int]:
        return dict(self.conn.execute("SELECT design, count(*) FROM records GROUP BY design ORDER BY 2 DESC"))

    def checksum(self) -> str:
        """A digest of every stored record hash: equal before and after means nothing changed."""
        import hashlib
        h = hashlib.sha256()
        for rid, digest in self.conn.execute("SELECT id, hash FROM records ORDER BY id"):
            h.update(f"{rid}\t{digest}\n".encode())
        return h.hexdigest()

    def terms_ending(self, suffixes: Sequence[str], limit: int = 200) -> list[str]:
        """Indexed (porter-stemmed) terms that end with any suffix, the most widespread first."""
        if not suffixes:
            return []
        where = " OR ".join("term LIKE ?" for _ in suffixes)
        rows = self.conn.execute(f"SELECT term FROM record_fts_terms WHERE {where} ORDER BY doc DESC LIMIT ?",
                                 [f"%{s}" for s in suffixes] + [limit])
        return [r[0] for r in rows]

    def search(self, match: str, limit: int = 50, filt: SearchFilter = SearchFilter()) -> list[Hit]:
        if not match:
            return []
        sql, params = search_sql(match, limit, filt)
        return [Hit(rid, -score) for rid, score in self.conn.execute(sql, params)]


def filter_sql(filt: SearchFilter, table: str = "") -> tuple[list[str], list[object]]:
    """WHERE clauses and parameters for design and year filters on ``records`` (pure)."""
    col = f"{table}." if table else ""
    where: list[str] = []
    params: list[object] = []
    if filt.designs:
        where.append(f"{col}design IN ({','.join('?' * len(filt.designs))})")
        params.extend(filt.designs)
    if filt.since is not None:
        where.append(f"{col}year >= ?")
        params.append(filt.since)
    if filt.until is not None:
        where.append(f"{col}year <= ?")
        params.append(filt.until)
    return where, params


def search_sql(match: str, limit: int, filt: SearchFilter) -> tuple[str, list[object]]:
    """SQL for a BM25-ranked FTS5 query with design and year filters (pure).

    Without filters, FTS5 ranks on its own and only the top ``limit`` rows are joined to
    ``records``: a free-text query OR-ing common words matches half the store, and joining
    every match to the wide records table first doubled the query time (100k records:
    p50 ~110 ms -> ~50 ms, benchmarks/hybrid_scale.py)."""
    score = f"bm25(record_fts, {TITLE_WEIGHT}, {BODY_WEIGHT})"
    extra, extra_params = filter_sql(filt, "r")
    if not extra:
        sql = (f"SELECT r.id, s.score FROM (SELECT rowid, {score} AS score FROM record_fts "
               f"WHERE record_fts MATCH ? ORDER BY score LIMIT ?) s "
               f"JOIN records r ON r.rowid = s.rowid ORDER BY s.score")
        return sql, [match, limit]
    where = ["record_fts MATCH ?", *extra]
    params: list[object] = [match, *extra_params]
    sql = (f"SELECT r.id, {score} AS score "
           f"FROM record_fts JOIN records r ON r.rowid = record_fts.rowid "
           f"WHERE {' AND '.join(where)} ORDER BY score LIMIT ?")
    params.append(limit)
    return sql, params


def _decode(row: tuple[str, str]) -> StoredRecord:
    return StoredRecord(Record.from_json(json.loads(row[0])), Appraisal.from_json(json.loads(row[1])))
