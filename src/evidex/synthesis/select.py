"""Which sentences answer the question: a relevance score for every candidate passage.

Relevance is semantic similarity between the question and the sentence (the wordllama
static embedder that ships inside its wheel: fast enough to score every sentence of every
candidate in one batch), plus the share of the question's content words the sentence
contains, and the sentence's role in its abstract: findings (results, conclusions) answer a
question, aims and methods only describe it (roles from ``enrich.roles``).
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..query import Query
from ..records import Passage
from ..retrieve import STOPWORDS
from ..text import token_set, tokens
from .evidence import Study
from .topical import question_terms, word_keys

# Role of a sentence in its abstract -> how much it can answer a question.
ROLE_WEIGHT = {"results": 1.0, "conclusions": 1.0, "methods": 0.55, "objective": 0.25, "background": 0.3,
               "title": 0.6}
SEMANTIC, LEXICAL = 0.6, 0.4
# A finding that gives its size (a rate, a test, an interval, a ratio) says more than one that
# only says "improved": issue 9 asks for results with their effect sizes.
QUANTIFIED_BONUS = 0.6
QUANTIFIED = re.compile(r"\d\s*(?:%|percent\b)|\b[pP]\s*[<=>\u2264]|\b(?:CI|OR|RR|HR)\b|\bconfidence interval|"
                         r"\b(?:odds|hazard|risk) ratio|\d\s*(?:vs\.?|versus)\s*\d")
# How common a condition is: a share or a rate ("37.7% of patients", "1 in 5", "12 per 1000"). An
# abstract states it in its background as often as in its results (citing the survey it comes
# from), and there it answers "how common is X?" as a finding does.
_FREQUENCY = re.compile(r"\d\s*(?:%|percent\b)|\b\d+\s+(?:in|of|out of)\s+(?:every\s+)?\d+\b|"
                        r"\bper\s+(?:\d[\d,]*|thousand|million)\b|\b(?:prevalence|incidence)\b", re.I)


def _embedder():
    from ..index.embed import get_embedder
    return get_embedder("wordllama")      # loaded once per process, shared with the vector index


@dataclass(frozen=True)
class Scored:
    passage: Passage
    role: str            # abstract role: background | objective | methods | results | conclusions | ""
    relevance: float     # how well the sentence answers the question: its match, more for a finding with its size
    match: float = 0.0   # 0..1: how well the sentence matches the question (what the verdict's stance weighs)


def question_words(query: Query) -> set[str]:
    return {t for t in tokens(query.question) if t not in STOPWORDS and len(t) > 2}


# A question word in a record's title counts half again: the title says what it studied.
FIT_TITLE_WEIGHT = 0.5


def question_fit(query: Query) -> Callable[[Study], float]:
    """How much of the question a study studied: the question's terms (``topical.question_terms``)
    its text holds, those in its title counting half again, over the number of terms (0 to 1.5).

    Among the studies that answer, the one that studied what the question asks (its population,
    comparator, outcome, setting) is told first: coordination-level matching (Salton & McGill,
    Introduction to Modern Information Retrieval, 1983). Measured on the read clinician sets
    (RESULTS.md, session 34), it puts the study a question was written from first far more often
    than ordering by evidence level did; evidence level is weighed by the verdict's certainty."""
    words = question_terms(query)
    if not words:
        return lambda s: 0.0

    def fit(s: Study) -> float:
        return (len(words & word_keys(s.record.text())) +
                FIT_TITLE_WEIGHT * len(words & word_keys(s.record.title))) / len(words)
    return fit


def score_studies(query: Query, studies: list[Study]) -> dict[str, list[Scored]]:
    """record id -> its passages, each with role and relevance (one embedding batch)."""
    items: list[tuple[str, Passage, str]] = []
    for s in studies:
        roles = s.sentence_roles
        for p in s.passages:
            # A title can answer a yes/no question but is never quoted as a finding ("title"
            # is in no section's roles).
            items.append((s.record.id, p, "title" if p.section == "TITLE" else roles.get(p.seq, "")))
    out: dict[str, list[Scored]] = {s.record.id: [] for s in studies}
    if not items:
        return out
    vecs = _embedder().embed([query.question] + [p.text for _, p, _ in items])
    vecs = vecs / np.maximum(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-9)
    sims = vecs[1:] @ vecs[0]
    words = question_words(query)
    counting = query.intent == "epidemiology"
    for (rid, p, role), sim in zip(items, sims):
        if counting and role == "background" and _FREQUENCY.search(p.text):
            role = "results"
        have = set(tokens(p.text))
        overlap = len(words & have) / len(words) if words else 0.0
        base = SEMANTIC * max(0.0, float(sim)) + LEXICAL * overlap
        match = base * ROLE_WEIGHT.get(role, 0.7)
        quantified = role in ("results", "conclusions") and QUANTIFIED.search(p.text) is not None
        out[rid].append(Scored(p, role, match * (1.0 + QUANTIFIED_BONUS * quantified), match))
    return out


def same_statement(a: str, b: str) -> bool:
    """Two sentences that say the same thing (most of their words shared): one statement."""
    ta, tb = token_set(a), token_set(b)
    return bool(ta and tb) and len(ta & tb) / len(ta | tb) >= 0.6
