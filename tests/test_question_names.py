"""How a question names its treatments and outcomes: brand names the library spells out, names
written with another in brackets, acronyms that are also English words, outcomes coordinated in a
list, and the cue words that decide the intent."""
from __future__ import annotations

import pytest

from evidex.phrases import drug_name, same_drug, shared_head
from evidex.query import parse_question
from evidex.vocab import find_terms

from .conftest import need_data


@pytest.mark.parametrize("text, found", [
    ("Across all the fibromyalgia studies of LDN", ["fibromyalgia", "low-dose naltrexone"]),
    ("ALL in children", ["precursor cell lymphoblastic leukemia-lymphoma"]),
    ("Does it help AIDS or aids?", ["acquired immunodeficiency syndrome"]),
    # a text in lower case throughout has lost its case: the acronym is read as written
    ("copd", ["pulmonary disease, chronic obstructive"]),
])
def test_a_term_mesh_writes_in_capitals_needs_capitals_in_a_cased_text(text, found):
    assert [m.canonical for m in find_terms(text)] == found


def test_a_word_that_is_also_an_acronym_adds_no_condition():
    assert parse_question("Across all the fibromyalgia studies of LDN, how safe has it looked?").conditions == (
        "fibromyalgia",)
    assert parse_question("I'm thinking of using methadone. Is there a level that tells you it was fatal?"
                          ).written == ()


@pytest.mark.parametrize("phrase, name", [
    ("claritin (loratadine)", "loratadine"),
    ("switching to coreg (carvedilol)", "carvedilol"),
    ("eletriptan (relpax)", "eletriptan"),
    ("estradiol vaginal ring (menoring)", "estradiol vaginal ring"),   # the brand goes, the formulation stays
    ("adding pioglitazone", "pioglitazone"),
    ("extended release (xl)", "extended release (xl)"),                # no drug named: kept as written
])
def test_a_treatment_is_named_by_its_drug(phrase, name):
    assert drug_name(phrase) == name


def test_one_drug_under_two_names_is_not_compared_with_itself():
    assert same_drug("ldn", "low-dose naltrexone") and not same_drug("estradiol vaginal ring", "estradiol")
    q = parse_question("Medical student with allergic rhinitis - is Claritin (loratadine) as good as terfenadine "
                       "120 mg a day, and does doubling loratadine to 20 mg help?")
    assert q.interventions == ("loratadine",) and q.comparators == ("terfenadine",)


@pytest.mark.parametrize("word, following, head", [
    ("fewer stomach", "duodenal ulcers than naproxen", "stomach ulcers"),
    ("memory", "sexual function", "memory"),            # no "memory function" in the vocabulary
])
def test_a_modifier_shares_the_next_noun_when_the_vocabulary_names_the_pair(word, following, head):
    assert shared_head(word, following) == head


def test_each_outcome_of_a_list_is_asked_and_a_joined_clause_is_not():
    q = parse_question("Heart failure patient on metoprolol - would switching to carvedilol improve his symptoms, "
                       "walking distance or ejection fraction any more?")
    assert q.interventions == ("carvedilol",) and q.comparators == ("metoprolol",)
    assert q.outcomes == ("symptoms", "walking distance", "ejection fraction")
    q = parse_question("Do repeated botulinum toxin injections keep working over years, and what are the side effects?")
    assert not any("what" in o for o in q.outcomes)


def test_a_harm_compared_is_each_condition_its_predicate_names():
    q = parse_question("Does celecoxib cause fewer stomach and duodenal ulcers than naproxen in arthritis?")
    assert q.harm and {"stomach ulcers", "duodenal ulcer"} <= set(q.outcomes)
    # a condition after "in"/"for" is the population, not a harm compared
    q = parse_question("Is rofecoxib as safe as celecoxib for blood pressure in patients with osteoarthritis?")
    assert "osteoarthritis" not in q.outcomes


@pytest.mark.parametrize("question, intent", [
    ("Type 2 diabetic on metformin with an HbA1c above 8% - if I add repaglinide, how much will the HbA1c "
     "come down?", "efficacy"),                                                # an add-on's effect
    ("Can a patient on low-dose aspirin for cardioprotection take ibuprofen for arthritis?", "contraindications"),
    ("Migraine patient on moclobemide for depression - can I prescribe rizatriptan 10 mg?", "contraindications"),
    ("After a heart attack, do ACE inhibitors cut the risk of sudden cardiac death?", "efficacy"),
    ("Does celecoxib increase the risk of heart attack compared with placebo?", "safety"),
    # a dose stated is no dosing question; a dose asked about is
    ("My migraines come with a red eye - will a 50 mg sumatriptan tablet work for attacks like these?", "efficacy"),
    ("Adult with Crohn's starting LDN 4.5 mg at night - which side effects are common?", "safety"),
    ("Is 10 mg a day of methadone enough for neuropathic pain?", "dosing"),
    ("MS patient - if I start tizanidine, does going from 8 mg to 16 mg give more effect?", "dosing"),
])
def test_the_intent_of_a_drug_already_taken_and_of_a_risk_lowered(question, intent):
    assert parse_question(question).intent == intent


@pytest.fixture(scope="module")
def nsaid_store(tmp_path_factory):
    """The shared NSAID abstracts, ingested once for the brand-name tests."""
    from evidex.load import ingest_paths
    from evidex.store import Store
    store = Store(tmp_path_factory.mktemp("nsaids") / "nsaids.db")
    ingest_paths(store, [need_data("cohen2006", "NSAIDS.csv")], embed=False)
    yield store
    store.close()


def test_a_brand_name_is_read_as_the_drug_the_records_write_beside_it(nsaid_store):
    """Over the shared NSAID abstracts: records write "celecoxib (Celebrex)" and "rofecoxib
    (Vioxx)"; a capitalised word no record brackets with a drug is left alone, and so are two
    products of one drug a question tells apart."""
    from evidex.resolve import brand_names, resolve
    store = nsaid_store
    # a brand the table has (brands.tsv) is read by the vocabulary itself; the records agree
    question = "Arthritis patient: does Celebrex cause fewer ulcers than naproxen?"
    assert brand_names(store, question) == {}
    query = resolve(store, parse_question(question))
    assert query.interventions == ("celecoxib",) and query.comparators == ("naproxen",)
    assert query.question == question
    both = parse_question("Is Celebrex safer than Vioxx for Chinese patients?")
    assert both.interventions == ("celecoxib",) and both.comparators == ("rofecoxib",)


def test_a_brand_the_table_lacks_is_read_from_the_records_that_bracket_it(tmp_path):
    from evidex.eval.qa import build_store
    from evidex.records import Record, Section
    from evidex.resolve import brand_names
    records = [Record(id=f"pmid:9{i:06d}", title=f"Dexketoprofen (Keral) for dental pain, trial {i}", pmid=f"9{i:06d}",
                      sections=(Section("", "Dexketoprofen (Keral) 25 mg relieved pain more than placebo."),))
               for i in range(3)]
    store, _ = build_store(records, tmp_path / "k.db")
    try:
        assert brand_names(store, "Is Keral better than ibuprofen for toothache?") == {"Keral": "dexketoprofen"}
        assert brand_names(store, "Is dexketoprofen (Keral) better than ibuprofen?") == {}
    finally:
        store.close()


def test_a_facet_is_addressed_by_its_synonyms_and_by_its_words_in_one_sentence():
    from evidex.synthesis.sections import names_facet
    from evidex.text import words_together
    text = ("Celecoxib produced a significantly lower incidence rate of both gastric (p < 0.001) and duodenal "
            "(p < 0.030) ulcers. Arthritis efficacy was similar.")
    assert names_facet("duodenal ulcer")(text)
    assert names_facet("stomach ulcers")("Fewer gastric ulcers were seen with celecoxib.")   # MeSH: stomach ulcer
    assert not words_together("Duodenal biopsies were taken. Ulcers were rare.", ["duodenal ulcer"])
    assert not names_facet("pregnancy")(text)


def test_more_likely_than_b_to_give_a_harm_is_a_harm_comparison():
    q = parse_question("Schizophrenia patient with a family history of diabetes - is Zyprexa (olanzapine) more likely "
                       "than Risperdal to give him type 2 diabetes?")
    assert q.harm and q.more_harm
    assert q.interventions == ("olanzapine",) and q.comparators == ("risperidone",)   # brands.tsv
    assert q.outcomes == ("type 2 diabetes",)


def test_a_brand_read_as_its_drug_is_still_searched_by_its_own_name(nsaid_store):
    from evidex.matching import query_forms
    from evidex.resolve import resolve
    query = resolve(nsaid_store, parse_question("Does Celebrex cause fewer ulcers than naproxen?"))
    assert query.interventions == ("celecoxib",) and "celebrex" in query_forms(query, "celecoxib")


def test_a_combination_brand_is_searched_by_its_own_name_beside_both_drugs(nsaid_store):
    """Records write "Kliogest", not a form of estradiol or of norethindrone: the brand is searched too."""
    from evidex.matching import query_forms
    from evidex.resolve import resolve
    query = resolve(nsaid_store, parse_question("What does Kliogest do to cholesterol?"))
    assert query.interventions == ("estradiol", "norethindrone")
    assert all("kliogest" in query_forms(query, drug) for drug in query.interventions)
    both = resolve(nsaid_store, parse_question("Does Kliogest or Trisequens protect bone better?"))
    assert {"kliogest", "trisequens"} <= set(query_forms(both, "estradiol"))


@pytest.mark.parametrize("question, asked, compared", [
    ("Overweight type 2 diabetic who has failed diet - should the first tablet be metformin or glipizide?",
     ("metformin",), ("glipizide",)),
    ("Protonix or Axid for frequent heartburn in primary care?", ("pantoprazole",), ("nizatidine",)),
    ("Should I use metformin or glipizide in type 2 diabetes?", ("metformin",), ("glipizide",)),
    ("Ibuprofen or paracetamol for fever in children?", ("ibuprofen",), ("paracetamol",)),
    # the choice after a scene and a dash; a formulation's letters and a brand read as its drug
    ("Glomerulonephritis patient - fosinopril or Procardia XL to protect his kidneys?", ("fosinopril",), ("nifedipine",)),
    ("Active duodenal ulcer - pantoprazole or ranitidine, which heals it faster?", ("pantoprazole",), ("ranitidine",)),
    ("Inpatient with acute mania - Depakote or Zyprexa, which works faster?", ("divalproex",), ("olanzapine",)),
    # a strength written without its unit ("Celebrex 200") is no option of its own
    ("Celebrex 200 or Vioxx 25 for knee OA pain - is one of them clearly better?", ("celecoxib",), ("rofecoxib",)),
    # the choice opening a sentence after the story, with the worry that decides it
    ("19-year-old with a first psychotic episode. Risperidone or haloperidol if my main worry is EPS?",
     ("risperidone",), ("haloperidol",)),
    # two doses of one drug offered bare are no two treatments; "can I take A or B if ..." asks leave for either
    ("Aspirin 81 or 325 for secondary prevention - which is better?", ("aspirin",), ()),
    ("Can I take ibuprofen or naproxen if I am on lisinopril?", ("ibuprofen", "lisinopril"), ()),
    # two drugs named as either one: no choice between them is asked
    ("If my son starts Adderall or Ritalin, will he end up functioning in the normal range?",
     ("amphetamine", "methylphenidate"), ()),
])
def test_two_treatments_offered_as_the_choice_are_compared(question, asked, compared):
    query = parse_question(question)
    assert (query.interventions, query.comparators) == (asked, compared)


@pytest.mark.parametrize("question, compared, claim", [
    # "as <several words> as": the comparator after the second "as", a class named by one member word
    ("Is diltiazem as protective against stroke and heart attack as a thiazide or a beta-blocker in hypertension?",
     ("diuretics", "beta blockers"), "equivalence"),
    # an auxiliary closing the comparison ("than the older drugs do") is no part of the comparator's name
    ("Does clozapine cause weight gain more than the older drugs do?", ("older drugs",), "superiority"),
    # the drug kept, not the verb of keeping it ("just staying on")
    ("Is clozapine really worth its price compared with just staying on haloperidol?", ("haloperidol",), "superiority"),
    # coming off a drug: the drug, not the verb; "off" elsewhere is part of the name ("off-pump", "off anticoagulation")
    ("In general practice, do patients come off nifedipine because of side effects more often than off lisinopril?",
     ("lisinopril",), "superiority"),
    ("Is bleeding higher on warfarin than off anticoagulation?", ("off anticoagulation",), "superiority"),
])
def test_the_comparator_of_a_long_comparison_is_its_name_alone(question, compared, claim):
    query = parse_question(question)
    assert (query.comparators, query.claim) == (compared, claim)


def test_in_and_out_of_hospital_is_an_idiom_not_a_population():
    query = parse_question("Treatment-resistant schizophrenia, in and out of hospital all year. Is clozapine "
                           "really worth its price compared with haloperidol?")
    assert query.conditions == ("schizophrenia",)


@pytest.mark.parametrize("question, compared", [
    ("She stopped ibuprofen because of heartburn - would celecoxib be gentler on her stomach?", ("ibuprofen",)),
    ("Osteoarthritis patient who had to stop naproxen because of stomach upset - is Vioxx better tolerated?",
     ("naproxen",)),
    # a drug the patient cannot stop is no alternative to the asked one
    ("Arthritis patient who can't come off his NSAID has a gastric ulcer - is omeprazole better than ranitidine?",
     ("ranitidine",)),
])
def test_the_drug_stopped_is_what_the_new_one_is_compared_with(question, compared):
    assert parse_question(question).comparators == compared


def test_what_a_question_says_is_believed_is_no_treatment():
    # "thought to be related to": a reporting verb left of the predicate, not an asked intervention
    query = parse_question("Is autism thought to be related to the Arginine Vasopressin Peptide (AVP)?")
    assert query.interventions == () and query.conditions == ("autistic disorder",)


@pytest.mark.parametrize("question, outcomes", [
    ("Does Clozaril raise liver enzymes more often than haloperidol?", ("liver enzymes",)),
    ("Would switching to loratadine control her hay fever symptoms just as well?", ("hay fever symptoms",)),
    # what the outcome is followed over is no part of it
    ("Does obesity predict knee pain over fourteen years in women?", ("knee pain",)),
])
def test_how_often_or_how_much_is_no_part_of_an_outcome(question, outcomes):
    assert parse_question(question).outcomes == outcomes


@pytest.mark.parametrize("question, interventions, comparators", [
    # two doses of one drug are no options: "25 mg" is not a comparator
    ("Hip or knee osteoarthritis: is once-daily rofecoxib 12.5 or 25 mg really as good for pain as ibuprofen "
     "800 mg three times a day?", ("rofecoxib",), ("ibuprofen",)),
    ("Is rofecoxib 12.5mg or 25 mg better than placebo for pain?", ("rofecoxib",), ("placebo",)),
])
def test_two_doses_of_one_drug_are_one_option(question, interventions, comparators):
    query = parse_question(question)
    assert (query.interventions, query.comparators) == (interventions, comparators)



def test_a_drug_the_vocabulary_lacks_is_also_matched_without_its_route():
    """"oral zolmitriptan": a trial titled "Zolmitriptan is effective ..." studied it, though it never
    writes the route in its title (the INN stem -triptan names the drug)."""
    from evidex.matching import intervention_forms
    assert intervention_forms("oral zolmitriptan")[-1] == "zolmitriptan"
    assert "zolmitriptan" not in intervention_forms("zolmitriptan")[1:]      # a name is not added twice
    assert intervention_forms("ramipril or candesartan") == ["ramipril or candesartan"]   # two drugs: neither alone
