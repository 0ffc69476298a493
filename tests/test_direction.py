"""Study direction read from results sentences: the statistic a sentence reports decides it
when its words do not (a CI spanning 1, p >= 0.05 beside rates set against each other), and
the hard kinds a clinician found misread."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from evidex.enrich.direction import sentence_direction, significance, study_direction

from .conftest import ROOT, need_data


@pytest.mark.parametrize("sentence, expected", [
    # a favourable ratio whose CI crosses 1 is no difference found
    ("The hazard ratio for death was 0.88 (95% CI 0.5-1.5; P=0.6).", "no_difference"),
    ("Mortality: hazard ratio 0.88 (0.5-1.5; P=0.6)", "no_difference"),
    ("The relative risk of treatment failure was 0.95 (95% CI 0.71-1.27).", "no_difference"),
    # several arms' rates with one test at or above 0.05
    ("Response rates were 16% vs 25% vs 15%, p = 0.28.", "no_difference"),
    ("Relapse occurred in 32% versus 46% of patients (p = 0.486).", "no_difference"),
    # a ratio below 1 with its interval wholly below 1, written with or without "CI"
    ("In diabetic patients the RR of death was 0.64 (0.45-0.91).", "favours"),
    ("Fewer events occurred (risk ratio 0.76, 95% CI 0.61-0.95, P = 0.013).", "favours"),
    # a significant difference reported by its test alone
    ("Tolterodine 79% vs placebo, P=0.0027.", "favours"),
    # a significant harm done by the treatment
    ("Procyclidine significantly impaired PPI compared to placebo.", "against"),
    # the words still come first
    ("There was no significant difference in relapse (HR 0.70, 95% CI 0.55-0.89).", "no_difference"),
])
def test_hard_sentences(sentence: str, expected: str) -> None:
    assert sentence_direction(sentence) == expected


def test_p_value_at_the_end_of_a_sentence() -> None:
    assert significance("Rates were 16% and 25%, p = 0.28.") == "not_significant"
    assert significance("Symptoms were milder, P = 0.001.") == "significant"
    assert significance("Lancet style p=0\u00b702.") == "significant"


def test_a_lone_high_p_value_stays_unclear() -> None:
    # trials report many secondary tests; a p >= 0.05 without a comparison is not a verdict
    assert sentence_direction("Time to first request for analgesia was shorter (P = 0.30).") == "unclear"


def test_baseline_make_up_is_not_the_effect() -> None:
    s = "There was no significant difference between the groups in age and baseline RR interval."
    assert sentence_direction(s) == "unclear"
    # ... but a null said of the treatment is kept
    assert sentence_direction("There was no significant difference between groups after treatment.") == "no_difference"


def test_study_direction_from_sentences() -> None:
    sents = ["Patients were randomised to drug or placebo.",
             "Primary outcomes occurred in 6.3% vs 5.8% (relative risk 1.10 [95% CI 0.91-1.34], p=0.35).",
             "Both drugs lowered blood pressure."]
    assert study_direction(sents) == "no_difference"


def test_labelled_evidence_is_in_its_abstract() -> None:
    """Every labelled study's deciding sentence is copied from its record, and reads as labelled
    where the words or the statistic settle it (the CI and p-value rows)."""
    need_data("cohen2006")
    from evidex.ingest import iter_file
    from evidex.records import Record

    rows = [json.loads(line) for line in (ROOT / "docs" / "labels" / "study_directions.jsonl").read_text().splitlines()]
    assert len(rows) >= 190
    assert {r["direction"] for r in rows} == {"favours", "no_difference", "against"}
    wanted = {r["id"]: r for r in rows}
    texts: dict[str, str] = {}
    for source in {r["source"] for r in rows}:
        for rec in iter_file(need_data(*Path(source).parts)):
            if isinstance(rec, Record) and rec.id in wanted:
                texts[rec.id] = " ".join(s.text for s in rec.sections)
    assert set(texts) == set(wanted)
    for rid, row in wanted.items():
        assert row["evidence"] in texts[rid], rid
    # the statistic decides these evidence sentences
    assert sentence_direction(wanted["pmid:7826557"]["evidence"]) == "no_difference"   # RR 0.95 (P = .71)
    assert sentence_direction(wanted["pmid:12680744"]["evidence"]) == "against"        # significantly impaired
