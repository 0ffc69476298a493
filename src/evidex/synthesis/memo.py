"""Remembered per-study work of an answer: the same record reached by another question (or by
the same one again) needs no second reading.

Both functions are pure, and each is keyed by everything its result depends on: a sentence's
answer-section roles by its text and section label; a study's evidence-table facts by the
record itself (all its compared fields: a record changed in the store is another key), its
passages and the asked intervention. So an answer is the same whether a value is remembered
or computed; only the time differs. The tables are bounded (least recently used dropped),
as ``enrich.roles.sentence_roles`` is.
"""
from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from ..enrich.trial import TrialFacts, trial_facts
from ..records import Passage, Record
from .roles import roles_of

__all__ = ["clear", "passage_roles", "study_facts"]


@lru_cache(maxsize=16384)
def passage_roles(text: str, section: str) -> frozenset[str]:
    """``frozenset(roles_of(text, section))``: the cue search is the largest cost of a study."""
    return frozenset(roles_of(text, section))


@lru_cache(maxsize=2048)
def _facts(record: Record, passages: tuple[Passage, ...], hint: str) -> TrialFacts:
    return trial_facts(record, passages, hint)


def study_facts(record: Record, passages: Sequence[Passage], intervention_hint: str = "") -> TrialFacts:
    """``enrich.trial.trial_facts`` (frozen facts, shared safely), remembered: about 12 ms a study."""
    return _facts(record, tuple(passages), intervention_hint)


def clear() -> None:
    """Forget everything (a benchmark measuring a cold answer)."""
    passage_roles.cache_clear()
    _facts.cache_clear()
