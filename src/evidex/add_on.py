"""What an asked treatment is added to: "In trauma patients on morphine, does adding naltrexone cut
nausea?", "adding LDN to topical clobetasol", "already on an ACE inhibitor and a diuretic - will
adding bisoprolol help?".

An add-on trial keeps the treatment already taken in every arm and compares the added drug with
nothing, or a placebo, on top of it (the "add-on" design of ICH E10, Choice of Control Group in
Clinical Trials, 2000): the comparison the question asks for is with that treatment alone, and
the treatment already taken is not an intervention asked about (a study of morphine alone does
not answer whether naltrexone helps). Only treatments count as taken: a vocabulary name or an
INN stem ("on exertion", "on the ward" name none), or after "adding X to" a short phrase that
names no aim, dose, outcome or people ("her calcium and vitamin D", not "to fewer suicides").
"""
from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

from .people import is_population
from .phrases import clean, same_drug, treatments_in, unique

if TYPE_CHECKING:
    from .query import Query

# "add X to Y", "tack X onto Y", "mix X into Y" (not "mixed results", "mixed episodes", "change tack")
_TACK = r"(?<!change )(?<!changed )(?<!changing )\btack(?:s|ed|ing)?"
_ADDS = re.compile(r"\b(?:add(?:s|ed|ing)?|add-on)\b|\bon top of\b|" + _TACK + r"\b.{0,80}?\bon(?:to)?\b|"
                   r"\bmix(?:es|ed|ing)?\b.{0,80}?\binto\b", re.I)
# Where a phrase naming what is taken ends: the question's verb, a comparison, a clause or a dash.
END = (r"(?=\s+(?:help|helps|improve|reduce|cut|work|make|give|keep|prevent|protect|bring|calm|lower|raise|alter|"
        r"change|prolong|shorten|lead|in|for|than|more|better|compared|versus|vs\.?|after|during|when|if|who|whose|"
        r"which|but|will|would|does|do|is|are|should|can|could|on|to|onto|into)\b|\s*[?.;:(]|,\s+(?:and|but|or|does|do|is|"
        r"would|will|should|can|could|what|how|if)\b|\s+[-\u2013\u2014]+\s|$)")
# "adding X to Y", "X added to Y", "add X on top of Y", "tack X onto Y", "mix X into Y" (new: X, taken: Y)
# (not "mixed into the same syringe as morphine": a compatibility question)
_ADD_TO = re.compile(r"(?:\badd(?:s|ed|ing)?\b(?P<add>.{0,80}?)\b(?:to|on top of)|" + _TACK + r"\b(?P<tack>.{0,80}?)"
                     r"\bon(?:to)?|\bmix(?:es|ed|ing)?\b(?P<mix>.{0,80}?)\binto)\s+(?!the\s+same\b)(?P<taken>.{2,80}?)" + END, re.I)
# "patients on morphine", "already taking metformin", "still manic despite lithium or valproate" (not "not on")
TAKING = re.compile(r"(?<!not )(?<!never )(?<!no longer )\b(?:on|taking|receiving|treated with|despite)\s+(.{2,80}?)"
                    + END, re.I)
_ADDED = re.compile(r"(?:\badd(?:s|ed|ing)?|" + _TACK + r")\s+(.{1,60}?)" + END, re.I)
# "when the sulphonylurea alone isn't enough": a treatment written "alone" in an add-on question is the one taken
_ALONE_WORDS = r"(?:alone|on (?:its|their) own|by itself)\b"
_ALONE = re.compile(r"((?:[\w-]+\s+){1,3}?)" + _ALONE_WORDS, re.I)
# "a low-dose estrogen tablet plus calcium - or is calcium on its own enough?": given with X, then asked alone
# (or taken first: "metformin plus sitagliptin - or is metformin on its own enough?")
_ALONE_AFTER = r"(?=.*?\b{0}\s+" + _ALONE_WORDS + ")"
# "... protect her hips, or would calcium alone do just as well?": the other option is the treatment taken alone
_OR_ALONE = re.compile(r"\bor\s+(?:would|is|does|will|could|can|should|might)\s+(?:(?:his|her|their|the|a|an)\s+)?"
                       r"([\w-]+(?:\s+[\w-]+)?)\s+" + _ALONE_WORDS, re.I)
_WITH_THEN_ALONE = re.compile(r"\b(?:plus|with|and|\+)\s+(?:(?:his|her|their|the|a|an)\s+)?([\w-]+(?:\s+[\w-]+)?)\b" +
                              _ALONE_AFTER.format(r"\1") + r"|\b([\w-]+)\s+(?:plus|with|and|\+)\s+" +
                              _ALONE_AFTER.format(r"\2"), re.I)
# "adding X to improve control", "up to 300 mg", "to fewer suicides", "(needing) to be listed", "(feel better) day
# to day": an aim, a dose, an outcome or an idiom, not what X is added to.
_AIM = re.compile(r"^(?:improve|reduce|help|cut|prevent|control|lower|treat|manage|get|keep|make|bring|boost|stop|"
                  r"see|achieve|avoid|relieve|ease|speed|fewer|more|less|better|worse|higher|"
                  r"be|being|been|have|feel|stay|remain)\b|^(?:day|date|time|face)\W*$|\d", re.I)
_OWNER = re.compile(r"^(?:(?:his|her|their|the|a|an|my|our|its|your)\s+)+", re.I)


def _named(taken: str) -> list[tuple[str, str]]:
    """What "adding X to <taken>" adds X to when no treatment name is found in it: a short phrase
    ("her calcium and vitamin D", "topical clobetasol"), not an aim, dose, outcome or population."""
    phrase = _OWNER.sub("", taken.strip(" ,.?;:"))
    if not clean(phrase) or _AIM.search(phrase) or len(phrase.split()) > 4 or is_population(phrase):
        return []
    return [(clean(phrase), phrase)]


def added_to(question: str) -> list[tuple[str, str]]:
    """(name, as written) of each treatment the question's asked one is added to; [] when it adds nothing."""
    if both := _WITH_THEN_ALONE.search(question) or _OR_ALONE.search(question):
        phrase = next(g for g in both.groups() if g)
        return treatments_in(phrase) or _named(phrase)
    if not _ADDS.search(question):
        return []
    added = " ".join(m.group(1) for m in _ADDED.finditer(question))
    # (only "add X to Y" may add to a phrase no treatment name is found in: "mixed states that turn into
    # depression", "mix it into applesauce", "tack X on for a patient" add to nothing)
    pairs = [(next(g for g in m.group("add", "tack", "mix") if g is not None), m.group("taken"), m.group("add") is not None)
             for m in _ADD_TO.finditer(question)] + \
        [(added, m.group(1), False) for m in TAKING.finditer(question)]
    out: list[tuple[str, str]] = []
    for new_text, taken, named in pairs:
        new = treatments_in(new_text)
        found = treatments_in(taken) or (_named(taken) if named else [])
        out += [t for t in found if not any(same_drug(t[0], n) for n, _ in new)
                and not any(same_drug(t[0], o) for o, _ in out)]
    return out


def with_add_on(query: Query) -> Query:
    """``query`` with the treatments already taken moved out of its interventions into ``added_to``
    (its implied comparator is then those treatments alone). Not for a question naming its own
    comparator, nor for "Can a patient on X take Y?" (``co_treatments``: the harm of the two together;
    "on metformin - add nateglinide? any PK interaction?" is an add-on asked for its interaction too)."""
    if query.comparators or query.co_treatments:
        return query
    taken = added_to(query.question)
    if not taken:
        return query
    # "adding rituximab to CHOP" may reach here as one name, "rituximab to chop": the added drug alone
    names = [re.split(r"\s+(?:to|on top of|onto|into)\s+", i)[0] for i in query.interventions]
    # the treatment taken named again by its class ("tack metformin onto glibenclamide when the sulphonylurea
    # alone isn't enough"): neither is asked
    alone = [n for m in _ALONE.finditer(query.question) for n, _ in treatments_in(m.group(1))]
    asked = tuple(unique(i for i in names if not any(same_drug(i, n) for n, _ in taken + [(a, a) for a in alone])))
    if not asked:
        # only what is taken was read as asked ("adding insulin to metformin"): the added drug is the one asked
        asked = tuple(unique(n for m in _ADDED.finditer(query.question)
                             for n, _ in treatments_in(m.group(1)) or _named(m.group(1))
                             if not any(same_drug(n, t) for t, _ in taken)))
    return replace(query, interventions=asked, added_to=tuple(w for _, w in taken)) if asked else query
