"""The remembered per-study work of an answer (``synthesis.memo``) returns what computing it
returns, and an answer is the same byte for byte whether its studies were remembered or not."""
from __future__ import annotations

import pytest

from evidex.enrich.trial import trial_facts
from evidex.render import to_json
from evidex.synthesis import ask, memo
from evidex.synthesis.roles import roles_of
from evidex.text import passages_of

QUESTIONS = ["Is low-dose naltrexone effective for complex regional pain syndrome?",
             "Is low-dose naltrexone effective for fibromyalgia?",
             "What are the side effects of low-dose naltrexone?",
             "Is ketamine better than low-dose naltrexone for fibromyalgia?"]


def test_remembered_values_equal_computed_ones(starter):
    memo.clear()
    ids = [r for (r,) in starter.conn.execute("SELECT id FROM records ORDER BY id LIMIT 40")]
    for stored in starter.get_many(ids).values():
        passages = passages_of(stored.record)
        for hint in ("", "low-dose naltrexone"):
            first = memo.study_facts(stored.record, passages, hint)
            assert first == trial_facts(stored.record, passages, hint)
            assert memo.study_facts(stored.record, tuple(passages), hint) is first     # remembered
        for p in passages:
            assert memo.passage_roles(p.text, p.section) == frozenset(roles_of(p.text, p.section))


def test_a_changed_record_is_another_key(starter):
    from dataclasses import replace
    stored = next(iter(starter.get_many([starter.conn.execute("SELECT id FROM records LIMIT 1").fetchone()[0]]).values()))
    changed = replace(stored.record, title=stored.record.title + " (randomised trial of 120 patients)")
    assert memo.study_facts(changed, passages_of(changed)) == trial_facts(changed, passages_of(changed))


@pytest.mark.parametrize("question", QUESTIONS)
def test_answers_are_identical_cold_and_remembered(starter, question):
    memo.clear()
    cold = to_json(ask(starter, question, mode="lexical"))
    assert to_json(ask(starter, question, mode="lexical")) == cold
    memo.clear()
    assert to_json(ask(starter, question, mode="lexical")) == cold
