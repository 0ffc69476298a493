"""A comparator that points back at the question's own words, read as what it points at.

Questions name the other arm by reference as often as by name: "A plus B, better than either one
on its own?" (each drug alone), "the newer antipsychotics ... than the conventional ones"
(conventional antipsychotics), "giving glyburide two weeks on and two off ... than taking it every
day" (glyburide every day), "ethinyl estradiol with norethindrone ... than the same estrogen taken on
its own" (ethinyl estradiol alone). "One(s)" takes the nearest earlier noun of its number that names
a kind of treatment, else people (English resolves it so); "it", "the same X" and "either one" point
at the asked treatment, or at each drug of the asked combination. A phrase that points at nothing
found is kept as written.
"""
from __future__ import annotations

import re

from .people import PEOPLE_NOUNS
from .phrases import CLASS_NOUN, clean, stem_drugs
from .text import tokens
from .vocab import find_terms

_ALONE_WORDS = r"(?:(?:taken|given|used)\s+)?(?:alone|separately|on (?:its|their) own|by (?:itself|themselves))"
# "either one", "either drug on its own", "one of them alone", "each alone", "either of the two".
_EACH = re.compile(r"(?:either|each|one)(?:\s+(?:one|drug|medicine|medication|treatment|agent|of them|of the two|"
                   r"of these))?(?:\s+" + _ALONE_WORDS + ")?", re.I)
# The same, as the question writes it after the comparison (the grammar drops "either alone" whole).
_EACH_IN_QUESTION = re.compile(r"\b(?:than|versus|vs\.?|compared (?:to|with)|rather than|instead of)\s+(?:\w+ing\s+)?"
                               r"(?:either|each|one of them|them)(?:\s+(?:one|drug|of them))?\s+" + _ALONE_WORDS, re.I)
# "the conventional ones", "normotensive ones", "the older one": an adjective standing for a noun.
_ONES = re.compile(r"(?:(?:the|those|these)\s+)?((?:[\w-]+\s+){1,2})(ones?)", re.I)
# "it every day", "it at bedtime", "it continuously": the asked treatment given otherwise ("than it
# seems" is no regimen).
_IT = re.compile(r"it\s+((?:every|each|daily|once|twice|at|in the|before|after|with|continuously|regularly|"
                 r"intermittently|alone|on its own|by itself)\b.*)", re.I)
# "the same estrogen taken on its own", "the same drug at bedtime".
_SAME = re.compile(r"the same\s+([\w-]+)\s*(.*)", re.I)
# "... than the same estrogen taken on its own": a kind the vocabulary reads as a class, pointing back.
_SAME_ALONE = re.compile(r"\b(?:than|versus|vs\.?|compared (?:to|with)|rather than|instead of)\s+(?:\w+ing\s+)?the same\s+"
                         r"([\w-]+)\s+" + _ALONE_WORDS + r"\b", re.I)
_ALONE = re.compile(_ALONE_WORDS + "$", re.I)
_NOT_ADJECTIVE = {"the", "a", "an", "this", "that", "which", "any", "other", "another", "each", "either", "every"}
_PLURAL = re.compile(r"[a-z][a-z-]{2,}s$")
# A noun that names a kind of treatment by its form ("antipsychotics", "beta-blockers", "drugs").
_TREATMENT_NOUN = re.compile(r"drugs?|medicines?|medications?|treatments?|therap(?:y|ies)|agents?|pills?|tablets?|"
                             r"patch(?:es)?", re.I)
_COMBINED = re.compile(r"\s+(?:plus|and|with)\s+|\s*\+\s*")


def resolved_comparators(comparators: list[str], interventions: list[str],
                         question: str) -> tuple[list[str], list[tuple[str, str]]]:
    """Each comparator phrase as the names it points at (see the module docstring), and (name, as
    written) for a resolved phrase the vocabulary names ("conventional antipsychotics")."""
    out: list[str] = []
    same = _SAME_ALONE.search(question)
    if same and interventions:
        # (the first drug of a combination: "A with B ... than the same estrogen alone" is A alone)
        kind = {m.canonical for m in find_terms(same.group(1), ("intervention", "comparator"))}
        part = _combined(question, same.group(0), interventions)[0]
        comparators = [c for c in comparators if c not in kind and not c.startswith("same ")] + [f"{part} alone"]
    each = _EACH_IN_QUESTION.search(question)
    if each and interventions and not any(_EACH.fullmatch(c.strip()) for c in comparators):
        parts = _combined(question, each.group(0), interventions)
        if len(parts) > 1:
            comparators = [c for c in comparators if c.lower() not in each.group(0).lower()] + [f"{p} alone" for p in parts]
    written: list[tuple[str, str]] = []
    for phrase in comparators:
        names = _referent(phrase, interventions, question)
        out += [] if names else [phrase]
        for name in names:
            term = find_terms(name, ("intervention", "comparator"))
            whole = len(term) == 1 and term[0].text.lower() == name.lower()
            out.append(term[0].canonical if whole else name)
            written += [(term[0].canonical, name)] if whole and term[0].canonical != name else []
    return list(dict.fromkeys(out)), written


def _referent(phrase: str, interventions: list[str], question: str) -> list[str]:
    """The names ``phrase`` points at, or [] when it points at nothing this module reads."""
    text = phrase.strip()
    if _EACH.fullmatch(text) and not re.fullmatch(r"one", text, re.I):
        parts = _combined(question, text, interventions)
        return [f"{p} alone" for p in parts] if len(parts) > 1 else []
    same = _SAME.fullmatch(text)
    if same and interventions:
        rest = _ALONE.sub("alone", same.group(2).strip())
        return [clean(f"{_combined(question, text, interventions)[0]} {rest}")]
    it = _IT.fullmatch(text)
    if it and interventions:
        return [clean(f"{interventions[0]} {_ALONE.sub('alone', it.group(1).strip())}")]
    ones = _ONES.fullmatch(text)
    if ones and not set(tokens(ones.group(1))) & _NOT_ADJECTIVE:
        before = question[:question.lower().rfind(text.lower())]
        noun = _antecedent(before, plural=ones.group(2).lower() == "ones")
        return [f"{clean(ones.group(1))} {noun}"] if noun else []
    return []


def _combined(question: str, phrase: str, interventions: list[str]) -> list[str]:
    """The drugs of the combination set against "either one": those named in the clause that holds
    the phrase (a scene before a dash or colon, "already on nitrates - ...", is no part of it)."""
    at = question.lower().rfind(phrase.lower())
    clause = re.split(r"\s[-\u2013\u2014]\s|:\s|[.?;]\s", question[:at])[-1] if at > 0 else question
    named = [m.canonical for m in find_terms(clause, ("intervention", "comparator"))] + stem_drugs(clause)
    parts = [p for x in interventions for p in _COMBINED.split(x)]
    return list(dict.fromkeys(parts + [n for n in named if not any(n in tokens(p) or n == p for p in parts)]))


def _antecedent(before: str, plural: bool) -> str:
    """The noun "one(s)" stands for: the nearest earlier noun of its number naming a kind of treatment
    ("newer antipsychotics", "beta-blockers"), else people ("hypertensive patients")."""
    words = [w.lower() for w in re.findall(r"[A-Za-z][\w-]*", before)]
    fits = [w for w in reversed(words) if plural == bool(_PLURAL.fullmatch(w))]
    treatment = next((w for w in fits if CLASS_NOUN.fullmatch(w) or _TREATMENT_NOUN.fullmatch(w)
                      or (plural and find_terms(w, ("intervention",)))), "")     # ("SSRIs": a class)
    return treatment or next((w for w in fits if re.fullmatch(PEOPLE_NOUNS, w)), "")
