"""The SQLite store and the ingest orchestration: idempotence, atomic batches, deletions, search."""
from __future__ import annotations

import re
import shutil
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

import evidex.load as load
from evidex.enrich import appraise
from evidex.ingest import iter_file
from evidex.load import IngestReport, ingest_items, ingest_paths, ingest_starter
from evidex.records import Problem, Record, Section
from evidex.fts5_reference import search_sql
from evidex.store import SCHEMA_VERSION, SearchFilter, Store, default_db_path

from .conftest import need_data

SAMPLE_604 = "titipata_medline16n0902_sample.xml"
TRUNCATED = "iAmGiG_pubmed_sample_TRUNCATED.xml"


def _unique_pmids(folder: Path) -> set[str]:
    """PMIDs of every complete citation in the folder, by regex (independent of the parser)."""
    out: set[str] = set()
    for path in folder.iterdir():
        raw = path.read_text(encoding="utf-8")
        arts = re.findall(r"<PubmedArticle>(.*?)</PubmedArticle>", raw, re.S) \
            or re.findall(r"<MedlineCitation\b[^>]*>(.*?)</MedlineCitation>", raw, re.S)
        out |= {re.search(r"<PMID[^>]*>(\d+)</PMID>", a).group(1) for a in arts}
    return out


def _ids(store: Store) -> set[str]:
    return {row[0] for row in store.conn.execute("SELECT id FROM records")}


def _rec(rid: str, title: str, body: str = "", year: int | None = 2020, pts: tuple[str, ...] = ()) -> Record:
    return Record(id=rid, title=title, sections=(Section("RESULTS", body),) if body else (),
                  year=year, publication_types=pts, source="test")


# -- ingest_paths over the real PubMed XML folder ------------------------------------

def test_ingest_all_pubmed_xml_is_idempotent(db_path):
    folder = need_data("pubmed_xml")
    files = sorted(folder.iterdir())
    expected = _unique_pmids(folder)
    with Store(db_path) as store:
        report = ingest_paths(store, files)
        assert report.files == len(files) == 11
        assert len(report.problems) == 1
        assert TRUNCATED in str(report.problems[0]) and re.search(r"line \d+", str(report.problems[0]))
        assert not report.ok
        assert store.count() == len(expected) == 625
        assert _ids(store) == {f"pmid:{p}" for p in expected}
        assert report.stats.added == 625 and report.stats.updated == 0
        checksum = store.checksum()

    with Store(db_path) as store:          # a fresh connection: everything was committed
        again = ingest_paths(store, files)
        assert again.stats.added == 0 and again.stats.updated == 0 and again.stats.deleted == 0
        assert again.files_skipped == 11      # every file was read to its end before
        assert again.records_read == 0        # nothing is parsed again...
        assert [str(p) for p in again.problems] == [str(p) for p in report.problems]  # ...bad input still reported
        assert store.checksum() == checksum
        assert store.count() == 625
        assert "0 added, 0 updated" in again.summary()


def test_same_content_under_another_name_is_skipped_and_force_rereads(tmp_path, db_path):
    src = need_data("pubmed_xml", "titipata_test_current_medline.xml")
    copy = tmp_path / "copy.xml"
    shutil.copy(src, copy)
    with Store(db_path) as store:
        first = ingest_paths(store, [src])
        assert first.stats.added == 4 and first.ok
        assert ingest_paths(store, [copy]).files_skipped == 1
        forced = ingest_paths(store, [copy], force=True)
        assert forced.files_skipped == 0 and forced.records_read == 4
        assert forced.stats.unchanged == 4 and forced.stats.added == forced.stats.updated == 0


def test_missing_path_is_a_problem_others_still_load(tmp_path, db_path):
    src = need_data("medline_text", "biopython_pubmed_result2.txt")
    with Store(db_path) as store:
        report = ingest_paths(store, [tmp_path / "nope.xml", src])
        assert store.count() == 4
    assert len(report.problems) == 1 and "nope.xml" in report.problems[0].source


def test_failed_batch_leaves_whole_batches_only(db_path, monkeypatch):
    path = need_data("pubmed_xml", SAMPLE_604)
    monkeypatch.setattr(load, "BATCH_SIZE", 100)
    calls = {"n": 0}
    real = load.appraise
    counts_after_write: list[int] = []
    real_write = Store.write_batch

    def failing_appraise(record):
        calls["n"] += 1
        if calls["n"] == 250:
            raise RuntimeError("appraisal blew up on record 250")
        return real(record)

    def counting_write(self, items, deletions=()):
        stats = real_write(self, items, deletions)
        counts_after_write.append(self.count())
        return stats

    monkeypatch.setattr(load, "appraise", failing_appraise)
    monkeypatch.setattr(Store, "write_batch", counting_write)
    with Store(db_path) as store:
        with pytest.raises(RuntimeError, match="record 250"):
            ingest_paths(store, [path])
        assert counts_after_write == [100, 200]
        assert store.count() == 200            # the third batch (records 201-250) wrote nothing
        assert not store.file_done(load.file_sha256(path))

    monkeypatch.setattr(load, "appraise", real)
    with Store(db_path) as store:               # a re-run picks up where it stopped
        report = ingest_paths(store, [path])
        assert report.files_skipped == 0 and report.ok
        assert report.stats.added == 404 and report.stats.unchanged == 200
        assert store.count() == 604


def test_write_batch_is_all_or_nothing(db_path):
    good = [_rec(f"t:{i}", f"Trial {i} of naltrexone", "Pain fell.") for i in range(3)]
    with Store(db_path) as store:
        store.write_batch([(r, appraise(r)) for r in good])
        before_count, before_sum = store.count(), store.checksum()
        new = [_rec("t:10", "Another trial"), _rec("t:11", "Broken one"), _rec("t:12", "Never written")]
        items = [(r, appraise(r)) for r in new]
        items[1] = (items[1][0], replace(items[1][1], design=None))     # violates NOT NULL
        with pytest.raises(sqlite3.IntegrityError):
            store.write_batch(items, deletions=["t:0"])
        assert store.count() == before_count and store.checksum() == before_sum
        assert store.has("t:0") and not store.has("t:10")
        assert store.search('"another"') == []          # outbox rows were rolled back too
        assert store.conn.execute("SELECT count(*) FROM index_log").fetchone()[0] == 0
        # The connection is still usable after the rollback.
        stats = store.write_batch([items[0]])
        assert stats.added == 1 and store.count() == before_count + 1
    with Store(db_path) as other:
        assert other.count() == before_count + 1


def test_update_replaces_lexical_doc_and_unchanged_is_skipped(db_path):
    rec = _rec("doi:10.1/x", "Naltrexone for quokkaphobia", "Symptoms improved.")
    with Store(db_path) as store:
        assert store.write_batch([(rec, appraise(rec))]).added == 1
        moved = replace(rec, source="elsewhere.jsonl")           # provenance only: not a change
        assert store.write_batch([(moved, appraise(moved))]).unchanged == 1
        changed = replace(rec, title="Naltrexone for wombatitis")
        stats = store.write_batch([(changed, appraise(changed))])
        assert (stats.added, stats.updated) == (0, 1)
        assert [h.record_id for h in store.search('"wombatitis"')] == ["doi:10.1/x"]
        assert store.search('"quokkaphobia"') == []
        assert store.get("doi:10.1/x").record.title == "Naltrexone for wombatitis"
        assert store.count() == 1
        rowid = store.conn.execute("SELECT rowid FROM records WHERE id = 'doi:10.1/x'").fetchone()[0]
        assert store.lexical.rowids() == [rowid]                 # replaced, not added beside


def test_delete_citation_removes_stored_record(tmp_path, db_path):
    big = need_data("pubmed_xml", SAMPLE_604)
    doomed = tmp_path / "doomed.xml"
    doomed.write_text(
        '<?xml version="1.0"?>\n<PubmedArticleSet><PubmedArticle><MedlineCitation>'
        '<PMID Version="1">26432306</PMID><Article><ArticleTitle>Zebrafinch citation to be withdrawn'
        '</ArticleTitle></Article></MedlineCitation></PubmedArticle></PubmedArticleSet>\n', encoding="utf-8")
    with Store(db_path) as store:
        ingest_paths(store, [doomed])
        assert store.has("pmid:26432306") and len(store.search('"zebrafinch"')) == 1
        report = ingest_paths(store, [big])
        assert report.stats.deleted == 1 and report.stats.added == 604
        assert not store.has("pmid:26432306")
        assert store.get("pmid:26432306") is None
        assert store.search('"zebrafinch"') == []
        assert store.count() == 604


def test_deletion_only_items(db_path):
    rec = _rec("pmid:1", "Something")
    with Store(db_path) as store:
        store.write_batch([(rec, appraise(rec))])
        report = IngestReport()
        ingest_items(store, [load.Deletion("pmid:1"), load.Deletion("pmid:999"),
                             Problem("x", "line 1", "bad")], report)
        assert report.stats.deleted == 1 and store.count() == 0
        assert [str(p) for p in report.problems] == ["x: line 1: bad"]


def test_duplicates_in_one_batch_last_wins(db_path):
    a1 = _rec("pmid:5", "First version")
    a2 = _rec("pmid:5", "Second version")
    with Store(db_path) as store:
        report = IngestReport()
        ingest_items(store, [a1, a2], report)
        assert report.records_read == 2 and report.stats.added == 1
        assert store.get("pmid:5").record.title == "Second version"


def test_stored_record_round_trips(db_path):
    path = need_data("ldn", "dev_corpus.jsonl")
    records = [r for r in iter_file(path) if isinstance(r, Record)]
    with Store(db_path) as store:
        ingest_paths(store, [path])
        got = store.get_many([r.id for r in records] + ["nope"])
        assert set(got) == {r.id for r in records}
        for r in records:
            stored = got[r.id]
            assert stored.record == r and stored.record.metadata == r.metadata
            assert stored.appraisal == appraise(r)
        assert sum(store.counts_by_design().values()) == len(records)
        assert store.counts_by_design()["rct"] == sum(appraise(r).design == "rct" for r in records)


def test_starter_pack_loads_once(db_path):
    with Store(db_path) as store:
        first = ingest_starter(store)
        assert first.ok and store.count() > 10
        assert ingest_starter(store).files_skipped == 1


# -- search ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def corpus_store(tmp_path_factory):
    path = need_data("ldn", "dev_corpus.jsonl")
    store = Store(tmp_path_factory.mktemp("corpus") / "evidex.db")
    assert ingest_paths(store, [path]).ok
    yield store
    store.close()


def _meta(store, hits):
    got = store.get_many([h.record_id for h in hits])
    return {h.record_id: (got[h.record_id].appraisal.design, got[h.record_id].record.year) for h in hits}


@pytest.mark.parametrize("filt", [
    SearchFilter(designs=("rct",)),
    SearchFilter(designs=("rct", "systematic_review")),
    SearchFilter(since=2020),
    SearchFilter(until=2012),
    SearchFilter(designs=("rct", "cohort"), since=2015, until=2023),
])
def test_search_filters(corpus_store, filt):
    everything = corpus_store.search('"naltrexone"', 100)
    meta = _meta(corpus_store, everything)
    assert len(everything) > 40

    def keep(rid):
        design, year = meta[rid]
        return ((not filt.designs or design in filt.designs)
                and (filt.since is None or (year is not None and year >= filt.since))
                and (filt.until is None or (year is not None and year <= filt.until)))

    filtered = corpus_store.search('"naltrexone"', 100, filt)
    assert [h.record_id for h in filtered] == [h.record_id for h in everything if keep(h.record_id)]
    assert 0 < len(filtered) < len(everything)


def test_search_ranks_by_score_and_limits(corpus_store):
    hits = corpus_store.search('"fibromyalgia"', 5)
    assert len(hits) == 5
    scores = [h.score for h in hits]
    assert scores == sorted(scores, reverse=True) and all(s > 0 for s in scores)
    assert corpus_store.search("", 5) == []
    # A title match outweighs (weight 2) and every hit contains the word.
    got = corpus_store.get_many([h.record_id for h in hits])
    assert all("fibromyalgia" in got[h.record_id].record.text().lower() for h in hits)


def test_search_sql_is_pure_and_parameterised():
    evil = "naltrexone'); DROP TABLE records; --"
    filt = SearchFilter(designs=("rct", "x' OR '1'='1"), since=2010, until=2020)
    sql, params = search_sql(evil, 7, filt)
    assert search_sql(evil, 7, filt) == (sql, params)             # pure: same in, same out
    assert evil not in sql and "DROP" not in sql and "OR '1'" not in sql and "2010" not in sql
    assert sql.count("?") == len(params)
    assert params == [evil, "rct", "x' OR '1'='1", 2010, 2020, 7]
    bare_sql, bare_params = search_sql("pain", 3, SearchFilter())
    assert bare_params == ["pain", 3] and "design" not in bare_sql and "year" not in bare_sql


def test_search_with_hostile_filter_values_is_harmless(corpus_store):
    before = corpus_store.count()
    hits = corpus_store.search('"naltrexone"', 10, SearchFilter(designs=("rct' OR 1=1 --",)))
    assert hits == []
    assert corpus_store.count() == before


def test_default_db_path(monkeypatch, tmp_path):
    monkeypatch.setenv("EVIDEX_DB", str(tmp_path / "x.db"))
    assert default_db_path() == tmp_path / "x.db"
    monkeypatch.delenv("EVIDEX_DB")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert default_db_path() == tmp_path / "data" / "evidex" / "evidex.db"


def test_store_uses_wal_and_schema_version(db_path):
    with Store(db_path) as store:
        assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert store.conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()[0] == SCHEMA_VERSION == "2"


def test_unfiltered_search_agrees_with_the_filtered_path(corpus_store):
    """A vacuous filter changes nothing (tantivy), and the FTS5 reference's two SQL shapes
    (rank in FTS5 then join; join then rank) are what it says."""
    match = '"naltrexone" OR "pain" OR "patients" OR "trial"'
    fast = corpus_store.search(match, 15)
    joined = corpus_store.search(match, 15, SearchFilter(since=0))        # vacuous filter: the join path
    assert "LIMIT ?) s" in search_sql(match, 15, SearchFilter())[0]
    assert "LIMIT ?) s" not in search_sql(match, 15, SearchFilter(since=0))[0]
    assert [h.record_id for h in fast] == [h.record_id for h in joined]
    assert [round(h.score, 9) for h in fast] == [round(h.score, 9) for h in joined]
