"""The embedded store: one SQLite file (WAL) holding records and appraisals, the source of
truth, and beside it the BM25 index (``<db>.lexical/``, tantivy: ``evidex.lexical``).

Records are written one batch per transaction; unchanged records (same content hash) are
skipped, which makes re-ingest a no-op. Record and appraisal JSON are zstd-compressed
(``evidex.packing``) in ``record_data``; the ``records`` view shows them as text, so readers
query ``records`` as before (on this module's connection, which defines the two functions).

The lexical index is kept in step without two-phase commit: each batch also writes one row
per changed or deleted record into an outbox (``index_log``) in the same transaction; the
one process that holds the index's writer applies the outbox (delete by id, add the current
version), commits the index, then records the last applied seq (``meta.lexical_seq``) and
clears those rows. A crash anywhere leaves rows to replay, and replay is idempotent, so the
next open (or write, or search) heals the index.
"""
from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .faults import checkpoint
from .lexical import BODY_WEIGHT, TITLE_WEIGHT, Doc, LexicalIndex
from .outbox import Outbox
from .packing import SCHEMA as PACKING_SCHEMA
from .packing import TRAIN_MIN, Packer
from .records import Appraisal, Problem, Record
from .rows import Row, content_hash_of, encode, plain_json

SCHEMA_VERSION = "2"
_SCHEMA = PACKING_SCHEMA + """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS record_data (
    rowid INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    hash TEXT NOT NULL,
    title TEXT NOT NULL,
    design TEXT NOT NULL,
    level INTEGER NOT NULL,
    year INTEGER,
    record BLOB NOT NULL,          -- zstd(record JSON without its title, which is the column)
    appraisal BLOB NOT NULL,       -- zstd(appraisal JSON)
    source TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS record_data_design ON record_data(design);
CREATE INDEX IF NOT EXISTS record_data_year ON record_data(year);
CREATE VIEW IF NOT EXISTS records AS
    SELECT rowid AS rowid, id, hash, title, design, level, year, evidex_record(record, title) AS record,
           evidex_unpack(appraisal) AS appraisal, source FROM record_data;
CREATE TABLE IF NOT EXISTS files (
    path TEXT NOT NULL,
    sha256 TEXT NOT NULL PRIMARY KEY,
    records INTEGER NOT NULL,
    problems TEXT NOT NULL DEFAULT '[]',
    finished_at TEXT NOT NULL DEFAULT (datetime('now'))
);
CREATE TABLE IF NOT EXISTS index_log (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL, op TEXT NOT NULL);
"""
__all__ = ["BODY_WEIGHT", "TITLE_WEIGHT", "SCHEMA_VERSION", "Hit", "SearchFilter", "Store", "StoredRecord",
           "WriteStats", "content_hash_of", "default_db_path", "filter_sql"]


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
    score: float          # BM25, higher is better


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
        self.packer = Packer.__new__(Packer)           # functions first: the view needs them
        self.conn.create_function("evidex_unpack", 1, lambda b: self.packer.unpack(b), deterministic=True)
        self.conn.create_function("evidex_record", 2, lambda b, t: _with_title(self.packer.unpack(b), t),
                                  deterministic=True)
        from .store_upgrade import upgrade_v1
        upgraded = upgrade_v1(self)
        self.conn.executescript(_SCHEMA)
        self.packer = Packer(self.conn)
        columns = {row[1] for row in self.conn.execute("PRAGMA table_info(files)")}
        if "problems" not in columns:   # stores made before problems were kept per file
            self.conn.execute("ALTER TABLE files ADD COLUMN problems TEXT NOT NULL DEFAULT '[]'")
        self.conn.execute("INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)", (SCHEMA_VERSION,))
        self.lexical = LexicalIndex(Path(str(self.path) + ".lexical"))
        self.outbox = Outbox(self.conn, self.lexical, self.packer.unpack)
        if not self.outbox.pending() and (self.lexical.created or not self.lexical.num_docs()) and self.count():
            self.outbox.log_everything()      # the folder was lost or made for other fields: rebuild it
        self._sync_lexical(wait=upgraded, progress=upgraded)

    def close(self) -> None:
        try:
            self._sync_lexical(wait=False)     # a reader never waits here: the writer applies its own
        finally:
            self.lexical.release()
            self.conn.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writing ------------------------------------------------------------------
    def write_batch(self, items: Sequence[Row | tuple[Record, Appraisal]], deletions: Iterable[str] = ()) -> WriteStats:
        """Upsert records and apply deletions in one transaction (all or nothing), with their
        outbox rows; then apply the outbox to the lexical index and commit it (so that every
        reader sees the batch; the index's writer is held only meanwhile). An item is a row a
        worker encoded (``evidex.rows``) or a (record, appraisal) pair, encoded here the same way."""
        stats = WriteStats()
        fresh: dict[str, Doc] = {}
        cur = self.conn.cursor()
        cur.execute("BEGIN IMMEDIATE")
        try:
            rows = [it if isinstance(it, Row) else encode(*it) for it in items]    # packed below if not unchanged
            existing = self._hashes(cur, [r.id for r in rows])
            todo: dict[str, tuple[Row, tuple[int, str] | None]] = {}
            for row in rows:
                old = existing.get(row.id)
                if row.id in todo:              # an id twice in one batch: the later version wins
                    if todo[row.id][0].hash == row.hash:
                        stats.unchanged += 1
                        continue
                    old = todo[row.id][1]
                    stats.updated += 1
                elif old is not None and old[1] == row.hash:
                    stats.unchanged += 1
                    continue
                todo[row.id] = (row, old)
            if not self.packer.trained and len(todo) >= TRAIN_MIN:
                plain = [plain_json(r, self.packer) for r, _ in todo.values()]
                self.packer.train(cur, [p[0] for p in plain] + [p[1] for p in plain])
            next_rowid = (cur.execute("SELECT max(rowid) FROM record_data").fetchone()[0] or 0) + 1
            inserts, updates = [], []
            for row, old in todo.values():
                rec, appr = self._packed(row)
                if old is None:                 # the rowid SQLite would choose, given here for the index
                    rowid, next_rowid = next_rowid, next_rowid + 1
                    inserts.append((rowid, row.id, row.hash, row.title, row.design, row.level, row.year, rec, appr,
                                    row.source))
                    stats.added += 1
                else:
                    rowid = old[0]
                    updates.append((row.id, row.hash, row.title, row.design, row.level, row.year, rec, appr,
                                    row.source, rowid))
                    stats.updated += 1
                fresh[row.id] = Doc(row.id, rowid, row.title, row.body, row.design, row.year)
            cur.executemany("INSERT INTO record_data (rowid, id, hash, title, design, level, year, record, appraisal,"
                            " source) VALUES (?,?,?,?,?,?,?,?,?,?)", inserts)
            cur.executemany("UPDATE record_data SET id=?, hash=?, title=?, design=?, level=?, year=?, record=?,"
                            " appraisal=?, source=? WHERE rowid=?", updates)
            cur.executemany("INSERT INTO index_log (id, op) VALUES (?, 'put')", [(rid,) for rid in todo])
            for rid in deletions:
                found = cur.execute("SELECT rowid FROM record_data WHERE id=?", (rid,)).fetchone()
                if found:
                    cur.execute("DELETE FROM record_data WHERE rowid=?", found)
                    cur.execute("INSERT INTO index_log (id, op) VALUES (?, 'delete')", (rid,))
                    fresh.pop(rid, None)
                    stats.deleted += 1
            last = cur.execute("SELECT max(seq) FROM index_log").fetchone()[0] or 0
            checkpoint("lexical")           # records and outbox rows written, not committed
            cur.execute("COMMIT")
        except BaseException:
            cur.execute("ROLLBACK")
            self.packer.forget_uncommitted()
            raise
        checkpoint("commit")
        if fresh or stats.deleted:
            self._sync_lexical(wait=True, fresh=fresh, fresh_upto=last)
        return stats

    def _packed(self, row: Row) -> tuple[bytes, bytes]:
        """The row's record and appraisal packed with the current dictionary: a worker's bytes
        when it used that one, else packed here (the bytes are the same either way)."""
        if row.packed_with is not None and row.packed_with == self.packer.dict_id:
            return row.record, row.appraisal
        rec, appr = plain_json(row, self.packer)
        return self.packer.pack_bytes(rec), self.packer.pack_bytes(appr)

    def _sync_lexical(self, wait: bool, fresh: dict[str, Doc] | None = None, fresh_upto: int = 0,
                      progress: bool = False) -> None:
        """Apply the outbox to the lexical index (``evidex.outbox``)."""
        self.outbox.sync(wait, fresh, fresh_upto, progress)

    @staticmethod
    def _hashes(cur: sqlite3.Cursor, ids: list[str]) -> dict[str, tuple[int, str]]:
        return {rid: (rowid, digest) for rowid, rid, digest in _by_ids(cur, "rowid, id, hash", ids)}

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
        return self.conn.execute("SELECT 1 FROM record_data WHERE id=?", (record_id,)).fetchone() is not None

    def get(self, record_id: str) -> StoredRecord | None:
        row = self.conn.execute("SELECT title, record, appraisal FROM record_data WHERE id=?",
                                (record_id,)).fetchone()
        return self._decode(row) if row else None

    def get_many(self, ids: Sequence[str]) -> dict[str, StoredRecord]:
        return {rid: self._decode((title, rec, appr))
                for rid, title, rec, appr in _by_ids(self.conn, "id, title, record, appraisal", ids)}

    def texts_many(self, ids: Sequence[str]) -> dict[str, str]:
        """``Record.text()`` of each of ``ids`` that is stored, read without building the record
        or its appraisal (retrieval tests a candidate's words before it decodes it whole)."""
        out: dict[str, str] = {}
        for rid, title, rec in _by_ids(self.conn, "id, title, record", ids):
            sections = json.loads(self.packer.unpack(rec)).get("sections", ())
            out[rid] = "\n\n".join([title, *(s["text"] for s in sections)])
        return out

    def appraisals_many(self, ids: Sequence[str]) -> dict[str, tuple[Appraisal, int | None]]:
        """(appraisal, publication year) of each of ``ids`` that is stored, without decoding the
        record: what the hybrid ranking's priors read for a pool three times the size it keeps."""
        return {rid: (Appraisal.from_json(json.loads(self.packer.unpack(appr))), year)
                for rid, year, appr in _by_ids(self.conn, "id, year, appraisal", ids)}

    def _decode(self, row: tuple[str, bytes, bytes]) -> StoredRecord:
        data = json.loads(self.packer.unpack(row[1]))
        data["title"] = row[0]
        return StoredRecord(Record.from_json(data), Appraisal.from_json(json.loads(self.packer.unpack(row[2]))))

    def count(self) -> int:
        return self.conn.execute("SELECT count(*) FROM record_data").fetchone()[0]

    def counts_by_design(self) -> dict[str, int]:
        return dict(self.conn.execute("SELECT design, count(*) FROM record_data GROUP BY design ORDER BY 2 DESC"))

    def checksum(self) -> str:
        """A digest of every stored record hash: equal before and after means nothing changed."""
        import hashlib
        h = hashlib.sha256()
        for rid, digest in self.conn.execute("SELECT id, hash FROM record_data ORDER BY id"):
            h.update(f"{rid}\t{digest}\n".encode())
        return h.hexdigest()

    def terms_ending(self, suffixes: Sequence[str], limit: int = 200) -> list[str]:
        """Indexed (stemmed) words that end with any suffix, the most widespread first.

        It walks the whole term dictionary (0.1 s at 14k records, 25k terms), so an answer is
        kept until the index has grown or shrunk by 1% (a word new to so few records is not
        yet a class member worth searching for)."""
        if not suffixes:
            return []
        self._fresh_searcher()
        key, size = (tuple(suffixes), limit), self.lexical.num_docs()
        cache = self.__dict__.setdefault("_terms_cache", {})
        hit = cache.get(key)
        if hit is None or abs(size - hit[0]) > 0.01 * max(hit[0], 1):
            cache[key] = hit = (size, self.lexical.terms_ending(tuple(suffixes), limit))
        return list(hit[1])

    def search(self, match: str, limit: int = 50, filt: SearchFilter = SearchFilter()) -> list[Hit]:
        """BM25 hits for an FTS5-style MATCH string (``evidex.lexical``), best first."""
        if not match:
            return []
        self._fresh_searcher()
        query = self.lexical.compile(match, filt.designs, filt.since, filt.until)
        if query is None:
            return []
        found = self.lexical.search(query, limit)
        if not found:
            return []
        marks = ",".join("?" * len(found))
        ids = dict(self.conn.execute(f"SELECT rowid, id FROM record_data WHERE rowid IN ({marks})",
                                     [r for r, _ in found]))
        return [Hit(ids[r], s) for r, s in found if r in ids]

    def _fresh_searcher(self) -> None:
        """Apply what the outbox holds (when no other process is applying it) and see the
        index's latest commit, whoever made it."""
        self._sync_lexical(wait=False)
        self.outbox.refresh()


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


def _with_title(text: str | None, title: str | None) -> str | None:
    """Record JSON as stored without its title (the ``title`` column), with it put back."""
    if text is None or title is None or not text.startswith("{") or text.startswith('{"title"'):
        return text
    head = '{"title": ' + json.dumps(title, ensure_ascii=False)
    return head + ("}" if text.strip() == "{}" else ", " + text[1:])


def _by_ids(conn, columns: str, ids: Sequence[str]):
    """``SELECT columns FROM record_data`` for the stored ones of ``ids``, 500 ids a statement
    (SQLite's bound-parameter limit)."""
    for i in range(0, len(ids), 500):
        chunk = list(ids[i:i + 500])
        yield from conn.execute(f"SELECT {columns} FROM record_data WHERE id IN ({','.join('?' * len(chunk))})",
                                chunk)
