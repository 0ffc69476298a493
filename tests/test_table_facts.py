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
