"""How a drug is used, from the sentences that state doses: start, titration, usual range,
maximum, timing and onset, each part quoted from (and citing) the sentences that state it.

The parts are the ones a prescribing summary gives (e.g. the BNF's "Dose" and "Directions
for administration" headings); the cue words are general dosing language, never a drug's.
"""
from __future__ import annotations

import re

from ..enrich.numbers import DOSE
# Part of a regimen -> the words that say a sentence states it.
PARTS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("Starting dose", re.compile(r"\b(?:start(?:ed|ing)?|initial(?:ly)?|begin|began|first dose|commenc\w*|"
                                 r"loading dose)\b", re.I)),
    ("Titration", re.compile(r"\b(?:titrat\w*|increas\w* (?:by|to|every|gradually|weekly)|escalat\w*|step(?:s|wise)?|"
                             r"every (?:\w+ )?(?:days?|weeks?)|taper\w*|uptitrat\w*|"
                             # a dose per period: "1 mg in month one, 2 mg in month two"
                             r"(?:days?|weeks?|months?) (?:one|two|three|[1-9]))\b", re.I)),
    ("Maximum", re.compile(r"\b(?:maxim\w*|up to|not exceed\w*|ceiling|highest dose)\b", re.I)),
    ("Timing", re.compile(r"\b(?:bedtime|at night|nightly|in the morning|once (?:a )?daily|twice (?:a )?daily|"
                          r"daily|weekly|with food|before meals|after meals|on an empty stomach|hours? before)\b", re.I)),
    ("Onset", re.compile(r"\b(?:onset|within \w+ (?:days?|weeks?|months?)|after \w+ (?:days?|weeks?|months?) of|"
                         r"took \w+ (?:days?|weeks?)|first (?:weeks?|months?))\b", re.I)),
    ("Usual dose", re.compile(r"\b(?:dos(?:e|es|ing|age)|received|given|administered|treated with|range[ds]?)\b", re.I)),
)


def states_dose(text: str) -> bool:
    return bool(DOSE.search(text))


def part_of(text: str) -> str | None:
    """The regimen part a dose sentence states (the most specific first), or None."""
    if not states_dose(text) and not re.search(r"\btitrat\w*", text, re.I):
        return None
    for name, rx in PARTS:
        if rx.search(text):
            return name
    return "Usual dose" if states_dose(text) else None


def doses_in(text: str) -> set[str]:
    """The dose amounts a sentence writes, normalised ("4.5mg" = "4.5 mg"), for merging
    sentences that state the same dose into one statement."""
    return {re.sub(r"\s+", "", m.group(0).lower()) for m in DOSE.finditer(text)}
