"""Which records count as studies of the asked question: a condition written as its adjective, the
head-to-head trial when the question's outcome is loosely worded, an outcome no study reports."""
from __future__ import annotations

from pathlib import Path

from evidex.eval.qa import build_store
from evidex.query import parse_question
from evidex.records import Record, Section
from evidex.retrieve import retrieve
from evidex.synthesis.evidence import build_studies
from evidex.vocab import expansions


def _rct(i: int, title: str, methods: str, results: str) -> Record:
    return Record(id=f"pmid:8{i:06d}", title=title, pmid=f"8{i:06d}", year=2001, authors=(f"Author{i} B",),
                  publication_types=("Randomized Controlled Trial",),
                  sections=(Section("METHODS", methods), Section("RESULTS", results)))


def _ask(tmp_path: Path, records: list[Record], question: str, limit: int = 10):
    """The parsed question, its candidates' ids in order and their studies, over a real store of ``records``."""
    store, _ = build_store(records, tmp_path / "s.db")
    try:
        query = parse_question(question)
        candidates = retrieve(store, query, limit)
        return query, [c.stored.record.id for c in candidates], build_studies(query, candidates)
    finally:
        store.close()


def test_a_one_word_condition_is_also_written_as_its_adjective():
    assert "schizophrenic" in expansions("schizophrenia")
    assert "hypertensive" in expansions("hypertension")
    assert "asthmatic" in expansions("asthma")
    assert "osteoporotic" in expansions("osteoporosis")


def test_a_trial_of_schizophrenic_patients_is_direct_evidence_for_schizophrenia(tmp_path: Path):
    trial = _rct(1, "Olanzapine in schizophrenic inpatients",
                 "Sixty schizophrenic inpatients were randomised to olanzapine or placebo for 6 weeks.",
                 "Olanzapine reduced the total PANSS score more than placebo (p = 0.01).")
    _, _, studies = _ask(tmp_path, [trial], "Does olanzapine help schizophrenia?")
    assert [(s.record.id, s.relevance) for s in studies] == [(trial.id, "direct")]


def _placebo_trials(n: int) -> list[Record]:
    return [_rct(10 + i, f"Olanzapine versus placebo in schizophrenia, study {i}",
                 f"In schizophrenia, {40 + i} patients with schizophrenia were randomised to olanzapine or placebo.",
                 "Olanzapine improved schizophrenia symptoms more than placebo in schizophrenia (p < 0.05).")
            for i in range(n)]


def test_the_head_to_head_trial_is_kept_when_no_record_words_the_asked_outcome(tmp_path: Path):
    head_to_head = _rct(2, "Double-blind comparison of olanzapine versus clozapine in schizophrenic patients",
                        "Patients eligible for clozapine were randomised to olanzapine or clozapine for 18 weeks.",
                        "Response rates did not differ between olanzapine and clozapine.")
    query, found, _ = _ask(tmp_path, [*_placebo_trials(12), head_to_head], "Treatment-resistant schizophrenia - "
                           "can I use olanzapine instead of clozapine and expect the same benefit?", limit=2)
    assert query.comparators == ("clozapine",)
    assert head_to_head.id in found


def test_an_outcome_no_study_reports_does_not_make_every_study_indirect(tmp_path: Path):
    query, _, studies = _ask(tmp_path, _placebo_trials(3), "Does olanzapine improve quality of sleep in schizophrenia?")
    assert query.outcomes
    assert studies and all(s.relevance == "direct" and "outcome" not in s.differs for s in studies)


def test_an_outcome_some_study_reports_still_sets_the_others_apart(tmp_path: Path):
    sleep = _rct(3, "Olanzapine and sleep in schizophrenia",
                 "Thirty patients with schizophrenia were randomised to olanzapine or placebo.",
                 "Olanzapine improved quality of sleep more than placebo (p = 0.02).")
    _, _, studies = _ask(tmp_path, [*_placebo_trials(3), sleep],
                         "Does olanzapine improve quality of sleep in schizophrenia?")
    by_id = {s.record.id: s for s in studies}
    assert by_id[sleep.id].relevance == "direct"
    assert all("outcome" in s.differs for rid, s in by_id.items() if rid != sleep.id)


def test_a_regimen_built_on_a_drug_is_asked_about_the_drug():
    query = parse_question("For H. pylori eradication in duodenal ulcer disease, is an esomeprazole-based triple "
                           "regimen any better than omeprazole-based triple therapy?")
    assert query.interventions == ("esomeprazole",)
    assert query.comparators == ("omeprazole",)
    assert "omeprazole" in query.facets and "omeprazole-based triple therapy" not in query.facets


def test_an_outcome_is_read_without_the_question_words_around_it():
    drowsy = parse_question("Will Zyrtec make me drowsier at work than Claritin?")
    assert drowsy.outcomes == ("drowsiness",) and "me drowsier" not in drowsy.facets
    dreams = parse_question("Can LDN mess with sleep - insomnia or vivid dreams - and how common is that?")
    assert "vivid dreams" in dreams.outcomes and "how common is that" not in dreams.facets
    sudden = parse_question("Is clozapine linked to a higher risk of sudden death than other antipsychotics?")
    assert "sudden death" in sudden.outcomes
    assert not any(f.startswith("to a") for f in sudden.facets)
    rhythm = parse_question("Persistent AF booked for electrical cardioversion - would verapamil beforehand and "
                            "afterwards keep her in sinus rhythm better than digoxin?")
    assert "her" not in rhythm.outcomes + rhythm.facets


def test_a_lay_harm_is_matched_by_the_names_records_use():
    from evidex.matching import outcome_forms
    from evidex.vocab import find_terms, lookup
    assert {"somnolence", "sedation"} <= set(outcome_forms(["drowsiness"]))
    assert "oedema" in outcome_forms(["ankle swelling"])
    assert lookup("dry mouth").kind == "outcome"
    assert find_terms("drowsy patients with dry mouth") == []       # an outcome, never a population
    assert lookup("stomach ulcer").kind == "condition"                # a MeSH term keeps its kind


def test_a_trial_reporting_somnolence_answers_whether_a_drug_makes_one_drowsier(tmp_path: Path):
    sedation = _rct(4, "Cetirizine versus loratadine: somnolence at work",
                    "Sixty patients were randomised to cetirizine 10 mg or loratadine 10 mg for 2 weeks.",
                    "Somnolence was reported more often with cetirizine than with loratadine (P = 0.008).")
    symptoms = _rct(5, "Cetirizine versus loratadine for seasonal rhinitis",
                    "Eighty patients were randomised to cetirizine 10 mg or loratadine 10 mg for 2 weeks.",
                    "Nasal symptom scores fell more with cetirizine than with loratadine (P = 0.03).")
    _, _, studies = _ask(tmp_path, [sedation, symptoms], "Will Zyrtec make me drowsier at work than Claritin?")
    by_id = {s.record.id: s for s in studies}
    assert by_id[sedation.id].relevance == "direct"
    assert "outcome" in by_id[symptoms.id].differs


def test_a_condition_named_by_its_adjective_is_found_in_a_question():
    from evidex.vocab import find_terms
    query = parse_question("Overweight type 2 diabetic who has failed diet - should the first tablet be metformin "
                           "or glipizide?")
    assert "diabetes mellitus, type 2" in query.conditions
    assert [m.canonical for m in find_terms("schizophrenic inpatients")] == ["schizophrenia"]
    assert [m.canonical for m in find_terms("obese adults")] == []        # too generic alone, as "obesity"


def test_a_record_only_the_whole_question_finds_is_kept(tmp_path: Path):
    """A parse that misses a facet cannot push out the record the question's own words rank first:
    here twelve trials of the drug in the asked condition fill the parsed pools."""
    wrist = _rct(6, "Olanzapine and forearm fractures in older women",
                 "Women aged 65 or more taking olanzapine were followed for wrist and forearm fractures.",
                 "Forearm fractures after a fall were more frequent with olanzapine (p = 0.04).")
    _, found, _ = _ask(tmp_path, [*_placebo_trials(12), wrist],
                       "Olanzapine in schizophrenia - will my mother break her wrist if she falls?", limit=8)
    assert wrist.id in found


def test_a_trial_is_read_by_its_result_on_the_asked_outcome_in_any_of_its_names(tmp_path: Path):
    """"Better for survival?" is answered by the mortality result, not by a tolerability one."""
    from evidex.matching import outcome_forms
    assert {"mortality", "all-cause mortality"} <= set(outcome_forms(["survival"]))
    assert "glycated haemoglobin" in outcome_forms(["hba1c"])
    trial = _rct(7, "Losartan versus captopril in elderly patients with heart failure",
                 "In this double-blind trial 3152 patients aged 60 or over were randomised to losartan or captopril.",
                 "The earlier ELITE study showed a survival benefit of losartan over captopril. There were no "
                 "significant differences in all-cause mortality between the two groups (hazard ratio 1.13, 95% CI "
                 "0.95-1.35). Significantly fewer patients in the losartan group discontinued treatment because of "
                 "adverse effects (9.7 vs 14.7%, p<0.001).")
    _, _, studies = _ask(tmp_path, [trial], "Is losartan better than captopril for survival in heart failure?")
    assert [(s.record.id, s.direction) for s in studies] == [(trial.id, "no_difference")]


def test_an_outcome_the_grammar_took_for_the_treatment_is_no_vocabulary_treatment():
    from evidex.retrieve import anchored
    query = parse_question("Does blood pressure change in treated hypertensive patients depending on whether it is "
                           "measured by a physician or a nurse?")
    assert query.interventions == ("blood pressure",) and not anchored(query)
    assert anchored(parse_question("Does naltrexone help fibromyalgia?"))


def test_a_meta_analysis_of_a_class_studied_each_drug_it_reports_in_its_findings(tmp_path: Path):
    """Allison 1999 as cohen2006 holds it: its aims name antipsychotics, not olanzapine, and its
    findings give each drug's weight change. It answers an olanzapine weight-gain question; a trial
    that only mentions olanzapine in its results stays background."""
    review = Record(id="pmid:10553730", title="Antipsychotic-induced weight gain: a comprehensive research synthesis",
                    pmid="10553730", year=1999, authors=("Allison DB",), publication_types=("Meta-Analysis",),
                    sections=(Section("OBJECTIVE", "To estimate the weight change caused by antipsychotic drugs."),
                              Section("METHOD", "A meta-analysis of 81 articles estimated 10-week weight change."),
                              Section("RESULTS", "Among the newer agents, mean weight gain was olanzapine, 4.15 kg "
                                                 "and ziprasidone, 0.04 kg.")))
    mention = _rct(3, "Haloperidol in acute agitation", "Ninety agitated inpatients were randomised to haloperidol.",
                   "Weight did not change with haloperidol, unlike the gain reported with olanzapine.")
    _studied_not_mentioned(tmp_path, review, mention, "Does olanzapine cause weight gain?")


def _studied_not_mentioned(tmp_path: Path, studied: Record, mention: Record, question: str) -> None:
    """``studied`` answers ``question``; ``mention``, which only names the asked drug, is background."""
    _, _, studies = _ask(tmp_path, [studied, mention], question)
    relevance = {s.record.id: s.relevance for s in studies}
    assert relevance[studied.id] != "background" and relevance[mention.id] == "background"


def test_a_record_whose_findings_set_the_asked_drug_against_another_studied_it(tmp_path: Path):
    """The SAVE overview as cohen2006 holds it: title and aims name only "ACE inhibition", its findings
    give "captopril vs placebo recipients". It answers a captopril question; a trial that only
    mentions captopril beside its own drug stays background."""
    overview = Record(id="pmid:8800001", title="The survival and ventricular enlargement study: rationale and perspective",
                      pmid="8800001", year=1994, authors=("Overview A",),
                      sections=(Section("BACKGROUND", "The SAVE trial was designed to determine whether long-term ACE "
                                                      "inhibition would reduce mortality after myocardial infarction."),
                                Section("METHODS", "Survivors with an ejection fraction of 40% or less were randomised "
                                                   "to ACE inhibition or to placebo and followed for 42 months."),
                                Section("RESULTS", "The study found these risk reductions among captopril vs placebo "
                                                   "recipients: death from all causes 19% (p = 0.019).")))
    mention = _rct(4, "Atenolol after myocardial infarction", "Ninety survivors were randomised to atenolol or placebo.",
                   "Mortality fell with atenolol, as reported before with captopril.")
    _studied_not_mentioned(tmp_path, overview, mention, "Does captopril reduce death after myocardial infarction?")
