"""Candidates -> Studies: one per record, with directness, direction and table facts.

Everything a study contributes to an answer points at passages of that record, so the
answer can cite the exact sentences its numbers come from.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..enrich.direction import sentence_direction, study_direction
from ..enrich.numbers import effect_numbers
from ..query import Query
from ..records import DESIGN_NAMES, Passage
from ..retrieve import Candidate
from ..vocab import find_terms
from .roles import is_context, roles_of

# Designs that report outcomes in patients (GRADE's body of evidence).
CLINICAL = {"guideline", "systematic_review", "meta_analysis", "rct", "non_randomised_trial", "cohort",
            "case_control", "cross_sectional", "case_series", "case_report"}
_OUTCOMES = (("pain", r"\bpain\b"), ("symptom severity", r"\bsymptoms?\b"), ("quality of life", r"quality of life"),
             ("fatigue", r"\bfatigue\b"), ("function", r"\bfunction\w*\b"), ("disease activity", r"\bremission|disease activity\b"),
             ("mood", r"\bmood|depress\w*\b"), ("sleep", r"\bsleep\b"), ("adverse effects", r"\badverse|side effect"))
_COMPARATORS = re.compile(r"\b(placebo|amitriptyline|gabapentin|pregabalin|duloxetine|usual care|standard care|"
                          r"morphine alone|no treatment|baseline)\b", re.I)


@dataclass(frozen=True)
class Study:
    candidate: Candidate
    direct: bool
    direction: str
    roles: dict[int, frozenset[str]]      # passage seq -> roles
    relevant: bool                         # mentions the asked intervention at all

    @property
    def record(self):
        return self.candidate.stored.record

    @property
    def appraisal(self):
        return self.candidate.stored.appraisal

    @property
    def passages(self) -> tuple[Passage, ...]:
        return self.candidate.passages

    @property
    def design(self) -> str:
        return self.appraisal.design

    @property
    def clinical(self) -> bool:
        return self.design in CLINICAL and not self.appraisal.retracted

    def with_role(self, role: str) -> list[Passage]:
        return [p for p in self.passages if role in self.roles.get(p.seq, ()) and p.section != "TITLE"]

    def key_passage(self) -> Passage:
        """The sentence that best states the study's finding (for citing the study whole)."""
        findings = [p for p in self.passages if not is_context(p.section) and sentence_direction(p.text) != "unclear"]
        if findings:
            return findings[-1]
        body = [p for p in self.passages if p.section != "TITLE"]
        return body[-1] if body else self.passages[0]

    def passage_containing(self, span: str) -> Passage | None:
        if not span:
            return None
        return next((p for p in self.passages if span in p.text), None)

    # -- evidence-table facts, each with the passage it came from -----------------
    def n_fact(self) -> tuple[int | None, Passage | None]:
        p = self.passage_containing(self.appraisal.n_span)
        return (self.appraisal.n, p) if p is not None else (None, None)

    def dose_fact(self) -> tuple[str, Passage | None]:
        for d in self.appraisal.doses:
            p = self.passage_containing(d.span)
            if p is not None:
                schedule = f" {d.frequency}" if d.frequency and d.frequency in p.text.lower() else ""
                return d.span + schedule, p
        return "", None

    def effect_fact(self) -> tuple[str, Passage | None]:
        """The results sentence with the most effect figures, and those figures."""
        best: tuple[int, Passage, str] | None = None
        for p in self.with_role("efficacy"):
            nums = [n for n in effect_numbers(p.text) if n.kind != "duration"]
            if nums and (best is None or len(nums) > best[0]):
                best = (len(nums), p, "; ".join(n.span for n in nums[:4]))
        if best:
            return best[2], best[1]
        return "", None

    def comparator(self) -> str:
        m = _COMPARATORS.search(" ".join(p.text for p in self.passages))
        return m.group(1).lower() if m else ""

    def outcome(self) -> str:
        text = " ".join(p.text for p in self.with_role("efficacy")) or self.record.title
        for name, rx in _OUTCOMES:
            if re.search(rx, text, re.I):
                return name
        return ""


def build_studies(query: Query, candidates: list[Candidate]) -> list[Study]:
    wanted = set(query.interventions)
    out = []
    for c in candidates:
        roles = {p.seq: frozenset(roles_of(p.text, p.section)) for p in c.passages}
        decisive = [p.text for p in c.passages
                    if not is_context(p.section) and (
                        p.section.upper() in ("RESULTS", "CONCLUSIONS", "CONCLUSION", "FINDINGS", "")
                        or "efficacy" in roles[p.seq])]
        direction = study_direction([s for s in decisive if sentence_direction(s) != "unclear"])
        appr = c.stored.appraisal
        text_terms = {m.canonical for m in find_terms(c.stored.record.title + " " + " ".join(p.text for p in c.passages[:12]),
                                                      ("intervention",))}
        relevant = not wanted or bool(wanted & (set(appr.interventions) | text_terms)) \
            or any(w.split()[-1] in (c.stored.record.title + " ".join(p.text for p in c.passages)).lower() for w in wanted)
        out.append(Study(c, c.direct, direction, roles, relevant))
    return out
