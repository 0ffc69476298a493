"""Evidence-table facts, general reporting-language rules (issue 9 item 6): n, arms, comparator,
primary outcome and effect read as CONSORT 2010 asks a report to state them.

Sentences are quoted (or lightly shortened) from cohen2006, LDN dev corpus and PubMed abstracts;
each test names the rule, not the study, and fails without the rule it covers.
"""
from __future__ import annotations

import pytest

from evidex.enrich.numbers import sample_size
from evidex.enrich.trial import TrialFacts, trial_facts
from evidex.records import Record, Section
from evidex.synthesis.faithfulness import unsupported_numbers
from evidex.text import passages_of


def facts(title: str, *sentences: str, hint: str = "") -> tuple[Record, TrialFacts]:
    rec = Record("t:1", title, tuple(Section("", s) for s in sentences))
    t = trial_facts(rec, passages_of(rec), hint)
    by_seq = {p.seq: p.text for p in passages_of(rec)}
    for f in (*t.arms, t.comparator, t.outcome, t.effect):   # faithfulness: every number in its passage
        if f is not None:
            assert not unsupported_numbers(f.text, [by_seq[f.seq]]), (f, by_seq[f.seq])
    return rec, t


# -- n ------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, n", [
    # describing words between the count and the people-word, with commas or a bracketed label
    ("One hundred five ambulatory, nondemented, community-dwelling women; mean age 67.0 (range 55-91).", 105),
    ("Following a 7-day placebo lead-in, 30 ADHD (DSM-IV) subjects (18-60 years old) were randomized to "
     "bupropion, methylphenidate, or placebo for 7 weeks.", 30),
    # the sample left after screening, not the screened count
    ("The authors identified 59 patients who had been treated for at least four weeks. Of these 59, 30 were "
     "included: those with a baseline pain score of 4 or more.", 30),
    ("The charts of 385 patients (115 male, 270 female) were reviewed. Forty-one (41) patients met every "
     "inclusion criterion and completed the questionnaire both before and after.", 41),
])
def test_n_describing_words_and_included_sample(text, n):
    assert sample_size(text)[0] == n


def test_n_window_never_cuts_a_number_word():
    # the count sits more than 60 characters before its people-word
    text = "Two hundred five ambulatory, nondemented, community-dwelling women; mean age 67.0."
    assert sample_size(text)[0] == 205


# -- effect -------------------------------------------------------------------------------

def test_effect_is_the_between_group_test_not_a_within_group_p():
    _, t = facts("Oral drug versus placebo in scarring alopecia: a randomized controlled trial",
                 "Patients were randomly assigned to oral drug (3 mg) or placebo for 6 months.",
                 "Activity index scores followed a declining pattern, which was statistically significant within the "
                 "drug group (p = .001), nearly reached significance in the placebo group (p = .060), and was not "
                 "significant between groups (p = .813).")
    assert t.effect is not None and t.effect.text == "was not significant between groups (p = .813)"


def test_a_range_is_not_a_before_after_change():
    _, t = facts("Effectiveness and cost of drug A and drug B: a randomized controlled trial",
                 "Patients were randomly assigned to receive drug A or drug B for 12 months.",
                 "Drug A was associated with significantly greater costs, ranging from 3000 dollars to 9000 dollars "
                 "annually.")
    assert t.effect is None or "\u2192" not in t.effect.text


# -- primary outcome ----------------------------------------------------------------------

def test_primary_endpoint_from_the_methods_not_the_conclusion_and_a_composite_kept_whole():
    from evidex.enrich.outcome import named_outcome
    sentences = ["We randomly assigned patients drug A, or diuretics, beta-blockers, or both.",
                 "The combined primary endpoint was fatal and non-fatal stroke, myocardial infarction, and other "
                 "cardiovascular death.",
                 "Drug A was as effective as diuretics in preventing the combined primary endpoint of all stroke, "
                 "myocardial infarction, and other cardiovascular death."]
    rec = Record("t:1", "", tuple(Section("", s) for s in sentences))
    body = passages_of(rec)
    roles = ["methods", "methods", "conclusions"]
    assert named_outcome(body, roles).text == ("fatal and non-fatal stroke, myocardial infarction, and other "
                                               "cardiovascular death")
    # read alone, the conclusion's "primary endpoint of X, Y, and Z" keeps the whole list
    assert named_outcome(body[2:]).text == "all stroke, myocardial infarction, and other cardiovascular death"


@pytest.mark.parametrize("sentence, outcome", [
    ("The a priori primary efficacy measure was the change in score from baseline to endpoint on the conduct "
     "problem subscale of the Nisonger Child Behavior Rating Form.",
     "change in conduct problem subscale of the Nisonger Child Behavior Rating Form"),
    ("The primary efficacy variable was the mean change from baseline to week 12 in HbA1c.", "change in HbA1c"),
    ("Development and time to occurrence of atrial fibrillation in one 12-lead ECG recorded at the outpatient "
     "visits was the primary end point of this investigation.",
     "Development and time to occurrence of atrial fibrillation"),
])
def test_primary_outcome_phrasings(sentence, outcome):
    _, t = facts("", sentence)
    assert t.outcome is not None and t.outcome.text.startswith(outcome), t.outcome


def test_a_rate_per_thousand_names_its_outcome_and_a_time_is_not_one():
    from evidex.enrich.outcome import clean, outcome_of_sentence
    rec = Record("t:1", "", (Section("", "Cardiovascular morbidity rates per 1000 persons per year were similar in "
                                         "the two groups (27.8 and 26.8, respectively; P=0.923)."),))
    assert outcome_of_sentence(passages_of(rec)[0]).text == "Cardiovascular morbidity rates"
    assert clean("of LDL cholesterol") == "LDL cholesterol"
    from evidex.enrich.outcome import _usable
    assert not _usable("at least 4 weeks after therapy had ended")


def test_side_effects_are_the_outcome_only_when_nothing_else_is_measured():
    from evidex.enrich.outcome import measured_outcome
    rec = Record("t:1", "", (Section("", "Thirty-four patients were analysed. Severity scores followed a declining "
                                         "pattern in both groups. Side effects attributable to the drug did not "
                                         "differ between the groups."),))
    body = passages_of(rec)
    assert measured_outcome(body, ["results"] * len(body)).text == "Severity scores"
