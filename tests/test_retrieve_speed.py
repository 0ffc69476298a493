"""Retrieval does less work for the same candidates: a record's words are tested before it is
decoded whole (``Store.texts_many``), the lexical pool decodes only the records it keeps, and
passages are split only for the candidates ``retrieve`` returns."""
from __future__ import annotations

import pytest

from evidex.query import parse_question
from evidex.retrieve import retrieve
from evidex.store import Store
from evidex.text import passages_of

QUESTIONS = ["Is low-dose naltrexone effective for complex regional pain syndrome?",
             "Is low-dose naltrexone effective for fibromyalgia?",
             "Is ketamine better than low-dose naltrexone for fibromyalgia?",
             "Is METTL1 overexpression linked to poor prognosis?"]


def test_texts_many_is_the_records_text(starter):
    ids = [r for (r,) in starter.conn.execute("SELECT id FROM records ORDER BY id")]
    got = starter.get_many(ids)
    texts = starter.texts_many(ids + ["pmid:0"])
    assert set(texts) == set(ids)
    assert all(texts[rid] == got[rid].record.text() for rid in ids)
    assert starter.texts_many([]) == {}


@pytest.mark.parametrize("question", QUESTIONS)
def test_candidates_carry_their_passages(starter, question):
    for c in retrieve(starter, parse_question(question), 10, mode="lexical"):
        assert c.passages == tuple(passages_of(c.stored.record))


def test_lexical_pool_decodes_only_what_it_keeps(starter, monkeypatch):
    from evidex.retrieve import _retrieve_lexical
    from evidex.store import SearchFilter
    query = parse_question(QUESTIONS[0])
    pool = _retrieve_lexical(starter, query, 100, SearchFilter())
    assert len(pool) > 3
    decoded: list[str] = []
    real = Store.get_many

    def counting(self, ids):
        decoded.extend(ids)
        return real(self, ids)

    monkeypatch.setattr(Store, "get_many", counting)
    few = _retrieve_lexical(starter, query, 3, SearchFilter())
    assert sorted(decoded) == sorted(c.stored.record.id for c in few)
    assert [c.stored.record.id for c in few] == [c.stored.record.id for c in pool[:3]]
    assert [c.score for c in few] == [c.score for c in pool[:3]]


def test_appraisals_many_are_the_stored_appraisals_and_years(starter):
    ids = [r for (r,) in starter.conn.execute("SELECT id FROM records ORDER BY id")]
    got = starter.get_many(ids)
    light = starter.appraisals_many(ids + ["pmid:0"])
    assert set(light) == set(ids)
    assert all(light[rid] == (got[rid].appraisal, got[rid].record.year) for rid in ids)
