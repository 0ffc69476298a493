"""How one study is read and weighed: a harm lessened, a protocol the question is about, a condition
written in the study's own words, a named exercise protocol, a finding no reporting cue reads."""
from __future__ import annotations

from evidex.enrich.design import classify_text
from evidex.enrich.direction import sentence_direction
from evidex.eval.qa import build_store
from evidex.records import Record, Section
from evidex.synthesis import ask, violations


def _record(pmid: str, title: str, kind: str, *sections: tuple[str, str]) -> Record:
    return Record(id=f"pmid:{pmid}", title=title, pmid=pmid, year=2001, authors=(f"Author{pmid} A",),
                  publication_types=(kind,), sections=tuple(Section(label, text) for label, text in sections))


def test_a_harm_the_treatment_lessened_is_a_finding_for_it():
    """"Reduced hospitalisations for worsening heart failure" reports a benefit; worsening itself is harm."""
    assert sentence_direction("Metoprolol CR/XL also reduced the number of hospitalizations for worsening heart "
                              "failure by 45% compared with placebo (p < 0.0001).") == "favours"
    assert sentence_direction("Fewer patients on enalapril had worsening of symptoms (p = 0.01).") == "favours"
    assert sentence_direction("Treatment reduced the risk of deterioration.") == "favours"
    assert sentence_direction("Worsening of heart failure was less frequent with amlodipine.") != "against"
    assert sentence_direction("Pain worsened in the naltrexone group.") == "against"
    assert sentence_direction("Lisinopril was inferior to enalapril in lowering blood pressure.") == "against"


def test_a_finished_trial_run_on_a_named_exercise_protocol_is_not_a_protocol():
    """"On a Naughton protocol" names how exercise was tested, in a trial with tested results; a
    design paper that plans its trial is still a protocol, though it states its power and alpha."""
    done = ("Two multicenter trials of amlodipine were undertaken in 437 patients with heart failure. Amlodipine "
            "was associated with no significant difference in change in exercise time on a Naughton protocol "
            "compared with placebo in each trial (P = .39).")
    assert classify_text(done, "Effects of amlodipine on exercise tolerance in heart failure",
                         done).label != "protocol"
    planned = ("This study protocol describes a randomised trial of low-dose naltrexone in fibromyalgia. Patients "
               "will be randomised to naltrexone or placebo, and pain intensity will be the primary endpoint; 60 "
               "patients per arm give 90% power to detect a 1-point difference at a 5% significance level.")
    assert classify_text(planned, "A study protocol for a randomised trial of low-dose naltrexone",
                         planned).label == "protocol"


def test_a_condition_written_in_the_study_own_words_is_the_asked_population(tmp_path):
    """"Heart failure from left ventricular systolic dysfunction" is systolic heart failure: the trial
    answers the question directly, not as evidence from another condition."""
    trial = _record("7100001", "Effects of amlodipine on exercise tolerance in patients with heart failure from left "
                    "ventricular systolic dysfunction", "Randomized Controlled Trial",
                    ("METHODS", "A total of 437 patients with stable heart failure were studied in a randomized, "
                                "double-blind, placebo-controlled design."),
                    ("RESULTS", "Amlodipine 10 mg/day was associated with no significant difference in change in "
                                "exercise time compared with placebo."),
                    ("CONCLUSIONS", "Amlodipine does not improve exercise tolerance in heart failure."))
    store, _ = build_store([trial], tmp_path / "pop.db")
    try:
        answer = ask(store, "Does amlodipine improve exercise tolerance in systolic heart failure?")
        assert answer.query.conditions == ("heart failure, systolic",)
        assert answer.verdict.direction == "no_difference", answer.verdict
        assert violations(answer) == []
    finally:
        store.close()


def test_a_question_about_a_trial_protocol_is_answered_insufficient(tmp_path):
    """The record a question is about is a trial still to report: the other trials of the drug do
    not answer for it (a cost-utility question, with only a protocol measuring costs)."""
    protocol = _record("7200001", "Study protocol for a randomised placebo-controlled trial of the cost-utility and "
                       "add-on efficacy of low-dose naltrexone in fibromyalgia", "Clinical Trial Protocol",
                       ("METHODS", "The trial will randomise 120 patients with fibromyalgia to low-dose naltrexone or "
                                   "placebo for 12 months."),
                       ("RESULTS", "Quality-adjusted life years and costs will be calculated to estimate the "
                                   "cost-utility of low-dose naltrexone."))
    trials = [_record(f"72000{i + 2}", f"Low-dose naltrexone for fibromyalgia pain: a randomised trial {i}",
                      "Randomized Controlled Trial",
                      ("METHODS", f"We randomised {30 + i} women with fibromyalgia to low-dose naltrexone or placebo."),
                      ("RESULTS", "Low-dose naltrexone reduced pain significantly more than placebo (p = 0.01)."),
                      ("CONCLUSIONS", "Low-dose naltrexone reduces fibromyalgia pain."))
              for i in range(2)]
    store, _ = build_store([protocol, *trials], tmp_path / "protocol.db")
    try:
        answer = ask(store, "Is low-dose naltrexone cost-effective for fibromyalgia - has anyone measured the "
                            "quality-adjusted life years and costs?")
        assert answer.verdict.direction == "insufficient", answer.verdict
        assert "protocol" in answer.verdict.reasons[0]
        assert violations(answer) == []
    finally:
        store.close()


def test_a_finding_no_reporting_cue_reads_is_read_by_the_trained_reader(tmp_path):
    """Two regimens' values side by side, with no test and no reporting word: no cue reads the
    sentence and the stance model is undecided, so the study reader (which weighs tests, wording and
    the stance together) gives the study its direction instead of leaving it without one."""
    trial = _record("7300003", "Glimepiride once versus twice daily", "Randomized Controlled Trial",
                    ("METHODS", "We randomised 106 patients to glimepiride 6 mg once daily or 3 mg twice daily."),
                    ("RESULTS", "Fasting glucose concentrations at the end of each period were 9.1 and 9.3 mmol/l with "
                                "the once- and twice-daily regimens."))
    store, _ = build_store([trial], tmp_path / "reader.db")
    try:
        answer = ask(store, "Does glimepiride lower fasting glucose more when given twice daily?")
        assert answer.verdict.direction == "no_difference", answer.verdict
        assert violations(answer) == []
    finally:
        store.close()
