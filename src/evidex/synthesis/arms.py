"""Which arm of a head-to-head trial a finding favours.

A reporting cue ("reduced", "more effective", "slower decline") says that a difference was
found, not which arm it favours. Abstracts name the arm that did better as the subject of the
sentence ("Ramipril, compared with amlodipine, retards progression"; "compared with the
amlodipine group, the ramipril group had a 38% reduced risk"): the first arm named outside a
comparison phrase ("compared with", "versus", "than"). For "Is A better than B?" a finding whose
subject is B favours B: the study is *against* A (GRADE reads direction relative to the asked
comparison). A control arm (placebo, usual care) is not oriented this way: sentences often
make it the subject of the worse result ("the placebo group had more pain").
"""
from __future__ import annotations

import re

_OBJECT_OF_COMPARISON = re.compile(r"(?:compared (?:with|to)|versus|vs\.?|than|over|relative to|against|and)"
                                   r"\s+(?:the\s+|a\s+|an\s+|those\s+(?:on|receiving|given)\s+)?$", re.I)


def _first_subject_mention(text: str, forms: list[str]) -> int | None:
    """Where ``text`` first names one of ``forms`` other than as the object of a comparison."""
    low = text.lower()
    best = None
    for f in forms:
        for m in re.finditer(r"\b" + re.escape(f.lower()) + r"\w*", low):
            if _OBJECT_OF_COMPARISON.search(low[:m.start()]):
                continue
            best = m.start() if best is None else min(best, m.start())
            break
    return best


def favoured_arm(text: str, asked: list[str], comparator: list[str]) -> str:
    """"asked", "comparator" or "" (no arm named as the sentence's subject)."""
    a, b = _first_subject_mention(text, asked), _first_subject_mention(text, comparator)
    if a is None and b is None:
        return ""
    if b is None or (a is not None and a < b):
        return "asked"
    return "comparator"


def oriented(favouring: list[str], asked: list[str], comparator: list[str]) -> str:
    """favours | against for a study whose findings (``favouring``: the sentences with a
    positive reporting cue) found a difference: against when more of them make the
    comparator their subject than the asked treatment."""
    votes = [favoured_arm(t, asked, comparator) for t in favouring]
    return "against" if votes.count("comparator") > votes.count("asked") else "favours"
