"""Adverse effects named in harms sentences, for one aggregated list across studies.

CONSORT's harms extension (Ioannidis et al., Ann Intern Med 2004) asks trials to name each
adverse event with its frequency; abstracts do so as a list after a cue ("the most common
adverse events were A, B and C"). The items are read from that list, verbatim, so the
aggregated statement quotes only words its cited sentences contain.
"""
from __future__ import annotations

import re

from ..phrases import names_drug

_HARMS = re.compile(r"\b(?:adverse (?:events?|effects?|reactions?)|side[- ]effects?|complications?|"
                    r"toxicit(?:y|ies))\b", re.I)
_LIST_CUE = re.compile(r"\b(?:such as|including|included|include|namely|consisted of|comprised|being)\s+|:\s*", re.I)
_VERB_CUE = re.compile(r"\b(?:were|was)\s+", re.I)
_NEGATED = re.compile(r"\b(?:no|none|without|nor|free of|absence of)\b(?:\s+\w+){0,3}\s*$", re.I)
_SPLIT = re.compile(r",\s*(?:and\s+|or\s+)?|\s+and\s+|\s+or\s+|;\s*")
_NOT_AN_EFFECT = re.compile(r"\b(?:no|none|patients?|participants?|group|groups|treatment|study|studies|trial|"
                            r"placebo|similar|common|frequent|reported|observed|significant|serious|rates?|"
                            r"incidence|mild|moderate|severe|transient|well|both|all|most|there|respectively)\b", re.I)
_LIST_FIRST = re.compile(r"^\s*([^.;:]{3,160}?)\s+(?:were|was|are|is)\s+(?:the\s+)?(?:most\s+)?"
                         r"(?:common(?:ly reported)?|frequent|usual|main|only|reported)?\s*$", re.I)
_END = re.compile(r"[.;](?:\s|$)|\bin (?:the|both|all)\b|\bcompared\b|\bwhich\b|\bwhereas\b|\bwhile\b|"
                  r",?\s+(?:were|was|are|is|occurred|appeared|resolved)\b", re.I)
# A frequency on its own ("... adverse events was approximately 3%"): how often, not what happened.
_QUANTITY = re.compile(r"(?:(?:approximately|about|around|nearly|almost|only|over|under|up to|less than|more than)\s+)?"
                       r"[\d.,]+\s*(?:%|percent|per ?cent)?(?:\s+of\s+(?:patients|participants|subjects))?", re.I)
# Words that mark a list item as something other than an adverse event: a method ("defined as",
# "assessed"), a baseline state ("preexisting"), a comparison ("better"), an arm ("for placebo").
_NOT_AN_EVENT = re.compile(r"\b(?:defined|assessed|measured|evaluated|recorded|monitored|preexisting|pre-existing|"
                           r"history|baseline|better|worse|higher|lower|for|versus|vs|study|studies|reported|"
                           r"related|dose|doses|high|low|summari[sz]ed|collected|tabulated|listed|questionnaires?|"
                           r"scales?|scores?|findings|compliance|noncompliance|concerns?|tolerability|profiles?|"
                           r"respectively)\b|^\W*\d|\bp\s*[=<>]|-$", re.I)
# How a clause, not a noun phrase, begins ("that limit their use", "also determined", "a nondirected ...").
_CLAUSE_START = re.compile(r"that|which|who|also|a|an|the|these|those|this|such|under|over|minimal|no|none", re.I)
# A lone participle or adjective ("encountered", "determined", "comparable") names no event.
_LONE_MODIFIER = re.compile(r"[a-z]+(?:ed|able|ible)", re.I)
# A treatment named in a list beside harms ("alpha-2 agonists, calcitonin, local anesthetics"):
# English names drug classes by what they do to a target.
_A_TREATMENT = re.compile(r"\b\w*(?:agonists?|antagonists?|anesthetics?|anaesthetics?|inhibitors?|blockers?|"
                          r"relaxants?|analgesics?|narcotics?|opioids?|drugs?|agents?|medications?|therapy|therapies)$", re.I)
_OTHER_DRUGS = re.compile(r"\b(?:other|alternative|conventional)\s+(?:[\w-]+\s+){0,3}(?:drugs?|agents?|medications?|"
                          r"medicines?|treatments?|therapies|analgesics)\b", re.I)
MAX_WORDS = 4
_DANGLING = re.compile(r"and|or|of|the|with|in|to|a|an|than", re.I)
_QUALIFIER = re.compile(r"more|less|uncommon|common|rare|rarely|frequent|frequently|often|other|some|any|not|"
                        r"of|its|their|achieved|similar", re.I)


def adverse_effects(sentence: str, exclude: tuple[str, ...] = ()) -> list[str]:
    """The adverse effects a harms sentence lists (verbatim items), or []."""
    m = _HARMS.search(sentence)
    if not m:
        return []
    if _NEGATED.search(sentence[:m.start()]):
        return []             # "no adverse effects of moderate severity": nothing is listed
    if _OTHER_DRUGS.search(sentence[:m.start()]):
        return []             # "other pain drugs carry adverse effects such as ...": not the asked one's
    before = _LIST_FIRST.search(sentence[:m.start()])
    if before:                # "Vivid dreams, headaches and stomach ache were frequent side effects"
        return _items(before.group(1), exclude)
    tail = sentence[m.end():]
    cue = _LIST_CUE.search(tail)
    if not cue:
        cue = _VERB_CUE.search(tail)
        if not cue or cue.start() > 40:
            return []
    listed = _END.split(tail[cue.end():])[0]
    return _items(listed, exclude)


def harm_frequency(sentence: str) -> bool:
    """Whether a harms sentence reports how often a harm occurred ("The incidence of dry mouth, the
    most commonly reported adverse event, was only 9%") though it lists no effect to aggregate."""
    m = _HARMS.search(sentence)
    return bool(m) and not _NEGATED.search(sentence[:m.start()]) and re.search(r"\d\s*%", sentence) is not None


def _items(listed: str, exclude: tuple[str, ...]) -> list[str]:
    out = []
    for raw in _SPLIT.split(listed):
        item = raw.strip(" ,.")
        if item.count("(") < item.count(")"):
            item = item.rstrip(")")
        if item.count("(") > item.count(")"):
            item += ")"           # "nausea (12%" -> "nausea (12%)": the frequency is kept
        item = re.sub(r"^(?:the most common |most commonly |mainly |mostly |mild |moderate |transient )+", "",
                      item, flags=re.I)
        words = item.split()
        if not words or len(words) > MAX_WORDS or _NOT_AN_EFFECT.fullmatch(item.lower()) or "\u2026" in item \
                or _DANGLING.fullmatch(words[-1]) or _QUALIFIER.fullmatch(words[0]) \
                or _CLAUSE_START.fullmatch(words[0]) or (len(words) == 1 and _LONE_MODIFIER.fullmatch(item)):
            continue          # a fragment ("uncommon and", "more frequent i…"), not an event
        if all(_NOT_AN_EFFECT.fullmatch(w.lower()) for w in words) or not re.search(r"[a-z]{3}", item) \
                or _NOT_AN_EVENT.search(item) or _QUANTITY.fullmatch(item):
            continue
        if any(x and x in item.lower() for x in exclude) or _names_a_treatment(item):
            continue          # the treatment itself, its comparator or another drug is not an adverse effect
        out.append(item)
    return out if len(out) >= 1 and len(out) <= 12 else []


def _names_a_treatment(item: str) -> bool:
    """Whether a list item names a drug or a drug class rather than an event (the vocabulary's
    treatments, a word with a drug class's INN stem, a class named by its action)."""
    return names_drug(item) or bool(_A_TREATMENT.search(item))
