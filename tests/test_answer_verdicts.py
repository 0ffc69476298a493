"""Verdicts relative to what the question asks, and which records an open question cites.

- An equivalence question ("Is A as effective as B?") is answered *yes* by trials that find no
  difference between A and B: its direction is ``no_difference``, never ``mixed`` because the
  stance model read "as effective as" as a yes.
- An open question (no vocabulary treatment) keeps the records the hybrid ranking puts first
  and the record naming the asked entity, even when other records share more common words.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from evidex.enrich.direction import harm_direction
from evidex.eval.qa import build_store
from evidex.query import parse_question
from evidex.records import Record, Section
from evidex.synthesis import ask, violations


def _abstract(pmid: str, title: str, kind: str, year: int, author: str, *sentences: str) -> Record:
    """A structured abstract: its first sentence the methods, its last the conclusions."""
    return Record(id=f"pmid:{pmid}", title=title, pmid=pmid, year=year, authors=(author,), publication_types=(kind,),
                  sections=(Section("METHODS", sentences[0]), Section("RESULTS", " ".join(sentences[1:-1])),
                            Section("CONCLUSIONS", sentences[-1])))


def _rct(i: int, title: str, *sentences: str) -> Record:
    return _abstract(f"9{i:06d}", title, "Randomized Controlled Trial", 2001, f"Author{i} A", *sentences)


EQUIVALENT_TRIALS = [
    _rct(1, "Lansoprazole versus omeprazole in reflux oesophagitis: a randomised double-blind trial",
         "In this double-blind trial 412 patients with reflux oesophagitis were randomised to lansoprazole "
         "30 mg or omeprazole 20 mg daily for eight weeks.",
         "Healing rates at eight weeks were 89% with lansoprazole and 87% with omeprazole.",
         "There was no significant difference in healing between lansoprazole and omeprazole.",
         "Lansoprazole was as effective as omeprazole in healing reflux oesophagitis."),
    _rct(2, "Lansoprazole compared with omeprazole for duodenal ulcer healing",
         "A total of 280 patients with active duodenal ulcer were randomised, double-blind, to lansoprazole "
         "or omeprazole for four weeks.",
         "Ulcer healing did not differ between the lansoprazole and omeprazole groups.",
         "Lansoprazole and omeprazole were equally effective for healing duodenal ulcer."),
    _rct(3, "Maintenance lansoprazole versus omeprazole after healed oesophagitis: a double-blind trial",
         "We randomised 336 patients with healed oesophagitis to double-blind maintenance with lansoprazole "
         "or omeprazole for twelve months.",
         "Relapse rates at twelve months were similar in the two groups, with no statistically significant "
         "difference between lansoprazole and omeprazole.",
         "Lansoprazole is comparable to omeprazole in preventing relapse of oesophagitis."),
]


@pytest.fixture(scope="module")
def equivalence_store(tmp_path_factory):
    store, _ = build_store(EQUIVALENT_TRIALS, Path(tmp_path_factory.mktemp("equiv")) / "e.db")
    yield store
    store.close()


def test_equivalence_questions_are_parsed_as_such():
    assert parse_question("Is lansoprazole as effective as omeprazole for oesophagitis?").claim == "equivalence"
    assert parse_question("Is celecoxib equivalent to naproxen for arthritis pain?").claim == "equivalence"
    assert parse_question("Is lansoprazole better than omeprazole for oesophagitis?").claim == "superiority"
    assert parse_question("Is lansoprazole effective for oesophagitis?").claim == "superiority"
    # "as well as" joins two things; it asks no equivalence
    assert parse_question("Is omeprazole used as well as ranitidine?").claim == "superiority"


def test_an_equivalence_question_with_trials_finding_no_difference_is_no_difference_and_yes(equivalence_store):
    answer = ask(equivalence_store, "Is lansoprazole as effective as omeprazole for healing oesophagitis?")
    assert answer.query.claim == "equivalence"
    assert answer.verdict.direction == "no_difference"
    assert answer.verdict.answer == "yes"
    opening = answer.sections[0].key_points[0]
    assert opening.text.startswith("Yes") and "no difference" in opening.text
    assert violations(answer) == []


def test_the_same_trials_answer_a_superiority_question_no(equivalence_store):
    answer = ask(equivalence_store, "Is lansoprazole better than omeprazole for healing oesophagitis?")
    assert answer.query.claim == "superiority"
    assert answer.verdict.direction == "no_difference"
    assert answer.verdict.answer == "no"


def _note(i: int, text: str) -> Record:
    return Record(id=f"pmid:8{i:06d}", title="", pmid=f"8{i:06d}", sections=(Section("", text),))


# Many records share the common words of the question; one names the asked (open-vocabulary) drug.
TOPICAL_RECORDS = [_note(i, f"Percutaneous coronary intervention after myocardial injury: cohort {i} of patients "
                            f"treated with stent type {i} had coronary events after intervention.") for i in range(8)]
TOPICAL_RECORDS.append(_note(99, "After a median follow-up of four years, routine oral trimetazidine did not "
                                 "influence the recurrence of angina or the outcome."))


@pytest.fixture(scope="module")
def topical_store(tmp_path_factory):
    store, _ = build_store(TOPICAL_RECORDS, Path(tmp_path_factory.mktemp("topical")) / "t.db")
    yield store
    store.close()


def test_an_open_question_cites_the_record_naming_the_asked_entity(topical_store):
    q = "Does trimetazidine protect from myocardial injury after percutaneous coronary intervention?"
    answer = ask(topical_store, q)
    assert "pmid:8000099" in [r.id for r in answer.references]
    assert violations(answer) == []


def test_a_harm_comparison_is_parsed_with_the_harm_as_its_outcome():
    q = parse_question("Is rofecoxib safer than naproxen with respect to myocardial infarction?")
    assert q.harm and q.outcomes == ("myocardial infarction",) and q.comparators == ("naproxen",)
    assert "myocardial infarction" in q.facets
    fewer = parse_question("Do COX-2 inhibitors cause fewer gastroduodenal ulcers than ibuprofen?")
    # the harm as written, and the vocabulary's name for it (records write it either way)
    assert fewer.harm and fewer.outcomes == ("gastroduodenal ulcers", "peptic ulcer")
    assert not parse_question("Is naproxen better than placebo for arthritis pain?").harm


@pytest.mark.parametrize("sentence, expected", [
    ("The incidence of myocardial infarction was lower in the naproxen group than in the rofecoxib group.",
     "against"),
    ("Rofecoxib increased the risk of myocardial infarction compared with naproxen.", "against"),
    ("Myocardial infarction was less frequent with rofecoxib than with naproxen.", "favours"),
    ("Rates of myocardial infarction did not differ significantly between rofecoxib and naproxen.",
     "no_difference"),
    ("Myocardial infarction was reported in both groups.", "unclear"),
    ("Myocardial infarction was not significantly more frequent with rofecoxib than with naproxen.",
     "no_difference"),
    ("Compared with naproxen, rofecoxib was associated with fewer myocardial infarctions but comparable "
     "efficacy.", "favours"),
    ("Myocardial infarction occurred in 0.4% of the rofecoxib group and 0.1% of the naproxen group.", "against"),
    ("Myocardial infarction was rarer with rofecoxib, with rates comparable to placebo.", "unclear"),
])
def test_which_arm_had_more_of_the_harm(sentence, expected):
    assert harm_direction(sentence, ["rofecoxib"], ["naproxen"], ["myocardial infarction"]) == expected


HARM_TRIALS = [
    _rct(11, "Gastrointestinal and cardiovascular outcomes of rofecoxib versus naproxen: a randomised trial",
         "We randomly assigned 8076 patients with rheumatoid arthritis to double-blind rofecoxib or naproxen.",
         "Confirmed upper gastrointestinal events were fewer with rofecoxib than with naproxen.",
         "The incidence of myocardial infarction was lower in the naproxen group than in the rofecoxib group.",
         "Myocardial infarction was more frequent with rofecoxib than with naproxen."),
    _rct(12, "Rofecoxib compared with naproxen in osteoarthritis: cardiovascular safety of a double-blind trial",
         "A total of 5557 patients with osteoarthritis were randomised, double-blind, to rofecoxib or naproxen.",
         "Rofecoxib increased the risk of myocardial infarction compared with naproxen.",
         "Pain relief was similar with rofecoxib and naproxen.",
         "Rofecoxib carried a higher rate of myocardial infarction than naproxen."),
]


@pytest.fixture(scope="module")
def harm_store(tmp_path_factory):
    store, _ = build_store(HARM_TRIALS, Path(tmp_path_factory.mktemp("harm")) / "h.db")
    yield store
    store.close()


def test_more_harm_with_the_asked_drug_is_against_it(harm_store):
    answer = ask(harm_store, "Is rofecoxib safer than naproxen with respect to myocardial infarction?")
    assert answer.verdict.direction == "against"
    assert answer.verdict.answer == "no"
    assert violations(answer) == []


# Untitled excerpts (as BioASQ's gold snippets are): no aims or methods to tell a study of the
# drug from a mention, so naming it is what counts; a titled abstract still has to study it.
EXCERPTS = [
    _note(201, "Metformin exerts antitumor effects in several cancers through AMPK activation."),
    _note(202, "Tumour growth was reduced in mice given the biguanide metformin."),
    Record(id="pmid:8000203", title="Exercise training after breast cancer: a randomised trial", pmid="8000203",
           sections=(Section("METHODS", "Women were randomised to supervised exercise or usual care."),
                     Section("RESULTS", "Exercise improved fatigue; most participants also took metformin "
                                        "for diabetes."))),
]


@pytest.fixture(scope="module")
def excerpt_store(tmp_path_factory):
    store, _ = build_store(EXCERPTS, Path(tmp_path_factory.mktemp("excerpts")) / "x.db")
    yield store
    store.close()


def test_an_untitled_excerpt_naming_the_drug_is_evidence_a_passing_mention_is_not(excerpt_store):
    answer = ask(excerpt_store, "Does metformin have an antitumor effect?")
    refs = [r.id for r in answer.references]
    assert "pmid:8000201" in refs
    assert "pmid:8000203" not in refs
    assert violations(answer) == []


# Records repeating the question's common words outrank the one record that only names the asked
# (open-vocabulary) entity; when no ranked record names it, it is searched for alone.
NAMING_RECORDS = [_note(210 + i, f"Gemcitabine was effective in pancreatic cancer: in cohort {i}, pancreatic cancer "
                                 f"patients treated with regimen {i} had effective control of pancreatic cancer.")
                  for i in range(6)]
NAMING_RECORDS += [_note(230 + i, f"Hip fracture surgery in cohort {i} of older adults: outcomes after surgery.")
                   for i in range(40)]
NAMING_RECORDS.append(_note(299, "In a randomised phase 2 study of patients with metastatic disease and high serum "
                                 "growth factor levels, zenocutuzumab added to nab-paclitaxel and gemcitabine "
                                 "chemotherapy failed to improve progression-free survival over chemotherapy alone; "
                                 "median survival and response rates were similar in the two arms."))


def test_an_open_question_searches_its_entity_alone(tmp_path, monkeypatch):
    from evidex import retrieve as R
    from evidex.resolve import resolve
    store, _ = build_store(NAMING_RECORDS, tmp_path / "n.db")
    try:
        query = resolve(store, parse_question("Is zenocutuzumab effective for pancreatic cancer?"))
        assert not R.anchored(query) and query.interventions == ("zenocutuzumab",)
        got = [c.stored.record.id for c in R.retrieve(store, query, limit=2)]
        assert got[1] == "pmid:8000299"
        answer = ask(store, "Is zenocutuzumab effective for pancreatic cancer?")
        assert "pmid:8000299" in [r.id for r in answer.references] and violations(answer) == []
        monkeypatch.setattr(R, "_naming", lambda *a: {})        # the question's words alone miss it
        assert "pmid:8000299" not in [c.stored.record.id for c in R.retrieve(store, query, limit=2)]
    finally:
        store.close()


# GRADE's indirectness of the question: efficacy trials of one dose answer "does it work?"
# directly, "how does it work?" very indirectly and "which dose?" indirectly; for harms the
# information size is counted in events (~300), so 600 participants are too few.
ONE_DOSE_TRIALS = [
    _rct(20 + i, f"Gabapentin for postherpetic neuralgia: a randomised double-blind placebo-controlled trial {i}",
         f"In this double-blind trial {n} patients with postherpetic neuralgia were randomised to gabapentin "
         "1800 mg daily or placebo for eight weeks.",
         "Average daily pain fell significantly more with gabapentin than with placebo (p < 0.001).",
         "Gabapentin is effective for the pain of postherpetic neuralgia.")
    for i, n in enumerate((212, 229, 196))
]
DOSE_RANGING_TRIAL = _rct(
    30, "Gabapentin 1800 mg versus 2400 mg daily for postherpetic neuralgia: a randomised dose-ranging trial",
    "A total of 334 patients with postherpetic neuralgia were randomised, double-blind, to gabapentin 1800 mg "
    "or gabapentin 2400 mg daily.",
    "Pain fell significantly with both doses, by 34% with 1800 mg and 35% with 2400 mg.",
    "Gabapentin at 1800 mg daily relieves postherpetic neuralgia as well as higher doses.")


@pytest.fixture(scope="module")
def one_dose_store(tmp_path_factory):
    store, _ = build_store(ONE_DOSE_TRIALS, Path(tmp_path_factory.mktemp("onedose")) / "g.db")
    yield store
    store.close()


def _level(answer) -> int:
    return ("high", "moderate", "low", "very_low").index(answer.verdict.certainty)


def test_the_question_asked_sets_how_directly_efficacy_trials_answer_it(one_dose_store):
    efficacy = ask(one_dose_store, "Is gabapentin effective for postherpetic neuralgia?")
    mechanism = ask(one_dose_store, "How does gabapentin work in postherpetic neuralgia?")
    dosing = ask(one_dose_store, "What dose of gabapentin should be used for postherpetic neuralgia?")
    harms = ask(one_dose_store, "What are the side effects of gabapentin in postherpetic neuralgia?")
    assert (mechanism.query.intent, dosing.query.intent, harms.query.intent) == ("mechanism", "dosing", "safety")
    assert not any("Indirectness" in r or "Imprecision" in r for r in efficacy.verdict.reasons)
    assert any(r.startswith("Indirectness (very serious): the question asks how") for r in mechanism.verdict.reasons)
    # Trials read from abstracts, with no review that assessed them, stop at moderate (a ceiling,
    # not a step): the mechanism answer is two levels below high, the dosing answer one.
    assert efficacy.verdict.certainty == "moderate"
    assert any(r.startswith("Risk of bias: judged from abstracts") for r in efficacy.verdict.reasons)
    assert _level(mechanism) >= 2
    assert any("no randomised trial compares doses" in r for r in dosing.verdict.reasons)
    assert _level(dosing) == 1 and not any(r.startswith("Risk of bias: judged from abstracts")
                                           for r in dosing.verdict.reasons)
    assert any(r.startswith("Imprecision: too few participants to count uncommon harms") for r in harms.verdict.reasons)
    for answer in (efficacy, mechanism, dosing, harms):
        assert violations(answer) == []


def test_a_dose_ranging_trial_answers_a_dosing_question_directly(tmp_path):
    store, _ = build_store([*ONE_DOSE_TRIALS, DOSE_RANGING_TRIAL], tmp_path / "d.db")
    try:
        dosing = ask(store, "What dose of gabapentin should be used for postherpetic neuralgia?")
        assert dosing.query.intent == "dosing"
        assert not any("compares doses" in r for r in dosing.verdict.reasons)
    finally:
        store.close()


def test_an_inverted_mesh_heading_keeps_its_population(tmp_path):
    """"gestational diabetes" is the MeSH heading "diabetes, gestational", which no record writes
    in that order: it must not be narrowed to "diabetes", or trials in type 2 diabetes would
    answer a question about pregnancy."""
    trials = [
        _rct(40, "A comparison of glyburide and insulin in women with gestational diabetes",
             "We randomly assigned 404 women with gestational diabetes to glyburide or insulin.",
             "Mean glucose concentrations did not differ between glyburide and insulin (105 mg per deciliter each).",
             "Glyburide and insulin were equally effective in gestational diabetes."),
        _rct(41, "Glyburide versus insulin in type 2 diabetes: a randomised trial",
             "A total of 300 adults with type 2 diabetes were randomised to glyburide or insulin.",
             "Glycated haemoglobin fell significantly more with insulin than with glyburide.",
             "Insulin lowered glucose better than glyburide in type 2 diabetes."),
    ]
    store, _ = build_store(trials, tmp_path / "gdm.db")
    try:
        answer = ask(store, "Is glyburide as effective as insulin for gestational diabetes?")
        assert answer.query.conditions == ("diabetes, gestational",)
        assert answer.verdict.direction == "no_difference"
        assert answer.references[0].id == "pmid:9000040"
    finally:
        store.close()


# Risk of bias from unblinded trials is judged by the trials that carry the weight, and not at
# all for death (Cochrane Handbook: blinding protects subjective outcomes).
BLINDING_TRIALS = [
    _rct(60, "Captopril after acute myocardial infarction: a large open randomised trial",
         "In this open-label trial 4200 patients with acute myocardial infarction were randomised to captopril "
         "or no captopril.",
         "Captopril significantly reduced mortality and improved symptoms of heart failure.",
         "Captopril reduces mortality and symptoms after acute myocardial infarction."),
    _rct(61, "Captopril after acute myocardial infarction: a small double-blind trial",
         "In this double-blind trial 120 patients with acute myocardial infarction were randomised to captopril "
         "or placebo.",
         "Captopril significantly reduced mortality and improved symptoms of heart failure.",
         "Captopril reduces mortality and symptoms after acute myocardial infarction."),
    _rct(62, "Captopril after acute myocardial infarction: a second double-blind trial",
         "In this double-blind trial 130 patients with acute myocardial infarction were randomised to captopril "
         "or placebo.",
         "Captopril significantly reduced mortality and improved symptoms of heart failure.",
         "Captopril reduces mortality and symptoms after acute myocardial infarction."),
]


def test_blinding_is_judged_by_participants_and_not_for_death(tmp_path):
    store, _ = build_store(BLINDING_TRIALS, tmp_path / "b.db")
    try:
        symptoms = ask(store, "Does captopril improve symptoms after acute myocardial infarction?")
        death = ask(store, "Does captopril reduce mortality after acute myocardial infarction?")
        assert any(r.startswith("Risk of bias: most trials do not report blinding") for r in symptoms.verdict.reasons)
        assert not any(r.startswith("Risk of bias: most trials do not report blinding") for r in death.verdict.reasons)
    finally:
        store.close()


def test_no_study_of_the_asked_condition_is_insufficient_though_other_conditions_are_shown(one_dose_store):
    """Trials in postherpetic neuralgia do not say whether gabapentin prevents migraine."""
    answer = ask(one_dose_store, "Is gabapentin effective for migraine?")
    assert answer.query.conditions == ("migraine disorders",) or answer.query.conditions[0].startswith("migraine")
    assert (answer.verdict.direction, answer.verdict.certainty) == ("insufficient", "very_low")
    assert answer.verdict.reasons[0].startswith("No study in the indexed corpus addresses migraine")
    assert answer.references and violations(answer) == []


def test_an_inverted_mesh_heading_with_two_commas_is_kept(one_dose_store):
    """No record writes "rhinitis, allergic, seasonal"; it must stay whole, not be cut to a part
    some record happens to contain."""
    from evidex.resolve import resolve
    query = resolve(one_dose_store, parse_question(
        "Is loratadine more effective than fexofenadine for seasonal allergic rhinitis?"))
    assert query.conditions == ("rhinitis, allergic, seasonal",)


def test_another_treatments_finding_does_not_count_against_the_asked_one(tmp_path):
    """A meta-analysis of ARBs found for an ACE inhibitor question ("ARBs were not superior to
    controls") says nothing about ACE inhibitors against placebo."""
    trials = [
        _rct(70 + i, f"Captopril in chronic heart failure: a randomised placebo-controlled mortality trial {i}",
             f"In this double-blind trial {n} patients with chronic heart failure were randomised to captopril or "
             "placebo.",
             "Captopril significantly reduced mortality compared with placebo.",
             "Captopril reduces mortality in chronic heart failure.")
        for i, n in enumerate((1200, 900))
    ]
    review = Record(id="pmid:9000079", title="Angiotensin receptor blockers in heart failure: meta-analysis of "
                    "randomized controlled trials", pmid="9000079", year=2002,
                    publication_types=("Meta-Analysis",),
                    sections=(Section("METHODS", "We pooled 17 randomised trials of angiotensin receptor blockers "
                                                 "in 12469 patients with heart failure, some taking ACE inhibitors."),
                              Section("RESULTS", "Overall, angiotensin receptor blockers were not superior to "
                                                 "controls in the pooled rates of death."),
                              Section("CONCLUSIONS", "Angiotensin receptor blockers did not reduce mortality.")))
    store, _ = build_store([*trials, review], tmp_path / "acei.db")
    try:
        answer = ask(store, "Do ACE inhibitors reduce mortality in chronic heart failure?")
        assert answer.verdict.direction == "favours"
        row = next((r for r in answer.evidence_table if answer.references[r.ref - 1].id == "pmid:9000079"), None)
        assert row is None or row.direction != "no_difference"
    finally:
        store.close()


def _cohort(i: int, title: str, *sentences: str) -> Record:
    return _abstract(f"8{i:06d}", title, "Journal Article", 1998, f"Cohort{i} B", *sentences)


# Cohort studies of one harm: two find none (intervals spanning 1, one of them "somewhat
# increased"), three find it (intervals above 1).
NO_HARM_FOUND = [
    _cohort(1, "Beta-blocker use and the risk of glaucoma: a cohort study",
            "In a prospective cohort study we followed 4210 adults taking beta-blockers or other antihypertensive drugs.",
            "During 6 years of follow-up, 210 participants were diagnosed with glaucoma.",
            "Glaucoma incidence was somewhat increased among beta-blocker users (relative risk 1.21; 95% CI 0.88-1.66).",
            "Beta-blocker use was not associated with a clear increase in glaucoma risk."),
    _cohort(2, "Glaucoma risk among users of beta-blockers: a population-based cohort",
            "We linked prescription records of 9150 beta-blocker users and 9150 non-users to an eye registry.",
            "The hazard ratio for glaucoma with beta-blocker use was 0.97 (95% CI 0.81-1.16).",
            "We found no increased risk of glaucoma in users of beta-blockers."),
]
HARM_FOUND = [
    _cohort(3, "Long-term beta-blocker therapy and glaucoma in older adults",
            "A cohort of 3050 older adults was followed for glaucoma over ten years.",
            "Beta-blocker users had a higher rate of glaucoma (hazard ratio 1.62; 95% CI 1.20-2.19).",
            "Long-term beta-blocker therapy may raise the risk of glaucoma."),
    _cohort(4, "Beta-blockers and incident glaucoma: a nested case-control analysis of a cohort",
            "Within a cohort of 12400 treated hypertensive patients we compared beta-blocker exposure in cases and controls.",
            "Current beta-blocker use was associated with glaucoma (odds ratio 1.48; 95% CI 1.12-1.95).",
            "Beta-blocker use was associated with an increased risk of glaucoma."),
    _cohort(5, "Incidence of glaucoma in a cohort of beta-blocker users",
            "We followed 7020 new users of beta-blockers and 7020 new users of diuretics for glaucoma.",
            "The incidence of glaucoma was higher with beta-blockers (rate ratio 1.35; 95% CI 1.05-1.74).",
            "Beta-blockers increased the incidence of glaucoma."),
]


def test_a_ratio_is_read_by_its_confidence_interval():
    from evidex.enrich.direction import adverse_direction, ratio_reading
    assert ratio_reading("somewhat increased (RR=1.61; 95% CI 0.88-2.96)") == "null"
    assert ratio_reading("the hazard ratio was 1.72 (95% CI 1.27-2.34, p = 0.0005)") == "higher"
    assert ratio_reading("relative risks were 0.72 (95% CI 0.55-0.92) and 0.65 (0.44-0.93)") == "lower"
    assert ratio_reading("odds ratio [OR], 1.0; 95% confidence interval [CI], 0.8-1.3") == "null"
    # intervals that disagree, a bracket that is no interval, no ratio at all: no reading
    assert ratio_reading("RR 1.5 (95% CI 1.1-2.0) for men and 0.9 (95% CI 0.6-1.3) for women") is None
    assert ratio_reading("The HR was higher in patients aged (65-79) years") is None
    assert ratio_reading("Pain fell by 30% (95% CI 20-40)") is None
    assert adverse_direction("Cancer incidence was somewhat increased (RR=1.61; 95% CI 0.88-2.96).") == "no_difference"


@pytest.mark.parametrize("records, direction, word", [
    # harm found by two studies, none by two: a tie of design weight, which the side with more
    # participants breaks (3,050 and 12,400 with harm against 4,210 and 9,150 without it; a
    # study's n is the first count its abstract states). (Read as a treatment effect, all four
    # are "no benefit".)
    (NO_HARM_FOUND + HARM_FOUND[:2], "against", "Yes"),
    (HARM_FOUND, "against", "Yes"),
    (NO_HARM_FOUND, "no_difference", "No"),
])
def test_a_harm_question_weighs_harm_found_against_none_found(tmp_path, records, direction, word):
    """No difference and harm are both "no benefit" for a treatment effect, but opposite answers
    to "Does X cause Y?"; and the lead line says what the verdict says."""
    store, _ = build_store(records, tmp_path / "h.db")
    try:
        answer = ask(store, "Do beta-blockers increase the risk of glaucoma?")
        assert answer.query.adverse
        assert answer.verdict.direction == direction, answer.verdict
        assert answer.verdict.certainty != "high"
        if word:
            lead = answer.sections[0].key_points[0].text
            assert lead.startswith((word, f"Probably {word.lower()}")), lead
        assert violations(answer) == []
    finally:
        store.close()


KINDRED_HARM = [
    _rct(41, "Hormone therapy and breast cancer in postmenopausal women: a randomised trial",
         "We randomised 2400 postmenopausal women to estrogen or placebo for five years.",
         "Breast cancer incidence did not differ between estrogen and placebo (hazard ratio 1.04; 95% CI 0.82-1.31).",
         "Estrogen did not increase the risk of breast cancer."),
    _cohort(42, "Estrogen replacement therapy and risk of ovarian cancer: a prospective cohort",
            "We followed 44241 postmenopausal women for ovarian cancer over 20 years.",
            "Estrogen use was associated with ovarian cancer (relative risk 1.60; 95% CI 1.20-2.13).",
            "Long-term estrogen replacement increased the risk of ovarian cancer."),
    _cohort(43, "Ovarian cancer mortality in women taking estrogen replacement",
            "A cohort of 21158 women was followed for death from ovarian cancer.",
            "Current users had higher ovarian cancer mortality (rate ratio 1.51; 95% CI 1.16-1.96).",
            "Estrogen replacement raised ovarian cancer mortality."),
]


def test_studies_titled_by_the_asked_harm_decide_over_kindred_harms(tmp_path):
    """A trial of breast cancer reports "cancer" too, but the question is ovarian cancer: the
    studies titled by it decide (GRADE indirectness of outcome), though they are observational."""
    store, _ = build_store(KINDRED_HARM, tmp_path / "o.db")
    try:
        answer = ask(store, "Does long-term estrogen replacement raise the risk of ovarian cancer?")
        assert answer.query.adverse
        assert answer.verdict.direction == "against", answer.verdict
        assert answer.verdict.certainty in ("low", "very_low")     # observational evidence
        assert violations(answer) == []
    finally:
        store.close()


def _review(i: int, title: str, *sentences: str) -> Record:
    return _abstract(f"5{i:06d}", title, "Systematic Review", 2020, f"Reviewer{i} D", *sentences)


REVIEWS_AND_ONE_TRIAL = [
    _review(1, "Melatonin for insomnia: a systematic review",
            "We searched five databases for studies of melatonin in insomnia.",
            "Twelve studies reported that melatonin improved sleep onset.",
            "Melatonin is effective for insomnia."),
    _review(2, "Melatonin in primary insomnia: systematic review and narrative synthesis",
            "We included studies of melatonin for adults with primary insomnia.",
            "Most studies found melatonin shortened sleep latency.",
            "Melatonin appears to benefit insomnia."),
    _rct(60, "Melatonin versus placebo for insomnia: a randomised double-blind trial",
         "In a double-blind trial 480 adults with insomnia were randomised to melatonin 2 mg or placebo for 8 weeks.",
         "Sleep latency did not differ significantly between melatonin and placebo.",
         "Melatonin was no better than placebo for insomnia."),
]


def test_one_trial_that_disagrees_with_the_reviews_beside_it_is_an_inconsistency(tmp_path):
    store, _ = build_store(REVIEWS_AND_ONE_TRIAL, tmp_path / "m.db")
    try:
        answer = ask(store, "Is melatonin effective for insomnia?")
        assert any(r.startswith("Inconsistency:") for r in answer.verdict.reasons), answer.verdict
        assert violations(answer) == []
    finally:
        store.close()


def test_the_weighted_majority_gives_the_direction_and_participants_break_a_tie():
    """direction_of: more design weight wins; a tie of weight goes to the side with more
    participants; only an even split of both is mixed; of an effect, the first (most direct) study
    counts twice."""
    from types import SimpleNamespace

    from evidex.synthesis.vote import direction_of

    def study(direction, design="rct", n=None):
        return SimpleNamespace(direction=direction, design=design, n=n)

    lead = study("unclear")         # a first study with no finding: every other counts once
    assert direction_of([lead, study("favours"), study("favours"), study("no_difference")]) == "favours"
    # a meta-analysis (3) outweighs a trial (2)
    assert direction_of([lead, study("favours", "rct", 900), study("no_difference", "meta_analysis", 80)]) == "no_difference"
    # one trial each way: the larger decides
    assert direction_of([lead, study("favours", n=40), study("no_difference", n=400)]) == "no_difference"
    assert direction_of([lead, study("favours", n=400), study("against", n=40)]) == "favours"
    assert direction_of([lead, study("favours", n=100), study("no_difference", n=100)]) == "mixed"
    # the most direct trial counts twice: it outweighs a meta-analysis (4 > 3); two trials beside it tie it, and
    # their participants decide
    assert direction_of([study("no_difference"), study("favours", "meta_analysis")], lead=True) == "no_difference"
    assert direction_of([study("no_difference"), study("favours", "meta_analysis")]) == "favours"    # no lead asked
    assert direction_of([study("no_difference", n=50), study("favours", n=100), study("favours", n=100)],
                        lead=True) == "favours"
    # a harm is weighed by its studies alike, first or not
    assert direction_of([study("no_difference", "cohort", 100), study("against", "cohort", 900)], harm=True,
                        lead=True) == "against"
    # "Does X cause Y?": harm found against none found
    assert direction_of([study("against", "cohort", 5000), study("no_difference", "cohort", 800)], harm=True) == "against"
    assert direction_of([study("unclear")]) == "insufficient"


def test_each_vote_is_scaled_by_the_ranker_share_of_its_study():
    """With the ranker's shares, the one trial of the asked comparison outweighs the placebo trials
    retrieved beside it (each a small share); a harm question ("Does X cause Y?") ignores them."""
    from types import SimpleNamespace

    from evidex.synthesis.vote import direction_of

    def study(rid, direction, design="rct", n=100):
        return SimpleNamespace(record=SimpleNamespace(id=rid), direction=direction, design=design, n=n)

    body = [study("a", "favours"), study("b", "favours"), study("c", "favours"), study("asked", "no_difference")]
    shares = {"a": 0.1, "b": 0.1, "c": 0.1, "asked": 0.7}
    assert direction_of(body, lead=True) == "favours"
    assert direction_of(body, lead=True, shares=shares) == "no_difference"
    # a review outweighs a trial of equal share; a study the ranker never saw has no vote
    assert direction_of([study("r", "favours", "meta_analysis"), study("t", "no_difference")],
                        shares={"r": 0.5, "t": 0.5}) == "favours"
    assert direction_of([study("x", "favours"), study("t", "no_difference")], shares={"t": 0.2}) == "no_difference"
    # a tiny share is still a vote (a tie is judged as shares of the whole), and a body the ranker gave
    # no share at all is weighed without shares
    assert direction_of([study("lead", "unclear"), study("x", "favours")], shares={"lead": 0.9, "x": 1e-7}) == "favours"
    assert direction_of([study("x", "favours"), study("y", "favours"), study("z", "no_difference")],
                        shares={"other": 1.0}) == "favours"
    harms = [study("a", "against", "cohort"), study("b", "against", "cohort"), study("asked", "no_difference", "cohort")]
    assert direction_of(harms, harm=True, shares=shares) == "against"


def test_a_head_to_head_question_is_answered_by_the_sentences_naming_both_drugs_and_no_control(tmp_path):
    """A three-arm trial (A, B, placebo): the rates against placebo favour each drug, the sentence
    comparing the two asked drugs finds no difference, and that answers "A or B?"."""
    trial = _rct(61, "A comparison of divalproex with propranolol and placebo for migraine prophylaxis",
                 "We randomised 37 patients with migraine to divalproex, propranolol or placebo in a crossover design.",
                 "Migraine frequency was reduced in 19% (6/32) of placebo-treated, 66% (21/32) of divalproex-treated "
                 "and 63% (20/32) of propranolol-treated patients.",
                 "Assessment of migraine-days per month revealed significant response to placebo in 22% (7/32) of "
                 "patients, to divalproex in 66% (21/32), and to propranolol in 69% (22/32).",
                 "When results were limited to the third month of each active-agent phase, 75% (24/32) of patients "
                 "receiving divalproex and 78% (25/32) of those receiving propranolol had a reduction in migraine.",
                 "No significant difference was identified between divalproex and propranolol for the prophylaxis "
                 "of migraine.")
    store, _ = build_store([trial], tmp_path / "h2h.db")
    try:
        answer = ask(store, "For migraine prevention, propranolol or divalproex - is one better than the other?")
        assert answer.query.comparators == ("divalproex",)
        assert answer.verdict.direction == "no_difference", answer.verdict
        assert violations(answer) == []
    finally:
        store.close()


def test_a_named_harm_is_answered_by_the_studies_reporting_it_whatever_population_they_enrolled(tmp_path):
    """Fifty trials of a drug in the asked condition never mention the harm; the one study of the
    harm enrolled "psychiatric patients". It is retrieved first and cited, not crowded out."""
    trials = [_rct(100 + i, f"Clozapine versus haloperidol in treatment-resistant schizophrenia: trial {i}",
                   f"We randomised {60 + i} patients with treatment-resistant schizophrenia to clozapine or haloperidol.",
                   "Clozapine improved positive symptoms of schizophrenia more than haloperidol (p < 0.01).")
              for i in range(50)]
    harm = _cohort(70, "Clozapine use and risk of diabetes mellitus",
                   "We performed a case-control study of 7,227 cases of newly treated diabetes and 6,780 controls, "
                   "all with psychiatric disorders.",
                   "Clozapine use was not significantly associated with developing diabetes (adjusted odds ratio "
                   "0.98; 95% CI 0.74-1.31).")
    store, _ = build_store([*trials, harm], tmp_path / "harm.db")
    try:
        answer = ask(store, "In treatment-resistant schizophrenia, does clozapine raise the risk of developing diabetes?")
        assert answer.query.adverse
        assert harm.id in [r.id for r in answer.references]
        assert violations(answer) == []
    finally:
        store.close()


def test_a_comparison_no_trial_makes_is_insufficient_not_read_from_placebo_trials(tmp_path):
    """"Is A better than B?" when every trial compares A with placebo: which of A and B is better
    is not known; a dose or a vague phrase as comparator does not trigger this."""
    trials = [_rct(80 + i, f"Low-dose naltrexone versus placebo in fibromyalgia: trial {i}",
                   f"We randomised {40 + 10 * i} women with fibromyalgia to low-dose naltrexone or placebo.",
                   "Low-dose naltrexone reduced pain significantly more than placebo (p = 0.01).")
              for i in range(3)]
    store, _ = build_store(trials, tmp_path / "cmp.db")
    try:
        answer = ask(store, "Is low-dose naltrexone better than pregabalin for fibromyalgia?")
        assert answer.query.comparators == ("pregabalin",)
        assert answer.verdict.direction == "insufficient", answer.verdict
        assert "pregabalin" in answer.verdict.reasons[0]
        assert violations(answer) == []
        # against placebo the same trials answer
        assert ask(store, "Is low-dose naltrexone better than placebo for fibromyalgia?").verdict.direction == "favours"
    finally:
        store.close()


def test_the_study_that_answers_most_directly_bounds_the_rating():
    """_by_leading_study: trials beside an observational leading study, or a leading review of unstated
    size, rate moderate down to low; a randomised leading study with a finding keeps the body at low;
    otherwise the rating stands."""
    from types import SimpleNamespace

    from evidex.synthesis.verdict import _by_leading_study

    def lead(design, direction="favours", text="A double-blind randomised trial.", n=500):
        return SimpleNamespace(design=design, direction=direction, n=n, record=SimpleNamespace(text=lambda: text))

    reasons: list[str] = []
    assert _by_leading_study(1, lead("cohort"), "favours", reasons, False, False) == 2
    assert reasons and reasons[-1].startswith("Indirectness:")
    assert _by_leading_study(1, lead("rct"), "favours", [], False, False) == 1
    assert _by_leading_study(1, lead("systematic_review"), "favours", [], False, False) == 1
    # a leading review that states no number of participants: imprecision cannot be judged on it
    reasons = []
    assert _by_leading_study(1, lead("systematic_review", n=None), "favours", reasons, False, False) == 2
    assert reasons[-1].startswith("Imprecision: the review that answers")
    assert _by_leading_study(2, lead("meta_analysis", n=None), "favours", [], False, False) == 2
    # an open leading trial: rated down for risk of bias, unless the outcome is death or the body already was
    reasons = []
    assert _by_leading_study(1, lead("rct", text="An open randomised trial."), "favours", reasons, False, False) == 2
    assert reasons[-1].startswith("Risk of bias: the trial that answers")
    assert _by_leading_study(1, lead("rct", text="An open randomised trial."), "favours", [], True, True) == 1
    assert _by_leading_study(1, lead("rct", text="An open randomised trial."), "favours", [], False, True) == 1
    reasons = []
    assert _by_leading_study(3, lead("rct", "no_difference"), "no_difference", reasons, False, False) == 2
    assert "randomised trial with a finding" in reasons[-1]
    assert _by_leading_study(4, lead("rct", "unclear"), "favours", [], False, False) == 4       # a trial with no finding
    assert _by_leading_study(3, lead("cohort"), "favours", [], False, False) == 3               # observational: very low stands
    assert _by_leading_study(3, lead("rct"), "insufficient", [], False, False) == 3             # no direction: nothing to rate
    assert _by_leading_study(3, lead("rct", "against"), "favours", [], False, False) == 3      # a trial against the verdict
    assert _by_leading_study(3, lead("rct"), "favours", [], True, True) == 3                   # a mechanism question


def test_the_leading_study_is_the_most_direct_one_even_beside_a_tier_of_trials():
    """The rating is bounded by the study that answers most directly (the body's first) even where
    the body is then rated by its trials (``best_tier``): a cohort that answers the question, beside
    two trials that answer it less closely, rates moderate down to low."""
    from types import SimpleNamespace

    from evidex.synthesis.verdict import grade

    def study(rid, design, n):
        text = "A double-blind randomised trial." if design == "rct" else "A prospective cohort study."
        return SimpleNamespace(record=SimpleNamespace(id=rid, text=lambda: text, title=f"Study {rid}"),
                               design=design, direction="favours", n=n, clinical=True, relevant=True,
                               relevance="direct", differs=(), appraisal=SimpleNamespace(retracted=False))

    query = parse_question("How well does felodipine lower blood pressure in hypertension?")
    trials = [study("t1", "rct", 1500), study("t2", "rct", 1500)]
    led_by_trial = grade(trials + [study("c", "cohort", 3000)], query, [])
    led_by_cohort = grade([study("c", "cohort", 3000)] + trials, query, [])
    assert (led_by_trial.direction, led_by_trial.certainty) == ("favours", "moderate")
    assert (led_by_cohort.direction, led_by_cohort.certainty) == ("favours", "low")
    assert any(r.startswith("Indirectness: the study that answers the question most directly is not randomised")
               for r in led_by_cohort.reasons)


def test_the_trials_are_not_the_body_when_the_ranker_finds_they_answer_less_squarely():
    """best_tier: a body is rated by its randomised part (two trials with a finding or more), unless
    the study the ranker finds most direct is outside it and holds half the body's share: then the
    cohort of the asked exposure stays in the body, and its vote with it."""
    from types import SimpleNamespace

    from evidex.synthesis.verdict import best_tier

    def study(rid, design, direction="favours"):
        return SimpleNamespace(record=SimpleNamespace(id=rid), design=design, direction=direction)

    body = [study("cohort", "cohort"), study("t1", "rct", "no_difference"), study("t2", "rct", "no_difference")]
    assert [s.record.id for s in best_tier(body)] == ["t1", "t2"]
    assert [s.record.id for s in best_tier(body, {"cohort": 0.4, "t1": 0.3, "t2": 0.3})] == ["t1", "t2"]
    assert [s.record.id for s in best_tier(body, {"cohort": 0.45, "t1": 0.5, "t2": 0.05})] == ["t1", "t2"]
    assert best_tier(body, {"cohort": 0.89, "t1": 0.03, "t2": 0.08}) == body
    assert best_tier(body[:2], {"cohort": 0.1, "t1": 0.9}) == body[:2]         # one trial is no tier
    assert [s.record.id for s in best_tier(body, {"other": 1.0})] == ["t1", "t2"]   # no share of the body: no say


def test_a_question_that_is_not_yes_or_no_is_answered_by_laboratory_findings():
    """With no clinical study, a yes/no question is read by the stance model; "How does X ...?" was
    'insufficient' whatever the laboratory studies found ("No study ... addresses the asked
    question"). It now takes their direction, at very low certainty."""
    from types import SimpleNamespace

    from evidex.synthesis.verdict import grade

    def lab(rid, direction):
        return SimpleNamespace(record=SimpleNamespace(id=rid, title=f"Study {rid}"), design="preclinical",
                               direction=direction, n=None, clinical=False, relevant=True, relevance="direct",
                               differs=(), appraisal=SimpleNamespace(retracted=False))

    query = parse_question("How does endothelin-1 switch on interleukin-6 release in vascular smooth muscle cells?")
    assert query.question_type != "yesno"
    found = grade([lab("a", "favours"), lab("b", "favours")], query, [], {"a": 0.9, "b": 0.1})
    assert (found.direction, found.certainty) == ("favours", "very_low")
    assert found.reasons[0].startswith("Design: no clinical study addresses the question")
    nothing = grade([lab("a", "unclear")], query, [])
    assert (nothing.direction, nothing.reasons) == ("insufficient", ("No study in the indexed corpus addresses the "
                                                                       "asked question.",))


MECHANISM_LIBRARY = [
    Record(id="pmid:8100001", pmid="8100001", year=2021, authors=("Lab A",), publication_types=("Journal Article",),
           title="Benefits of low-dose naltrexone appear independent of beta-endorphin release in mice",
           sections=(Section("ABSTRACT",
                             "We tested in mice whether low-dose naltrexone raises beta-endorphin in the brain. "
                             "Low-dose naltrexone did not increase beta-endorphin levels compared with vehicle in "
                             "any brain region. The reported benefits of low-dose naltrexone are unlikely to be "
                             "explained by beta-endorphin release."),)),
    _rct(11, "Low-dose naltrexone for fibromyalgia: a randomised double-blind placebo-controlled trial",
         "In this double-blind trial 80 women with fibromyalgia were randomised to low-dose naltrexone 4.5 mg or "
         "placebo for twelve weeks.",
         "Pain fell significantly more with low-dose naltrexone than with placebo (P = 0.01).",
         "Low-dose naltrexone reduced fibromyalgia pain compared with placebo."),
    _rct(12, "Low-dose naltrexone in Crohn's disease: a randomised placebo-controlled trial",
         "Forty adults with active Crohn's disease were randomised, double-blind, to low-dose naltrexone or placebo.",
         "Clinical response was significantly more frequent with low-dose naltrexone than with placebo (P = 0.02).",
         "Low-dose naltrexone improved Crohn's disease activity compared with placebo."),
]


def test_a_mechanism_claim_is_answered_by_the_study_of_the_mechanism(tmp_path):
    """"Does X work by Y?": trials showing that X works do not say it works by Y; the laboratory study of Y the
    question is about does, and a mechanism it found absent refutes the claim."""
    store, _ = build_store(MECHANISM_LIBRARY, tmp_path / "m.db")
    try:
        answer = ask(store, "Does low-dose naltrexone work by boosting beta-endorphin?")
        assert answer.query.intent == "mechanism" and answer.verdict.direction == "against"
        assert answer.verdict.answer == "no" and not violations(answer)      # the opening line says the same
        # whether it works at all is still answered by the trials
        assert ask(store, "Does low-dose naltrexone reduce fibromyalgia pain?").verdict.direction == "favours"
        # a laboratory finding asked as such, no claim of how the drug works: not refuted by the rule
        assert ask(store, "Does low-dose naltrexone raise beta-endorphin levels in mice?").verdict.direction != "against"
    finally:
        store.close()
