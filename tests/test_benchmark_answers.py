"""Smoke test of benchmarks/answers.py: the scoring functions on a hand-made contract, then
the harness end to end on three LDN questions over the 51-record LDN store (a few seconds)."""
from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

from .conftest import ROOT, need_data

SCRIPT = ROOT / "benchmarks" / "answers.py"


@pytest.fixture(scope="module")
def answers():
    sys.path.insert(0, str(SCRIPT.parent))
    spec = importlib.util.spec_from_file_location("bench_answers", SCRIPT)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod          # dataclasses look their module up there
    spec.loader.exec_module(mod)
    return mod


QUESTION = {"id": "x1", "corpus": "ldn", "question": "Is X better than placebo?", "intent": "comparison",
            "expected_direction": ["favours", "mixed"], "certainty_range": ["low", "very_low"],
            "comparator": "Placebo", "key_facts": ["4.5 mg", "28.8%", "vivid dreams"],
            "gold_ids": ["pmid:1", "pmid:2"], "notes": ""}


def test_checks_on_a_contract(answers):
    data = {"sections": [{"heading": "Efficacy", "statements": [{"text": "Pain fell 28.8% on 4.5\u00a0mg.",
                                                                   "citations": [1]}],
                          "key_points": [], "subsections": [{"heading": "s", "statements": []}]}],
            "evidence_table": [{"ref": 1, "design": "rct", "n": 12, "population": "FM", "intervention": "LDN",
                                "comparator": "placebo", "outcome": "pain", "effect": "Vivid  dreams \u2013 2",
                                "direction": "favours"}]}
    text = answers.answer_text(data)
    assert "4.5 mg" in text and "vivid dreams - 2" in text
    checks = answers.score(QUESTION, "favours", "moderate", ["placebo (sham)"], text, ["pmid:9", "pmid:2"], 0)
    by = {c.label: c.ok for c in checks}
    assert by == {"direction": True, "certainty": False, "comparator": True, "key_fact '4.5 mg'": True,
                  "key_fact '28.8%'": True, "key_fact 'vivid dreams'": True, "gold": True, "faithfulness": True}
    # No comparator parsed, violations present, no gold cited.
    checks = answers.score(QUESTION, "against", "low", [], "", ["pmid:9"], 2)
    assert [c.kind for c in checks if not c.ok] == ["direction", "comparator", "key_fact", "key_fact", "key_fact",
                                                   "gold", "faithfulness"]
    kinds = answers.failure_kinds([answers.Result(QUESTION, "evidex", "against", "low", checks, 1.0)])
    assert [k[:2] for k in kinds] == [
        ("key fact absent from the answer text (a number)", 2), ("comparator not parsed", 1),
        ("direction: got against, another expected", 1), ("faithfulness violation", 1),
        ("key fact absent from the answer text (a term)", 1), ("no gold record cited", 1)]
    assert answers._certainty_side("high", ["low", "moderate"]) == "above"
    assert answers._certainty_side("very_low", ["low"]) == "below"
    # A question without a comparator has no comparator check.
    assert all(c.kind != "comparator" for c in answers.score({**QUESTION, "comparator": None}, "favours", "low",
                                                             None, "", [], None))
    assert answers.comparator_found("ibuprofen or naproxen", ["naproxen"])
    assert not answers.comparator_found("placebo", ["naproxen"])
    # a name shown as written with the library's name in brackets counts by either name
    assert answers.comparator_found("lansoprazole 30 mg", ["prevacid (lansoprazole)"])
    assert not answers.comparator_found("lansoprazole 30 mg", ["nexium (esomeprazole)"])


def test_dev_set_is_well_formed(answers):
    qs = answers.load_dev_set()
    assert len(qs) == 43 and {q["corpus"] for q in qs} == {"cohen2006", "ldn"}
    assert len({q["id"] for q in qs}) == len(qs)
    for q in qs:
        assert q["expected_direction"] and q["certainty_range"] and q["gold_ids"]
        assert all(f == f.lower() for f in q["key_facts"])
    assert [q["id"] for q in answers.load_dev_set(corpus="ldn", limit=2)] == ["l01", "l02"]


def _pipeline_ready() -> None:
    from evidex.enrich import models
    from evidex.enrich import stance
    try:
        stance.passage_stances("Is X effective?", ["X reduced pain."])
    except models.ModelMissing as exc:
        pytest.skip(f"the answer pipeline needs the stance model, not installed yet: {exc}")


def test_harness_on_three_ldn_questions(answers, tmp_path: Path):
    need_data("ldn", "dev_corpus.jsonl")
    _pipeline_ready()
    details = tmp_path / "details.jsonl"
    rc = answers.main(["--corpus", "ldn", "--limit", "3", "--db-dir", str(tmp_path / "db"),
                       "--details", str(details), "--out", str(tmp_path / "out")])
    assert rc == 0
    rows = [json.loads(line) for line in details.read_text().splitlines()]
    assert [r["id"] for r in rows] == ["l01", "l02", "l03"]
    for r in rows:
        assert not r["error"], r["error"]
        assert 0 <= r["passed"] <= r["checks"] and r["checks"] >= 5
        assert r["checks"] - r["passed"] == len(r["failed"])
        assert r["bm25"]["checks"] == r["checks"]
    # The second run reuses the store instead of ingesting again.
    store, note = answers.open_store("ldn", tmp_path / "db")
    try:
        assert note.startswith("reused (51 records")
    finally:
        store.close()
