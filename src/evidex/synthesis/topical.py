"""Which records answer an open question (no vocabulary treatment to anchor on).

``evidence.build_studies`` labels each retrieved record; for an open question ("Is METTL1
overexpression associated with ...?") a record cannot be required to name a drug, so the
records that cover the question's rare words best are its evidence and the rest background.
Works on any study-like objects with ``record`` and ``relevance`` (``evidence.Study``).
"""
from __future__ import annotations

import math
from dataclasses import replace
from typing import TypeVar

from ..phrases import QUESTION_STOPWORDS
from ..query import Query
from ..retrieve import STOPWORDS
from ..text import tokens

S = TypeVar("S")

TOPICAL_SHARE, TOPICAL_MAX, TOPICAL_LEAD = 0.6, 10, 1


def _word_key(word: str) -> str:
    """A word blind to a plural ending ("mucin" and "mucins" are one word)."""
    return word[:-1] if len(word) > 4 and word.endswith("s") and not word.endswith("ss") else word


def question_terms(query: Query) -> set[str]:
    """The question's content words and its treatments as the library names them ("Protonix" is
    read as pantoprazole: ``resolve.brand_names``), blind to plural endings."""
    return {_word_key(t) for t in tokens(" ".join([query.question, *query.interventions, *query.comparators]))
            if t not in STOPWORDS and t not in QUESTION_STOPWORDS and len(t) > 2}


def word_keys(text: str) -> set[str]:
    return {_word_key(t) for t in tokens(text)}


def topical(query: Query, studies: list[S]) -> list[S]:
    """With no intervention to anchor on, the record the hybrid ranking puts first (TOPICAL_LEAD;
    three cost PubMedQA-RR in-sample accuracy 0.68 -> 0.60 on its first 120 questions, the
    distractors diluting the stance) is evidence, and so is any record that covers the question's
    content words nearly as well as the best record does, or that names every word of an
    asked intervention (an open phrase: "trimetazidine"), at most TOPICAL_MAX in all; the rest
    are background. Coverage weighs each word by its rarity among the retrieved records
    (inverse document frequency within the set, Sparck Jones 1972), so the record naming the
    asked entity outweighs one that only shares "effective" and "treatment"."""
    words = question_terms(query)
    if not words:
        return studies
    held = [word_keys(s.record.text()) & words for s in studies]
    n = len(studies)
    idf = {w: math.log((n + 1) / (1 + sum(w in h for h in held))) + 1.0 for w in words}
    total = sum(idf.values())
    cover = [sum(idf[w] for w in h) / total for h in held]
    top = max(cover, default=0.0)
    asked = [ws for ws in ({_word_key(t) for t in tokens(i)} & words for i in query.interventions) if ws]
    names = [any(ws <= h for ws in asked) for h in held]
    # In retrieval order (the ranking already weighs rare words), the leading, the well-covering
    # and the ones naming the asked intervention.
    keep = set([i for i in range(n) if studies[i].relevance != "background" and cover[i] > 0
                and (i < TOPICAL_LEAD or names[i] or cover[i] >= TOPICAL_SHARE * top)]
               [:TOPICAL_MAX])
    return [s if i in keep else replace(s, relevance="background") for i, s in enumerate(studies)]
