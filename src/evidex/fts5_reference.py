"""SQLite FTS5 BM25 beside the tantivy index, as a reference for tests and benchmarks only.

Evidex ranked with FTS5 (``bm25(record_fts, 2, 1)``: title weight 2, abstract 1, porter
stemming, diacritics removed) until the lexical index moved to tantivy (``evidex.lexical``).
This module rebuilds that FTS5 index from a store's records into a separate SQLite file and
answers the same MATCH strings, so that agreement and speed can be measured side by side:

    from evidex.fts5_reference import fts5_reference
    ref = fts5_reference(store, "/tmp/ref.db")          # built once, reused if up to date
    hits = ref.search('"naltrexone" OR "pain"', 10)      # [Hit], as Store.search returns
"""
from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .lexical import BODY_WEIGHT, TITLE_WEIGHT
from .store import Hit, SearchFilter, Store, filter_sql

_SCHEMA = """
CREATE TABLE IF NOT EXISTS docs (rowid INTEGER PRIMARY KEY, id TEXT NOT NULL, design TEXT NOT NULL, year INTEGER);
CREATE VIRTUAL TABLE IF NOT EXISTS record_fts USING fts5(
    title, body, tokenize = 'porter unicode61 remove_diacritics 2'
);
CREATE TABLE IF NOT EXISTS built (checksum TEXT NOT NULL);
"""


def search_sql(match: str, limit: int, filt: SearchFilter) -> tuple[str, list[object]]:
    """SQL for a BM25-ranked FTS5 query with design and year filters (pure): the query
    ``Store.search`` ran before tantivy. Unfiltered, FTS5 ranks alone and only the top
    ``limit`` rows are joined."""
    score = f"bm25(record_fts, {TITLE_WEIGHT}, {BODY_WEIGHT})"
    extra, extra_params = filter_sql(filt, "r")
    if not extra:
        sql = (f"SELECT r.id, s.score FROM (SELECT rowid, {score} AS score FROM record_fts "
               f"WHERE record_fts MATCH ? ORDER BY score LIMIT ?) s "
               f"JOIN docs r ON r.rowid = s.rowid ORDER BY s.score, r.id")
        return sql, [match, limit]
    where = ["record_fts MATCH ?", *extra]
    params: list[object] = [match, *extra_params]
    sql = (f"SELECT r.id, {score} AS score "
           f"FROM record_fts JOIN docs r ON r.rowid = record_fts.rowid "
           f"WHERE {' AND '.join(where)} ORDER BY score, r.id LIMIT ?")
    params.append(limit)
    return sql, params


@dataclass
class FTS5Reference:
    path: Path
    conn: sqlite3.Connection = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        self.conn.executescript(_SCHEMA)

    def search(self, match: str, limit: int = 50, filt: SearchFilter = SearchFilter()) -> list[Hit]:
        if not match:
            return []
        sql, params = search_sql(match, limit, filt)
        return [Hit(rid, -score) for rid, score in self.conn.execute(sql, params)]

    def terms_ending(self, suffixes, limit: int = 200) -> list[str]:
        self.conn.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.terms USING fts5vocab(main, record_fts, row)")
        where = " OR ".join("term LIKE ?" for _ in suffixes)
        rows = self.conn.execute(f"SELECT term FROM temp.terms WHERE {where} ORDER BY doc DESC LIMIT ?",
                                 [f"%{s}" for s in suffixes] + [limit])
        return [r[0] for r in rows]

    def close(self) -> None:
        self.conn.close()


def fts5_reference(store: Store, path: str | Path, on_rows: Callable[[int], None] | None = None) -> FTS5Reference:
    """The FTS5 index of every record in ``store``, in the SQLite file ``path`` (rebuilt
    when the store's records changed since it was built)."""
    ref = FTS5Reference(Path(path))
    checksum = store.checksum()
    if ref.conn.execute("SELECT checksum FROM built").fetchone() == (checksum,):
        return ref
    conn = ref.conn
    conn.execute("BEGIN")
    conn.execute("DELETE FROM docs")
    conn.execute("DELETE FROM record_fts")
    conn.execute("DELETE FROM built")
    last = 0
    while True:
        rows = store.conn.execute("SELECT rowid, id, title, record, design, year FROM record_data WHERE rowid > ? "
                                  "ORDER BY rowid LIMIT 2000", (last,)).fetchall()
        if not rows:
            break
        docs, texts = [], []
        for rowid, rid, title, rec, design, year in rows:
            sections = json.loads(store.packer.unpack(rec)).get("sections", ())
            docs.append((rowid, rid, design, year))
            texts.append((rowid, title, "\n".join(s.get("text", "") for s in sections)))
        conn.executemany("INSERT INTO docs VALUES (?,?,?,?)", docs)
        conn.executemany("INSERT INTO record_fts (rowid, title, body) VALUES (?,?,?)", texts)
        last = rows[-1][0]
        if on_rows:
            on_rows(len(rows))
    conn.execute("INSERT INTO built VALUES (?)", (checksum,))
    conn.execute("COMMIT")
    return ref
