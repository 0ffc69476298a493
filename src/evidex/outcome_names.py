"""An outcome phrase as a study names it: without the question's words around it.

The grammar of a question leaves words at an outcome's edges that no record writes with it: a
wh-word ("how long"), whom it happens to ("make me drowsier"), how often ("more often"), what it is
weighed over ("pain over 12 weeks"); a comparative is the state compared ("drowsier": drowsiness).
"""
from __future__ import annotations

import re

# Words the grammar can leave at an outcome's edges: a wh-word opens a question, not an outcome
# ("how long", "how common is that"); an object pronoun is whom the outcome happens to ("make me
# drowsier"); a comparative is the state compared ("drowsier": drowsiness, as records write it).
_WH_LED = re.compile(r"^(?:how|what|which|when|why|who|whether)\b", re.I)
_PRONOUN_LED = re.compile(r"^(?:me|him|her|them|us|you|it)\b\s*", re.I)
_NO_OUTCOME = re.compile(r"^(?:(?:actually|really|ever)\s+)?(?:been|be|worth|ok|okay)\b|^$", re.I)
_RISK_OF = re.compile(r"^to\s+(?:an?\s+)?(?:(?:higher|greater|lower|increased|reduced|bigger|smaller)\s+)?"
                      r"(?:risk|rate|chance|odds)\s+of\s+", re.I)
_COMPARATIVE = re.compile(r"^([a-z]{3,})ier$", re.I)     # one word only: "skin barrier" is no comparative
# How often or how much, said after the outcome ("raise liver enzymes more often", "the symptoms
# just"), is no part of its name; an age ("62-year-old") is who, not what.
_ADVERB_TAIL = re.compile(r"(?:\s+(?:more|less)\s+(?:often|frequently|commonly)|\s+(?:just|at all|any ?more|again|either|"
                          r"as well|so much|very much|that much))+$", re.I)
_AGE = re.compile(r"^\d+[- ](?:year|month|week)s?[- ]old$", re.I)
# What an outcome is weighed against or over ("outcomes over low doses", "pain over 12 weeks") is
# no part of it.
_OVER = re.compile(r"\s+over\s+\S.*$", re.I)


def tidy_outcome(phrase: str) -> str:
    """An outcome phrase without the question's words around it, or "" when none is left."""
    phrase = phrase.strip(" -\u2013\u2014,;:")
    if _WH_LED.match(phrase):
        return ""
    phrase = _OVER.sub("", _ADVERB_TAIL.sub("", _RISK_OF.sub("", _PRONOUN_LED.sub("", phrase))))
    if _NO_OUTCOME.match(phrase) or _AGE.match(phrase):
        return ""
    return _COMPARATIVE.sub(r"\1iness", phrase)
