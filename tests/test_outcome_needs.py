"""enrich.outcome.named_outcome passes over a sentence that lacks every word a pattern writes
literally: on real abstracts the patterns never match without one of their words, and the
outcome named equals the one found by scanning every sentence with every pattern."""
from __future__ import annotations

import pytest

from evidex.enrich import outcome
from evidex.ingest import iter_file
from evidex.records import Record
from evidex.text import passages_of

from .conftest import need_data


def _scan_all(body):
    """named_outcome before the word check: every pattern over every sentence."""
    saved = outcome._NEEDS
    outcome._NEEDS = {rx: ("",) for rx in saved}       # "" is in every text: nothing passed over
    try:
        return outcome.named_outcome(body)
    finally:
        outcome._NEEDS = saved


@pytest.mark.parametrize("parts", [("cohen2006", "Triptans.csv"), ("cohen2006", "UrinaryIncontinence.csv"),
                                   ("ldn", "dev_corpus.jsonl"), ("pubmed_xml", "titipata_medline16n0902_sample.xml")])
def test_named_outcome_equals_scanning_every_sentence(parts):
    records = [r for r in iter_file(need_data(*parts)) if isinstance(r, Record)]
    named = 0
    for record in records:
        body = [p for p in passages_of(record) if p.section != "TITLE"]
        got = outcome.named_outcome(body)
        assert got == _scan_all(body), record.id
        named += got is not None
        for p in body:
            for rx, words in outcome._NEEDS.items():
                if rx.search(p.text):
                    assert any(w in p.text.lower() for w in words), (rx.pattern[:40], p.text)
    assert named >= 5
