"""What an asked treatment is added to: the treatment already taken is compared alone, not asked about."""
from __future__ import annotations

import pytest

from evidex.add_on import added_to
from evidex.query import IMPLIED_CONTROL, parse_question


@pytest.mark.parametrize("question, asked, taken", [
    ("In limb-trauma patients on morphine, does adding ultra-low-dose oral naltrexone cut opioid needs or side "
     "effects like nausea?", "naltrexone", ("morphine",)),
    ("Post-infarct patient with heart failure on trandolapril and a diuretic - would adding verapamil reduce "
     "further cardiac events?", "verapamil", ("trandolapril", "diuretic")),
    ("Does adding felodipine help patients with chronic heart failure who are already on an ACE inhibitor?",
     "felodipine", ("ACE inhibitor",)),
    ("Does adding very low dose naltrexone to a methadone taper reduce withdrawal during opioid detoxification?",
     "naltrexone", ("methadone",)),
    # what it is added to is a treatment though the vocabulary does not know it
    ("Does adding LDN to topical clobetasol help lichen planopilaris?", "low-dose naltrexone", ("topical clobetasol",)),
    ("My 70-year-old mother has low bone density - is the lowest dose of Premarin 0.3 with Provera worth adding to "
     "her calcium and vitamin D?", "conjugated estrogens", ("calcium and vitamin D",)),
    # what is taken named after the added drug; both ways of saying it in one question
    ("Does adding pregabalin help patients on duloxetine?", "pregabalin", ("duloxetine",)),
    ("Can adding naltrexone to bupropion help weight loss in patients on metformin?", "naltrexone",
     ("bupropion", "metformin")),
    # the asked drug read as "rituximab to chop", or not read at all: the added drug is what is asked
    ("Does adding rituximab to CHOP improve survival in lymphoma?", "rituximab", ("CHOP",)),
    ("Does adding insulin to metformin improve HbA1c?", "insulin", ("metformin",)),
    # other verbs of adding; the taken drug named again by its class ("the sulphonylurea alone") is not asked
    ("Is it safe to tack metformin onto glibenclamide when the sulphonylurea alone fails?", "metformin",
     ("glibenclamide",)),
    ("How much naloxone should be mixed into a morphine PCA to prevent nausea?", "naloxone", ("morphine",)),
    ("Is it reasonable to tack pregabalin on for a patient on duloxetine?", "pregabalin", ("duloxetine",)),
    # given with the asked one, then asked alone: what it is added to
    ("Can a low-dose ethinyl estradiol tablet plus calcium stop bone loss, or is calcium on its own enough?",
     "ethinyl estradiol", ("calcium",)),
    ("Is metformin plus sitagliptin better, or is metformin on its own enough?", "sitagliptin", ("metformin",)),
    # the other option offered alone, never said to be given with it: trials add the drug to it
    ("Will the lowest Premarin dose protect her hips, or would calcium alone do just as well?", "conjugated estrogens",
     ("calcium",)),
    ("Is metformin worth starting, or is diet alone enough?", "metformin", ("diet",)),
    # an add-on asked for its interaction as well as its effect
    ("On metformin with high post-meal glucose - add nateglinide? Any pharmacokinetic interaction?", "nateglinide",
     ("metformin",)),
    # "(feel better) day to day" is an idiom, not what the drug is added to
    ("Heart failure patient already on an ACE inhibitor: will adding metoprolol let her walk further and feel better "
     "day to day?", "metoprolol", ("ACE inhibitor",)),
    # (a treatment whose name begins as an idiom does: "day hospital care", "time-limited psychotherapy")
    ("Does adding olanzapine to day hospital care reduce relapse?", "olanzapine", ("day hospital care",)),
])
def test_an_add_on_is_compared_with_what_is_taken_alone(question, asked, taken):
    q = parse_question(question)
    assert asked in " ".join(q.interventions) and q.added_to == taken
    assert not any(t.lower() in " ".join(q.interventions).lower() for t in taken)
    assert q.comparators == ()                        # no named comparator: the head-to-head logic stays off
    assert q.implied_comparators == (f"{' and '.join(taken)} alone (or with placebo)",)


@pytest.mark.parametrize("question", [
    # a comparator named by the question is kept as written
    "Does adding oral LDN 3 mg to clobetasol improve lichen planopilaris more than clobetasol alone?",
    # "on exertion", an aim: nothing is taken already
    "Permanent AF, heart rate still fast on exertion. Is it worth adding diltiazem?",
    "Is adding metformin to improve control worthwhile in type 1 diabetes?",
    # a dose, an outcome, the people treated, a drug not taken: nothing the added drug is added to
    "Does adding gabapentin up to 300 mg help?",
    "Does adding lithium lead to fewer suicides in bipolar disorder?",
    "Does adding oxygen to patients with MI reduce infarct size?",
    "Would adding diltiazem help him live longer without needing to be listed for a transplant?",
    "In patients not on warfarin, does adding aspirin reduce stroke?",
    # no add-on at all; "mixed" and "tack" that add nothing
    "Does low-dose naltrexone reduce pain in fibromyalgia?",
    "Bipolar patients on lithium with mixed episodes: does valproate help?",
    "Mixed results on metformin: does pioglitazone help instead?",
    "Does quetiapine help bipolar patients with mixed states that turn into depression?",
    "Can I mix amoxicillin into applesauce for my child?",
    "Can haloperidol be mixed into the same syringe driver as morphine?",
    "Should we change tack and start clozapine in a patient still psychotic on risperidone?",
])
def test_no_add_on_where_nothing_is_taken_or_a_comparator_is_named(question):
    q = parse_question(question)
    assert q.added_to == () and not any("alone (or with placebo)" in c for c in q.implied_comparators)


def test_a_combination_asked_for_its_harm_keeps_its_co_treatment():
    """"Can a patient on X take Y?" asks about the two together (``co_treatments``), not Y alone."""
    q = parse_question("Can a patient on low-dose aspirin take ibuprofen?")
    assert q.added_to == () and q.intent == "contraindications"


def test_added_to_reads_the_three_ways_of_saying_it():
    assert added_to("Should naltrexone be added to morphine PCA?") == [("morphine", "morphine")]
    assert added_to("Patient on metformin: add nateglinide?") == [("metformin", "metformin")]
    assert added_to("Is it OK to add Risperdal on top of clozapine?") == [("clozapine", "clozapine")]
    assert added_to("Does nateglinide lower HbA1c?") == []


def test_without_an_add_on_the_implied_control_is_placebo():
    assert parse_question("Does felodipine help chronic heart failure?").implied_comparators == (IMPLIED_CONTROL,)
