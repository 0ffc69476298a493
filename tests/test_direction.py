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
