"""The study ranker (issue 9, item 3: passage and study selection by a learned model, not keyword
lists): its model file, its features, and the order it gives."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from evidex.enrich.models import load, params_sha
from evidex.query import parse_question
from evidex.synthesis import study_rank
from evidex.synthesis.select import Scored, question_fit

QUESTION = "Does rabeprazole heal gastric ulcers faster than omeprazole?"


def _study(title: str, body: str = "", relevance: str = "direct", design: str = "rct", n: int | None = 200,
           differs: tuple[str, ...] = (), score: float = 0.5, related: bool = True):
    record = SimpleNamespace(id=title, title=title, text=lambda: f"{title}. {body}")
    return SimpleNamespace(record=record, relevance=relevance, design=design, n=n, differs=differs,
                           direction="favours", candidate=SimpleNamespace(related=related, score=score))


def _scored(study, match: float) -> list[Scored]:
    passage = SimpleNamespace(text=study.record.title, section="TITLE", seq=0)
    return [Scored(passage, "title", match, match), Scored(passage, "results", match, match)]


def test_the_model_describes_itself_and_was_measured_on_held_out_folds():
    data = load("study_rank")
    m = data["manifest"]
    assert m["trained_by"] == "scripts/train_study_rank.py" and m["params_sha"] == params_sha(data["params"])
    folds = m["folds_by_set_5"]
    # shipped because it put the gold study first more often than the hand-set order on held-out sets
    assert folds["model_top1"] > folds["hand_top1"] and folds["questions"] >= 700
    # the newest question set is never trained on
    assert m["held_out_sets"] and not set(m["held_out_sets"]) & set(m["sets"])


def test_every_weight_is_one_of_the_features():
    query = parse_question(QUESTION)
    s = _study("Rabeprazole versus omeprazole in gastric ulcer", design="case_report")
    names = set(study_rank.features(query, s, 0, 1.0, _scored(s, 0.5), 0))
    names |= {f"design={g}" for g in ("pooled", "review", "rct", "observational", "case", "other")}
    assert set(load("study_rank")["params"]["coef"]) <= names


def test_the_study_that_studied_what_was_asked_leads_where_the_hand_set_order_did_not_put_it():
    """The hand-set order put every direct study first; the model weighs how squarely a study matches
    the question against a facet it differs in (here its outcome)."""
    query = parse_question(QUESTION)
    on_point = _study("Rabeprazole versus omeprazole for healing gastric ulcers",
                      "Rabeprazole healed gastric ulcers as fast as omeprazole.", relevance="indirect",
                      differs=("outcome",), score=0.4)
    aside = _study("Omeprazole in reflux oesophagitis", "Omeprazole kept reflux in remission.", score=0.6)
    scored = {on_point.record.id: _scored(on_point, 0.8), aside.record.id: _scored(aside, 0.3)}
    fit = question_fit(query)
    assert study_rank.hand_order([aside, on_point], fit) == [0, 1]        # the hand-set order: aside first
    assert study_rank.rank_studies(query, [aside, on_point], scored) == [on_point, aside]
    ranked, shares = study_rank.rank_shares(query, [aside, on_point], scored)
    assert ranked == [on_point, aside]
    # each study's probability of being the one asked about: they sum to one, the leader's the largest
    assert sum(shares.values()) == pytest.approx(1.0)
    assert shares[on_point.record.id] > shares[aside.record.id] > 0


def test_without_the_model_file_the_hand_set_order_is_kept(monkeypatch):
    monkeypatch.setattr(study_rank, "_params", lambda: None)
    query = parse_question(QUESTION)
    indirect = _study("Rabeprazole versus omeprazole for healing gastric ulcers", relevance="indirect",
                      differs=("population",))
    direct = _study("A trial in another setting", score=0.1)
    assert study_rank.rank_studies(query, [indirect, direct], {}) == [direct, indirect]
    assert study_rank.rank_shares(query, [indirect, direct], {}) == ([direct, indirect], {})


@pytest.mark.parametrize("n, expected", [(None, 0.0), (9999, 1.0)])
def test_size_is_read_on_a_log_scale(n, expected):
    query = parse_question(QUESTION)
    s = _study("Rabeprazole in gastric ulcer", n=n)
    assert study_rank.features(query, s, 3, 0.5, [], 2)["logn"] == pytest.approx(expected)
