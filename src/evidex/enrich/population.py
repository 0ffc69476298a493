"""Who was studied, in the abstract's own words: the noun phrase that carries the study's n.

An evidence table's population cell is most useful as the trial wrote it ("80 elderly patients
with chronic heart failure", "1052 osteoarthritis patients", "54,845 postmenopausal women"):
CONSORT for abstracts (item "Participants": eligibility criteria and setting) asks for exactly this
beside the count. The phrase is cut from the sentence that states the total n (``arm_counts.total_of``),
so every number in it is written in a passage the row cites.
"""
from __future__ import annotations

import re

from ..text import numbers_in
from .numbers import _COUNT, _PEOPLE

# The count, up to five describing words ("elderly", "postmenopausal United States"), the people noun.
_HEAD = re.compile(r"(" + _COUNT + r")\s+((?:[\w,'-]+\s+){0,5}?)" + _PEOPLE + r"\b", re.I)
# What may qualify the people noun: a "with"/"aged"/"who" phrase and their kin (not "in"/"on",
# which more often start the setting or the schedule than the population).
_QUALIFIER_WORDS = ("with|aged|who|undergoing|receiving|suffering|having|admitted|presenting|requiring|"
                    "scheduled|attending|awaiting|diagnosed")
_QUALIFIER = re.compile(r"\s+(?:" + _QUALIFIER_WORDS + r")\b", re.I)
_QUALIFIED = re.compile(r"\b(?:" + _QUALIFIER_WORDS + r")\b", re.I)
# Where the qualifier ends: punctuation that closes the phrase, or the sentence's main verb.
_STOP = re.compile(r"[;:()\[\]]|,(?!\d{3})|\.(?!\d)|\s(?:were|was|are|is|had been|have been|randomi[sz]ed|randomly|assigned|"
                   r"allocated|entered|completed|received|underwent|participated|took part|enrolled|recruited|"
                   r"and were|and then|to receive|to either)\b", re.I)
# After "randomised 120 adults ...", "to" starts the arms ("... to sertraline or placebo"), not a range.
_TO_ARMS = re.compile(r"\sto\s(?!\d)", re.I)
_ALLOCATED = re.compile(r"randomi|randomly|assigned|allocated", re.I)
_MAX_QUALIFIER_WORDS = 16
# A qualifier cut before its object ("with a", "aged between") is no phrase: it is left out.
_DANGLING = frozenset("a an the of with and or to for by in on at between from than who".split())


def population_phrase(sentence: str, count_span: str) -> str | None:
    """The phrase naming who was counted in ``count_span`` (a ``numbers.Count`` span of
    ``sentence``), or None when the count is not said of a people noun ("n = 31")."""
    at = sentence.find(count_span) if count_span else -1
    if at < 0:
        return None
    head = _HEAD.search(sentence, at, at + len(count_span) + 80)
    if head is None or head.start() > at + len(count_span):
        return None
    if _STOP.search(head.group(2) or ""):
        return None    # "120 (60 per arm) ... patients": the describing words cross a clause
    end = head.end()
    qual = _QUALIFIER.match(sentence, end)
    if qual is not None:
        stop = _STOP.search(sentence, qual.end())
        stop_at = stop.start() if stop else len(sentence)
        arms = _TO_ARMS.search(sentence, qual.end(), stop_at) if _ALLOCATED.search(count_span) else None
        stop_at = arms.start() if arms else stop_at
        words = sentence[end:stop_at].split()
        if 1 < len(words) <= _MAX_QUALIFIER_WORDS and words[-1].lower() not in _DANGLING:
            end = stop_at
    phrase = sentence[head.start():end].strip()
    # a cut never splits a number ("38,151" read as "38"): the phrase states only the sentence's numbers
    return phrase if numbers_in(phrase) <= numbers_in(sentence) else None


def qualified(phrase: str) -> bool:
    """Whether a population phrase says who beyond the count ("patients with angina ...")."""
    return _QUALIFIED.search(phrase) is not None


__all__ = ["population_phrase", "qualified"]
