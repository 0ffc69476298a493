"""Questions that set the asked treatment against something the vocabulary alone would not show: a
choice offered before a second question, insulins by brand and time of day, a second group of
patients, what the asker would use instead of a test, and "does X work by ...?" as a mechanism
question (issue 9, item 1); and two null wordings the direction cues read (item 4)."""
from __future__ import annotations

import pytest

from evidex.enrich.direction import sentence_direction
from evidex.query import parse_question
from evidex.question_shape import bare_choice
from evidex.vocab import find_terms


def test_a_choice_offered_before_a_second_question_is_a_comparison():
    question = ("Bipolar patient with a history of overdoses: lithium or valproate to prevent suicide? "
                "And how soon does it work?")
    assert bare_choice(question)
    query = parse_question(question)
    assert (query.interventions, query.comparators, query.intent) == (("lithium",), ("valproate",), "comparison")


@pytest.mark.parametrize("question, asked, compared", [
    ("In chronic schizophrenia, is Fluanxol or Risperdal better for quality of life?", "flupenthixol", "risperidone"),
    ("Is celecoxib or naproxen safer for the stomach?", "celecoxib", "naproxen"),
    ("Was haloperidol or olanzapine more effective in first-episode psychosis?", "haloperidol", "olanzapine"),
])
def test_is_a_or_b_better_compares_the_first_with_the_second(question, asked, compared):
    query = parse_question(question)
    assert (query.interventions, query.comparators, query.intent) == ((asked,), (compared,), "comparison")


def test_is_a_or_b_better_of_two_names_of_one_drug_asks_the_drug():
    assert parse_question("Is Concerta or Ritalin better for ADHD?").interventions == ("methylphenidate",)


def test_when_a_drug_is_taken_is_no_option_and_the_drug_stays_asked():
    """"Should nateglinide be taken before or after meals?" offers two times, not two treatments."""
    query = parse_question("Should nateglinide be taken before or after meals - does food change how it is absorbed?")
    assert query.interventions == ("nateglinide",)


def test_a_class_the_patient_is_on_is_what_a_switch_is_compared_with():
    """A singular class name ("a typical neuroleptic") is the class, and taken now it is the comparator."""
    query = parse_question("Doing well on a typical neuroleptic: would switching to Clozaril help his memory?")
    assert (query.interventions, query.comparators) == (("clozapine",), ("typical antipsychotics",))


def test_insulins_are_read_by_brand_and_the_time_they_are_given_is_no_option():
    query = parse_question("Type 2 diabetes failing on metformin alone: mealtime NovoLog or bedtime Lantus - "
                           "which lowers HbA1c more?")
    assert (query.interventions, query.comparators) == (("insulin aspart",), ("insulin glargine",))
    assert [m.canonical for m in find_terms("bedtime NPH insulin")] == ["nph insulin"]
    # "NPH" alone is also normal pressure hydrocephalus: no insulin
    assert parse_question("Does shunt surgery improve gait in NPH?").interventions == ("shunt surgery",)
    # an outcome that names insulin is no insulin treatment
    assert find_terms("insulin secretion", ("intervention",)) == []


@pytest.mark.parametrize("question, asked_in, compared_with", [
    ("Does pioglitazone lower HbA1c as much in Japanese patients as in European patients?",
     "japanese patients", "european patients"),
    ("Will tolterodine work as well for an 85-year-old as for younger patients?", None, "younger patients"),
    ("Does LDN work as well for Crohn's disease in children as it does in adults?", "children", "adults"),
])
def test_a_second_group_of_patients_is_what_the_effect_is_compared_with(question, asked_in, compared_with):
    query = parse_question(question)
    assert query.comparators == (compared_with,)
    assert compared_with not in query.conditions
    if asked_in:
        assert asked_in in query.conditions


@pytest.mark.parametrize("question, compared_with", [
    ("Does LDN work better for neuropathic pain and CRPS than for spondylosis?", "spondylosis"),
    ("Do people with neuropathic pain or CRPS respond better to LDN than those with spinal spondylosis?",
     "spinal spondylosis"),
])
def test_a_disease_the_vocabulary_knows_is_a_group_compared_too(question, compared_with):
    query = parse_question(question)
    assert query.comparators == (compared_with,) and query.interventions == ("low-dose naltrexone",)


def test_as_well_as_joins_two_groups_and_compares_none():
    query = parse_question("Is metformin safe in pregnancy as well as in breastfeeding?")
    assert query.comparators == () and "breastfeeding" not in query.to_contract()["comparators"]


def test_the_asker_is_no_treatment_and_what_they_would_use_instead_is_the_comparator():
    query = parse_question("After treating H. pylori in an ulcer patient, can I use a urine antigen test instead "
                           "of repeat endoscopy to confirm eradication?")
    assert query.interventions == ("urine antigen test",)
    assert query.comparators == ("repeat endoscopy",)          # not "... to confirm eradication"
    assert "helicobacter infections" in query.conditions
    # a number is no alternative treatment
    assert parse_question("Do I need 14 days of triple therapy instead of 7?").comparators == ()


@pytest.mark.parametrize("question, asked, compared", [
    # "as <hyphenated adjective> as B", "A an alternative to B", "go to A or try B", a comparison in a lead clause,
    # and a compared phrase that ends where the question's clause begins
    ("Hypertensive diabetic with microalbuminuria: is nifedipine SR as kidney-protective as enalapril?",
     "nifedipine", "enalapril"),
    ("Heart failure patient who can't take a beta-blocker - is diltiazem a reasonable alternative to bisoprolol?",
     "diltiazem", "bisoprolol"),
    ("Failed two antipsychotics - should I go to clozapine or try risperidone first?", "clozapine", "risperidone"),
    ("If we use metformin instead of diet alone, can we keep glucose near normal?", "metformin", "diet"),
    ("Instead of ibuprofen, is it safe to give paracetamol to an asthmatic child?", "paracetamol", "ibuprofen"),
])
def test_a_comparison_written_in_other_shapes_names_its_comparator(question, asked, compared):
    query = parse_question(question)
    assert (query.interventions, query.comparators) == ((asked,), (compared,))


@pytest.mark.parametrize("question, asked", [
    # asking for an alternative to B names no comparator; nor does the scene's "than usual" or a number
    ("Is there an alternative to warfarin for atrial fibrillation?", ("warfarin",)),
    ("Is apixaban a safe alternative to warfarin in elderly patients?", ("warfarin", "apixaban")),
    ("Woman in her 60s, more tired than usual: does vitamin D help fatigue?", ("vitamin d",)),
    ("If his blood pressure stays higher than 140/90, should we add amlodipine?", ("amlodipine",)),
    # both options of a switch are asked, against the drug taken now
    ("Patient on warfarin - should we switch to apixaban or dabigatran?", ("apixaban", "dabigatran")),
])
def test_an_alternative_sought_or_a_scene_compared_names_no_new_comparator(question, asked):
    query = parse_question(question)
    assert query.interventions == asked
    assert query.comparators == (("warfarin",) if "switch" in question else ())


@pytest.mark.parametrize("question, compared", [
    # "over" an age, a threshold or a time compares nothing
    ("Obese woman with type 2 diabetes, A1c over 8% on maximal metformin plus a sulfonylurea - would adding "
     "sibutramine help her sugars?", ()),
    ("Over the first year, is olanzapine better than risperidone for concentration?", ("risperidone",)),
    ("Women over 65: does raloxifene prevent fractures?", ()),
    ("Over two years, does risperidone prevent relapse?", ()),
    ("In patients over the age of 65 taking metformin, does sitagliptin reduce HbA1c?", ()),
    ("Over one year of metformin treatment, does sitagliptin reduce HbA1c?", ()),
    ("Over a 12-week period on metformin, does sitagliptin reduce HbA1c?", ()),
    # "switch him over to" is a switch: the drug he is on is the comparator, not the new one
    ("Patient on warfarin: should I switch him over to apixaban?", ("warfarin",)),
    # "over" a treatment or a dose compares it
    ("Is olanzapine preferred over haloperidol for first-episode psychosis?", ("haloperidol",)),
])
def test_over_compares_a_treatment_not_an_age_a_threshold_or_a_time(question, compared):
    assert parse_question(question).comparators == compared


def test_over_a_dose_compares_the_doses():
    from evidex.question_shape import comparator_text
    assert comparator_text("Is 100 mcg/day of estradiol worth it over 50 mcg/day?") == "50 mcg/day"
    assert comparator_text("Is 100 mcg/day of estradiol worth it over 50 years of age?") == ""
    assert comparator_text("Is atorvastatin 20 mg worth it over 10?") == "10"


@pytest.mark.parametrize("question, intent", [
    # a drug the patient could not tolerate is the story; whether the asked one is worth a try is efficacy
    ("Spinal cord injury patient with troublesome spasticity who can't tolerate baclofen - is gabapentin worth a "
     "try?", "efficacy"),
    ("She couldn't tolerate tricyclics or antiseizure drugs - is LDN worth trying for her neuropathic pain?", "efficacy"),
    ("Is gabapentin well tolerated in the elderly?", "safety"),
])
def test_a_drug_not_tolerated_in_the_story_does_not_make_a_safety_question(question, intent):
    assert parse_question(question).intent == intent


def test_a_term_found_keeps_its_punctuation_as_written():
    """Callers look for a match in the question's own text: "H. pylori" must not come back as "H pylori"."""
    text = "Is H. pylori eradication better with a PPI?"
    match = find_terms(text, ("condition",))[0]
    assert match.text == "H. pylori" and match.text in text


@pytest.mark.parametrize("question", [
    "Does metformin work by lowering hepatic glucose output?",
    "Does low-dose naltrexone act through raising endorphins?",
    "Is the benefit of exercise on mood mediated by endorphins?",
])
def test_how_a_treatment_is_said_to_work_is_a_mechanism_question(question):
    assert parse_question(question).intent == "mechanism"


@pytest.mark.parametrize("question, outcome", [
    ("Does carvedilol give a bigger rise in ejection fraction than metoprolol?", "ejection fraction"),
    ("Does low-dose naltrexone work by triggering a rebound rise in endorphins?", "endorphins"),
    ("Does salmeterol cause a decline in lung function in asthmatics?", "lung function"),
    ("Is there evidence that low-dose naltrexone actually boosts beta-endorphin?", "beta-endorphin"),
])
def test_what_rises_or_falls_is_an_outcome_not_a_population(question, outcome):
    query = parse_question(question)
    assert outcome in query.outcomes and outcome not in query.conditions


def test_a_change_in_people_keeps_them_the_population():
    query = parse_question("Does metformin cause weight changes in adolescents?")
    assert query.conditions == ("adolescents",) and query.outcomes == ("weight changes",)
    # "lactate" is no lactation
    assert parse_question("Does metformin cause a rise in lactate?").intent == "safety"


def test_the_means_a_question_names_is_read_without_its_verb():
    assert parse_question("Does metformin work by lowering hepatic glucose output?").outcomes == ("hepatic glucose output",)


@pytest.mark.parametrize("sentence", [
    "Olanzapine 7.5 mg/day showed no superior subjective response over haloperidol 2.5 mg/day.",
    "This efficacy is comparable to that of other proton pump inhibitors.",
    "There is a substantial comparability of the efficacy of lansoprazole and omeprazole.",
])
def test_null_wordings_between_two_treatments_are_no_difference(sentence):
    assert sentence_direction(sentence) == "no_difference"


@pytest.mark.parametrize("sentence", [
    "This study was designed to evaluate the comparability of the efficacy of lansoprazole and omeprazole.",
    "Patients with no superior vena cava obstruction were eligible.",
])
def test_an_aim_or_an_anatomical_superior_is_no_null_finding(sentence):
    assert sentence_direction(sentence) == "unclear"


def test_a_positive_comparison_is_still_read_as_one():
    assert sentence_direction("Olanzapine was superior to haloperidol on the PANSS total score (p < 0.01).") == "favours"


@pytest.mark.parametrize("question, harm", [
    ("How common are seizures on clozapine, and can it be continued after one?", "seizures"),
    ("My son has just started clozapine. How much weight is he likely to gain?", "weight gain"),
    ("How much first-dose hypotension should we expect if we start captopril after an MI?", "hypotension"),
])
def test_how_much_of_a_harm_asks_whether_the_treatment_gives_it(question, harm):
    query = parse_question(question)
    assert query.adverse and query.outcomes == (harm,) and query.intent == "safety"


@pytest.mark.parametrize("question", [
    "How common is remission on low-dose naltrexone?",          # a benefit
    "How many strokes are prevented by warfarin in atrial fibrillation?",       # a harm spared
    "How much relief of neuropathic pain should we expect from gabapentin?",
    "How often is healing of duodenal ulcer seen with omeprazole?",
    "How often should I check his HbA1c on glipizide?",          # a measure
    "How common is tardive dyskinesia in elderly patients?",     # no treatment asked: epidemiology
])
def test_how_much_of_anything_else_is_no_harm_question(question):
    assert not parse_question(question).adverse


def test_how_often_a_treatment_causes_a_harm_in_a_setting_keeps_its_own_clause():
    """"How often does X cause Y when monitored?" names its own predicate; it is not read as a bare amount."""
    assert not parse_question("How often does clozapine cause agranulocytosis under regular blood-count "
                              "monitoring?").adverse


@pytest.mark.parametrize("question, asked, compared", [
    # "how does A compare with B": B is what A is compared with
    ("For painful diabetic neuropathy, how does low-dose naltrexone compare with amitriptyline for pain relief?",
     "low-dose naltrexone", "amitriptyline"),
    ("What amlodipine dose was used, and how did its response rate compare with enalapril 5 to 20 mg?",
     "amlodipine", "enalapril"),
    # two options, then "is either one better" after a comma (a formulation's letters after the second)
    ("Stable exertional angina: amlodipine or metoprolol SR, is either one better for exercise tolerance?",
     "amlodipine", "metoprolol"),
])
def test_a_comparison_in_other_words_names_its_comparator(question, asked, compared):
    q = parse_question(question)
    assert (q.interventions, q.comparators) == ((asked,), (compared,))


@pytest.mark.parametrize("question", [
    # two drugs the patient takes, then a question about either one: no choice between them
    "In patients on aspirin or clopidogrel, which PPI is safest?",
    "When a patient takes ibuprofen or naproxen, does either one raise blood pressure?",
])
def test_drugs_taken_before_a_comma_are_no_options(question):
    assert not {"clopidogrel", "naproxen"} & set(parse_question(question).comparators)


def test_options_with_a_comma_before_the_choice_still_compare():
    q = parse_question("Propranolol or divalproex for migraine prophylaxis, given her weight: is one better than "
                       "the other?")
    assert (q.interventions, q.comparators) == (("propranolol",), ("divalproex",))
