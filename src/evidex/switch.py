"""What an asked treatment would replace: "groggy on amitriptyline - does LDN work as well?", "Haldol
gave my patient stiffness. Would Seroquel cause the same?", "can't put up with oxybutynin's side
effects - is TENS a reasonable substitute?", "stopped naproxen - is celecoxib kinder?".

A question that tells of a treatment the patient takes now (or had to stop) and then asks whether
another works as well, is kinder or could take its place asks for an active-control comparison:
the new treatment against the old one, not against placebo (a switch is judged against the
treatment given up; ICH E10, Choice of Control Group in Clinical Trials, 2000, on active
controls). The treatment taken now is then the comparator. It is the one the story names as taken,
given up or harmful; the asked one is any other the question names. A drug merely taken ("on
warfarin") counts only when the question asks for a switch or for an effect as good ("is
paracetamol kinder?" of a patient on warfarin asks about paracetamol's own harms). A form of the
asked drug taken now ("immediate-release oxybutynin") is shown as what the new form is compared
with, as a dose is (``Query.implied_comparators``); the drug's studies answer such a question.
(Two common shapes, "on X ... switch to Y" and "stopped X - is Y better?", are read before the
parse by ``question_shape.comparator_text``, so that Y is found as the question's subject; this
module reads the rest from the parsed query.)
"""
from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

from .add_on import END, TAKING
from .phrases import same_drug, treatments_in, unique
from .question_shape import SAME_EFFECT

if TYPE_CHECKING:
    from .query import Query

# The words that ask whether the new treatment is as good as the old one (CONSORT 2010 extension for
# non-inferiority and equivalence trials, Piaggio et al., JAMA 2012): "work as well", "just as well", "cause
# the same side effects", "the same?", a substitute. Not "as well" for "too" ("prescribe X as well?"), "as well
# as B" or "the same relief as B" (a comparator named), "at the same time".
_AS_GOOD = (r"\b(?:(?:(?:work|works|working|do|does|help|helps|control|controls|perform|performs|treat|treats)\s+"
            r"(?:[\w-]+\s+){0,3}?|just\s+|equally\s+)as well|as (?:effective|good))\b(?!\s+as\b)|"
            r"\bthe same(?:\s+" + SAME_EFFECT + r"|(?=\s*[?.!,;]))(?![^?]*?\bas\b)|\bsubstitute\b|"
            r"\btake (?:its|the) place\b")
_AS_GOOD_RX = re.compile(_AS_GOOD, re.I)
# ... or a switch asked, or whether it is better or could be used instead.
_SWITCH_TO = r"\b(?:switch|swap|chang|convert)\w*\s+(?:(?:him|her|them|it|me|us)\s+)?(?:over\s+)?(?:to|onto)\b"
_INSTEAD = r"\b(?:instead|alternative|replac(?:e|es|ed|ing)|kinder|gentler|better|safer|less|fewer|easier on)\b"
_ALIKE = re.compile("|".join((_AS_GOOD, _SWITCH_TO, _INSTEAD)), re.I)
_REPLACES = re.compile(_AS_GOOD + "|" + _SWITCH_TO, re.I)      # ... those that make a drug merely taken the old one
# A treatment given up, not tolerated or harmful: "stopped naproxen", "can't put up with oxybutynin's side
# effects", "intolerant of metformin", "Haldol gave my patient stiffness" (not one "she can't come off").
_GIVEN_UP = re.compile(r"(?<!n't )(?<!not )(?<!cannot )(?<!unable to )\b(?:stop(?:ped)?|came off|come off|discontinued|"
                       r"quit|intolerant (?:of|to)|(?:can't|cannot|couldn't|could not|won't)\s+(?:tolerate|take|put up "
                       r"with|stand|stay on)|(?:side effects|problems|trouble) (?:on|with|from))\s+(.{2,80}?)" + END,
                       re.I)
# ... or one that has not worked ("only partly responded to older antipsychotics", "failed on X"), when a switch is
# asked (after a partial response, "is adding Y better?" asks an add-on: Y with X against X alone).
_NOT_WORKED = re.compile(r"\b(?:(?:(?:only\s+)?(?:partly|partially|poorly|barely)\s+|(?:did\s+not|didn't|has\s+not|"
                         r"hasn't|never)\s+)respond(?:ed)?\s+to|failed\s+(?:on|with)|(?:inadequate|poor|partial)\s+"
                         r"response\s+to)\s+(.{2,80}?)" + END, re.I)
_ADDED_ON = re.compile(r"\badd(?:s|ed|ing)?\b|\baugment\w*|\bon top of\b|\bcombin\w*", re.I)
_HARMED = re.compile(r"\b([\w-]+(?:\s+[\w-]+)?)\s+(?:gave|caused|made|left)\s+(?:him|her|them|me|my|the|our|his)\b",
                     re.I)
_POSSESSIVE = re.compile(r"['\u2019]s\b")     # "oxybutynin's side effects": the drug's
_NEGATED = re.compile(r"\b(?:not|n't|never|no longer|isn't|wasn't)\b(?:\s+\w+){0,3}\s*$", re.I)
# The form of a drug, written before its name: "immediate-release oxybutynin", "twice-daily gliclazide".
_FORM = (r"(?:(?:short|long|rapid|intermediate)[- ]acting|(?:immediate|extended|sustained|modified|controlled|slow|"
         r"delayed)[- ]release|(?:once|twice)[- ](?:daily|a[- ]day)|regular|standard|plain|depot)\s+")


def taken_before(question: str) -> list[tuple[str, str, str]]:
    """(name, as written, form or "") of each treatment the question's story names as taken now,
    given up or harmful, before the words that ask how another compares; [] when none are asked."""
    cue = _ALIKE.search(question)
    if not cue:
        return []
    story = question[:cue.start()]
    out: list[tuple[str, str, str]] = []
    switch = bool(_REPLACES.search(question))
    for rx in ((TAKING,) if switch else ()) + ((_NOT_WORKED,) if switch and not _ADDED_ON.search(question) else ()) + \
            (_GIVEN_UP, _HARMED):
        for m in rx.finditer(story):
            if _NEGATED.search(story[:m.start()]):
                continue                  # "not currently on metformin", "has never been on it"
            taken = _POSSESSIVE.sub("", m.group(1))
            for name, written in treatments_in(taken):
                denied = re.search(r"\b(?:not|nor|without)\s+$", taken[:taken.lower().find(written.lower())], re.I)
                if denied or any(same_drug(name, o) for o, *_ in out):
                    continue              # "on warfarin, not aspirin"
                form = re.search(_FORM + re.escape(written) + r"\b", taken, re.I)
                out.append((name, written, form.group(0) if form else ""))
    return out


# "switching from immediate-release glipizide 10 mg twice daily to glipizide XL": the old and the new
_FROM_TO = re.compile(r"\bfrom\s+(?P<old>.{2,80}?)\s+(?:to|onto)\s+(?P<new>.{2,80}?)(?=[?.,;:]|\s+[-\u2013\u2014]|$)", re.I)
# ... or the two compared: "How does once-weekly alendronate compare with daily alendronate?"
_FORMS_COMPARED = re.compile(r"\b(?:does|do|is|are|did)\s+(?P<new>.{2,60}?)\s+compar(?:e|es|ed)\s+(?:with|to|against)\s+"
                             r"(?P<old>.{2,80}?)(?=[?.,;:]|\s+(?:for|in|after|among|on|better|worse|more|less)\b|$)", re.I)


def form_switched(query: Query) -> Query | None:
    """A switch between two forms of one drug ("from immediate-release glipizide to glipizide GITS") parses
    as that drug compared with itself, so with nothing asked: the drug is asked, its old form shown as
    what the new one is compared with (as ``with_switch`` does for a form given up); None otherwise."""
    if query.interventions or len(query.comparators) != 1:
        return None
    drug = query.comparators[0]
    # (the first "from ... to ..." naming the drug on both sides: not "HbA1c went from 7.5 to 9.1")
    found = ((m, old) for rx in (_FROM_TO, _FORMS_COMPARED) for m in rx.finditer(query.question)
             for old in [[w for n, w in treatments_in(m.group("old")) if same_drug(n, drug)]]
             if old and any(same_drug(n, drug) for n, _ in treatments_in(m.group("new"))))
    m, old = next(found, (None, []))
    if m is None:
        return None
    form = re.search(_FORM + re.escape(old[0]) + r"\b", m.group("old"), re.I)
    old_form = (form.group(0) if form else m.group("old")).strip()
    # ("How does A compare with B?" asks how the two forms compare, not how the drug works)
    compared = ("comparison", "mechanism") if m.re is _FORMS_COMPARED else ("comparison",)
    return replace(query, interventions=(drug,), comparators=(), switched_from=(old_form,),
                   intent="efficacy" if query.intent in compared else query.intent)


def with_switch(query: Query) -> Query:
    """``query`` compared with the treatment it would replace, when it names none of its own. Not for
    an add-on ("on Y, does adding X help?": Y stays in both arms), for "Can a patient on X take Y?"
    (the two together) nor for "is Y safe?" (its own harms)."""
    if (forms := form_switched(query)) is not None:
        return forms
    if query.comparators or query.added_to or query.co_treatments or query.safe or \
            query.intent == "contraindications":
        return query
    found = taken_before(query.question)
    old = [(n, w) for n, w, _ in found]
    asked = tuple(i for i in query.interventions if not any(same_drug(i, n) for n, _ in old))
    if not asked:
        # "stopped immediate-release oxybutynin - is the once-daily form kinder?": the drug's own studies answer;
        # the form taken now is shown as what the new one is compared with.
        forms = tuple(f for n, _, f in found if f and any(same_drug(n, i) for i in query.interventions))
        return replace(query, switched_from=forms) if forms else query
    if not old:
        return query
    written = tuple((n, w.lower()) for n, w in old if n != w.lower())
    # Whether the new treatment works as well is a comparison of effects, though a harm is asked beside it
    # ("does LDN work as well, and does it cause fewer side effects?"); a harm compared stays a harm question.
    harm = query.adverse or query.harm
    return replace(query, interventions=asked, comparators=unique(n for n, _ in old), written=query.written + written,
                   intent=query.intent if harm or query.intent not in ("efficacy", "safety") else "comparison",
                   claim="equivalence" if _AS_GOOD_RX.search(query.asked) else query.claim)
