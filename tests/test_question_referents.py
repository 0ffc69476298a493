"""A comparator named by pointing back at the question's own words ("either one on its own", "the
conventional ones", "taking it every day", "the same estrogen taken on its own"), and a comparator
named with an example or an alternative the vocabulary lacks (issue 9, item 1: comparators are
never dropped)."""
from __future__ import annotations

import pytest

from evidex.matching import query_forms
from evidex.query import parse_question


@pytest.mark.parametrize("question, interventions, comparators", [
    ("Is starting Starlix and metformin together better than starting either one on its own?",
     ("nateglinide", "metformin"), ("nateglinide alone", "metformin alone")),
    ("For migraine prevention, is propranolol plus cyproheptadine better than either drug on its own?",
     ("propranolol plus cyproheptadine",), ("propranolol alone", "cyproheptadine alone")),
    # the combination named with "with"; the drug the patient is already on (the scene) is no part of it
    ("Stable angina, already on nitrates - do I gain anything by combining amlodipine with atenolol rather "
     "than using one of them alone?", ("amlodipine",), ("amlodipine alone", "atenolol alone")),
])
def test_either_one_is_each_drug_of_the_combination_alone(question, interventions, comparators):
    query = parse_question(question)
    assert (query.interventions, query.comparators) == (interventions, comparators)


def test_ones_takes_the_noun_it_stands_for_and_the_vocabulary_names_it():
    query = parse_question("Do the newer antipsychotics prevent relapse better than the conventional ones?")
    assert query.comparators == ("typical antipsychotics",)
    assert query.to_contract()["comparators"] == ["conventional antipsychotics (typical antipsychotics)"]
    # people: "hypertensive patients more than normotensive ones"
    query = parse_question("Does starting zofenopril early help hypertensive patients more than normotensive ones?")
    assert query.comparators == ("normotensive patients",)


def test_a_pronoun_or_the_same_kind_is_the_asked_drug_given_otherwise():
    query = parse_question("Would giving glyburide two weeks on and two weeks off keep it working better than "
                           "taking it every day?")
    assert query.comparators == ("glyburide every day",)
    query = parse_question("Is ethinyl estradiol combined with norethindrone acetate better for bone than the same "
                           "estrogen taken on its own?")
    assert query.comparators == ("ethinyl estradiol alone",)


def test_a_phrase_pointing_at_nothing_found_is_kept_as_written():
    # no combination to split: "either one" stays as the question wrote it
    assert parse_question("Is metformin better than either one?").comparators == ("either one",)
    # "ones" with no earlier plural noun of a treatment or of people to stand for
    assert parse_question("Is losartan better than the cheaper ones?").comparators == ("cheaper ones",)


def test_a_single_drug_alone_is_matched_as_trials_write_it():
    query = parse_question("Is starting Starlix and metformin together better than starting either one on its own?")
    forms = query_forms(query, "metformin alone")
    assert "metformin alone" in forms and "metformin monotherapy" in forms


@pytest.mark.parametrize("question, comparators", [
    # an example after "like" names the class and its member, as "such as" does
    ("Are patients more likely to stay on metformin than an alpha-glucosidase inhibitor like acarbose?",
     {"acarbose", "alpha-glucosidase inhibitor"}),
    # the second option of "A or B" is kept though the vocabulary lacks it
    ("Is metformin as effective as a sulfonylurea or insulin at lowering glucose?", {"sulfonylureas", "insulin"}),
])
def test_each_option_and_example_of_a_comparator_is_kept(question, comparators):
    assert set(parse_question(question).comparators) == comparators


def test_an_or_after_the_comparator_that_opens_a_clause_is_no_option():
    query = parse_question("Is olanzapine better than haloperidol or does it just cause less stiffness?")
    assert query.comparators == ("haloperidol",)


@pytest.mark.parametrize("question, comparators", [
    # a comparative, an idiom or a clause after "or" is no second option
    ("Is metformin as good as insulin or safer?", ("insulin",)),
    ("Is metformin as good as gliclazide or vice versa?", ("gliclazide",)),
    ("Is aspirin better than placebo or worse in pregnancy?", ("placebo",)),
    # a disease compared as a thing, not as a group of patients, is no comparator
    ("Does aspirin reduce stroke more than heart attack?", ()),
    # the words before "like" are kept only when they name a kind of drug
    ("Is metformin better than something like insulin?", ("something like insulin",)),
    # "them separately", "either alone": each drug of the combination alone, read from the question
    ("Is metformin plus sitagliptin better than taking them separately?", ("metformin alone", "sitagliptin alone")),
])
def test_what_is_no_comparator_stays_out(question, comparators):
    assert parse_question(question).comparators == comparators


def test_it_is_the_asked_drug_only_given_otherwise():
    assert not any("metformin" in c for c in parse_question("Is metformin better than it seems?").comparators)


def test_ones_prefers_a_kind_of_treatment_to_people():
    query = parse_question("Do SSRIs work better for elderly patients than the older ones?")
    assert query.comparators == ("older ssris",)


def test_each_drug_alone_is_studied_only_by_a_trial_with_single_drug_arms():
    from evidex.synthesis.relevance import _studies_comparator
    query = parse_question("Is starting Starlix and metformin together better than starting either one on its own?")

    def arms(text: str):
        return lambda forms: any(f.lower() in text for f in forms)
    assert not _studies_comparator(query, arms("nateglinide plus metformin versus placebo"))
    assert _studies_comparator(query, arms("nateglinide plus metformin versus metformin alone or nateglinide alone"))
