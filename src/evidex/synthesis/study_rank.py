"""The order the studies are told in: a learned ranker of how squarely each study answers the question.

An answer tells its leading studies one by one (Key Studies, the first key points), so the study
that studied what was asked must come first. Several signals say so and none alone is enough:
how many of the question's terms the record holds and its title names (coordination-level
matching, ``select.question_fit``), whether it is direct evidence or differs in a PICO facet
(GRADE 5.2.4), its design and size, how well its best sentences match the question (the dense and
lexical match of ``select.score_studies``), and where retrieval put it. A conditional logit (a
softmax over each question's studies) weighs them (``models/study_rank.json``, trained by ``scripts/train_study_rank.py`` on the read clinician
question sets, with held-out folds by set: the study each question was written from is the one
it asks about). Without the model file the order is the hand-set one it replaced.
"""
from __future__ import annotations

import math
from collections.abc import Callable

from ..enrich import models
from ..query import Query
from .evidence import Study
from .select import Scored, question_fit
from .topical import question_terms, word_keys

_RELEVANCE_RANK = {"direct": 0, "indirect": 1, "background": 2}
_DESIGN_GROUPS = {"meta_analysis": "pooled", "systematic_review": "pooled", "narrative_review": "review",
                  "rct": "rct", "non_randomised_trial": "observational", "cohort": "observational",
                  "case_control": "observational", "case_series": "case", "case_report": "case"}
_FINDING_ROLES = ("results", "conclusions")


def features(query: Query, s: Study, position: int, fit: float, scored: list[Scored], hand: int) -> dict[str, float]:
    """The ranker's inputs for one study (0 to 1, question fit to 1.5); ``position``: its place in
    retrieval order, ``hand``: in the hand-set order (``hand_order``)."""
    terms = question_terms(query)
    title = len(terms & word_keys(s.record.title)) / len(terms) if terms else 0.0
    findings = [x.match for x in scored if x.role in _FINDING_ROLES]
    group = _DESIGN_GROUPS.get(s.design, "other")
    f = {"fit": fit, "hand": 1.0 / (1 + hand), "hand_first": float(hand == 0), "title": title, "direct": float(s.relevance == "direct"),
         "related": float(s.candidate.related), "retrieval": 1.0 / (1 + position),
         "logn": math.log10((s.n or 0) + 1) / 4, "no_n": float(not s.n),
         "best_match": max((x.match for x in scored), default=0.0), "best_finding": max(findings, default=0.0),
         "title_match": max((x.match for x in scored if x.role == "title"), default=0.0),
         f"design={group}": 1.0}
    for facet in ("population", "comparator", "outcome"):
        f[f"differs={facet}"] = float(facet in s.differs)
    return f


def _params() -> dict | None:
    return models.params_or_none("study_rank")


def score(params: dict, f: dict[str, float]) -> float:
    """A linear model's score of features ``f``: its bias plus the weighted features (here, higher: a
    study told earlier; ``key_sentences`` orders sentences by the same sum of its own model)."""
    return params["bias"] + sum(params["coef"].get(k, 0.0) * v for k, v in f.items())


def rank_studies(query: Query, studies: list[Study], scored: dict[str, list[Scored]]) -> list[Study]:
    """``studies`` (in retrieval order) best first (``rank_shares``)."""
    return rank_shares(query, studies, scored)[0]


def rank_shares(query: Query, studies: list[Study], scored: dict[str, list[Scored]]
                ) -> tuple[list[Study], dict[str, float]]:
    """``studies`` (in retrieval order) best first, by the model's score, else by relevance, related
    records, question fit and retrieval score (the order before the model); and each study's
    share of the model's softmax over them (record id -> its probability of being the study the
    question asks about; empty without the model)."""
    measure = question_fit(query)
    fits = {id(s): measure(s) for s in studies}        # (each record's words read once)

    def fit(s: Study) -> float:
        return fits[id(s)]
    hand = hand_order(studies, fit)
    params = _params()
    if params is None or not studies:
        return [studies[i] for i in hand], {}
    place = {i: r for r, i in enumerate(hand)}
    keyed = [(-score(params, features(query, s, i, fit(s), scored.get(s.record.id, []), place[i])), place[i], s)
             for i, s in enumerate(studies)]
    top = min(k for k, *_ in keyed)
    odds = {s.record.id: math.exp(top - k) for k, _, s in keyed}
    total = sum(odds.values())
    return [s for *_, s in sorted(keyed, key=lambda t: t[:2])], {i: v / total for i, v in odds.items()}


def hand_order(studies: list[Study], fit: Callable[[Study], float]) -> list[int]:
    """Indices of ``studies`` in the hand-set order: direct first, then related records, question fit
    and retrieval score."""
    return sorted(range(len(studies)), key=lambda i: (_RELEVANCE_RANK[studies[i].relevance],
                                                      not studies[i].candidate.related, -fit(studies[i]),
                                                      -studies[i].candidate.score))
