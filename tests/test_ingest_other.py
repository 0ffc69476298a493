"""Evidex JSONL, web pages and plain text / Markdown, and format detection."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from evidex.ingest import detect_format, expand_paths, iter_file, iter_sources, jsonl, web
from evidex.load import ingest_paths
from evidex.records import Comment, Problem, Record, Section
from evidex.store import Store

from .conftest import SHARED, need_data

# The keys DESIGN.md names for Evidex JSONL; anything else must survive as metadata.
CONTRACT_KEYS = {"id", "pmid", "doi", "title", "authors", "journal", "year", "publication_types",
                 "conditions", "abstract_sections", "url"}


def _split(items):
    return ([i for i in items if isinstance(i, Record)], [i for i in items if isinstance(i, Problem)])


# -- JSONL ---------------------------------------------------------------------------

def test_dev_corpus_parses_with_metadata_kept():
    path = need_data("ldn", "dev_corpus.jsonl")
    assert detect_format(path) == "jsonl"
    raw = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    recs, probs = _split(list(iter_file(path)))
    assert not probs
    assert len(recs) == len(raw) == 51
    assert [r.id for r in recs] == [d["id"] for d in raw]
    unknown_seen = set()
    for r, d in zip(recs, raw):
        unknown = {k: v for k, v in d.items() if k not in CONTRACT_KEYS}
        unknown_seen |= set(unknown)
        assert r.metadata == unknown, r.id
        assert r.title == d["title"].strip()
        assert r.authors == tuple(d.get("authors") or ())
        assert r.publication_types == tuple(d.get("publication_types") or ())
        assert r.conditions == tuple(d.get("conditions") or ())
        assert r.year == d.get("year")
        assert r.doi == (d["doi"].lower() if d.get("doi") else None)
        assert r.url == (d.get("url") or r.url)
        want = [(str(s.get("label") or "").upper(), s["text"].strip())
                for s in d.get("abstract_sections") or [] if s["text"].strip()]
        assert [(s.label, s.text) for s in r.sections] == want
    assert {"abstract_truncated", "notes", "rewritten", "design_inferred"} <= unknown_seen
    first = recs[0]
    assert first.id == "pmid:19453963" and first.pmid == "19453963"
    assert set(first.metadata) == {"abstract_truncated", "design_inferred", "rewritten"}
    assert first.sections[2] == Section("PATIENTS", "Ten women who met fibromyalgia criteria and were "
                                                    "not using any opioid medication.")


BAD_JSONL = [
    '{"id": "good1", "title": "Low-dose naltrexone in fibromyalgia", "authors": ["Younger J"], "year": 2009}',
    '{"id": "broken", "title": }',
    '{"title": "A record without an id"}',
    '{"id": "notext", "journal": "Pain Med"}',
    '{"id": "auth-num", "title": "Authors as a number", "authors": 42}',
    '{"id": "auth-obj", "title": "Authors as an object", "authors": {"name": "Smith J"}}',
    '[1, 2, 3]',
    '',
    '{"id": "good2", "abstract": "  Only an abstract, no title.  ", "pmid": 123, "extra": {"k": 1}}',
    '{"id": "badyear", "title": "Year in words", "year": "nineteen"}',
    '{"id": "badsec", "title": "Bad sections", "abstract_sections": [{"label": "X"}]}',
    '{"id": "  ", "title": "Blank id"}',
]


def test_bad_jsonl_lines_give_problems_with_line_numbers(tmp_path):
    path = tmp_path / "mixed.jsonl"
    path.write_text("\n".join(BAD_JSONL) + "\n", encoding="utf-8")
    recs, probs = _split(list(iter_file(path)))
    assert [r.id for r in recs] == ["good1", "good2"]
    assert recs[0].authors == ("Younger J",) and recs[0].year == 2009
    good2 = recs[1]
    assert good2.title == "" and good2.sections == (Section("", "Only an abstract, no title."),)
    assert good2.pmid == "123" and good2.url == "https://pubmed.ncbi.nlm.nih.gov/123/"
    assert good2.metadata == {"extra": {"k": 1}}
    by_line = {int(p.where.split()[1]): p for p in probs}
    assert sorted(by_line) == [2, 3, 4, 5, 6, 7, 10, 11, 12]
    assert all(p.source == str(path) for p in probs)
    assert "not valid JSON" in by_line[2].message
    assert "id" in by_line[3].message and "id" in by_line[12].message
    assert "title or an abstract" in by_line[4].message
    assert "authors" in by_line[5].message and "authors" in by_line[6].message
    assert "JSON object" in by_line[7].message
    assert "year" in by_line[10].message
    assert "abstract_sections[0]" in by_line[11].message
    assert "(id notext)" in by_line[4].where


def test_jsonl_parse_line_and_from_dict():
    rec = jsonl.parse_line('{"id": "x", "title": " T ", "doi": "10.1/ABC", "year": "2019"}', "s", 3)
    assert isinstance(rec, Record)
    assert (rec.title, rec.doi, rec.year) == ("T", "10.1/abc", 2019)
    assert rec.url.lower() == "https://doi.org/10.1/abc"     # DOIs are case-insensitive
    prob = jsonl.from_dict({"id": "x", "title": 5}, "s", "line 9")
    assert isinstance(prob, Problem) and prob.where == "line 9 (id x)" and "title" in prob.message


def test_jsonl_undecodable_line_does_not_lose_the_file(tmp_path, db_path):
    path = tmp_path / "latin1.jsonl"
    path.write_bytes(b'{"id": "a1", "title": "Alpha trial of naltrexone"}\n'
                     b'{"id": "a2", "title": "Bad \xff byte"}\n'
                     b'{"id": "a3", "title": "Gamma cohort of naltrexone users"}\n')
    with Store(db_path) as store:
        report = ingest_paths(store, [path])
        assert store.has("a1") and store.has("a3")
    assert all("line 2" in str(p) for p in report.problems)


# -- web pages and text --------------------------------------------------------------

def _seed_004() -> Path:
    seeds = SHARED / "seeds"
    found = sorted(seeds.glob("004_*.txt")) if seeds.exists() else []
    if not found:
        pytest.skip(f"shared seed 004 not available under {seeds}")
    return found[0]


def test_seed_004_blog_comment_kept_apart():
    path = _seed_004()
    assert detect_format(path) == "text"
    (rec,), probs = _split(list(iter_file(path)))
    assert not probs
    assert rec.title == "Can symptoms of CRPS be remitted using low-dose Naltrexone?"
    assert rec.id.startswith("sha:") and rec.publication_types == ("Web Page",)
    assert len(rec.comments) == 1
    assert rec.comments[0].text.startswith("I actually wanted to type a quick note")
    assert "Thanks once more for a lot of things." in rec.comments[0].text
    body = rec.text()
    for spam in ("magnificent tricks", "site visitors", "I actually wanted to type"):
        assert spam not in body
        assert all(spam not in s.text for s in rec.sections)
    for boiler in ("Leave a Reply", "email address will not be published", "1 Comment"):
        assert boiler not in body
        assert all(boiler not in c.text for c in rec.comments)
    # The case report itself is article text.
    assert "average of 8 to 10 on the Numeric Rating Scale" in body
    assert {"CASE 1", "CASE 2"} <= {s.label for s in rec.sections}


PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Low-dose naltrexone for CRPS: what patients should know</title>
<script>var trackingSecret = "SCRIPT_PAYLOAD_XYZ"; console.log("SCRIPT_PAYLOAD_XYZ");</script>
<style>.x{color:red} /* STYLE_PAYLOAD */</style>
</head><body>
<header><nav><a href="/">Home</a> <a href="/about">About us</a></nav></header>
<main><article>
<h1>Low-dose naltrexone for CRPS: what patients should know</h1>
<p>Low-dose naltrexone is a small dose of an old drug that some doctors prescribe off label for
complex regional pain syndrome. Doses usually range from 1.5 mg to 4.5 mg taken at bedtime.</p>
<h2>What the studies show</h2>
<p>Two case reports described patients whose pain fell from 8 to 10 on a numeric rating scale
down to 5 to 6 after starting treatment. No randomised trial in this condition has been published yet.</p>
<script>document.write("INLINE_SCRIPT_PAYLOAD_ABC");</script>
<p>Side effects reported in other conditions include vivid dreams and insomnia during the first
weeks of treatment, which usually settle without stopping the drug.</p>
</article>
<section id="comments" class="comments">
<h2>2 Comments</h2>
<ol class="commentlist">
<li class="comment"><div class="comment-body"><p>Great article, buy cheap pills at spam-pharmacy
dot example, COMMENT_SPAM_MARKER.</p></div></li>
<li class="comment"><div class="comment-body"><p>My doctor started me on LDN last year and
COMMENT_SECOND_MARKER my flares are shorter.</p></div></li>
</ol>
</section>
</main>
<footer>Example Pain Charity.</footer>
</body></html>
"""


@pytest.fixture
def page_record(tmp_path) -> Record:
    path = tmp_path / "ldn-crps.html"
    path.write_text(PAGE, encoding="utf-8")
    assert detect_format(path) == "html"
    (rec,), probs = _split(list(iter_file(path)))
    assert not probs
    return rec


def test_html_comments_not_in_sections(page_record):
    rec = page_record
    assert rec.title == "Low-dose naltrexone for CRPS: what patients should know"
    body = rec.text()
    assert "Doses usually range from 1.5 mg to 4.5 mg taken at bedtime." in body
    assert "vivid dreams and insomnia" in body
    for marker in ("COMMENT_SPAM_MARKER", "COMMENT_SECOND_MARKER", "spam-pharmacy"):
        assert marker not in body
        assert any(marker in c.text for c in rec.comments)


def test_html_script_and_style_never_in_text(page_record):
    rec = page_record
    everything = " ".join([rec.text(), rec.title, *(c.text for c in rec.comments), *(s.label for s in rec.sections)])
    for payload in ("SCRIPT_PAYLOAD_XYZ", "INLINE_SCRIPT_PAYLOAD_ABC", "trackingSecret", "document.write",
                    "STYLE_PAYLOAD", "color:red"):
        assert payload not in everything


def test_html_each_comment_is_its_own(page_record):
    texts = [c.text for c in page_record.comments]
    assert len(texts) == 2
    assert "COMMENT_SPAM_MARKER" in texts[0] and "COMMENT_SECOND_MARKER" in texts[1]


def test_html_sniffed_without_suffix(tmp_path):
    path = tmp_path / "download"
    path.write_text(PAGE, encoding="utf-8")
    assert detect_format(path) == "html"
    (rec,), _ = _split(list(iter_file(path)))
    assert rec.title.startswith("Low-dose naltrexone for CRPS")


def test_markdown_document(tmp_path):
    path = tmp_path / "guide.md"
    path.write_text(
        "# LDN dosing guide\n\n"
        "Low-dose naltrexone is usually started at 1.5 mg at bedtime.\n\n"
        "## Titration\n\n"
        "- Increase by 1.5 mg every 2 weeks.\n"
        "- Stop at 4.5 mg daily.\n\n"
        "## Comments\n\n"
        "Great post, thanks!\n\n"
        "Visit my casino site.\n\n"
        "Leave a Reply\n"
        "Your email address will not be published.\n", encoding="utf-8")
    (rec,), _ = _split(list(iter_file(path)))
    assert rec.title == "LDN dosing guide"
    assert rec.sections == (
        Section("", "Low-dose naltrexone is usually started at 1.5 mg at bedtime."),
        Section("TITRATION", "Increase by 1.5 mg every 2 weeks. Stop at 4.5 mg daily."),
    )
    assert rec.comments == (Comment("Great post, thanks!"), Comment("Visit my casino site."))
    assert "casino" not in rec.text() and "Leave a Reply" not in rec.text()


def test_empty_documents_are_problems(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("\n\n   \n", encoding="utf-8")
    (prob,) = list(iter_file(empty))
    assert isinstance(prob, Problem) and prob.source == str(empty)
    bare = web.parse_html("<html><body><script>var x = 1;</script></body></html>", "bare.html")
    assert isinstance(bare, Problem) and bare.source == "bare.html"
    missing = list(iter_file(tmp_path / "missing.xml"))
    assert len(missing) == 1 and isinstance(missing[0], Problem)


def test_web_record_id_is_content_derived(tmp_path):
    a = web.parse_text("Title\n\nSome body text here.", "a.txt")
    b = web.parse_text("Title\n\nSome   body text here.", "b.txt")
    c = web.parse_text("Title\n\nOther body text.", "c.txt")
    assert a.id == b.id != c.id


# -- format detection and folders ----------------------------------------------------

@pytest.mark.parametrize("name, content, fmt", [
    ("a.xml", "", "medline_xml"),
    ("a.XML.gz", "", "medline_xml"),
    ("a.nbib", "", "medline_text"),
    ("a.medline", "", "medline_text"),
    ("a.ndjson", "", "jsonl"),
    ("a.htm", "", "html"),
    ("a.txt", "PMID- 1\nTI  - x\n", "medline_text"),
    ("a.txt", '{"id": "x"}\n', "jsonl"),
    ("a.dat", '<?xml version="1.0"?><PubmedArticleSet/>', "medline_xml"),
    ("a.dat", "<!DOCTYPE html><html></html>", "html"),
    ("notes.md", "# Heading\n\nText.", "text"),
])
def test_detect_format(tmp_path, name, content, fmt):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    assert detect_format(path) == fmt


def test_expand_paths_folder_sorted_skips_dotfiles(tmp_path):
    (tmp_path / "sub").mkdir()
    for name in ("b.txt", "a.txt", ".hidden.txt", "sub/c.txt"):
        (tmp_path / name).write_text("Title\n\nBody.", encoding="utf-8")
    got = [p.relative_to(tmp_path).as_posix() for p in expand_paths([tmp_path])]
    assert got == ["a.txt", "b.txt", "sub/c.txt"]
    items = list(iter_sources([tmp_path, tmp_path / "nope.txt"]))
    assert sum(isinstance(i, Record) for i in items) == 3
    assert isinstance(items[-1], Problem) and "nope.txt" in items[-1].source
