"""CSV tables (PubMed's CSV export, cohen2006), and refusing files that are no known format."""
from __future__ import annotations

import csv
import gzip
from pathlib import Path

import pytest

from evidex.enrich.roles import sentence_roles
from evidex.enrich.split import sentences
from evidex.ingest import csv_table, detect_format, iter_file
from evidex.load import ingest_paths
from evidex.records import Problem, Record, Section
from evidex.store import Store

from .conftest import need_data
from .test_cli import run

# The columns of PubMed's "Save -> CSV" export, in its order.
PUBMED_HEADER = ["PMID", "Title", "Authors", "Citation", "First Author", "Journal/Book",
                 "Publication Year", "Create Date", "PMCID", "NIHMS ID", "DOI"]
PUBMED_ROWS = [
    ["23359310", "Low-dose naltrexone for the treatment of fibromyalgia: findings of a small, "
     "randomized, double-blind, placebo-controlled, counterbalanced, crossover trial assessing "
     "daily pain levels.", "Younger J, Noor N, McCue R, Mackey S.",
     "Arthritis Rheum. 2013 Feb;65(2):529-38. doi: 10.1002/art.37734.", "Younger J",
     "Arthritis Rheum", "2013", "2013/01/29", "PMC4080553", "NIHMS564112", "10.1002/ART.37734"],
    ["19453963", "Fibromyalgia symptoms are reduced by low-dose naltrexone: a pilot study.",
     "Younger J, Mackey S.", "Pain Med. 2009 May-Jun;10(4):663-72. doi: 10.1111/j.1526-4637.2009.00613.x. "
     "Epub 2009 May 8.", "Younger J", "Pain Med", "2009", "2009/05/21", "PMC2891387", "NIHMS199425",
     "10.1111/j.1526-4637.2009.00613.x"],
]


def _split(items):
    return ([i for i in items if isinstance(i, Record)], [i for i in items if isinstance(i, Problem)])


def _write(path: Path, header: list[str], rows: list[list[str]], encoding: str = "utf-8") -> Path:
    with open(path, "w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _ids(store: Store) -> set[str]:
    return {row[0] for row in store.conn.execute("SELECT id FROM records")}


# -- PubMed's CSV export ---------------------------------------------------------------

def test_pubmed_csv_export_ingests_with_all_fields(tmp_path, db_path):
    path = _write(tmp_path / "csv-naltrexone-set.csv", PUBMED_HEADER, PUBMED_ROWS, encoding="utf-8-sig")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")          # PubMed writes a BOM
    assert detect_format(path) == "csv"
    recs, probs = _split(list(iter_file(path)))
    assert not probs
    first, second = recs
    assert first.id == "pmid:23359310" and first.pmid == "23359310"
    assert first.title.startswith("Low-dose naltrexone for the treatment of fibromyalgia")
    assert first.authors == ("Younger J", "Noor N", "McCue R", "Mackey S")
    assert (first.journal, first.year, first.doi) == ("Arthritis Rheum", 2013, "10.1002/art.37734")
    assert (first.volume, first.issue, first.pages) == ("65", "2", "529-38")
    assert first.url == "https://pubmed.ncbi.nlm.nih.gov/23359310/"
    assert first.source == str(path) and first.sections == ()
    assert (second.volume, second.issue, second.pages, second.year) == ("10", "4", "663-72", 2009)
    assert second.authors == ("Younger J", "Mackey S")
    with Store(db_path) as store:
        report = ingest_paths(store, [path], embed=False)
        assert report.ok and report.stats.added == 2
        assert store.get("pmid:19453963").record.doi == "10.1111/j.1526-4637.2009.00613.x"


def test_generic_table_with_abstracts_mesh_and_no_pmids(tmp_path):
    path = _write(tmp_path / "screening.csv",
                  ["Title", "Abstract", "Author", "Year", "Journal", "MeSH Terms", "Keywords", "DOI"],
                  [["LDN in Crohn disease", "BACKGROUND: Small trials exist. RESULTS: 67% responded.",
                    "Smith, J A; U de Faire", "2007.0", "Am J Gastroenterol",
                    "Crohn Disease; Naltrexone; Humans", "opioid antagonist; IBD", "doi:10.1/X"],
                   ["", "Only an abstract here.", "", "", "", "", "", ""]])
    (a, b), probs = _split(list(iter_file(path)))
    assert not probs
    assert a.sections == (Section("BACKGROUND", "Small trials exist."), Section("RESULTS", "67% responded."))
    assert a.authors == ("Smith JA", "de Faire U") and a.year == 2007
    assert a.mesh_terms == ("Crohn Disease", "Naltrexone", "Humans")
    assert a.keywords == ("opioid antagonist", "IBD")
    assert a.doi == "10.1/x" and a.url == "https://doi.org/10.1/x" and a.pmid is None
    assert a.id.startswith("sha:") and b.id.startswith("sha:") and a.id != b.id
    assert b.title == "" and b.sections == (Section("", "Only an abstract here."),)


def test_tab_separated_and_gzipped_and_sniffed(tmp_path):
    body = "pmid\ttitle\tabstract\n111\tA tab title\tAn abstract, with a comma.\n"
    tsv = tmp_path / "set.tsv"
    tsv.write_text(body, encoding="utf-8")
    gz = tmp_path / "set.csv.gz"
    gz.write_bytes(gzip.compress(b"pmid,title\n222,A gzipped title\n"))
    bare = tmp_path / "export"          # no suffix: the header gives it away
    bare.write_text("PMID,Title,Authors\n333,A sniffed title,Doe J\n", encoding="utf-8")
    got = {}
    for path in (tsv, gz, bare):
        assert detect_format(path) == "csv"
        (rec,), probs = _split(list(iter_file(path)))
        assert not probs
        got[rec.id] = rec
    assert got["pmid:111"].sections == (Section("", "An abstract, with a comma."),)
    assert got["pmid:222"].title == "A gzipped title"
    assert got["pmid:333"].authors == ("Doe J",)


# -- cohen2006 -------------------------------------------------------------------------

def _cohen_rows(path: Path) -> list[dict[str, str]]:
    csv.field_size_limit(1 << 26)
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_cohen2006_file_ingests_unique_pmids(db_path):
    path = need_data("cohen2006", "Opiods.csv")
    rows = _cohen_rows(path)
    expected = {r["pubmedID"] for r in rows if r["title"].strip() or r["abstract"].strip()}
    with Store(db_path) as store:
        report = ingest_paths(store, [path], embed=False)
        assert report.ok, report.problems[:3]
        assert store.count() == len(expected) == 1915
        assert _ids(store) == {f"pmid:{p}" for p in expected}
        # The first row: title, authors in MEDLINE form, MeSH from 'keywords', abstract.
        first = rows[0]
        rec = store.get(f"pmid:{first['pubmedID']}").record
    assert rec.title == first["title"].strip()
    assert rec.authors[:2] == ("Carr AS", "Fear DW")
    assert rec.mesh_terms == tuple(k.strip() for k in first["keywords"].split(";"))
    assert "Bupivacaine" in rec.mesh_terms and rec.keywords == ()
    assert rec.text().startswith(rec.title + "\n\n")
    assert rec.sections and rec.sections[0].text.startswith(first["abstract"][:60])


def test_cohen2006_structured_abstract_joins_become_unlabelled_sections():
    path = need_data("cohen2006", "BetaBlockers.csv")
    rows = {r["pubmedID"]: r for r in _cohen_rows(path)}
    raw = rows["10030325"]["abstract"]
    assert "hypertension.; CAPPP" in raw                   # how cohen2006 joins sections
    rec = {r.id: r for r in iter_file(path) if isinstance(r, Record)}["pmid:10030325"]
    assert [s.label for s in rec.sections] == [""] * raw.count(".; ") + [""]
    assert rec.sections[0].text.endswith("hypertension.") and rec.sections[1].text.startswith("CAPPP was a prospective")
    assert ".;" not in rec.text()
    # one role per part: the aims, the design, the results and the conclusions each read whole
    roles = sentence_roles(rec)
    spans = [len(sentences(s.text)) for s in rec.sections]
    starts = [sum(spans[:i]) for i in range(len(spans))]
    assert all(len(set(roles[a:a + n])) == 1 for a, n in zip(starts, spans))
    assert roles[0] in ("background", "objective") and roles[-1] == "conclusions" and "results" in roles


def test_the_ace_inhibitor_set_joins_parts_with_a_space_and_keeps_one_section():
    path = need_data("cohen2006", "ACEInhibitors_online.csv")
    rec = {r.id: r for r in iter_file(path) if isinstance(r, Record)}["pmid:10030325"]
    assert len(rec.sections) == 1 and "hypertension. CAPPP was a prospective" in rec.text()


def test_cohen2006_folder_no_duplicates_and_rerun_changes_nothing(tmp_path, db_path):
    folder = need_data("cohen2006")
    files = sorted(folder.glob("*.csv"))
    pmids: set[str] = set()
    empty: list[tuple[str, str]] = []
    for f in files:
        for r in _cohen_rows(f):
            if r["title"].strip() or r["abstract"].strip():
                pmids.add(r["pubmedID"])
            else:
                empty.append((f.name, r["pubmedID"]))
    with Store(db_path) as store:
        first = ingest_paths(store, files, embed=False)
        assert store.count() == len(pmids) == 13915          # 15,268 rows, one record per PMID
        assert _ids(store) == {f"pmid:{p}" for p in pmids}
        # Only the rows that carry nothing but a PMID are problems, each named by file and line.
        assert len(first.problems) == len(empty) == 26
        assert all("ACEInhibitors_online.csv" in p.source and p.where.startswith("line ")
                   and "neither title nor abstract" in p.message for p in first.problems)
        checksum = store.checksum()
        again = ingest_paths(store, files, embed=False)
        assert again.files_skipped == len(files) and again.records_read == 0
        assert (again.stats.added, again.stats.updated) == (0, 0)
        assert len(again.problems) == 26                     # bad input is reported again
        assert store.checksum() == checksum and store.count() == 13915


# -- bad rows --------------------------------------------------------------------------

def test_bad_rows_are_named_by_line_and_the_rest_land(tmp_path, db_path):
    path = tmp_path / "mixed.csv"
    path.write_bytes(
        b"pmid,title,abstract,year\n"                                    # line 1
        b"1001,Good one,Plain abstract.,2001\n"                          # 2
        b"1002,Too few fields\n"                                         # 3
        b"abc,Bad PMID,x,2002\n"                                         # 4
        b"1004,Bad year,x,last spring\n"                                 # 5
        b'1005,"Multi-line\ntitle",An abstract over\n'                   # 6-7: 3 fields
        b"1006,,,2003\n"                                                 # 8: no text
        b'1007,"Broken "quote" here,x,2004\n'                            # 9
        b"1008,Latin-1 \xe9 byte,x,2005\n"                               # 10
        b"\n"                                                            # 11 (blank: skipped)
        b'1009,"Good, with a\nnewline inside",abstract,2006\n'           # 12-13
        b"1010,Last good,abstract,2007.0\n")                             # 14
    recs, probs = _split(list(iter_file(path)))
    assert [r.id for r in recs] == ["pmid:1001", "pmid:1009", "pmid:1010"]
    assert recs[1].title == "Good, with a newline inside" and recs[2].year == 2007
    by_line = {int(p.where.split()[1]): p for p in probs}
    assert sorted(by_line) == [3, 4, 5, 6, 8, 9, 10]
    assert all(p.source == str(path) for p in probs)
    assert "2 field(s), the header has 4" in by_line[3].message
    assert "'abc' is not a number" in by_line[4].message
    assert "'last spring' is not a year" in by_line[5].message and "PMID 1004" in by_line[5].where
    assert "3 field(s)" in by_line[6].message
    assert "neither title nor abstract" in by_line[8].message
    assert "malformed CSV row" in by_line[9].message
    assert "not valid UTF-8" in by_line[10].message
    with Store(db_path) as store:
        report = ingest_paths(store, [path], embed=False)
        assert store.count() == 3 and not report.ok and len(report.problems) == 7


def test_encodings_utf16_excel_and_cp1252(tmp_path):
    utf16 = tmp_path / "excel-unicode.csv"
    utf16.write_text("PMID\tTitle\tAuthors\n444\tÉtude de la naltrexone\tMüller K\n", encoding="utf-16")
    (rec,), probs = _split(list(iter_file(utf16)))
    assert not probs and rec.title == "Étude de la naltrexone" and rec.authors == ("Müller K",)
    cp1252 = tmp_path / "windows.csv"
    cp1252.write_bytes("pmid,title\n1,Plain ASCII\n2,Étude\n3,More ASCII\n".encode("cp1252"))
    recs, probs = _split(list(iter_file(cp1252)))     # reported, never a traceback
    assert [r.id for r in recs] == ["pmid:1", "pmid:3"]
    assert [(p.where, "not valid UTF-8" in p.message) for p in probs] == [("line 3", True)]


def test_unclosed_quote_and_huge_field_are_problems(tmp_path, monkeypatch):
    path = tmp_path / "unclosed.csv"
    path.write_text('pmid,title\n1,Fine\n2,"never closed\n3,swallowed\n', encoding="utf-8")
    recs, probs = _split(list(iter_file(path)))
    assert [r.id for r in recs] == ["pmid:1"]
    assert len(probs) == 1 and probs[0].where == "line 3" and "never closed" in probs[0].message
    monkeypatch.setattr(csv_table, "FIELD_LIMIT", 1000)
    limit = csv.field_size_limit()
    try:
        csv.field_size_limit(1000)
        big = tmp_path / "big.csv"
        big.write_text("pmid,title\n1," + "x" * 5000 + "\n2,Small\n", encoding="utf-8")
        recs, probs = _split(list(iter_file(big)))
    finally:
        csv.field_size_limit(limit)
    assert [r.id for r in recs] == ["pmid:2"]
    assert probs[0].where == "line 2" and "field larger than field limit" in probs[0].message


def test_field_limit_is_raised_but_bounded(tmp_path):
    limit = csv.field_size_limit()
    try:
        csv.field_size_limit(131072)
        path = tmp_path / "long.csv"
        path.write_text("pmid,abstract\n7," + "word " * 60000 + "\n", encoding="utf-8")   # 300 kB cell
        (rec,), _ = _split(list(iter_file(path)))
        assert len(rec.sections[0].text) > 131072
        assert csv.field_size_limit() == csv_table.FIELD_LIMIT   # raised, to a bounded size
    finally:
        csv.field_size_limit(limit)


# -- unrecognised input: exit 2, named --------------------------------------------------

def test_unrecognised_csv_header_exits_2_naming_the_file(tmp_path, db_path):
    path = tmp_path / "inventory.csv"
    path.write_text("sku,name,price\n1,widget,3.50\n", encoding="utf-8")
    (prob,) = list(iter_file(path))
    assert isinstance(prob, Problem) and prob.source == str(path)
    assert "'sku'" in prob.message and "title" in prob.message and "pmid" in prob.message
    pmids_only = tmp_path / "pmids.csv"
    pmids_only.write_text("PMID\n123\n456\n", encoding="utf-8")
    home = tmp_path / "home"
    proc = run(home, "ingest", path, pmids_only, "--db", db_path, "-q", "--no-embed")
    assert proc.returncode == 2, proc.stderr
    assert f"error: {path}: line 1: CSV header not recognised" in proc.stderr
    assert f"error: {pmids_only}: line 1: CSV header not recognised" in proc.stderr
    assert "0 added" in proc.stderr


@pytest.mark.parametrize("name, content", [
    ("paper.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"),
    ("blob.bin", bytes(range(256)) * 4),
    ("sheet.xlsx", b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00"),
    ("notes.txt", b"text with a NUL \x00 byte inside"),
])
def test_binary_or_unknown_file_is_refused_by_name(tmp_path, db_path, name, content):
    path = tmp_path / name
    path.write_bytes(content)
    assert detect_format(path) == "unknown"
    (prob,) = list(iter_file(path))
    assert isinstance(prob, Problem) and prob.source == str(path)
    assert "not a recognised format" in prob.message
    proc = run(tmp_path / "home", "ingest", path, "--db", db_path, "-q", "--no-embed")
    assert proc.returncode == 2 and f"error: {path}: not a recognised format" in proc.stderr
    with Store(db_path) as store:
        assert store.count() == 0


def test_cli_ingest_csv_folder_exits_0_and_rerun_changes_nothing(tmp_path, db_path):
    folder = tmp_path / "exports"
    folder.mkdir()
    _write(folder / "a.csv", PUBMED_HEADER, PUBMED_ROWS)
    _write(folder / "b.csv", PUBMED_HEADER, PUBMED_ROWS[:1])        # the same PMID twice
    (folder / "readme.md").write_text("# Exports\n\nPubMed searches of 2024.\n", encoding="utf-8")
    home = tmp_path / "home"
    first = run(home, "ingest", folder, "--db", db_path, "-q", "--no-embed")
    assert first.returncode == 0, first.stderr
    assert "3 added" in first.stderr and "1 unchanged" in first.stderr   # 2 citations + the readme
    with Store(db_path) as store:
        checksum = store.checksum()
    second = run(home, "ingest", folder, "--db", db_path, "-q", "--no-embed", "--force")
    assert second.returncode == 0 and "0 added, 0 updated" in second.stderr
    with Store(db_path) as store:
        assert store.checksum() == checksum and store.count() == 3


def test_a_join_inside_brackets_or_before_a_lower_case_word_is_no_part(tmp_path):
    """cohen2006 writes "; " after a full stop inside a sentence too ("(5 mg o.d.; n = 51)"): a part
    starts only outside brackets and as a sentence starts."""
    path = tmp_path / "set.csv"
    path.write_text("pubmedID,title,abstract\n"
                    '1,A trial,"To compare A with B.; Patients took A (5 mg o.d.; n = 51) or B.; '
                    'A lowered pressure more.; cardiac events were rare.; A is better."\n', encoding="utf-8")
    rec = next(r for r in iter_file(path) if isinstance(r, Record))
    assert [s.text for s in rec.sections] == ["To compare A with B.", "Patients took A (5 mg o.d. n = 51) or B.",
                                             "A lowered pressure more. cardiac events were rare.", "A is better."]
    assert ";" not in rec.text()
