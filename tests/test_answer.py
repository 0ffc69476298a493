"""The answer: contract shape, seed sections, honest verdicts and the faithfulness property.

Faithfulness is checked on every answer to a spread of questions over several corpora:
the starter pack, the LDN dev corpus, real MEDLINE XML and the rct_medline set.
"""
from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import pytest

from evidex.load import ingest_paths, ingest_starter
from evidex.query import parse_question
from evidex.render import to_contract, to_html, to_markdown
from evidex.render.json import AnswerOut
from evidex.retrieve import retrieve
from evidex.store import Store
from evidex.synthesis import ask, compose, violations
from evidex.synthesis.answer import Statement
from evidex.text import numbers_in

from .conftest import DATA, need_data

CRPS = "Is low-dose naltrexone effective for complex regional pain syndrome?"
LDN_QUESTIONS = [
    CRPS,
    "Is low-dose naltrexone effective for fibromyalgia?",
    "What dose of LDN is used for chronic pain?",
    "What are the side effects of low dose naltrexone?",
    "How does low-dose naltrexone work in neuropathic pain?",
    "LDN versus amitriptyline for painful diabetic neuropathy",
    "Does naltrexone help reflex sympathetic dystrophy?",
    "Is LDN effective for Crohn's disease?",
    "Is low-dose naltrexone safe in multiple sclerosis?",
    "Does low dose naltrexone improve quality of life in Gulf War illness?",
    "Is naltrexone better than placebo for arthritis pain?",
    "Is ketamine effective for complex regional pain syndrome?",
    "Is LDN useful for long covid fatigue?",
]
GENERAL_QUESTIONS = [
    "Is omeprazole effective for peptic ulcer bleeding?",
    "Do beta blockers reduce mortality after myocardial infarction?",
    "Is case management effective for severe psychotic illness?",
    "Does acupuncture relieve chronic low back pain?",
    "What are the adverse effects of opioids in chronic pain?",
    "Is aspirin effective for preventing stroke?",
    "Does metformin reduce cardiovascular events in diabetes?",
    "Is exercise effective for depression in older adults?",
]


@pytest.fixture(scope="module")
def starter_store(tmp_path_factory) -> Store:
    store = Store(tmp_path_factory.mktemp("starter") / "s.db")
    report = ingest_starter(store)
    assert report.ok and report.stats.added >= 30
    yield store
    store.close()


@pytest.fixture(scope="module")
def shared_store(tmp_path_factory) -> Store:
    if not DATA.exists():
        pytest.skip(f"shared data not available: {DATA}")
    store = Store(tmp_path_factory.mktemp("shared") / "x.db")
    ingest_paths(store, [DATA / "ldn" / "dev_corpus.jsonl", DATA / "pubmed_xml", DATA / "medline_text",
                         DATA / "rct_medline"])
    yield store
    store.close()


def _all_statements(answer) -> list[Statement]:
    out = []
    for sec in answer.sections:
        out += list(sec.statements) + list(sec.key_points)
        for sub in sec.subsections:
            out += list(sub.statements)
    return out


def assert_faithful(answer) -> None:
    problems = violations(answer)
    assert not problems, "\n".join(problems)
    # A heading is written from the question, never from an object: "Evidence for X in <condition>".
    q = answer.query
    inter = " and ".join(q.interventions)
    allowed = {f"Evidence for {inter}", *(f"Evidence for {inter} in {c}" for c in q.conditions[:1])}
    for sec in answer.sections:
        for sub in sec.subsections:
            if sub.heading.lower().startswith("evidence for"):
                assert sub.heading.lower() in {a.lower() for a in allowed}, sub.heading
    refs = {r.n: r for r in answer.references}
    for st in _all_statements(answer):
        if not st.citations:
            assert not numbers_in(st.text), f"uncited statement states a number: {st.text!r}"
        cited = [p.text for n in st.citations for p in refs[n].passages]
        # A quoted sentence must be present verbatim in a cited passage (after its label, if any);
        # each item of a list in one; a summary of our own states no unsupported number (above).
        if st.kind == "quote":
            assert st.citations, f"a quote without a source: {st.text!r}"
            quoted = st.text.split(": ", 1)[-1] if re.match(r"^[A-Z][^:]{0,80}\): ", st.text) else st.text
            assert any(quoted in t for t in cited), st.text
        elif st.kind == "list":
            assert st.items and all(any(i.lower() in t.lower() for t in cited) for i in st.items), st.text
        else:
            assert st.kind == "summary", st.kind
    # References are numbered by first citation in the order the answer is read, the table last.
    first: list[int] = []
    for n in [c for st in _all_statements(answer) for c in st.citations] + [r.ref for r in answer.evidence_table]:
        if n not in first:
            first.append(n)
    assert first == list(range(1, len(first) + 1)), first


def test_crps_answer_has_both_seed_sections_and_an_honest_verdict(starter_store):
    answer = ask(starter_store, CRPS)
    headings = [s.heading for s in answer.sections]
    assert headings == ["From the Guidelines", "From the Research"]
    guidelines, research = answer.sections
    assert guidelines.key_points, "Key Points missing"
    sub_headings = {s.heading for s in research.subsections}
    assert {"Mechanism of Action", "Clinical Use", "Efficacy", "Safety"} <= sub_headings
    assert answer.verdict.certainty in ("low", "very_low")
    assert any(r.startswith("Indirectness") for r in answer.verdict.reasons)
    assert answer.query.conditions == ("complex regional pain syndrome",)
    assert answer.query.interventions == ("low-dose naltrexone",)
    # The CRPS case reports and the CRPS systematic review are cited.
    cited = {r.id for r in answer.references}
    assert {"doi:10.1007/s11481-013-9451-y", "pmid:34213865"} <= cited
    assert_faithful(answer)


@pytest.mark.parametrize("question", ["Does low dose naltrexone have side effects?", CRPS])
def test_a_yes_no_answer_opens_its_key_points_with_the_answer(starter_store, question):
    """Only the aggregated list of harms may come before the direct answer ("Yes — ...")."""
    points = ask(starter_store, question).sections[0].key_points
    opening = next(i for i, st in enumerate(points) if re.match(r"(?:Probably (?:yes|no)|Yes|No|Uncertain) \u2014", st.text))
    assert all(st.kind == "list" for st in points[:opening]), [st.text for st in points]


def test_crps_answer_shows_indirect_evidence_as_indirect(starter_store):
    answer = ask(starter_store, CRPS)
    rows = {r.ref: r for r in answer.evidence_table}
    refs = {r.n: r for r in answer.references}
    fibro_rows = [r for r in rows.values() if "fibromyalgia" in r.population and "complex regional" not in r.population]
    assert fibro_rows and all("(indirect)" in r.population for r in fibro_rows)
    # The negative 99-woman trial is shown, not hidden.
    negative = [n for n, r in refs.items() if r.id == "doi:10.1016/s2665-9913(23)00278-3"]
    assert negative, "the null fibromyalgia trial is missing from the references"


def test_evidence_table_numbers_come_from_cited_passages(starter_store):
    answer = ask(starter_store, "Is low-dose naltrexone effective for fibromyalgia?")
    rows = [r for r in answer.evidence_table if r.n is not None or r.effect]
    assert rows, "no study row carried a sample size or an effect"
    refs = {r.n: r for r in answer.references}
    for row in rows:
        text = " ".join(p.text for p in refs[row.ref].passages)
        if row.n is not None:
            assert str(row.n) in numbers_in(text)
        assert numbers_in(row.effect) <= numbers_in(text)
    younger = next(r for r in answer.references if r.id == "doi:10.1002/art.37734")
    row = next(r for r in answer.evidence_table if r.ref == younger.n)
    assert row.n == 31 and row.design == "rct" and "4.5 mg" in row.intervention


@pytest.mark.parametrize("question", LDN_QUESTIONS)
def test_faithfulness_on_starter_pack(starter_store, question):
    answer = ask(starter_store, question)
    assert_faithful(answer)
    AnswerOut.model_validate(to_contract(answer))


@pytest.mark.parametrize("question", LDN_QUESTIONS + GENERAL_QUESTIONS)
def test_faithfulness_on_shared_corpora(shared_store, question):
    answer = ask(shared_store, question)
    assert_faithful(answer)
    AnswerOut.model_validate(to_contract(answer))


def test_json_matches_the_contract_exactly(starter_store):
    data = to_contract(ask(starter_store, CRPS))
    assert set(data) == {"question", "query", "verdict", "sections", "evidence_table", "references", "warnings",
                         "writer", "replaced"}
    assert data["writer"] == "extractive" and data["replaced"] == 0
    assert set(data["query"]) == {"conditions", "interventions", "comparators", "intent"}
    assert set(data["verdict"]) == {"direction", "certainty", "reasons"}
    for row in data["evidence_table"]:
        assert set(row) == {"ref", "design", "n", "population", "intervention", "comparator", "outcome",
                            "effect", "direction"}
    for ref in data["references"]:
        assert set(ref) == {"n", "id", "citation", "design", "url", "passages"}
        assert ref["passages"] and all(set(p) == {"section", "text"} for p in ref["passages"])
    assert [r["n"] for r in data["references"]] == list(range(1, len(data["references"]) + 1))
    json.dumps(data)


def test_every_citation_resolves_and_every_reference_is_cited(starter_store):
    """... or is another report of a cited trial, listed after the others (and named in the warnings)."""
    answer = ask(starter_store, CRPS)
    cited = {c for st in _all_statements(answer) for c in st.citations} | {r.ref for r in answer.evidence_table}
    other_reports = {r.n for r in answer.references
                     if any(w.startswith(f"{r.id} reports the same trial as ") for w in answer.warnings)}
    assert cited | other_reports == {r.n for r in answer.references} and not cited & other_reports
    assert all(n > max(cited) for n in other_reports)


def test_faithfulness_check_catches_an_invented_number(starter_store):
    answer = ask(starter_store, CRPS)
    research = answer.sections[1]
    sub = research.subsections[0]
    st = sub.statements[0]
    forged = replace(st, text=st.text + " Pain fell by 73.9% in 412 patients.")
    bad = replace(answer, sections=(answer.sections[0],
                                    replace(research, subsections=(replace(sub, statements=(forged,)),))))
    problems = violations(bad)
    assert problems and "73.9" in problems[0] and "412" in problems[0]


def test_no_evidence_gives_insufficient_not_a_guess(starter_store):
    answer = ask(starter_store, "Is zoledronate effective for psoriasis?")
    assert answer.verdict.direction == "insufficient"
    assert not answer.evidence_table
    assert answer.warnings


def test_retracted_paper_is_flagged_not_used(starter_store):
    answer = ask(starter_store, "How does ultra-low-dose naltrexone act on filamin A?")
    assert not any(r.id == "doi:10.1371/journal.pone.0001554" and r.design != "preclinical"
                   for r in answer.references)
    assert all(row.ref != next((r.n for r in answer.references if r.id == "doi:10.1371/journal.pone.0001554"), -1)
               for row in answer.evidence_table)


def test_markdown_and_html_render_citations_and_escape(starter_store):
    answer = ask(starter_store, CRPS)
    md = to_markdown(answer)
    assert md.startswith(f"# {CRPS}")
    assert "## From the Guidelines" in md and "### Key Points" in md and "## From the Research" in md
    assert re.search(r"\[\d+(, \d+)*\]", md)
    assert "## References" in md and "pubmed.ncbi.nlm.nih.gov/34213865" in md
    evil = replace(answer, question="<script>alert(1)</script>")
    html = to_html(evil)
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html


def test_query_parsing_normalises_synonyms():
    q = parse_question("Does LDN help reflex sympathetic dystrophy compared with gabapentin?")
    assert q.interventions == ("low-dose naltrexone",)
    assert q.conditions == ("complex regional pain syndrome",)
    assert q.comparators == ("gabapentin",)
    assert q.intent == "comparison"


def test_retrieval_finds_direct_evidence_first(starter_store):
    found = retrieve(starter_store, parse_question(CRPS))
    assert found[0].direct
    assert {c.stored.record.id for c in found if c.direct} >= {"pmid:34213865", "doi:10.1007/s11481-013-9451-y"}


def test_compose_is_pure_given_the_same_candidates(starter_store):
    q = parse_question(CRPS)
    cands = retrieve(starter_store, q)
    assert to_contract(compose(q, cands)) == to_contract(compose(q, cands))


def test_starter_pack_does_not_copy_source_sentences():
    """Summaries in the starter pack are our own words: no 8-word run from the sources."""
    dev = need_data("ldn", "dev_corpus.jsonl")
    seeds = DATA.parent / "seeds"

    def shingles(text: str) -> set[tuple[str, ...]]:
        words = re.findall(r"\w+", text.lower())
        return {tuple(words[i:i + 8]) for i in range(len(words) - 7)}

    source: set[tuple[str, ...]] = set()
    for line in dev.read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        source |= shingles(" ".join(s["text"] for s in rec.get("abstract_sections") or []))
    for seed in seeds.glob("*.txt"):
        source |= shingles(seed.read_text(encoding="utf-8"))
    starter = Path(__file__).resolve().parents[1] / "src/evidex/starter/ldn_pain.jsonl"
    copied = []
    for line in starter.read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        for sec in rec["abstract_sections"]:
            overlap = shingles(sec["text"]) & source
            if overlap:
                copied.append((rec["id"], " ".join(sorted(overlap)[0])))
    assert not copied, copied[:5]
