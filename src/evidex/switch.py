"""What an asked treatment would replace: "groggy on amitriptyline - does LDN work as well?", "Haldol
gave my patient stiffness; would Seroquel cause the same?", "can't put up with oxybutynin's side
effects - is TENS a reasonable substitute?".

A question that tells of a treatment the patient takes now (or had to stop) and then asks whether
another works as well, is kinder or could take its place asks for an active-control comparison:
the new treatment against the old one, not against placebo (a switch is judged against the
treatment given up; ICH E10, Choice of Control Group in Clinical Trials, 2000, on active
controls). The treatment taken now is then the comparator. Only a treatment named before the
words that ask for the comparison counts ("switch to X" names the new one). A form of the asked
drug taken now ("immediate-release oxybutynin") is shown as what the new form is compared with,
as a dose is (``Query.implied_comparators``); the drug's studies answer such a question as they are.
"""
from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

from .add_on import END, TAKING
from .phrases import same_drug, treatments_in, unique

if TYPE_CHECKING:
    from .query import Query

# The words that ask how the new treatment compares with the old one.
# ("as well as B", "the same relief as B" name their own comparator, "switch his antibiotic to Y" what
# is switched: not these.)
_ALIKE = re.compile(r"\b(?:(?:switch|swap|chang|convert|mov)\w*\s+(?:(?:him|her|them|it|me|us)\s+)?(?:over\s+)?"
                    r"(?:to|onto)\b|instead|substitute|alternative|replace\w*|take (?:its|the) place|kinder|gentler|"
                    r"better tolerated|easier on|(?:(?:just|equally)\s+)?as (?:well|effective|good)\b(?!\s+as\b)|"
                    r"the same\b(?![^?]*?\bas\b))", re.I)
# ... of them, those that ask whether the new one is as good (CONSORT 2010 extension for non-inferiority and
# equivalence trials, Piaggio et al., JAMA 2012), not whether it is better.
_AS_GOOD = re.compile(r"\b(?:substitute|take (?:its|the) place|(?:(?:just|equally)\s+)?as (?:well|effective|good)\b"
                      r"(?!\s+as\b)|the same\b(?![^?]*?\bas\b))", re.I)
# A treatment given up or not tolerated: "stopped naproxen", "can't put up with oxybutynin's side effects",
# "intolerant of metformin", "side effects on clozapine".
_GIVEN_UP = re.compile(r"\b(?:stopped|came off|come off|discontinued|quit|intolerant (?:of|to)|"
                       r"(?:can't|cannot|couldn't|could not|won't)\s+(?:tolerate|take|put up with|stand|stay on)|"
                       r"(?:side effects|problems|trouble) (?:on|with|from))\s+(.{2,80}?)" + END, re.I)
# A treatment that harmed: "Haldol gave my patient stiffness", "metformin made her sick".
_HARMED = re.compile(r"\b([\w-]+(?:\s+[\w-]+)?)\s+(?:gave|caused|made|left)\s+(?:him|her|them|me|my|the|our|his)\b",
                     re.I)

_POSSESSIVE = re.compile(r"['\u2019]s\b")     # "oxybutynin's side effects": the drug's
# The form of a drug, written before its name: "immediate-release oxybutynin", "twice-daily gliclazide".
_FORM = (r"(?:(?:short|long|rapid|intermediate)[- ]acting|(?:immediate|extended|sustained|modified|controlled|slow|"
         r"delayed)[- ]release|(?:once|twice)[- ](?:daily|a[- ]day)|regular|standard|plain|depot)\s+")


def replaced(question: str, asked: tuple[str, ...]) -> list[tuple[str, str]]:
    """(name, as written) of each treatment the question tells is taken now or was given up, before
    it asks whether the ``asked`` one compares; [] when it asks no such comparison. A form of an
    asked drug ("immediate-release oxybutynin") comes as (that form, as written)."""
    cue = _ALIKE.search(question)
    if not cue:
        return []
    story = question[:cue.start()]
    out: list[tuple[str, str]] = []
    for rx in (TAKING, _GIVEN_UP, _HARMED):
        for m in rx.finditer(story):
            taken = _POSSESSIVE.sub("", m.group(1))
            for name, written in treatments_in(taken):
                form = re.search(_FORM + re.escape(written) + r"\b", taken, re.I)
                if any(same_drug(name, a) for a in asked):
                    name = form.group(0).lower() if form else ""
                if name and not any(same_drug(name, o) for o, _ in out):
                    out.append((name, form.group(0) if form and name == form.group(0).lower() else written))
    return out


def with_switch(query: Query) -> Query:
    """``query`` compared with the treatment it would replace, when it names none of its own. Not for
    an add-on ("on Y, does adding X help?": Y stays in both arms) nor for "Can a patient on X take
    Y?" (the two together)."""
    if query.comparators or query.added_to or query.co_treatments or query.intent == "contraindications":
        return query
    found = replaced(query.question, query.interventions)
    old = [(n, w) for n, w in found if not any(same_drug(n, i) or n.endswith(f" {i}") for i in query.interventions)]
    asked = tuple(i for i in query.interventions if not any(same_drug(i, n) for n, _ in old))
    if not old and found and asked:
        # "stopped immediate-release oxybutynin - is the once-daily form kinder?": the drug's own studies answer;
        # the form taken now is shown as what the new one is compared with.
        return replace(query, switched_from=tuple(w for _, w in found))
    if not old or not asked:
        return query
    written = tuple((n, w.lower()) for n, w in old if n != w.lower())
    # Whether the new treatment works as well is a comparison of effects, though a harm is asked beside it
    # ("does LDN work as well, and does it cause fewer side effects?"); a harm compared stays a harm question.
    harm = query.adverse or query.harm
    return replace(query, interventions=asked, comparators=unique(n for n, _ in old), written=query.written + written,
                   intent=query.intent if harm or query.intent not in ("efficacy", "safety") else "comparison",
                   claim="equivalence" if _AS_GOOD.search(query.asked) else query.claim)
