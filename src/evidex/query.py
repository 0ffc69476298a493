"""Question -> Query: conditions, interventions, comparators and intent, in canonical names."""
from __future__ import annotations

import re
from dataclasses import dataclass

from .text import tokens
from .vocab import find_terms

INTENTS = ("efficacy", "safety", "dosing", "mechanism", "comparison")

_INTENT_CUES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("comparison", re.compile(r"\b(?:vs\.?|versus|compared (?:to|with)|better than|or)\b", re.I)),
    ("safety", re.compile(r"\b(?:safe|safety|side[- ]effects?|adverse|risks?|harm\w*|interactions?|"
                          r"contraindicat\w*|tolera\w*)\b", re.I)),
    ("dosing", re.compile(r"\b(?:dose|doses|dosing|dosage|how much|titrat\w*|mg)\b", re.I)),
    ("mechanism", re.compile(r"\b(?:how does|mechanism|work(?:s)? how|pathway|why does)\b", re.I)),
)
_COMPARATOR_AFTER = re.compile(r"\b(?:vs\.?|versus|compared (?:to|with)|better than|rather than)\s+(.+?)(?:\s+(?:for|in|among)\b|[?.]|$)", re.I)
_SUBJECT = re.compile(r"^(?:is|are|does|do|can|could|should|will|would|what is|what are)\s+(?:the\s+)?"
                      r"(.+?)\s+(?:effective|useful|safe|helpful|work|help|beneficial|better|"
                      r"recommended|indicated|an option|used|good|reduce|improve|prevent|lower|"
                      r"relieve|treat|decrease|increase|cause|shorten)\b", re.I)
_STOP = set("""a an the is are was were be been does do did can could should would will of for in on at to
with and or not no than that this these those what which who whom how why when whose effective effect
effects useful safe helpful work works help beneficial better recommended treat treating treatment
treatments therapy patients patient people use used using evidence there any it its as by from into
about between""".split())


@dataclass(frozen=True)
class Query:
    question: str
    conditions: tuple[str, ...]
    interventions: tuple[str, ...]
    comparators: tuple[str, ...]
    intent: str
    keywords: tuple[str, ...]

    def to_contract(self) -> dict[str, object]:
        return {"conditions": list(self.conditions), "interventions": list(self.interventions),
                "comparators": list(self.comparators), "intent": self.intent}


def parse_question(question: str) -> Query:
    question = " ".join(question.split())
    matches = find_terms(question)
    conditions = _unique(m.canonical for m in matches if m.kind == "condition")
    named = [m for m in matches if m.kind in ("intervention", "comparator")]
    comp_text = " ".join(m.group(1) for m in _COMPARATOR_AFTER.finditer(question))
    comp_terms = {m.canonical for m in find_terms(comp_text, ("intervention", "comparator"))}
    interventions = _unique(m.canonical for m in named if m.canonical not in comp_terms and m.kind == "intervention")
    comparators = _unique(m.canonical for m in named if m.canonical in comp_terms or m.kind == "comparator")
    if not interventions:
        subj = _SUBJECT.search(question)
        if subj:
            phrase = subj.group(1)
            for cond in (m.text for m in matches if m.kind == "condition"):
                phrase = phrase.replace(cond, "")
            phrase = re.sub(r"\s+(?:for|in)\s*$", "", phrase.strip(" ,")).strip()
            if phrase and phrase.lower() not in _STOP:
                interventions = (phrase.lower(),)
    intent = "efficacy"
    unnamed = question
    for m in matches:
        unnamed = unnamed.replace(m.text, " ")
    for name, rx in _INTENT_CUES:
        if name == "comparison" and not comparators:
            continue
        if rx.search(unnamed):
            intent = name
            break
    covered = set()
    for m in matches:
        covered.update(tokens(m.text))
    keywords = _unique(t for t in tokens(question) if t not in _STOP and t not in covered and len(t) > 2)
    return Query(question, conditions, interventions, comparators, intent, keywords)


def _unique(items) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))
