"""Study design label with provenance: publication type, then MeSH, then text cues.

MEDLINE publication types are assigned by NLM indexers
(https://www.nlm.nih.gov/mesh/pubtypes.html) and are trusted first, as RobotReviewer
does; MeSH check tags (Animals without Humans) come next; text cues are the fallback
for JSONL, web pages and unindexed citations. Levels follow the Oxford CEBM 2011
table, simplified: 1 systematic review/guideline, 2 RCT, 3 other controlled or cohort
designs, 4 case series/reports and cross-sectional, 5 mechanism, opinion and other.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..records import Record

LEVELS = {
    "guideline": 1, "systematic_review": 1, "meta_analysis": 1, "rct": 2,
    "non_randomised_trial": 3, "cohort": 3, "case_control": 3, "cross_sectional": 4,
    "case_series": 4, "case_report": 4, "narrative_review": 5, "protocol": 5,
    "preclinical": 5, "expert_opinion": 5, "patient_information": 5, "other": 5,
}

# Ordered: the first publication type that matches wins.
_PT_RULES: tuple[tuple[str, str], ...] = (
    ("practice guideline", "guideline"), ("guideline", "guideline"),
    ("consensus development conference", "guideline"),
    ("meta-analysis", "meta_analysis"), ("systematic review", "systematic_review"),
    ("clinical trial protocol", "protocol"),
    ("randomized controlled trial", "rct"), ("equivalence trial", "rct"),
    ("pragmatic clinical trial", "rct"),
    ("controlled clinical trial", "non_randomised_trial"), ("non-randomized", "non_randomised_trial"),
    ("clinical trial", "non_randomised_trial"),
    ("case-control", "case_control"), ("cross-sectional", "cross_sectional"),
    ("cohort", "cohort"), ("case series", "case_series"), ("case reports", "case_report"),
    ("observational study", "cohort"), ("retrospective", "cohort"),
    ("preclinical", "preclinical"), ("review", "narrative_review"),
    ("editorial", "expert_opinion"), ("comment", "expert_opinion"), ("letter", "expert_opinion"),
    ("evidence summary", "narrative_review"), ("web page", "patient_information"),
)
_MESH_RULES: tuple[tuple[str, str], ...] = (
    ("case-control studies", "case_control"), ("cross-sectional studies", "cross_sectional"),
    ("cohort studies", "cohort"), ("prospective studies", "cohort"),
    ("retrospective studies", "cohort"), ("longitudinal studies", "cohort"),
)
# (pattern, label, score, cheap substrings: the regex runs only if one is in the text)
_TEXT_RULES: tuple[tuple[str, str, float, tuple[str, ...]], ...] = (
    (r"\b(clinical practice guideline|practice guideline|consensus statement|delphi|"
     r"recommendations? (?:of|from) the)\b", "guideline", 0.7, ("guideline", "consensus", "delphi", "recommendation")),
    (r"\bmeta-?analys[ie]s\b", "meta_analysis", 0.8, ("analys",)),
    (r"\bsystematic (?:literature )?review\b|\bscoping review\b", "systematic_review", 0.8, ("review",)),
    (r"\b(?:study )?protocol\b.{0,60}\b(?:trial|study)\b|\btrial registration\b.{0,40}\bprotocol", "protocol", 0.6,
     ("protocol",)),
    (r"\brandomi[sz]ed\b.{0,80}\b(?:trial|controlled|placebo|assigned|allocated)\b|"
     r"\b(?:were|was) randomi[sz]ed\b|\brandomly (?:assigned|allocated)\b|\brandomi[sz]ation\b",
     "rct", 0.8, ("randomi", "randomly")),
    (r"\bcase[- ]control\b", "case_control", 0.75, ("control",)),
    (r"\bcross-sectional\b|\bsurvey\b", "cross_sectional", 0.6, ("sectional", "survey")),
    (r"\bcase series\b|\bseries of \d+ (?:patients|cases)\b", "case_series", 0.75, ("series",)),
    (r"\bcase reports?\b|\bwe (?:report|describe|present) (?:a|an|the|two|three) (?:case|patient)|"
     r"\ba \d+[- ]year[- ]old (?:man|woman|male|female|boy|girl|patient)\b", "case_report", 0.75,
     ("case", "patient", "year-old", "year old")),
    (r"\bcohort\b|\bretrospective(?:ly)?\b|\bprospective(?:ly)?\b|\bchart review\b|\bregistry\b",
     "cohort", 0.6, ("cohort", "spective", "chart review", "registry")),
    (r"\b(?:open-label|single-arm|pilot) (?:trial|study)\b|\bnon-?randomi[sz]ed\b|\bcrossover\b",
     "non_randomised_trial", 0.6, ("open-label", "single-arm", "pilot", "randomi", "crossover")),
    (r"\b(?:mice|mouse|rats?|murine|in vitro|cell lines?|animal model)\b", "preclinical", 0.6,
     ("mice", "mouse", "rat", "murine", "in vitro", "cell line", "animal model")),
    (r"\breview\b", "narrative_review", 0.5, ("review",)),
)
_COMPILED = tuple((re.compile(p, re.I), label, score, cues) for p, label, score, cues in _TEXT_RULES)


@dataclass(frozen=True)
class DesignCall:
    label: str
    source: str
    score: float

    @property
    def level(self) -> int:
        return LEVELS[self.label]


def is_retracted(record: Record) -> bool:
    return any("retract" in pt.lower() for pt in record.publication_types) \
        or record.title.lower().startswith("retracted")


def classify(record: Record) -> DesignCall:
    pts = " | ".join(p.lower() for p in record.publication_types)
    for needle, label in _PT_RULES:
        if needle in pts:
            # A "Review" tag on a paper whose text says systematic review: trust the text.
            if label == "narrative_review":
                text_call = classify_text(record.title + " " + _head(record))
                if text_call.label in ("systematic_review", "meta_analysis"):
                    return text_call
            if label == "patient_information":
                if re.search(r"\b(?:guideline|consensus statement|recommendations)\b", record.title, re.I):
                    return DesignCall("guideline", "text_cues", 0.6)
                return DesignCall(label, "publication_type", 0.6)
            return DesignCall(label, "publication_type", 0.95)
    mesh = {m.lower() for m in record.mesh_terms}
    if "animals" in mesh and "humans" not in mesh:
        return DesignCall("preclinical", "mesh", 0.9)
    for needle, label in _MESH_RULES:
        if needle in mesh:
            return DesignCall(label, "mesh", 0.85)
    return classify_text(record.title + " " + _head(record))


def _head(record: Record) -> str:
    """Title-adjacent text where design is stated: methods-like sections first."""
    methods = [s.text for s in record.sections
               if any(k in s.label for k in ("DESIGN", "METHOD", "SETTING", "PATIENT", "PARTICIPANT"))]
    rest = [s.text for s in record.sections][:3]
    return " ".join(methods + rest)[:3000]


def classify_text(text: str) -> DesignCall:
    """Design from cue phrases; the first (strongest) matching rule wins."""
    low = text.lower()
    for rx, label, score, cues in _COMPILED:
        if any(c in low for c in cues) and rx.search(text):
            return DesignCall(label, "text_cues", score)
    return DesignCall("other", "default", 0.3)
