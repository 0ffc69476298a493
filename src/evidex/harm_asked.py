"""Whether and how much of a harm a question asks a treatment gives: "Does X cause Y?", "How common
are seizures on clozapine?", "How much weight is he likely to gain?", "How much first-dose
hypotension should we expect?".

Such a question is about the harm itself, as "Does X cause Y?" is: its studies are read for the harm,
and a harm found is a finding against the treatment. The harm must be one the vocabulary names (a
disease or sign, "seizures", "hypotension") or a general harm ("side effects"): "How common is
remission?" asks about a benefit."""
from __future__ import annotations

import re

from .phrases import GENERAL_HARMS, clean
from .question_shape import HARM_GIVEN
from .vocab import find_terms

# A comparison of harms: the asked arm wins with fewer of the outcome ("Is A safer than B with
# respect to myocardial infarction?", "Does A cause fewer ulcers than B?").
HARM_ASK = re.compile(r"\b(?:safer|safe as|less harmful|more harmful|fewer|risks? of|caus(?:e[sd]?|ing)|adverse|"
                      r"impairs?|raises?|worsens?|induces?|"
                      r"likely (?:than [\w\s()-]{1,40}? )?to " + HARM_GIVEN + r"|"
                      r"side[- ]effects?|toxicit\w*|complications?)\b", re.I)

# "for pain relief and side effects": an effect named first, then the harms beside it; the comparison is of the effect.
_EFFECT_THEN_HARMS = re.compile(r"\b(?:for|on|in terms of)\s+(?:[\w-]+\s+){0,2}?(?:relief|control|efficacy|effectiveness|"
                                r"response|improvement|healing|remission|benefits?)\s+and\s+(?:side[- ]effects?|adverse "
                                r"effects?|tolerability|safety)\b", re.I)


def harms_compared(question: str) -> bool:
    """Whether a comparison question asks which treatment does less harm ("is A safer than B?", "does A cause
    fewer ulcers than B?"), not which works better with its harms beside ("... for pain relief and side effects?")."""
    named = len(HARM_ASK.findall(question))
    return named > 0 and not (named == 1 and _EFFECT_THEN_HARMS.search(question))


# "how common are <harm> (on X)", "how much <harm> should we expect": the harm up to the verb or preposition
# ("how often does X cause Y" asks whether it causes Y in a setting, as the question's own clause says).
_HOW_MUCH = re.compile(r"\bhow\s+(?:common|often|frequent(?:ly)?|much|many)\s+(?:(?:is|are)\s+)?"
                       r"(?!(?:does|do|did|should|will|would|can|could)\b)([\w' -]{3,60}?)"
                       r"(?=\s+(?:on|with|from|after|when|while|if|is|are|should|would|will|do|does|can|could|might)\b)",
                       re.I)
# A benefit counted ("how much relief of pain", "how common is remission of ...") or a harm spared ("how many
# strokes are prevented"): no harm asked.
_BENEFIT = re.compile(r"(?:remission|relief|healing|improvement|response|reduction|recovery|resolution|benefit)s?\b", re.I)
_SPARED = re.compile(r"\s+(?:is|are|was|were|can be|could be)\s+(?:prevented|avoided|relieved|healed|reduced|cured|saved)\b",
                     re.I)
# "how much weight is he likely to gain": weight gained is the harm.
_GAINED = re.compile(r"^weight\b.{0,40}?\bgain", re.I)


def harm_asked(question: str) -> str:
    """The harm whose amount the question asks about, as the vocabulary or the question names it, else ""."""
    m = _HOW_MUCH.search(question)
    if not m:
        return ""
    head = clean(m.group(1))
    if _BENEFIT.match(m.group(1).strip()) or _SPARED.match(question[m.end(1):]):
        return ""
    if head == "weight" and _GAINED.match(question[m.start(1):]):
        return "weight gain"
    named = find_terms(head, ("condition",))     # (an outcome term may be a measure: "HbA1c")
    if named:
        return named[-1].text.lower()          # of "first-dose hypotension", the harm as records name it
    return head if head in GENERAL_HARMS else ""


# A predicate that asks whether a treatment does harm ("Does X impair memory?", "Do CCBs cause
# birth defects?", "Does X increase the risk of stroke?"): yes is a finding against the treatment.
ADVERSE_VERB = re.compile(r"gives?|makes?|impairs?|worsens?|exacerbates?|causes?|induces?|raises?|damages?|harms?|injures?|"
                          r"triggers?|provokes?|aggravates?|precipitates?", re.I)
RISE_VERB = re.compile(r"increases?|raises?|elevates?", re.I)       # harm only of "the risk of" Y
CONTROL_WORD = re.compile(r"\b(?:placebo|no treatment|untreated|controls?)\b", re.I)
ADVERSE_TAIL = re.compile(r"\s*(?:the )?(?:risks?|rates?|incidence) (?:of|for)\s+", re.I)


def asks_adverse(qtype: str, pivot, subject: str, rest: str, interventions: list[str], comparators: list[str]) -> bool:
    """Whether a yes/no question asks if its treatment does a harm, against placebo or nothing:
    its predicate is a harm verb ("impair", "cause") or "increase the risk of" ("Is there a
    genetic cause of X?" asks no such thing)."""
    if qtype != "yesno" or not pivot or not interventions or any(not CONTROL_WORD.search(c) for c in comparators) \
            or re.match(r"\s*(?:there|it)\b", subject, re.I):
        return False
    verb = pivot.group(0)
    return bool(ADVERSE_VERB.fullmatch(verb) or (RISE_VERB.fullmatch(verb) and ADVERSE_TAIL.match(rest)))
