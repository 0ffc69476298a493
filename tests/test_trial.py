"""Evidence-table facts (enrich/trial.py) on real abstract text: n, arms, comparator, outcome, effect.

Sentences are quoted from cohen2006 abstracts (PMIDs given), the LDN dev corpus and seed 004.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from evidex.enrich.numbers import sample_size, word_to_int
from evidex.enrich.trial import Fact, TrialFacts, trial_facts
from evidex.ingest import iter_file
from evidex.records import Record, Section
from evidex.synthesis.faithfulness import unsupported_numbers
from evidex.text import passages_of

from .conftest import need_data

# pmid:11356434 (CAPRICORN), methods and results as cohen2006 gives them
CAPRICORN = Record("pmid:11356434", "Effect of carvedilol on outcome after myocardial infarction in patients with "
                   "left-ventricular dysfunction: the CAPRICORN randomised trial.", (
    Section("METHODS", "In a multicentre, randomised, placebo-controlled trial, 1959 patients with a proven acute "
            "myocardial infarction and a left-ventricular ejection fraction of </=40% were randomly assigned 6.25 mg "
            "carvedilol (n=975) or placebo (n=984). The primary endpoint was all-cause mortality or hospital "
            "admission for cardiovascular problems."),
    Section("FINDINGS", "Although there was no difference between the carvedilol and placebo groups in the number "
            "of patients with the primary endpoint (340 [35%] vs 367 [37%], hazard ratio 0.92 [95% CI 0.80-1.07]), "
            "all-cause mortality alone was lower in the carvedilol group than in the placebo group (116 [12%] vs 151 "
            "[15%], 0.77 [0.60-0.98], p=0.03)."),
))


def facts(record: Record, hint: str = "") -> TrialFacts:
    return trial_facts(record, passages_of(record), hint)


def stated(n: int, text: str) -> bool:
    """n is written in text, in digits (with or without thousands separators) or in words."""
    for m in re.finditer(r"\d{1,3}(?:[, \u2009]\d{3})+|\d+|[A-Za-z]+(?:[- ](?:and[- ])?[A-Za-z]+)*", text):
        if word_to_int(m.group(0)) == n:
            return True
        words = m.group(0).split()
        for i in range(len(words)):
            for j in range(i + 1, len(words) + 1):
                if word_to_int(" ".join(words[i:j])) == n:
                    return True
    return False


def assert_faithful(record: Record, t: TrialFacts) -> None:
    by_seq = {p.seq: p.text for p in passages_of(record)}
    for f in (*t.arms, t.comparator, t.outcome, t.effect):
        if f is not None:
            assert not unsupported_numbers(f.text, [by_seq[f.seq]]), (f, by_seq[f.seq])
    if t.n is not None and t.n_parts:   # a total the passage gives by arm or by sex: each part written
        assert sum(t.n_parts) == t.n and all(stated(x, by_seq[t.n_seq]) for x in t.n_parts), (t, by_seq[t.n_seq])
    elif t.n is not None:
        assert stated(t.n, by_seq[t.n_seq]), (t.n, by_seq[t.n_seq])


# -- n ---------------------------------------------------------------------------------

def test_capricorn_n_is_the_randomised_total_not_the_dose():
    t = facts(CAPRICORN)
    assert t.n == 1959                      # not 6 from "assigned 6.25 mg"
    assert sample_size(" ".join(s.text for s in CAPRICORN.sections)) == (1959, "1959 patients")
    assert_faithful(CAPRICORN, t)


@pytest.mark.parametrize("sentence, n", [
    # pmid:(cohen2006 SkeletalMuscleRelaxants) cyclobenzaprine combination trials
    ("One thousand four hundred five patients (737 study 1; 668 study 2), two thirds with low back pain and one "
     "third with neck pain, were randomized to treatment.", 1405),
    ("Four hundred five patients were randomized to treatment.", 405),
    ("Two hundred sixty-eight patients with GERD were recruited and randomly assigned to omeprazole sodium, 20 mg "
     "once daily, or ranitidine hydrochloride, 150 mg twice daily.", 268),
    ("We identified 52 RCTs, 12,649 patients, that compared the drugs.", 12649),
    ("Fifty-two trials (12 649 participants) met the inclusion criteria.", 12649),
    ("In 1959 patients with a mean LVEF of 33%, treatment with carvedilol reduced total mortality.", 1959),
    ("Ninety-five per cent of patients consumed more than 95% of prescribed medications.", None),
])
def test_n_words_separators_and_years(sentence, n):
    assert sample_size(sentence)[0] == n


def test_total_beats_a_subgroup_stated_first():
    record = Record("t:1", "", (Section("RESULTS", "Of these, 44 patients had positive biopsy findings. A total of "
                                        "120 patients were randomised to naltrexone or placebo."),))
    t = facts(record)
    assert t.n == 120 and passages_of(record)[t.n_seq].text.startswith("A total of 120")
    assert sample_size(record.sections[0].text)[0] == 120


def test_sample_size_and_trial_facts_agree_on_the_ldn_corpus():
    path = need_data("ldn", "dev_corpus.jsonl")
    for rec in (r for r in iter_file(path) if isinstance(r, Record) and r.sections):
        t = facts(rec)
        assert t.n == sample_size(" ".join(s.text for s in rec.sections))[0], rec.id
        assert_faithful(rec, t)


# -- arms and comparator ----------------------------------------------------------------

def test_comparator_not_in_any_list_haloperidol():
    # pmid:10435771 (cohen2006 AtypicalAntipsychotics)
    rec = Record("pmid:10435771", "", (Section("", "In this study, 30 patients meeting DSM-IV criteria for cannabis "
                 "induced psychotic disorder were randomly allocated to receive either olanzapine or haloperidol in a "
                 "4-week double-blind clinical trial."),))
    t = facts(rec, "atypical antipsychotics")
    assert [a.text for a in t.arms] == ["olanzapine"] and t.comparator.text == "haloperidol"
    assert t.n == 30
    assert_faithful(rec, t)


def test_comparator_not_in_any_list_oxybutynin_with_doses():
    # pmid:10543335 (cohen2006 UrinaryIncontinence)
    rec = Record("pmid:10543335", "", (Section("", "This study compared the clinical efficacy (determined from "
                 "micturition diaries) and safety of 12 weeks' treatment with either tolterodine 2 mg twice daily, "
                 "oxybutynin 5 mg three times daily or placebo in patients with an overactive bladder."),))
    t = facts(rec)
    arms = [a.text for a in t.arms]
    assert "tolterodine 2 mg" in arms and "oxybutynin 5 mg" in arms
    assert t.comparator.text == "placebo"
    assert_faithful(rec, t)


def test_active_comparator_with_dose_and_hint():
    rec = Record("t:2", "Pantoprazole 40 mg/day versus omeprazole 20 mg/day in reflux esophagitis", ())
    t = facts(rec, "proton pump inhibitors")
    assert t.comparator is not None and t.comparator.text.startswith("omeprazole 20 mg")
    assert t.arms and t.arms[0].text.startswith("Pantoprazole 40 mg")
    assert_faithful(rec, t)


# -- outcome and effect ---------------------------------------------------------------

def test_primary_outcome_and_effect_with_ci_not_a_lone_bound():
    t = facts(CAPRICORN)
    assert t.outcome.text.startswith("all-cause mortality or hospital admission")
    assert t.effect.text == "HR 0.92 (95% CI 0.80\u20131.07)"
    rec = Record("t:3", "", (Section("RESULTS", "The relative risk reduction was 45% (95% CI -93.6% to -12.1%), "
                                     "odds ratio 0.55 (95% CI 0.30 to 0.92)."),))
    eff = facts(rec).effect.text
    assert eff.startswith("OR 0.55") and "-93.6" not in eff.split("(")[0]


def test_before_after_scores_become_an_arrow():
    # seed 004's case, the NRS change written in one sentence
    rec = Record("t:4", "", (Section("CASE", "After LDN was started his pain fell from 8-10 to 5-6 on the Numeric "
                                     "Rating Scale (NRS)."),))
    t = facts(rec)
    assert t.effect.text == "8\u201310 \u2192 5\u20136"
    assert_faithful(rec, t)


def test_every_fact_is_a_fact():
    t = facts(CAPRICORN)
    assert all(isinstance(f, Fact) for f in (*t.arms, t.comparator, t.outcome, t.effect) if f is not None)
    assert t.comparator.text == "placebo"


# -- the primary outcome and its result (enrich/outcome.py, enrich/effect.py) ------------

def test_appositive_primary_endpoint_and_respectively_figures():
    # pmid:10817444 (cohen2006 Triptans)
    rec = Record("pmid:10817444", "", (Section("", "The all-treated analysis included 1058 patients who took study "
                 "medication. The primary endpoint, complete headache response, was reported by 39%, 38% and 32% of "
                 "patients treated with zolmitriptan, sumatriptan and placebo, respectively, with no significant "
                 "difference between treatment groups. In patients with moderate headache at baseline, complete "
                 "response was significantly greater following zolmitriptan than after placebo (48% vs. 27%; P=0.01)."),))
    t = facts(rec)
    assert t.outcome.text == "complete headache response"
    assert t.effect.text == "39%, 38% and 32%"          # the primary outcome's result, not the subgroup's p
    assert_faithful(rec, t)


def test_outcome_named_after_and_its_p():
    # pmid:12167135 (cohen2006 SkeletalMuscleRelaxants)
    rec = Record("pmid:12167135", "", (Section("", "Overall headache index ([headache days x average intensity x "
                 "duration in hours]/28 days) was the primary end point. Tizanidine was shown to be superior to placebo "
                 "in reducing the overall headache index (P =.0025), as well as mean headache days per week "
                 "(P =.0193)."),))
    t = facts(rec)
    assert t.outcome.text == "Overall headache index"
    assert "P =.0025" in t.effect.text and ".0193" not in t.effect.text
    assert_faithful(rec, t)


def test_first_primary_endpoint_result_beats_the_composite():
    # pmid:12853193 (COMET, cohen2006 BetaBlockers)
    rec = Record("pmid:12853193", "", (
        Section("METHODS", "The primary endpoints were all-cause mortality and the composite endpoint of all-cause "
                "mortality or all-cause admission."),
        Section("FINDINGS", "The all-cause mortality was 34% (512 of 1511) for carvedilol and 40% (600 of 1518) for "
                "metoprolol (hazard ratio 0.83 [95% CI 0.74-0.93], p=0.0017). The composite endpoint of mortality or "
                "all-cause admission occurred in 1116 (74%) of 1511 on carvedilol and in 1160 (76%) of 1518 on "
                "metoprolol (0.94 [0.86-1.02], p=0.122).")))
    t = facts(rec)
    assert t.outcome.text == "all-cause mortality"
    assert t.effect.text == "HR 0.83 (95% CI 0.74\u20130.93), p=0.0017"
    assert_faithful(rec, t)


def test_lancet_two_sided_p_and_an_outcome_from_the_result_sentence():
    # pmid:7661937 (ISIS-4, cohen2006 ACEInhibitors)
    rec = Record("pmid:7661937", "", (Section("RESULTS", "Captopril There was a significant 7% (SD 3) proportional reduction "
                 "in 5-week mortality (2088 [7.19%] captopril-allocated deaths vs 2231 [7.69%] placebo; 2p = 0.02), "
                 "which corresponds to an absolute difference of 4.9 SD 2.2 fewer deaths per 1000 patients treated "
                 "for 1 month."),))
    t = facts(rec)
    assert "2p = 0.02" in t.effect.text and "2088" in t.effect.text
    assert t.outcome.text == "5-week mortality"
    assert_faithful(rec, t)


def test_a_duration_is_not_the_total_and_a_dose_may_precede_its_drug():
    # pmid:10090440 (cohen2006 Antihistamines); pmid:26702161 (pubmed_xml)
    rec = Record("pmid:10090440", "", (Section("", "After receiving placebo for 1 week, patients were randomly "
                 "allocated to receive an antihistamine (fexofenadine or loratadine) for 2 weeks."),))
    assert facts(rec).n != 1
    rec = Record("pmid:26702161", "Melatonin premedication versus placebo in wisdom teeth extraction: a randomised "
                 "controlled trial.", (Section("METHODS", "The patients received either 6 mg melatonin or a placebo 90 "
                                               "minutes before surgery."),))
    t = facts(rec)
    assert [a.text for a in t.arms] == ["6 mg melatonin"] and t.comparator.text == "placebo"
    assert_faithful(rec, t)


def test_every_number_stays_in_its_passage_on_real_abstracts():
    path = need_data("cohen2006", "BetaBlockers.csv")
    recs = [r for r in iter_file(path) if isinstance(r, Record) and r.sections][:300]
    for rec in recs:
        assert_faithful(rec, facts(rec, "beta blockers"))


def test_every_arm_of_a_three_way_title_and_an_unlisted_name_beside_placebo():
    # pmid:11791949 (cohen2006 ADHD); pmid:40214857 (LDN dev corpus, FINAL)
    rec = Record("pmid:11791949", "Bupropion SR vs. methylphenidate vs. placebo for attention deficit hyperactivity "
                 "disorder in adults.", ())
    t = facts(rec)
    assert [a.text for a in t.arms] == ["Bupropion SR", "methylphenidate"] and t.comparator.text == "placebo"
    rec = Record("pmid:40214857", "", (Section("METHODS", "In the FINAL trial, which was randomized and "
                 "placebo-controlled, 99 women with fibromyalgia received LDN or placebo for 12 weeks."),))
    t = facts(rec)
    assert [a.text for a in t.arms] == ["LDN"] and t.comparator.text == "placebo" and t.n == 99


def test_a_title_without_the_experimental_name_yields_to_the_allocation():
    # pmid:11012468 (cohen2006 ProtonPumpInhibitors)
    rec = Record("pmid:11012468", "Esomeprazole improves healing and symptom resolution as compared with omeprazole in "
                 "reflux oesophagitis patients: a randomized controlled trial.", (Section("", "1960 patients with "
                 "endoscopy-confirmed reflux oesophagitis (RO) were randomized to once daily esomeprazole 40 mg (n=654) "
                 "or 20 mg (n=656), or omeprazole 20 mg (n=650), the standard recommended dose for RO, for up to 8 "
                 "weeks in a US, multicentre, double-blind trial."),))
    t = facts(rec, "proton pump inhibitors")
    assert [a.text for a in t.arms] == ["esomeprazole 40 mg", "esomeprazole 20 mg"]
    assert t.comparator.text == "omeprazole 20 mg" and t.n == 1960
    assert_faithful(rec, t)


def test_an_abbreviated_outcome_is_spelled_out_from_the_abstract():
    # pmid:40214857 (LDN dev corpus, FINAL trial secondary analysis)
    rec = Record("pmid:40214857", "", (
        Section("METHODS", "This secondary analysis examined possible effects of LDN compared with placebo on change "
                "from baseline in conditioned pain modulation (CPM), temporal summation of pain, and pain tolerance."),
        Section("RESULTS", "Among the five outcomes examined, only change in CPM differed significantly between groups, "
                "with LDN producing greater enhancement than placebo (difference 2.0 kPa; 95% confidence limits 0.4 to "
                "3.7 kPa).")))
    t = facts(rec)
    assert "conditioned pain modulation (CPM)" in t.outcome.text
    assert t.effect.text.startswith("difference 2.0")
    assert_faithful(rec, t)
