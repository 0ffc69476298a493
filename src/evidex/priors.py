"""Priors for ``ask``'s hybrid ranking (``retrieve``), added to the fused score in [0, 1].

Evidence level follows the design hierarchy of enrich/design.py (OCEBM 2011 levels of
evidence); recency favours the last 15 years; population match is the asked condition among
the record's conditions. Size: a trial's or review's stated participants, on a log scale
(10,000 or more: the whole prior); GRADE's precision grows with the information size, so the
largest trials lead a body.
"""
from __future__ import annotations

import math

from .query import Query
from .records import Appraisal

LEVEL_PRIOR, RECENCY_PRIOR, POPULATION_PRIOR, SIZE_PRIOR = 0.06, 0.03, 0.05, 0.1
RECENCY_YEARS = 15


def prior(a: Appraisal, year: int | None, query: Query, this_year: int) -> float:
    level = LEVEL_PRIOR * max(0, 5 - a.level) / 4
    if a.n and a.design in ("rct", "meta_analysis", "systematic_review"):
        level += SIZE_PRIOR * min(1.0, math.log10(a.n) / 4)
    recency = RECENCY_PRIOR * max(0.0, 1 - (this_year - year) / RECENCY_YEARS) if year else 0.0
    population = POPULATION_PRIOR if set(a.conditions) & set(query.conditions) else 0.0
    return level + recency + population
