"""Property tests for every parser (issue 11): hostile bytes are Problems, valid records round-trip.

1. Arbitrary bytes, plain and gzipped, under each format's file name: reading yields only
   ``Record``, ``Problem`` or ``Deletion`` and raises nothing; every ``Record`` can be hashed,
   serialised and stored.
2. Real files from ``../shared/data`` (MEDLINE XML, MEDLINE text, JSONL, CSV; an HTML page
   built from a real record), mutated — bytes cut, inserted, flipped, hostile tokens spliced
   in, truncated, gzipped and cut — go through ``ingest_paths`` into a real SQLite store:
   nothing raises and every problem is printable.
3. Valid records, generated, written in each format and read back are equal to what was
   written (exact), and survive the store unchanged.
4. A corpus of hostile inputs (billion laughs, external entities, 100,000-deep nesting, a
   gzip bomb), generated here, never committed.

Sizes: ``EVIDEX_FUZZ_EXAMPLES`` (default 30) examples per property keeps this file to a few
tens of seconds on CI; set it to a few thousand for a long local run.
"""
from __future__ import annotations

import csv
import gzip
import io
import json
import os
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from evidex.enrich import appraise
from evidex.ingest import Deletion, csv_table, iter_file, jsonl, medline_text, medline_xml, web
from evidex.ingest.schema import YEAR_MAX, YEAR_MIN
from evidex.load import ingest_paths
from evidex.records import Comment, Problem, Record, Section
from evidex.store import Store

from .conftest import DATA

EXAMPLES = int(os.environ.get("EVIDEX_FUZZ_EXAMPLES", "30"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=EXAMPLES <= 100,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.function_scoped_fixture])

SUFFIXES = [".xml", ".nbib", ".jsonl", ".html", ".csv", ".txt", "", ".xml.gz", ".jsonl.gz", ".csv.gz"]


def _check(items) -> list[Record]:
    """Every item is a Record, Problem or Deletion; records are storable, problems printable."""
    records = []
    for item in items:
        assert isinstance(item, (Record, Problem, Deletion)), item
        if isinstance(item, Problem):
            assert item.message and str(item).encode("utf-8")
        elif isinstance(item, Record):
            assert item.id.strip()
            assert item.year is None or YEAR_MIN <= item.year <= YEAR_MAX
            item.content_hash()
            json.dumps(item.to_json(), ensure_ascii=False).encode("utf-8")
            records.append(item)
    return records


@pytest.fixture(scope="module")
def scratch(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


@pytest.fixture(scope="module")
def store(scratch):
    with Store(scratch / "fuzz.db") as s:
        yield s


# -- 1. arbitrary bytes ----------------------------------------------------------------

@FUZZ
@given(data=st.binary(max_size=4096), suffix=st.sampled_from(SUFFIXES))
def test_arbitrary_bytes_under_any_name_are_read_without_raising(scratch, data, suffix):
    path = scratch / f"any{suffix}"
    path.write_bytes(gzip.compress(data) if suffix.endswith(".gz") else data)
    _check(iter_file(path))


@FUZZ
@given(data=st.binary(max_size=4096))
def test_medline_xml_stream_of_any_bytes(data):
    _check(medline_xml.parse_stream(io.BytesIO(data), "fuzz.xml"))


@FUZZ
@given(text=st.text(max_size=2000))
def test_text_parsers_on_any_text(text):
    _check(medline_text.parse_lines(io.StringIO(text), "fuzz.nbib"))
    _check(csv_table.parse_rows(io.StringIO(text, newline=""), "fuzz.csv"))
    for n, line in enumerate(text.splitlines() or [text], start=1):
        _check([jsonl.parse_line(line, "fuzz.jsonl", n)])
    _check([web.parse_text(text, "fuzz.txt")])


@FUZZ
@given(text=st.text(max_size=1000), tags=st.lists(st.sampled_from(
    ["<html>", "<body>", "<p>", "</p>", "<h1>", "<article>", "<script>", "<!--", "-->", "<title>",
     "<meta name='date' content='99999-01-01'>", "<div class='comments'>", "&amp;", "&#0;"]), max_size=12))
def test_html_parser_on_any_markup(text, tags):
    _check([web.parse_html("".join(tags) + text, "fuzz.html")])


@FUZZ
@given(value=st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
                          lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                                      max_size=4),
                          max_leaves=20))
def test_jsonl_any_json_value_for_any_key(value):
    for key in ("id", "title", "year", "pmid", "authors", "abstract_sections", "journal", "volume", "extra"):
        data = {"id": "x", "title": "A title", key: value}
        _check([jsonl.parse_line(json.dumps(data), "fuzz.jsonl", 1)])


# -- 2. mutated real files -------------------------------------------------------------

HOSTILE = [b"<!DOCTYPE a [<!ENTITY e SYSTEM 'file:///etc/passwd'>]>", b"&e;", b"\x00", b"\xff\xfe",
           b"]]>", b"<![CDATA[", b'\\ud800', b'"year": 100000000000000000000000, ', b"[" * 3000,
           b"99999999999999999999", b"PMID- ", b"\n\n", b"\r", b",", b'"', b"\xef\xbb\xbf",
           b"<Year>20023</Year>", b"</PubmedArticle>", b"<PubmedArticle>", b"DP  - 1", b"\t"]
_MUTATION = st.tuples(st.sampled_from(["delete", "insert", "replace", "duplicate", "truncate", "flip"]),
                      st.floats(0, 1), st.integers(1, 200),
                      st.sampled_from(HOSTILE) | st.binary(min_size=1, max_size=16))


def _mutate(data: bytes, mutations) -> bytes:
    for op, where, size, payload in mutations:
        at = int(where * len(data))
        if op == "delete":
            data = data[:at] + data[at + size:]
        elif op == "insert":
            data = data[:at] + payload + data[at:]
        elif op == "replace":
            data = data[:at] + payload + data[at + len(payload):]
        elif op == "duplicate":
            data = data[:at + size] + data[at:]
        elif op == "truncate":
            data = data[:at]
        elif data:
            at = min(at, len(data) - 1)
            data = data[:at] + bytes([data[at] ^ (1 << (size % 8))]) + data[at + 1:]
    return data


def _head_lines(path: Path, n: int) -> bytes:
    with open(path, "rb") as fh:
        return b"".join(fh.readline() for _ in range(n))


def _real_html() -> bytes:
    first = json.loads(_head_lines(DATA / "ldn" / "dev_corpus.jsonl", 1))
    paras = "".join(f"<h2>{s['label']}</h2><p>{s['text']}</p>" for s in first["abstract_sections"])
    return (f"<!doctype html><html><head><title>{first['title']}</title></head><body><article>"
            f"<h1>{first['title']}</h1>{paras}</article><div class='comments'><h3>Comments</h3>"
            f"<p>I tried it and it helped.</p></div></body></html>").encode()


REAL = {  # name -> how to get the real bytes (small samples keep each example fast)
    "medline.xml": lambda: (DATA / "pubmed_xml" / "biopython_pubmed1.xml").read_bytes(),
    "medline.nbib": lambda: (DATA / "medline_text" / "biopython_pubmed_result2.txt").read_bytes(),
    "records.jsonl": lambda: _head_lines(DATA / "ldn" / "dev_corpus.jsonl", 6),
    "screening.csv": lambda: _head_lines(DATA / "cohen2006" / "Antihistamines.csv", 12),
    "page.html": _real_html,
}


@pytest.mark.parametrize("name", sorted(REAL))
def test_mutated_real_files_ingest_without_raising(scratch, store, name):
    if not DATA.exists():
        pytest.skip(f"shared data not available: {DATA} (clone ../shared beside the repo to run this)")
    original = REAL[name]()
    assert _check(iter_file(_put(scratch / name, original)))      # the unmutated file has records

    @FUZZ
    @given(mutations=st.lists(_MUTATION, min_size=1, max_size=5), packed=st.sampled_from(["", "gz", "gz-cut"]))
    def run(mutations, packed):
        data = _mutate(original, mutations)
        target = scratch / name
        if packed:
            data = gzip.compress(data)
            target = scratch / f"{name}.gz"
            if packed == "gz-cut":
                data = data[: max(10, len(data) * 3 // 4)]
        path = _put(target, data)
        _check(iter_file(path))
        report = ingest_paths(store, [path], force=True, embed=False)
        assert all(str(p).encode("utf-8") for p in report.problems)

    run()


def _put(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


# -- 3. round trips of valid records ---------------------------------------------------

# Words with no whitespace, no control characters, nothing XML 1.0 cannot carry.
_CHAR = st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Cn", "Co", "Zl", "Zp", "Zs"))
_WORD = st.text(_CHAR, min_size=1, max_size=8)
# Plain words for fields a format splits or labels by punctuation (';' lists, 'LABEL:' abstracts, '/' MeSH).
_PLAIN_WORD = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Cn", "Co", "Zl", "Zp", "Zs"),
                                    exclude_characters=";:/*,.[]"), min_size=1, max_size=8)


def _phrase(word=_WORD, max_words=6):
    return st.lists(word, min_size=1, max_size=max_words).map(" ".join)


_LABEL = st.sampled_from(["", "BACKGROUND", "METHODS", "RESULTS", "CONCLUSIONS", "OBJECTIVE"])
_AUTHOR = st.builds(lambda last, ini: f"{last} {ini}",
                    st.from_regex(r"[A-Z][a-z]{1,9}( [A-Z][a-z]{1,9})?", fullmatch=True),
                    st.from_regex(r"[A-Z]{1,3}", fullmatch=True))
_DOI = st.from_regex(r"10\.[0-9]{4,5}/[a-z0-9.()_-]{1,20}", fullmatch=True)


@st.composite
def citations(draw, labelled: bool = True, word=_WORD):
    """A citation as every bibliographic format can carry it (PMID, title, abstract, ...)."""
    pmid = str(draw(st.integers(1, 99_999_999)))
    if labelled:
        labels = draw(st.lists(_LABEL.filter(bool), min_size=0, max_size=3, unique=True))
        sections = tuple(Section(lab, draw(_phrase(_PLAIN_WORD, 12))) for lab in labels)
    else:
        sections = tuple(Section("", draw(_phrase(_PLAIN_WORD, 12))) for _ in range(draw(st.integers(0, 1))))
    lists = lambda w=_PLAIN_WORD: tuple(draw(st.lists(_phrase(w, 3), max_size=3)))  # noqa: E731
    return Record(
        id=f"pmid:{pmid}", pmid=pmid, doi=draw(st.none() | _DOI), title=draw(_phrase(word, 10)),
        sections=sections, authors=tuple(draw(st.lists(_AUTHOR, max_size=4))),
        journal=draw(st.just("") | _phrase(word, 4)), year=draw(st.none() | st.integers(YEAR_MIN, YEAR_MAX)),
        volume=draw(st.just("") | _phrase(_PLAIN_WORD, 1)), issue=draw(st.just("") | _phrase(_PLAIN_WORD, 1)),
        pages=draw(st.just("") | _phrase(_PLAIN_WORD, 1)), publication_types=lists(),
        mesh_terms=lists(), keywords=lists(), language=draw(st.sampled_from(["", "eng", "fre"])),
        url=f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/",
    )


def _source(path: Path, rec: Record) -> Record:
    data = rec.to_json()
    data["source"] = str(path)
    return Record.from_json(data)


def _only(path: Path) -> Record:
    (rec,) = list(iter_file(path))
    assert isinstance(rec, Record), rec
    return rec


def _write_medline_xml(rec: Record) -> bytes:
    E = etree.Element
    art_set = E("PubmedArticleSet")
    cit = etree.SubElement(etree.SubElement(art_set, "PubmedArticle"), "MedlineCitation")
    etree.SubElement(cit, "PMID", Version="1").text = rec.pmid
    art = etree.SubElement(cit, "Article")
    journal = etree.SubElement(art, "Journal")
    issue = etree.SubElement(journal, "JournalIssue")
    for tag, value in (("Volume", rec.volume), ("Issue", rec.issue)):
        if value:
            etree.SubElement(issue, tag).text = value
    if rec.year is not None:
        etree.SubElement(etree.SubElement(issue, "PubDate"), "Year").text = str(rec.year)
    etree.SubElement(art, "ArticleTitle").text = rec.title
    if rec.pages:
        etree.SubElement(etree.SubElement(art, "Pagination"), "MedlinePgn").text = rec.pages
    if rec.doi:
        etree.SubElement(art, "ELocationID", EIdType="doi").text = rec.doi
    if rec.sections:
        abstract = etree.SubElement(art, "Abstract")
        for sec in rec.sections:
            node = etree.SubElement(abstract, "AbstractText", **({"Label": sec.label} if sec.label else {}))
            node.text = sec.text
    if rec.authors:
        authors = etree.SubElement(art, "AuthorList")
        for name in rec.authors:
            last, _, initials = name.rpartition(" ")
            author = etree.SubElement(authors, "Author")
            etree.SubElement(author, "LastName").text = last
            etree.SubElement(author, "Initials").text = initials
    if rec.language:
        etree.SubElement(art, "Language").text = rec.language
    types = etree.SubElement(art, "PublicationTypeList")
    for pt in rec.publication_types:
        etree.SubElement(types, "PublicationType").text = pt
    if rec.journal:
        etree.SubElement(etree.SubElement(cit, "MedlineJournalInfo"), "MedlineTA").text = rec.journal
    mesh = etree.SubElement(cit, "MeshHeadingList")
    for term in rec.mesh_terms:
        etree.SubElement(etree.SubElement(mesh, "MeshHeading"), "DescriptorName").text = term
    keywords = etree.SubElement(cit, "KeywordList")
    for kw in rec.keywords:
        etree.SubElement(keywords, "Keyword").text = kw
    return etree.tostring(art_set, xml_declaration=True, encoding="UTF-8")


def _write_medline_text(rec: Record) -> bytes:
    lines = [f"PMID- {rec.pmid}"]

    def put(tag: str, value: str) -> None:
        # Long values wrap onto 6-space continuation lines, as PubMed writes them.
        words, line = value.split(" "), f"{tag:<4}- "
        for i, w in enumerate(words):
            if i and len(line) + len(w) > 80:
                lines.append(line.rstrip())
                line = "      "
            line += w + " "
        lines.append(line.rstrip())

    put("TI", rec.title)
    for sec in rec.sections:
        put("AB", sec.text)
    for tag, values in (("AU", rec.authors), ("PT", rec.publication_types), ("MH", rec.mesh_terms),
                        ("OT", rec.keywords)):
        for v in values:
            put(tag, v)
    for tag, value in (("TA", rec.journal), ("VI", rec.volume), ("IP", rec.issue), ("PG", rec.pages),
                       ("LA", rec.language)):
        if value:
            put(tag, value)
    if rec.year is not None:
        put("DP", f"{rec.year} Mar 5")
    if rec.doi:
        put("AID", f"{rec.doi} [doi]")
    return ("\n".join(lines) + "\n").encode("utf-8")


def _write_csv(recs: list[Record]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(["PMID", "Title", "Abstract", "Authors", "Publication Year", "Journal/Book", "DOI",
                     "Keywords", "MeSH Terms", "Publication Type", "Volume", "Issue", "Pages", "Language"])
    for r in recs:
        writer.writerow([r.pmid, r.title, " ".join(s.text for s in r.sections), "; ".join(r.authors),
                         r.year or "", r.journal, r.doi or "", "; ".join(r.keywords), "; ".join(r.mesh_terms),
                         "; ".join(r.publication_types), r.volume, r.issue, r.pages, r.language])
    return out.getvalue().encode("utf-8")


def _write_jsonl(recs: list[Record], ensure_ascii: bool) -> bytes:
    lines = []
    for r in recs:
        data = {k: v for k, v in r.to_json().items() if k not in ("sections", "comments", "metadata", "source")}
        data["abstract_sections"] = [{"label": s.label, "text": s.text} for s in r.sections]
        data.update(r.metadata)
        lines.append(json.dumps(data, ensure_ascii=ensure_ascii))
    return ("\n".join(lines) + "\n").encode("utf-8")


@FUZZ
@given(rec=citations())
def test_medline_xml_round_trip_is_exact(scratch, rec):
    path = _put(scratch / "rt.xml", _write_medline_xml(rec))
    assert _only(path) == _source(path, rec)


@FUZZ
@given(rec=citations(labelled=False))
def test_medline_text_round_trip_is_exact(scratch, rec):
    path = _put(scratch / "rt.nbib", _write_medline_text(rec))
    assert _only(path) == _source(path, rec)


@FUZZ
@given(recs=st.lists(citations(labelled=False, word=_PLAIN_WORD), min_size=1, max_size=4,
                     unique_by=lambda r: r.id))
def test_csv_round_trip_is_exact(scratch, recs):
    path = _put(scratch / "rt.csv", _write_csv(recs))
    assert list(iter_file(path)) == [_source(path, r) for r in recs]


_JSON = st.recursive(st.none() | st.booleans() | st.integers(-(2 ** 70), 2 ** 70)
                     | st.floats(allow_nan=False, allow_infinity=False) | st.text(_CHAR, max_size=10),
                     lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(_CHAR, max_size=6), inner,
                                                                                 max_size=3),
                     max_leaves=10)


@st.composite
def jsonl_records(draw):
    rec = draw(citations())
    metadata = draw(st.dictionaries(st.text(_CHAR, min_size=1, max_size=8).filter(lambda k: k not in jsonl._KNOWN),
                                    _JSON, max_size=3))
    conditions = tuple(draw(st.lists(_phrase(_WORD, 3), max_size=2)))
    interventions = tuple(draw(st.lists(_phrase(_WORD, 3), max_size=2)))
    data = rec.to_json()
    data.update(id=draw(st.sampled_from([rec.id, f"doi:{rec.doi}", "sha:" + rec.pmid])),
                conditions=conditions, interventions=interventions, metadata=metadata)
    return Record.from_json(data)


@FUZZ
@given(recs=st.lists(jsonl_records(), min_size=1, max_size=4, unique_by=lambda r: r.id), ascii_=st.booleans())
def test_jsonl_round_trip_is_exact(scratch, recs, ascii_):
    path = _put(scratch / "rt.jsonl", _write_jsonl(recs, ascii_))
    got = list(iter_file(path))
    assert got == [_source(path, r) for r in recs]
    assert [g.metadata for g in got] == [r.metadata for r in recs]


@FUZZ
@given(rec=jsonl_records(), comments=st.lists(st.builds(Comment, _phrase(), st.just("") | _phrase()), max_size=2))
def test_store_round_trip_is_exact(store, rec, comments):
    data = rec.to_json()
    data["comments"] = [{"text": c.text, "author": c.author} for c in comments]
    rec = Record.from_json(data)
    store.write_batch([(rec, appraise(rec))])
    back = store.get(rec.id).record
    assert back == rec and back.metadata == rec.metadata and back.content_hash() == rec.content_hash()


# -- 4. a corpus of hostile inputs, generated ------------------------------------------

def _laughs() -> bytes:
    ents = "".join(f'<!ENTITY l{i} "{"".join(f"&l{i - 1};" for _ in range(10))}">' for i in range(1, 10))
    return (f'<?xml version="1.0"?><!DOCTYPE PubmedArticleSet [<!ENTITY l0 "lol">{ents}]>'
            "<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>1</PMID><Article>"
            "<ArticleTitle>&l9;</ArticleTitle></Article></MedlineCitation></PubmedArticle>"
            "</PubmedArticleSet>").encode()


def _xxe(target: Path) -> bytes:
    return (f'<?xml version="1.0"?><!DOCTYPE PubmedArticleSet [<!ENTITY x SYSTEM "file://{target}">]>'
            "<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>2</PMID><Article>"
            "<ArticleTitle>leak &x; here</ArticleTitle></Article></MedlineCitation></PubmedArticle>"
            "</PubmedArticleSet>").encode()


HOSTILE_FILES = {
    "laughs.xml": lambda tmp: _laughs(),
    "xxe.xml": lambda tmp: _xxe(_put(tmp / "secret.txt", b"TOP-SECRET-VALUE")),
    "deep.xml": lambda tmp: b"<PubmedArticleSet>" + b"<a>" * 100_000 + b"</a>" * 100_000 + b"</PubmedArticleSet>",
    "deep.jsonl": lambda tmp: b"[" * 100_000 + b"]" * 100_000 + b"\n",
    "bomb.jsonl.gz": lambda tmp: gzip.compress(b" " * (32 << 20), compresslevel=9),   # 32 MB of blanks
    "long_line.nbib": lambda tmp: b"PMID- 1\nTI  - " + b"x" * (8 << 20) + b"\n",
    "nul.csv": lambda tmp: b"PMID,Title\n1,a\x00b\n2,fine\n",
    "utf16.csv": lambda tmp: "PMID\tTitle\n3\tok\n".encode("utf-16"),
}


@pytest.mark.parametrize("name", sorted(HOSTILE_FILES))
def test_hostile_corpus_is_read_without_raising_or_leaking(tmp_path, name):
    path = _put(tmp_path / name, HOSTILE_FILES[name](tmp_path))
    records = _check(iter_file(path))
    for rec in records:
        assert "TOP-SECRET-VALUE" not in json.dumps(rec.to_json())
        assert len(rec.text()) < 10_000_000          # no entity expanded into a bomb
    if name == "laughs.xml":
        assert not any("lollol" in r.title for r in records)


def test_fuzz_helpers_mutate_as_described():
    assert _mutate(b"abcdef", [("delete", 0.5, 2, b"")]) == b"abcf"
    assert _mutate(b"abc", [("insert", 0.0, 1, b"X")]) == b"Xabc"
    assert _mutate(b"abcdef", [("truncate", 0.5, 1, b"")]) == b"abc"
    assert _mutate(b"ab", [("flip", 0.0, 1, b"")]) == bytes([ord("a") ^ 2]) + b"b"
    assert re.fullmatch(r"[a-z]+", _mutate(b"abcd", [("duplicate", 0.25, 2, b"")]).decode())
