"""The population cell: the phrase that carries a study's n, cut from the sentence that states it."""
from __future__ import annotations

import pytest

from evidex.enrich.numbers import counts
from evidex.enrich.population import population_phrase
from evidex.enrich.trial import trial_facts
from evidex.text import numbers_in, passages_of

from .test_trial import CAPRICORN


def _best(sentence: str) -> str:
    found = counts(sentence)
    return max(found, key=lambda c: (c.score, c.value)).span if found else ""


@pytest.mark.parametrize("sentence, phrase", [
    # pmid:9591893 (CESAR)
    ("The antianginal efficacy and tolerability of amlodipine and diltiazem were compared in a double-blind "
     "randomized trial of 97 patients with angina resistant to atenolol alone.",
     "97 patients with angina resistant to atenolol alone"),
    # pmid:7596934
    ("80 elderly patients with chronic heart failure (41 in the captopril group, 39 in the enalapril group).",
     "80 elderly patients with chronic heart failure"),
    # pmid:12362101: the main verb ends the phrase
    ("A total of 1052 osteoarthritis patients were enrolled into the trial.", "1052 osteoarthritis patients"),
    ("Four hundred five patients were randomised.", "Four hundred five patients"),
    # after an allocation verb, "to" starts the arms; "18 to 65" is a range
    ("We randomised 120 adults aged 18 to 65 years with major depression to sertraline or placebo.",
     "120 adults aged 18 to 65 years with major depression"),
    # a thousands separator is no phrase boundary, and no number is cut in two
    ("The study included 22,865 cases with congenital abnormalities and 38,151 controls.",
     "22,865 cases with congenital abnormalities and 38,151 controls"),
])
def test_the_phrase_that_carries_n(sentence, phrase):
    got = population_phrase(sentence, _best(sentence))
    assert got == phrase
    assert numbers_in(got) <= numbers_in(sentence)


@pytest.mark.parametrize("sentence", [
    "Patients were randomised (n = 31) to two groups.",      # a count not said of a people noun
    "Pain fell by 30% in the first week.",                  # no count at all
])
def test_no_phrase_without_a_counted_people_noun(sentence):
    assert population_phrase(sentence, _best(sentence)) is None


def test_a_qualifier_cut_before_its_object_is_left_out():
    sentence = ("Thirty patients with a long history of recurrent and severe migraine attacks that had not responded to at least "
                "two earlier preventive drugs given for three months entered the study.")
    assert population_phrase(sentence, _best(sentence)) == "Thirty patients"


def test_trial_facts_carry_the_population_of_their_n():
    f = trial_facts(CAPRICORN, passages_of(CAPRICORN))
    assert f.n == 1959
    assert f.population == (
        "1959 patients with a proven acute myocardial infarction and a left-ventricular ejection fraction of </=40%")


def test_the_answer_table_shows_the_population_phrase_and_stays_faithful(tmp_path):
    from evidex.eval.qa import build_store
    from evidex.records import Record, Section
    from evidex.synthesis import ask, violations
    # pmid:9591893 (CESAR), abridged
    record = Record(id="pmid:9591893", title="Amlodipine versus diltiazem as additional antianginal treatment to "
                    "atenolol.", pmid="9591893", year=1998, publication_types=("Randomized Controlled Trial",),
                    sections=(Section("", "The antianginal efficacy and tolerability of amlodipine and diltiazem were "
                                          "compared in a double-blind randomized trial of 97 patients with angina "
                                          "resistant to atenolol alone. Both drugs significantly reduced angina "
                                          "attacks, with no significant difference between amlodipine and diltiazem."),))
    store, _ = build_store([record], tmp_path / "p.db")
    try:
        answer = ask(store, "Is amlodipine better than diltiazem for angina despite atenolol?")
        rows = [r for r in answer.evidence_table if r.n == 97]
        assert rows and rows[0].population.startswith("97 patients with angina resistant to atenolol alone")
        assert violations(answer) == []
    finally:
        store.close()
