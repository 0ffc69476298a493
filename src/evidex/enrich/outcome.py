"""The primary outcome of a study, read from the sentence that names it.

CONSORT 2010 item 6a asks a trial report for "completely defined pre-specified primary and
secondary outcome measures" (Schulz et al., BMJ 2010;340:c332), and CONSORT for abstracts
(Hopewell et al., PLoS Med 2008;5:e20) for "the primary outcome as pre-specified"; PRISMA 2020
item 10a asks a review for its outcomes. Abstracts say it in a few recurring ways, tried here
from the most to the least explicit:

1. a named primary outcome: "The primary end point was X", "X was the primary outcome",
   "The primary endpoint, X, was ...", "primary outcome measure of ... (X)", "MAIN OUTCOME
   MEASURES" sections, PICO's "(O) X";
2. a defined or measured outcome: "X was defined as ...", "... was used to measure X",
   "Efficacy was assessed by X";
3. what the main result sentence measures ("All-cause mortality was lower ...", "a reduction
   in X", "the difference in X between ...") — called by ``trial`` once the effect is known;
4. what the aim names: "the effect of A on X", "the efficacy of A in reducing X".

Every text is cut from one sentence (a ``Fact`` keeps which), so the table can cite it.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..records import Passage
from ..text import abbreviation_definitions


@dataclass(frozen=True)
class Fact:
    text: str   # what the table cell shows
    seq: int    # the Passage.seq the text comes from


_MEASURE = (r"(?:outcome|end[- ]?point|efficacy (?:end[- ]?point|variable|parameter|measure|outcome|criterion)|"
            r"variable|measure|criterion|parameter)")
_PRIMARY_LEAD = r"\b(?:primary|main|principal|chief|study)\s+(?:study\s+|efficacy\s+|clinical\s+)?"
# "The primary end point was X" / "Main outcome measures were X" / "primary outcome: X"
_NAMED = re.compile(_PRIMARY_LEAD + _MEASURE + r"s?(?:\s+(?:measures?|variables?))?(?:\s+for\s+(?:each|every|all)\s+\w+)?\s*"
                    r"(?:was|were|is|are|:|included|consisted of|comprised|compared|assessed|measured)\s+"
                    r"(?:defined as\s+)?(?:the\s+|a\s+)?([^.;]{3,160})", re.I)
# "The primary endpoint, complete headache response, was ..."
_APPOSITIVE = re.compile(r"(?<!\()" + _PRIMARY_LEAD + _MEASURE + r"s?,\s+([^,;]{3,100}),", re.I)
# "With regard to the primary endpoint (total score of the X index)"
_NAMED_PAREN = re.compile(_PRIMARY_LEAD + _MEASURE + r"s?(?:\s+measures?)?\s*\(([A-Za-z][^()\d]{2,100})\)", re.I)
# "primary outcome measure of ADHD (Conners ...)" / "primary end point of X"
_NAMED_OF = re.compile(_PRIMARY_LEAD + _MEASURE + r"s?(?:\s+measures?)?\s+(?:of|for)\s+"
                       r"(?!(?:this|the|our|a|an)\s+(?:\w+\s+){0,3}?(?:study|trial|analysis|review|investigation|research|project|"
                       r"protocol|work|experiment)\b|(?:each|every|all)\s+(?:patients?|participants?|subjects?)\b)([^.;,()]{3,120})",
                       re.I)
# "The primary outcome of this trial was to compare the incidence of X ..."
_NAMED_AIM = re.compile(_PRIMARY_LEAD + _MEASURE + r"s?\s+of\s+(?:this|the|our)\s+[^.;]{0,60}?\b(?:study|trial)\s+"
                        r"(?:was|were)\s+to\s+(?:compare|evaluate|assess|determine|investigate|examine|measure)\s+"
                        r"(?:the\s+)?([^.;]{3,120})", re.I)
# "X was the primary end point"
_NAMED_AFTER = re.compile(r"(?:^|[,;:]\s*)(?:the\s+)?([^.;,]{3,140}?)\s+(?:was|were|served as)\s+(?:the\s+|our\s+)?"
                          r"(?:pre-?specified\s+)?(?:primary|main|principal)\s+(?:efficacy\s+)?"
                          r"(?:outcome|end[- ]?point|endpoint|efficacy variable|variable|measure)", re.I)
# "The primary objective was to investigate the superiority of A to B with regard to X"
_AIM_REGARD = re.compile(_PRIMARY_LEAD + r"(?:objective|aim|hypothesis|purpose)\b[^.;]{0,160}?\b(?:with (?:regard|respect) "
                         r"to|in terms of)\s+(?:the\s+)?([^.;,]{3,100})", re.I)
# "The main objective is remission on endoscopy at week 12" (an outcome, not "to assess ...")
_NAMED_OBJ = re.compile(_PRIMARY_LEAD + r"(?:objective|aim)\s+(?:is|was)\s+(?!to\b)(?:the\s+|a\s+)?([^.;,]{3,120})", re.I)
# "... with regard to X" after a primary objective or hypothesis
_OBJECTIVE_OUTCOME = re.compile(r"\b(?:with (?:regard|respect) to|in terms of)\s+(?:the\s+)?([^.;,]{3,100})", re.I)
_PICO_O = re.compile(r"\(O\)\s*([^.;()]{3,100})")
# "had as a primary end point achievement of X" / "with X as the primary outcome"
_AS_PRIMARY = re.compile(r"\bas\s+(?:a|the|its|our)\s+(?:pre-?specified\s+)?primary\s+(?:efficacy\s+)?(?:outcome|end[- ]?point|"
                         r"variable|measure)s?\s+(?!was\b|were\b|is\b|of\s+(?:this|the)\b)([A-Za-z][^.;,]{3,100})|"
                         r"\bwith\s+(?:the\s+)?([A-Za-z][^.;,]{3,80}?)\s+as\s+(?:a|the)\s+primary\s+(?:outcome|end[- ]?point)", re.I)
# "X was defined as ..." / "... was used to measure X" / "Efficacy was assessed by X"
_DEFINED = re.compile(r"(?:^|[,;:]\s*)(?:the\s+)?([A-Za-z][^.;,()]{2,60}?)\s+(?:was|were)\s+defined\s+as\b", re.I)
_USED_TO_MEASURE = re.compile(r"\b(?:was|were)\s+used\s+to\s+(?:measure|assess|evaluate|quantify)\s+(?:the\s+)?"
                              r"([^.;,]{3,80})", re.I)
_EFFICACY_BY = re.compile(r"\b(?:efficacy|effectiveness|response|outcome)(?:\s+to treatment)?(?:\s*,\s*|\s+was\s+|\s+were\s+)"
                          r"(?:assessed|measured|evaluated|judged|determined|defined)\s+"
                          r"(?:by|as|with|using|from|on the basis of)\s+(?:the\s+)?([^.;]{3,120})", re.I)

_CUT = re.compile(r"\s*(?:,\s*(?:and\s+)?(?:the\s+)?(?:key\s+)?secondary\b.*|;.*|\s+and (?:the\s+)?secondary\b.*|"
                  r"\s+secondary\s+(?:end ?points?|endpoints?|outcomes?|measures?|variables?)\b.*|"
                  r",\s*(?:which|analy[sz]ed|as assessed|as measured|measured|assessed)\b.*|\s+(?:who|which|that)\b.*|"
                  r"\s+between\b.*|\s+(?:significantly|statistically|markedly|slightly|approached|reached|failed|"
                  r"tended)\b.*|"
                  r"\s+(?:among|in|across|at|after|over|during|from|by)\s+(?:the\s+)?(?:two|three|four|both|"
                  r"all|treatment|study|patients|participants|groups?|baseline|week|month|day|end|intention)\b.*|"
                  r"\s+\((?![A-Z][A-Za-z0-9-]{1,10}\))[^)]*(?:\).*)?|\s+(?:was|were)\s+(?:also\s+)?(?:assessed|measured|"
                  r"recorded|compared|analy[sz]ed|considered|evaluated|reported|studied|examined|investigated|"
                  r"determined|obtained|performed)\b.*|\s+with\s+(?:those|that)\b.*|\s+also\b.*|\s+alone\b.*|"
                  r"\s+(?:as\s+)?(?:assessed|measured|evaluated|determined|quantified)\s+(?:by|with|using)\b.*|"
                  r"\s+(?:above|below|versus|vs\.?|compared (?:with|to)|relative to)\s+baseline\b.*)$", re.I)
_GENERIC = re.compile(r"^(?:the\s+)?(?:(?:primary|main|secondary)\s+)?(?:outcomes?|end ?points?|endpoints?|"
                      r"efficacy|effectiveness|response|variables?|measures?|this|it|they|patients?|participants?|"
                      r"differences?|changes?|effects?|parameters?|reductions?|improvements?|increases?|decreases?|"
                      r"subjects?|data|results?|success|treatment|the study|study|effect sizes?)$", re.I)
_LEADING = re.compile(r"^(?:(?:when|if|although|while|whereas|since|because)\s+)?"
                      r"(?:to\s+(?:compare|evaluate|assess|determine|investigate|examine|test)\s+)?"
                      r"(?:whether\s+)?(?:the\s+|a\s+|an\s+|our\s+|these\s+|those\s+|this\s+)?", re.I)


# CONSORT 6a, an outcome stated as a change: "(mean) change from baseline (to week 12) in X" -> "change in X"
_FROM_BASELINE = re.compile(r"^(?:the\s+)?(?:(?:mean|median|average|adjusted|least[- ]squares mean)\s+)?"
                            r"(change|reduction|improvement|decrease|increase)s?(?:\s+in\s+(?:the\s+)?(?:total\s+)?"
                            r"scores?)?\s+from\s+baseline(?:\s+(?:to|at|until|through)\s+(?:the\s+)?(?:end\s*point|"
                            r"end of (?:the\s+)?\w+|(?:week|month|day|visit)\s*\d+|final visit|last visit|\w+\s+\d+))?"
                            r"\s+(?:in|of|on)\s+(?:the\s+)?", re.I)
# a time or a connective is not where an outcome's name starts
_NOT_A_START = re.compile(r"^(?:at least|after|within|before|during|until|at (?:week|month|day|the end|baseline|\d))\b",
                          re.I)


def clean(text: str, limit: int = 14) -> str:
    """An outcome phrase without what follows it (secondary outcomes, a second primary
    outcome, timing, groups, a long parenthesis) and without a leading article."""
    text = re.sub(r"^(?:the\s+|an?\s+)?(?:[\w-]+\s+)?(?:effects?|efficacy|impact|influence)\s+(?:of\s+[^.;]{1,80}?\s+)?on\s+", "", text.strip(),
                  flags=re.I)   # "the effects of the extract on QoL", "effects on rate control" -> "QoL", "rate control"
    text = _FROM_BASELINE.sub(r"\1 in ", text.strip())
    text = re.sub(r"(?:,\s*|\s+)and\s+the\s+(?:\S+\s+){2,}.*$", "", text)
    if text.count(")") > text.count("(") or text.count("]") > text.count("["):
        return ""   # a phrase cut inside a bracket is not a name
    text = re.sub(r"^(?:(?:statistically\s+)?(?:slightly|significant(?:ly)?|marked(?:ly)?|substantial(?:ly)?|much|"
                  r"modest)\s+)+", "", text, flags=re.I)
    text = _CUT.sub("", text).strip(" ,.:")
    text = _LEADING.sub("", text).strip()
    # a cut's leftover connective, a group ("in the active treatment group cardiac output"), "baseline X"
    text = re.sub(r"^(?:(?:in|among|for)\s+(?:the\s+)?(?:[\w-]+\s+){0,3}?(?:groups?|arms?|patients)\s+|baseline\s+|"
                  r"(?:of|and|or|with|for|to)\s+)", "", text, flags=re.I)
    # a cut at the limit leaves no dangling word ("... restored to sinus rhythm at")
    return re.sub(r"(?<=\S)(?:\s+(?:at|of|in|on|to|for|and|or|with|by|the))+$", "", " ".join(text.split()[:limit]),
                  flags=re.I)


# a population is not an outcome: "veterans with Gulf War Illness", "elderly patients who fell"
_POPULATION = re.compile(r"(?:(?!of\b|in\b|for\b)[\w-]+\s+){0,2}?(?:patients|participants|subjects|veterans|women|men|children|"
                         r"adults|individuals|people|persons|volunteers|infants|adolescents|smokers|users|outpatients|"
                         r"inpatients)\s+(?:with|who|aged|receiving|undergoing|taking|having|suffering)\b", re.I)


def _usable(text: str) -> bool:
    """Not an aim ("purpose of ..."), a comparison ("A vs placebo"), an analysis ("linear correlation",
    "paired t test") or a treatment ("combination therapy")."""
    return (bool(text) and len(text) >= 3 and not _GENERIC.match(text) and bool(re.search(r"[a-z]{3}", text, re.I))
            and not _NOT_A_START.match(text) and not re.match(r"(?:purpose|aim|objective|goal)\b", text, re.I)
            and not _POPULATION.match(text)
            and not re.search(r"\b(?:vs\.?|versus|placebo)\b|\b(?:effects?|correlations?|associations?|relationships?|"
                              r"trends?|tendency|differences?|agreement|concordance|advantages?|benefits?|t[- ]tests?|"
                              r"tests?|analysis|models?|regression|ANOVA|therapy|treatment|monotherapy|combination|"
                              r"regimen)$", text, re.I))


# Lower-case words one of which every match of the pattern contains (each pattern writes one of
# them literally): an ASCII sentence without any is not scanned by it. Outside ASCII, re.I also
# folds "\u017f" to "s" and the Kelvin sign to "k", so such a sentence is always scanned.
_LEAD_WORDS = ("primary", "main", "principal", "chief", "study")
_NEEDS = {**dict.fromkeys((_NAMED, _APPOSITIVE, _NAMED_PAREN, _NAMED_OF, _NAMED_AIM, _AIM_REGARD, _NAMED_OBJ), _LEAD_WORDS),
          _NAMED_AFTER: ("primary", "main", "principal"), _AS_PRIMARY: ("primary",), _PICO_O: ("(o)",), _DEFINED: ("defined",),
          _USED_TO_MEASURE: ("used",), _EFFICACY_BY: ("efficacy", "effectiveness", "response", "outcome")}


# the rest of a listed composite outcome: ", myocardial infarction, and other cardiovascular death"
_LIST_GOES_ON = re.compile(r"(?:,\s*(?!and\b|or\b)[^,.;()]{2,50}){0,4},?\s+(?:and|or)\s+[^,.;()]{2,60}")


def named_outcome(body: Sequence[Passage], roles: Sequence[str] = ()) -> Fact | None:
    """Tiers 1 and 2: an outcome the abstract names as primary, then one it defines or
    says it measured; None when no sentence does. Twelve patterns over every sentence were
    ~2 ms per study; a sentence lacking a pattern's words is passed over (``_NEEDS``).

    ``roles`` (one per passage) put conclusions last: the methods define the primary outcome
    (CONSORT 6a), a conclusion restates it loosely ("preventing the combined primary endpoint
    of all stroke, ...")."""
    tiers = ((_NAMED_PAREN, _APPOSITIVE, _NAMED_AIM, _NAMED_OF, _NAMED, _NAMED_AFTER, _AS_PRIMARY, _AIM_REGARD, _NAMED_OBJ,
              _PICO_O),
             (_DEFINED, _USED_TO_MEASURE, _EFFICACY_BY))
    groups = [body] if len(roles) != len(body) else [[p for p, r in zip(body, roles) if r != "conclusions"],
                                                     [p for p, r in zip(body, roles) if r == "conclusions"]]
    for i, rxs in enumerate(tiers):
        for g, group in enumerate(groups):
            found = _named_in(rxs, group)
            if found:
                return found
            # a structured abstract's outcome heading, before a conclusion's wording
            if i == 0 and g == 0 and (section := _outcome_section(body)):
                return section
    return None


def _named_in(rxs: Sequence[re.Pattern[str]], body: Sequence[Passage]) -> Fact | None:
    """The first usable outcome the patterns (in order) name in the sentences."""
    lows = [p.text.lower() if p.text.isascii() else None for p in body]
    for rx in rxs:
        for p, low in zip(body, lows):
            if low is not None and not any(w in low for w in _NEEDS[rx]):
                continue
            for m in rx.finditer(p.text):
                raw = m.group(1) or m.group(m.lastindex or 1)
                text = clean(raw)
                named = re.match(r"\s*\(([^()]{3,80})\)", p.text[m.end():] if rx is _NAMED_OF else "")
                if named:   # "primary outcome measure of ADHD (Conners ...)": keep the instrument
                    text = f"{text} ({named.group(1)})"
                listed = _LIST_GOES_ON.match(p.text, m.end()) if rx is _NAMED_OF and not named else None
                if listed and clean(raw) == raw.strip(" ,.:"):   # a composite: "of all stroke, MI, and CV death"
                    text = clean(raw + listed.group(0), 24)
                if rx is _NAMED and re.match(r"(?:to\s+)?(?:investigate|compare|evaluate|assess|determine)\b",
                                             raw, re.I):
                    inner = _OBJECTIVE_OUTCOME.search(raw)
                    text = clean(inner.group(1)) if inner else ""
                if _usable(text):
                    return Fact(text, p.seq)
    return None


def _outcome_section(body: Sequence[Passage]) -> Fact | None:
    """Structured abstracts: the MAIN OUTCOME MEASURE(S) section's first sentence."""
    for p in body:
        up = p.section.upper()
        if "OUTCOME" in up and "RESULT" not in up:
            text = clean(p.text)
            return Fact(text, p.seq) if _usable(text) else None
    return None


# -- tier 3: what the main result sentence measures --------------------------------------
_CHANGE_IN = re.compile(r"\b(?:(?:improvements?|reductions?|decreases?|increases?|changes?|differences?|relief)\s+"
                        r"(?:in|of)|rates? of|incidence of|proportion of|number of|percentage of)\s+(?:the\s+)?"
                        r"(?:mean\s+)?((?:\d+-)?[a-zA-Z][^,.;()\d]{2,60}?)(?=\s+(?:between|from|with|was|were|at|after|for|"
                        r"compared|than|in|by|did|is|are|per|among|during|over)\b|[,.;(]|$)", re.I)
_SUBJECT = re.compile(r"(?:(?:at|after|by|in|during|over|with|from|among|compared with|comparing)\s[^,]{1,60},\s*)?"
                      r"(?:the\s+)?(mean\s+|median\s+|average\s+)?([A-Za-z][^,.;()\d]{2,70}?)"
                      r"\s+(?:was|were|did|had|improved|decreased|increased|fell|rose|declined|dropped|differed|"
                      r"remained|reduced|occurred|showed|followed)\b", re.I)
# "There was complete symptom relief after 7 days in ..." / "There was a significant reduction in X"
_THERE = re.compile(r"(?:[^,]{1,60},\s*)?there\s+(?:was|were)\s+(?:a\s+|an\s+|no\s+)?(?:(?:statistically\s+)?"
                    r"(?:significant(?:ly)?|greater|higher|lower|similar|marked)\s+)?([a-z][^,.;()\d]{2,60}?)"
                    r"(?=\s+(?:after|in|at|among|between|with|for|of patients|on|during|over)\b|[,.;(])", re.I)
# "Subjects receiving A achieved greater mean weight loss ..." -> "weight loss"
_GREATER = re.compile(r"\b(?:achieved|had|showed|experienced|reported|demonstrated|produced)\s+(?:a\s+|an\s+)?"
                      r"(?:(?:statistically\s+)?significantly\s+)?(?:greater|more|less|fewer|lower|higher|larger|smaller|"
                      r"better|worse|milder|shorter|longer)\s+(?:mean\s+)?([a-z][^,.;()\d]{2,60}?)(?=\s+(?:than|compared|vs|versus|over|at|"
                      r"after|in|with|from|during)\b|[,.;(])", re.I)
# "A was statistically superior to placebo on the MADRS" -> "MADRS"
_SUPERIOR_ON = re.compile(r"\b(?:superior|inferior|better|worse|more effective|less effective)\s+(?:to|than)\s+[^,.;()]{1,40}?"
                          r"\s+(?:on|in)\s+(?:the\s+)?([^,.;()]{2,60}?)(?=\s*[(,.;]|\s+(?:at|after|during|ratings?)\b)", re.I)
_NOT_OUTCOME = re.compile(r"^(?:there|it|this|these|those|both|all|more|fewer|most|patients?|participants?|"
                          r"receiving|taking|given|treated|randomi[sz]ed|allocated|assigned|"
                          r"subjects?|women|men|children|treatment|the (?:\w+ )?(?:group|arm)s?|no|none|each|"
                          r"neither|either|[A-Z][\w-]*(?: [A-Z][\w-]*)? (?:group|arm|treatment))\b", re.I)
_PEOPLE_END = re.compile(r"\b(?:patients|participants|subjects|women|men|children|adults|groups?|arms?)$", re.I)
_MEASURE_WORD = re.compile(r"\b(?:mortality|death|survival|rates?|scores?|pain|healing|remission|response|relapse|"
                           r"recurrence|incidence|events?|pressure|levels?|index|scale|symptoms?|frequency|"
                           r"severity|duration|time|proportion|number|percentage|capacity|volume|density|function|"
                           r"distance|weight|mass|flow|count|concentrations?|clearance|status|quality)\b", re.I)


def outcome_of_effect_text(effect: Fact | None) -> Fact | None:
    """An effect that opens with its measure's name ("overall response rate 33.3%, 95% CI
    19.6-49.6%") names the outcome too."""
    if effect is None:
        return None
    m = re.match(r"([A-Za-z][A-Za-z -]{4,60}?)\s+(?:of\s+|was\s+|were\s+|=\s*)?[-\u2212]?\d", effect.text)
    text = clean(m.group(1), 8) if m else ""
    if text and len(text.split()) >= 2 and _MEASURE_WORD.search(text) and _usable(text) \
            and not re.match(r"(?:HR|OR|RR|MD|SMD|WMD|NNT|difference|CI)\b", text):
        return Fact(text, effect.seq)
    return None


_PER_DENOMINATOR = re.compile(r"\s+per\s+\d[\d,]*\s+(?:persons?|patients?|participants?|people|subjects|"
                              r"(?:person|patient)[- ]years?|population)(?:\s+per\s+(?:year|annum|month))?\b", re.I)


def outcome_of_sentence(p: Passage) -> Fact | None:
    """What a result sentence measures: its subject ("All-cause mortality was lower ...") or
    what changed ("improvement in X", "the difference in X between ...")."""
    cands = []
    text = re.sub(r"\s*\([^()]*\)", "", p.text)   # "Exercise time (4 hours after ...) showed ..."
    # a rate's denominator: "Cardiovascular morbidity rates per 1000 persons per year were similar"
    text = _PER_DENOMINATOR.sub("", text)
    # the groups a result is given for: "X in patients receiving A, B, and placebo were 64, 50, and 27%"
    text = re.sub(r"\s+(?:in|among|for)\s+(?:the\s+)?(?:patients|participants|subjects|women|men|children)\s+(?:receiving|"
                  r"treated with|given|taking|on)\s+[^.;]{1,100}?(?=\s+(?:were|was)\b)", "", text, flags=re.I)
    m = _SUBJECT.match(text)
    if m:   # "At the end of the follow-up the percentage of X" -> "percentage of X"
        subject = re.sub(r"^(?:at|after|by|during|over|in)\s+(?:the\s+)?(?:(?:end|start|beginning|completion)\s+of\s+"
                         r"(?:the\s+)?\S+|\S+\s+(?:weeks?|months?|days?|years?|hours?)(?:\s+of\s+\w+)?)\s+", "",
                         m.group(2), flags=re.I)
        cands.append(("mean " if m.group(1) else "") + subject)
    cands += [m.group(1) for m in _CHANGE_IN.finditer(text)]
    there = _THERE.match(text)
    if there:
        cands.append(there.group(1))
    cands += [m.group(1) for m in _GREATER.finditer(text)]
    cands += [m.group(1) for m in _SUPERIOR_ON.finditer(text)]
    for raw in cands:
        if re.match(r"\s*(?:these|this|those|such)\b", raw, re.I):   # "These gains were significant"
            continue
        raw = re.sub(r"^(?:although|while|whereas|however|thus|moreover|furthermore|in addition)[, ]+", "", raw.strip(),
                     flags=re.I)
        raw = re.sub(r"^(?:only|overall|also)\s+|^(?:patients|participants|subjects)\s+(?:who\s+|that\s+)?"
                     r"(?=\w+ing\b)", "", raw.strip(), flags=re.I)
        # "percentage of A-treated patients experienced dystonic events" -> "dystonic events"
        raw = re.sub(r"^.*\b(?:patients|participants|subjects|women|men|children)\s+(?:who\s+)?(?:experienced|had|"
                     r"reported|developed)\s+", "", raw, flags=re.I)
        words = clean(raw, 10).split()
        text = " ".join(words)
        # a sentence's subject is an outcome when it names a measure, not a group, a drug or
        # a dummy subject ("More patients", "Olanzapine", "There")
        if not words or _NOT_OUTCOME.match(text) or not _usable(text) or _PEOPLE_END.search(text):
            continue
        if len(words) <= 2 and words[0][:1].isupper() and not _MEASURE_WORD.search(text) \
                and words[0].lower() != "mean":
            continue
        if words[0].lower() == "mean" and len(words) > 1:   # "mean HbA1c": a measure, though capitalised
            text = " ".join(words[1:])
        return Fact(text, p.seq)
    return None


# -- tier 4: what the aim names ----------------------------------------------------------
_AIM_ON = re.compile(r"\b(?:effects?|efficacy|effectiveness|impact|influence|benefits?|comparison)\s+of\s+[^.;]{2,120}?\s+"
                     r"(?:on|in (?:relieving|reducing|decreasing|preventing|improving|lowering|treating))\s+"
                     r"(?:the\s+)?([^.;,]{3,90})", re.I)


# a title that states its finding: "A reduces forearm fracture incidence in ..."
_TITLE_VERB = re.compile(r"\b(?:reduces|improves|prevents|lowers|increases|decreases|prolongs|shortens|delays|"
                         r"accelerates|controls|relieves)\s+(?:the\s+)?([a-z][^.;:,]{3,80})")


def aim_outcome(passages: Sequence[Passage], roles: Sequence[str] = ()) -> Fact | None:
    """The outcome an aim or title names: "the effect of A on X". ``roles`` (one per passage,
    "" for a title) keep results and methods sentences out: "the impact of withdrawals on X
    was considered" is an analysis, not the aim."""
    for i, p in enumerate(passages):
        if i < len(roles) and roles[i] not in ("", "objective", "background"):
            continue
        m = _AIM_ON.search(p.text) or (_TITLE_VERB.search(p.text) if p.section == "TITLE" else None)
        if m:
            text = clean(re.split(r"\s+(?:of|in|among|for)\s+(?:[\w-]+\s+){0,5}?(?:patients|participants|subjects|"
                                  r"women|men|children|people|adults|volunteers)\b|\s+(?:of|in|among|for)\s+the\b",
                                  m.group(1), flags=re.I)[0], 10)
            if _usable(text):
                return Fact(text, p.seq)
    return None


# -- tier 5: what the methods say was measured, or the first result's measure -------------
_MEASURED = re.compile(r"(?:^|[,;:]\s*)(?:the\s+)?([A-Za-z][^.;:]{2,90}?)\s+(?:was|were)\s+(?:also\s+)?"
                       r"(?:measured|assessed|recorded|evaluated|compared|registered|documented|obtained|collected|"
                       r"determined|quantified|rated)\b", re.I)
# "Patients completed the Brief Pain Inventory and PROMIS scales ..."
_COMPLETED = re.compile(r"\b(?:completed|filled (?:in|out))\s+(?:the\s+|a\s+)?((?:[A-Z][\w-]*\s+){0,6}(?:[A-Z][\w-]*|"
                        r"scales?|questionnaires?|inventory|index|survey))\b")
_SAFETY = re.compile(r"\b(?:side[- ]effects?|adverse|safety|tolerability|compliance|adherence)\b", re.I)


def measured_outcome(body: Sequence[Passage], roles: Sequence[str]) -> Fact | None:
    """A study that names no primary outcome still says what it measured ("X were recorded
    daily", "patients completed the X questionnaire") and reports it first among its results:
    the first such phrase that is not about harms or compliance."""
    for i, p in enumerate(body):
        if i < len(roles) and roles[i] != "methods":
            continue
        m = _MEASURED.search(p.text) or _COMPLETED.search(p.text)
        if m and _SAFETY.search(m.group(1)):
            m = _COMPLETED.search(p.text)
        if m:
            raw = re.sub(r"^(?:and|or)\s+", "", m.group(1).strip(), flags=re.I)
            raw = re.sub(r"^.*\b(?:and|then|where|which|after which|in which)\s+(?=\S)", "", raw) \
                if re.search(r"\b(?:patients|participants|subjects)\b", raw) else raw
            text = clean(raw)
            if _usable(text) and not _NOT_OUTCOME.match(text) and not _PEOPLE_END.search(text):
                return Fact(text, p.seq)
    found = [f for i, p in enumerate(body) if i >= len(roles) or roles[i] == "results" for f in [outcome_of_sentence(p)] if f]
    # side effects only if no efficacy measure is reported
    return next((f for f in found if not _SAFETY.search(f.text)), found[0] if found else None)


def expand_abbreviations(fact: Fact | None, passages: Sequence[Passage]) -> Fact | None:
    """"change in CPM" -> "change in conditioned pain modulation (CPM)" when the abstract
    defines the abbreviation: a long form whose last words' initials spell it (after Schwartz &
    Hearst, Pac Symp Biocomput 2003), without digits, so no number enters the cell."""
    if fact is None:
        return None
    text = fact.text
    if not any(c.isupper() for c in text):
        return fact                        # an abbreviation starts with a capital: none to expand
    for p in passages:
        for abbr, long_form in abbreviation_definitions(p.text):
            if re.search(rf"\b{re.escape(abbr)}\b", text) and long_form.lower() not in text.lower() \
                    and f"({abbr})" not in text:
                text = re.sub(rf"\b{re.escape(abbr)}\b", f"{long_form} ({abbr})", text, count=1)
    return Fact(text, fact.seq)


__all__ = ["Fact", "aim_outcome", "clean", "expand_abbreviations", "measured_outcome", "named_outcome",
           "outcome_of_effect_text", "outcome_of_sentence"]
