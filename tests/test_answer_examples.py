"""The failures a clinician found on questions beyond the flagship corpus, each pinned.

Over real drug-class abstracts (cohen2006 screening sets, ingested from their CSV files) and
the LDN dev corpus: a study that merely mentions a drug must not drive the verdict, a
dose-versus-dose trial is not a null placebo trial, comparators are kept, reviews are typed
and sized as reviews, several reports of one trial count once, an unaddressed facet is said
plainly, and dosing and harms questions get dosing and harms answers.
"""
from __future__ import annotations

import pytest

from evidex.load import ingest_paths, ingest_starter
from evidex.query import parse_question
from evidex.render import to_contract
from evidex.render.json import AnswerOut
from evidex.store import Store
from evidex.synthesis import ask, violations

from .conftest import DATA

COHEN_SETS = ("ProtonPumpInhibitors.csv", "AtypicalAntipsychotics.csv", "Estrogens.csv", "BetaBlockers.csv",
              "UrinaryIncontinence.csv")


@pytest.fixture(scope="module")
def cohen(tmp_path_factory) -> Store:
    if not (DATA / "cohen2006").exists():
        pytest.skip(f"shared data not available: {DATA / 'cohen2006'}")
    store = Store(tmp_path_factory.mktemp("cohen") / "c.db")
    ingest_paths(store, [DATA / "cohen2006" / name for name in COHEN_SETS])
    yield store
    store.close()


@pytest.fixture(scope="module")
def ldn(tmp_path_factory) -> Store:
    if not (DATA / "ldn").exists():
        pytest.skip(f"shared data not available: {DATA / 'ldn'}")
    store = Store(tmp_path_factory.mktemp("ldn") / "l.db")
    ingest_paths(store, [DATA / "ldn" / "dev_corpus.jsonl"])
    yield store
    store.close()


@pytest.fixture(scope="module")
def starter(tmp_path_factory) -> Store:
    store = Store(tmp_path_factory.mktemp("starter") / "s.db")
    ingest_starter(store)
    yield store
    store.close()


def _text(answer) -> str:
    parts = []
    for sec in answer.sections:
        parts += [s.text for s in sec.statements] + [s.text for s in sec.key_points]
        for sub in sec.subsections:
            parts += [s.text for s in sub.statements]
    return " ".join(parts).lower()


def _checked(answer):
    assert violations(answer) == []
    AnswerOut.model_validate(to_contract(answer))
    return answer


def test_statins_without_statin_trials_is_insufficient(cohen):
    answer = _checked(ask(cohen, "Do statins reduce cardiovascular events?"))
    assert answer.verdict.direction == "insufficient" and answer.verdict.certainty == "very_low"
    # HERS II (a hormone-therapy trial that mentions statins) drives neither verdict nor table.
    cited_rows = {r.n: r.id for r in answer.references}
    assert "pmid:12090862" not in {cited_rows[row.ref] for row in answer.evidence_table}
    assert answer.verdict.answer == "uncertain"
    opening = answer.sections[0].key_points[0].text
    assert opening.startswith("Uncertain —")


def test_dose_versus_dose_finding_is_not_a_null_placebo_trial(cohen):
    answer = _checked(ask(cohen, "Do proton pump inhibitors heal erosive esophagitis?"))
    assert answer.verdict.direction == "favours"
    assert answer.sections[0].key_points[0].text.startswith("Yes —")
    from evidex.resolve import resolve
    from evidex.retrieve import retrieve
    from evidex.synthesis.evidence import build_studies
    query = resolve(cohen, parse_question("Do proton pump inhibitors heal erosive esophagitis?"))
    assert any("lansoprazol" in m for _, members in query.members for m in members)
    for study in build_studies(query, retrieve(cohen, query)):
        for f in study.findings:
            assert "doses did not differ" not in f.passage.text.lower()


def test_a_meta_regression_is_a_review_sized_by_its_patients(cohen):
    stored = cohen.get("pmid:11099280")      # Geddes 2000: 52 RCTs, 12 649 patients
    assert stored.appraisal.design in ("meta_analysis", "systematic_review")
    assert stored.appraisal.n == 12649


@pytest.mark.parametrize("question,comparator", [
    ("Are atypical antipsychotics more effective than haloperidol for schizophrenia?", "haloperidol"),
    ("Is tolterodine better tolerated than oxybutynin for overactive bladder?", "oxybutynin"),
    ("Are ARBs as effective as ACE inhibitors for hypertension?", "ace inhibitors"),
])
def test_comparators_are_kept(question, comparator):
    query = parse_question(question)
    assert comparator in query.comparators and query.intent == "comparison"


def test_head_to_head_rct_is_seen_as_randomised_and_direct(ldn):
    answer = _checked(ask(ldn, "Is LDN better than amitriptyline for painful diabetic neuropathy?"))
    assert answer.query.comparators == ("amitriptyline",)
    assert not any("no randomised trial addresses" in r for r in answer.verdict.reasons)
    assert "slug:2021-j-diabetes-ldn-painful-diabetic-neuropathy-crossover" in {r.id for r in answer.references}
    assert answer.verdict.direction == "no_difference"


def test_a_switch_from_amitriptyline_is_answered_by_the_head_to_head_trial(ldn):
    """The trial names its arms' difference by the groups ("the between-group difference ... (confidence interval
    -0.92 to 4.20)"): with no result naming both drugs, that sentence is the head-to-head result."""
    answer = _checked(ask(ldn, "For painful diabetic neuropathy in a patient who gets groggy on amitriptyline - does "
                               "LDN 2-4 mg work as well?"))
    assert answer.query.comparators == ("amitriptyline",)
    assert answer.verdict.direction == "no_difference"


def test_two_reports_of_one_trial_count_once(ldn):
    from evidex.resolve import resolve
    from evidex.retrieve import retrieve
    from evidex.synthesis.evidence import build_studies
    query = resolve(ldn, parse_question("Is low-dose naltrexone effective for fibromyalgia?"))
    studies = {s.record.id: s for s in build_studies(query, retrieve(ldn, query))}
    final_2025 = studies["pmid:40214857"]         # the FINAL trial's exploratory report
    assert final_2025.duplicate_of == "doi:10.1016/s2665-9913(23)00278-3"
    main = studies[final_2025.duplicate_of]
    assert main.n == 99 and main.direction == "no_difference"
    # ... and its other report is listed among the references, after the cited ones, named in the warnings
    answer = _checked(ask(ldn, "Is low-dose naltrexone effective for fibromyalgia?"))
    refs = {r.id: r.n for r in answer.references}
    cited = {c for sec in answer.sections for st in (*sec.statements, *sec.key_points,
                                                     *(x for sub in sec.subsections for x in sub.statements))
             for c in st.citations} | {r.ref for r in answer.evidence_table}
    assert main.record.id in refs and refs["pmid:40214857"] not in cited and refs["pmid:40214857"] > max(cited)
    assert any(w.startswith("pmid:40214857 reports the same trial as") for w in answer.warnings)


def test_an_unaddressed_facet_is_said_plainly(ldn):
    answer = _checked(ask(ldn, "Can LDN be used in pregnancy or with opioids?"))
    assert answer.query.intent == "contraindications"
    assert "pregnancy" in answer.query.facets
    assert "no record in the library addresses pregnancy" in _text(answer)


def test_how_to_start_is_a_dosing_answer(starter):
    answer = _checked(ask(starter, "How do I start LDN?"))
    assert answer.query.intent == "dosing"
    research = answer.sections[1]
    assert research.subsections[0].heading == "Clinical Use"
    assert any(" mg" in s.text for s in research.subsections[0].statements)


def test_side_effects_are_one_aggregated_list(starter):
    answer = _checked(ask(starter, "What are the side effects of LDN?"))
    assert answer.query.intent == "safety"
    safety = next(s for s in answer.sections[1].subsections if s.heading == "Safety")
    listed = safety.statements[0]
    assert listed.kind == "list" and listed.text.startswith("Adverse effects reported:")
    assert {"vivid dreams", "headaches", "stomachache"} <= set(listed.items)


def test_statements_carry_no_design_or_population_prefix(cohen):
    answer = _checked(ask(cohen, "Is oxybutynin effective for overactive bladder?"))
    for sec in answer.sections:
        for sub in sec.subsections:
            for s in sub.statements:
                assert not s.text.startswith(("Randomised controlled trial in", "Systematic review in"))


def test_an_efficacy_question_is_against_placebo_or_no_treatment():
    plain = parse_question("Do beta-blockers reduce mortality in chronic heart failure?")
    assert plain.comparators == () and plain.to_contract()["comparators"] == ["placebo or no treatment"]
    named = parse_question("Is LDN better than amitriptyline for painful diabetic neuropathy?")
    assert named.to_contract()["comparators"] == ["amitriptyline"]
    mechanism = parse_question("How does LDN work?")
    assert mechanism.to_contract()["comparators"] == []


def test_a_harms_question_leads_with_the_list(starter):
    answer = _checked(ask(starter, "What are the side effects of LDN?"))
    first = answer.sections[0].key_points[0]
    assert first.kind == "list" and "vivid dreams" in first.items


def test_harms_are_counted_against_the_control():
    """"Is X safe?", "what side effects ...?" and "can I add X?" are read from trials that count harms against
    placebo or no treatment (the clinician sets' raters name placebo for them); an epidemiology question compares
    nothing."""
    asked = parse_question("My patient is in severe heart failure - do such patients tolerate metoprolol?")
    assert asked.intent == "safety" and asked.to_contract()["comparators"] == ["placebo or no treatment"]
    listed = parse_question("What side effects make patients stop enalapril, and how common are they?")
    assert listed.to_contract()["comparators"] == ["placebo or no treatment"]
    added = parse_question("Patient on warfarin - can I add celecoxib?")
    assert added.intent == "contraindications" and added.to_contract()["comparators"] == ["placebo or no treatment"]
    common = parse_question("How common is tardive dyskinesia in elderly patients?")
    assert common.to_contract()["comparators"] == []


def test_a_question_weighing_two_doses_is_compared_with_the_other_dose():
    # (and the control a dose-ranging trial tries both doses against)
    asked = parse_question("Duodenal ulcer: is lansoprazole 15 mg a day enough to heal it, or do I need 30 mg?")
    assert asked.intent == "dosing" and asked.to_contract()["comparators"] == ["lansoprazole 30 mg",
                                                                                "placebo or no treatment"]
    taken = parse_question("RA patient on valdecoxib 10 mg once daily - is there any gain from pushing the dose "
                           "to 20 or 40 mg?")
    assert taken.to_contract()["comparators"] == ["valdecoxib 10 mg"]      # the dose taken already
    raised = parse_question("Should I increase simvastatin from 20 mg to 40 mg?")
    assert raised.to_contract()["comparators"] == ["simvastatin 20 mg"]       # the dose it is raised from
    one = parse_question("What dose of lansoprazole heals erosive oesophagitis?")
    assert one.to_contract()["comparators"] == []
    # whether one dose is enough is whether it beats the control the trials gave
    enough = parse_question("Is esterified estrogens 0.3 mg/day enough to control hot flushes?")
    assert enough.intent == "dosing" and enough.to_contract()["comparators"] == ["placebo or no treatment"]
