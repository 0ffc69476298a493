"""Design model, number mentions with offsets, roles, PICO, case facts and `evidex enrich`."""
from __future__ import annotations

import numpy as np

import json
from importlib import resources
from pathlib import Path

import pytest
from click.testing import CliRunner

from evidex.enrich import appraise
from evidex.enrich.roles import _REFERENCE
from evidex.enrich.case import CaseFacts, case_facts
from evidex.enrich.cli import enrich_command
from evidex.enrich.design import classify_text, rct_probability
from evidex.enrich.models import MODEL_DIR, load, params_sha
from evidex.enrich.numbers import mentions
from evidex.enrich.pico import intervention_spans
from evidex.enrich.roles import ROLES, classify_sentences, role_of_label, sentence_roles
from evidex.ingest import iter_file
from evidex.records import Appraisal, Record, Section
from evidex.text import passages_of

from .conftest import need_data

STARTER = Path(str(resources.files("evidex") / "starter" / "ldn_pain.jsonl"))
LABELS = Path(__file__).resolve().parent.parent / "docs" / "labels" / "numbers.jsonl"


@pytest.fixture(scope="module")
def starter() -> dict[str, Record]:
    return {r.id: r for r in iter_file(STARTER) if isinstance(r, Record)}


# -- models are self-describing, small, and match their manifests ------------------------------
@pytest.mark.parametrize("name", ["design_rct", "roles", "pico_interventions", "sentence_direction"])
def test_model_files_describe_themselves(name):
    data = load(name)
    m = data["manifest"]
    assert m["name"] == name and m["trained_by"].startswith("scripts/train_") and m["version"] >= 1
    assert m["params_sha"] == params_sha(data["params"])


def test_models_are_small_and_json_only():
    """JSON models, plus the stance encoder's adapters: numeric arrays in an .npz (no pickle), each
    beside the JSON manifest that says how it was trained."""
    files = [p for p in MODEL_DIR.iterdir() if p.is_file() and p.suffix != ".py"]
    assert {p.suffix for p in files} <= {".json", ".npz"}
    for p in files:
        if p.suffix == ".npz":
            assert p.with_suffix(".json").exists()
            with np.load(p, allow_pickle=False) as z:
                assert all(z[k].dtype.kind == "f" for k in z.files)
    assert sum(p.stat().st_size for p in files) < 25_000_000


# -- design ------------------------------------------------------------------------------------
def test_rct_probability_is_calibrated_direction():
    trial = ("Naltrexone for fibromyalgia: a randomised, double-blind, placebo-controlled trial",
             "Sixty women were randomly assigned to naltrexone 4.5 mg or placebo for 12 weeks.")
    cohort = ("Outcomes of low-dose naltrexone: a retrospective chart review",
              "We retrospectively reviewed the records of 385 patients seen in a pain clinic.")
    p_trial, p_cohort = rct_probability(*trial), rct_probability(*cohort)
    assert 0.8 < p_trial <= 1 and 0 <= p_cohort < 0.2


def test_text_call_keeps_provenance():
    call = classify_text("Patients were randomly assigned to naltrexone or placebo.")
    assert (call.label, call.source) == ("rct", "text_model") and call.model.startswith("design_rct@")
    assert call.score == call.rct_probability
    review = classify_text("We searched MEDLINE and Embase for randomised trials of naltrexone.")
    assert review.label == "systematic_review" and review.rct_probability is not None


def test_metadata_keeps_precedence(starter):
    a = appraise(starter["doi:10.1007/s11481-013-9451-y"])
    assert (a.design, a.design_source) == ("case_report", "publication_type")


# -- numbers: messy real forms, offsets, labelled set ------------------------------------------
@pytest.mark.parametrize("text, kind, span", [
    ("Patients took naltrexone 4\u00b75 mg at bedtime.", "dose", "4\u00b75 mg"),
    ("LDN was approved at 50-150 mg/d for alcohol use disorders.", "dose", "50-150 mg/d"),
    ("given at 4.5 mg/day with NAD+ patches", "dose", "4.5 mg/day"),
    ("with placebo it possibly fell by 0.8 kPa (\u22121.9 to 0.4 kPa, 95% CI).", "ci", "\u22121.9 to 0.4 kPa, 95% CI"),
    ("Thirty-one (31) women with fibromyalgia took part.", "sample_size", "Thirty-one (31) women"),
    ("treated for at least four weeks with LDN", "duration", "four weeks"),
    ("the mean pain score went from 6.13 \u00b1 1.93 down to 3.23 \u00b1 2.60.", "score_change",
     "from 6.13 \u00b1 1.93 down to 3.23 \u00b1 2.60"),
    ("improved (p \u2264 0.001)", "p_value", "p \u2264 0.001"),
    ("Pain fell among cases (\u221237.8%).", "percent", "\u221237.8%"),
    ("Fourteen subjects, aged 8 to 17 y, were enrolled.", "age", "aged 8 to 17 y"),
])
def test_mentions_messy_forms(text, kind, span):
    assert (kind, span) in [(n.kind, n.span) for n in mentions(text)]


def test_mentions_ignore_years_and_dose_ranges_are_not_score_changes():
    got = [(n.kind, n.span) for n in mentions("Across the studies, doses ranged from 2 to 4.5 mg taken once a day.")]
    assert got == [("dose", "2 to 4.5 mg")]
    assert mentions("Patients were enrolled from 2018 to 2020.") == []


def test_labelled_set_size_and_recall():
    gold = [json.loads(line) for line in LABELS.open(encoding="utf-8")]
    assert sum(len(g["mentions"]) for g in gold) >= 150
    tp = total = 0
    for g in gold:
        for m in g["mentions"]:
            assert g["text"][m["start"]:m["end"]] == m["span"]
            total += 1
            tp += any(n.kind == m["kind"] and n.start < m["end"] and m["start"] < n.end for n in mentions(g["text"]))
    assert tp / total >= 0.9


def test_appraisal_number_offsets_point_into_record_text(starter):
    for record in starter.values():
        a = appraise(record)
        text = record.text()
        passages = passages_of(record)
        for n in a.numbers:
            assert text[n.start:n.end] == n.span
            assert n.span in passages[n.passage_seq].text


# -- roles, PICO ---------------------------------------------------------------------------------
def test_role_of_label():
    assert [role_of_label(x) for x in ("BACKGROUND AND AIMS", "MATERIALS AND METHODS", "RESULT(S)",
                                       "CONCLUSIONS", "OBJECTIVE", "FUNDING")] == \
        ["background", "methods", "results", "conclusions", "objective", None]


def test_roles_are_decoded_as_a_sequence():
    """The most likely role sequence, not each sentence's own best role: with transitions that
    forbid going back from results to methods, a middle sentence the words leave undecided
    between the two takes the role of its neighbours."""
    from evidex.enrich.roles import decode
    import math
    lg = math.log
    k = len(ROLES)
    m, r = ROLES.index("methods"), ROLES.index("results")
    rows = [[lg(0.9) if j == m else lg(0.025) for j in range(k)],
            [lg(0.55) if j == m else lg(0.4) if j == r else lg(0.0167) for j in range(k)],
            [lg(0.9) if j == r else lg(0.025) for j in range(k)],
            [lg(0.9) if j == r else lg(0.025) for j in range(k)]]
    assert decode(rows, {}) == [m, m, r, r]          # each sentence alone
    trans = [[lg(1 / (k + 1))] * (k + 1) for _ in range(k + 1)]
    trans[r][m] = lg(1e-6)                            # never back from results to methods
    seq = {"transitions": trans, "prior": [lg(1 / k)] * k, "weight": 1.0, "prior_weight": 0.0}
    rows[1], rows[2] = rows[2], rows[1]               # results, undecided, results: the middle is a result
    assert decode(rows, {}) == [m, r, m, r] and decode(rows, seq) == [m, r, r, r]
    # A run between labelled sections starts from the role before it: after a RESULTS section the
    # undecided sentence is a result; at an abstract's start (or after METHODS) it is methods.
    undecided = [rows[2]]
    assert decode(undecided, seq) == [m] and decode(undecided, seq, after=m) == [m]
    assert decode(undecided, seq, after=r) == [r]
    # A lone sentence with nothing around it (a snippet, a one-line abstract) is read on its own:
    # the transitions' openings and endings were counted on whole abstracts.
    seq_start = dict(seq, transitions=[row[:] for row in trans])
    seq_start["transitions"][k][m] = lg(1e-6)         # no abstract opens with methods
    assert decode(undecided, seq_start) == [m] and decode(undecided * 2, seq_start) != [m, m]


def test_an_unlabelled_section_is_read_in_sequence_with_the_labelled_ones_around_it():
    """A heading the rules do not know ("SAFETY") between RESULTS and CONCLUSIONS: its sentence
    continues the abstract (a finding), it does not open one (background), as it would if decoded
    on its own from the start of an abstract."""
    record = Record(id="x:1", title="A trial", sections=(
        Section("METHODS", "Forty women were randomised to the drug or placebo for 12 weeks."),
        Section("RESULTS", "Pain fell by 30% with the drug and by 10% with placebo (p = 0.01)."),
        Section("SAFETY", "Side effects of the drug in the trial, such as insomnia and vivid dreams, were infrequent, "
                          "mild and transient."),
        Section("CONCLUSIONS", "The drug may be an effective treatment for chronic pain.")))
    assert sentence_roles(record)[2] in ("results", "conclusions")
    alone = [r for r, _ in classify_sentences([record.sections[2].text])]
    assert alone == ["background"]        # what the same sentence reads as an abstract of its own


def test_roles_model_orders_an_unlabelled_abstract():
    sents = ["Chronic pain is common and poorly treated.",
             "We aimed to assess whether low-dose naltrexone reduces pain.",
             "Sixty patients were randomised to naltrexone or placebo for 12 weeks.",
             "Pain fell by 30% with naltrexone versus 10% with placebo (p = 0.01).",
             "Low-dose naltrexone may be an effective treatment for chronic pain."]
    roles = [r for r, _ in classify_sentences(sents)]
    assert set(roles) <= set(ROLES)
    assert roles[2] == "methods" and roles[3] == "results" and roles[-1] == "conclusions"


def test_a_journal_reference_left_in_an_abstract_is_no_finding():
    """cohen2006 abstracts end with "Journal of Human Hypertension (2000) 14, 205-212.": a quotable line that
    states nothing, read as background (never a finding or a Key Point); a result with a year in it is not."""
    from evidex.enrich.roles import sentence_roles
    text = ("Sixty patients were randomised to nifedipine or bisoprolol. Oedema was more common with nifedipine "
            "(P < 0.05). Nifedipine was less well tolerated. Journal of Human Hypertension (2000) 14, 205-212.")
    roles = sentence_roles(Record(id="pmid:9", title="Nifedipine vs bisoprolol", sections=(Section("", text),)))
    assert len(roles) == 4 and roles[-1] == "background" and roles[-2] != "background"
    for line in ("2000;284:465-471", "Control Clin Trials 2001;22:29-41", "Cancer 2003;98:1504-13."):
        assert _REFERENCE.match(line)
    assert not _REFERENCE.match("In 2000, 14 of 205 patients relapsed.")


def test_the_parts_of_an_abstract_without_headings_take_one_role_each():
    """cohen2006 keeps a structured abstract's parts but drops their headings: a results part whose
    sentences read like methods ("Patients were followed for three months") is still one results
    part, between the methods and the conclusions."""
    parts = [["We asked whether the drug lowers blood pressure."],
             ["Sixty patients were randomised to the drug or placebo.", "Patients were followed for three months."],
             ["Patients given the drug were followed for three months and their pressure fell by 10 mmHg.",
              "Patients given placebo were followed for three months."],
             ["The drug lowers blood pressure."]]
    sents = [s for p in parts for s in p]
    by_part = [r for r, _ in classify_sentences(sents, parts=[len(p) for p in parts])]
    assert by_part == ["objective", "methods", "methods", "results", "results", "conclusions"]
    # two parts are no structured abstract (any split of a plain one): read sentence by sentence
    assert classify_sentences(sents[:3], parts=[1, 2]) == classify_sentences(sents[:3])
    with pytest.raises(ValueError):
        classify_sentences(sents, parts=[1, 2, 2])          # five sentences: the parts must split all six


@pytest.mark.parametrize("pmid, opening", [
    ("pmid:10526729", "Heart rate, VO2, and lactate responses to exercise were comparable"),
    ("pmid:11475269", "Blood concentrations of repaglinide were proportional to the dose"),
])
def test_a_result_read_as_methods_alone_is_a_result_in_its_part(pmid, opening):
    """Real cohen2006 abstracts: read sentence by sentence these results are methods; in the part
    the abstract gave them they are results, and an answer may quote them as findings."""
    record = next(r for r in iter_file(need_data("cohen2006", "OralHypoglycemics.csv")) if getattr(r, "id", None) == pmid)
    passages = [p for p in passages_of(record) if p.section != "TITLE"]
    at = next(i for i, p in enumerate(passages) if p.text.startswith(opening))
    assert len(record.sections) >= 3 and sentence_roles(record)[at] == "results"
    assert classify_sentences([p.text for p in passages])[at][0] == "methods"


@pytest.mark.parametrize("csv, pmid, opening", [
    ("ACEInhibitors_online.csv", "pmid:11593109", "After 3 years of follow-up, 21% (27/127)"),
    ("BetaBlockers.csv", "pmid:8941105", "Clinical progression of heart failure occurred in 21% of placebo"),
    ("ProtonPumpInhibitors.csv", "pmid:11121908", "Eradication rates (95% confidence intervals)"),
])
def test_a_result_given_per_arm_is_a_result(csv, pmid, opening):
    """A trial's main result given arm by arm in an unstructured abstract (a share and a count per
    arm) is a result: a model trained with SciFact's cohort and laboratory abstracts, whose methods
    carry such numbers, once filed these three under methods and the answers lost their key facts."""
    record = next(r for r in iter_file(need_data("cohen2006", csv)) if getattr(r, "id", None) == pmid)
    passages = [p for p in passages_of(record) if p.section != "TITLE"]
    roles = dict(zip((p.text for p in passages), sentence_roles(record)))
    assert [role for text, role in roles.items() if text.startswith(opening)] == ["results"]


def test_sentence_roles_align_with_passages(starter):
    for record in starter.values():
        roles = sentence_roles(record)
        assert len(roles) == len([p for p in passages_of(record) if p.section != "TITLE"])


def test_intervention_tagger_on_a_real_title():
    spans = intervention_spans("Switching patients with asthma from chlorofluorocarbon (CFC) albuterol to "
                               "hydrofluoroalkane-134a (HFA) albuterol.")
    assert any("albuterol" in s for s in spans)


# -- case facts (seed 004) -----------------------------------------------------------------------
def test_case_facts_on_starter_case_report(starter):
    record = starter["doi:10.1007/s11481-013-9451-y"]
    facts = case_facts(record)
    p1, p2 = facts.patients
    assert (p1.label, p1.age.value, p1.sex.value) == ("Case 1", "48", "male")
    assert [f.value for f in p1.conditions] == ["complex regional pain syndrome", "dystonia"]
    assert [f.value for f in p1.prior_treatments] == ["opioids", "anticonvulsants", "antidepressants", "psychotherapy",
                                                      "physical therapy"]
    assert "low-dose naltrexone" in p1.interventions
    assert [f.value for f in p1.scores] == ["NRS 8–10 → 5–6"]
    assert p1.time_to_effect[0].value.lower().startswith("within 4 weeks")
    assert any("dystonic spasms ceased" in f.value for f in p1.outcomes)
    assert (p2.sex.value, p2.age.value, p2.time_on_treatment.value) == ("female", "about 7", "18 months")
    assert facts.report.label == "Whole report" and [f.value for f in facts.report.adverse_effects] == ["none reported"]
    assert [f.value for f in facts.report.doses] == ["low-dose naltrexone (no dose stated in the report)"]
    assert not (facts.report.age or facts.report.sex or facts.report.outcomes)   # not about one patient
    # Every value keeps its sentence and that sentence's passage number.
    passages = {p.seq: p.text for p in passages_of(record)}
    for group in facts.groups():
        for name in ("age", "sex", "conditions", "prior_treatments", "doses", "scores", "time_to_effect",
                     "time_on_treatment", "outcomes", "adverse_effects"):
            value = getattr(group, name)
            for f in value if isinstance(value, tuple) else (value,) if value else ():
                assert passages[f.seq] == f.span, (name, f)
    assert CaseFacts.from_json(json.loads(json.dumps(facts.to_json()))) == facts
    assert CaseFacts.from_json({"patients": []}) is None          # stored by an older version


def test_case_facts_single_patient_and_guards():
    rec = Record(id="t:1", title="Low-dose naltrexone for burning mouth syndrome: a case report", sections=(
        Section("BACKGROUND", "Side effects limit tricyclics for many patients."),
        Section("CASE", "A woman in her 60s had treatment-refractory burning mouth syndrome. Pain scored from 0 to "
                        "10 on a VAS fell after 3 weeks on LDN 4.5 mg at bedtime; the dose went from 1.5 to 4.5 mg."),
    ))
    (p,), report = case_facts(rec).patients, case_facts(rec).report
    assert p.label == "Patient" and p.age.value == "60s" and p.sex.value == "female"
    assert [f.value for f in p.prior_treatments] == ["treatment-refractory (as stated)"]
    assert p.scores == ()                                  # a scale's range and a titration are not changes
    assert p.doses[0].value == "4.5 mg at bedtime"
    assert [f.value for f in p.time_to_effect] == ["after 3 weeks"]
    assert p.adverse_effects == ()                         # background is about other patients
    assert report is None                                  # nothing outside the case section


# -- Appraisal compatibility and the CLI ---------------------------------------------------------
def test_old_stored_appraisal_rows_still_load():
    old = {"record_id": "x", "design": "rct", "design_source": "publication_type", "design_score": 0.95,
           "level": 2, "n": 10, "n_span": "10 women", "conditions": [], "interventions": [], "doses": [],
           "numbers": [{"kind": "percent", "value": 5.0, "span": "5%", "passage_seq": 2}], "retracted": False}
    a = Appraisal.from_json(old)
    assert a.numbers[0].start == -1 and a.direction == "unclear" and a.pico == {} and a.sentence_roles == ()
    new = appraise(Record(id="y", title="A randomised trial of naltrexone"), detail=True)
    assert Appraisal.from_json(json.loads(json.dumps(new.to_json()))) == new


def test_enrich_command_jsonl_and_text(starter):
    runner = CliRunner()
    res = runner.invoke(enrich_command, [str(STARTER), "--format", "jsonl"])
    assert res.exit_code == 0, res.output
    rows = [json.loads(line) for line in res.output.splitlines()]
    assert len(rows) == len(starter)
    row = next(r for r in rows if r["record_id"] == "doi:10.1007/s11481-013-9451-y")
    assert row["design"] == "case_report" and row["case_facts"]["patients"][0]["age"]["value"] == "48"
    assert set(row) >= {"rct_probability", "sentence_roles", "pico", "numbers", "direction", "case_facts"}
    res = runner.invoke(enrich_command, [str(STARTER), "--format", "text"])
    assert res.exit_code == 0 and "design: case_report" in res.output


def test_enrich_command_bad_input_exit_2():
    res = CliRunner().invoke(enrich_command, [str(need_data("pubmed_xml", "iAmGiG_pubmed_sample_TRUNCATED.xml"))])
    assert res.exit_code == 2
    assert res.output.strip()       # the good records are still printed


def _train_roles():
    import sys
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
    return pytest.importorskip("train_roles", reason="training needs numpy and scipy")


@pytest.mark.parametrize("heading, role", [
    ("RESULTS", "results"), ("MATERIALS AND METHODS", "methods"), ("DESIGN, SETTING, AND PARTICIPANTS", "methods"),
    ("MAIN OUTCOME MEASURES", "methods"), ("METHODS AND RESULTS", None), ("BACKGROUND AND AIMS", None),
    ("FUNDING", None),
])
def test_a_training_heading_names_one_role_or_none(heading, role):
    assert _train_roles().heading_role(heading) == role


def test_training_headings_are_capitals_of_two_letters_or_more():
    """"METHODS A total of ...": the heading is METHODS, the sentence keeps its "A"."""
    words = _train_roles()._caps_words("METHODS A total of 40 adults were randomised.")
    assert [w for w, _ in words] == ["METHODS"]
    assert [w for w, _ in _train_roles()._caps_words("DESIGN, SETTING, AND PARTICIPANTS Adults.")] == \
        ["DESIGN", "SETTING", "AND", "PARTICIPANTS"]


# -- sentence reader (does a sentence report a result, and which way) ------------------------------
SENTENCE_LABELS = Path(__file__).resolve().parent.parent / "docs" / "labels" / "sentence_directions.jsonl"


@pytest.mark.parametrize("sentence, expected", [
    # the cues read "similar" only in set phrases
    ("The numbers of patients with relief from heartburn on day 4 were similar in the two groups (84% for "
     "rabeprazole; 95% confidence interval, 76-90%; 83% for omeprazole; 95% confidence interval, 75-89%).",
     "no_difference"),
    ("Bone mineral density measurements and endometrial and laboratory assessments were conducted every 6 months.",
     "unclear"),
])
def test_sentence_reader_reads_what_the_cues_miss(sentence, expected):
    """... and the answers take what it reads as a reported result for one (Key Studies, findings)."""
    from evidex.enrich.sentence_reader import reading
    from evidex.synthesis.results import reports_finding
    assert reading(sentence) == expected
    assert reports_finding(sentence) == (expected != "unclear")


def test_sentence_labels_are_well_formed_and_point_at_their_sentences():
    """Every labelled row names a record and passage whose sentence opens as recorded (the labels
    keep no abstract text: the training script reads it from ../shared/data)."""
    from evidex.enrich.sentence_reader import LABELS as READER_LABELS
    rows = [json.loads(line) for line in SENTENCE_LABELS.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(rows) >= 1500
    assert all(r["label"] in READER_LABELS and r.get("second_label", r["label"]) in READER_LABELS for r in rows)
    assert len({(r["record_id"], r["passage_seq"]) for r in rows}) == len(rows)
    by_source: dict[str, list[dict]] = {}
    for r in rows:
        by_source.setdefault(r["source"], []).append(r)
    for source, group in by_source.items():
        records = {rec.id: rec for rec in iter_file(need_data(*source.split("/"))) if isinstance(rec, Record)}
        for r in group:
            assert passages_of(records[r["record_id"]])[r["passage_seq"]].text.startswith(r["opening"]), r
