"""Upgrading a store written by schema 1 (a plain ``records`` table and FTS5 tables) in place.

Schema 2 keeps the same rows, rowids included (the vector index is keyed by them), with the
record and appraisal JSON compressed in ``record_data`` and no FTS5 copy of the text: the
lexical index moves to tantivy, rebuilt from the records through the outbox (every record
is logged once; the store's opener applies the log with a progress bar). One transaction:
a crash leaves the old store as it was, and the next open upgrades it again. The file is
vacuumed afterwards so that it shrinks on disk.
"""
from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .store import Store

CHUNK = 2000


def is_v1(conn) -> bool:
    row = conn.execute("SELECT type FROM sqlite_master WHERE name = 'records'").fetchone()
    return row is not None and row[0] == "table"


def upgrade_v1(store: "Store") -> bool:
    """Upgrade ``store`` if it has the schema-1 layout; True if it did."""
    from tqdm import tqdm

    from .packing import SCHEMA as PACKING_SCHEMA
    from .packing import TRAIN_MAX, TRAIN_MIN, Packer
    from .store import _SCHEMA, SCHEMA_VERSION
    conn = store.conn
    if not is_v1(conn):
        return False
    conn.execute("BEGIN IMMEDIATE")
    try:
        if not is_v1(conn):          # another process upgraded it while this one waited
            conn.execute("COMMIT")
            return False
        conn.execute(PACKING_SCHEMA)
        store.packer = packer = Packer(conn)
        statements = [s for s in _SCHEMA.split(";\n") if s.strip() and "CREATE VIEW" not in s]
        for stmt in statements:
            conn.execute(stmt)
        total = conn.execute("SELECT count(*) FROM records").fetchone()[0]
        if not packer.trained:
            sample = conn.execute("SELECT record, appraisal FROM records ORDER BY rowid LIMIT ?", (TRAIN_MAX,)).fetchall()
            if len(sample) >= TRAIN_MIN:
                cur = conn.cursor()
                packer.train(cur, [_untitled(r).encode() for r, _ in sample] + [a.encode() for _, a in sample])
        bar = tqdm(total=total, unit=" rec", desc="upgrade store (schema 2)", disable=not sys.stderr.isatty(),
                   mininterval=0.5)
        last = 0
        while True:
            rows = conn.execute("SELECT rowid, id, hash, title, design, level, year, record, appraisal, source "
                                "FROM records WHERE rowid > ? ORDER BY rowid LIMIT ?", (last, CHUNK)).fetchall()
            if not rows:
                break
            conn.executemany("INSERT INTO record_data (rowid, id, hash, title, design, level, year, record, "
                             "appraisal, source) VALUES (?,?,?,?,?,?,?,?,?,?)",
                             [(*r[:7], packer.pack(_untitled(r[7])), packer.pack(r[8]), r[9]) for r in rows])
            last = rows[-1][0]
            bar.update(len(rows))
        bar.close()
        for table in ("record_fts_terms", "record_fts", "records"):
            conn.execute(f"DROP TABLE IF EXISTS {table}")
        view = next(s for s in _SCHEMA.split(";\n") if "CREATE VIEW" in s)
        conn.execute(view)
        conn.execute("INSERT INTO index_log (id, op) SELECT id, 'put' FROM record_data ORDER BY rowid")
        conn.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", (SCHEMA_VERSION,))
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("VACUUM")
    return True


def _untitled(record_json: str) -> str:
    data = json.loads(record_json)
    data.pop("title", None)
    return json.dumps(data, ensure_ascii=False)
