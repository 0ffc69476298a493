"""Evidence-table facts, general reporting-language rules (issue 9 item 6): n, arms, comparator,
primary outcome and effect read as CONSORT 2010 asks a report to state them.

Sentences are quoted (or lightly shortened) from cohen2006, LDN dev corpus and PubMed abstracts;
each test names the rule, not the study, and fails without the rule it covers.
"""
from __future__ import annotations

import re

import pytest

from evidex.enrich.numbers import sample_size
from evidex.enrich.trial import TrialFacts, trial_facts
from evidex.records import Record, Section
from evidex.synthesis.faithfulness import unsupported_numbers
from evidex.text import passages_of


def facts(title: str, *sentences: str, hint: str = "") -> tuple[Record, TrialFacts]:
    rec = Record("t:1", title, tuple(Section("", s) for s in sentences))
    t = trial_facts(rec, passages_of(rec), hint)
    by_seq = {p.seq: p.text for p in passages_of(rec)}
    for f in (*t.arms, t.comparator, t.outcome, t.effect):   # faithfulness: every number in its passage
        if f is not None:
            assert not unsupported_numbers(f.text, [by_seq[f.seq]]), (f, by_seq[f.seq])
    return rec, t


# -- n ------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, n", [
    # describing words between the count and the people-word, with commas or a bracketed label
    ("One hundred five ambulatory, nondemented, community-dwelling women; mean age 67.0 (range 55-91).", 105),
    ("Following a 7-day placebo lead-in, 30 ADHD (DSM-IV) subjects (18-60 years old) were randomized to "
     "bupropion, methylphenidate, or placebo for 7 weeks.", 30),
    # the sample left after screening, not the screened count
    ("The authors identified 59 patients who had been treated for at least four weeks. Of these 59, 30 were "
     "included: those with a baseline pain score of 4 or more.", 30),
    ("The charts of 385 patients (115 male, 270 female) were reviewed. Forty-one (41) patients met every "
     "inclusion criterion and completed the questionnaire both before and after.", 41),
])
def test_n_describing_words_and_included_sample(text, n):
    assert sample_size(text)[0] == n


def test_n_window_never_cuts_a_number_word():
    # the count sits more than 60 characters before its people-word
    text = "Two hundred five ambulatory, nondemented, community-dwelling women; mean age 67.0."
    assert sample_size(text)[0] == 205


# -- effect -------------------------------------------------------------------------------

def test_effect_is_the_between_group_test_not_a_within_group_p():
    _, t = facts("Oral drug versus placebo in scarring alopecia: a randomized controlled trial",
                 "Patients were randomly assigned to oral drug (3 mg) or placebo for 6 months.",
                 "Activity index scores followed a declining pattern, which was statistically significant within the "
                 "drug group (p = .001), nearly reached significance in the placebo group (p = .060), and was not "
                 "significant between groups (p = .813).")
    assert t.effect is not None and t.effect.text == "was not significant between groups (p = .813)"


def test_a_range_is_not_a_before_after_change():
    _, t = facts("Effectiveness and cost of drug A and drug B: a randomized controlled trial",
                 "Patients were randomly assigned to receive drug A or drug B for 12 months.",
                 "Drug A was associated with significantly greater costs, ranging from 3000 dollars to 9000 dollars "
                 "annually.")
    assert t.effect is None or "\u2192" not in t.effect.text


# -- primary outcome ----------------------------------------------------------------------

def test_primary_endpoint_from_the_methods_not_the_conclusion_and_a_composite_kept_whole():
    from evidex.enrich.outcome import named_outcome
    sentences = ["We randomly assigned patients drug A, or diuretics, beta-blockers, or both.",
                 "The combined primary endpoint was fatal and non-fatal stroke, myocardial infarction, and other "
                 "cardiovascular death.",
                 "Drug A was as effective as diuretics in preventing the combined primary endpoint of all stroke, "
                 "myocardial infarction, and other cardiovascular death."]
    rec = Record("t:1", "", tuple(Section("", s) for s in sentences))
    body = passages_of(rec)
    roles = ["methods", "methods", "conclusions"]
    assert named_outcome(body, roles).text == ("fatal and non-fatal stroke, myocardial infarction, and other "
                                               "cardiovascular death")
    # read alone, the conclusion's "primary endpoint of X, Y, and Z" keeps the whole list
    assert named_outcome(body[2:]).text == "all stroke, myocardial infarction, and other cardiovascular death"


@pytest.mark.parametrize("sentence, outcome", [
    ("The a priori primary efficacy measure was the change in score from baseline to endpoint on the conduct "
     "problem subscale of the Nisonger Child Behavior Rating Form.",
     "change in conduct problem subscale of the Nisonger Child Behavior Rating Form"),
    ("The primary efficacy variable was the mean change from baseline to week 12 in HbA1c.", "change in HbA1c"),
    ("Development and time to occurrence of atrial fibrillation in one 12-lead ECG recorded at the outpatient "
     "visits was the primary end point of this investigation.",
     "Development and time to occurrence of atrial fibrillation"),
])
def test_primary_outcome_phrasings(sentence, outcome):
    _, t = facts("", sentence)
    assert t.outcome is not None and t.outcome.text.startswith(outcome), t.outcome


def test_a_rate_per_thousand_names_its_outcome_and_a_time_is_not_one():
    from evidex.enrich.outcome import clean, outcome_of_sentence
    rec = Record("t:1", "", (Section("", "Cardiovascular morbidity rates per 1000 persons per year were similar in "
                                         "the two groups (27.8 and 26.8, respectively; P=0.923)."),))
    assert outcome_of_sentence(passages_of(rec)[0]).text == "Cardiovascular morbidity rates"
    assert clean("of LDL cholesterol") == "LDL cholesterol"
    from evidex.enrich.outcome import _usable
    assert not _usable("at least 4 weeks after therapy had ended")


def test_side_effects_are_the_outcome_only_when_nothing_else_is_measured():
    from evidex.enrich.outcome import measured_outcome
    rec = Record("t:1", "", (Section("", "Thirty-four patients were analysed. Severity scores followed a declining "
                                         "pattern in both groups. Side effects attributable to the drug did not "
                                         "differ between the groups."),))
    body = passages_of(rec)
    assert measured_outcome(body, ["results"] * len(body)).text == "Severity scores"


# -- arms and comparator --------------------------------------------------------------------

def test_semicolon_arm_list_with_doses_and_the_arm_others_are_compared_with():
    _, t = facts("Major outcomes in patients randomized to angiotensin-converting enzyme inhibitor or calcium channel "
                 "blocker vs diuretic",
                 "Participants were randomly assigned to receive chlorthalidone, 12.5 to 25 mg/d (n = 15 255); "
                 "amlodipine, 2.5 to 10 mg/d (n = 9048); or lisinopril, 10 to 40 mg/d (n = 9054) for planned follow-up "
                 "of approximately 4 to 8 years.",
                 "Compared with chlorthalidone (6-year rate, 11.5%), the relative risks were 0.98 (95% CI, 0.90-1.07) "
                 "for amlodipine and 0.99 (95% CI, 0.91-1.08) for lisinopril.", hint="calcium channel blockers")
    assert t.comparator.text == "chlorthalidone, 12.5 to 25 mg/d"
    assert [a.text for a in t.arms] == ["amlodipine, 2.5 to 10 mg/d", "lisinopril, 10 to 40 mg/d"]


def test_double_dummy_arms_and_the_primary_comparison():
    _, t = facts("Inhaled combined drug A as needed in mild asthma",
                 "Patients were randomly assigned to one of three regimens: twice-daily placebo plus terbutaline "
                 "(0.5 mg) used as needed (terbutaline group), twice-daily placebo plus budesonide-formoterol (200 "
                 "\u03bcg of budesonide and 6 \u03bcg of formoterol) used as needed, or twice-daily budesonide "
                 "(200 \u03bcg) plus terbutaline used as needed (budesonide maintenance group).",
                 "The primary objective was to investigate the superiority of as-needed budesonide-formoterol to "
                 "as-needed terbutaline with regard to weeks with well-controlled asthma.",
                 "Budesonide-formoterol was inferior to budesonide maintenance therapy (odds ratio, 0.64; 95% CI, "
                 "0.57 to 0.73).")
    assert t.comparator.text == "terbutaline 0.5 mg"
    assert "placebo" not in " ".join(a.text for a in t.arms)


@pytest.mark.parametrize("sentence, arms, comparator", [
    # doses of one drug stay one arm; the dosed allocation beats the title's undosed names
    ("Patients were randomized to receive placebo, 200 microg of misoprostol 4 times a day, or 15 or 30 mg of "
     "lansoprazole once daily for 12 weeks.", "15 or 30 mg of lansoprazole", "placebo"),
    # a number word before "treatment groups" is not an arm
    ("Patients were assigned randomly to one of five treatment groups: placebo; celecoxib 50 mg twice/day, 100 mg "
     "twice/day, and 200 mg twice/day; and naproxen 500 mg twice/day.", "celecoxib 50 mg", "placebo"),
    # a bracket that closes an aside ends the list read after "receiving"; "to receive either" starts one
    ("We randomly assigned 8076 patients who were at least 50 years of age (or at least 40 years of age and "
     "receiving long-term glucocorticoid therapy) and who had rheumatoid arthritis to receive either 50 mg of "
     "rofecoxib daily or 500 mg of naproxen twice daily.", "50 mg of rofecoxib", "500 mg of naproxen"),
])
def test_allocation_sentence_arms(sentence, arms, comparator):
    _, t = facts("Drug A vs drug B: a double-blind, randomized, active- and placebo-controlled study", sentence)
    assert arms in [a.text for a in t.arms] and t.comparator.text == comparator, (t.arms, t.comparator)


def test_a_bracketed_choice_is_one_arm_and_an_aside_clause_lists_none():
    _, t = facts("", "After receiving placebo for 1 week, patients were randomly allocated to receive an antihistamine "
                     "(fexofenadine or loratadine) for 2 weeks.")
    assert [a.text for a in t.arms] == ["antihistamine"] and t.comparator is None
    _, t = facts("", "For chronic pain, the drug has typically been given at 4.5 mg per day, although effective doses "
                     "are also reported to span 0.1\u20134.5 mg daily.")
    assert t.comparator is None


def test_a_statistic_in_words_keeps_its_bracket_and_a_group_size_is_not_a_result():
    from evidex.enrich.effect import effect_text
    from evidex.records import Passage

    def eff(t: str) -> str:
        return effect_text(Passage("t", 0, "", 0, len(t), t))
    assert eff("Bleeding recurrence was less frequent in the treated patients (Kaplan Meier analysis p < 0.01).") \
        == "Bleeding recurrence was less frequent in the treated patients (Kaplan Meier analysis p < 0.01)"
    assert eff("Isovolumic relaxation time became more normal, and deceleration time prolonged (all P<0.001).") \
        .endswith("deceleration time prolonged (all P<0.001)")
    assert eff("Hematocrit rose significantly in group II (n = 42, p < 0.001) with treatment.") \
        == "Hematocrit rose significantly in group II (n = 42, p < 0.001)"   # read whole, not from "42"


@pytest.mark.parametrize("sentences, outcome", [
    (["The primary end point for each patient was a doubling of the baseline creatinine."],
     "doubling of the baseline creatinine"),
    # a result's subject that is a treatment is not the outcome; "in the X group" is not part of one
    (["Patients were randomly assigned to oral acetazolamide, 500 mg, or artificial tears.",
      "Intraocular pressure was measured at 4 and 24 hours.",
      "At 4 to 6 hours, only preoperative acetazolamide was significantly more effective than the control "
      "medication (P = .038)."], "Intraocular pressure"),
    (["Patients were randomly assigned to drug A or placebo.",
      "In the active treatment group cardiac output rose (P<0.05)."], "cardiac output"),
])
def test_outcome_readings(sentences, outcome):
    _, t = facts("", *sentences)
    assert t.outcome is not None and t.outcome.text == outcome, t


@pytest.mark.parametrize("sentence, outcome", [
    ("This randomized, double-blind, placebo-controlled study had as a primary end point achievement of blood "
     "pressure <130/85 mm Hg.", "achievement of blood pressure <130/85 mm Hg"),
    ("The trial ran with weight loss at one year as the primary outcome.", "weight loss at one year"),
    # a missing full stop before "Secondary end points"
    ("The primary end point was the time needed to achieve adequate pain relief Secondary end points were other "
     "symptoms (nausea, tiredness), quality of life and patient satisfaction.",
     "time needed to achieve adequate pain relief"),
    ("Primary outcome measures were effects on ventricular rate control and proportion of patients restored to sinus "
     "rhythm at 6 h after initiation of treatment.",
     "ventricular rate control and proportion of patients restored to sinus rhythm at 6 h"),
])
def test_more_primary_outcome_phrasings(sentence, outcome):
    _, t = facts("", sentence)
    assert t.outcome is not None and t.outcome.text == outcome, t.outcome


def test_effect_between_groups_not_against_baseline_and_the_estimate_its_interval_belongs_to():
    _, t = facts("", "We did a double-blind, randomised trial to compare placebo and carvedilol for 6 months.",
                 "The primary endpoint was change in LVEF.",
                 "LVEF was unchanged with placebo (mean change -0.4 [SE 0.9]) but increased with carvedilol (2.5 [0.9]; "
                 "p<0.0001 compared with baseline).",
                 "Mean placebo-subtracted change in LVEF was 3.2% (95% CI 1.8-4.7; p=0.0001) overall.")
    assert t.effect.text == "Mean placebo-subtracted change in LVEF was 3.2% (95% CI 1.8-4.7; p=0.0001)"


def test_effect_other_group_after_a_label_and_an_interval_in_percent_words():
    from evidex.enrich.effect import effect_text
    from evidex.records import Passage
    text = ("The mean times needed for titration were 2.1 (95% CI; 1.4-2.7) days using immediate-release morphine "
            "and 1.7 (95% CI; 1.1-2.3) days using sustained-release morphine.")
    assert "1.7 (95% CI; 1.1-2.3)" in effect_text(Passage("t", 0, "", 0, len(text), text))
    text = "Recurrence was less frequent (adjusted hazard ratio, 9.6; 95 percent confidence interval, 1.2 to 76.1)."
    assert effect_text(Passage("t", 0, "", 0, len(text), text)) == "HR 9.6 (95% CI 1.2\u201376.1)"


def test_a_background_treatment_list_is_not_the_single_arm():
    _, t = facts("Use of low-dose naltrexone in the management of neuropathic pain: a retrospective case series",
                 "The pain is usually treated with several classes of medication, including tricyclic antidepressants "
                 "and antiseizure medications.",
                 "The study used the records of twenty-one patients who had been prescribed the drug.")
    assert not any("antidepressant" in a.text for a in t.arms)


def test_eyes_and_lesions_are_units_of_analysis_not_people():
    assert sample_size("The study group comprised 1852 eyes and the control group, 2228 eyes.")[0] is None
    assert sample_size("Forty-six eyes of 31 children had a complete follow-up of 5 years or more.")[0] == 31


def test_every_groups_figures_beat_a_bare_test_of_their_difference():
    _, t = facts("Drug A vs. drug B vs. placebo for attention deficit hyperactivity disorder in adults",
                 "Thirty subjects were randomized to drug A, drug B, or placebo for 7 weeks.",
                 "Response rates based on Clinical Global Impression improvement ratings in patients receiving drug A, "
                 "drug B, and placebo were 64, 50, and 27%, respectively.",
                 "The difference in response rates between active treatment and placebo was not statistically "
                 "significant (p = 0.14).")
    assert t.effect.text == "64, 50, and 27%"
    assert t.outcome.text == "Response rates based on Clinical Global Impression improvement ratings"


def test_baseline_comparability_is_not_the_effect_and_a_test_statistic_is_not_a_figure():
    _, t = facts("", "Patients were randomly assigned to drug A or drug B.",
                 "Both groups were similar with respect to age (30.7 +/- 8.9 years v 32.7 +/- 9.9 years; P =.59) and "
                 "female sex (73% v 71%; P =.91).",
                 "The median time to first remission was 8 weeks for drug A vs 12 weeks for drug B (chi(2)(1)=5.56, "
                 "p=0.02).")
    assert t.effect.text.endswith("8 weeks for drug A vs 12 weeks for drug B (chi(2)(1)=5.56, p=0.02)")


@pytest.mark.parametrize("sentence, effect", [
    ("Mean BP in the intensive group was 128 +/- 0.8/75 +/- 0.3 mm Hg versus 137 +/- 0.7/81 +/- 0.3 mm Hg in the "
     "moderate group, P < 0.0001.", "128 +/- 0.8/75"),          # a mean's spread is not where its figure starts
    ("Median times to recurrence were 15.6 hours after drug A and 10.3 hours after placebo (p = 0.006).",
     "Median times to recurrence were 15.6 hours"),             # a short clause is kept whole
])
def test_effect_starts_where_the_figure_or_clause_does(sentence, effect):
    from evidex.enrich.effect import effect_text
    from evidex.records import Passage
    assert effect_text(Passage("t", 0, "", 0, len(sentence), sentence)).startswith(effect)


def test_an_aim_outcome_stops_before_its_population():
    _, t = facts("", "The current study evaluated the effect of intensive versus moderate blood pressure control on "
                     "diabetic vascular complications in 480 normotensive type 2 diabetic patients.")
    assert t.outcome.text == "diabetic vascular complications"


def test_one_sex_is_a_part_not_the_total():
    # "34 girls were enrolled" would score as an enrolment; it is one sex of the group
    assert sample_size("In the placebo group, 27 boys and 34 girls were enrolled. Overall, 121 children took "
                       "part.")[0] == 121


@pytest.mark.parametrize("sentences, arms, comparator", [
    # a dosing description ("given twice daily at ...") lists no arms; a verb ends an arm's name
    (["When given twice daily at dosages of between 80 and 160 mg/day, ziprasidone produced significantly greater "
      "improvements in overall symptomatology than placebo."], None, "placebo"),
    # an enumerated list: "1) placebo, 2) ..."
    (["Participants were assigned randomly to one of three groups: 1) placebo, 2) daily conjugated equine "
      "estrogens, 3) conjugated equine estrogens plus cyclical medroxyprogesterone acetate."],
     "conjugated equine estrogens", "placebo"),
    # a statistic in brackets before "than placebo" is not an arm
    (["Those randomized to medroxyprogesterone acetate reported less perceived weight gain (OR 0.61-0.69) than "
      "placebo."], None, None),
    # "when compared with placebo" does not make the words before it an arm
    (["Both drugs significantly inhibited the flare and wheal responses at 2 h after the oral administration when "
      "compared with placebo."], None, None),
    (["The study group consisted of 33 patients who received randomized metoprolol or enalapril monotherapy."],
     "metoprolol", "enalapril monotherapy"),
])
def test_arm_names_are_treatments(sentences, arms, comparator):
    _, t = facts("", *sentences)
    names = [a.text for a in t.arms]
    assert not any(re.search(r"produced|responses|OR 0|randomized|\)", a) for a in names), names
    if arms:
        assert arms in names, names
    if comparator:
        assert t.comparator is not None and t.comparator.text == comparator, t.comparator


def test_a_rebuilt_arm_never_joins_a_name_number_to_its_dose():
    # "COER-24 (480 mg)" rebuilt as "COER-24 480 mg" would read as the number 24 480
    _, t = facts("", "Patients were randomized to (1) COER-24 (480 mg), (2) amlodipine 5 mg, or (3) placebo (n = 75).")
    assert all("24 480" not in a.text for a in t.arms)


@pytest.mark.parametrize("text, n", [
    ("Both studies were randomized trials with similar designs and included three active treatments.", None),
    ("The analysis used pooled data from 2 recent, independently conducted, multicenter, double-blind, randomized, "
     "controlled trials of older patients.", None),
    ("The aim was to assess drug A, a selective cyclooxygenase-2 inhibitor and drug B in a randomised, double blind "
     "trial in 90 patients with osteoarthritis.", 90),
])
def test_treatments_trials_and_a_names_digit_are_not_people(text, n):
    assert sample_size(text)[0] == n


@pytest.mark.parametrize("text, n", [
    ("Four thousand, six hundred and ninety-five patients were randomly assigned to active treatment.", 4695),
    ("Sixty type 2 diabetic patients were randomized to take drug A 30 mg/day or drug B 10 mg/day.", 60),
    ("Finally, two thirds of children given community care received stimulants.", None),
    ("In this pooled analysis, 348 subjects from 3 randomized, double-blind, parallel-group, active- or "
     "placebo-controlled studies were used.", 348),
    ("Epidural analgesia was started according to two randomly assigned protocols.", None),
    ("Two randomized, evaluator-blind, multiple-dose, three-way crossover drug interaction studies were performed.",
     None),
    ("Blood sampling was performed on 3 occasions in a single dose, randomized, cross-over design.", None),
    ("Patients with 2 or more impacted third molars were randomized to receive a single dose.", None),
    ("Twenty-four healthy adult volunteers, stabilized for 3 consecutive days, were randomized to receive drug A.", 24),
    ("If pressure was high within the first six post operative hours, the patients were included.", None),
    ("Of bupivacaine 1 mg.ml-1 and adrenaline 2 micrograms.ml-1 were included.", None),
    ("Fifty patients randomized in this study received drug A.", 50),
    ("One thousand fifteen patients (43.1% aged 65 or older) with urge incontinence.", 1015),
])
def test_n_is_never_a_label_a_fraction_a_design_or_a_time(text, n):
    assert sample_size(text)[0] == n


@pytest.mark.parametrize("sentences, outcome", [
    (["Patients were randomly assigned to drug A or drug B.",
      "A significantly smaller percentage of drug A-treated patients experienced dystonic events than did drug "
      "B-treated patients (p <.001)."], "dystonic events"),
    (["Patients were randomly assigned to drug A or placebo.",
      "Although the effect size was modest, at endpoint, drug A was statistically superior to placebo on the MADRS "
      "(p =.001) and HAM-D-28 (p =.039) ratings."], "MADRS and HAM-D-28"),
    (["Patients were randomly assigned to drug A or drug B.",
      "Significant reductions (P < 0.05) in blood pressure were noted in all groups after 4 and 8 weeks."],
     "reductions in blood pressure"),
    (["Patients were randomly assigned to drug A, drug B or their combination.",
      "After one week of therapy, the combination therapy decreased casual blood pressure by 5 +/- 2 mm Hg versus "
      "placebo (P < 0.01)."], None),
])
def test_outcome_is_the_measure_not_a_group_a_method_or_a_treatment(sentences, outcome):
    _, t = facts("", *sentences)
    got = t.outcome.text if t.outcome else None
    assert got == outcome if outcome else got != "combination therapy", got


def test_a_significance_threshold_is_not_a_result():
    _, t = facts("", "Patients were randomly assigned to drug A or placebo.",
                 "The paired t test was used to assess the significance of differences from baseline values, with "
                 "significance set at P < 0.05.")
    assert t.effect is None and (t.outcome is None or "test" not in t.outcome.text)


@pytest.mark.parametrize("phrase, cleaned", [
    ("codeine-induced histamine release in human skin assessed by cutaneous microdialysis",
     "codeine-induced histamine release in human skin"),
    ("near-maximal effect on vasomotor symptoms", "vasomotor symptoms"),
    ("lumbar spinal density above baseline by 27 months", "lumbar spinal density"),
    ("psychomotor performance alone and in combination with diazepam", "psychomotor performance"),
])
def test_outcome_phrase_cuts(phrase, cleaned):
    from evidex.enrich.outcome import clean
    assert clean(phrase) == cleaned


def test_an_appositive_a_result_share_and_a_bracketed_dose_around_versus():
    from evidex.enrich.trial import _arms_in, _comparison
    # "pentoxifylline (PTX), an inhibitor of TNF": a description of the arm, not a second arm
    assert _arms_in("An earlier pilot study suggested benefit from treatment with pentoxifylline (PTX), an inhibitor "
                    "of tumor necrosis factor (TNF), in severe acute alcoholic hepatitis.") == []
    # "compared to 17% of placebo treated children": the comparator is placebo
    assert _comparison("Forty eight per cent of drug-treated children showed clinical improvement compared to 17% of "
                       "placebo treated children.")[1:] == ("placebo",)
    # the bracket before "vs." gives the arm its dose
    assert _comparison("Patients entered a 4-week double-blind randomized trial of PTX (400 mg orally 3 times daily) "
                       "vs. placebo.") == ("PTX 400 mg", "placebo")


@pytest.mark.parametrize("title, methods, arm, comparator", [
    # a dose after a comma belongs to the arm before it, the comparator's too
    ("Tolterodine compared with extended-release oxybutynin in overactive bladder.",
     "Participants were randomized to extended-release oxybutynin, 10 mg/d, or tolterodine, 2 mg twice daily.",
     "tolterodine 2 mg", "extended-release oxybutynin 10 mg"),
    # a dose two arms share ("X or Y at 0.2 mg/kg")
    ("Cetirizine versus loratadine in children with perennial allergic rhinitis.",
     "Patients received cetirizine or loratadine at 0.2 mg/kg once daily in the morning for 28 days.",
     "cetirizine 0.2 mg", "loratadine at 0.2 mg"),
])
def test_an_arm_takes_the_dose_written_after_it(title, methods, arm, comparator):
    _, t = facts(title, methods, hint=arm.split()[0])
    assert any(a.text.lower().startswith(arm) for a in t.arms), t.arms
    assert t.comparator is not None and t.comparator.text.lower().startswith(comparator), t.comparator


# -- n: a total the abstract gives only by arm or by sex (CONSORT 13a), reviews' studies ----------
@pytest.mark.parametrize("text, n", [
    # per-arm counts after an allocation verb: their sum
    ("In a double-blind trial, we assigned 1511 patients with chronic heart failure to treatment with drug A (target "
     "dose 25 mg twice daily) and 1518 to drug B (target dose 50 mg twice daily).", 3029),
    ("One hundred and two patients with active ulcer received drug A 20 mg and 103 patients drug B 20 mg.", 205),
    # one count per arm, said "respectively"
    ("In our randomized study 123, 129 and 64 patients 18 years old or older were randomized to receive 1 or 2 mg "
     "drug A, or placebo, respectively, twice daily for 12 weeks.", 316),
    # split by sex
    ("The group was composed of 256 males and 313 females.", 569),
    ("Drug A was compared with placebo in a randomized, parallel-group study of 138 women and 47 men.", 185),
    # not a sum: those left out, those who completed
    ("We randomized 120 patients to drug A and 20 patients were excluded.", 120),
    ("We randomized 60 patients to drug A or drug B, and 55 completed.", 60),
    # "consecutive" describes the people, not days
    ("We studied 94 consecutive patients undergoing surgery.", 94),
    ("Twenty-four volunteers, stabilized for 3 consecutive days, were randomized to receive drug A.", 24),
    # a review: "9 were included" after studies counts studies, not people
    ("Fifteen studies met the inclusion criteria; 9 were included in the meta-analysis (15 187 patients).", 15187),
    ("Nine trials (15,187 patients) were included.", 15187),
])
def test_n_sums_arms_and_sexes_and_never_counts_studies(text, n):
    assert sample_size(text)[0] == n


def test_the_whole_sample_outranks_those_who_completed():
    _, t = facts("Drug A in chronic headache.",
                 "Drug A was compared with placebo in a randomized study of 138 women and 47 men.",
                 "One hundred sixty patients (56 in the 6-mg group, 49 in the 12-mg group, and 55 in the placebo group) "
                 "completed the study.")
    assert t.n == 185


# -- arms: a background treatment is no arm; a combination arm keeps its added drug -----------------
@pytest.mark.parametrize("title, methods, hint, arm, comparator", [
    # "patients receiving X and usual care were randomized to A or placebo": X is what they already take
    ("Drug A in heart failure.", "Patients with heart failure receiving drug B and conventional treatment were "
     "randomized to captopril or placebo.", "", "captopril", "placebo"),
    # "X plus Y or X alone": the combination is the arm, X alone the comparator (not "I: X | C: X")
    ("Combination therapy in hypertension.", "Patients were randomized to amlodipine 5 mg plus benazepril 20 mg or "
     "amlodipine 5 mg alone.", "", "amlodipine 5 mg plus benazepril 20 mg", "amlodipine 5 mg"),
    ("Combination therapy in hypertension.", "Patients received amlodipine 10 mg or amlodipine 10 mg combined with "
     "atorvastatin 10 mg.", "", "amlodipine 10 mg combined with atorvastatin 10 mg", "amlodipine 10 mg"),
])
def test_background_treatment_and_combination_arms(title, methods, hint, arm, comparator):
    _, t = facts(title, methods, hint=hint)
    assert [a.text for a in t.arms] == [arm], t.arms
    assert t.comparator is not None and t.comparator.text == comparator, t.comparator


# -- outcome / effect: a clock time is no clause break; a population is no outcome -------------------
@pytest.mark.parametrize("sentence, effect", [
    ("Blood pressure measured at 8:00 AM was lower with drug A than with placebo (P = 0.008).",
     "Blood pressure measured at 8:00 AM was lower with drug A than with placebo (P = 0.008)"),
    ("Drug A reduced pain scores at 10:30 compared with placebo (p=0.01).",
     "Drug A reduced pain scores at 10:30 compared with placebo (p=0.01)"),
])
def test_effect_never_starts_inside_a_clock_time(sentence, effect):
    from evidex.enrich.effect import effect_text
    from evidex.records import Passage
    assert effect_text(Passage("t:1", 1, "RESULTS", 0, len(sentence), sentence)) == effect


@pytest.mark.parametrize("phrase, usable", [
    ("veterans with Gulf War Illness (GWI)", False),
    ("elderly patients who fell", False),
    ("number of patients with healed ulcers", True),
    ("proportion of women with hot flushes", True),
])
def test_a_population_is_not_an_outcome(phrase, usable):
    from evidex.enrich.outcome import _usable
    assert _usable(phrase) is usable
