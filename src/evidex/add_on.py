"""What an asked treatment is added to: "In trauma patients on morphine, does adding naltrexone cut
nausea?", "adding LDN to topical clobetasol", "already on an ACE inhibitor and a diuretic - will
adding bisoprolol help?".

An add-on trial keeps the treatment already taken in every arm and compares the added drug with
nothing, or a placebo, on top of it (the "add-on" design of ICH E10, Choice of Control Group in
Clinical Trials, 2000): the comparison the question asks for is with that treatment alone, and the treatment
already taken is not an intervention asked about (a study of morphine alone does not answer
whether naltrexone helps). Only treatments count as taken (a vocabulary name or an INN stem):
"on exertion", "on the ward" name none.
"""
from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

from .phrases import clean, same_drug, stem_drugs
from .vocab import find_terms

if TYPE_CHECKING:
    from .query import Query

_ADDS = re.compile(r"\b(?:add(?:s|ed|ing)?|add-on)\b|\bon top of\b", re.I)
# Where a phrase naming what is taken ends: the question's verb, a comparison, a clause or a dash.
_END = (r"(?=\s+(?:help|helps|improve|reduce|cut|work|make|give|keep|prevent|protect|bring|calm|lower|raise|alter|"
        r"change|in|for|than|more|better|compared|versus|vs\.?|after|during|when|if|who|whose|which|but|will|would|"
        r"does|do|is|are|should|can|could)\b|\s*[?.;:(]|,\s+(?:and|but|or|does|do|is|would|will|should|can|could|"
        r"what|how|if)\b|\s+[-\u2013\u2014]+\s|$)")
# "adding X to Y", "X added to Y", "add X on top of Y" (group 1: X, group 2: Y)
_ADD_TO = re.compile(r"\b(?:add(?:s|ed|ing)?|added)\b(.{0,80}?)\b(?:to|on top of)\s+(.{2,80}?)" + _END, re.I)
_ADDED_TO = re.compile(r"()\badded\s+to\s+(.{2,80}?)" + _END, re.I)
# "patients on morphine", "already taking metformin", "still manic despite lithium or valproate"
_ON = re.compile(r"\b(?:on|taking|receiving|treated with|despite)\s+(.{2,80}?)" + _END, re.I)
_ADDED = re.compile(r"\b(?:add(?:s|ed|ing)?)\s+(.{1,60}?)(?=\s*[?,;:]|\s+[-\u2013\u2014]|$)", re.I)


# "adding X to improve control": an aim, not what X is added to.
_AIM = re.compile(r"^(?:improve|reduce|help|cut|prevent|control|lower|treat|manage|get|keep|make|bring|boost|stop|"
                  r"see|achieve|avoid|relieve|ease|speed)\b", re.I)


_OWNER = re.compile(r"^(?:(?:his|her|their|the|a|an|my|our|its|your)\s+)+", re.I)


def _treatments(phrase: str) -> list[tuple[str, str]]:
    """(name, as written) of each treatment a phrase names, in its order."""
    found = [(m.canonical, m.text) for m in find_terms(phrase, ("intervention", "comparator"))]
    found += [(w, w) for w in stem_drugs(phrase) if not any(same_drug(w, n) for n, _ in found)]
    return sorted(found, key=lambda t: phrase.lower().find(t[1].lower()))


def added_to(question: str) -> list[tuple[str, str]]:
    """(name, as written) of each treatment the question's asked one is added to; [] when it adds nothing."""
    if not _ADDS.search(question):
        return []
    pairs = [(m.group(1), m.group(2), True) for rx in (_ADD_TO, _ADDED_TO) for m in rx.finditer(question)
             if not _AIM.match(m.group(2))]
    if not pairs:
        added = " ".join(m.group(1) for m in _ADDED.finditer(question))
        pairs = [(added, m.group(1), False) for m in _ON.finditer(question)]
    out: list[tuple[str, str]] = []
    for added, taken, named in pairs:
        new = _treatments(added)
        found = _treatments(taken)
        if not found and named and clean(taken):
            # "adding X to her calcium and vitamin D": what it is added to is a treatment, known or not
            found = [(clean(taken), _OWNER.sub("", taken.strip(" ,.?;:")))]
        out += [t for t in found if not any(same_drug(t[0], n) for n, _ in new)
                and not any(same_drug(t[0], o) for o, _ in out)]
    return out


def with_add_on(query: Query) -> Query:
    """``query`` with the treatments already taken moved out of its interventions into ``added_to``
    (its implied comparator is then those treatments alone). Not for a question naming its own
    comparator, nor for "Can a patient on X take Y?" (``co_treatments``: the harm of the two together)."""
    if query.comparators or query.co_treatments or query.intent == "contraindications":
        return query
    taken = added_to(query.question)
    asked = tuple(i for i in query.interventions if not any(same_drug(i, n) for n, _ in taken))
    if not taken or not asked:
        return query
    return replace(query, interventions=asked, added_to=tuple(w for _, w in taken))
