"""What a sentence is about, for placing it in an answer section (cue phrases, pure)."""
from __future__ import annotations

import re

ROLES = ("mechanism", "clinical_use", "efficacy", "safety", "comparison", "limitations")

_CUES: dict[str, re.Pattern[str]] = {
    "mechanism": re.compile(
        r"\b(?:toll-like receptor|tlr-?4|microglia\w*|glia\w*|cytokines?|mechanism\w*|"
        r"receptor\w*|endorphins?|enkephalin\w*|opioid (?:rebound|signal\w*|growth factor)|"
        r"anti-inflammatory|neuroinflammation|antagonis\w*|pathway\w*|filamin)\b", re.I),
    "clinical_use": re.compile(
        r"\b(?:\d+(?:[.\u00b7]\d+)?\s?(?:mg|mcg|µg|μg)\b|(?<!low-)(?<!low )dos(?:e|es|ing|age)\b|titrat\w*|bedtime|"
        r"at night|nightly|once daily|compounded|off-label|prescri\w*|started at|starting)\b", re.I),
    "efficacy": re.compile(
        r"\b(?:reduc\w*|improv\w*|decreas\w*|effective\w*|efficacy|relie\w*|remission|"
        r"benefit\w*|responders?|significant\w*|placebo|pain scores?|symptoms?|"
        r"outcomes?|no difference|did not|ceased|lessen\w*|went from|fell|numeric rating|NRS|resolved)\b", re.I),
    "safety": re.compile(
        r"\b(?:adverse|side[- ]effects?|tolerat\w*|safety|safe|vivid dreams|insomnia|headache|"
        r"nausea|withdrawal|contraindicat\w*|interactions?|discontinu\w*|tachycardia)\b", re.I),
    "comparison": re.compile(
        r"\b(?:compared (?:with|to)|versus|vs\.?|than (?:\w+ ){0,3}(?:gabapentin|pregabalin|amitriptyline|"
        r"duloxetine|opioids?|nsaids?)|amitriptyline|gabapentin|pregabalin|duloxetine|alternative to)\b", re.I),
    "limitations": re.compile(
        r"\b(?:limitation\w*|limited|small (?:sample|number|studies|trials?)|pilot|further (?:research|"
        r"studies|trials)|more research|larger (?:trials|studies)|need for|(?:are|is|were) needed|lack of|"
        r"low[- ]quality|bias|uncontrolled|anecdotal|caution)\b", re.I),
}
_SECTION_HINTS = {
    "RESULTS": "efficacy", "FINDINGS": "efficacy", "CONCLUSIONS": "efficacy", "CONCLUSION": "efficacy",
    "LIMITATIONS": "limitations", "SAFETY": "safety", "ADVERSE EVENTS": "safety",
    "INTERVENTIONS": "clinical_use", "DOSING": "clinical_use", "MECHANISM": "mechanism",
}


_CONTEXT_SECTIONS = ("BACKGROUND", "INTRODUCTION", "OBJECTIVE", "AIM", "PURPOSE", "CONTEXT", "IMPORTANCE",
                     "RATIONALE", "TITLE")


def is_context(section: str) -> bool:
    """Background and aims describe the question, not the study's findings."""
    s = section.upper()
    return any(s.startswith(k) for k in _CONTEXT_SECTIONS)


def roles_of(sentence: str, section: str = "") -> set[str]:
    found = {role for role, rx in _CUES.items() if rx.search(sentence)}
    if is_context(section):
        found -= {"efficacy", "safety", "comparison", "limitations"}
    hint = _SECTION_HINTS.get(section.upper())
    if hint and (hint != "efficacy" or found & {"efficacy"} or not found):
        found.add(hint)
    return found

