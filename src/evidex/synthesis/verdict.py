"""Direction and certainty of a body of evidence, with a methodologist's reasons.

Follows the GRADE handbook (Schünemann et al., 2013, sections 5.1-5.2): randomised
evidence starts at high certainty, observational evidence at low; certainty is rated
down for risk of bias, inconsistency, indirectness and imprecision. The optimal
information size rule of thumb (a few hundred participants) marks imprecision.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from .evidence import Study

CERTAINTY = ("high", "moderate", "low", "very_low")
_OIS = 400   # GRADE's rule-of-thumb optimal information size for continuous outcomes
_CONTROLLED = {"rct", "meta_analysis"}
_UNCONTROLLED = {"case_report", "case_series"}


@dataclass(frozen=True)
class Verdict:
    direction: str       # favours | mixed | against | insufficient
    certainty: str       # high | moderate | low | very_low
    reasons: tuple[str, ...]

    def to_contract(self) -> dict[str, object]:
        return {"direction": self.direction, "certainty": self.certainty, "reasons": list(self.reasons)}


def body_of_evidence(studies: list[Study]) -> tuple[list[Study], bool]:
    """Clinical studies of the asked intervention; direct ones if any exist. Returns (body, indirect)."""
    clinical = [s for s in studies if s.clinical and s.relevant and s.design != "guideline"]
    direct = [s for s in clinical if s.direct]
    return (direct, False) if direct else (clinical, True)


def grade(studies: list[Study], condition: str = "") -> Verdict:
    body, indirect = body_of_evidence(studies)
    if not body:
        return Verdict("insufficient", "very_low",
                       ("No clinical study of the asked intervention was found in the indexed corpus.",))
    reasons: list[str] = []
    designs = {s.design for s in body}
    randomised = bool(designs & _CONTROLLED)
    level = 0 if randomised else 2
    reasons.append("Design: the body of evidence includes randomised trials."
                   if randomised else
                   "Design: no randomised trial addresses the question directly; the evidence is observational, "
                   "case-based or review-level.")
    if designs <= _UNCONTROLLED | {"systematic_review", "cross_sectional"} and designs & _UNCONTROLLED:
        level += 1
        reasons.append("Risk of bias: the direct evidence rests on uncontrolled case reports or case series.")
    directions = [s.direction for s in body if s.direction != "unclear"]
    pos = directions.count("favours")
    neg = directions.count("no_difference") + directions.count("against")
    if pos and neg:
        level += 1
        reasons.append("Inconsistency: some studies report benefit while others report no difference.")
    known_n = [s.appraisal.n for s in body if s.appraisal.n]
    if not known_n or sum(known_n) < _OIS:
        level += 1
        reasons.append("Imprecision: the studies are small, so the size of any effect is uncertain.")
    # The other conditions the evidence comes from, the most studied first.
    counts = Counter(c for s in studies if s.clinical and s.relevant and not s.direct
                     for c in s.appraisal.conditions if c != condition)
    other_conditions = [c for c, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
    direct_controlled = any(s.design in _CONTROLLED for s in body) and not indirect
    if indirect or (condition and not direct_controlled and other_conditions):
        level += 1
        where = ", ".join(other_conditions[:4]) or "other conditions"
        reasons.append(f"Indirectness: much of the evidence concerns {where} rather than "
                       f"{condition or 'the asked population'}"
                       + ("; no study addresses the asked condition directly." if indirect else
                          "; the direct evidence is limited to uncontrolled reports and reviews."))
    certainty = CERTAINTY[min(level, 3)]
    if not directions:
        direction = "insufficient"
    elif pos and neg:
        direction = "mixed" if pos >= neg / 2 else "against"
    elif pos:
        direction = "favours"
    else:
        direction = "against"
    if any(s.appraisal.retracted for s in studies):
        reasons.append("A retracted publication was found and excluded from the verdict.")
    return Verdict(direction, certainty, tuple(reasons))
