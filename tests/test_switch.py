"""What an asked treatment would replace: the treatment taken now, or given up, is its comparator."""
from __future__ import annotations

import pytest

from evidex.query import IMPLIED_CONTROL, parse_question
from evidex.switch import taken_before


@pytest.mark.parametrize("question, asked, old", [
    ("For painful diabetic neuropathy in a patient who gets groggy on amitriptyline - does LDN 2-4 mg work as well, "
     "and does it cause fewer side effects?", "low-dose naltrexone", "amitriptyline"),
    ("Haldol gave my patient stiffness and tremor. Would Seroquel cause the same extrapyramidal side effects?",
     "quetiapine", "haloperidol"),
    # the story and the question in one sentence
    ("Haldol gave my patient stiffness; would Seroquel cause the same?", "quetiapine", "haloperidol"),
    ("Woman with detrusor instability can't put up with oxybutynin's side effects. Is tolterodine a reasonable "
     "substitute?", "tolterodine", "oxybutynin"),
    ("Patient on metformin: does sitagliptin work as well?", "sitagliptin", "metformin"),
    ("Patient on metformin - would sitagliptin help as well?", "sitagliptin", "metformin"),
    ("Stable on risperidone for years but gaining weight - if I switch her to aripiprazole, will she stay well?",
     "aripiprazole", "risperidone"),
    ("He stopped naproxen because of his stomach - is celecoxib kinder?", "celecoxib", "naproxen"),
    # a drug named but denied is not the one taken
    ("On warfarin, not aspirin - is apixaban as good?", "apixaban", "warfarin"),
    # a treatment that has not worked is the one a switch replaces
    ("My patient has chronic schizophrenia and has only partly responded to older antipsychotics for years. If I "
     "switch him to risperidone, is it worth it over a year?", "risperidone", "typical antipsychotics"),
    ("Hypertensive patient who did not respond to atenolol - would switching to amlodipine control her pressure?",
     "amlodipine", "atenolol"),
])
def test_the_treatment_taken_now_is_what_the_asked_one_is_compared_with(question, asked, old):
    q = parse_question(question)
    assert q.interventions == (asked,) and q.comparators == (old,) and q.implied_comparators == (old,)


def test_a_brand_taken_now_is_shown_as_the_question_wrote_it():
    q = parse_question("Haldol gave my patient stiffness. Would Seroquel cause the same?")
    assert q.to_contract()["comparators"] == ["haldol (haloperidol)"]


@pytest.mark.parametrize("question", [
    # "as well" for "too": an add-on, not a switch
    "Patient on metformin - should I prescribe sitagliptin as well?",
    # a drug taken for something else, and the asked one's own harms or merits
    "Patient on warfarin with back pain - is naproxen a safe alternative?",
    "Patient on warfarin with back pain - is paracetamol kinder?",
    # not taken
    "Patient not currently on metformin - is sitagliptin as good?",
    "Patient who isn't on metformin - is sitagliptin as good?",
    "Patient who has never been on metformin - is sitagliptin as good?",
    # "replacement" in a treatment's name, "the same time", a move
    "Postmenopausal woman on alendronate: does hormone replacement therapy reduce fractures?",
    "Patient on metformin - can sitagliptin be started at the same time?",
    "Patient on warfarin moved to a nursing home - does aspirin reduce stroke?",
    # what is switched is another treatment, not the one taken ("switch his antibiotic to")
    "Patient on warfarin - is it safe to switch his antibiotic to ciprofloxacin?",
    # the asked drug is the one taken, in the same form: no other treatment to compare with
    "On LDN for fibromyalgia: will I sleep as well?",
    "She stopped metformin because of diarrhoea - is extended-release metformin better tolerated?",
    # the taken treatment named after the words that ask, or not at all
    "Would switching to lanthanum help phosphate in patients on hemodialysis?",
    "Does low-dose naltrexone reduce pain in fibromyalgia?",
])
def test_no_comparator_without_an_old_treatment_asked_to_compare(question):
    q = parse_question(question)
    assert q.comparators == () and q.switched_from == ()


@pytest.mark.parametrize("question", [
    # the comparison is named: "as well as B", "as effective as B" (the drug taken is not it)
    "Patient on lithium: does quetiapine work as well as valproate?",
    "Patient on lithium: is olanzapine as effective as haloperidol?",
])
def test_a_comparator_the_question_names_is_kept(question):
    assert "lithium" not in parse_question(question).comparators


def test_an_add_on_keeps_the_treatment_taken_in_both_arms():
    q = parse_question("In trauma patients on morphine, does adding naltrexone cut nausea as well?")
    assert q.added_to == ("morphine",) and q.comparators == ()


def test_taken_before_reads_taken_given_up_and_harmed():
    assert taken_before("On metformin - is sitagliptin as good?") == [("metformin", "metformin", "")]
    assert taken_before("He stopped naproxen; is celecoxib kinder?") == [("naproxen", "naproxen", "")]
    assert taken_before("Metformin made her sick - what about sitagliptin instead?") == \
        [("metformin", "Metformin", "")]
    assert taken_before("Does sitagliptin work as well?") == []
    # no comparison asked
    assert taken_before("Patient on metformin: does sitagliptin lower HbA1c?") == []


def test_an_efficacy_question_keeps_its_implied_control():
    q = parse_question("Does sitagliptin lower HbA1c in patients on metformin?")
    assert q.implied_comparators == (IMPLIED_CONTROL,)
    assert parse_question("Does sitagliptin lower HbA1c?").implied_comparators == (IMPLIED_CONTROL,)


def test_working_as_well_as_the_old_treatment_is_an_equivalence_comparison():
    """"does LDN work as well?" asks whether it is as good as amitriptyline (Piaggio et al., JAMA 2012), a
    comparison of effects though a harm is asked beside it; a harm compared stays a harm question."""
    q = parse_question("For painful diabetic neuropathy in a patient who gets groggy on amitriptyline - does LDN "
                       "2-4 mg work as well, and does it cause fewer side effects?")
    assert (q.intent, q.claim) == ("comparison", "equivalence")
    q = parse_question("He stopped naproxen because of his stomach - is celecoxib kinder?")
    assert q.comparators == ("naproxen",) and q.claim == "superiority"
    q = parse_question("Haldol gave my patient stiffness. Would Seroquel cause the same extrapyramidal side effects?")
    assert q.adverse and q.intent == "safety" and q.claim == "equivalence"


@pytest.mark.parametrize("question, drug, form", [
    ("My patient stopped immediate-release oxybutynin because of a dry mouth - is the once-daily controlled-release "
     "form kinder?", "oxybutynin", "immediate-release oxybutynin"),
    ("Elderly woman on twice-daily gliclazide: if I switch her to once-daily Diamicron MR, will it work as well?",
     "gliclazide", "twice-daily gliclazide"),
    # the form written under a brand or another name of the asked drug
    ("She stopped immediate-release Ditropan because of a dry mouth - is the once-daily form kinder?", "oxybutynin",
     "immediate-release Ditropan"),
    ("Patient on twice-daily salbutamol - is once-daily salbutamol as good?", "albuterol", "twice-daily salbutamol"),
])
def test_a_form_of_the_asked_drug_taken_now_is_shown_as_its_comparator(question, drug, form):
    """Like a dose compared, the old form is shown; the drug's studies answer (no head-to-head comparator)."""
    q = parse_question(question)
    assert q.interventions == (drug,) and q.comparators == () and q.switched_from == (form,)
    assert q.to_contract()["comparators"][0].startswith(form)


@pytest.mark.parametrize("question, old", [
    ("Switching a patient from immediate-release glipizide 10 mg twice daily to glipizide XL 20 mg once daily - will "
     "control be the same?", "immediate-release glipizide"),
    ("Moving him from glipizide 5 mg twice a day to glipizide GITS - will his HbA1c hold up?", "glipizide 5 mg twice a day"),
    # another "from ... to ..." first (a change in a value) is no switch
    ("Her HbA1c went from 7.5 to 9.1 - should I switch her from immediate-release glipizide to glipizide XL?",
     "immediate-release glipizide"),
])
def test_a_switch_between_two_forms_of_one_drug_asks_the_drug_against_its_old_form(question, old):
    q = parse_question(question)
    assert q.interventions == ("glipizide",) and q.comparators == () and q.implied_comparators == (old,)


def test_a_switch_between_two_drugs_is_no_form_switch():
    q = parse_question("Should I switch him from glyburide to glipizide?")
    assert q.interventions == ("glipizide",) and q.comparators == ("glyburide",) and q.switched_from == ()


@pytest.mark.parametrize("question, asked, old", [
    # the two forms compared by name: the drug is asked, the other form is what it is compared with
    ("How does once-weekly alendronate compare with daily alendronate?", "alendronate", "daily alendronate"),
    ("How does IV paracetamol compare with oral paracetamol for postoperative pain?", "paracetamol",
     "oral paracetamol"),
])
def test_two_forms_of_one_drug_compared_ask_the_drug(question, asked, old):
    q = parse_question(question)
    assert q.interventions == (asked,) and q.switched_from == (old,) and q.implied_comparators == (old,)


@pytest.mark.parametrize("question", [
    # after a partial response, adding a drug is an add-on, not a switch from the drug taken
    "Partially responded to sertraline; is adding aripiprazole better?",
    "Only partly responded to citalopram - would lithium augmentation be better?",
])
def test_a_drug_that_has_not_worked_is_no_comparator_of_an_add_on(question):
    assert "sertraline" not in parse_question(question).comparators
    assert "citalopram" not in parse_question(question).comparators
