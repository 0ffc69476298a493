"""How one study is read and weighed: a harm lessened, a protocol the question is about, a condition
written in the study's own words, a named exercise protocol, a finding no reporting cue reads (the
negative cases from a review of the change: clauses, control arms, plans, other conditions)."""
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
    # a harm caused, in another clause, lessened in the control arm, or "lower" in another sense stays a harm
    for harm in ("Reduced-dose aspirin was associated with worsening of renal function.",
                 "Reduction of the dose led to worsening of seizure control.",
                 "The drug reduced blood pressure but worsened renal function.",
                 "Although LDL cholesterol decreased, glycaemic control worsened with the statin.",
                 "Heart rate was lower with ivabradine and symptoms worsened in 10% of patients.",
                 "Worsening of symptoms was less frequent with placebo than with sertraline.",
                 "The control group had fewer episodes of worsening than the treatment group.",
                 "Placebo recipients experienced less worsening of pain than those given the opioid.",
                 "Lower limb function deteriorated in the treatment group compared with controls.",
                 "Lower doses caused worsening of symptoms in 30% of patients.",
                 "Symptoms slowly worsened in patients given the active drug.",
                 "Patients with lower baseline eGFR had worsening renal function on the drug."):
        assert sentence_direction(harm) == "against", harm


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
    # a plan's threshold ("P < 0.05 will be considered significant") is no result; nor is a pilot's
    # result in a paper its title calls a protocol
    plan = ("The study protocol of this trial randomises 200 adults to melatonin or placebo. A P value < 0.05 will be "
            "considered statistically significant.")
    assert classify_text(plan, "Melatonin for delirium", plan).label == "protocol"
    pilot = ("This study protocol describes the trial. In our pilot study anxiety was significantly reduced with yoga "
             "(p = 0.02).")
    assert classify_text(pilot, "Yoga for anxiety in pregnancy: protocol for a randomised controlled trial",
                         pilot).label == "protocol"


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


def test_a_heading_in_the_study_own_words_needs_its_head_first_and_its_qualifier_joined_to_it():
    """"X, Y" is named as "X from/of/due to ... Y" in one clause; the same words about other
    conditions are not it (type 1 for type 2, a blood pressure for a kind of heart failure)."""
    from evidex.matching import names_heading

    assert names_heading("patients with heart failure from left ventricular systolic dysfunction",
                         ("heart failure, systolic",))
    assert names_heading("codeine in the treatment of osteoarthritis of the hip or knee", ("osteoarthritis, knee",))
    for heading, text in (("diabetes mellitus, type 2", "Patients with type 1 diabetes mellitus were randomised."),
                          ("heart failure, diastolic", "Patients with systolic heart failure had diastolic blood "
                                                       "pressure above 90 mmHg."),
                          ("arthritis, rheumatoid", "Patients with psoriatic arthritis and rheumatoid factor negativity."),
                          ("sleep apnea, obstructive", "Central sleep apnea in patients with obstructive airways disease."),
                          ("pain, postoperative", "Postoperative nausea and vomiting and pain on injection."),
                          ("hepatitis c, chronic", "Chronic hepatitis B: a randomised trial of entecavir."),
                          ("heart failure", "Patients with renal failure had their heart rate recorded.")):
        assert not names_heading(text, (heading,)), (heading, text)


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
    """"Equivalent in terms of retention ... similar cocaine use outcomes": no reporting cue reads the
    sentence (its words sit between "similar" and "outcomes") and the stance model is undecided, so
    the study reader, which weighs tests, wording and stance together, gives the study its direction
    instead of leaving it without one."""
    trial = _record("7300003", "Sustained-release methylphenidate for cocaine dependence: a placebo-controlled trial",
                    "Randomized Controlled Trial",
                    ("METHODS", "Forty-eight cocaine-dependent adults were randomised to sustained-release "
                                "methylphenidate or placebo for 10 weeks."),
                    ("RESULTS", "The two groups were equivalent in terms of retention (methylphenidate 48% and placebo "
                                "42%) and had similar cocaine use outcomes (40% benzoylecgonine-positive urines in both "
                                "groups)."))
    store, _ = build_store([trial], tmp_path / "reader.db")
    try:
        answer = ask(store, "Does methylphenidate reduce cocaine use?")
        assert answer.verdict.direction == "no_difference", answer.verdict
        assert violations(answer) == []
    finally:
        store.close()
