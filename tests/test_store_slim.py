"""The slim store (schema 2): compressed JSON behind the ``records`` view, no FTS5 copy of the
text, a dictionary trained on the store's own records, <= 2 KB per MEDLINE citation; and a
store written by schema 1 upgrades itself in place, losing nothing."""
from __future__ import annotations

import json
import sqlite3

import zstandard

from evidex.enrich import appraise
from evidex.load import ingest_paths, starter_path
from evidex.packing import TRAIN_MIN
from evidex.records import Record, Section
from evidex.store import SCHEMA_VERSION, Store

from .conftest import need_data

# The schema-1 layout, as evidex wrote it before the lexical index moved to tantivy.
V1_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE records (rowid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, hash TEXT NOT NULL,
    title TEXT NOT NULL, design TEXT NOT NULL, level INTEGER NOT NULL, year INTEGER, record TEXT NOT NULL,
    appraisal TEXT NOT NULL, source TEXT NOT NULL DEFAULT '');
CREATE INDEX records_design ON records(design);
CREATE INDEX records_year ON records(year);
CREATE TABLE files (path TEXT NOT NULL, sha256 TEXT NOT NULL PRIMARY KEY, records INTEGER NOT NULL,
    problems TEXT NOT NULL DEFAULT '[]', finished_at TEXT NOT NULL DEFAULT (datetime('now')));
CREATE VIRTUAL TABLE record_fts USING fts5(title, body, tokenize = 'porter unicode61 remove_diacritics 2');
CREATE VIRTUAL TABLE record_fts_terms USING fts5vocab(record_fts, row);
INSERT INTO meta VALUES ('schema_version', '1');
"""


def _starter_records() -> list[Record]:
    from evidex.ingest.jsonl import parse_file
    with starter_path() as path:
        return [r for r in parse_file(path) if isinstance(r, Record)]


def _v1_store(path, records: list[Record]) -> None:
    conn = sqlite3.connect(path)
    conn.executescript(V1_SCHEMA)
    for i, r in enumerate(records, 1):
        a = appraise(r)
        conn.execute("INSERT INTO records VALUES (?,?,?,?,?,?,?,?,?,?)",
                     (i * 3, r.id, r.content_hash(), r.title, a.design, a.level, r.year,
                      json.dumps(r.to_json(), ensure_ascii=False), json.dumps(a.to_json(), ensure_ascii=False),
                      r.source))
        conn.execute("INSERT INTO record_fts (rowid, title, body) VALUES (?,?,?)",
                     (i * 3, r.title, "\n".join(s.text for s in r.sections)))
    conn.execute("INSERT INTO files (path, sha256, records) VALUES ('starter.jsonl', 'abc', ?)", (len(records),))
    conn.commit()
    conn.close()


def test_a_schema_1_store_upgrades_in_place_and_loses_nothing(tmp_path):
    records = _starter_records()
    db = tmp_path / "old.db"
    _v1_store(db, records)
    old = sqlite3.connect(db)
    before_rows = old.execute("SELECT rowid, id, hash, title, design, level, year, record, appraisal, source "
                              "FROM records ORDER BY rowid").fetchall()
    old.close()
    with Store(db) as store:
        conn = store.conn
        assert conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()[0] == SCHEMA_VERSION == "2"
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        assert "record_fts" not in names and "record_fts_terms" not in names
        assert conn.execute("SELECT type FROM sqlite_master WHERE name='records'").fetchone()[0] == "view"
        after = conn.execute("SELECT rowid, id, hash, title, design, level, year, record, appraisal, source "
                             "FROM records ORDER BY rowid").fetchall()
        assert [r[:7] + r[9:] for r in after] == [r[:7] + r[9:] for r in before_rows]      # rowids kept
        assert [(json.loads(a[7]), json.loads(a[8])) for a in after] == \
            [(json.loads(b[7]), json.loads(b[8])) for b in before_rows]
        assert store.get(records[0].id).record == records[0]
        assert conn.execute("SELECT count(*) FROM files").fetchone()[0] == 1
        # The lexical index was built from the records on open: every record, once.
        assert store.lexical.rowids() == [r[0] for r in before_rows]
        assert conn.execute("SELECT count(*) FROM index_log").fetchone()[0] == 0
        assert {h.record_id for h in store.search('"naltrexone"', 100)} == \
            {r.id for r in records if "naltrexone" in r.text().lower()}
    with Store(db) as again:                       # idempotent: a second open changes nothing
        assert again.count() == len(records)


def test_records_are_packed_with_a_trained_dictionary_and_read_back(db_path):
    few = [Record(id=f"f:{i}", title=f"Early trial {i}", sections=(Section("", "Pain fell."),), year=2001)
           for i in range(3)]
    many = [Record(id=f"m:{i}", title=f"Trial {i} of drug {i % 7}",
                   sections=(Section("METHODS", f"We randomised {i} adults."), Section("RESULTS", "Pain fell.")),
                   year=2000 + i % 20, authors=("Doe J", "Roe R")) for i in range(TRAIN_MIN + 20)]
    with Store(db_path) as store:
        store.write_batch([(r, appraise(r)) for r in few])           # too few to train on: plain zstd
        assert store.conn.execute("SELECT count(*) FROM zstd_dicts").fetchone()[0] == 0
        store.write_batch([(r, appraise(r)) for r in many])
        (dict_id,) = store.conn.execute("SELECT dict_id FROM zstd_dicts").fetchone()
        frames = {rid: zstandard.get_frame_parameters(blob).dict_id
                  for rid, blob in store.conn.execute("SELECT id, record FROM record_data")}
        assert frames["f:0"] == 0 and frames["m:0"] == dict_id != 0
        stored = store.get_many([r.id for r in few + many])
        assert [stored[r.id].record for r in few + many] == few + many
        text = store.conn.execute("SELECT record FROM records WHERE id = 'm:5'").fetchone()[0]
        assert json.loads(text) == many[5].to_json()
        raw = store.conn.execute("SELECT length(record) FROM record_data WHERE id = 'm:5'").fetchone()[0]
        assert raw < len(text.encode()) / 2


def test_medline_citations_take_at_most_2_kb_each(tmp_path):
    """The goal of issue 10 for the store file (the lexical index is a separate folder)."""
    sample = need_data("pubmed_xml", "titipata_medline16n0902_sample.xml")
    db = tmp_path / "medline.db"
    with Store(db) as store:
        report = ingest_paths(store, [sample], embed=False)
        assert report.stats.added == store.count() == 604
        store.conn.execute("VACUUM")
        per_record = db.stat().st_size / store.count()
        assert per_record <= 2048, per_record
        rec = store.get("pmid:" + store.conn.execute("SELECT substr(id, 6) FROM records LIMIT 1").fetchone()[0])
        assert rec.record.title and rec.record.sections and rec.record.authors
