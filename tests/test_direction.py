"""The hand-labelled study directions (docs/labels/study_directions.jsonl) that
benchmarks/direction.py scores the direction reader on: each deciding sentence is its record's own."""
from __future__ import annotations

import json
from pathlib import Path

from .conftest import ROOT, need_data


def test_labelled_evidence_is_in_its_abstract() -> None:
    """Every labelled study's deciding sentence is copied from its record."""
    need_data("cohen2006")
    from evidex.ingest import iter_file
    from evidex.records import Record

    rows = [json.loads(line) for line in (ROOT / "docs" / "labels" / "study_directions.jsonl").read_text().splitlines()]
    assert len(rows) >= 190
    assert {r["direction"] for r in rows} == {"favours", "no_difference", "against"}
    wanted = {r["id"]: r for r in rows}
    texts: dict[str, str] = {}
    for source in {r["source"] for r in rows}:
        for rec in iter_file(need_data(*Path(source).parts)):
            if isinstance(rec, Record) and rec.id in wanted:
                texts[rec.id] = " ".join(s.text for s in rec.sections)
    assert set(texts) == set(wanted)
    for rid, row in wanted.items():
        assert row["evidence"] in texts[rid], rid


def test_the_trained_reader_reads_plain_results() -> None:
    """The shipped reader (scripts/train_direction.py) on findings whose direction is not in doubt."""
    from evidex.enrich.direction_model import LABELS, probabilities, read
    question = "Is drug A better than placebo?"
    assert read(question, ["Drug A significantly reduced pain compared with placebo (P < 0.001).",
                           "Drug A is effective for this condition."]) == "favours"
    assert read(question, ["There was no significant difference between drug A and placebo in pain scores (P = 0.62).",
                           "Drug A was not more effective than placebo."]) == "no_difference"
    p = probabilities(question, ["Drug A significantly reduced pain compared with placebo (P < 0.001)."])
    assert set(p) == set(LABELS) and all(0.0 <= v <= 1.0 for v in p.values())


def test_the_shipped_reader_says_how_it_was_trained() -> None:
    from evidex.enrich import models
    manifest = models.load("direction")["manifest"]
    assert manifest["rows"] >= 290 and set(manifest["labels"]) == {"favours", "no_difference", "against"}
    assert manifest["held_out_accuracy_trained_on_dev"] > 0.7
