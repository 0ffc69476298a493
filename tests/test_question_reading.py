"""Reading a question the way the library writes it (issue 9, item 1): abbreviations the
records define, clause-shaped subjects, outcomes after "for", "Is X safe?" read as a harm
question, and which outcomes are events a small study cannot settle."""
from __future__ import annotations

import pytest

from evidex.enrich.direction import adverse_direction
from evidex.phrases import GENERAL_HARMS, undosed
from evidex.query import parse_question
from evidex.synthesis import violations
from evidex.text import abbreviation_definitions
from evidex.vocab import is_event

from .conftest import need_data


@pytest.mark.parametrize("text, found", [
    ("Patients with overactive bladder (OAB) were randomised.", [("OAB", "overactive bladder")]),
    ("In chronic heart failure (HF), losartan ...", [("HF", "heart failure")]),
    ("change in conditioned pain modulation (CPM) was", [("CPM", "conditioned pain modulation")]),
    ("low-dose naltrexone (LDN) is used", [("LDN", "low-dose naltrexone")]),
    ("extended release (ER)", [("ER", "extended release")]),
    ("patients (n = 40) with pain (VAS)", []),          # no long form spells it
    ("type 2 diabetes (T2D)", []),                       # digits are never taken
])
def test_abbreviations_a_text_defines(text, found):
    assert list(abbreviation_definitions(text)) == found


def test_an_abbreviation_is_read_as_the_records_beside_the_asked_drugs_define_it(tmp_path):
    """Over the shared urinary-incontinence abstracts: "OAB" is overactive bladder, and "IR"
    beside tolterodine is immediate release, not a vocabulary disease (so it is left alone)."""
    from evidex.load import ingest_paths
    from evidex.query import parse_question
    from evidex.resolve import defined_abbreviations, resolve
    from evidex.store import Store
    store = Store(tmp_path / "ui.db")
    ingest_paths(store, [need_data("cohen2006", "UrinaryIncontinence.csv")], embed=False)
    question = "Is once-daily tolterodine ER 4 mg better than tolterodine IR 2 mg twice daily for OAB?"
    assert defined_abbreviations(store, question) == {"OAB": "overactive bladder"}
    query = resolve(store, parse_question(question))
    assert query.conditions == ("urinary bladder, overactive",)
    assert query.question == question          # the reader's own words are kept


def test_a_mesh_acronym_the_records_define_otherwise_is_read_as_they_define_it(tmp_path):
    """Over the shared estrogen abstracts "BMD" is bone mineral density, not the muscular dystrophy
    MeSH files the acronym under; an acronym the records do not redefine keeps its MeSH reading."""
    from evidex.load import ingest_paths
    from evidex.query import parse_question
    from evidex.resolve import defined_abbreviations, resolve
    from evidex.store import Store
    store = Store(tmp_path / "estrogens.db")
    ingest_paths(store, [need_data("cohen2006", "Estrogens.csv")], embed=False)
    question = "Does adding cyclical etidronate to HRT give more BMD than HRT alone?"
    assert parse_question(question).conditions == ("muscular dystrophy, duchenne",)     # MeSH's reading
    assert defined_abbreviations(store, question) == {"BMD": "bone mineral density"}
    assert "muscular dystrophy, duchenne" not in resolve(store, parse_question(question)).conditions
    assert defined_abbreviations(store, "Does deflazacort help boys with DMD?") == {}


@pytest.mark.parametrize("question, interventions, comparators, conditions, outcomes", [
    # a clause as subject gives way to the drug its INN stem names
    ("After cardioversion of persistent atrial fibrillation, does metoprolol CR/XL keep patients in sinus "
     "rhythm better than placebo?", ("metoprolol cr/xl",), ("placebo",), None, None),
    # what the asked treatment would replace is its comparator; a thing replaced that is no treatment is not
    ("Can LDN replace opioids for chronic pain?", ("low-dose naltrexone",), ("opioids",), ("chronic pain",), None),
    ("Could celecoxib substitute for naproxen in arthritis?", ("celecoxib",), ("naproxen",), None, None),
    ("Does HRT replace the need for calcium?", ("estrogens",), (), None, None),
    ("Can I replace metformin with sitagliptin in type 2 diabetes?", ("metformin",), (), None, None),
    ("Is there a substitute for warfarin in atrial fibrillation?", ("warfarin",), (), None, None),
    ("Does LDN help fibromyalgia patients who cannot replace their opioids?", ("low-dose naltrexone", "opioids"), (),
     None, None),
    # two options each at "low dose": the drugs are the options, not the modifier ...
    ("Low-dose naltrexone or low-dose amitriptyline for painful diabetic neuropathy - which should I try first?",
     ("low-dose naltrexone",), ("amitriptyline",), ("diabetic neuropathy",), None),
    # ... and two dose levels of one drug are no two options
    ("Standard-dose or low-dose aspirin - which is better?", ("aspirin",), (), None, None),
    # the comparator ends at the colon
    ("Almotriptan vs sumatriptan for a migraine attack: is almotriptan as effective?", ("almotriptan",),
     ("sumatriptan",), ("migraine",), None),
    # with the condition named, an open phrase after "for" is what the drug is for
    ("Is losartan better than captopril for survival in heart failure?", ("losartan",), ("captopril",),
     ("heart failure",), ("survival",)),
    # (glibenclamide is read as glyburide, its US adopted name; rifampicin as rifampin below)
    ("Is miglitol as effective as glibenclamide for lowering HbA1c in type 2 diabetes?", ("miglitol",),
     ("glyburide",), None, ("hba1c",)),
    # ... unless it is coordinated with a population ("acute neck or low back muscle spasm")
    ("What dose of cyclobenzaprine should I prescribe for acute neck or low back muscle spasm?",
     ("cyclobenzaprine",), (), None, ()),
    # drugs named only "with A or B" are the asked ones when nothing else is asked
    ("Does it matter whether I control his blood pressure with captopril or atenolol?", ("captopril",),
     ("atenolol",), None, None),
    # the drug the patient is on is what a switch is compared with
    ("Elderly hypertensive with swollen ankles on amlodipine 5 mg: would switching to lercanidipine mean less "
     "oedema?", ("lercanidipine",), ("amlodipine",), None, None),
    # how long a treatment is given is no part of its name (D11 was read as "few months" against glipizide)
    ("Type 2 patient on glipizide: would switching to insulin for a few months give better glucose control than "
     "staying on glipizide?", ("insulin",), ("glipizide",), None, None),
    ("Is insulin for six weeks better than glipizide?", ("insulin",), ("glipizide",), None, None),
    ("Is insulin for seven months better than glipizide?", ("insulin",), ("glipizide",), None, None),
    # a clause compared is no comparator ("compared with how it behaves after the first dose")
    ("Does glipizide build up after months of use, compared with how it behaves after the first dose?",
     ("glipizide",), (), None, None),
    # "less likely to cause" asks about the harm, the subject is the drug (it was "repaglinide less likely")
    ("Is repaglinide less likely to cause hypoglycaemia than glibenclamide?", ("repaglinide",), ("glyburide",), None,
     ("hypoglycaemia",)),
    # the oral hypoglycaemics by the names clinicians use
    ("Would NovoNorm (repaglinide) be less likely to cause hypoglycaemia than other oral diabetes drugs?",
     ("repaglinide",), ("oral hypoglycemics",), None, ("hypoglycaemia",)),
    # "than I would for X": the patients set against the asked ones, not "I would"
    ("Should glibenclamide be dosed any differently than I would for a Caucasian patient?", ("glyburide",),
     ("caucasian patient",), None, None),
])
def test_question_slots(question, interventions, comparators, conditions, outcomes):
    q = parse_question(question)
    assert q.interventions == interventions and q.comparators == comparators
    if conditions is not None:
        assert q.conditions == conditions
    if outcomes is not None:
        assert q.outcomes == outcomes


@pytest.mark.parametrize("question, intervention", [
    ("Is short-acting nifedipine safe for patients with coronary heart disease?", "nifedipine"),
    ("Is it safe to prescribe quinine for nocturnal leg cramps?", "quinine"),
    ("Is LDN safe in children?", "low-dose naltrexone"),
])
def test_is_x_safe_is_a_question_of_any_harm(question, intervention):
    q = parse_question(question)
    assert q.safe and q.adverse and q.intent == "safety"
    assert q.interventions == (intervention,) and q.outcomes == GENERAL_HARMS
    assert not set(GENERAL_HARMS) & set(q.facets)     # no "no record addresses toxicity" lines


@pytest.mark.parametrize("question", [
    "Is rofecoxib as safe as celecoxib for blood pressure?",          # a comparison of harms
    "Is it safe to take loratadine during pregnancy?",                # use in a population
    "Does oxybutynin impair memory?",                                 # a named harm
])
def test_other_safety_questions_are_not_safe_asks(question):
    assert not parse_question(question).safe


@pytest.mark.parametrize("sentence, expected", [
    ("Oral naltrexone was well tolerated by these children, and no serious adverse events occurred.",
     "no_difference"),
    ("Naltrexone therapy seems safe, with limited toxicity, in children.", "no_difference"),
    ("The study shows LDN to be a relatively safe therapeutic option.", "no_difference"),
    ("Drowsiness was not well tolerated.", "unclear"),
    ("The use of nifedipine caused a dose-related increase in mortality.", "against"),
])
def test_safety_words_read_as_no_harm(sentence, expected):
    assert adverse_direction(sentence) == expected


def test_is_x_safe_answers_no_when_the_studies_report_harm(tmp_path):
    """Over the shared calcium-channel-blocker abstracts: the meta-analysis of nifedipine in
    coronary disease (a dose-related rise in mortality) answers "Is it safe?" with no."""
    from evidex.load import ingest_paths
    from evidex.store import Store
    from evidex.synthesis import ask
    store = Store(tmp_path / "ccb.db")
    ingest_paths(store, [need_data("cohen2006", "CalciumChannelBlockers.csv")], embed=False)
    answer = ask(store, "Is short-acting nifedipine safe for patients with coronary heart disease?")
    assert violations(answer) == []
    assert answer.verdict.direction == "against" and answer.verdict.answer == "no"
    points = [p.text for p in answer.sections[0].key_points]
    assert points[0].startswith("No") and "harm" in points[0]
    assert not any("benefit" in p.lower() for p in points)


@pytest.mark.parametrize("outcome, event", [
    ("cardiovascular events", True), ("stroke", True), ("myocardial infarction", True), ("survival", True),
    ("pain", False), ("fatigue", False), ("sleep", False), ("walking", False), ("hba1c", False),
])
def test_events_are_told_from_symptoms_and_scales(outcome, event):
    assert is_event(outcome) is event


def test_a_drug_the_library_never_names_is_said_to_be_missing(tmp_path):
    """Over the shared beta-blocker abstracts (atrial fibrillation and warfarin are there, apixaban
    is not): the answer says no record addresses apixaban instead of grading rhythm-control trials."""
    from evidex.load import ingest_paths
    from evidex.store import Store
    from evidex.synthesis import ask
    store = Store(tmp_path / "bb.db")
    ingest_paths(store, [need_data("cohen2006", "BetaBlockers.csv")], embed=False)
    answer = ask(store, "Is apixaban better than warfarin for stroke prevention in atrial fibrillation?")
    assert violations(answer) == []
    assert answer.query.interventions == ("apixaban",)
    assert answer.verdict.direction == "insufficient"
    points = [p.text for p in answer.sections[0].key_points]
    assert points[0].startswith("Uncertain")
    assert "No record in the library addresses apixaban." in points
    assert not any("benefit" in p.lower() for p in points)


@pytest.mark.parametrize("question, interventions, co_treatments", [
    ("Can a patient on low-dose aspirin for cardioprotection take ibuprofen for arthritis?", ("ibuprofen",),
     ("aspirin",)),
    ("Is it safe to prescribe carisoprodol together with opioids such as propoxyphene or tramadol?",
     ("carisoprodol",), ("opioids", "propoxyphene", "tramadol")),
    ("Can repaglinide or glimepiride be co-prescribed with rifampicin or ketoconazole, or does the interaction "
     "matter clinically?", ("repaglinide",), ("rifampin", "ketoconazole")),
])
def test_a_combination_asked_is_a_harm_question_with_co_treatments(question, interventions, co_treatments):
    q = parse_question(question)
    assert q.intent == "contraindications" and q.safe and q.adverse
    assert q.interventions == interventions and q.co_treatments == co_treatments
    assert q.outcomes == GENERAL_HARMS and set(co_treatments) <= set(q.facets)


def test_a_drug_named_by_what_it_acts_on_is_not_given():
    from evidex.synthesis.asked_harm import gives_co_treatment
    q = parse_question("Can LDN be taken together with opioid painkillers?")
    assert gives_co_treatment(q, "Patients on opioids for chronic pain were switched to LDN.")
    assert not gives_co_treatment(q, "LDN is an opioid antagonist that binds the opioid receptor.")


def test_a_drug_that_blocks_the_one_already_taken_answers_no(tmp_path):
    """Over the shared NSAID abstracts: ibuprofen given before aspirin blocks its antiplatelet
    effect (pmid:11752357), so a patient on low-dose aspirin should not simply add ibuprofen."""
    from evidex.load import ingest_paths
    from evidex.store import Store
    from evidex.synthesis import ask
    store = Store(tmp_path / "nsaid.db")
    ingest_paths(store, [need_data("cohen2006", "NSAIDS.csv")], embed=False)
    answer = ask(store, "Can a patient on low-dose aspirin for cardioprotection take ibuprofen for arthritis?")
    assert violations(answer) == []
    assert answer.verdict.direction == "against"
    refs = {r.id for r in answer.references}
    assert "pmid:11752357" in refs


@pytest.mark.parametrize("listed, items", [
    ("dry mouth, constipation, also determined, cognitive impairment, headache, laboratory findings, "
     "respectively (p=.32), tachycardia, that limit their use",
     ["dry mouth", "constipation", "cognitive impairment", "headache", "tachycardia"]),
    ("a nondirected questionnaire, dizziness, minimal risk of hepatotoxicity, noncompliance, post-eswl pain scale, "
     "pre-, nausea (12%)", ["dizziness", "nausea (12%)"]),
    ("comparable, encountered, vivid dreams, no serious safety concerns, under 10%", ["vivid dreams"]),
])
def test_an_adverse_effects_list_drops_clauses_statistics_and_measures(listed, items):
    from evidex.synthesis.harms import _items
    assert _items(listed, ()) == items


def test_a_sentence_the_source_cut_off_is_never_a_statement():
    from evidex.synthesis.writer import truncated
    assert truncated("Naltrexone therapy seems safe, with limited toxicity, and may lessen disea…")
    assert truncated("It could be an effective, highly tol...")
    assert not truncated("Pain fell by 30% (P = 0.01).")


def test_safe_and_effective_asks_both_and_is_no_harm_question():
    q = parse_question("Is amlodipine safe and effective in elderly patients with hypertension?")
    assert not q.safe and not q.adverse


def test_a_comparison_of_harms_leads_with_a_sentence_naming_the_harm(tmp_path):
    """Over the shared atypical-antipsychotic abstracts: the key points of "more weight gain than
    risperidone?" quote weight-gain findings, not the trials' efficacy."""
    from evidex.load import ingest_paths
    from evidex.store import Store
    from evidex.synthesis import ask
    store = Store(tmp_path / "aa.db")
    ingest_paths(store, [need_data("cohen2006", "AtypicalAntipsychotics.csv")], embed=False)
    answer = ask(store, "Does olanzapine cause more weight gain than risperidone?")
    assert violations(answer) == []
    quoted = [p.text for p in answer.sections[0].key_points if p.kind != "summary"]
    assert quoted and all("weight" in t.lower() for t in quoted)


@pytest.mark.parametrize("sentence, expected", [
    ("Clozapine and olanzapine caused the most weight gain, risperidone was intermediate.", "against"),
    ("Clinically significant weight gain occurred in 27% of olanzapine and 12% of risperidone patients.", "against"),
    ("The most common adverse event with olanzapine and risperidone was weight gain.", "unclear"),
])
def test_a_harm_compared_arm_by_arm(sentence, expected):
    from evidex.enrich.direction import harm_direction
    assert harm_direction(sentence, ["olanzapine"], ["risperidone"], ["weight gain"]) == expected


def test_more_harm_asked_is_answered_yes_when_the_drug_has_more():
    more = parse_question("Does olanzapine cause more weight gain than risperidone?")
    fewer = parse_question("Does celecoxib cause fewer ulcers than naproxen?")
    assert more.harm and more.more_harm
    assert fewer.harm and not fewer.more_harm


def test_examples_of_an_outcome_are_outcomes_too():
    q = parse_question("Does LDN change central pain processing in women with fibromyalgia, such as conditioned "
                       "pain modulation or temporal summation, compared with placebo?")
    assert q.outcomes == ("central pain processing", "conditioned pain modulation", "temporal summation")
    assert parse_question("Do PPIs heal ulcers better than H2 antagonists such as ranitidine?").outcomes == ()


def test_the_report_that_measured_the_asked_outcome_answers_for_its_trial(tmp_path):
    """The LDN corpus holds two reports of the FINAL trial: the main one (pain) and a secondary
    analysis that reports conditioned pain modulation, which it abbreviates "CPM". Asked about
    CPM, the secondary report is the one counted and cited."""
    from evidex.load import ingest_paths
    from evidex.store import Store
    from evidex.synthesis import ask
    store = Store(tmp_path / "ldn.db")
    ingest_paths(store, [need_data("ldn", "dev_corpus.jsonl")], embed=False)
    answer = ask(store, "Does LDN change central pain processing in women with fibromyalgia, such as conditioned "
                        "pain modulation or temporal summation, compared with placebo?")
    assert "pmid:40214857" in {r.id for r in answer.references}


def test_an_abbreviation_the_question_defines_means_its_long_form():
    # MeSH knows "TMD" as tibial muscular dystrophy; the question says what it means by it.
    q = parse_question("Is LDN effective for temporomandibular disorder (TMD) pain?")
    assert q.conditions == ("temporomandibular joint disorders",)
    # an abbreviation the question does not spell out is still read by the vocabulary
    assert "attention deficit disorder with hyperactivity" in parse_question(
        "Is atomoxetine effective for ADHD in adults?").conditions


def test_a_condition_named_once_in_passing_is_not_the_population_studied(tmp_path):
    """A case series run at a "Center for Temporomandibular Disorders" studied trigeminal pain:
    it is indirect evidence on TMD; a trial that says once who took part ("95 patients with
    spinal cord injuries") studied them."""
    from pathlib import Path

    from evidex.eval.qa import build_store
    from evidex.records import Record, Section
    from evidex.synthesis import ask
    records = [
        Record(id="pmid:6000001", title="Naltrexone for post-traumatic trigeminal neuropathic pain: a case series",
               pmid="6000001", year=2022, publication_types=("Case Reports",),
               sections=(Section("METHODS", "We reviewed the records of 21 patients at the Center for Temporomandibular "
                                            "Disorders who had trigeminal neuropathic pain treated with naltrexone."),
                         Section("RESULTS", "Pain scores fell in 15 of 21 patients on naltrexone."),
                         Section("CONCLUSIONS", "Naltrexone may relieve trigeminal neuropathic pain."))),
        Record(id="pmid:6000002", title="Naltrexone versus placebo: a randomised trial in bladder hyper-reflexia",
               pmid="6000002", year=1995, publication_types=("Randomized Controlled Trial",),
               sections=(Section("METHODS", "In a double-blind trial, 95 patients with spinal cord injuries and "
                                            "hyper-reflexia were randomised to naltrexone or placebo."),
                         Section("RESULTS", "Bladder capacity increased more with naltrexone than placebo (p = 0.01)."),
                         Section("CONCLUSIONS", "Naltrexone improved bladder capacity."))),
    ]
    store, _ = build_store(records, Path(tmp_path) / "c.db")
    try:
        tmd = ask(store, "Is naltrexone effective for temporomandibular disorder pain?")
        assert tmd.verdict.direction == "insufficient", tmd.verdict
        sci = ask(store, "Does naltrexone help bladder function in spinal cord injury?")
        assert sci.verdict.direction == "favours", sci.verdict
        for answer in (tmd, sci):
            assert violations(answer) == []
    finally:
        store.close()


@pytest.mark.parametrize("question", [
    "Is guanfacine an option for a child with ADHD and a tic disorder?",
    "Is melatonin a good choice for older adults with insomnia?",
])
def test_a_phrase_naming_only_people_is_no_outcome(question):
    q = parse_question(question)
    assert not any(o.split()[-1] in ("child", "adults") for o in q.outcomes), q.outcomes


def test_a_decimal_point_ends_no_phrase():
    q = parse_question("For fibromyalgia, is naltrexone 6 mg a day better than the usual 4.5 mg low dose?")
    assert q.comparators and "4.5 mg" in q.comparators[0], q.comparators


def test_the_alternative_kept_is_the_drug_not_the_verb():
    q = parse_question("Should I start omeprazole rather than continuing ranitidine for reflux?")
    assert q.comparators == ("ranitidine",), q.comparators


def test_a_bare_second_question_is_no_facet():
    """"..., or is it contraindicated?" asks about the first question's subject and names nothing
    an answer must address; a second question that names a harm keeps it."""
    q = parse_question("Can I start a cardioselective beta-blocker in a patient with COPD, or is it contraindicated?")
    assert not any("contraindicated" in f for f in q.facets)
    assert q.conditions == ("pulmonary disease, chronic obstructive",)
    k = parse_question("Can methylphenidate be given for ADHD to a child with epilepsy, or does it provoke seizures?")
    assert "seizures" in k.facets


def test_a_second_question_naming_the_class_keeps_the_class_asked():
    """"..., or do CCBs raise cardiac events?" is a question of its own: not a co-treatment that takes
    the class out of the interventions, nor a facet the answer must address ("do ccbs raise ...");
    "calcium blocker" is the class by another of its names."""
    q = parse_question("My hypertensive patient also has type 2 diabetes. Is a long-acting calcium blocker like "
                       "nifedipine GITS a safe first-line option, or do CCBs raise cardiac events?")
    assert q.interventions == ("calcium channel blockers", "nifedipine")
    assert not any(f.startswith("do ") for f in q.facets), q.facets


def test_a_drug_the_patient_cannot_take_is_the_story_and_a_long_lead_clause_keeps_the_yes_no_question():
    q = parse_question("For a heart failure patient who can't tolerate ACE inhibitors, would felodipine improve "
                       "exercise capacity as well as enalapril?")
    assert (q.question_type, q.interventions, q.comparators) == ("yesno", ("felodipine",), ("enalapril",))
    # a wh-question stays one, however long its first clause; a short lead reads as before
    assert parse_question("Acute manic episode: olanzapine or divalproex - which gets patients into remission "
                          "faster, does either prevent relapse?").question_type != "yesno"
    assert parse_question("When should aspirin be stopped before surgery in patients with coronary drug-eluting "
                          "stents placed recently, does it matter?").question_type == "factoid"
    for short in ("What if she can't take metformin, is glipizide ok?", "How about a child under two, is ibuprofen safe?"):
        assert parse_question(short).question_type == "yesno"
    # the drug the patient cannot take is named up to its verb
    assert "amoxicillin" in parse_question("Can patients allergic to penicillin receive amoxicillin?").interventions


def test_a_drug_only_a_second_question_names_is_not_the_asked_one():
    """"..., or are ACE inhibitors better?" is a question of its own: its drug joins neither the interventions nor
    the facets, unless the first question names it too."""
    for question, asked in (("Is amlodipine good for hypertension in diabetics, or are ACE inhibitors better?", ("amlodipine",)),
                            ("Does atorvastatin lower LDL, or do statins cause diabetes?", ("atorvastatin",))):
        q = parse_question(question)
        assert q.interventions == asked and not any(f.startswith(("are ", "do ")) for f in q.facets), q


def test_a_comparator_named_with_its_dose_is_the_drug():
    """Records write "more pain free on rizatriptan than on zolmitriptan": a comparator asked
    with its dose is matched as the drug; a dose alone or a dose adjective stays as asked."""
    q = parse_question("Rizatriptan 10 mg vs zolmitriptan 2.5 mg for a migraine attack: which gets more "
                       "patients pain free at 2 hours?")
    assert q.comparators == ("zolmitriptan",)
    assert undosed("concerta 18 mg") == "concerta"
    assert undosed("40 mg once daily") == "40 mg once daily"
    assert undosed("usual 4.5 mg low dose") == "usual 4.5 mg low dose"


@pytest.mark.parametrize("question, interventions", [
    # a drug class in the patient's story is context: the question proper asks about valdecoxib
    ("OA patient needing a long-term NSAID: does valdecoxib cause fewer endoscopic ulcers than ibuprofen?",
     ("valdecoxib",)),
    ("OA pain not controlled by an NSAID: is controlled-release oxycodone better than immediate-release?",
     ("oxycodone",)),
    # the question proper names none of them: the scene's drugs stay the question's
    ("Fosinopril vs enalapril in chronic heart failure: is one better for symptoms?", ("fosinopril",)),
])
def test_a_treatment_named_only_in_the_scene_is_not_the_intervention(question, interventions):
    assert parse_question(question).interventions == interventions


def test_the_verdict_answers_the_first_of_two_questions_joined_by_and():
    q = parse_question("Acute mania: does aripiprazole 30 mg/day work vs placebo, and does it put on weight or "
                       "raise prolactin?")
    assert q.asked == "Acute mania: does aripiprazole 30 mg/day work vs placebo?"
    assert q.interventions == ("aripiprazole",) and q.comparators == ("placebo",)
    assert not q.harm              # the harm is asked second: the harms section answers it
    # "or does it ...?" is the same question asked the other way: it stays whole
    alt = "Is it safe to give a calcium channel blocker after a heart attack, or does it raise mortality?"
    assert parse_question(alt).asked == alt


def test_a_question_after_a_scene_starts_at_its_auxiliary():
    q = parse_question("Erosive oesophagitis: does rabeprazole 20 mg relieve heartburn any better than omeprazole 40 mg?")
    assert q.interventions == ("rabeprazole",) and q.comparators == ("omeprazole",)


def test_an_equivalence_question_with_a_comparator_is_a_comparison():
    q = parse_question("Seasonal allergic rhinitis: is azelastine nasal spray as good as loratadine 10 mg tablets?")
    assert q.intent == "comparison" and q.claim == "equivalence" and q.comparators == ("loratadine",)


@pytest.mark.parametrize("question, interventions, comparators", [
    # "instead of", "in place of": what the asked drug replaces is the comparator
    ("Neuropathic pain: if I give gabapentin instead of nortriptyline, will she sleep better?",
     ("gabapentin",), ("nortriptyline",)),
    # the drug a patient is switched from
    ("Knee OA: if I switch her from naproxen to celecoxib, will she get fewer ulcers?", ("celecoxib",), ("naproxen",)),
    # the second of two options offered
    ("Stable angina: does it matter whether I use atenolol or metoprolol?", ("atenolol",), ("metoprolol",)),
    # "as good <a role> as"
    ("Is lisinopril 10 mg as good a first-line drug as amlodipine?", ("lisinopril",), ("amlodipine",)),
])
def test_comparators_named_by_replacement_switch_choice_and_as_good_as(question, interventions, comparators):
    q = parse_question(question)
    assert q.interventions == interventions and q.comparators == comparators
    assert not [o for o in q.outcomes if any(d in o for d in (*interventions, *comparators))]


def test_a_time_phrase_is_no_population_or_outcome():
    q = parse_question("Is sertraline linked to bleeding, and is the risk highest in the first few months?")
    assert "first few months" not in q.conditions + q.outcomes + q.facets
    assert q.asked == "Is sertraline linked to bleeding?"


@pytest.mark.parametrize("question, harm", [
    ("Can valproate damage the liver - should I check liver enzymes?", "liver"),
    ("Could amiodarone trigger thyroid disease?", "thyroid disease"),
])
def test_harm_verbs_ask_whether_the_drug_does_the_harm(question, harm):
    q = parse_question(question)
    assert q.adverse and q.intent == "safety" and q.outcomes == (harm,)


def test_low_dose_and_how_much_does_it_rise_are_no_dosing_questions():
    assert parse_question("Does low-dose aspirin prevent a first stroke in women?").intent != "dosing"
    assert parse_question("How much does estrogen raise the risk of endometrial cancer?").intent != "dosing"
    assert parse_question("How much aspirin should I give after a stroke?").intent == "dosing"


def test_a_clause_after_a_scene_leaves_the_question_at_its_auxiliary():
    q = parse_question("Elderly man on warfarin: if I switch him from ibuprofen to paracetamol, will it still "
                       "relieve his knee pain?")
    assert q.question_type == "yesno" and q.comparators == ("ibuprofen",)


def test_the_empty_it_of_is_it_safe_to_is_no_subject():
    q = parse_question("Is it safe to start a beta blocker after a heart attack, or does it raise mortality?")
    assert "to start a beta blocker" not in " ".join(q.outcomes)


def test_may_it_be_given_or_does_it_harm_is_a_safety_question_answered_yes_by_no_harm():
    q = parse_question("Can atomoxetine be given to a boy with a tic disorder, or does it worsen the tics?")
    assert q.adverse and q.safe and q.outcomes == ("tics",)
    # asked plainly, a harm found is the answer yes
    assert not parse_question("Does atomoxetine worsen tics?").safe


def test_a_second_question_lends_no_population_or_outcome_to_the_first():
    q = parse_question("Does adding pioglitazone help glycaemic control, and will it cause oedema or weight gain?")
    assert q.interventions == ("pioglitazone",)
    assert "weight gain" not in q.conditions + q.outcomes and q.asked.endswith("glycaemic control?")


@pytest.mark.parametrize("sentence, expected", [
    # a count per arm, as a crossover or equal-arm trial reports its harms
    ("Adverse events numbered 8 in the gabapentin group against 52 in the amitriptyline group (P < .001).", "favours"),
    ("Withdrawals for side effects: 12 in the gabapentin group and 3 in the amitriptyline group.", "against"),
])
def test_harms_counted_per_arm(sentence, expected):
    from evidex.enrich.direction import harm_direction
    assert harm_direction(sentence, ["gabapentin"], ["amitriptyline"], ["adverse events", "side effects"]) == expected


def test_side_effects_are_found_under_each_name_trials_give_them():
    from evidex.synthesis.asked_harm import harm_forms
    q = parse_question("Does gabapentin cause fewer side effects than amitriptyline?")
    assert {"adverse events", "adverse effects", "side effects"} <= set(harm_forms(q))


def test_fewer_side_effects_than_an_active_drug_is_read_from_the_adverse_event_counts(tmp_path):
    """Over the shared LDN corpus: its crossover trial against amitriptyline reports "adverse
    events" (not "side effects") counted per arm; the answer reads them, for the asked drug."""
    from evidex.load import ingest_paths
    from evidex.render import to_markdown
    from evidex.store import Store
    from evidex.synthesis import ask
    store = Store(tmp_path / "ldn.db")
    ingest_paths(store, [need_data("ldn", "dev_corpus.jsonl")], embed=False)
    answer = ask(store, "In painful diabetic neuropathy, does low-dose naltrexone cause fewer side effects than "
                        "amitriptyline?")
    assert violations(answer) == []
    assert answer.verdict.direction == "favours"
    assert "Adverse events numbered 8 in the naltrexone group" in to_markdown(answer)


@pytest.mark.parametrize("question, words", [
    ("Young man admitted with cannabis-induced psychosis: will olanzapine work any better than haloperidol?",
     ("cannabis",)),
    ("Does omeprazole heal NSAID-associated ulcers better than misoprostol?", ("nsaid",)),
    # any treatment or drug narrows nothing; the asked drug itself is no population
    ("Is clozapine effective for treatment-resistant schizophrenia?", ()),
    ("Does naloxone help naloxone-induced constipation?", ()),
])
def test_a_compound_before_the_condition_narrows_the_population(question, words):
    assert parse_question(question).qualifiers == words


@pytest.mark.parametrize("question, interventions, co_treatments", [
    # the drug taken already, then the one asked, each by name even when the vocabulary lacks it
    ("Migraine patient on moclobemide for depression - can I prescribe rizatriptan 10 mg for her attacks?",
     ("rizatriptan",), ("moclobemide",)),
    ("Overweight type 2 diabetic on glyburide wants to start orlistat - is there an interaction?",
     ("orlistat",), ("glyburide",)),
    ("Can a patient on low-dose aspirin take ibuprofen?", ("ibuprofen",), ("aspirin",)),
])
def test_the_drug_a_patient_is_on_is_the_co_treatment_of_the_one_asked(question, interventions, co_treatments):
    q = parse_question(question)
    assert q.intent == "contraindications"
    assert q.interventions == interventions and q.co_treatments == co_treatments


def test_safe_to_use_leaves_no_outcome_behind():
    q = parse_question("Is sumatriptan safe to use in pregnancy, e.g. after inadvertent first-trimester exposure?")
    assert "to use" not in q.outcomes and "to use" not in q.facets


def test_a_treatment_compared_only_with_its_absence_is_the_asked_one():
    """n27: "patients not given LDN" is the control, not LDN as a comparator; "improve more" names
    no outcome."""
    q = parse_question("Do chronic pain patients treated with LDN improve more than matched patients not given LDN?")
    assert q.interventions == ("low-dose naltrexone",) and q.comparators == ()
    assert "more" not in q.outcomes


@pytest.mark.parametrize("question, interventions, comparators", [
    # two options offered, then the choice asked; each by name though the vocabulary lacks one
    ("Hay fever: astemizole (Hismanal) or loratadine 10 mg - which works better?", ("astemizole",), ("loratadine",)),
    # a brand with its generic in brackets: the generic (lower case) names it; "the other" is no comparator
    ("For migraine prevention, propranolol or Depakote (divalproex) - is one better than the other?",
     ("propranolol",), ("divalproex",)),
    # the choice first, the options last
    ("Which relieves hay fever better, astemizole or loratadine?", ("astemizole",), ("loratadine",)),
])
def test_two_options_offered_are_the_asked_treatment_and_its_comparator(question, interventions, comparators):
    q = parse_question(question)
    assert (q.interventions, q.comparators, q.intent) == (interventions, comparators, "comparison")


def test_options_that_name_no_drug_are_no_comparison():
    q = parse_question("Omeprazole at night: morning or evening - which suits reflux?")
    assert "morning" not in q.interventions and "evening" not in q.comparators


def test_a_scene_before_a_dash_is_the_patients_story_not_an_outcome():
    q = parse_question("Patient admitted with a heart attack two hours ago - should I start lisinopril to cut mortality?")
    assert q.interventions == ("lisinopril",)
    assert not any("admitted" in f for f in q.facets)
    # a drug the patient already takes, told in the scene, is not the asked one
    q = parse_question("HbA1c still high on metformin 1000 mg twice daily - will adding nateglinide bring it down?")
    assert q.interventions == ("nateglinide",) and not any("hba1c still" in f for f in q.facets)
    # a question before the dash is no scene: its drug stays asked
    q = parse_question("Is guanfacine an option in ADHD with tics - does it help without worsening tics?")
    assert q.interventions == ("guanfacine",)
    # nor a question reported ("asks whether")
    q = parse_question("Fibromyalgia patient asks whether LDN improves pain tolerance - has anyone measured it?")
    assert "pain tolerance" in q.outcomes


def test_a_dose_asked_about_is_no_outcome():
    q = parse_question("Ziprasidone for schizophrenia - is 40 mg/day enough or do I need 120 mg/day?")
    assert not any("40 mg" in o for o in q.outcomes)


def test_a_harm_compared_after_a_comparative_is_the_outcome():
    q = parse_question("Is olanzapine worse than risperidone for causing weight gain?")
    assert q.comparators == ("risperidone",) and "weight gain" in q.outcomes
    # a benefit sought after "better than" stays out: the studies word it their own way
    q = parse_question("Is amlodipine better than ramipril for slowing kidney function decline?")
    assert q.outcomes == ()


def test_a_scene_naming_a_drug_and_its_use_gives_the_population():
    q = parse_question("Meloxicam in RA - is 22.5 mg daily worth it over 15 mg?")
    assert "ra" in q.conditions


def test_a_harm_and_its_consequence_are_each_an_outcome_and_a_generic_head_is_not_the_harm():
    from evidex.synthesis.asked_harm import harm_forms, names_harm
    q = parse_question("Does hormone therapy raise the risk of gallbladder disease needing cholecystectomy?")
    assert q.adverse and q.outcomes == ("gallbladder disease", "cholecystectomy")
    assert "disease" not in harm_forms(q) and "gallbladder" in harm_forms(q)
    # a sentence on another disease does not report this harm
    assert not names_harm(q, "The combination did not reduce the risk of coronary heart disease.")
    assert names_harm(q, "Current users had a relative risk of cholecystectomy of 2.1.")


@pytest.mark.parametrize("question, outcome", [
    ("Does long-term PPI use raise the risk of hip fracture?", "hip fracture"),
    ("Does regular NSAID use raise blood pressure?", "blood pressure"),
])
def test_use_as_the_noun_before_the_predicate_is_part_of_the_subject(question, outcome):
    q = parse_question(question)
    assert q.adverse and q.outcomes == (outcome,)


def test_use_as_the_predicate_still_ends_the_subject():
    assert "rescue medication" in parse_question("Do patients use less rescue medication on tramadol?").outcomes


def test_a_side_question_about_harms_does_not_turn_the_answer_of_an_efficacy_comparison(tmp_path):
    """"Is A more effective than B, or does it just cause more dry mouth?" names no harm the
    studies are read for, so they are read for the effect: the lead line answers that reading
    (yes with a verdict for A, no with none), never the opposite of the verdict shown under it."""
    from evidex.load import ingest_paths
    from evidex.store import Store
    from evidex.synthesis import ask
    store = Store(tmp_path / "ui.db")
    ingest_paths(store, [need_data("cohen2006", "UrinaryIncontinence.csv")], embed=False)
    answer = ask(store, "Is oxybutynin actually more effective than tolterodine (Detrol) for urge incontinence, "
                        "or does it just cause more dry mouth?")
    expected = {"favours": "yes", "no_difference": "no", "against": "no"}
    assert answer.verdict.direction in expected
    assert answer.verdict.answer == expected[answer.verdict.direction]


def test_how_common_is_answered_by_the_share_an_abstract_states_in_its_background(tmp_path):
    """An epidemiology question: the LDN long-COVID study gives the share of patients with lasting
    symptoms in its background, citing the survey it comes from; that sentence answers "how
    common?" and leads the key points, cited to its record."""
    from evidex.load import ingest_paths
    from evidex.store import Store
    from evidex.synthesis import ask
    store = Store(tmp_path / "ldn.db")
    ingest_paths(store, [need_data("ldn", "dev_corpus.jsonl")], embed=False)
    answer = ask(store, "How common is long COVID - is it true that over a third of people still have symptoms "
                        "three months after the infection?")
    assert violations(answer) == []
    quoted = [p.text for p in answer.sections[0].key_points if p.kind != "summary"]
    assert any("37.7%" in t for t in quoted)


def test_a_share_is_no_population():
    query = parse_question("How common is weekly heartburn in US adults - is it really something like one in five?")
    assert "five" not in query.conditions


def test_a_time_window_that_is_the_point_of_the_question_stays_in_its_name():
    # only a duration at the end of a name is cut ("insulin for a few months"), never words inside it
    q = parse_question("Is thrombolysis within 3 hours of stroke onset better than aspirin?")
    assert "within 3 hours" in q.interventions[0] and q.comparators == ("aspirin",)
