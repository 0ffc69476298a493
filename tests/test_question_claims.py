"""Question forms read this session (issue 9, item 1): a claim reported and doubted, a harm
"given" to someone, a release form before a drug, an eponym's possessive, lay words for
placebo, options that carry their doses, an outcome that is the subject of its verb, and a
meta-analysis its title declares. Each is a general English or vocabulary form, not a
question of one corpus."""
from __future__ import annotations

import pytest

from evidex.enrich.design import classify_text
from evidex.matching import outcome_forms
from evidex.phrases import drug_name
from evidex.query import parse_question
from evidex.question_shape import reported_claim
from evidex.vocab import find_terms


@pytest.mark.parametrize("question, asked", [
    ("My patient on amlodipine read that calcium channel blockers cause cancer - is there anything to it?",
     "My patient on amlodipine: do calcium channel blockers cause cancer?"),
    ("Is it true that statins cause memory loss?", "Do statins cause memory loss?"),
    ("I heard that LDN is unsafe in pregnancy - is that true?", "Is LDN unsafe in pregnancy?"),
    ("Does LDN help CRPS?", "Does LDN help CRPS?"),                  # no claim: as it is
])
def test_a_doubted_claim_is_asked_as_the_question_it_is(question, asked):
    assert reported_claim(question) == asked


def test_a_doubted_harm_claim_reads_as_a_harm_question_and_keeps_its_words():
    q = parse_question("My patient on amlodipine read that calcium channel blockers cause cancer - "
                       "is there anything to it?")
    assert q.adverse and q.intent == "safety"
    assert q.interventions == ("calcium channel blockers",) and q.outcomes == ("cancer",)
    assert q.question.startswith("My patient on amlodipine read that")      # the user's words, unchanged


@pytest.mark.parametrize("question, outcome", [
    ("Will Ritalin or another stimulant give my son tics?", "tics"),
    ("Will clozapine give him seizures?", "seizures"),
    ("My patient takes Glucotrol XL before a fasting walk - will the glipizide make him go hypo?", "hypo"),
    ("Does clozapine make patients gain weight?", "gain weight"),
])
def test_a_harm_given_to_someone_is_a_harm_question(question, outcome):
    q = parse_question(question)
    assert q.adverse and q.outcomes == (outcome,) and not q.comparators   # "another stimulant" widens, compares nothing


def test_a_benefit_given_is_no_harm_and_a_harm_compared_keeps_its_comparator():
    assert not parse_question("Does LDN give her more energy?").adverse
    q = parse_question("Schizophrenia patient - is Zyprexa (olanzapine) more likely than Risperdal to give "
                       "him type 2 diabetes?")
    assert q.harm and q.comparators


@pytest.mark.parametrize("phrase, drug", [
    ("short-acting nifedipine", "nifedipine"), ("extended-release metformin", "metformin"),
    ("once-daily quinapril", "quinapril"), ("short-acting ones", "short-acting ones"),   # no drug: kept
])
def test_a_release_form_is_not_the_drug(phrase, drug):
    assert drug_name(phrase) == drug


@pytest.mark.parametrize("text, names", [
    ("active Crohn's", ["crohn's disease"]),            # the possessive alone, as the curated name
    ("early Parkinson's", ["parkinson disease"]),
    ("Alzheimer's dementia", ["dementia"]),             # a condition named next: that one
    ("Turner's", []),                                    # an ordinary English word too
])
def test_an_eponyms_possessive_names_its_disease(text, names):
    assert [m.canonical for m in find_terms(text)] == names


@pytest.mark.parametrize("text", ["compared with a dummy pill", "or a sugar pill", "versus placebo"])
def test_lay_words_for_placebo_are_placebo(text):
    assert [m.canonical for m in find_terms(text)] == ["placebo"]


@pytest.mark.parametrize("text", ["an anterior STEMI", "after a first anterior MI", "after a heart attack"])
def test_myocardial_infarction_by_its_clinical_short_names(text):
    assert [m.canonical for m in find_terms(text)] == ["myocardial infarction"]


def test_two_dosed_options_are_a_comparison_not_a_dosing_question():
    q = parse_question("Mobic 15 mg or diclofenac 100 mg for knee osteoarthritis - same pain relief, "
                       "and which is kinder to the stomach?")
    assert q.intent == "comparison" and q.interventions == ("meloxicam",) and q.comparators == ("diclofenac",)
    # doses asked of one drug stay a dosing question
    assert parse_question("Meloxicam in RA - is 22.5 mg daily worth it over 7.5 or 15 mg?").intent == "dosing"


def test_switching_from_a_drug_names_the_comparator_and_a_unit_is_no_population():
    q = parse_question("Switching a diabetic from glyburide to glipizide - is glipizide weaker mg for mg, "
                       "so I need a bigger dose?")
    assert q.interventions == ("glipizide",) and q.comparators == ("glyburide",)
    assert "mg" not in q.conditions and "mg" not in q.facets


@pytest.mark.parametrize("question, outcome", [
    ("In fibromyalgia, does sleep improve on LDN?", "sleep"),
    ("Does quality of life improve with LDN in Crohn's disease?", "quality of life"),
])
def test_an_outcome_that_is_the_subject_of_its_verb(question, outcome):
    assert outcome in parse_question(question).outcomes


def test_cut_is_a_predicate_whose_object_is_the_outcome():
    q = parse_question("Does a 6-week course of zofenopril cut death or heart failure after an anterior STEMI?")
    assert "death" in q.outcomes and "myocardial infarction" in q.conditions


def test_a_meta_analysis_its_title_declares_is_one():
    title = "Safety of nifedipine in angina pectoris: a meta-analysis."
    text = title + " Thirty cardiovascular events were reported in 2635 nifedipine exposures."
    call = classify_text(text, title=title, abstract=text)
    assert call.label == "meta_analysis" and call.source == "title"


def test_an_outcome_is_searched_by_its_other_names():
    forms = outcome_forms(["breast cancer"])
    assert forms[0] == "breast cancer" and "breast carcinoma" in forms
    assert outcome_forms(["vivid dreams"]) == ["vivid dreams"]      # no vocabulary name: as written


def test_an_overview_of_trials_with_a_pooled_ratio_is_a_meta_analysis():
    title = "Overview of randomized trials of angiotensin-converting enzyme inhibitors on mortality in heart failure"
    pooled = title + ". Overall, total mortality fell (odds ratio 0.77, 95% CI 0.67 to 0.88)."
    assert classify_text(pooled, title=title, abstract=pooled).label == "meta_analysis"
    told = title + ". The trials are described and their designs discussed."
    assert classify_text(told, title=title, abstract=told).label == "narrative_review"


@pytest.mark.parametrize("question, interventions, comparators", [
    ("For an elderly patient with stable angina, is Norvasc better than Imdur?", ("amlodipine",),
     ("isosorbide mononitrate",)),
    ("Hay fever season is here - is Zyrtec (cetirizine) any better than Claritin (loratadine)?", ("cetirizine",),
     ("loratadine",)),
    ("Grade II-III reflux oesophagitis: Protonix 40 mg or Prevacid 30 mg - will one heal it faster?", ("pantoprazole",),
     ("lansoprazole",)),
])
def test_brand_names_are_read_as_their_drugs(question, interventions, comparators):
    q = parse_question(question)
    assert q.interventions == interventions and q.comparators == comparators
    assert q.intent == "comparison"


def test_a_brand_is_searched_beside_its_drug_and_a_brand_that_is_a_word_is_not_one():
    from evidex.vocab import expansions
    assert {"amlodipine", "norvasc"} <= set(expansions("amlodipine"))
    assert find_terms("the soma of cortical neurons") == []
    assert drug_name("claritin (loratadine)") == "loratadine"       # two names of one drug: the drug


@pytest.mark.parametrize("question", [
    "Will LDN make her feel better?",
    "After a heart attack - will enalapril make him feel any better day to day?",
    "What side effects make patients with left ventricular dysfunction stop enalapril?",
])
def test_making_someone_better_or_stop_is_no_harm_asked(question):
    assert not parse_question(question).adverse


def test_a_wh_subject_names_no_treatment():
    assert parse_question("What side effects make patients stop enalapril, and how common are they?"
                          ).interventions == ("enalapril",)
    assert parse_question("Why does lansoprazole heal reflux oesophagitis less well in some patients?"
                          ).interventions == ("lansoprazole",)


@pytest.mark.parametrize("question, interventions, comparators", [
    ("Vicoprofen or Tylenol #3 for chronic back or arthritis pain - which works better?", ("hydrocodone", "ibuprofen"),
     ("codeine", "paracetamol")),
    ("Is Vicoprofen better than Tylenol #3?", ("hydrocodone", "ibuprofen"), ("codeine", "paracetamol")),
    ("Does Arthrotec cause more diarrhoea than Vioxx?", ("diclofenac", "misoprostol"), ("rofecoxib",)),
])
def test_a_combination_product_is_its_drugs(question, interventions, comparators):
    q = parse_question(question)
    assert q.interventions == interventions and q.comparators == comparators


@pytest.mark.parametrize("question, interventions, comparators", [
    ("Knee osteoarthritis: what dose of meloxicam gives the same pain relief as diclofenac 75 mg twice a day?",
     ("meloxicam",), ("diclofenac",)),
    ("If I swap her from atenolol to bisoprolol, will her blood pressure stay the same?", ("bisoprolol",), ("atenolol",)),
    # whether A can stand in for B is whether it does as well
    ("Is diltiazem a reasonable alternative to bisoprolol in heart failure?", ("diltiazem",), ("bisoprolol",)),
])
def test_the_same_as_asks_whether_two_treatments_are_equivalent(question, interventions, comparators):
    q = parse_question(question)
    assert (q.interventions, q.comparators, q.claim, q.intent) == (interventions, comparators, "equivalence", "comparison")


@pytest.mark.parametrize("question", [
    "Is it OK to take amlodipine at the same time as simvastatin?",
    "Is ranitidine the same drug as Zantac?",
    "Should levothyroxine be taken at the same time of day as omeprazole?",
    "Should a patient with the same symptoms as before be given omeprazole?",
    "Switching from omeprazole to pantoprazole: will the dose be the same?",
    "Moving from morphine to oxycodone - should the total daily dose stay the same?",
    "After switching from atenolol to bisoprolol, is the same dose needed?",
])
def test_the_same_time_drug_or_dose_is_no_claim_of_equivalence(question):
    """"The same" asks whether two treatments work alike only of an effect ("the same pain relief as
    B"), not of a time, a drug's identity, symptoms or a dose (a dose asked stays a dosing question)."""
    q = parse_question(question)
    assert q.claim != "equivalence" and q.intent != "comparison", (q.intent, q.interventions, q.comparators)


def test_an_option_may_be_written_with_its_article():
    """"A or a B ... - which one ...?": the second option is B, not the article."""
    q = parse_question("Amlodipine or a thiazide started for hypertension in the elderly - which one lowers pressure more?")
    assert (q.interventions, q.comparators, q.intent) == (("amlodipine",), ("diuretics",), "comparison")


def test_a_wh_question_after_and_is_answered_beside_the_verdict():
    """"..., and what side effects should I expect?" is a second question, answered by the harms
    section: the verdict answers the comparison of effects (pmid:12832240, olanzapine vs divalproex)."""
    q = parse_question("Acute manic episode: olanzapine or divalproex - which gets patients into remission faster, "
                       "and what side effects should I expect?")
    assert q.comparators == ("divalproex",) and not q.harm
    assert parse_question("Does olanzapine work for acute mania compared with placebo, and what side effects "
                          "should I expect?").asked == "Does olanzapine work for acute mania compared with placebo?"


@pytest.mark.parametrize("question, intent", [
    ("Why would an opioid blocker help an inflamed gut in Crohn's disease - what's the biological rationale?",
     "mechanism"),
    ("How is LDN supposed to work in psoriasis - what does it actually do to the immune response?", "mechanism"),
    ("Patients on LDN often say their mood lifts - is that explained by LDN boosting beta-endorphin release?",
     "mechanism"),
    ("Through what mechanism are ultra-low-dose opioid antagonists thought to prevent opioid tolerance?", "mechanism"),
    # a receptor named in a drug class is no mechanism asked
    ("Do proton pump inhibitors heal erosive esophagitis better than H2-receptor antagonists such as ranitidine?",
     "comparison"),
    ("Does LDN reduce pain in fibromyalgia?", "efficacy"),
    # how a person may help, why people act, a receptor in a drug's class name: no mechanism asked
    ("How do we help smokers quit: is varenicline better than nicotine patches?", "comparison"),
    ("Why do patients stop taking statins?", "efficacy"),
    ("Is raloxifene, a selective estrogen receptor modulator, effective for osteoporosis?", "efficacy"),
    ("How does LDN work in Crohn's disease?", "mechanism"),
])
def test_how_or_why_a_treatment_works_is_a_mechanism_question(question, intent):
    assert parse_question(question).intent == intent


@pytest.mark.parametrize("question, intent", [
    ("Overweight man with newly diagnosed type 2 diabetes is worried about his weight. Is metformin a good first drug?",
     "efficacy"),
    ("How is complex regional pain syndrome diagnosed?", "diagnosis"),
    ("What is the sensitivity of anti-endomysial antibodies for coeliac disease?", "diagnosis"),
    ("My mother was diagnosed with atrial fibrillation last year. Should she take warfarin?", "efficacy"),
    ("Can pulmonary embolism be diagnosed with D-dimer?", "diagnosis"),
    ("Is coeliac disease diagnosed by serology alone?", "diagnosis"),
    ("Amlodipine 10 mg add-on in systolic heart failure - does it improve exercise tolerance?", "efficacy"),
    ("Is low-dose naltrexone well tolerated?", "safety"),
    ("Does tolerance develop to long-term opioids?", "safety"),
    # agents "with different mechanisms" are described, not asked how they work
    ("Should I start a newly diagnosed type 2 patient on two oral agents with different mechanisms instead of "
     "monotherapy?", "comparison"),
    # ... but a mechanism compared is asked ("a different mechanism than metformin")
    ("Does pioglitazone lower glucose through a different mechanism than metformin?", "mechanism"),
    ("Do naltrexone and LDN work by the same mechanism?", "mechanism"),
])
def test_words_that_describe_the_patient_or_name_an_outcome_do_not_set_the_intent(question, intent):
    """A patient "newly diagnosed" is who asks, not a diagnosis question; "exercise tolerance" is an outcome."""
    assert parse_question(question).intent == intent


@pytest.mark.parametrize("question, interventions, comparators", [
    ("Overweight man with newly diagnosed type 2 diabetes is worried about putting on weight. Metformin or glyburide?",
     ("metformin",), ("glyburide",)),
    ("Hay fever season again - Zyrtec or Claritin?", ("cetirizine",), ("loratadine",)),
    # each option with its dose and how often, then what it is for: the doses are the arms', not a dose asked
    ("Grade II-III reflux oesophagitis - pantoprazole 40 mg daily or ranitidine 150 mg twice daily for healing?",
     ("pantoprazole",), ("ranitidine",)),
])
def test_a_choice_asked_on_its_own_is_a_comparison_of_the_two(question, interventions, comparators):
    q = parse_question(question)
    assert (q.interventions, q.comparators, q.intent) == (interventions, comparators, "comparison")
    assert q.question_type == "factoid"        # asks which, so no "Yes —" opening


@pytest.mark.parametrize("question", ["Statins: friend or foe?", "HRT after menopause. Benefit or harm?"])
def test_a_choice_of_two_verdicts_is_still_a_yes_no_question(question):
    assert parse_question(question).question_type == "yesno"


@pytest.mark.parametrize("question, interventions", [
    # a sentence of story before the question: its words are no part of the treatment asked
    ("Woman with detrusor instability who cannot take oxybutynin's side effects. "
     "Is transcutaneous electrical nerve stimulation an alternative?", ("transcutaneous electrical nerve stimulation",)),
    ("My 66-year-old dad had a heart attack last week and the echo shows his heart pump is weak. "
     "They started him on trandolapril. Will it save his life?", ("trandolapril",)),
    # what the patient wants to try is asked, even with more story after it
    ("My fibromyalgia patient takes tramadol every day and wants to try LDN 4.5 mg after reading about the pilot "
     "study. Does that trial's evidence even apply to someone on opioids?", ("low-dose naltrexone",)),
    # an abbreviation's full stop ends no sentence: "pregnancy" stays the population asked
    ("Is sumatriptan safe to use in pregnancy, e.g. after inadvertent first-trimester exposure?", ("sumatriptan",)),
])
def test_a_sentence_of_story_before_the_question_sets_the_scene(question, interventions):
    """The treatments asked about lead; none of the story's words is one."""
    got = parse_question(question).interventions
    assert got[:len(interventions)] == interventions and not any(len(i.split()) > 4 for i in got), got


def test_an_abbreviation_keeps_the_population_of_the_question():
    assert "pregnancy" in parse_question(
        "Is sumatriptan safe to use in pregnancy, e.g. after inadvertent first-trimester exposure?").conditions


@pytest.mark.parametrize("question", [
    "Is there any benefit in starting fosinopril early?",
    "LDN is said to sensitise opioid receptors. Has anyone actually shown that?",
    "Heart failure patient on carvedilol. Is he likely to deteriorate in the first months?",
    "Ischaemic cardiomyopathy, EF about 35%, stable. If I add carvedilol, will he actually feel better?",
])
def test_a_clause_opened_by_a_pronoun_is_no_outcome_population_or_treatment(question):
    """"there any benefit", "anyone actually shown that", "he actually feel": clauses the slots once
    took for names (and a sentence of story, "heart failure patient", for the outcome)."""
    q = parse_question(question)
    assert not q.outcomes, q
    for phrase in (*q.conditions, *q.interventions):
        assert phrase.split()[0] not in {"there", "that", "it", "he", "she", "anyone"}, (phrase, q)


def test_a_scene_before_a_colon_is_no_part_of_the_compared_treatments():
    q = parse_question("Acute exacerbation of schizophrenia: amisulpride 800 mg vs risperidone 8 mg - "
                       "is amisulpride as effective?")
    assert (q.interventions, q.comparators) == (("amisulpride",), ("risperidone",))


def test_a_question_ended_by_a_full_stop_keeps_its_facets():
    """A first question that ends in "." is read as a question, not as the scene of the next."""
    assert parse_question("Does metformin cause weight loss. Is it safe in CKD?").outcomes == ("weight loss",)
    assert "pregnancy" in parse_question("Is metformin safe in pregnancy. What about breastfeeding?").conditions


def test_a_capitalised_abbreviation_is_no_pronoun():
    """"HE" (hepatic encephalopathy) written in capitals names the outcome; "he" would be a clause."""
    assert parse_question("Does lactulose prevent HE recurrence after a first episode?").outcomes == ("he recurrence",)


def test_an_effect_compared_with_its_harms_beside_is_no_harm_comparison():
    # "for pain relief and side effects": which works better, the harms told beside it
    q = parse_question("For painful diabetic neuropathy, how does low-dose naltrexone compare with amitriptyline "
                       "for pain relief and side effects?")
    assert q.comparators == ("amitriptyline",) and not q.harm
    # the harm alone compared, or a second harm named: a harm comparison still
    assert parse_question("Is celecoxib safer than naproxen for the stomach?").harm
    assert parse_question("Does celecoxib cause fewer ulcers and side effects than naproxen?").harm
    assert parse_question("Is venlafaxine worse than sertraline for withdrawal and side effects?").harm


def test_a_drug_class_stem_the_vocabulary_lacks_names_the_drug():
    # "-azosin" (WHO INN stem of the alpha-1 blockers): doxazosin is the asked treatment, not "treatment with ..."
    q = parse_question("Does starting hypertension treatment with doxazosin instead of chlorthalidone raise the risk "
                       "of heart failure?")
    assert q.interventions == ("doxazosin",) and q.comparators == ("chlorthalidone",) and q.harm


@pytest.mark.parametrize("question, drug", [
    ("In elderly patients with isolated systolic hypertension, does treatment starting with nitrendipine lower the "
     "risk of dementia?", "nitrendipine"),
    ("Does therapy with doxazosin raise the risk of heart failure?", "doxazosin"),
])
def test_treatment_with_a_drug_asks_the_drug(question, drug):
    assert parse_question(question).interventions == (drug,)


@pytest.mark.parametrize("question", [
    "Is apixaban a better alternative to warfarin in atrial fibrillation?",
    "Is buprenorphine a superior alternative to methadone for opioid dependence?",
    "Is sitagliptin better than glipizide as an alternative to metformin?",
    "Is apixaban a reasonable alternative to warfarin in atrial fibrillation, or is it better?",
    "Is apixaban a suitable alternative to warfarin with fewer bleeds?",
    "Is apixaban a reasonable alternative to warfarin in atrial fibrillation, or is it safer?",
])
def test_a_better_alternative_asks_for_more_not_for_as_much(question):
    assert parse_question(question).claim == "superiority"
