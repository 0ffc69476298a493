"""MEDLINE/PubMed XML and MEDLINE text parsers on the real files in ../shared/data."""
from __future__ import annotations

import gzip
import html
import io
import re
import shutil

import pytest

from evidex.ingest import Deletion, detect_format, iter_file, medline_text, medline_xml
from evidex.records import Problem, Record, Section

from .conftest import need_data

SAMPLE_604 = "titipata_medline16n0902_sample.xml"
TRUNCATED = "iAmGiG_pubmed_sample_TRUNCATED.xml"

# file -> (records, problems, deletions), counted by hand from the files.
XML_FILES = {
    "biopython_pubmed1.xml": (2, 0, 0),
    "biopython_pubmed2.xml": (2, 0, 0),
    "biopython_pubmed4.xml": (1, 0, 0),
    "biopython_pubmed5.xml": (1, 0, 0),
    "biopython_pubmed6.xml": (1, 0, 0),
    "biopython_pubmed7.xml": (1, 0, 0),
    TRUNCATED: (8, 1, 0),
    "iAmGiG_pubmed_sample_repaired.xml": (8, 0, 0),
    SAMPLE_604: (604, 0, 1),
    "titipata_pubmed-29768149.xml": (1, 0, 0),
    "titipata_test_current_medline.xml": (4, 0, 0),
}


def _split(items):
    recs = [i for i in items if isinstance(i, Record)]
    probs = [i for i in items if isinstance(i, Problem)]
    dels = [i for i in items if isinstance(i, Deletion)]
    assert len(recs) + len(probs) + len(dels) == len(items)
    return recs, probs, dels


def _complete_pmids(raw: str) -> list[str]:
    """PMIDs of complete citations, found by regex (an oracle independent of lxml)."""
    arts = re.findall(r"<PubmedArticle>(.*?)</PubmedArticle>", raw, re.S) \
        or re.findall(r"<MedlineCitation\b[^>]*>(.*?)</MedlineCitation>", raw, re.S)
    return [re.search(r"<PMID[^>]*>(\d+)</PMID>", a).group(1) for a in arts]


@pytest.fixture(scope="module")
def sample_604():
    return _split(list(iter_file(need_data("pubmed_xml", SAMPLE_604))))


# -- MEDLINE / PubMed XML ------------------------------------------------------------

def test_every_shared_xml_file_is_listed():
    folder = need_data("pubmed_xml")
    assert sorted(p.name for p in folder.iterdir()) == sorted(XML_FILES)


@pytest.mark.parametrize("name", sorted(XML_FILES))
def test_every_xml_file_parses(name):
    path = need_data("pubmed_xml", name)
    assert detect_format(path) == "medline_xml"
    recs, probs, dels = _split(list(iter_file(path)))
    assert (len(recs), len(probs), len(dels)) == XML_FILES[name]
    assert [r.pmid for r in recs] == _complete_pmids(path.read_text(encoding="utf-8"))
    for r in recs:
        assert r.id == f"pmid:{r.pmid}" and r.pmid.isdigit()
        assert r.title or r.sections
        assert r.url == f"https://pubmed.ncbi.nlm.nih.gov/{r.pmid}/"
        assert r.source == str(path)
        assert all(s.text and s.text == " ".join(s.text.split()) for s in r.sections)
        assert r.doi is None or r.doi == r.doi.lower()


def test_sample_counts_and_delete_citation(sample_604):
    recs, probs, dels = sample_604
    assert len(recs) == 604 and not probs
    assert dels == [Deletion("pmid:26432306")]
    assert len({r.id for r in recs}) == 604
    assert "pmid:26432306" not in {r.id for r in recs}


def test_structured_abstract_labels_kept(sample_604):
    recs, _, _ = sample_604
    raw = need_data("pubmed_xml", SAMPLE_604).read_text(encoding="utf-8")
    raw_labels = [html.unescape(x).upper() for x in re.findall(r'<AbstractText[^>]*\bLabel="([^"]*)"', raw)]
    got = [s.label for r in recs for s in r.sections if s.label]
    assert len(got) == len(raw_labels) == 1085
    assert sorted(set(got)) == sorted(set(raw_labels))
    assert sum(1 for r in recs if any(s.label == "METHODS" for s in r.sections)) == 104


def test_known_record_fields(sample_604):
    recs, _, _ = sample_604
    r = {x.id: x for x in recs}["pmid:19368899"]
    assert r.title == ("Is serum brain-derived neurotrophic factor a biomarker for cognitive "
                       "enhancement in schizophrenia?")
    assert r.doi == "10.1016/j.biopsych.2009.02.017"
    assert r.pmid == "19368899"
    assert r.journal == "Biol Psychiatry"          # MedlineTA preferred over ISOAbbreviation
    assert (r.year, r.volume, r.issue, r.pages) == (2009, "66", "6", "549-53")
    assert r.language == "eng"
    assert r.authors == ("Vinogradov S", "Fisher M", "Holland C", "Shelly W", "Wolkowitz O", "Mellon SH")
    assert r.publication_types == ("Clinical Trial", "Journal Article", "Randomized Controlled Trial",
                                   "Research Support, N.I.H., Extramural",
                                   "Research Support, U.S. Gov't, Non-P.H.S.")
    assert {"Schizophrenia", "Cognitive Therapy", "Case-Control Studies", "Humans"} <= set(r.mesh_terms)
    assert len(r.mesh_terms) == 18
    assert [s.label for s in r.sections] == ["BACKGROUND", "METHODS", "RESULTS", "CONCLUSIONS"]
    assert r.sections[1].text.startswith("Fifty-six schizophrenia outpatients and 16 matched")
    assert r.sections[1].text.endswith("reassessment of cognition and serum BDNF.")


def test_medline_date_gives_year(sample_604):
    recs, _, _ = sample_604
    by_id = {r.id: r for r in recs}
    # <MedlineDate>2008 Jul-Aug</MedlineDate> etc.
    assert by_id["pmid:18621939"].year == 2008
    assert by_id["pmid:26702167"].year == 2015
    assert all(r.year is not None for r in recs)


def test_pubmed_article_set_record():
    recs, _, _ = _split(list(iter_file(need_data("pubmed_xml", "titipata_test_current_medline.xml"))))
    r = recs[0]
    assert r.id == "pmid:36400559"
    assert r.title == "Back Pain: Differential Diagnosis and Management."
    assert r.doi == "10.1016/j.ncl.2022.07.002"
    assert (r.journal, r.year, r.volume, r.issue, r.pages) == ("Neurol Clin", 2023, "41", "1", "61-76")
    assert r.authors == ("Gibbs D", "McGahan BG", "Ropper AE", "Xu DS")
    assert r.publication_types == ("Journal Article", "Review")
    assert r.keywords == ("Back pain", "Diagnosis", "Management", "Outpatient")
    assert "Low Back Pain" in r.mesh_terms
    assert len(r.sections) == 1 and r.sections[0].label == ""
    # &#xa0; inside the abstract is whitespace, normalised to one space.
    assert "greater than 6 weeks" in r.sections[0].text
    # The second record has no DOI anywhere.
    assert recs[1].id == "pmid:2930949" and recs[1].doi is None


def test_doi_from_article_id_list_when_no_elocation():
    recs, _, _ = _split(list(iter_file(need_data("pubmed_xml", "biopython_pubmed2.xml"))))
    assert {r.id: r.doi for r in recs} == {"pmid:11748933": "10.1006/cryo.2001.2328",
                                           "pmid:11700088": "10.1006/jmre.2001.2429"}


@pytest.mark.parametrize("name", ["sample.xml.gz", "update_0001.gz"])
def test_gzip_input(tmp_path, sample_604, name):
    src = need_data("pubmed_xml", SAMPLE_604)
    gz = tmp_path / name
    with open(src, "rb") as fin, gzip.open(gz, "wb") as fout:
        shutil.copyfileobj(fin, fout)
    assert detect_format(gz) == "medline_xml"
    recs, probs, dels = _split(list(iter_file(gz)))
    plain_recs, _, plain_dels = sample_604
    assert not probs
    assert [r.id for r in recs] == [r.id for r in plain_recs]
    assert [r.content_hash() for r in recs] == [r.content_hash() for r in plain_recs]
    assert dels == plain_dels


def test_truncated_file_yields_complete_records_and_one_problem():
    path = need_data("pubmed_xml", TRUNCATED)
    recs, probs, _ = _split(list(iter_file(path)))
    repaired, _, _ = _split(list(iter_file(need_data("pubmed_xml", "iAmGiG_pubmed_sample_repaired.xml"))))
    assert len(recs) == 8
    assert [r.id for r in recs] == [r.id for r in repaired]
    assert len(probs) == 1
    text = str(probs[0])
    assert TRUNCATED in text
    m = re.search(r"line (\d+)", text)
    assert m, text
    n_lines = path.read_bytes().count(b"\n")
    assert n_lines - 5 <= int(m.group(1)) <= n_lines + 1   # it names where the file breaks off
    assert "8" in probs[0].message


_TINY = b"""<?xml version="1.0"?>
<PubmedArticleSet>
<PubmedArticle><MedlineCitation><PMID Version="1">111</PMID><Article>
  <Journal><JournalIssue><PubDate><MedlineDate>1998 Dec-1999 Jan</MedlineDate></PubDate></JournalIssue>
  <ISOAbbreviation>J Test</ISOAbbreviation></Journal>
  <ArticleTitle>Level of CO<sub>2</sub> in <i>vivo</i></ArticleTitle>
  <Abstract>
    <AbstractText NlmCategory="METHODS">We measured   CO<sub>2</sub>.</AbstractText>
    <AbstractText Label="Results" NlmCategory="RESULTS">It rose.</AbstractText>
    <AbstractText Label="EMPTY"></AbstractText>
  </Abstract>
  <AuthorList><Author><CollectiveName>The Test Group</CollectiveName></Author></AuthorList>
  <ELocationID EIdType="doi">10.1000/ABC.DEF</ELocationID>
</Article></MedlineCitation></PubmedArticle>
<PubmedArticle><MedlineCitation><PMID Version="1">222</PMID><Article>
  <VernacularTitle>Titre en francais</VernacularTitle>
</Article></MedlineCitation></PubmedArticle>
<PubmedArticle><MedlineCitation><Article><ArticleTitle>No PMID here</ArticleTitle></Article>
</MedlineCitation></PubmedArticle>
<PubmedArticle><MedlineCitation><PMID Version="1">333</PMID><Article><ArticleTitle></ArticleTitle>
</Article></MedlineCitation></PubmedArticle>
<PubmedBookArticle><BookDocument><PMID>444</PMID></BookDocument></PubmedBookArticle>
<DeleteCitation><PMID Version="1">555</PMID><PMID Version="1">556</PMID></DeleteCitation>
</PubmedArticleSet>
"""


def test_parse_stream_edge_cases():
    items = list(medline_xml.parse_stream(io.BytesIO(_TINY), "tiny.xml"))
    recs, probs, dels = _split(items)
    assert [r.id for r in recs] == ["pmid:111", "pmid:222"]
    a, b = recs
    assert a.title == "Level of CO2 in vivo"
    assert a.sections == (Section("METHODS", "We measured CO2."), Section("RESULTS", "It rose."))
    assert a.year == 1998 and a.journal == "J Test" and a.doi == "10.1000/abc.def"
    assert a.authors == ("The Test Group",)
    assert b.title == "Titre en francais" and b.sections == ()
    assert sorted(p.where for p in probs) == ["PMID 333", "article 3"]
    assert all(p.source == "tiny.xml" for p in probs)
    assert dels == [Deletion("pmid:555"), Deletion("pmid:556")]


def test_malformed_xml_midway_keeps_earlier_records():
    head, _, _ = _TINY.partition(b"<PubmedArticle><MedlineCitation><PMID Version=\"1\">222")
    broken = head + b"<PubmedArticle><MedlineCitation><PMID>9</PMID><Article><Art"
    recs, probs, _ = _split(list(medline_xml.parse_stream(io.BytesIO(broken), "broken.xml")))
    assert [r.id for r in recs] == ["pmid:111"]
    assert len(probs) == 1 and re.fullmatch(r"line \d+", probs[0].where)
    assert "1 complete citation" in probs[0].message


# -- MEDLINE text --------------------------------------------------------------------

@pytest.mark.parametrize("name, ids", [
    ("biopython_pubmed_result1.txt", ["pmid:12230038"]),
    ("biopython_pubmed_result2.txt", ["pmid:16403221", "pmid:16377612", "pmid:14871861", "pmid:14630660"]),
    ("biopython_pubmed_result3.txt", ["pmid:23039619"]),
])
def test_medline_text_files(name, ids):
    path = need_data("medline_text", name)
    assert detect_format(path) == "medline_text"     # .txt starting with PMID- (after a blank line)
    recs, probs, _ = _split(list(iter_file(path)))
    assert not probs
    assert [r.id for r in recs] == ids
    raw = path.read_text(encoding="utf-8")
    assert len(recs) == len(re.findall(r"^PMID- ", raw, re.M))
    for r in recs:
        assert r.title and r.publication_types and r.year


def test_medline_text_record_fields():
    (r,), _, _ = _split(list(iter_file(need_data("medline_text", "biopython_pubmed_result1.txt"))))
    assert r.title == "The Bio* toolkits--a brief overview."
    assert (r.year, r.volume, r.issue, r.pages, r.journal) == (2002, "3", "3", "296-302", "Brief Bioinform")
    assert r.authors == ("Mangalam H",)
    assert r.publication_types == ("Journal Article",)
    assert r.mesh_terms[0] == "Computational Biology"          # '*' (major topic) stripped
    assert "Programming Languages" in r.mesh_terms
    assert len(r.sections) == 1 and r.sections[0].label == ""
    # Continuation lines are joined with single spaces.
    assert "The Open Source BioPerl, BioPython and Biojava projects provide toolkits with multiple" \
        in r.sections[0].text


def test_medline_text_inline_labels_real_record():
    (r,), _, _ = _split(list(iter_file(need_data("medline_text", "biopython_pubmed_result3.txt"))))
    assert [s.label for s in r.sections] == ["PURPOSE", "METHODS", "RESULTS", "CONCLUSIONS"]
    assert r.sections[1].text.startswith("Two transducers, six scanning paths")
    assert r.sections[2].text.startswith("Based on the results of the fast-scanning method")
    assert not any(":" == s.text[-1] for s in r.sections)
    assert r.doi == "10.1118/1.4748329"


def test_rct_medline_records():
    path = need_data("rct_medline", "records_dev.medline")
    assert detect_format(path) == "medline_text"
    recs, probs, _ = _split(list(iter_file(path)))
    raw = path.read_text(encoding="utf-8")
    assert not probs
    assert len(recs) == 463 == len(re.findall(r"^PMID- ", raw, re.M))
    assert all(r.publication_types for r in recs)
    n_rct = sum("Randomized Controlled Trial" in r.publication_types for r in recs)
    assert n_rct == len(re.findall(r"^PT  - Randomized Controlled Trial$", raw, re.M)) == 210
    labelled = [r for r in recs if any(s.label for s in r.sections)]
    assert len(labelled) > 200
    r = {x.id: x for x in recs}["pmid:10974959"]
    assert [s.label for s in r.sections] == ["BACKGROUND", "AIMS", "METHOD", "RESULTS", "CONCLUSION"]
    assert r.sections[2].text.startswith("708 patients with psychosis")


@pytest.mark.parametrize("abstract, expected", [
    ("BACKGROUND: Pain is common. RESULTS: It fell. CONCLUSIONS: Good.",
     (Section("BACKGROUND", "Pain is common."), Section("RESULTS", "It fell."), Section("CONCLUSIONS", "Good."))),
    ("MATERIALS AND METHODS: We did it. RESULTS: 95% CI 1-2 was seen.",
     (Section("MATERIALS AND METHODS", "We did it."), Section("RESULTS", "95% CI 1-2 was seen."))),
    ("A plain abstract with no labels. It says NOTE: nothing.",
     (Section("", "A plain abstract with no labels. It says NOTE: nothing."),)),
    ("Intro first. RESULTS: later label only.",
     (Section("", "Intro first. RESULTS: later label only."),)),
    ("", ()),
])
def test_split_inline_labels(abstract, expected):
    assert medline_text.split_inline_labels(abstract) == expected


def test_malformed_line_gives_problem_naming_line():
    text = (
        "PMID- 1\n"
        "TI  - First title.\n"
        "AB  - BACKGROUND: One. RESULTS: Two.\n"
        "\n"
        "PMID- 2\n"
        "TI  - Second title.\n"
        "this line is garbage\n"
        "AB  - Plain.\n"
        "\n"
        "TI  - A record without PMID.\n"
        "\n"
        "PMID- 4\n"
        "PT  - Journal Article\n"
    )
    items = list(medline_text.parse_lines(io.StringIO(text), "bad.nbib"))
    recs, probs, _ = _split(items)
    assert [r.id for r in recs] == ["pmid:1", "pmid:2"]
    assert recs[0].sections == (Section("BACKGROUND", "One."), Section("RESULTS", "Two."))
    assert recs[1].sections == (Section("", "Plain."),)
    wheres = [p.where for p in probs]
    assert wheres[0] == "line 7" and "this line is garbage" in probs[0].message
    assert wheres[1] == "line 10"                       # block starting at line 10 has no PMID
    assert wheres[2].startswith("line 12") and "PMID 4" in wheres[2]
    assert len(probs) == 3
    assert all(str(p).startswith("bad.nbib: line ") for p in probs)
