"""Per-study facts for the evidence table: n, arms, comparator, primary outcome, main effect.

Each fact keeps the passage (``Passage.seq``) it is read from, and every number in its text
is written in that passage: the table can cite it and ``synthesis.faithfulness`` can check
it. Texts are cut from the passage or rebuilt from its pieces ("hazard ratio 0.92 [95% CI
0.80-1.07]" -> "HR 0.92 (95% CI 0.80–1.07)"); nothing is computed, so nothing is invented.

The rules follow what CONSORT 2010 asks a trial report to state (Schulz et al., BMJ
2010;340:c332; abstracts: Hopewell et al., PLoS Med 2008;5:e20) and PRISMA 2020 for reviews,
so they read general clinical reporting language rather than one corpus's wording.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..records import Passage, Record
from ..vocab import drug_classes
from .numbers import DOSE, mentions, total_count
from .pico import intervention_spans
from .roles import sentence_roles


@dataclass(frozen=True)
class Fact:
    text: str   # what the table cell shows
    seq: int    # the Passage.seq the text comes from


@dataclass(frozen=True)
class TrialFacts:
    n: int | None
    n_seq: int                       # passage stating n (-1: none)
    arms: tuple[Fact, ...]           # experimental arm(s), with their own doses
    comparator: Fact | None
    outcome: Fact | None             # primary outcome
    effect: Fact | None              # main effect with its CI or p, or a before/after change


# -- arms and comparator ----------------------------------------------------------------
# CONSORT item 5: "the interventions for each group"; abstracts say it in an allocation
# sentence ("randomly assigned to X or Y"), a comparison ("X versus Y", "compared with Y")
# or a control design word ("placebo-controlled").
_CONTROL = re.compile(r"\b(placebos?|sham(?: [a-z]+)?|vehicle|dummy|usual care|standard care|standard (?:of )?care|"
                      r"standard therapy|conventional (?:therapy|treatment|care)|no (?:treatment|intervention|therapy)|"
                      r"waiting[- ]list|wait[- ]list|best supportive care|observation alone|control diet)\b", re.I)
_CONTROLLED = re.compile(r"\b(placebo|sham|vehicle)[- ]controlled\b", re.I)
_ALLOCATION = re.compile(
    r"\b(?:randomi[sz]ed|randomly (?:assigned|allocated|divided)|assigned|allocated|divided)\b[^.;]{0,80}?\b(?:to|into)"
    r"\s+(?:receive\s+|either\s+|treatment with\s+|one of\s+)*|"
    r"\b(?:received|receiving|treated with|treatment with|given|comparing|compared|comparison of|compare)\s+"
    r"(?:the (?:efficacy|effects?|safety)[\w ,]{0,40}? of\s+)?(?:either\s+)?", re.I)
_VERSUS = re.compile(r"\s+(?:versus|vs\.?|compared (?:with|to)|relative to|than(?: with| in| on)?)\s+", re.I)
_SPLIT = re.compile(r"\s*[,:]\s*(?:or\s+|and\s+)?|\s+(?:or|and|versus|vs\.?|compared (?:with|to)|with|to)\s+"
                    r"(?:the\s+)?(?:either\s+)?", re.I)
_SPLIT_ALT = re.compile(r"\s*,?\s+(?:or|versus|vs\.?|compared (?:with|to))\s+(?:the\s+)?(?:either\s+)?|\s*[,:]\s*",
                        re.I)
_STOP = re.compile(r"\s+(?:for|in|during|over|at|after|before|among|who|which|until|on|from|plus|per|daily|once|"
                   r"twice|three|every|each|b\.?i\.?d|t\.?i\.?d|q\.?d|o\.?d|bid|tid|qd|given|administered|orally|"
                   r"intravenously|was|were|is|are|had|has|but|that|than|because|if|when|whereas|while|groups?|arms?|regimens?|patients|subjects|treatment "
                   r"groups?)\b.*$|[(\[;:].*$", re.I)
_DOSE_ONLY = re.compile(r"^\d+(?:[.\u00b7]\d+)?\s*(?:mg|mcg|µg|g|ml|iu|units?)\b", re.I)
_LEADING = re.compile(r"(?:whether|that|if|to|receive|received|receiving|either|both|the|a|an|of|with|and|or|"
                      r"colleagues|we|they|who|tested|assessed|compared|versus|vs\.?)", re.I)
_ARTICLE = re.compile(r"^(?:the|a|an|either|both|to|receive|with|of)\s+", re.I)

def _matches_hint(phrase: str, hint: str) -> bool:
    """Whether an arm is the hinted treatment: a shared word, or a member of the hinted drug
    class (its WHO INN stem or a listed member, from ``vocab/drug_classes.tsv``)."""
    if not hint:
        return False
    low, h = phrase.lower(), hint.lower()
    hint_words = {w for w in re.findall(r"[a-z]{4,}", h)} - {"with", "therapy", "treatment", "inhibitors",
                                                               "inhibitor", "drugs", "agents", "blockers"}
    if hint_words & set(re.findall(r"[a-z]{4,}", low)):
        return True
    words = re.findall(r"[a-z]+", low)
    for cls in drug_classes().values():
        if any(re.search(rf"\b{re.escape(n)}\b", h) for n in (cls.name, *cls.synonyms)):
            if any(w.endswith(stem) for w in words for stem in cls.stems) or \
                    any(m in low for m in cls.members):
                return True
    return False


def _arm_phrase(raw: str) -> str:
    """"lansoprazole 30 mg once daily for 8 weeks" -> "lansoprazole 30 mg" (drug and dose)."""
    text = _ARTICLE.sub("", raw.strip(" ,.")).strip()
    text = _STOP.sub("", " " + text).strip(" ,.")
    dose = DOSE.search(text)
    if dose:
        # The drug is named just before its dose: keep up to three words and the dose itself.
        left = text[:dose.start()].split()[-3:]
        while left and (_LEADING.fullmatch(left[0]) or left[0].lower().endswith("ed")):
            left = left[1:]
        return " ".join([*left, dose.group(0).strip()])
    words = text.split()
    return " ".join(words[:6]) if words else ""


def _is_arm(phrase: str) -> bool:
    if not phrase or len(phrase) < 3 or not re.search(r"[a-z]", phrase, re.I):
        return False
    return bool(_CONTROL.search(phrase) or _DOSE_ONLY.search(phrase) or re.search(r"\d\s*(?:mg|mcg|µg|g)\b", phrase)
                or intervention_spans(phrase))


def _arms_in(sentence: str) -> list[str]:
    """Arm phrases named after an allocation or comparison cue, in order."""
    best: list[str] = []
    for m in _ALLOCATION.finditer(sentence):
        tail = sentence[m.end():]
        tail = re.split(r"\s+(?:for|in|during|over|among|at)\s+(?:\d|a |an |the |patients|subjects|women|men|"
                        r"children|one|two|three|four|six|eight|twelve)|[.;]\s|\)\s*(?:for|in)\b", tail, maxsplit=1)[0]
        # "X, Y or Z" names arms; "X, Y and Z" without "or"/"versus" is one combined regimen
        splitter = _SPLIT_ALT if re.search(r"\s(?:or|versus|vs\.?|compared)\s", tail) else _SPLIT
        parts = [_arm_phrase(p) for p in splitter.split(tail)]
        arms, last_drug = [], ""
        for p in parts:
            if not _is_arm(p):
                if arms:
                    break
                continue
            if _DOSE_ONLY.match(p) and last_drug:   # "omeprazole 10 mg or 20 mg" -> "omeprazole 20 mg"
                p = f"{last_drug} {p}"
            last_drug = p.split()[0] if not _DOSE_ONLY.match(p) else last_drug
            arms.append(p)
        if len(arms) > max(len(best), 1):
            best = arms
    return best


def _comparison(sentence: str) -> tuple[str, str] | None:
    """"X versus Y" / "X compared with Y" / "more with X than with Y" -> (X, Y)."""
    m = _VERSUS.search(sentence)
    if m is None:
        return None
    right = _arm_phrase(_SPLIT.split(sentence[m.end():], maxsplit=1)[0])
    left_text = re.split(r"[,;:(]|\b(?:of|with|on|and|by|that|receiving|between)\b", sentence[:m.start()])[-1]
    left = _arm_phrase(left_text)
    if _is_arm(right):
        return (left if _is_arm(left) else "", right)
    return None


def _arms_and_comparator(body: Sequence[Passage], title: Passage | None,
                         hint: str) -> tuple[tuple[Fact, ...], Fact | None]:
    candidates = ([title] if title else []) + list(body)
    for p in candidates:
        arms = _arms_in(p.text)
        pair = _comparison(p.text) if len(arms) < 2 else None
        if pair and pair[0]:
            arms = list(pair)
        elif pair and not arms:
            arms = ["", pair[1]]
        if len(arms) < 2:
            continue
        controls = [a for a in arms if a and _CONTROL.search(a)]
        if controls:
            comp = controls[0]
        elif hint and any(_matches_hint(a, hint) for a in arms if a) and not all(
                _matches_hint(a, hint) for a in arms if a):
            comp = next(a for a in reversed(arms) if a and not _matches_hint(a, hint))
        else:
            comp = arms[-1]   # the experimental arm is named first, the control last
        experimental = tuple(Fact(a, p.seq) for a in arms if a and a != comp)
        return experimental, Fact(comp, p.seq)
    comp = next((Fact(m.group(1).lower(), p.seq) for p in candidates for m in [_CONTROLLED.search(p.text)] if m), None)
    arms: tuple[Fact, ...] = ()
    if title is not None:
        spans = [s for s in intervention_spans(title.text) if not _CONTROL.search(s)]
        if hint:
            spans = [s for s in spans if _matches_hint(s, hint)] or spans
        arms = tuple(Fact(s, title.seq) for s in spans[:2])
    return arms, comp


# -- primary outcome --------------------------------------------------------------------
# CONSORT item 6a: "completely defined pre-specified primary and secondary outcome measures".
_PRIMARY = re.compile(
    r"\b(?:primary|main|principal)\s+(?:efficacy\s+|study\s+)?(?:outcome|end[- ]?point|endpoint|efficacy variable|"
    r"efficacy parameter|efficacy measure|variable|measure|criterion)s?(?:\s+measures?)?\s*(?:was|were|is|:|,|"
    r"included|consisted of|comprised)\s+(?:the\s+|a\s+)?([^.;]{3,140})", re.I)
_PRIMARY_AFTER = re.compile(r"([^.;,]{3,100}?)\s+(?:was|were)\s+(?:the\s+)?(?:primary|main)\s+(?:outcome|end[- ]?point|"
                            r"endpoint|efficacy variable)", re.I)
_MEASURED = re.compile(r"\b(?:efficacy|outcome|response)\s+was\s+(?:assessed|measured|evaluated|defined)\s+"
                       r"(?:by|as|with|using)\s+(?:the\s+)?([^.;]{3,120})", re.I)
_CHANGE_IN = re.compile(r"\b(?:improvements?|reductions?|decreases?|increases?|changes?|differences?|relief)\s+(?:in|of)"
                        r"\s+(?:the\s+)?(?:mean\s+)?([a-zA-Z][^,.;()\d]{2,60}?)(?=\s+(?:between|from|with|was|were|at|after|"
                        r"for|compared|than|in|by|of|did|is|are)\b|[,.;(]|$)", re.I)
_SUBJECT = re.compile(r"(?:(?:at|after|by|in|during|over)\s[^,]{1,40},\s*)?(?:the\s+)?(?:mean\s+)?([A-Za-z][^,.;()\d]{2,60}?)"
                      r"\s+(?:was|were|did|had|improved|decreased|increased|fell|rose|declined|dropped|differed|"
                      r"remained|reduced)\b", re.I)
_OUTCOME_CUT = re.compile(r"\s*(?:,\s*(?:and\s+)?(?:the\s+)?secondary\b.*|;.*|\s+and secondary\b.*|,\s*which\b.*|"
                          r"\s+\((?!\d).*)$", re.I)


def _outcome(body: Sequence[Passage]) -> Fact | None:
    for rx in (_PRIMARY, _PRIMARY_AFTER, _MEASURED):
        for p in body:
            m = rx.search(p.text)
            if m:
                text = _OUTCOME_CUT.sub("", m.group(1)).strip(" ,.")
                words = text.split()
                if words:
                    return Fact(" ".join(words[:14]), p.seq)
    return None


_NOT_OUTCOME = re.compile(r"^(?:there|it|this|these|both|all|more|fewer|most|patients?|participants?|subjects?|"
                          r"women|men|children|the (?:\w+ )?(?:group|arm)s?)\b", re.I)
_MEASURE_WORD = re.compile(r"\b(?:mortality|death|survival|rate|rates|score|scores|pain|healing|remission|"
                           r"response|relapse|recurrence|incidence|events?|pressure|level|levels)\b", re.I)


def _outcome_of_effect(body: Sequence[Passage], effect: Fact | None) -> Fact | None:
    """No stated primary outcome: what the main-effect sentence measures ("improvement in X",
    or the sentence's subject: "All-cause mortality was lower ...")."""
    p = next((p for p in body if effect is not None and p.seq == effect.seq), None)
    if p is None:
        return None
    m = _CHANGE_IN.search(p.text) or _SUBJECT.match(p.text)
    if m is None:
        return None
    words = _OUTCOME_CUT.sub("", m.group(1)).strip(" ,.").split()[:8]
    # A sentence's subject is an outcome only when it names a measure ("All-cause mortality"),
    # not a group, a drug or a dummy subject ("More patients", "Olanzapine", "There").
    if not words or _NOT_OUTCOME.match(" ".join(words)) or (len(words) <= 2 and words[0][:1].isupper()
                                                          and not _MEASURE_WORD.search(" ".join(words))):
        return None
    return Fact(" ".join(words), p.seq)


def _outcome_section(body: Sequence[Passage]) -> Fact | None:
    for p in body:   # structured abstracts: MAIN OUTCOME MEASURE(S) section
        if "OUTCOME" in p.section.upper() and "RESULT" not in p.section.upper():
            words = _OUTCOME_CUT.sub("", p.text).strip(" .").split()
            return Fact(" ".join(words[:14]), p.seq) if words else None
    return None


# -- main effect ------------------------------------------------------------------------
# CONSORT item 17a: "for each primary and secondary outcome, results for each group, and the
# estimated effect size and its precision (such as 95% confidence interval)"; the primary
# outcome is reported first. A CI bound alone is never an effect.
_MEASURE_NAMES = (("hazard ratio", "HR"), ("odds ratio", "OR"), ("relative risk", "RR"), ("risk ratio", "RR"),
                  ("rate ratio", "RR"), ("weighted mean difference", "WMD"), ("standardi", "SMD"),
                  ("mean difference", "MD"), ("difference", "difference"), ("number needed to treat", "NNT"))
_NUM = re.compile(r"[-\u2212]?\d+(?:[.\u00b7]\d+)?")
_RANGE_PART = re.compile(r"([-\u2212]?\d+(?:[.\u00b7]\d+)?)(?:\s*(?:-|\u2013|to)\s*(\d+(?:[.\u00b7]\d+)?))?")
_BOUNDS = re.compile(r"([-\u2212]?\d+(?:[.\u00b7]\d+)?)\s*%?\s*(?:-|\u2013|to|,)\s*([-\u2212]?\d+(?:[.\u00b7]\d+)?)")
_PRIMARY_WORD = re.compile(r"\bprimary\b|\bmain\b", re.I)


def _label(span: str) -> str:
    low = span.lower()
    for name, short in _MEASURE_NAMES:
        if name in low:
            return short
    m = re.match(r"\s*(a?[HOR]R|RR|OR|HR|MD|SMD|WMD|NNT)\b", span)
    return m.group(1) if m else ""


def _ci_text(span: str) -> str:
    m = _BOUNDS.search(re.sub(r"95\s*%", " ", span))
    if m is None:
        return ""
    lo, hi = m.groups()
    sep = " to " if lo.startswith(("-", "\u2212")) or hi.startswith(("-", "\u2212")) else "\u2013"
    return ("95% CI " if re.search(r"95\s*%", span) else "CI ") + f"{lo}{sep}{hi}"


def _change_text(span: str) -> str:
    """"from 8-10 to 5-6" -> "8–10 → 5–6"; "from 34.2±3.3 before treatment to 21.7±3.9" -> "34.2 → 21.7"."""
    m = re.match(r"\s*from\s+(?:an? \w+ of\s+)?(.*?)\s+(?:[a-z]+\s+){0,2}?(?:to|down to|up to)\s+(.*)$", span, re.I)
    if not m:
        return ""
    sides = []
    for side in m.groups():
        r = _RANGE_PART.match(side.strip())
        if not r:
            return ""
        sides.append(r.group(1) + (f"\u2013{r.group(2)}" if r.group(2) else ""))
    return f"{sides[0]} \u2192 {sides[1]}"


def _interval_part(text: str, start: int, end: int) -> bool:
    """A figure that is a confidence level or an interval bound, not a group's result
    ("95% CI", "91.5-93.6%")."""
    before, after = text[max(0, start - 16):start], text[end:end + 14]
    return bool(re.match(r"\s*(?:CI|C\.I\.|confidence)", after, re.I)
                or re.search(r"(?:\bCI\b|confidence (?:interval|limits?))\s*[=:,]?\s*[\d.]*\s*[-–]?\s*$", before, re.I)
                or re.search(r"\d\s*$", before) and text[start:start + 1] in "-–−")


def _effects_in(p: Passage) -> list[tuple[int, str]]:
    """(score, text) of each effect statement in one sentence."""
    ms = mentions(p.text)
    out: list[tuple[int, str]] = []
    ps = [m for m in ms if m.kind == "p_value"]
    for i, m in enumerate(ms):
        if m.kind in ("ratio", "mean_difference", "nnt"):
            label = _label(m.span)
            value = _NUM.findall(m.span)
            if not label or not value:
                continue
            text, score = f"{label} {value[-1]}", 3
            near = [n for n in ms[i + 1:i + 3] if n.start - m.end < 40]
            ci = next((n for n in near if n.kind == "ci"), None)
            pv = next((n for n in near if n.kind == "p_value"), None)
            if ci and _ci_text(ci.span):
                text, score = f"{text} ({_ci_text(ci.span)})", 6
            if pv:
                text, score = f"{text}{', ' if ci else ' ('}{pv.span}{'' if ci else ')'}", score + 1
            out.append((score, text))
        elif m.kind == "score_change":
            change = _change_text(m.span)
            if change:
                pv = ps[0].span if ps else ""
                out.append((4 if pv else 3, f"{change} ({pv})" if pv else change))
    groups = [m for m in ms if m.kind in ("percent", "mean_sd") and not _interval_part(p.text, m.start, m.end)]
    if not out and ps:   # "92% vs 85% (p < 0.05)": the group figures before the first p
        p0 = ps[0]
        before = [m for m in groups if m.end <= p0.start][-3:]
        if len(before) >= 2:
            out.append((2, " vs ".join(m.span for m in before) + f" ({p0.span})"))
        else:               # "pain improved significantly (p < 0.001)": the clause the p closes
            clause = re.split(r"[;:]|,\s(?=[a-z]+\s)", p.text[:p0.start])[-1].strip(" ,([")
            words = clause.split()[-12:]
            if words:
                out.append((1, " ".join(words) + f" ({p0.span})"))
    elif not out and len(groups) >= 2:   # group rates without a test: "39%, 38% and 32%"
        out.append((0, " vs ".join(m.span for m in groups[:3])))
    return out


def _effect(body: Sequence[Passage], roles: Sequence[str]) -> Fact | None:
    best: tuple[int, int, Fact] | None = None
    for i, p in enumerate(body):
        role = roles[i] if i < len(roles) else ""
        if role in ("background", "objective"):
            continue
        for score, text in _effects_in(p):   # methods: a case's course is often labelled CASE
            score += 2 * bool(_PRIMARY_WORD.search(p.text)) + (role == "results") - 2 * (role == "methods")
            if best is None or score > best[0]:
                best = (score, -i, Fact(text, p.seq))
    return best[2] if best else None


def trial_facts(record: Record, passages: Sequence[Passage], intervention_hint: str = "") -> TrialFacts:
    """The evidence-table facts of one study, each tied to the passage it is read from.

    ``passages`` are ``evidex.text.passages_of(record)``; ``intervention_hint`` (the asked
    intervention, e.g. "proton pump inhibitors") picks the experimental arm when both arms
    are active drugs, but every fact is found without it.
    """
    title = next((p for p in passages if p.section == "TITLE"), None)
    body = [p for p in passages if p.section != "TITLE"]
    count = total_count([p.text for p in body])
    roles = sentence_roles(record) if record.sections else ()
    if len(roles) != len(body):
        roles = ()
    arms, comparator = _arms_and_comparator(body, title, intervention_hint)
    effect = _effect(body, roles)
    outcome = _outcome(body) or _outcome_section(body) or _outcome_of_effect(body, effect)
    return TrialFacts(
        n=count.value if count else None,
        n_seq=body[count.sentence].seq if count else -1,
        arms=arms,
        comparator=comparator,
        outcome=outcome,
        effect=effect,
    )


__all__ = ["Fact", "TrialFacts", "trial_facts"]
