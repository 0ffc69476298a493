"""A head-to-head question is answered by trials that have the comparator as an arm.

- A placebo trial that names the comparator only in its background is *indirect* for
  "A vs B" (differs in its comparator), whether or not A is a vocabulary name: before, an
  open-vocabulary drug ("zelotriptan") skipped the comparator check, so every trial of the
  drug counted as direct head-to-head evidence.
- A single trial of the comparison cannot be high certainty: whether its result replicates
  cannot be judged (GRADE 5.2.2; AHRQ EPC "consistency unknown").
"""
from __future__ import annotations

from pathlib import Path

import pytest

from evidex.eval.qa import build_store
from evidex.query import parse_question
from evidex.records import Record, Section
from evidex.retrieve import retrieve
from evidex.synthesis import ask, violations
from evidex.synthesis.arms import favoured_arm, more_harm, oriented, third_arm_won, traded_off
from evidex.synthesis.evidence import build_studies, effect_sentences


def _rct(i: int, title: str, background: str, methods: str, results: str, conclusion: str) -> Record:
    return Record(id=f"pmid:8{i:06d}", title=title, pmid=f"8{i:06d}", year=2002, authors=(f"Writer{i} B",),
                  publication_types=("Randomized Controlled Trial",),
                  sections=(Section("BACKGROUND", background), Section("METHODS", methods),
                            Section("RESULTS", results), Section("CONCLUSIONS", conclusion)))


TRIALS = [
    _rct(1, "Zelotriptan versus sumatriptan in acute migraine: a randomised double-blind trial",
         "Triptans are the standard acute treatment of migraine.",
         "In this double-blind trial 912 adults with migraine were randomised to zelotriptan 40 mg or "
         "sumatriptan 100 mg for one attack.",
         "Headache response at 2 hours was 67% with zelotriptan and 55% with sumatriptan (p < 0.001).",
         "Zelotriptan was more effective than sumatriptan for acute migraine."),
    _rct(2, "Zelotriptan in acute migraine: a placebo-controlled trial",
         "Sumatriptan was the first triptan; many patients do not respond to sumatriptan.",
         "We randomised 1104 adults with migraine to zelotriptan 40 mg or placebo in a double-blind trial.",
         "Headache response at 2 hours was 62% with zelotriptan and 19% with placebo (p < 0.0001).",
         "Zelotriptan was effective and well tolerated for acute migraine."),
]


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    s, _ = build_store(TRIALS, Path(tmp_path_factory.mktemp("h2h")) / "h.db")
    yield s
    s.close()


QUESTION = "Is zelotriptan more effective than sumatriptan for acute migraine?"


def _studies(records: list[Record], question: str, path: Path) -> dict:
    """record id -> Study for ``question`` over a store holding ``records``."""
    store, _ = build_store(records, path)
    try:
        query = parse_question(question)
        return {s.record.id: s for s in build_studies(query, retrieve(store, query))}
    finally:
        store.close()


def _answer(records: list[Record], question: str, path: Path):
    """The faithful answer to ``question`` over a store holding ``records``."""
    store, _ = build_store(records, path)
    try:
        answer = ask(store, question)
        assert violations(answer) == []
        return answer
    finally:
        store.close()


def test_a_placebo_trial_naming_the_comparator_in_its_background_is_indirect(store):
    query = parse_question(QUESTION)
    assert query.comparators == ("sumatriptan",)
    studies = {s.record.id: s for s in build_studies(query, retrieve(store, query))}
    assert studies["pmid:8000001"].relevance == "direct"
    assert studies["pmid:8000002"].relevance == "indirect"
    assert "comparator" in studies["pmid:8000002"].differs


def test_a_single_head_to_head_trial_is_not_high_certainty(store):
    answer = ask(store, QUESTION)
    assert answer.verdict.direction == "favours"
    assert answer.verdict.certainty in ("moderate", "low")
    assert any("single trial" in r for r in answer.verdict.reasons)
    assert violations(answer) == []


@pytest.mark.parametrize("question, comparators", [
    # A parenthesised drug names the class's member: both are comparators.
    # (a thiazide is read as its class, the diuretics, as the vocabulary names it)
    ("Is amlodipine better than a thiazide diuretic (chlorthalidone) as first-step treatment for hypertension?",
     ("diuretics", "chlorthalidone")),
    # A time adverb is no part of the comparator's name.
    ("Is perindopril better tolerated than captopril early after acute MI?", ("captopril",)),
    # "such as" gives an example of the comparator class.
    ("Do proton pump inhibitors heal esophagitis better than H2-receptor antagonists such as ranitidine?",
     ("h2 receptor antagonists", "ranitidine")),
    # "as" right after the predicate compares.
    ("Is lansoprazole as effective as omeprazole for duodenal ulcer healing?", ("omeprazole",)),
])
def test_comparators_are_read_from_the_question(question, comparators):
    assert parse_question(question).comparators == comparators


OTHER_DRUG = [
    _rct(3, "Rizatriptan versus ergotamine plus caffeine in acute migraine: a randomised crossover trial",
         "Ergotamine combined with caffeine is an old acute treatment of migraine.",
         "In this double-blind crossover trial 439 adults with migraine treated one attack with rizatriptan "
         "10 mg and one with ergotamine 2 mg plus caffeine 200 mg.",
         "Pain freedom at 2 hours was 49% with rizatriptan and 24% with ergotamine plus caffeine (p < 0.001).",
         "Rizatriptan was more effective than ergotamine plus caffeine."),
    _rct(4, "Zelotriptan versus ergotamine plus caffeine in acute migraine",
         "Rizatriptan and other triptans are widely used in migraine.",
         "We randomised 733 adults with migraine to zelotriptan 40 mg or ergotamine 2 mg plus caffeine 200 mg.",
         "Headache response at 2 hours was 54% with zelotriptan and 33% with ergotamine plus caffeine.",
         "Zelotriptan was more effective than ergotamine plus caffeine."),
]


def test_a_drug_outside_the_vocabulary_must_be_studied_once_a_record_studies_it(tmp_path):
    studies = _studies(OTHER_DRUG, "Is rizatriptan better than ergotamine plus caffeine for migraine?",
                       tmp_path / "o.db")
    assert studies["pmid:8000003"].relevance == "direct"
    # Another triptan's trial against the same comparator names rizatriptan only in passing.
    assert studies["pmid:8000004"].relevance == "background"


SMALL = [_rct(5, "Zelomab for plaque psoriasis: a randomised pilot trial",
              "Psoriasis is a chronic inflammatory skin disease.",
              "Twenty adults with plaque psoriasis were randomised, double-blind, to zelomab or placebo for 12 weeks.",
              "The psoriasis area and severity index fell by 60% with zelomab and by 10% with placebo (p = 0.01).",
              "Zelomab improved plaque psoriasis in this small pilot trial.")]


def test_one_small_trial_shows_its_direction_at_low_certainty(tmp_path):
    """A double-blind trial of 20: its direction is shown, rated down two levels for very serious
    imprecision (GRADE handbook 5.2.3), once: not very low outright on top of the imprecision."""
    answer = _answer(SMALL, "Is zelomab effective for psoriasis?", tmp_path / "s.db")
    assert answer.verdict.direction == "favours"
    assert answer.verdict.certainty == "low"
    assert any("one or two small studies" in r.lower() for r in answer.verdict.reasons)
    assert any("very serious" in r for r in answer.verdict.reasons)


@pytest.mark.parametrize("sentence, arm", [
    ("Ramipril, compared with amlodipine, retards renal disease progression.", "comparator"),
    ("However, compared with the amlodipine group, the ramipril group had a 38% reduced risk of clinical "
     "end points.", "comparator"),
    ("Amlodipine lowered blood pressure more than ramipril did.", "asked"),
    ("Blood pressure fell more with amlodipine than with ramipril.", "asked"),
    ("The primary outcome was the rate of change in GFR.", ""),
    # pmid:9863850: the asked arm named in the study's own words ("drug treatment"), beaten by B
    ("Ramipril, which yielded a mean 80.7% reduction, was significantly more effective than drug treatment "
     "(mean 68.5% reduction; P=.04).", "comparator"),
    # ... while beating a control says nothing of the asked arm
    ("Ramipril was significantly more effective than placebo (P=.009).", ""),
])
def test_the_arm_a_finding_favours_is_its_subject(sentence, arm):
    assert favoured_arm(sentence, ["amlodipine"], ["ramipril"]) == arm


@pytest.mark.parametrize("sentence, more", [
    # pmid:12441211: the subject arm had more of a harm, so the other arm did better
    ("Similarly, edema-related symptoms (lower limb swelling and heaviness) occurred significantly (P <.01) more "
     "often with amlodipine (50% and 45%, respectively) than with lercanidipine (35% and 33%).", True),
    ("Amlodipine patients had significantly (P <.001) higher rates of edema (19%) compared with lercanidipine (9%).",
     True),
    ("The haloperidol group developed significantly more extrapyramidal side effects than olanzapine.", True),
    # more of a good thing, or a greater effect on a disease, is the subject arm's benefit
    ("Olanzapine produced significantly greater improvement in PANSS total than haloperidol.", False),
    ("Ramipril had a greater effect on proteinuria than amlodipine.", False),
    ("Pain relief occurred more often with ramipril than with amlodipine.", False),
])
def test_more_of_a_harm_in_the_subject_arm_is_read_as_a_harm(sentence, more):
    assert more_harm(sentence) is more


@pytest.mark.parametrize("sentence", [
    # pmid:11110735 (CALM): the combination beat both asked arms; neither beat the other
    "At 24 weeks the mean reduction in diastolic blood pressure with combination treatment (16.3 mm Hg, P<0.001) "
    "was significantly greater than that with candesartan (10.4 mm Hg, P<0.001) or lisinopril (10.7 mm Hg).",
    "Furthermore, the reduction in urinary albumin:creatinine ratio with combination treatment (50%, 36% to 61%, "
    "P<0.001) was greater than with candesartan (24%, 0% to 43%, P=0.05) and lisinopril (39%, 20% to 54%).",
])
def test_a_third_arm_beating_both_asked_arms_compares_neither(sentence):
    assert third_arm_won(sentence, ["candesartan"], ["lisinopril"])
    assert favoured_arm(sentence, ["candesartan"], ["lisinopril"]) == ""
    assert not third_arm_won("Candesartan was more effective than lisinopril.", ["candesartan"], ["lisinopril"])


def test_a_harm_found_more_often_with_the_comparator_favours_the_asked_arm():
    sentence = ("Amlodipine patients had significantly (P <.001) higher rates of edema (19%) compared with "
                "lercanidipine (9%).")
    assert oriented([sentence], ["lercanidipine"], ["amlodipine"]) == "favours"
    assert oriented([sentence], ["amlodipine"], ["lercanidipine"]) == "against"


@pytest.mark.parametrize("sentence", [
    # pmid:10211146: a gain and then a harm for the subject arm, against the comparator, in one sentence
    "During maintenance, olanzapine-treated patients continued to experience additional improvement, with fewer "
    "EPS but more weight gain than those on haloperidol.",
    "Olanzapine caused fewer headaches but more edema than haloperidol.",
])
def test_a_trade_off_in_one_sentence_favours_neither_arm(sentence):
    assert more_harm(sentence) and traded_off(sentence)
    # the study's other finding decides
    won = "Olanzapine was significantly more effective than haloperidol."
    assert oriented([sentence, won], ["olanzapine"], ["haloperidol"]) == "favours"
    lost = "Haloperidol was significantly more effective than olanzapine."
    assert oriented([sentence, lost], ["olanzapine"], ["haloperidol"]) == "against"


@pytest.mark.parametrize("sentence", [
    "The haloperidol group developed significantly more extrapyramidal side effects than olanzapine.",
    "Amlodipine caused more lower limb edema than lisinopril (p<0.01).",          # "lower" names the limb
    "Warfarin caused more major bleeding than apixaban, with no greater improvement in stroke.",     # no gain
    # the gain told after the harm is the other arm's, and a reduction may be a harm
    "Amlodipine caused more edema than lisinopril, and lisinopril produced a greater improvement in proteinuria.",
    "Olanzapine caused more weight gain than risperidone, with greater reduction in HDL cholesterol.",
])
def test_a_harm_without_a_gain_of_the_same_arm_before_it_is_no_trade_off(sentence):
    assert more_harm(sentence) and not traded_off(sentence)


COMPARATOR_WINS = [
    _rct(6, "Zelodipine versus ramipril in hypertensive kidney disease: a randomised trial",
         "The best first drug for hypertensive kidney disease is unknown.",
         "We randomised 1094 adults with hypertensive kidney disease, double-blind, to zelodipine or ramipril.",
         "Compared with the zelodipine group, the ramipril group had a 38% reduced risk of kidney failure or "
         "death (95% CI 13% to 56%).",
         "Ramipril, compared with zelodipine, significantly slowed kidney disease progression."),
]


def test_a_trial_the_comparator_wins_is_against_the_asked_treatment(tmp_path):
    answer = _answer(COMPARATOR_WINS, "Is zelodipine better than ramipril for hypertensive kidney disease?",
                     tmp_path / "w.db")
    assert answer.verdict.direction == "against"
    assert answer.verdict.answer == "no"


@pytest.mark.parametrize("sentence", [
    "Both zelodipine and ramipril lowered blood pressure.",              # both are subjects
    "With ramipril, values fell from baseline to month 6 (P<0.0001).",    # one arm, within-group
])
def test_a_finding_that_compares_neither_arm_with_the_other_favours_neither(sentence):
    assert favoured_arm(sentence, ["zelodipine"], ["ramipril"]) == ""


PRIMARY_NULL = [
    _rct(7, "Zelodipine versus chlorthalidone as first-step treatment of hypertension: a randomised trial",
         "The best first-step treatment of hypertension is unknown.",
         "We randomised 9048 adults with hypertension, double-blind, to zelodipine or chlorthalidone.",
         "The primary outcome occurred in 912 participants, with no difference between treatments. Zelodipine "
         "significantly reduced diastolic blood pressure compared with chlorthalidone (P < .001).",
         "Zelodipine was well tolerated as a first-step treatment."),
]


def test_the_primary_outcome_decides_a_trial_over_a_secondary_difference(tmp_path):
    studies = _studies(PRIMARY_NULL, "Is zelodipine better than chlorthalidone for hypertension?", tmp_path / "p.db")
    assert studies["pmid:8000007"].direction == "no_difference"


OUTCOME_NULL = [
    _rct(12, "Zeltiazem in dilated cardiomyopathy: a randomised placebo-controlled trial",
         "Calcium antagonists may help dilated cardiomyopathy.",
         "We randomised 186 patients with dilated cardiomyopathy, double-blind, to zeltiazem or placebo for 24 months.",
         "Survival free of transplant listing was 85% with zeltiazem and 80% with placebo (P = .444). Zeltiazem "
         "significantly increased exercise capacity (P = .002).",
         "Zeltiazem improves cardiac function and exercise capacity without deleterious effects on survival."),
]


def test_an_asked_outcome_is_read_from_the_clause_and_the_tests_that_report_it(tmp_path):
    """cohen2006 pmid:9160880 (DiDi): the question asks about living longer; the trial found no difference in
    survival (P = .444) though exercise capacity improved, and its conclusion names survival only in a clause."""
    asked = _studies(OUTCOME_NULL, "Would adding zeltiazem help him live longer?", tmp_path / "o.db")
    assert asked["pmid:8000012"].direction == "no_difference"
    plain = _studies(OUTCOME_NULL, "Does zeltiazem help patients with dilated cardiomyopathy?", tmp_path / "o2.db")
    assert plain["pmid:8000012"].direction == "favours"


SOME_SIGNIFICANT = [
    _rct(13, "Zelozapine versus olanzapine for suicidal behaviour in schizophrenia: a randomised trial",
         "Suicide is a leading cause of death in schizophrenia.",
         "We randomised 980 patients with schizophrenia at high risk of suicide to zelozapine or olanzapine.",
         "Fewer zelozapine-treated patients attempted suicide (34 vs 55; P = .03) or needed anxiolytics (301 vs 331; "
         "P = .32). Few patients died of suicide (5 vs 3; P = .73).",
         "Zelozapine should be considered for patients at high risk of suicide."),
]


def test_a_sentence_of_several_tests_some_significant_is_no_null_finding(tmp_path):
    # cohen2006 InterSePT (pmid:12511378): P = .03 for attempts beside P = .32; deaths P = .73
    studies = _studies(SOME_SIGNIFICANT, "Does zelozapine reduce suicide in schizophrenia?", tmp_path / "s.db")
    assert studies["pmid:8000013"].direction != "no_difference"


PLANNED = [
    _rct(8, "Zelostatin for cardiovascular events: a randomised double-blind trial",
         "Lowering cholesterol may prevent cardiovascular events.",
         "We randomised 1200 adults with hypercholesterolaemia, double-blind, to zelostatin 10 mg or placebo.",
         "Cardiovascular events occurred in 4% with zelostatin and 7% with placebo (p = 0.01).",
         "Zelostatin reduced cardiovascular events."),
    Record(id="pmid:8000009", title="Rationale and design of the ZEST trial of zelostatin in older adults",
           pmid="8000009", year=2003, authors=("Planner P",),
           sections=(Section("OBJECTIVE", "The ZEST trial will test whether zelostatin 10 mg daily prevents "
                                          "cardiovascular events in 4000 adults over 70 years."),
                     Section("METHODS", "Participants will be randomised to zelostatin or placebo and followed "
                                        "for five years."))),
]


def test_a_trial_in_progress_is_cited_under_its_own_heading(tmp_path):
    answer = _answer(PLANNED, "Does zelostatin reduce cardiovascular events?", tmp_path / "t.db")
    subs = {sub.heading: sub for sec in answer.sections for sub in sec.subsections}
    assert "Trials in Progress" in subs
    cited = {answer.references[i - 1].id for st in subs["Trials in Progress"].statements for i in st.citations}
    assert cited == {"pmid:8000009"}
    # A design paper reports no result: it never counts in the verdict or the evidence table.
    assert "pmid:8000009" not in answer.verdict.basis
    assert all(answer.references[row.ref - 1].id != "pmid:8000009" for row in answer.evidence_table)


def test_a_named_trial_held_only_as_its_design_paper_answers_insufficient(tmp_path):
    # "What did the PREVENT trial show?" over a library with only PREVENT's design paper (cohen2006 pmid:9352986):
    # another trial's result is not that trial's.
    named = _answer(PLANNED, "What did the ZEST trial show: does zelostatin prevent cardiovascular events?",
                    tmp_path / "z.db")
    assert named.verdict.direction == "insufficient" and named.verdict.certainty == "very_low"
    assert "design paper of the ZEST trial" in " ".join(named.verdict.reasons)
    plain = _answer(PLANNED, "Does zelostatin reduce cardiovascular events?", tmp_path / "z2.db")
    assert plain.verdict.direction == "favours"


def test_a_protocol_has_no_direction_whatever_its_sentences_lean_to(tmp_path):
    planned = PLANNED[:-1] + [Record(
        id="pmid:8000009", title="Rationale and design of the ZEST trial of zelostatin in older adults",
        pmid="8000009", year=2003, authors=("Planner P",),
        sections=(Section("BACKGROUND", "In a pilot study zelostatin significantly reduced cardiovascular events."),
                  Section("OBJECTIVE", "The ZEST trial will test whether zelostatin 10 mg daily prevents "
                                       "cardiovascular events in 4000 adults over 70 years."),
                  Section("METHODS", "Participants will be randomised to zelostatin or placebo and followed "
                                     "for five years.")))]
    studies = _studies(planned, "Does zelostatin reduce cardiovascular events?", tmp_path / "t2.db")
    assert studies["pmid:8000009"].design == "protocol" and studies["pmid:8000009"].direction == "unclear"


NARROWED = [
    _rct(30, "Zelapine versus haloperidol in schizophrenia and other psychotic disorders: a randomised trial",
         "Antipsychotics differ in tolerability.",
         "We randomised 640 adults with a psychotic disorder to zelapine or haloperidol for 6 weeks.",
         "Zelapine improved the BPRS total score significantly more than haloperidol (p = 0.004).",
         "Zelapine was more effective than haloperidol in schizophrenia."),
    _rct(31, "Zelapine versus haloperidol in cannabis-induced psychotic disorder: a randomised trial",
         "Cannabis use can cause a psychotic disorder.",
         "We randomised 30 patients with cannabis-induced psychotic disorder to zelapine or haloperidol.",
         "There were no significant differences between the two groups on the BPRS (p = 0.70).",
         "Zelapine and haloperidol were equally effective in cannabis-induced psychotic disorder."),
]


def test_a_study_of_the_condition_without_its_narrowing_cause_is_of_another_population(tmp_path):
    """pmid:10435771: "cannabis-induced psychosis" is answered by the trial in that population; the
    trials in schizophrenia at large are indirect (GRADE 5.2.4, population)."""
    question = "Young man with cannabis-induced psychosis: will zelapine work any better than haloperidol?"
    studies = _studies(NARROWED, question, tmp_path / "n.db")
    assert studies["pmid:8000031"].relevance == "direct"
    assert studies["pmid:8000030"].relevance == "indirect" and "population" in studies["pmid:8000030"].differs


EACH_BEATS_PLACEBO = [
    _rct(9, "Zelocoxib versus ibuprofen and placebo in osteoarthritis: a randomised double-blind trial",
         "Selective COX-2 inhibitors may match NSAIDs for pain.",
         "We randomised 809 adults with knee osteoarthritis to zelocoxib 25 mg, ibuprofen 800 mg three times "
         "daily or placebo for 6 weeks.",
         "Both zelocoxib doses and ibuprofen provided significantly greater efficacy than placebo on all primary "
         "end points at 6 weeks.",
         "Zelocoxib was well tolerated."),
]


def test_two_drugs_each_beating_placebo_are_alike_for_an_equivalence_question(tmp_path):
    """"Is A as good as B?" over a trial where A and B each beat placebo: neither beat the other,
    so the trial speaks for equivalence, not for A (pmid:11115219, rofecoxib and ibuprofen)."""
    studies = _studies(EACH_BEATS_PLACEBO, "Is zelocoxib 12.5 or 25 mg as good for pain as ibuprofen?",
                       tmp_path / "e.db")
    assert studies["pmid:8000009"].direction == "no_difference"


def test_a_harm_told_without_a_reporting_cue_does_not_weigh_on_an_effect():
    """The trained reader weighs a trial's effect sentences; "adverse events occurring more often
    with A were ..." is kept for a harms question only, and a harm told with a cue always stays."""
    harm = ("Treatment-emergent adverse events occurring significantly more frequently during zelapine treatment "
            "were somnolence, dry mouth and weight gain.")
    effect = "Median time to remission was significantly shorter for zelapine than for divalproex."
    safe_too = "Zelapine had significantly greater efficacy than placebo and was safe and well tolerated."
    pool = [effect, harm, safe_too]
    assert effect_sentences(parse_question("Is zelapine better than divalproex for mania?"), pool) == [effect, safe_too]
    asked_harm = parse_question("Does zelapine cause more weight gain than divalproex?")
    assert effect_sentences(asked_harm, pool) == pool


def test_a_population_in_open_words_no_study_shares_does_not_make_every_study_indirect(tmp_path):
    """"in the real world": no record says so; the trial is direct evidence, as it is for the question
    without those words. A population the vocabulary knows and no study has stays indirect."""
    studies = _studies(PLANNED[:1], "Does zelostatin reduce cardiovascular events in the real world?", tmp_path / "r.db")
    assert studies["pmid:8000008"].relevance == "direct"
    studies = _studies(PLANNED[:1], "Does zelostatin reduce cardiovascular events in pregnancy?", tmp_path / "p.db")
    assert studies["pmid:8000008"].relevance == "indirect"


def _head_to_head(i: int, results: str) -> Record:
    return _rct(i, "Losartan versus atenolol in essential hypertension: a randomised trial",
                "Which angiotensin blocker or beta-blocker to start first is unsettled.",
                "We randomised 420 adults with essential hypertension, double-blind, to losartan or atenolol for 12 weeks.",
                results, "Both drugs were well tolerated.")


@pytest.mark.parametrize("results, direction", [
    # each arm against its own baseline, no comparison between them: each helped, neither won
    ("Losartan significantly lowered diastolic blood pressure (P < 0.05 vs baseline). Atenolol significantly "
     "lowered systolic blood pressure (P < 0.01 vs baseline).", "no_difference"),
    # a difference between the arms, though measured as change from baseline
    ("Blood pressure fell significantly from baseline with losartan but not with atenolol (P < 0.01).", "favours"),
    ("Losartan was superior to atenolol in the mean change from baseline in blood pressure (P < 0.01).", "favours"),
    ("The reduction in blood pressure from baseline was greater with losartan (P = 0.02).", "favours"),
])
def test_a_change_from_baseline_in_each_arm_is_no_difference_between_the_arms(results, direction, tmp_path):
    studies = _studies([_head_to_head(9, results)], "Is losartan better than atenolol at lowering blood pressure?",
                       tmp_path / "b.db")
    assert studies["pmid:8000009"].direction == direction


def _two_arms(i: int, results: str, methods: str = "We randomised 120 adults with knee osteoarthritis to zelocoxib "
              "200 mg or naproxen 500 mg twice daily for 12 weeks.") -> Record:
    return _rct(i, "Zelocoxib versus naproxen in knee osteoarthritis: a randomised trial",
                "Which anti-inflammatory to choose is unsettled.", methods, results, "Both were well tolerated.")


@pytest.mark.parametrize("results, direction", [
    # the arms' difference told by the groups, the comparator's arm named elsewhere: the head-to-head result
    ("Withdrawals for adverse events were 4 on zelocoxib and 11 on naproxen. The between-group difference in "
     "change in WOMAC pain was 1.6 (95% CI -0.9 to 4.2).", "no_difference"),
    # "between the two groups ... favoured" is one arm against the other, not each arm helping alone
    ("Withdrawals for adverse events were 4 on zelocoxib and 11 on naproxen. The difference between the two "
     "groups in WOMAC pain favoured zelocoxib (p = 0.01).", "favours"),
])
def test_a_between_group_sentence_is_the_head_to_head_result(tmp_path, results, direction):
    studies = _studies([_two_arms(40, results)], "Is zelocoxib as effective as naproxen for knee osteoarthritis?",
                       tmp_path / "g.db")
    assert studies["pmid:8000040"].direction == direction


def test_between_groups_in_a_trial_with_a_placebo_arm_is_not_the_head_to_head_result():
    """With a control arm the groups may be either drug against placebo: the sentence is not read as A vs B."""
    from types import SimpleNamespace
    from evidex.synthesis.evidence import _direction
    query = parse_question("Is zelocoxib as effective as naproxen for knee pain?")
    between = "The between-group difference in pain was 1.6 (95% CI -0.9 to 4.2)."
    findings = lambda *texts: tuple(SimpleNamespace(passage=SimpleNamespace(text=t)) for t in texts)  # noqa: E731
    assert _direction(query, findings("Naproxen 500 mg twice daily was given to 60 patients.", between)) == \
        "no_difference"
    assert _direction(query, findings("Naproxen 500 mg twice daily was given to 60 patients and placebo to 60.",
                                      between)) == "unclear"


def test_an_abstract_whose_roles_hold_no_result_is_read_by_its_reporting_cues(tmp_path):
    """A two-sentence abstract whose result the roles model files as methods ("... but terfenadine was more effective
    than loratadine ...", pmid:7834324 in cohen2006): the sentence a reporting cue reads is its finding."""
    from evidex.synthesis.evidence import _findings
    from evidex.synthesis.relevance import FINDING_ROLES, abstract_roles
    record = Record(id="pmid:8000042", title="Loratadine versus terfenadine in perennial allergic rhinitis",
                    pmid="8000042", year=1995,
                    sections=(Section("", "We studied 30 patients with perennial allergic rhinitis given loratadine "
                                          "or terfenadine for 21 days. Two patients had side effects with "
                                          "terfenadine, but terfenadine was more effective than loratadine in "
                                          "reducing skin reactivity."),))
    store, _ = build_store([record], tmp_path / "f.db")
    try:
        query = parse_question("Is loratadine as good as terfenadine for perennial allergic rhinitis?")
        candidate = next(c for c in retrieve(store, query) if c.stored.record.id == "pmid:8000042")
        roles = abstract_roles(candidate)
        assert not set(roles.values()) & set(FINDING_ROLES)      # the model's reading
        assert [p.text for p in _findings(query, candidate, roles)] == [candidate.passages[-1].text]
        # where the roles model does find a result, only that result counts
        first = min(roles)
        assert _findings(query, candidate, {**roles, first: "results"}) == [candidate.passages[1]]
    finally:
        store.close()
