"""Questions that ask whether a treatment does a harm ("Does X impair memory?", "Do CCBs cause
birth defects?"): the harm is the outcome, each study is read on it, and a finding of harm is
one *against* the treatment (issue 9: direction relative to the asked treatment)."""
from __future__ import annotations

import pytest

from evidex.enrich.direction import adverse_direction
from evidex.query import parse_question

from .conftest import need_data


def test_a_harm_verb_makes_the_harm_the_outcome():
    q = parse_question("Does oxybutynin impair memory and cognition in older adults compared with placebo?")
    assert q.adverse and q.intent == "safety"
    assert q.outcomes == ("memory", "cognition")
    assert q.comparators == ()                 # placebo is the control, not a drug compared
    assert "older adults" in q.conditions
    q = parse_question("Does propranolol for hypertension impair memory, mood or sexual function?")
    assert q.interventions == ("propranolol",) and q.outcomes == ("memory", "mood", "sexual function")


def test_a_disease_caused_is_an_outcome_not_the_population():
    q = parse_question("Do atypical antipsychotics such as risperidone increase the risk of stroke in "
                       "elderly patients with dementia?")
    assert q.adverse and "stroke" in q.outcomes and "stroke" not in q.conditions
    assert "dementia" in q.conditions


@pytest.mark.parametrize("question", [
    "Is there a genetic cause of craniostenosis?",             # "cause" as a noun
    "Does quetiapine raise prolactin less than haloperidol?",   # a comparison of harms between drugs
    "Does enalapril reduce new-onset diabetes compared with placebo?",
    "What are the side effects of LDN?",                         # not a yes/no question
])
def test_other_questions_are_not_read_as_a_harm_asked(question):
    assert not parse_question(question).adverse


@pytest.mark.parametrize("sentence, expected", [
    ("Random regression analyses demonstrated that oxybutynin caused significant cognitive decrements on "
     "seven of 15 cognitive measures.", "against"),
    ("Atomoxetine treatment was associated with small but statistically significant increases in mean "
     "systolic blood pressure in adults.", "against"),
    ("Twelve months of treatment with oral morphine does not disrupt cognitive functioning.", "no_difference"),
    ("At 12 months, depressive symptoms and sexual function did not differ by treatment assignment.",
     "no_difference"),
    ("Increases in pulse and blood pressure were small and of little, if any, clinical significance.",
     "no_difference"),
    ("There were no documented adverse effects on depressive symptoms or sexual function.", "no_difference"),
    ("Self-reported memory impairment improved notably in responders.", "favours"),
    ("Memory was assessed with a battery of tests at baseline.", "unclear"),
])
def test_one_sentence_read_for_the_harm(sentence, expected):
    assert adverse_direction(sentence) == expected


def test_a_placebo_trial_finding_the_harm_answers_against_the_drug(tmp_path):
    """End to end over the shared urinary-incontinence abstracts: the one study that measured
    cognition (a placebo-controlled challenge in older volunteers) decides, and the many
    efficacy trials that never measured it do not."""
    from evidex.load import ingest_paths
    from evidex.store import Store
    from evidex.synthesis import ask
    store = Store(tmp_path / "ui.db")
    ingest_paths(store, [need_data("cohen2006", "UrinaryIncontinence.csv")], embed=False)
    answer = ask(store, "Does oxybutynin cause cognitive impairment in elderly people?")
    assert answer.verdict.direction == "against"
    assert answer.verdict.answer == "yes"      # "Does it cause impairment?" - yes, against the drug
    refs = {r.n: r.id for r in answer.references}
    rows = {refs[row.ref]: row for row in answer.evidence_table}
    assert rows["pmid:9434659"].direction == "against"
    # Key Points: the direct answer, then what the deciding study found of the harm, then the tally
    points = [p.text for p in answer.sections[0].key_points]
    assert points[0].startswith("Yes") and "harm" in points[0]
    assert "cognitive" in points[1].lower()
    assert any(p.startswith("Harm from oxybutynin") for p in points)
    assert not any("benefit" in p.lower() for p in points)     # benefit is not what was asked


def test_the_contract_shows_the_question_s_own_word_beside_the_library_s_name():
    contract = parse_question("Are COX-2 inhibitors more effective than acetaminophen for knee "
                              "osteoarthritis pain?").to_contract()
    assert contract["comparators"] == ["acetaminophen (paracetamol)"]
    assert contract["conditions"] == ["osteoarthritis, knee"]     # the same words: shown once


def test_a_two_noun_condition_is_found_written_either_way_round():
    from evidex.vocab import expansions
    forms = expansions("osteoarthritis, knee")
    assert "osteoarthritis of the knee" in forms and "knee osteoarthritis" in forms
    # an adjective has no "of the" turn
    assert "failure of the myocardial" not in expansions("heart failure")


@pytest.mark.parametrize("question, interventions, comparators", [
    ("What side effects make patients with left ventricular dysfunction stop enalapril?", ("enalapril",), ()),
    ("Is celecoxib as effective as naproxen or diclofenac for arthritis pain?", ("celecoxib",),
     ("naproxen", "diclofenac")),
    # a co-treatment is no intervention; a drug inside an asked combination is not asked alone
    ("Are there clinically relevant drug interactions with tolterodine, e.g. with ketoconazole or fluoxetine?",
     ("tolterodine",), ()),
    ("Is celecoxib as effective as diclofenac plus omeprazole for preventing recurrent ulcer bleeding?",
     ("celecoxib",), ("diclofenac plus omeprazole",)),
])
def test_a_drug_the_vocabulary_lacks_is_named_by_its_inn_stem(question, interventions, comparators):
    q = parse_question(question)
    assert q.interventions == interventions and q.comparators == comparators


@pytest.mark.parametrize("sentence, items", [
    # "the most common being X" lists too
    ("Patients receiving cyclobenzaprine also experienced more adverse effects, the most common being drowsiness.",
     ["drowsiness"]),
    # other drugs' harms, named to argue for the asked one, are not its adverse effects
    ("LDN may be an option because other chronic pain drugs, nonsteroidal agents for example, carry adverse "
     "effects such as gastrointestinal bleeding and kidney injury.", []),
    # treatments listed beside harms, fragments and bookkeeping words are not events
    ("Adverse effects included sedation, alpha-2 agonists, local anesthetics and tizanidine.", ["sedation"]),
    ("Adverse effects included nausea, uncommon and, respectively.", ["nausea"]),
    # how the harms were handled is not a harm
    ("Adverse events (AEs) were recorded and summarized by treatment group.", []),
    ("Drug safety was satisfactory, even if the reporting of adverse events was high.", []),
    # how often, not what happened (the sentence is still quoted among the harms: harm_frequency)
    ("The overall rate of discontinuations due to adverse events was approximately 3%.", []),
])
def test_the_adverse_effects_list_holds_events_only(sentence, items):
    from evidex.synthesis.harms import adverse_effects
    assert adverse_effects(sentence) == items


def test_a_harm_comparison_is_read_in_the_clause_that_names_the_harm():
    from evidex.enrich.direction import harm_direction
    sentence = ("It is as effective as oxybutynin, but the incidence of dry mouth and its severity is less "
                "with propiverine than with oxybutynin.")
    assert harm_direction(sentence, ["propiverine"], ["oxybutynin"], ["dry mouth"]) == "favours"
    assert harm_direction(sentence, ["oxybutynin"], ["propiverine"], ["dry mouth"]) == "against"


@pytest.mark.parametrize("question, facet", [
    ("Can a mother breastfeed while taking glyburide?", "lactation"),
    ("Is it safe to take loratadine for hay fever during pregnancy?", "pregnancy"),
    ("Can LDN be used in pregnancy or with opioids?", "pregnancy"),
])
def test_a_special_population_is_a_facet_by_the_vocabulary_s_name(question, facet):
    q = parse_question(question)
    assert facet in q.facets
    assert not any("breastfeed" in f for f in q.facets)     # the question's words give way to the name


def test_a_facet_is_found_by_its_forms_as_phrases_not_by_their_words():
    from evidex.synthesis.sections import names_facet
    pregnancy = names_facet("pregnancy")
    assert pregnancy("Fetuses exposed in utero showed no excess of malformations.")
    assert pregnancy("Pregnant women were excluded.")
    # "women" and "during", words of the forms "pregnant women" and "during pregnancy", are not pregnancy
    assert not pregnancy("Most women reported relief during the first week.")
    lactation = names_facet("lactation")
    assert lactation("Exposure of the infant via breast milk is limited.")


def test_a_review_of_the_drug_s_use_in_the_asked_population_is_evidence(tmp_path):
    """The shared antihistamine abstracts hold one review on treating rhinitis in pregnancy,
    whose title names no drug: a pregnancy question about loratadine finds and quotes it."""
    from evidex.load import ingest_paths
    from evidex.store import Store
    from evidex.synthesis import ask
    store = Store(tmp_path / "ah.db")
    ingest_paths(store, [need_data("cohen2006", "Antihistamines.csv")], embed=False)
    answer = ask(store, "Can loratadine be taken for allergic rhinitis during pregnancy?")
    assert "pmid:10230583" in {r.id for r in answer.references}


@pytest.mark.parametrize("question, conditions, facet", [
    ("Does LDN relieve chronic pain from osteoarthritis or inflammatory arthritis?", ("osteoarthritis", "arthritis"),
     "chronic pain"),
])
def test_the_disease_a_symptom_comes_from_is_the_population(question, conditions, facet):
    q = parse_question(question)
    assert q.conditions == conditions and facet in q.facets


def test_two_diseases_asked_as_related_stay_both_populations():
    q = parse_question("Is peripheral neuroepithelioma related to Ewing sarcoma?")
    assert len(q.conditions) == 2


@pytest.mark.parametrize("sentence", [
    # a raised risk in one of two comparisons is a harm found, whatever the other says
    "The adjusted relative risk of seizures on drug X compared with 10 other drugs, and with drug Y, was 3.10 "
    "[95% confidence interval (CI) 1.72 to 5.60] and 1.10 (95% CI 0.60 to 2.10), respectively.",
    "We identified seizures as a possible adverse drug reaction.",
    "Seizures were reported as side effects in three patients.",
    "The woman developed seizures while taking the drug.",
])
def test_a_harm_reported_as_found_reads_against(sentence):
    assert adverse_direction(sentence) == "against"


def test_a_denied_association_is_no_harm():
    assert adverse_direction("The drug was not associated with seizures.") != "against"


@pytest.mark.parametrize("sentence", [
    "Relapse was 14% lower with carvedilol, although the result was statistically insignificant (p = 0.661).",
    "A nonsignificant trend favoured the active drug.",
])
def test_an_insignificant_result_is_no_difference(sentence):
    from evidex.enrich.direction import sentence_direction
    assert sentence_direction(sentence) == "no_difference"


def test_an_interaction_study_in_volunteers_answers_a_combination_question(tmp_path):
    """pmid:10417495 over the shared triptan abstracts: "on moclobemide ... can I prescribe
    rizatriptan?" is answered by the study that gave the two together (in healthy volunteers:
    whether drugs interact does not depend on who takes them), not by the rizatriptan trials in
    migraine that never gave moclobemide; its raised exposure and "not recommended" read as harm."""
    from evidex.load import ingest_paths
    from evidex.store import Store
    from evidex.synthesis import ask, violations
    store = Store(tmp_path / "tr.db")
    ingest_paths(store, [need_data("cohen2006", "Triptans.csv")], embed=False)
    answer = ask(store, "Migraine patient on moclobemide for depression - can I prescribe rizatriptan 10 mg?")
    assert violations(answer) == []
    assert answer.verdict.direction == "against"
    refs = {r.n: r.id for r in answer.references}
    rows = {refs[row.ref]: row for row in answer.evidence_table}
    assert rows["pmid:10417495"].direction == "against"
    # the combination's section tells what the interaction study did (not its aim); what a review
    # says of the pair (pmid:11249525: "an absolute contraindication") is told there or, as the
    # sentence most relevant to the question, among the Key Points
    facets = next(sub for sub in answer.sections[1].subsections if sub.heading == "Contraindications and Interactions")
    assert not any("aimed" in st.text for st in facets.statements)
    assert "pmid:10417495" in {refs[c] for st in facets.statements for c in st.citations}
    told = [st for st in (*facets.statements, *answer.sections[0].key_points) if "contraindication" in st.text]
    assert told and {refs[c] for st in told for c in st.citations} == {"pmid:11249525"}


def test_an_open_facet_is_found_by_most_of_its_words():
    """pmid:9710039 writes "first trimester exposure to sumatriptan", not the question's
    "inadvertent first-trimester exposure"; a vocabulary name still needs one of its forms."""
    from evidex.synthesis.relevance import _mentions_facet
    from evidex.text import padded_tokens
    text = padded_tokens("Pregnancy outcome following first trimester exposure to sumatriptan.")
    assert _mentions_facet(text, "inadvertent first-trimester exposure")
    assert not _mentions_facet(text, "inadvertent late exposure")
    assert not _mentions_facet(padded_tokens("Outcome after sumatriptan in migraine."), "pregnancy")


def test_a_harm_told_only_by_its_frequency_is_quoted_but_not_listed(tmp_path):
    """"The incidence of dry mouth ... was only 9%" names no effect the list can take (a frequency is
    no adverse effect), but it is the trial's word on its commonest harm: Safety quotes it."""
    from evidex.eval.qa import build_store
    from evidex.records import Record, Section
    from evidex.synthesis import ask, violations
    trial = Record(id="pmid:7100001", pmid="7100001", year=2001, authors=("Trialist A",),
                   title="Tolterodine for overactive bladder: a randomised placebo-controlled trial",
                   publication_types=("Randomized Controlled Trial",),
                   sections=(Section("METHODS", "In this double-blind trial, 240 patients with overactive bladder were "
                                                "randomised to tolterodine 2 mg twice daily or placebo for 12 weeks."),
                             Section("RESULTS", "Micturitions fell by 20% with tolterodine and 9% with placebo (p = 0.01). "
                                                "The incidence of dry mouth, as the most commonly reported adverse event, "
                                                "was only 9% and of mild to moderate intensity. Adverse events included "
                                                "headache, constipation and dizziness."),
                             Section("CONCLUSIONS", "Tolterodine is effective and well tolerated.")))
    store, _ = build_store([trial], tmp_path / "harms.db")
    try:
        answer = ask(store, "What are the side effects of tolterodine?")
        assert violations(answer) == []
        safety = next(sub for sec in answer.sections for sub in sec.subsections if sub.heading == "Safety")
        texts = [st.text for st in safety.statements]
        assert any(t.startswith("The incidence of dry mouth") for t in texts), texts
        assert not any("9%" in item for st in safety.statements for item in st.items), texts
    finally:
        store.close()
