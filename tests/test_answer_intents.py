"""Answers shaped by the question's intent (issue 9, item 5), over small real stores."""
from __future__ import annotations

from pathlib import Path

import pytest

from evidex.eval.qa import build_store
from evidex.query import parse_question
from evidex.records import Record, Section
from evidex.synthesis import ask, violations
from evidex.synthesis.dosing import part_of
from evidex.synthesis.harms import adverse_effects

MECHANISM_RECORDS = [
    Record(id="pmid:7000001", title="Gabapentin binds the alpha2-delta subunit of voltage-gated calcium channels",
           pmid="7000001", year=2006, mesh_terms=("Animals", "Rats"),
           sections=(Section("", "Gabapentin binds the alpha2-delta subunit of voltage-gated calcium channels, "
                                 "which reduces calcium influx and inhibits the release of excitatory "
                                 "neurotransmitters in the dorsal horn. In rats with nerve injury, gabapentin "
                                 "reduced pain behaviour."),)),
    Record(id="pmid:7000002", title="Gabapentin for postherpetic neuralgia: a randomised controlled trial",
           pmid="7000002", year=2001, publication_types=("Randomized Controlled Trial",),
           sections=(Section("METHODS", "We randomised 229 patients to gabapentin, an antagonist at one receptor "
                                        "site, or placebo."),
                     Section("RESULTS", "Pain fell significantly more with gabapentin than with placebo."),
                     Section("CONCLUSIONS", "Gabapentin is effective for postherpetic neuralgia."))),
]


def test_a_mechanism_question_leads_with_the_sentence_that_explains_the_mechanism(tmp_path: Path):
    store, _ = build_store(MECHANISM_RECORDS, tmp_path / "m.db")
    try:
        answer = ask(store, "How does gabapentin work in neuropathic pain?")
        assert answer.query.intent == "mechanism"
        first = answer.sections[0].key_points[0]
        assert "alpha2-delta" in first.text
        assert answer.references[first.citations[0] - 1].id == "pmid:7000001"
        assert answer.sections[1].subsections[0].heading == "Mechanism of Action"
        assert violations(answer) == []
    finally:
        store.close()


NAMED_MECHANISM_RECORDS = [
    Record(id="pmid:7000021", title="How low-dose naltrexone may work: a narrative review",
           pmid="7000021", year=2018, publication_types=("Review",),
           sections=(Section("", "Low-dose naltrexone is thought to act as an antagonist at Toll-like receptor 4 on "
                                 "microglia, dampening glial activation and neuroinflammation through this pathway."),)),
    Record(id="pmid:7000022", title="Low-dose naltrexone and hypothalamic opioid peptides in mice",
           pmid="7000022", year=2021, mesh_terms=("Animals", "Mice"),
           sections=(Section("BACKGROUND", "Low-dose naltrexone is said to work by a rebound rise in endorphins."),
                     Section("METHODS", "We gave mice low-dose naltrexone for two weeks."),
                     Section("RESULTS", "Low-dose naltrexone did not raise plasma beta-endorphin levels, and the "
                                        "firing rate of the neurons that release them was unchanged."),
                     Section("CONCLUSIONS", "The receptor blockade of low-dose naltrexone does not act through "
                                            "endorphin release."))),
]


def test_a_mechanism_the_question_names_is_answered_by_the_study_that_tested_it(tmp_path: Path):
    """A review's general account says more about mechanisms (more cue words), but the question asks about one
    mechanism; the study that tested it leads."""
    store, _ = build_store(NAMED_MECHANISM_RECORDS, tmp_path / "nm.db")
    try:
        answer = ask(store, "Does low-dose naltrexone work by triggering a rebound rise in endorphins?")
        assert answer.query.intent == "mechanism" and "endorphins" in answer.query.outcomes
        assert answer.query.conditions == ()            # a rise in endorphins is what changes, not who is treated
        explained = answer.sections[0].key_points[1]       # after the one-line answer
        assert "endorphin" in explained.text
        assert answer.references[explained.citations[0] - 1].id == "pmid:7000022"
        assert violations(answer) == []
        # asked generally, the fuller account comes first
        general = ask(store, "How does low-dose naltrexone work?")
        explained = general.sections[0].key_points[0]
        assert general.references[explained.citations[0] - 1].id == "pmid:7000021", explained
    finally:
        store.close()


def test_a_mechanism_named_in_a_second_sentence_of_the_question_is_still_the_one_asked(tmp_path: Path):
    """"How does X work? Does it raise endorphins?": the first sentence is the question answered, but the
    second names the mechanism, so the study that tested endorphins leads, not the review's account."""
    store, _ = build_store(NAMED_MECHANISM_RECORDS, tmp_path / "nm2.db")
    try:
        answer = ask(store, "How is low-dose naltrexone supposed to work? Does it really raise endorphins?")
        assert answer.query.intent == "mechanism" and answer.query.outcomes == ()
        explained = next(p for p in answer.sections[0].key_points if p.citations)
        assert answer.references[explained.citations[0] - 1].id == "pmid:7000022", explained
        assert violations(answer) == []
    finally:
        store.close()


DOSING_RECORDS = [
    Record(id="pmid:7000011", title="Low-dose naltrexone for fatigue after COVID-19: an open-label pilot study",
           pmid="7000011", year=2022,
           sections=(Section("METHODS", "Patients were prescribed naltrexone for two months (1 mg in month one, "
                                        "2 mg in month two)."),
                     Section("RESULTS", "Fatigue scores improved significantly after two months."))),
    Record(id="pmid:7000012", title="Low-dose naltrexone for corneal pain: a retrospective cohort",
           pmid="7000012", year=2021,
           sections=(Section("METHODS", "Patients were treated with naltrexone 2 mg by mouth at bedtime."),
                     Section("RESULTS", "Pain scores improved significantly after four weeks."))),
    Record(id="pmid:7000013", title="Low-dose naltrexone in fibromyalgia: a case series",
           pmid="7000013", year=2020,
           sections=(Section("METHODS", "Naltrexone was titrated in these patients to doses of up to 2 mg."),
                     Section("RESULTS", "Most patients reported less pain."))),
]


def test_a_dosing_answer_gives_the_schedule_and_the_timing_even_at_the_same_dose(tmp_path: Path):
    """"1 mg in month one, 2 mg in month two" is a titration; "2 mg at bedtime" is a timing,
    news beside "titrated up to 2 mg" though the dose is the same."""
    store, _ = build_store(DOSING_RECORDS, tmp_path / "d.db")
    try:
        answer = ask(store, "How do I start naltrexone - what starting dose, titration and timing?")
        assert answer.query.intent == "dosing"
        statements = [st.text for sec in answer.sections
                      for st in (*sec.key_points, *(x for sub in sec.subsections for x in sub.statements))]
        for fact in ("1 mg in month one", "at bedtime", "titrated"):
            assert sum(fact in t for t in statements) == 1, fact
        assert violations(answer) == []
    finally:
        store.close()


@pytest.mark.parametrize("sentence, part", [
    ("They were prescribed the drug for 2 months (1 mg in month one, 2 mg in month two).", "Titration"),
    ("The dose was increased by 5 mg every week.", "Titration"),
    ("Patients took 4.5 mg at bedtime.", "Timing"),
    ("The dose was 50 mg.", "Usual dose"),
])
def test_regimen_part_of_a_dose_sentence(sentence, part):
    assert part_of(sentence) == part


@pytest.mark.parametrize("question, facets", [
    ("Can LDN be taken together with opioid painkillers?", ("opioids",)),     # the co-treatment by its name
    ("Is it safe to take naltrexone with opioids?", ("opioids",)),
    ("Can LDN be used in pregnancy?", ("pregnancy",)),
])
def test_the_asked_treatment_is_never_a_facet_of_its_own_question(question, facets):
    assert parse_question(question).facets == facets


def test_a_sentence_naming_the_facet_answers_it_whatever_its_role(tmp_path: Path):
    """Trials that excluded patients taking the co-medication say something about it (a sentence
    with no harms, dosing or efficacy words); the section shows it."""
    records = [_trial(50, "Gabapentin for postherpetic neuralgia: a randomised placebo-controlled trial",
                      "We randomised 229 adults to gabapentin or placebo. Patients taking morphine were excluded.",
                      "Pain fell significantly more with gabapentin than with placebo.",
                      "Gabapentin is effective for postherpetic neuralgia.")]
    store, _ = build_store(records, tmp_path / "p.db")
    try:
        answer = ask(store, "Can gabapentin be taken together with morphine?")
        assert answer.query.facets == ("morphine",)
        facets = next(sub for sub in answer.sections[1].subsections
                      if sub.heading == "Contraindications and Interactions")
        assert any("taking morphine were excluded" in st.text for st in facets.statements)
        assert violations(answer) == []
    finally:
        store.close()


def _trial(i: int, title: str, methods: str, results: str, conclusions: str) -> Record:
    return Record(id=f"pmid:70000{i}", title=title, pmid=f"70000{i}", year=2001,
                  publication_types=("Randomized Controlled Trial",),
                  sections=(Section("METHODS", methods), Section("RESULTS", results),
                            Section("CONCLUSIONS", conclusions)))


@pytest.mark.parametrize("question, outcomes", [
    ("Does LDN help active Crohn's disease?", ()),
    ("Does spironolactone reduce heart failure hospitalisation?", ("heart failure hospitalisation",)),
    ("Does metformin reduce mortality in diabetes?", ("mortality",)),
    ("Does estrogen plus progestin prevent coronary heart disease in postmenopausal women?",
     ("coronary heart disease",)),
    ("Does aspirin cause gastrointestinal bleeding?", ("gastrointestinal bleeding",)),
    ("Is omeprazole effective for reflux oesophagitis?", ()),
    ("Do proton pump inhibitors heal erosive esophagitis better than H2-receptor antagonists?", ()),
    # a disease the treatment acts on beside the patients' own is the outcome; the patients' disease is not
    ("In trauma patients on morphine, does adding ultra-low-dose naltrexone reduce nausea compared with morphine "
     "alone?", ("nausea",)),
    ("Can low-dose naltrexone relieve pruritus in systemic sclerosis?", ("pruritus",)),
    ("Does LDN relieve chronic pain from osteoarthritis or inflammatory arthritis?", ()),
    ("Should methylphenidate be avoided in children with ADHD who also have a tic disorder?", ()),
])
def test_what_is_treated_is_the_population_what_is_prevented_or_caused_is_the_outcome(question, outcomes):
    assert parse_question(question).outcomes == outcomes


@pytest.mark.parametrize("sentence, items", [
    ("Renal adverse events, including hypertension, peripheral edema, and renal failure, occurred in 24.3 percent.",
     ["hypertension", "peripheral edema", "renal failure"]),
    # An arm's rate, a method, a baseline state and a comparison are not adverse events.
    ("Adverse events were 23% for drug and 19% for placebo.", []),
    ("Complications, prospectively defined as bleeding, were assessed.", []),
    ("Side effects included preexisting heart disease and better sleep.", []),
    ("The most common adverse events were nausea (12%), dizziness and dry mouth.",
     ["nausea (12%)", "dizziness", "dry mouth"]),
])
def test_the_adverse_effects_a_harms_sentence_lists(sentence, items):
    assert adverse_effects(sentence) == items


# pmid:7906659 as cohen2006 gives it (the abstract spells the comparator "loratidine")
EQUIVALENCE_RECORDS = [
    Record(id="pmid:7906659", title="A comparison of the efficacy of azelastine nasal spray and loratidine tablets in "
           "the treatment of seasonal allergic rhinitis.", pmid="7906659", year=1994,
           publication_types=("Randomized Controlled Trial",),
           sections=(Section("", "Thirty patients with seasonal allergic rhinitis were randomised to azelastine "
                                 "nasal spray or loratadine tablets for six weeks. Compared with baseline, total "
                                 "symptom scores for both the azelastine and loratidine treatment groups were "
                                 "reduced at each of the assessments during treatment. No significant differences "
                                 "were observed between the two treatment groups."),)),
]


def test_no_difference_between_the_two_treatment_groups_answers_an_equivalence_question(tmp_path: Path):
    store, _ = build_store(EQUIVALENCE_RECORDS, tmp_path / "e.db")
    try:
        answer = ask(store, "Seasonal allergic rhinitis: is azelastine nasal spray as good as loratadine tablets?")
        assert answer.query.claim == "equivalence"
        assert answer.verdict.direction == "no_difference"
        assert violations(answer) == []
    finally:
        store.close()


LEVELS_RECORDS = [
    Record(id="pmid:7000041", title="Low-dose naltrexone in Gulf War illness: a randomised crossover pilot trial",
           pmid="7000041", year=2018, publication_types=("Randomized Controlled Trial",),
           sections=(Section("METHODS", "Veterans took naltrexone 4.5 mg daily or placebo for eight weeks each."),
                     Section("RESULTS", "At the end of treatment, naltrexone was detectable in the serum of every "
                                        "participant, at levels from 1.5 to 18 ng/ml. Symptom scores improved "
                                        "significantly on naltrexone."))),
    Record(id="pmid:7000042", title="Low-dose naltrexone in fibromyalgia: a randomised crossover trial",
           pmid="7000042", year=2013, publication_types=("Randomized Controlled Trial",),
           sections=(Section("METHODS", "Women with fibromyalgia took naltrexone 4.5 mg at bedtime or placebo."),
                     Section("RESULTS", "Pain fell significantly more on naltrexone than on placebo."),
                     Section("CONCLUSIONS", "Low-dose naltrexone may be a safe and effective treatment."))),
]


def test_a_dosing_question_asking_a_particular_fact_leads_with_the_sentence_stating_it(tmp_path: Path):
    """t30 (clinician_heldout9): serum levels at the usual dose are stated by a results sentence
    with no dosing or efficacy words; it leads the Key Points, above the role-picked findings."""
    store, _ = build_store(LEVELS_RECORDS, tmp_path / "l.db")
    try:
        answer = ask(store, "On naltrexone 4.5 mg a day, what serum naltrexone levels should I expect?")
        assert answer.query.intent == "dosing"
        points = answer.sections[0].key_points
        assert "1.5 to 18 ng/ml" in points[0].text
        assert violations(answer) == []
    finally:
        store.close()


def test_a_facet_of_short_words_is_answered_without_a_crash(tmp_path: Path):
    """BioASQ 601dc46c: the facet "mis-c" has no word longer than three letters, so no word test;
    the contraindications section must take any sentence for it, not fail."""
    texts = [("Multisystem inflammatory syndrome in children after COVID-19",
              "Multisystem inflammatory syndrome in children (MIS-C) is a rare but serious complication of COVID-19. "
              "We reviewed 52 children with MIS-C. Fever and rash were common. Most children recovered."),
             ("", "A multisystem inflammatory syndrome in children (MIS-C) is a rare but serious complication "
                  "associated with SARS-CoV-2 infection. Cardiac involvement was seen in 40% of cases. IVIG was "
                  "given to most."),
             ("MIS-C temporally related to COVID-19: a case report",
              "MIS-C is a rare yet severe complication. The child recovered after treatment.")]
    records = [Record(id=f"pmid:70000{50 + i}", title=title, pmid=f"70000{50 + i}", year=2021,
                      sections=(Section("", body),)) for i, (title, body) in enumerate(texts)]
    store, _ = build_store(records, tmp_path / "s.db")
    try:
        answer = ask(store, "Is MIS-C or Multisystem Inflammatory syndrome in children a complication of Covid-19?")
        assert violations(answer) == []
        assert "Contraindications and Interactions" in [sub.heading for sub in answer.sections[1].subsections]
    finally:
        store.close()


KEY_DOSING_RECORDS = DOSING_RECORDS + [
    Record(id="pmid:7000014", title="Low-dose naltrexone in fibromyalgia: a randomised placebo-controlled trial",
           pmid="7000014", year=2023, publication_types=("Randomized Controlled Trial",),
           sections=(Section("METHODS", "In this double-blind trial, 80 women were randomised to naltrexone 4.5 mg "
                                        "at bedtime or placebo for 12 weeks."),
                     Section("RESULTS", "Pain fell by 30% on naltrexone and by 10% on placebo (P = 0.01)."))),
]


def test_a_dosing_answer_leads_with_its_own_section_then_the_key_studies(tmp_path: Path):
    """Key studies are told for every intent but mechanism; after the intent's own section when
    the question is not about an effect."""
    store, _ = build_store(KEY_DOSING_RECORDS, tmp_path / "k.db")
    try:
        answer = ask(store, "What dose of naltrexone should I use for fibromyalgia, and when should it be taken?")
        assert answer.query.intent == "dosing"
        headings = [sub.heading for sub in answer.sections[1].subsections]
        assert headings[:2] == ["Clinical Use", "Key Studies"]
        assert violations(answer) == []
    finally:
        store.close()
