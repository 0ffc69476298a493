"""Direction of a study's finding from its results and conclusions sentences.

Cue-based: explicit null findings ("no significant difference", "not superior to
placebo") are checked before positive cues, because null trials often also report
improvement within both arms.
"""
from __future__ import annotations

import re

DIRECTIONS = ("favours", "no_difference", "against", "unclear")

_NULL = re.compile(
    r"\b(?:no (?:statistically )?significant (?:difference|benefit|effect|improvement|change|reduction)s?|"
    r"no (?:meaningful |clinically (?:meaningful|relevant|important) )?(?:statistical )?differences?|"
    r"(?:did|does|do) not (?:alter|affect|modify|influence)|"
    r"(?:did|does|was|were) not (?:significantly )?(?:differ|improve|reduce|decrease|change|lessen|show|outperform|superior)\w*|"
    r"not (?:statistically )?(?:significant(?:ly)?|superior|better|more effective)|"
    r"no (?:better|more effective) than|failed to (?:show|demonstrate|reduce|improve)|no (?:clear |clinically meaningful )?(?:benefit|effect|advantage)|"
    r"not associated with|no association|comparable to placebo|similar to placebo|no difference)\b", re.I)
_AGAINST = re.compile(r"\b(?:worsen\w*|increased pain|more adverse|harm(?:ful)?|deteriorat\w*|"
                      r"inferior to)\b", re.I)
_FAVOURS = re.compile(
    r"\b(?:significant(?:ly)? (?:reduc|improv|decreas|lower|better|relie|fewer|less)\w*|"
    r"effective|efficacious|beneficial|improve[sd]?|improvement|reduc(?:ed|tion|es)|decreas(?:ed|e)|"
    r"relie(?:f|ved)|remission|resolved|positively associated|lessened|benefit(?:ed|s)?|"
    r"went from|fell|dropped|declined|ceased|subsided|disappeared|"
    r"favou?r(?:s|ed)? (?:the )?(?:\w+ )?(?:treatment|drug|naltrexone|intervention)|superior to)\b", re.I)
_HEDGE = re.compile(r"\b(?:may|might|could|warrant|further (?:research|studies|trials)|"
                    r"more research|larger (?:trials|studies)|pilot)\b", re.I)


def sentence_direction(sentence: str) -> str:
    if _NULL.search(sentence):
        return "no_difference"
    if _AGAINST.search(sentence):
        return "against"
    if _FAVOURS.search(sentence):
        return "favours"
    return "unclear"


def study_direction(sentences: list[str]) -> str:
    """Majority of the decisive sentences; a null finding outweighs an equal positive count."""
    votes = {"favours": 0, "no_difference": 0, "against": 0}
    for s in sentences:
        d = sentence_direction(s)
        if d in votes:
            votes[d] += 1
    if not any(votes.values()):
        return "unclear"
    best = max(votes.values())
    for d in ("no_difference", "against", "favours"):
        if votes[d] == best:
            return d
    return "unclear"
