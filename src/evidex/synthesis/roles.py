"""What a sentence is about, for placing it in an answer section (cue phrases, pure)."""
from __future__ import annotations

import re

from ..enrich.numbers import DOSE

ROLES = ("mechanism", "clinical_use", "efficacy", "safety", "comparison", "limitations")

# General clinical-reporting words for each answer section (CONSORT items 6, 17 and 19 name
# outcomes, results and harms; pharmacology texts name mechanisms this way). No drug or
# condition names: those come from the question.
_CUES: dict[str, re.Pattern[str]] = {
    "mechanism": re.compile(
        r"\b(?:mechanism\w*|mode of action|receptors?|pathways?|antagonis\w*|agonis\w*|inhibit\w*|"
        r"block(?:s|ed|ade|ing)?|modulat\w*|bind(?:s|ing)?|signal\w*|mediat\w*|activat\w*|cytokines?|"
        r"enzymes?|neurotransmit\w*|anti-inflammatory|inflammat\w*|express\w*)\b", re.I),
    "clinical_use": re.compile(
        r"(?:" + DOSE.pattern + r"|\b(?:dos(?:e|es|ing|age)|titrat\w*|bedtime|at night|nightly|once daily|twice daily|"
        r"daily|weekly|regimen|started at|starting|initial(?:ly)?|increased (?:to|by)|maximum|up to|"
        r"prescri\w*|off-label|compounded|administered|orally|intravenous\w*|subcutaneous\w*)\b)", re.I),
    "efficacy": re.compile(
        r"\b(?:reduc\w*|improv\w*|decreas\w*|increas\w*|effective\w*|efficacy|relie\w*|remission|"
        r"benefit\w*|responders?|response|significant\w*|placebo|scores?|symptoms?|heal\w*|cure\w*|"
        r"outcomes?|no difference|did not|ceased|lessen\w*|went from|fell|rate|risk|mortality|resolved)\b", re.I),
    "safety": re.compile(
        r"\b(?:adverse|side[- ]effects?|tolerat\w*|safety|safe|toxicit\w*|harms?|complications?|"
        r"withdr[ae]w\w* (?:due|because)|discontinu\w*|contraindicat\w*|interactions?|"
        r"pregnan\w*|overdose|dependence)\b", re.I),
    "comparison": re.compile(
        r"\b(?:compared (?:with|to)|versus|vs\.?|than|superior|inferior|non-?inferior\w*|equivalen\w*|"
        r"head-to-head|alternative to|as effective as)\b", re.I),
    "limitations": re.compile(
        r"\b(?:limitation\w*|limited|small (?:sample|number|studies|trials?)|pilot|further (?:research|"
        r"studies|trials)|more research|larger (?:trials|studies)|need for|(?:are|is|were) needed|lack of|"
        r"low[- ]quality|bias|uncontrolled|anecdotal|caution|insufficient evidence)\b", re.I),
}
_SECTION_HINTS = {
    "RESULTS": "efficacy", "FINDINGS": "efficacy", "CONCLUSIONS": "efficacy", "CONCLUSION": "efficacy",
    "LIMITATIONS": "limitations", "SAFETY": "safety", "ADVERSE EVENTS": "safety", "ADVERSE EFFECTS": "safety",
    "HARMS": "safety", "SIDE EFFECTS": "safety",
    "INTERVENTIONS": "clinical_use", "DOSING": "clinical_use", "MECHANISM": "mechanism",
}


_CONTEXT_SECTIONS = ("BACKGROUND", "INTRODUCTION", "OBJECTIVE", "AIM", "PURPOSE", "CONTEXT", "IMPORTANCE",
                     "RATIONALE", "TITLE")


def is_context(section: str) -> bool:
    """Background and aims describe the question, not the study's findings."""
    s = section.upper()
    return any(s.startswith(k) for k in _CONTEXT_SECTIONS)


def _leads(pattern: str) -> list[str]:
    """The first letters every alternative of a cue pattern begins with: of each run of letters
    written right after "(?:" or "|", its first three, or two when the third is optional or
    missing ("vs\\.?", "at night"). A cue can match only at a word that starts with a lead (the
    dose pattern starts at a digit instead). Inner groups ("(?:s|ed|ade|ing)") add leads too,
    which only adds words to try; test_answer_roles checks that every alternative has one."""
    out = []
    for letters, after in re.findall(r"(?:\(\?:|\|)([a-z]+)(?=(.?))", pattern):
        sure = len(letters) - (after in ("?", "*", "{"))
        if sure >= 2:
            out.append(letters[:min(sure, 3)])
    return out


_HEAD = re.compile(r"\b\w{1,3}")
_BY_LEAD: dict[str, tuple[str, ...]] = {}
for _role, _rx in _CUES.items():
    for _lead in sorted(set(_leads(_rx.pattern))):
        _BY_LEAD[_lead] = (*_BY_LEAD.get(_lead, ()), _role)
_DIGIT_ROLES = ("clinical_use",)      # DOSE: an amount and its unit, from its first digit
# The characters outside ASCII that ``re.I`` matches with an ASCII letter ("\u017f" is "s", the
# Kelvin sign "k"; test_answer_roles finds them all): beside one, the word's letters are not
# its lead, so such a sentence is searched as before.
_FOLDS = frozenset("\u0130\u0131\u017f\u212a")


def cues_in(sentence: str) -> set[str]:
    """The roles whose cue pattern matches the sentence: ``{r for r, rx in _CUES.items() if
    rx.search(sentence)}``, tried only at the words that can start a cue.

    Six searches of long alternations tried every alternative at every position of every
    candidate sentence (the largest cost of an answer); here a word's first three letters and
    first two pick the roles that can start there and only those are tried, anchored (``match``
    at the word; its ``\b`` still sees the character before)."""
    if not sentence.isascii() and not _FOLDS.isdisjoint(sentence):
        return {role for role, rx in _CUES.items() if rx.search(sentence)}
    found: set[str] = set()
    ascii_ = sentence.isascii()       # lower-cased at once: same length, same word starts
    for m in _HEAD.finditer(sentence.lower() if ascii_ else sentence):
        head = m.group() if ascii_ else m.group().lower()
        if head[0].isdecimal():
            roles = _DIGIT_ROLES
        else:
            roles = _BY_LEAD.get(head, ()) + _BY_LEAD.get(head[:2], ())
        for role in roles:
            if role not in found and _CUES[role].match(sentence, m.start()):
                found.add(role)
    return found


# A sentence that states what a study set out to do ("The aim of this trial was to evaluate the
# tolerability of X with that of two other calcium antagonists"): its words name what was asked,
# not a mechanism, a dose or a finding, whatever role the abstract's own labels give it.
_AIM = re.compile(r"^\s*(?:(?:hence|therefore|thus|accordingly|so),?\s+)?(?:(?:the|our) (?:main |primary )?"
                  r"(?:aims?|objectives?|purposes?|goals?) of (?:this|the|our|the present)\b|"
                  r"(?:this|the present|our) (?:\w+ )?(?:study|trial|review|analysis) (?:aimed|aims|sought|was "
                  r"designed|is designed|was undertaken|was conducted) to\b|we (?:aimed|sought|set out|wanted) to\b|"
                  r"to (?:evaluate|assess|determine|compare|investigate|examine|explore)\b)", re.I)


def is_aim(sentence: str) -> bool:
    """Whether the sentence states what a study set out to do (``_AIM``)."""
    return _AIM.match(sentence) is not None


def roles_of(sentence: str, section: str = "") -> set[str]:
    if is_aim(sentence):
        return set()
    found = cues_in(sentence)
    if is_context(section):
        found -= {"efficacy", "safety", "comparison", "limitations"}
    hint = _SECTION_HINTS.get(section.upper())
    if hint and (hint != "efficacy" or found & {"efficacy"} or not found):
        found.add(hint)
    return found



def cue_words(role: str, sentence: str) -> set[str]:
    """The distinct cue words of ``role`` a sentence uses: how much of it speaks to that role
    (an account of receptors and signalling, not one passing "antagonist")."""
    return {m.lower() for m in _CUES[role].findall(sentence)}
