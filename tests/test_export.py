"""Exports read back by the libraries reference managers use: every field comes back unchanged.

RIS through ``rispy``, BibTeX through ``bibtexparser`` (v2), CSL-JSON through ``json``, CSV
through ``csv``; on the bundled starter pack (real records, real store), on records with
LaTeX's special characters and odd Unicode (hypothesis), from the CLI and from the web app.
"""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import bibtexparser
import pytest
import rispy
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from evidex.records import Record, Section
from evidex.render import export as ex
from evidex.store import Store

from .test_cli import run


@pytest.fixture(scope="module")
def starter_db(tmp_path_factory) -> Path:
    from evidex.load import ingest_starter
    db = tmp_path_factory.mktemp("export") / "store.db"
    with Store(db) as store:
        assert ingest_starter(store, progress=False, embed=False).ok
    return db


@pytest.fixture(scope="module")
def starter_items(starter_db) -> list[ex.ExportItem]:
    with Store(starter_db) as store:
        ids = [r[0] for r in store.conn.execute("SELECT id FROM records ORDER BY rowid")]
        stored = store.get_many(ids)
    return [ex.item_of(stored[i], score=0.5) for i in ids]


def _check_ris(items: list[ex.ExportItem], text: str) -> None:
    back = rispy.loads(text)
    assert len(back) == len(items)
    for item, entry in zip(items, back):
        expected = ex.ris_entry(item)
        assert entry == expected
        assert ex.evidex_notes(entry.get("notes", [])) == {k: " ".join(v.split())
                                                           for k, v in item.evidex_fields().items()}
        r = item.record
        assert entry.get("accession_number") == (r.pmid or None) and entry.get("doi") == (r.doi or None)


def _check_bibtex(items: list[ex.ExportItem], text: str) -> None:
    library = bibtexparser.parse_string(text)
    assert not library.failed_blocks, [b.error for b in library.failed_blocks]
    assert len(library.entries) == len(items)
    assert len({e.key for e in library.entries}) == len(items)          # keys are unique
    for item, entry in zip(items, library.entries):
        got = {f.key: ex.bib_unescape(f.value) for f in entry.fields}
        assert got == ex.bib_fields(item)
        assert got.get("pmid", "") == (item.record.pmid or "") and got.get("design") == item.design


def _check_csljson(items: list[ex.ExportItem], text: str) -> None:
    back = json.loads(text)
    assert back == [ex.csl_entry(i) for i in items]
    for item, entry in zip(items, back):
        assert entry["id"] == item.record.id and entry.get("PMID", "") == (item.record.pmid or "")


def _check_csv(items: list[ex.ExportItem], text: str) -> None:
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert len(rows) == len(items)
    for item, row in zip(items, rows):
        want = ex.csv_row(item)
        assert {k: v[1:] if v != want[k] and v.startswith("'") else v for k, v in row.items()} == want
        assert row["design"] == item.design and row["n"] == ("" if item.n is None else str(item.n))


CHECKS = {"ris": _check_ris, "bibtex": _check_bibtex, "csljson": _check_csljson, "csv": _check_csv}


@pytest.mark.parametrize("fmt", ex.FORMATS)
def test_starter_pack_round_trips(starter_items, fmt):
    CHECKS[fmt](starter_items, ex.export(starter_items, fmt))


def test_formats_agree_with_the_cli_choices():
    from evidex.cli import EXPORT_FORMATS
    assert EXPORT_FORMATS == ex.FORMATS == tuple(ex.MEDIA_TYPES) == tuple(ex.EXTENSIONS)
    with pytest.raises(ValueError, match="unknown export format"):
        ex.export([], "endnote")


_text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=40)
_name = st.builds(lambda f, g: f"{f} {g}", st.from_regex(r"[A-Z][a-zà-ÿ'\-]{1,12}( [A-Z][a-z]{1,8})?", fullmatch=True),
                  st.from_regex(r"[A-Z]{1,3}", fullmatch=True))
_records = st.builds(
    lambda title, abstract, authors, year, pmid, journal, effect: (
        Record(id=f"pmid:{pmid}", title=title, sections=(Section("RESULTS", abstract),), pmid=str(pmid),
               doi=f"10.1000/x{pmid}", authors=tuple(authors), journal=journal, year=year, pages="E1-E9"),
        effect),
    title=_text.filter(str.strip), abstract=_text.filter(str.strip), authors=st.lists(_name, max_size=4),
    year=st.integers(1950, 2030), pmid=st.integers(1, 10**8), journal=_text, effect=_text)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_records, min_size=1, max_size=3))
@example([(Record(id="pmid:1", title="0", sections=(Section("RESULTS", "0"),), pmid="1", doi="10.1000/x1", year=1950,
                  pages="E1-E9"), " ")])       # a blank effect, which the libraries read back as none
def test_awkward_text_round_trips_through_every_library(pairs):
    items = [ex.ExportItem(r, "rct", 2, 120, ref=i + 1, effect=eff, population="adults {with} 50% & $x_1$ ~ ^ \\")
             for i, (r, eff) in enumerate(pairs)]
    for fmt in ex.FORMATS:
        CHECKS[fmt](items, ex.export(items, fmt))


def test_special_characters_are_escaped_for_bibtex():
    assert ex.bib_escape("50% & {x} $y_1$ #2 ~ ^ \\") == (
        r"50\% \& \{x\} \$y\_1\$ \#2 \textasciitilde{} \textasciicircum{} \textbackslash{}")
    assert ex.split_name("Abu Dabrh AM") == ("Abu Dabrh", "AM")
    assert ex.split_name("CRPS Study Group") == ("CRPS Study Group", "")


def test_csv_cells_that_a_spreadsheet_would_run_are_defused():
    rec = Record(id="x:1", title="=HYPERLINK(\"http://evil\")", authors=("@cmd A",))
    row = next(csv.DictReader(io.StringIO(ex.to_csv([ex.ExportItem(rec, "other", effect="-0.5")]))))
    assert row["title"].startswith("'=") and row["authors"].startswith("'@") and row["effect"] == "-0.5"


def test_answer_references_carry_their_evidence_table_row(starter_db):
    from evidex.synthesis import ask
    with Store(starter_db) as store:
        answer = ask(store, "Is low-dose naltrexone effective for fibromyalgia?", mode="lexical")
        items = ex.items_from_answer(answer, store.get_many([r.id for r in answer.references]))
    assert [i.ref for i in items] == [r.n for r in answer.references] and answer.evidence_table
    for row in answer.evidence_table:
        item = items[row.ref - 1]
        assert (item.population, item.intervention, item.outcome, item.effect) == (
            row.population, row.intervention, row.outcome, row.effect)
    rows = list(csv.DictReader(io.StringIO(ex.to_csv(items))))
    assert [r["ref"] for r in rows] == [str(i.ref) for i in items]


def test_cli_search_and_ask_export(tmp_path, starter_db):
    home = tmp_path
    proc = run(home, "search", "naltrexone fibromyalgia", "--lexical", "--format", "ris", "--db", starter_db)
    assert proc.returncode == 0, proc.stderr
    refs = rispy.loads(proc.stdout)
    assert refs and all(r["type_of_reference"] == "JOUR" and r["title"] for r in refs)
    assert any("evidex design: rct" in r.get("notes", []) for r in refs)
    proc = run(home, "ask", "Is low-dose naltrexone effective for fibromyalgia?", "--lexical",
               "--format", "bibtex", "--db", starter_db)
    assert proc.returncode == 0, proc.stderr
    lib = bibtexparser.parse_string(proc.stdout)
    assert lib.entries and not lib.failed_blocks
    assert any("evidencepopulation" in e.fields_dict for e in lib.entries)
    proc = run(home, "search", "naltrexone", "--format", "endnote", "--db", starter_db)
    assert proc.returncode == 1 and "endnote" in proc.stderr


def test_web_download_links(tmp_path_factory):
    httpx = pytest.importorskip("httpx")
    from .test_web_support import make_store, start_server
    server = start_server(make_store(tmp_path_factory.mktemp("web-export")))
    try:
        page = httpx.get(server.url + "/browse/condition/fibromyalgia", timeout=30).text
        assert "/export/browse/condition/fibromyalgia?format=ris" in page
        r = httpx.get(server.url + "/export/browse/condition/fibromyalgia", params={"format": "csljson"}, timeout=30)
        assert r.status_code == 200 and r.headers["content-type"].startswith("application/vnd.citationstyles.csl+json")
        assert 'attachment; filename="evidex-condition-fibromyalgia.json"' == r.headers["content-disposition"]
        assert len(r.json()) >= 3 and all(e["type"] == "article-journal" for e in r.json())
        q = "Is low-dose naltrexone effective for fibromyalgia?"
        page = httpx.get(server.url + "/ask", params={"q": q}, timeout=60).text
        assert "/export/ask?q=" in page and "format=bibtex" in page
        r = httpx.get(server.url + "/export/ask", params={"q": q, "format": "ris"}, timeout=60)
        assert r.status_code == 200 and rispy.loads(r.text)
        r = httpx.get(server.url + "/export/search", params={"q": "naltrexone", "format": "csv", "design": "rct"})
        assert r.status_code == 200 and {row["design"] for row in csv.DictReader(io.StringIO(r.text))} == {"rct"}
        assert httpx.get(server.url + "/export/search", params={"q": "x", "format": "doc"}).status_code == 422
        assert httpx.get(server.url + "/export/search", params={"q": " ", "format": "ris"}).status_code == 400
        assert httpx.get(server.url + "/export/browse/condition/nothing-here").status_code == 404
    finally:
        server.stop()
