"""QA evaluation: metrics on known values, the FILE layout and its errors, and the command end to
end on small BioASQ and PubMedQA slices beside the baselines (full runs: benchmarks/RESULTS.md).
Tests needing ../shared skip with the reason when it is absent."""
from __future__ import annotations

import json
from collections import Counter
from types import SimpleNamespace

import pytest
from click.testing import CliRunner

from evidex.eval import eval_command
from evidex.eval.qa import (METRIC_KEYS, SYSTEMS, candidates, classification, evidex_yes_no, list_prf,
                            reciprocal_rank, rouge2, source_text)
from evidex.eval.qa_data import QADataError, doc_key, load_bioasq_qa, load_file, load_pubmedqa, select
from evidex.load import IngestReport, ingest_items
from evidex.records import Record, Section
from evidex.store import Store

from .conftest import need_data


def test_rouge2_on_known_strings():
    # 5 bigrams each, 3 shared ("the cat", "cat sat", "sat on"): P = R = F = 0.6.
    assert rouge2("The cat sat on the mat.", "the cat sat on a mat") == pytest.approx(0.6)
    assert rouge2("naltrexone reduced pain", "Naltrexone  reduced pain") == pytest.approx(1.0)
    assert rouge2("naltrexone reduced pain", "aspirin raised fever") == 0.0
    assert rouge2("", "anything at all") == 0.0
    # Unequal lengths: 1 shared of 2 and of 4 bigrams -> P 0.5, R 0.25, F 1/3.
    assert rouge2("low dose naltrexone", "x y low dose z") == pytest.approx(1 / 3)


def test_classification_and_ranked_metrics():
    m = classification(["yes", "yes", "no", "no"], ["yes", "uncertain", "no", "yes"], ("yes", "no"))
    assert m["accuracy"] == 0.5
    assert m["macro_f1"] == pytest.approx((1 / 2 + 2 / 3) / 2)       # F1 yes = 2/4, F1 no = 2/3
    assert reciprocal_rank(["VEGF", "pi3k / AKT", "mTOR"], ["PI3K/Akt"]) == pytest.approx(0.5)
    assert reciprocal_rank(["a", "b", "c", "d", "e", "target"], ["target"]) == 0.0   # only the first 5
    p, r, f = list_prf(["Hypoxia", "inflammation", "tumour"], (("inflammation",), ("hypoxia",), ("stress",)))
    assert (p, r) == (pytest.approx(2 / 3), pytest.approx(2 / 3)) and f == pytest.approx(2 / 3)


def test_candidates_and_answer_fallbacks():
    texts = [("Milvexian is an oral factor XIa inhibitor.", 2), ("FXIa inhibition by BMS-986177 was potent.", 1)]
    got = candidates(texts, "Which factor is inhibited by Milvexian?")
    assert got and not any("milvexian" in c.lower() for c in got)
    assert "BMS-986177" in got
    assert source_text("Randomised controlled trial in asthma: Budesonide reduced attacks.") == \
        "Budesonide reduced attacks."
    for direction, want in (("favours", "yes"), ("no_difference", "no"), ("against", "no"),
                            ("mixed", "uncertain"), ("insufficient", "uncertain")):
        assert evidex_yes_no(SimpleNamespace(verdict=SimpleNamespace(direction=direction))) == (want, "direction")
    given = SimpleNamespace(verdict=SimpleNamespace(direction="insufficient", answer="no"))
    assert evidex_yes_no(given) == ("no", "verdict.answer")
    assert doc_key("http://www.ncbi.nlm.nih.gov/pubmed/29623652") == doc_key("pmid:29623652") == "29623652"


def _store(path):
    records = [
        Record(id="pmid:1", title="Low-dose naltrexone for fibromyalgia: a randomised trial",
               sections=(Section("RESULTS", "Low-dose naltrexone reduced fibromyalgia pain compared with "
                                            "placebo (p = 0.02)."),)),
        Record(id="pmid:2", title="Statins and breast cancer survival",
               sections=(Section("RESULTS", "Statin use was not associated with breast cancer survival."),)),
        Record(id="pmid:3", title="Ketamine infusion for complex regional pain syndrome",
               sections=(Section("CONCLUSIONS", "Ketamine infusion relieved pain in CRPS for weeks."),)),
    ]
    store = Store(path)
    ingest_items(store, iter(records), IngestReport())
    store.close()
    return path


def _write_jsonl(path, rows):
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows), encoding="utf-8")
    return path


GOOD = [
    {"id": "q1", "question": "Is low-dose naltrexone effective for fibromyalgia?", "type": "yesno",
     "exact_answer": "yes", "ideal_answer": ["Yes, it reduced pain."], "documents": ["pmid:1"]},
    {"id": "q2", "question": "Are statins associated with breast cancer survival?", "type": "yesno",
     "exact_answer": "no", "ideal_answer": "No.", "documents": ["http://www.ncbi.nlm.nih.gov/pubmed/2"]},
    {"id": "q3", "question": "Which drug relieved pain in complex regional pain syndrome?", "type": "factoid",
     "exact_answer": [["ketamine"]], "ideal_answer": "Ketamine.", "documents": ["3"]},
    {"id": "q4", "question": "What is known about naltrexone for fibromyalgia?", "type": "summary",
     "ideal_answer": ["Low-dose naltrexone reduced fibromyalgia pain."], "documents": ["pmid:1"]},
]


def test_file_dataset_end_to_end(tmp_path):
    db = _store(tmp_path / "s.db")
    qfile = _write_jsonl(tmp_path / "q.jsonl", GOOD)
    out = CliRunner().invoke(eval_command, ["qa", "--dataset", str(qfile), "--db", str(db), "--format", "json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert data["questions"] == {"yesno": 2, "factoid": 1, "summary": 1} and data["docs"] == 3
    for s in SYSTEMS:
        assert set(METRIC_KEYS) <= set(data[s])
    assert data["majority"]["yesno_accuracy"] == 0.5            # one yes, one no: the first class wins
    assert data["evidex"]["faithfulness_violations"] == 0 and data["evidex"]["ask_errors"] == 0
    assert 0.0 <= data["bm25-top"]["summary_rouge2_f"] <= 1.0
    text = CliRunner().invoke(eval_command, ["qa", "--dataset", str(qfile), "--db", str(db), "--types", "yesno"])
    assert text.exit_code == 0, text.output
    assert "evidex" in text.output and "bm25-top" in text.output and "yesno_accuracy" in text.output


@pytest.mark.parametrize("bad,what", [
    ('{"id": "q9", "question": "Is it?", "type": "yesno", ', "not JSON"),
    ({"id": "q9", "question": "Is it?", "type": "opinion"}, "type must be one of"),
    ({"id": "q9", "question": "Is it?", "type": "yesno", "exact_answer": "perhaps"}, "exact_answer"),
])
def test_bad_file_line_exits_2_naming_the_line(tmp_path, bad, what):
    db = _store(tmp_path / "s.db")
    qfile = _write_jsonl(tmp_path / "q.jsonl", [GOOD[0], bad, GOOD[1]])
    out = CliRunner().invoke(eval_command, ["qa", "--dataset", str(qfile), "--db", str(db)])
    assert out.exit_code == 2, out.output
    assert "q.jsonl line 2" in out.output and what in out.output
    with pytest.raises(QADataError, match="line 2"):
        load_file(qfile)
    nodb = CliRunner().invoke(eval_command, ["qa", "--dataset", str(_write_jsonl(tmp_path / "ok.jsonl", GOOD))])
    assert nodb.exit_code != 0 and "--db" in nodb.output


def _run_json(*args):
    out = CliRunner().invoke(eval_command, ["qa", *args, "--format", "json"])
    assert out.exit_code == 0, out.output
    return json.loads(out.output)


def test_bioasq_yesno_slice_beside_baselines():
    need_data("bioasq")
    qa = select(load_bioasq_qa(), ("yesno",), 20)
    assert len(qa.items) == 20 and len(qa.records) > 10000
    assert all(r.id.startswith("doc:") and (r.title or r.sections) for r in qa.records[:100])
    data = _run_json("--dataset", "bioasq", "--types", "yesno", "--limit-questions", "20")
    assert data["questions"] == {"yesno": 20}
    share = Counter(i.label for i in qa.items).most_common(1)[0][1] / 20
    assert data["majority"]["yesno_accuracy"] == pytest.approx(share)
    for s in SYSTEMS:
        assert data[s]["yesno_accuracy"] is not None and 0.0 <= data[s]["yesno_accuracy"] <= 1.0
    assert data["evidex"]["faithfulness_violations"] == 0
    assert data["evidex"]["ask_errors"] == 0, data.get("errors")
    assert data["bm25-top"]["gold_doc_recall"] > 0.5          # BM25's top record is mostly a gold one
    assert data["timing"]["ask_ms_p50"] > 0


def test_pubmedqa_slice_three_way():
    need_data("pubmedqa", "pqal_dev.json")
    qa = load_pubmedqa()
    assert len(qa.items) == 500 and len(qa.records) == 500 and qa.yesno_classes == ("yes", "no", "maybe")
    assert Counter(i.label for i in qa.items) == {"yes": 276, "no": 169, "maybe": 55}
    free = load_pubmedqa(reasoning_free=True)
    assert free.records[0].sections[-1].label == "CONCLUSIONS" and len(free.records[0].sections) == \
        len(qa.records[0].sections) + 1
    data = _run_json("--dataset", "pubmedqa", "--limit-questions", "20")
    share = Counter(i.label for i in qa.items[:20]).most_common(1)[0][1] / 20
    assert data["majority"]["yesno_accuracy"] == pytest.approx(share)
    assert data["evidex"]["yesno_uncertain"] == 0                 # uncertain maps to maybe here
    assert data["evidex"]["faithfulness_violations"] == 0
    assert data["evidex"]["ask_errors"] == 0, data.get("errors")
    assert data["settings"]["yesno_classes"] == ["yes", "no", "maybe"]


# -- held-out evaluation: another stance model, one fold's questions (benchmarks/qa_folds.py) ---------
def _train_stance():
    import sys
    from pathlib import Path
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
    return pytest.importorskip("train_stance", reason="training needs numpy and scipy")


def _other_model(tmp_path, platt_b=-8.0):
    """The shipped stance model with its calibration pushed to "no", as a file with its own sha."""
    from evidex.enrich.models import load, params_sha
    data = json.loads(json.dumps(load("stance")))
    data["params"]["answer"]["platt_b"] = platt_b
    data["manifest"]["params_sha"] = params_sha(data["params"])
    data["manifest"]["holdout"] = {"pubmedqa_fold": 2}
    path = tmp_path / "other-stance.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path, data["manifest"]["params_sha"]


def test_use_model_file_round_trip(tmp_path):
    from evidex.enrich import stance
    from evidex.enrich.models import ModelMissing, load
    q, ps = "Is aspirin effective for migraine?", ["Aspirin significantly reduced migraine pain (p<0.001)."]
    shipped = stance.answer_probability(q, ps)
    path, sha = _other_model(tmp_path)
    try:
        stance.use_model_file(path)
        assert stance.model_manifest()["params_sha"] == sha != load("stance")["manifest"]["params_sha"]
        assert stance.answer_probability(q, ps) < min(shipped, 0.05)
        assert stance.yes_no_maybe(q, ps)[0] != "yes"
    finally:
        stance.use_model_file(None)
    assert stance.answer_probability(q, ps) == shipped
    assert stance.model_manifest()["params_sha"] == load("stance")["manifest"]["params_sha"]
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"manifest": {"name": "roles"}, "params": {}}), encoding="utf-8")
    with pytest.raises(ModelMissing):
        stance.use_model_file(bad)
    assert stance.answer_probability(q, ps) == shipped          # a refused file changes nothing


def test_holdout_removes_the_fold_from_training():
    """train_stance.holdout on hand-made units: the fold's questions (and a punctuation twin in another
    edition) leave the examples and the relevance pairs; nothing else does."""
    ts = _train_stance()
    U = ts.Unit
    units = [U("bioasq", "7b", "Is X effective for Alzheimer’s disease?", ["p1"], "yes"),
             U("bioasq", "8b", "Is X effective for Alzheimer's disease?", ["p2"], "yes"),
             U("bioasq", "8b", "Is Y safe?", ["p3"], "no"),
             U("bioasq", "9b", "Is Z safe?", ["p4"], "no"),
             *[U(src, f"pq{i}", f"Question {i}?", ["c"], "yes") for i in range(10) for src in ("pqa_rr", "pqa_rf")],
             U("scifact", "sf1", "Claim.", ["s"], "yes")]
    rel = [((), 1, 0.3, "bioasq", u.group, None, u.question, u.passages[0]) for u in units[:4]]
    rel += [((), 1, 1.0, "pqa", f"pq{i}", None, f"Question {i}?", "c") for i in range(10)]
    rel += [((), 1, 1.0, "scifact", "sf1", None, "Claim.", "s")]
    tr, trel, info = ts.holdout(units, rel, 13, "8b", None)
    assert [u.question for u in tr if u.source == "bioasq"] == ["Is Z safe?"]
    assert info["bioasq_questions"] == 2 and len(info["bioasq_near_duplicates_dropped"]) == 1
    assert {r[6] for r in trel if r[3] == "bioasq"} == {"Is Z safe?"} and len(trel) == len(rel) - 3
    assert len(tr) == len(units) - 3
    tr, trel, info = ts.holdout(units, rel, 13, None, 1)
    from evidex.eval.qa_data import kfold_split
    test = {q for q, f in kfold_split([f"pq{i}" for i in range(10)], 5, 13).items() if f == 1}
    assert len(test) == 2 and info["pubmedqa_questions"] == 2
    assert not {u.group for u in tr} & test and not {r[4] for r in trel} & test
    assert len(tr) == len(units) - 4 and len(trel) == len(rel) - 2
    assert ts.holdout(units, rel, 13, None, None) == (units, rel, {})


def test_folds_are_the_trainers_and_partition_the_questions():
    need_data("bioasq")
    need_data("pubmedqa", "pqal_dev.json")
    from evidex.eval.qa_data import (BIOASQ_EDITIONS, bioasq_body_key, bioasq_yesno_editions, pubmedqa_folds,
                                     restrict_bioasq, restrict_pubmedqa)
    ts = _train_stance()
    assert {bioasq_body_key(u.question): u.group for u in ts.bioasq_units()} == bioasq_yesno_editions()
    qa = select(load_bioasq_qa(), ("yesno",))
    parts = [restrict_bioasq(qa, e) for e in BIOASQ_EDITIONS]
    assert all(p.records is qa.records for p in parts)                   # the store keeps every record
    ids = [it.id for p in parts for it in p.items]
    assert sorted(ids) == sorted(it.id for it in qa.items) and len(set(ids)) == len(ids)
    assert min(len(p.items) for p in parts) > 30
    pq = load_pubmedqa()
    folds = [restrict_pubmedqa(pq, k) for k in range(5)]
    assert [len(f.items) for f in folds] == [100] * 5
    assert pubmedqa_folds() == ts.kfold(list(json.loads(need_data("pubmedqa", "pqal_dev.json").read_text()))
                                        , 5, 13)
    assert sorted(it.id for f in folds for it in f.items) == sorted(it.id for it in pq.items)


def test_eval_qa_with_a_fold_and_another_stance_model(tmp_path):
    need_data("pubmedqa", "pqal_dev.json")
    from evidex.eval.qa_data import pubmedqa_folds
    path, sha = _other_model(tmp_path)
    rows = tmp_path / "d.jsonl"
    data = _run_json("--dataset", "pubmedqa", "--pubmedqa-fold", "2", "--limit-questions", "6",
                     "--stance-model", str(path), "--details", str(rows))
    assert data["settings"]["stance_model"] == {"file": str(path), "reader": "linear", "params_sha": sha,
                                                "linear_params_sha": None, "holdout": {"pubmedqa_fold": 2}}
    assert data["docs"] == 500                                           # distractors stay
    fold = pubmedqa_folds()
    got = [json.loads(line) for line in rows.read_text().splitlines()]
    assert len(got) == 6 and all(fold[r["id"]] == 2 for r in got)
    assert all(r["bm25-top"]["answer"] != "yes" for r in got)           # the baseline reads the other model too
    from evidex.enrich import stance
    assert stance.model_manifest()["params_sha"] != sha                  # restored after the run
    bad = CliRunner().invoke(eval_command, ["qa", "--dataset", "bioasq", "--pubmedqa-fold", "1"])
    assert bad.exit_code == 2 and "--pubmedqa-fold needs --dataset pubmedqa" in bad.output
