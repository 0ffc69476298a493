"""A head-to-head question is answered by trials that have the comparator as an arm.

- A placebo trial that names the comparator only in its background is *indirect* for
  "A vs B" (differs in its comparator), whether or not A is a vocabulary name: before, an
  open-vocabulary drug ("zelotriptan") skipped the comparator check, so every trial of the
  drug counted as direct head-to-head evidence.
- A single trial of the comparison cannot be high certainty: whether its result replicates
  cannot be judged (GRADE 5.2.2; AHRQ EPC "consistency unknown").
"""
from __future__ import annotations

from pathlib import Path

import pytest

from evidex.eval.qa import build_store
from evidex.query import parse_question
from evidex.records import Record, Section
from evidex.retrieve import retrieve
from evidex.synthesis import ask, violations
from evidex.synthesis.evidence import build_studies


def _rct(i: int, title: str, background: str, methods: str, results: str, conclusion: str) -> Record:
    return Record(id=f"pmid:8{i:06d}", title=title, pmid=f"8{i:06d}", year=2002, authors=(f"Writer{i} B",),
                  publication_types=("Randomized Controlled Trial",),
                  sections=(Section("BACKGROUND", background), Section("METHODS", methods),
                            Section("RESULTS", results), Section("CONCLUSIONS", conclusion)))


TRIALS = [
    _rct(1, "Zelotriptan versus sumatriptan in acute migraine: a randomised double-blind trial",
         "Triptans are the standard acute treatment of migraine.",
         "In this double-blind trial 912 adults with migraine were randomised to zelotriptan 40 mg or "
         "sumatriptan 100 mg for one attack.",
         "Headache response at 2 hours was 67% with zelotriptan and 55% with sumatriptan (p < 0.001).",
         "Zelotriptan was more effective than sumatriptan for acute migraine."),
    _rct(2, "Zelotriptan in acute migraine: a placebo-controlled trial",
         "Sumatriptan was the first triptan; many patients do not respond to sumatriptan.",
         "We randomised 1104 adults with migraine to zelotriptan 40 mg or placebo in a double-blind trial.",
         "Headache response at 2 hours was 62% with zelotriptan and 19% with placebo (p < 0.0001).",
         "Zelotriptan was effective and well tolerated for acute migraine."),
]


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    s, _ = build_store(TRIALS, Path(tmp_path_factory.mktemp("h2h")) / "h.db")
    yield s
    s.close()


QUESTION = "Is zelotriptan more effective than sumatriptan for acute migraine?"


def test_a_placebo_trial_naming_the_comparator_in_its_background_is_indirect(store):
    query = parse_question(QUESTION)
    assert query.comparators == ("sumatriptan",)
    studies = {s.record.id: s for s in build_studies(query, retrieve(store, query))}
    assert studies["pmid:8000001"].relevance == "direct"
    assert studies["pmid:8000002"].relevance == "indirect"
    assert "comparator" in studies["pmid:8000002"].differs


def test_a_single_head_to_head_trial_is_not_high_certainty(store):
    answer = ask(store, QUESTION)
    assert answer.verdict.direction == "favours"
    assert answer.verdict.certainty in ("moderate", "low")
    assert any("single trial" in r for r in answer.verdict.reasons)
    assert violations(answer) == []
