"""PubMed baseline + update series (issue 10): series order, last version wins, DeleteCitation,
a ledger that makes re-runs read nothing, a corrupt file and an MD5 mismatch reported by name.

The series is built in tmp_path from the real citations of ../shared/data/pubmed_xml
(revised titles, deletions, a truncated file, a wrong .md5), and the store is compared with an
independent in-memory replay of the same files: parse each in series order, last version wins.
"""
from __future__ import annotations

import copy
import gzip
import hashlib
from pathlib import Path

import pytest
from click.testing import CliRunner

from evidex import load
from evidex.ingest import Deletion
from evidex.ingest.medline_xml import parse_file
from evidex.ingest.pubmed_files import Ledger, series_file, split_series
from evidex.load import ingest_paths
from evidex.records import Record
from evidex.store import Store

from .conftest import need_data

etree = pytest.importorskip("lxml.etree")
SAMPLE = "titipata_medline16n0902_sample.xml"      # 604 real MEDLINE citations
HEAD = b'<?xml version="1.0" encoding="UTF-8"?>\n<PubmedArticleSet>\n'


def _citations() -> list:
    path = need_data("pubmed_xml", SAMPLE)
    tree = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False))
    return list(tree.getroot().iter("MedlineCitation"))


def _pmid(cit) -> str:
    return cit.findtext("PMID").strip()


def _revised(cit, version: int):
    cit = copy.deepcopy(cit)
    title = cit.find("Article/ArticleTitle")
    title.text = f"Revision {version}: {title.text or ''}"
    return cit


def _write(path: Path, citations=(), deletes=(), cut: float | None = None, md5: str | None = None) -> Path:
    """A gzipped PubmedArticleSet with an NCBI-style .md5 sidecar (``md5``: a wrong one)."""
    body = b"".join(b"<PubmedArticle>" + etree.tostring(c) + b"</PubmedArticle>\n" for c in citations)
    if deletes:
        body += b"<DeleteCitation>" + b"".join(f"<PMID Version=\"1\">{p}</PMID>".encode() for p in deletes) \
            + b"</DeleteCitation>\n"
    data = gzip.compress(HEAD + body + b"</PubmedArticleSet>\n", mtime=0)
    if cut is not None:
        data = data[:int(len(data) * cut)]          # a download that stopped part way
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    digest = md5 or hashlib.md5(data).hexdigest()
    path.with_name(path.name + ".md5").write_text(f"MD5({path.name})= {digest}\n")
    return path


@pytest.fixture(scope="module")
def series(tmp_path_factory) -> dict[str, Path]:
    """Two baseline files, then updates: revisions, deletions, a truncated file, a bad .md5."""
    cits = _citations()
    root = tmp_path_factory.mktemp("pubmed")
    base, upd = root / "baseline", root / "updatefiles"
    files = {
        "b1": _write(base / "pubmed26n0001.xml.gz", cits[:300]),
        "b2": _write(base / "pubmed26n0002.xml.gz", cits[300:]),
        # revisions of 20 citations, 5 deletions
        "u3": _write(upd / "pubmed26n0003.xml.gz", [_revised(c, 2) for c in cits[:20]],
                     deletes=[_pmid(c) for c in cits[300:305]]),
        # a later revision of 5 of those; one revised citation deleted; one deleted citation back
        "u4": _write(upd / "pubmed26n0004.xml.gz", [_revised(c, 3) for c in cits[:5]] + [_revised(cits[300], 3)],
                     deletes=[_pmid(cits[10])]),
        # cut short: the citations before the cut count, the rest is reported
        "u5": _write(upd / "pubmed26n0005.xml.gz", [_revised(c, 4) for c in cits[100:160]], cut=0.5),
        # its .md5 disagrees: reported by name and never applied
        "u6": _write(upd / "pubmed26n0006.xml.gz", [_revised(c, 5) for c in cits[200:210]], md5="0" * 32),
    }
    return files


def _oracle(files: list[Path]) -> dict[str, str]:
    """id -> title after applying ``files`` in order in memory (last version wins)."""
    state: dict[str, str] = {}
    for f in files:
        for item in parse_file(f):
            if isinstance(item, Record):
                state[item.id] = item.title
            elif isinstance(item, Deletion):
                state.pop(item.id, None)
    return state


def _state(store: Store) -> dict[str, str]:
    ids = [r[0] for r in store.conn.execute("SELECT id FROM records")]
    return {rid: sr.record.title for rid, sr in store.get_many(ids).items()}


def test_series_order_and_sidecars():
    paths = [Path("x/updatefiles/pubmed26n0003.xml.gz"), Path("x/baseline/pubmed26n0002.xml.gz"),
             Path("x/baseline/pubmed26n0002.xml.gz.md5"), Path("notes.md"), Path("x/baseline/pubmed26n0001.xml.gz"),
             Path("y/pubmed27n0001.xml.gz"), Path("x/updatefiles/pubmed26n1400.xml.gz")]
    others, series = split_series(paths)
    assert others == [Path("notes.md")]                   # the sidecar is not a source
    assert [(s.name, s.kind) for s in series] == [
        ("pubmed26n0001.xml.gz", "baseline"), ("pubmed26n0002.xml.gz", "baseline"),
        ("pubmed26n0003.xml.gz", "update"), ("pubmed26n1400.xml.gz", "update"), ("pubmed27n0001.xml.gz", "baseline")]
    assert series_file(Path("pubmed26n0001.xml.gz.md5")) is None


@pytest.mark.parametrize("workers", [2])     # one process: the other tests here
def test_series_applies_in_order_and_rerun_reads_nothing(series, tmp_path, workers):
    root = series["b1"].parent.parent
    with Store(tmp_path / "s.db") as store:
        # updates named first: the baseline still goes first
        report = ingest_paths(store, [root / "updatefiles", root / "baseline"], embed=False, workers=workers)
        want = _oracle([series[k] for k in ("b1", "b2", "u3", "u4", "u5")])
        assert _state(store) == want
        assert want[f"pmid:{_pmid(_citations()[0])}"].startswith("Revision 3:")
        assert f"pmid:{_pmid(_citations()[10])}" not in want and f"pmid:{_pmid(_citations()[300])}" in want
        assert report.stats.deleted == 5 + 1        # 300-304 in 0003, then 10 in 0004
        bad = {Path(p.source).name: p.message for p in report.problems}
        assert set(bad) == {"pubmed26n0005.xml.gz", "pubmed26n0006.xml.gz"}
        assert "MD5 mismatch" in bad["pubmed26n0006.xml.gz"] and "cut short" in bad["pubmed26n0005.xml.gz"]
        assert [r[0] for r in Ledger(store.conn).rows()] == [f"pubmed26n000{i}.xml.gz" for i in range(1, 6)]
        before = store.checksum()

        again = ingest_paths(store, [root], embed=False, workers=workers)
        assert again.records_read == 0 and again.files_skipped == 5 and again.files == 6
        assert store.checksum() == before
        assert sorted(Path(p.source).name for p in again.problems) == ["pubmed26n0005.xml.gz", "pubmed26n0006.xml.gz"]


def test_a_late_file_replays_the_files_after_it(series, tmp_path):
    """0003 fails its .md5 on the first run, so 0004-0005 are applied without it; once 0003 is
    fixed, applying it alone would bring back versions that 0004 replaced: 0004 on must run again."""
    root = tmp_path / "copy"
    for key in ("b1", "b2", "u3", "u4", "u5"):
        src = series[key]
        dst = root / src.parent.name / src.name
        dst.parent.mkdir(parents=True, exist_ok=True)
        dst.write_bytes(src.read_bytes())
        dst.with_name(dst.name + ".md5").write_bytes(src.with_name(src.name + ".md5").read_bytes())
    u3 = root / "updatefiles" / "pubmed26n0003.xml.gz"
    good = u3.with_name(u3.name + ".md5").read_text()
    u3.with_name(u3.name + ".md5").write_text(f"MD5({u3.name})= {'f' * 32}\n")
    want = _oracle([root / "baseline" / "pubmed26n0001.xml.gz", root / "baseline" / "pubmed26n0002.xml.gz", u3,
                    root / "updatefiles" / "pubmed26n0004.xml.gz", root / "updatefiles" / "pubmed26n0005.xml.gz"])
    with Store(tmp_path / "late.db") as store:
        first = ingest_paths(store, [root], embed=False)
        assert any("MD5 mismatch" in p.message and "pubmed26n0003" in p.source for p in first.problems)
        assert _state(store) != want
        u3.with_name(u3.name + ".md5").write_text(good)
        fixed = ingest_paths(store, [root], embed=False)
        assert fixed.files_skipped == 2          # the baseline; 0003 is new, 0004 and 0005 run again
        assert _state(store) == want


def test_new_baseline_reloads_and_skips_unchanged_records(series, tmp_path, monkeypatch):
    cits = _citations()
    year2 = tmp_path / "y27" / "pubmed27n0001.xml.gz"
    _write(year2, [_revised(c, 9) if i in (1, 2, 3) else c for i, c in enumerate(cits)])
    appraised: list[str] = []
    real = load.appraise
    monkeypatch.setattr(load, "appraise", lambda r: appraised.append(r.id) or real(r))
    with Store(tmp_path / "y.db") as store:
        ingest_paths(store, [series["b1"], series["b2"]], embed=False)
        appraised.clear()
        report = ingest_paths(store, [year2], embed=False)
        assert (report.stats.added, report.stats.updated) == (0, 3)
        assert len(appraised) == 3                    # unchanged records are compared, never appraised
        assert report.stats.unchanged == report.records_read - 3


def test_cli_reports_bad_files_by_name_and_exits_2(series, tmp_path):
    from evidex.cli import cli
    root = series["b1"].parent.parent
    db = tmp_path / "cli.db"
    result = CliRunner().invoke(cli, ["ingest", str(root), "--db", str(db), "--quiet", "--no-embed"])
    assert result.exit_code == 2, result.output
    assert "pubmed26n0006.xml.gz" in result.output and "MD5 mismatch" in result.output
    with Store(db) as store:
        assert _state(store) == _oracle([series[k] for k in ("b1", "b2", "u3", "u4", "u5")])
