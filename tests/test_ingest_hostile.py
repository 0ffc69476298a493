"""Hostile and broken input through the real ``evidex ingest`` (issue 11, ingest side).

Each case is a real file (or a real unreadable path) handed to the real command in a
subprocess: exit code 2, a message naming the file, the line and the field, no traceback,
and every good record of the same file and batch stored. Bombs are generated here, in the
test, never committed.
"""
from __future__ import annotations

import gzip
import io
import json
import os
import random
import stat
import zlib
from pathlib import Path

import pytest

from evidex.ingest import medline_xml
from evidex.records import Problem, Record
from evidex.store import Store

from .conftest import need_data
from .test_cli import run

SAMPLE_604 = "titipata_medline16n0902_sample.xml"


def _ingest(tmp_path: Path, db: Path, *paths: Path | str):
    proc = run(tmp_path / "home", "ingest", *paths, "--db", db, "-q", "--no-embed")
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc


def _ids(db: Path) -> set[str]:
    with Store(db) as store:
        return {row[0] for row in store.conn.execute("SELECT id FROM records")}


def _jsonl(path: Path, *lines: str) -> Path:
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def _good(rid: str) -> str:
    return json.dumps({"id": rid, "title": f"Low-dose naltrexone trial {rid}", "year": 2019,
                       "abstract": f"Patients improved in study {rid}."})


# -- 1. a truncated .gz keeps its complete citations --------------------------------------

def test_truncated_gzip_keeps_its_complete_citations(tmp_path, db_path):
    xml = need_data("pubmed_xml", SAMPLE_604).read_bytes()
    packed = gzip.compress(xml, compresslevel=6)
    cut = packed[: len(packed) * 2 // 5]                 # the download stopped at 40%
    path = tmp_path / "medline_part.xml.gz"
    path.write_bytes(cut)
    # What the cut file holds: the bytes zlib can still inflate, parsed as plain truncated XML.
    prefix = zlib.decompressobj(wbits=31).decompress(cut)
    expected = {r.id for r in medline_xml.parse_stream(io.BytesIO(prefix), "prefix")
                if isinstance(r, Record)}
    assert 100 < len(expected) < 604
    proc = _ingest(tmp_path, db_path, path)
    assert proc.returncode == 2, proc.stderr
    assert f"error: {path}: line " in proc.stderr and "ends early" in proc.stderr
    assert f"after {len(expected)} complete citation(s)" in proc.stderr
    assert _ids(db_path) == expected                     # every complete citation, nothing else
    assert f"{len(expected)} added" in proc.stderr
    again = _ingest(tmp_path, db_path, path)             # the problem is reported again, nothing changes
    assert again.returncode == 2 and "ends early" in again.stderr and _ids(db_path) == expected


def test_corrupt_deflate_data_keeps_the_records_before_it(tmp_path, db_path):
    # Incompressible padding, so that the damage lies beyond gzip's first read buffers.
    rng = random.Random(11)
    body = b"".join(json.dumps({"id": f"c{i}", "title": f"Record {i}",
                                "notes": "%x" % rng.getrandbits(8000)}).encode() + b"\n"
                    for i in range(300))
    packed = bytearray(gzip.compress(body))
    at = len(packed) * 9 // 10
    packed[at:at + 16] = b"\xff" * 16                   # damage near the end
    path = tmp_path / "damaged.jsonl.gz"
    path.write_bytes(bytes(packed))
    proc = _ingest(tmp_path, db_path, path)
    assert proc.returncode == 2, proc.stderr
    assert f"error: {path}: after line " in proc.stderr and "the compressed data is corrupt" in proc.stderr
    stored = _ids(db_path)
    assert len(stored) > 150 and stored <= {f"c{i}" for i in range(300)}
    assert stored == {f"c{i}" for i in range(len(stored))}     # a prefix, none skipped


# -- 2. validation at the border: a bad field is one Problem, its batch still lands --------

def test_jsonl_year_beyond_sqlite_integer_is_a_problem_and_the_batch_lands(tmp_path, db_path):
    path = _jsonl(tmp_path / "years.jsonl", _good("a1"),
                  '{"id": "big", "title": "Huge year", "year": 100000000000000000000000}',
                  _good("a2"))
    proc = _ingest(tmp_path, db_path, path)
    assert proc.returncode == 2, proc.stderr
    assert f"error: {path}: line 2 (id big): field 'year'" in proc.stderr
    assert "100000000000000000000000" in proc.stderr
    assert _ids(db_path) == {"a1", "a2"}


# Each bad line names its own field; the good lines around it land in the same batch.
_BAD_LINES = [
    ('{"id": "s", "title": "bad \\ud800 surrogate"}', "title"),          # not encodable as UTF-8
    ('{"id": "s", "title": "t", "year": "\u00b2"}', "year"),                # a digit, not a number
    ('{"id": "s", "title": "t", "year": 20023}', "year"),
    ('{"id": "s", "title": "t", "year": true}', "year"),
    ('{"id": "s", "title": "t", "pmid": "PMC123"}', "pmid"),
    ('{"id": "s", "title": "t", "pmid": 123456789012345678901234567890}', "pmid"),
    ('{"id": "s", "title": "t", "journal": ["a", "b"]}', "journal"),
    ('{"id": "s", "title": "t", "authors": [1, 2]}', "authors[0]"),
    ('{"id": "s", "title": "t", "abstract_sections": [{"label": 5, "text": "x"}]}', "abstract_sections[0].label"),
    ('{"id": "s", "title": "t", "abstract_sections": [{"text": "x \\udfff"}]}', "abstract_sections[0].text"),
    ('{"id": "s", "title": "t", "notes": {"k": NaN}}', "metadata"),
    ('{"id": "s", "title": "t", "notes": ' + "[" * 40 + "]" * 40 + "}", "metadata"),
    ('{"id": "s", "title": "t", "x\\ud800": 1}', "metadata"),
    ('{"id": "  ", "title": "t"}', "id"),
    ('{"id": "s\\udc00", "title": "t"}', "id"),
]


def test_jsonl_bad_fields_are_named_by_line_and_the_rest_of_the_batch_lands(tmp_path, db_path):
    lines = [_good("g0")]
    for i, (bad, _field) in enumerate(_BAD_LINES, start=1):
        lines += [bad, _good(f"g{i}")]
    path = _jsonl(tmp_path / "bad_fields.jsonl", *lines)
    proc = _ingest(tmp_path, db_path, path)
    assert proc.returncode == 2, proc.stderr
    errors = [ln for ln in proc.stderr.splitlines() if ln.startswith("error: ")]
    assert len(errors) == len(_BAD_LINES), proc.stderr
    for i, (bad, field) in enumerate(_BAD_LINES):
        assert errors[i].startswith(f"error: {path}: line {2 * i + 2}"), (bad, errors[i])
        assert f"field '{field}'" in errors[i], (bad, errors[i])
    assert _ids(db_path) == {f"g{i}" for i in range(len(_BAD_LINES) + 1)}


_XML = """<?xml version="1.0"?>
<PubmedArticleSet>
{}
</PubmedArticleSet>
"""
_ARTICLE = """<PubmedArticle><MedlineCitation><PMID Version="1">{pmid}</PMID><Article>
<Journal><JournalIssue><PubDate><Year>{year}</Year></PubDate></JournalIssue></Journal>
<ArticleTitle>Naltrexone citation {pmid}</ArticleTitle></Article></MedlineCitation></PubmedArticle>"""


def test_medline_xml_and_text_fields_are_checked_at_the_border(tmp_path, db_path):
    articles = [_ARTICLE.format(pmid="101", year="2001"),
                _ARTICLE.format(pmid="102", year="100000000000000000000000"),
                _ARTICLE.format(pmid="103", year="\u00b2\u00b3"),          # not ASCII digits: no year
                _ARTICLE.format(pmid="10x4", year="2004"),
                _ARTICLE.format(pmid="105", year="2005")]
    xml = tmp_path / "mixed.xml"
    xml.write_text(_XML.format("\n".join(articles)), encoding="utf-8")
    nbib = tmp_path / "mixed.nbib"
    nbib.write_text("PMID- 201\nTI  - Good text record\nDP  - 2010 Jan\n\n"
                    "PMID- 20 2\nTI  - Bad PMID\n\n"
                    "PMID- 203\nTI  - Another good one\nDP  - 1066\n\n"
                    "PMID- 204\nTI  - Last good one\n", encoding="utf-8")
    proc = _ingest(tmp_path, db_path, xml, nbib)
    assert proc.returncode == 2, proc.stderr
    assert f"error: {xml}: line 6 (PMID 102): field 'year'" in proc.stderr
    assert f"error: {xml}: line 12 (PMID 10x4): field 'pmid'" in proc.stderr
    assert f"error: {nbib}: line 5 (PMID 20 2): field 'pmid'" in proc.stderr
    assert f"error: {nbib}: line 8 (PMID 203): field 'year'" in proc.stderr
    assert _ids(db_path) == {"pmid:101", "pmid:103", "pmid:105", "pmid:201", "pmid:204"}
    with Store(db_path) as store:
        assert store.get("pmid:103").record.year is None


# -- 3. nesting that blows the recursion limit ---------------------------------------------

def test_jsonl_nested_100000_deep_is_a_problem_and_later_lines_load(tmp_path, db_path):
    deep = "[" * 100_000 + "]" * 100_000
    path = _jsonl(tmp_path / "deep.jsonl", _good("d1"), deep,
                  '{"id": "deep2", "title": "t", "extra": ' + deep + "}",
                  '{"id": "deep3", "title": "t", "extra": ' + "1" * 5000 + "}",     # int of 5000 digits
                  _good("d2"), _good("d3"))
    proc = _ingest(tmp_path, db_path, path)
    assert proc.returncode == 2, proc.stderr
    for line in (2, 3):
        assert f"error: {path}: line {line}: not readable JSON: nested too deeply" in proc.stderr
    assert f"error: {path}: line 4: not readable JSON" in proc.stderr
    assert _ids(db_path) == {"d1", "d2", "d3"}


# -- 4. paths that cannot be read ----------------------------------------------------------

def _denied_file(tmp_path: Path) -> Path:
    """A file this process may not read: mode 000 for a normal user; for root (who reads
    any mode) a procfs file the kernel refuses even to root (write-only sysctls)."""
    own = tmp_path / "secret.jsonl"
    own.write_text(_good("s1") + "\n", encoding="utf-8")
    own.chmod(0)
    for candidate in (own, Path("/proc/sys/vm/drop_caches"), Path("/proc/sys/vm/compact_memory")):
        try:
            open(candidate, "rb").close()
        except PermissionError:
            return candidate
        except OSError:
            continue
    pytest.skip("no path here that this user is refused permission to read")


def _denied_folder(tmp_path: Path) -> Path:
    """A folder this process may not list: mode 000 for a normal user, /proc/1/map_files
    (needs CAP_SYS_ADMIN) for root in a container."""
    own = tmp_path / "locked"
    own.mkdir()
    (own / "inside.jsonl").write_text(_good("s2") + "\n", encoding="utf-8")
    own.chmod(0)
    for candidate in (own, Path("/proc/1/map_files")):
        try:
            with os.scandir(candidate) as entries:
                next(entries, None)
        except PermissionError:
            return candidate
        except OSError:
            continue
    pytest.skip("no folder here that this user is refused permission to list")


def test_unreadable_file_and_folder_are_named_and_others_still_load(tmp_path, db_path):
    denied, locked = _denied_file(tmp_path), _denied_folder(tmp_path)
    good = _jsonl(tmp_path / "good.jsonl", _good("ok1"))
    try:
        proc = _ingest(tmp_path, db_path, denied, locked, good)
    finally:
        (tmp_path / "locked").chmod(stat.S_IRWXU)
    assert proc.returncode == 2, proc.stderr
    assert f"error: {denied}: cannot read: Permission denied" in proc.stderr
    assert f"error: {locked}: cannot list the folder: Permission denied" in proc.stderr
    assert _ids(db_path) == {"ok1"}


def test_fifo_device_and_read_error_are_problems_not_hangs(tmp_path, db_path):
    fifo = tmp_path / "pipe.jsonl"
    os.mkfifo(fifo)                      # opening it would wait for a writer forever
    good = _jsonl(tmp_path / "good.jsonl", _good("ok2"))
    # A file name that is not UTF-8 (surrogate-escaped by Python) is still a fine source.
    odd = Path(os.fsdecode(bytes(tmp_path) + b"/caf\xe9.jsonl"))
    _jsonl(odd, _good("ok3"))
    paths: list[Path] = [fifo, Path("/dev/zero"), good, odd]
    mem = Path("/proc/self/mem")         # a regular file whose first page cannot be read (EIO)
    if mem.exists():
        paths.insert(2, mem)
    proc = _ingest(tmp_path, db_path, *paths)
    assert proc.returncode == 2, proc.stderr
    assert f"error: {fifo}: not a regular file" in proc.stderr
    assert "error: /dev/zero: not a regular file" in proc.stderr
    if mem.exists():
        assert f"error: {mem}: cannot read: Input/output error" in proc.stderr
    assert _ids(db_path) == {"ok2", "ok3"}


def test_missing_and_unreadable_paths_give_problems_in_the_library(tmp_path):
    from evidex.ingest import iter_file, unreadable
    fifo = tmp_path / "f"
    os.mkfifo(fifo)
    assert "not a regular file" in unreadable(fifo).message
    assert unreadable(tmp_path / "nope").message == "no such file or directory"
    (prob,) = list(iter_file(tmp_path / "nope"))
    assert isinstance(prob, Problem) and prob.source == str(tmp_path / "nope")


def test_a_utf8_bom_is_not_data_in_any_text_format(tmp_path):
    from evidex.ingest import iter_file
    bom = b"\xef\xbb\xbf"
    files = {"notepad.jsonl": bom + _good("b1").encode() + b"\n" + _good("b2").encode() + b"\n",
             "export.nbib": bom + b"PMID- 11\nTI  - First\n\nPMID- 12\nTI  - Second\n",
             "note.md": bom + b"# A heading\n\nSome text about naltrexone.\n"}
    got = {}
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
        items = list(iter_file(tmp_path / name))
        assert all(isinstance(i, Record) for i in items), items
        got[name] = items
    assert [r.id for r in got["notepad.jsonl"]] == ["b1", "b2"]
    assert [r.id for r in got["export.nbib"]] == ["pmid:11", "pmid:12"]
    assert got["note.md"][0].title == "A heading"
