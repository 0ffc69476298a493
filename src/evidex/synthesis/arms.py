"""Which arm of a head-to-head trial a finding favours.

A reporting cue ("reduced", "more effective", "slower decline") says that a difference was
found, not which arm it favours. Abstracts name the arm that did better as the subject of the
sentence ("Ramipril, compared with amlodipine, retards progression"; "compared with the
amlodipine group, the ramipril group had a 38% reduced risk"): the first arm named outside a
comparison phrase ("compared with", "versus", "than"). For "Is A better than B?" a finding whose
subject is B favours B: the study is *against* A (GRADE reads direction relative to the asked
comparison). A control arm (placebo, usual care) is not oriented this way: sentences often
make it the subject of the worse result ("the placebo group had more pain").

The arm that had *more of a harm* is the worse one: "oedema occurred more often with amlodipine
than with lercanidipine" favours lercanidipine, though amlodipine is the subject.
"""
from __future__ import annotations

import re

from ..vocab import find_terms

_OBJECT_OF_COMPARISON = re.compile(r"(?:compared (?:with|to)|versus|vs\.?|than|over|relative to|against)\s+"
                                   r"(?:(?:that|those)\s+)?(?:(?:with|in|on|for|among|after|of)\s+)?"
                                   r"(?:the\s+|a\s+|an\s+|those\s+(?:on|receiving|given)\s+)?"
                                   # a coordinated object: "compared with the metoprolol and amlodipine groups"
                                   r"(?:[\w-]+\s*(?:,\s*|\s+(?:and|or)\s+)(?:the\s+)?){0,2}$", re.I)


def _mentions(text: str, forms: list[str]) -> tuple[int | None, bool]:
    """(where ``text`` first names one of ``forms`` other than as the object of a comparison,
    whether it names one as such an object)."""
    # Numbers in brackets between coordinated arms ("than with candesartan (24%, P=0.05) and
    # lisinopril (39%)") are blanked, keeping offsets, so the second arm is seen as an object too.
    low = re.sub(r"\([^()]*\)", lambda m: " " * len(m.group()), text.lower())
    first, as_object = None, False
    for f in forms:
        for m in re.finditer(r"\b" + re.escape(f.lower()) + r"\w*", low):
            if _OBJECT_OF_COMPARISON.search(low[:m.start()]):
                as_object = True
            elif first is None or m.start() < first:
                first = m.start()
    return first, as_object


# "B was significantly more effective than drug treatment": a comparative whose object is an
# active arm in the study's own words (not a control), said with B as its subject.
_BEATS_ACTIVE = re.compile(r"\b(?:more effective|more efficacious|better|superior)\b[^.;]{0,30}?\b(?:than|to|over)\s+"
                           r"(?!(?:the\s+|a\s+)?(?:placebo|control|sham|usual|standard|no\b|baseline|vehicle))", re.I)


def favoured_arm(text: str, asked: list[str], comparator: list[str]) -> str:
    """"asked", "comparator" or "": the arm the sentence makes its subject while the other is
    the object of its comparison. A sentence naming one arm only ("with metoprolol, scores fell
    from baseline") or both as subjects ("both carvedilol and metoprolol improved") compares
    neither with the other."""
    (a, a_object), (b, b_object) = _mentions(text, asked), _mentions(text, comparator)
    if a is not None and b_object and (b is None or a < b):
        return "asked"
    if b is not None and a_object and (a is None or b < a):
        return "comparator"
    if a is None and b is not None and _BEATS_ACTIVE.search(text, b):
        # The asked arm named otherwise ("drug treatment" for oxybutynin) as what B beat.
        return "comparator"
    return ""


# More of something (the words after the comparative), or something (the words before it) occurring
# more often; a harm is a disease or symptom the vocabulary knows, or an adverse event.
_MORE_OF = re.compile(r"\b(?:more|higher|greater|increased|excess)\b((?:\s+(?:[\w-]+|\(\w+\)|of|rates?)){1,6})", re.I)
_MORE_OFTEN = re.compile(r"\b(?:more (?:often|frequently|common(?:ly)?)|(?:occurred|was|were) more)\b", re.I)
_ADVERSE = re.compile(r"\b(?:adverse|side[- ]effects?|toxicity|complications?|withdrawals?|discontinuations?)\b", re.I)
_BENEFIT = re.compile(r"\b(?:reduc\w*|relie\w*|improv\w*|decreas\w*|remission|respon\w*|control\w*|heal\w*|"
                      r"efficacy|effective\w*|benefit\w*|success\w*|free|(?<!side )(?<!side-)effects?)\b", re.I)


def _is_harm(span: str) -> bool:
    return not _BENEFIT.search(span) and (_ADVERSE.search(span) is not None
                                          # "edema-related symptoms": the disease inside a compound
                                          or bool(find_terms(span.replace("-", " "), ("condition",))))


def more_harm(text: str) -> bool:
    """Whether the sentence reports more of a harm in the arm it makes its subject."""
    if any(_is_harm(m.group(1)) for m in _MORE_OF.finditer(text)):
        return True
    often = _MORE_OFTEN.search(text)
    return often is not None and _is_harm(text[:often.start()])


# Less of a harm ("fewer EPS"; not "lower", which also names a limb) or more improvement (not "no further
# improvement"), said of the sentence's subject before its harm ("with fewer EPS but more weight gain").
_LESS_OF = re.compile(r"\b(?:fewer|less)\b((?:\s+(?:[\w-]+|\(\w+\)|of|rates?)){1,6})", re.I)
_GAIN = re.compile(r"(?<!\bno )\b(?:greater|additional|further|more)\s+improvements?\b", re.I)


def traded_off(text: str) -> bool:
    """Whether a sentence that reports more of a harm in its subject's arm reports a gain for that arm
    first ("olanzapine-treated patients continued to experience additional improvement, with fewer EPS but
    more weight gain than those on haloperidol"): a trade-off that favours neither arm. A gain told after the
    harm may be the other arm's ("..., and lisinopril produced a greater reduction")."""
    harm = next((m.start() for m in _MORE_OF.finditer(text) if _is_harm(m.group(1))), None)
    if harm is None:
        return False
    return any(_is_harm(m.group(1)) for m in _LESS_OF.finditer(text[:harm])) or bool(_GAIN.search(text[:harm]))


def third_arm_won(text: str, asked: list[str], comparator: list[str]) -> bool:
    """Whether the sentence names both arms only as what a third one beat ("the reduction with
    combination treatment was greater than with candesartan or lisinopril"): it says nothing of
    the asked arm against the comparator."""
    (a, a_object), (b, b_object) = _mentions(text, asked), _mentions(text, comparator)
    return a is None and b is None and a_object and b_object


def oriented(favouring: list[str], asked: list[str], comparator: list[str]) -> str:
    """favours | against for a study whose findings (``favouring``: the sentences with a
    positive reporting cue) found a difference: against when more of them make the
    comparator their subject than the asked treatment."""
    flip = {"asked": "comparator", "comparator": "asked", "": ""}
    votes = [("" if traded_off(t) else flip[v]) if more_harm(t) else v
             for t in favouring for v in [favoured_arm(t, asked, comparator)]]
    return "against" if votes.count("comparator") > votes.count("asked") else "favours"
