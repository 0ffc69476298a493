"""How one study is read and weighed: a harm lessened, a protocol the question is about, a condition
written in the study's own words, a named exercise protocol, a finding no reporting cue reads."""
from __future__ import annotations

from evidex.enrich.design import classify_text
from evidex.enrich.direction import sentence_direction


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
    design paper that plans its trial is still a protocol."""
    done = ("Two multicenter trials of amlodipine were undertaken in 437 patients with heart failure. Amlodipine "
            "was associated with no significant difference in change in exercise time on a Naughton protocol "
            "compared with placebo in each trial (P = .39).")
    assert classify_text(done, "Effects of amlodipine on exercise tolerance in heart failure",
                         done).label != "protocol"
    planned = ("This study protocol describes a randomised trial of low-dose naltrexone in fibromyalgia. Patients "
               "will be randomised to naltrexone or placebo, and pain intensity will be the primary endpoint.")
    assert classify_text(planned, "A study protocol for a randomised trial of low-dose naltrexone",
                         planned).label == "protocol"
