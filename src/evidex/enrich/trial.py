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
from functools import cache, lru_cache
from itertools import accumulate

from ..records import Passage, Record
from ..text import numbers_in
from ..vocab import drug_classes
from .effect import main_effect
from .numbers import DOSE
from .arm_counts import total_of as _total
from .outcome import (Fact, aim_outcome, expand_abbreviations, measured_outcome, named_outcome, outcome_of_effect_text,
                      outcome_of_sentence)
from .arm_dose import dosed
from .pico import intervention_spans
from .population import population_phrase
from .roles import sentence_roles


@dataclass(frozen=True)
class TrialFacts:
    n: int | None
    n_seq: int                       # passage stating n (-1: none)
    arms: tuple[Fact, ...]           # experimental arm(s), with their own doses
    comparator: Fact | None
    outcome: Fact | None             # primary outcome
    effect: Fact | None              # main effect with its CI or p, or a before/after change
    n_parts: tuple[int, ...] = ()    # n not written as one number: the per-arm / per-sex counts (in n_seq) it sums
    population: str = ""             # who the n counts, as the n_seq passage words it ("80 elderly patients with ...")


# -- arms and comparator ----------------------------------------------------------------
# CONSORT item 5: "the interventions for each group"; abstracts say it in an allocation
# sentence ("randomly assigned to X or Y"), a comparison ("X versus Y", "compared with Y")
# or a control design word ("placebo-controlled").
_CONTROL = re.compile(r"\b(placebos?|sham(?: [a-z]+)?|vehicle|dummy|usual care|standard care|standard (?:of )?care|"
                      r"standard therapy|conventional (?:therapy|treatment|care)|no (?:treatment|intervention|therapy)|"
                      r"waiting[- ]list|wait[- ]list|best supportive care|observation alone|control diet)\b", re.I)
_CONTROLLED = re.compile(r"\b(placebo|sham|vehicle)[- ]controlled\b", re.I)
_ALLOCATION = re.compile(
    r"\b(?:randomi[sz]ed|randomly (?:assigned|allocated|divided|administered)|assigned|allocated|divided)\b[^.;]{0,80}?\b(?:to|into)"
    r"\s+(?:receive\s+|either\s+|treatment with\s+|one of\s+)*|\brandomly (?:administered|given)\s+|"
    r"\b(?:received|receiving|to receive|treated with|treatment with|given(?!\s+(?:once|twice|at|as|in|for|daily|orally|by|"
    r"over|every|\d))|comparing|compared(?!\s+(?:with|to)\b)|comparison of|"
    r"compare)\s+"
    r"(?:the (?:efficacy|effects?|safety)[\w ,]{0,40}? of\s+)?(?:either\s+)?", re.I)
# "patients receiving X", "those already treated with X": a participle after the people describes them
_BACKGROUND_CUE = re.compile(r"\b(?:patients|subjects|participants|women|men|children|adults|those|who were|already|"
                             r"currently)\s+(?:(?!were\b|was\b|and\b|or\b)[\w-]+,?\s+){0,4}?(?:receiving|treated with|on)\s+$", re.I)
_VERSUS = re.compile(r"\s+(?:versus|vs\.?|compared (?:with|to)|relative to|than(?: with| in| on)?)\s+", re.I)
_SPLIT = re.compile(r"\s*[,:]\s*(?:or\s+|and\s+)?|\s+(?:or|and|versus|vs\.?|compared (?:with|to)|with|to)\s+"
                    r"(?:the\s+)?(?:either\s+)?", re.I)
_SPLIT_ALT = re.compile(r"\s*,?\s+(?:or|versus|vs\.?|compared (?:with|to))\s+(?:the\s+)?(?:either\s+)?|\s*[,:]\s*",
                        re.I)
_STOP = re.compile(r"\s+(?:for|in|during|over|at|after|before|among|who|which|until|on|from|per|daily|once|"
                   r"twice|three|every|each|b\.?i\.?d|t\.?i\.?d|q\.?d|o\.?d|bid|tid|qd|given|administered|orally|"
                   r"intravenously|was|were|is|are|had|has|but|that|than|because|if|when|whereas|while|groups?|arms?|regimens?|patients|subjects|"
                   r"produced|showed|resulted|demonstrated|reduced|improved|increased|decreased|caused|achieved|"
                   r"significantly|treated|recipients|users|treatment "
                   r"groups?)\b.*$|[(\[;:].*$|\s+\d+(?:[.\u00b7]\d+)?(?:\s*(?:-|to)\s*\d+)?\s*(?:minutes?|min|hours?|h|days?|"
                   r"weeks?|wk|months?)\b.*$", re.I)
_DOSE_ONLY = re.compile(r"^\d+(?:[.\u00b7]\d+)?\s*(?:mg|mcg|µg|g|ml|iu|units?)\b", re.I)
_LEADING = re.compile(r"(?:whether|that|if|to|receive|received|receiving|either|both|the|a|an|of|with|and|or|"
                      r"colleagues|we|they|who|tested|assessed|compared|versus|vs\.?)", re.I)
# leading words and a result's share ("17% of placebo treated children" -> "placebo")
_ARTICLE = re.compile(r"^(?:(?:the|a|an|either|both|to|receive|with|of|randomi[sz]ed)\s+|"
                      r"\d+(?:[.\u00b7]\d+)?\s*(?:%|per ?cent)\s+of\s+)+", re.I)

def _matches_hint(phrase: str, hint: str) -> bool:
    """Whether an arm is the hinted treatment: a shared word, or a member of the hinted drug class
    (its WHO INN stem or a listed member, from ``vocab/drug_classes.tsv``)."""
    if not hint:
        return False
    low, h = phrase.lower(), hint.lower()
    hint_words = set(re.findall(r"[a-z]{4,}", h)) - {"with", "therapy", "treatment", "inhibitors", "inhibitor", "drugs",
                                                     "agents", "blockers"}
    words = re.findall(r"[a-z]+", low)
    return bool(hint_words & set(re.findall(r"[a-z]{4,}", low))) or any(
        any(w.endswith(stem) for w in words for stem in cls.stems) or any(m in low for m in cls.members)
        for cls in _hinted_classes(h))


@lru_cache(maxsize=64)
def _hinted_classes(hint: str) -> tuple:
    """The drug classes a (lower-cased) hint names, by name or synonym: read once per hint."""
    return tuple(cls for cls in drug_classes().values()
                 if any(re.search(rf"\b{re.escape(n)}\b", hint) for n in (cls.name, *cls.synonyms)))


_COMBINED = re.compile(r"\s*(plus|\+|combined with|in combination with|co-administered with|together with)\s+"
                       r"([A-Za-z][\w-]*(?:\s+(?:" + DOSE.pattern + r"))?)", re.I)


def _arm_phrase(raw: str) -> str:
    """"lansoprazole 30 mg once daily for 8 weeks" -> "lansoprazole 30 mg" (drug and dose)."""
    text = _ARTICLE.sub("", raw.strip(" ,.")).strip()
    # a schedule first; double-dummy "placebo plus terbutaline" is the terbutaline arm (the placebo only masks)
    text = re.sub(r"^(?:(?:(?:once|twice|three times)(?:[- ]a)?[- ](?:daily|day)|daily|nightly)\s+)?"
                  r"(?:(?:matching\s+)?placebo\s+(?:plus|\+)\s+(?=[A-Za-z]))?", "", text, flags=re.I)
    # "terbutaline (0.5 mg)": a bracketed dose is the arm's own
    text = re.sub(r"^([A-Za-z][\w-]*(?<![\d-])(?:\s+[A-Za-z][\w-]*(?<![\d-])){0,2})\s*\((" + DOSE.pattern + r")\)", r"\1 \2", text,
                  flags=re.I)
    text = _STOP.sub("", " " + text).strip(" ,.")
    dose = DOSE.search(text)
    if dose:
        # The drug is named just before its dose: keep up to three words and the dose itself.
        left = text[:dose.start()].split()[-3:]
        while left and (_LEADING.fullmatch(left[0]) or left[0].lower().endswith("ed")):
            left = left[1:]
        alternatives = ""
        if left and all(re.fullmatch(r"\d+(?:[.\u00b7]\d+)?|or|and|to", w, re.I) for w in left):
            alternatives, left = " ".join(left) + " ", []   # "15 or 30 mg of X": the doses of one drug
        # "X 5 mg plus Y 20 mg", "X 10 mg combined with Y": a combination arm keeps its second drug
        combo = _COMBINED.match(text, dose.end())
        added = f" {combo.group(1)} {combo.group(2)}" if combo and left else ""
        if added:
            return " ".join([*left, dose.group(0).strip()]) + added
        if not left:   # "6 mg melatonin", "20 mg of omeprazole": the drug follows its dose
            right = re.match(r"\s*((?:of\s+)?[A-Za-z][\w-]*(?:\s+[A-Za-z][\w-]*)?)", text[dose.end():])
            words = right.group(1).split() if right else []
            while words and _LEADING.fullmatch(words[-1]):
                words.pop()
            return alternatives + " ".join([dose.group(0).strip(), *words])
        return " ".join([*left, dose.group(0).strip()])
    words = text.split()
    return " ".join(words[:6]) if words else ""


def _is_arm(phrase: str) -> bool:
    if not phrase or len(phrase) < 3 or not re.search(r"[a-z]", phrase, re.I):
        return False
    return bool(_CONTROL.search(phrase) or _DOSE_ONLY.search(phrase) or re.search(r"\d\s*(?:mg|mcg|µg|g)\b", phrase)
                or intervention_spans(phrase))


_NOT_ARM = re.compile(r"\b(?:efficacy|effectiveness|safety|effects?|outcomes?|tolerability|patients|study|trial)\b|"
                      r"^(?:one|two|three|four|five|six|seven|eight|nine|ten)$|^(?:OR|RR|HR|CI)\b|[()\[\]]", re.I)
# "chlorthalidone, 12.5 to 25 mg/d (n = 15 255); amlodipine, ...; or lisinopril, ...": each arm
# with its own dose, the arms between semicolons
_SEMI_LIST = re.compile(r";\s*(?:or|and)\s", re.I)
_SPLIT_SEMI = re.compile(r"\s*[;:]\s*(?:or\s+|and\s+)?", re.I)
# a clause that no longer lists arms: "given at 4.5 mg per day, although effective doses ..."
_CLAUSE_END = r",?\s+(?:although|though|whereas|while|but|which|because)\b"
_APPOSITIVE = re.compile(r"\s*an?\s+[^,]*\b(?:inhibitor|agonist|antagonist|blocker|analog(?:ue)?|derivative|agent|compound|"
                         r"modulator)s?\b", re.I)
_ONLY_DOSES = re.compile(r"\s*(?:(?:" + DOSE.pattern + r")\s*(?:,|or|and)?\s*)+", re.I)


def _split_arms(splitter: re.Pattern[str], tail: str) -> list[str]:
    """``splitter.split(tail)``, except inside brackets ("an antihistamine (fexofenadine or
    loratadine)" is one arm) and between two doses of one drug ("15 or 30 mg of X")."""
    parts, last = [], 0
    for m in splitter.finditer(tail):
        before, after = tail[:m.start()], tail[m.end():]
        if before.count("(") > before.count(")") or before.count("[") > before.count("]"):
            continue
        if "or" in m.group(0) and DOSE.match(after) and (
                re.search(r"(?<![\w.])\d+(?:[.\u00b7]\d+)?$", before)        # "15 or 30 mg of X"
                or _ONLY_DOSES.fullmatch(tail[last:m.start()])):            # "20 mg or 40 mg of X"
            continue
        parts.append(tail[last:m.start()])
        last = m.end()
    return [*parts, tail[last:]]


def _arms_in(sentence: str, least: int = 2) -> list[str]:
    """Arm phrases named after an allocation or comparison cue, in order: the longest list of
    at least ``least`` distinct arms (a semicolon list and a comma list are both tried)."""
    if least < 2:   # one allocated treatment: the first list that names one besides a control
        return next((arms for m in _ALLOCATION.finditer(sentence) for arms in [_listed_arms(sentence[m.end():], False)]
                     if any(not _CONTROL.search(a) for a in arms)), [])
    # an assignment or comparison cue names the arms before a treatment the patients already get
    # ("patients receiving X and usual care were randomized to A or placebo")
    lists = [(not _BACKGROUND_CUE.search(sentence, 0, m.end()), _listed_arms(sentence[m.end():], semi))
             for m in _ALLOCATION.finditer(sentence)
             for semi in ((True, False) if _SEMI_LIST.search(sentence[m.end():]) else (False,))]
    return max(((strong, arms) for strong, arms in lists if len(arms) >= 2),
               key=lambda x: (x[0], len(x[1])), default=(False, []))[1]


def _listed_arms(after: str, semi: bool) -> list[str]:
    """The arms an allocation cue's text lists, each kept once."""
    after = re.sub(r"(?:(?<=\s)|^)(?:\(?\d{1,2}\)|\(?[a-e]\))\s+", "", after)   # "1) placebo, 2) drug A" lists
    # "receiving long-term therapy) and who ...": the bracket's end ends the list
    after = after[:next((i for i, d in enumerate(accumulate((c in "([") - (c in ")]") for c in after)) if d < 0), None)]
    tail = re.split(r"\s+(?:for|in|during|over|among|at)\s+(?:\d|a |an |the |patients|subjects|women|men|"
                    r"children|one|two|three|four|six|eight|twelve)|" + ("[.]\\s" if semi else "[.;]\\s") +
                    r"|\)\s*(?:for|in)\b|" + _CLAUSE_END, after, maxsplit=1)[0]
    # "X, Y or Z" names arms; "X, Y and Z" without "or"/"versus" is one combined regimen
    splitter = _SPLIT_SEMI if semi else \
        _SPLIT_ALT if re.search(r"\s(?:or|versus|vs\.?|compared)\s", tail) else _SPLIT
    # a group's label ("group 2, morphine") is not its treatment, nor an appositive ("X, an inhibitor of TNF") an arm
    parts = [_arm_phrase(re.sub(r"^(?:group|arm)\s+\w{1,3}\s*[,:]\s*", "", p, flags=re.I))
             for p in _split_arms(splitter, tail) if not _APPOSITIVE.match(p)]
    # "X or placebo": beside a control arm, a short name the vocabulary does not know is an arm too
    named = splitter is not _SPLIT and any(_CONTROL.search(p) for p in parts)
    arms, last_drug = [], ""
    for p in parts:
        if not _is_arm(p) and not (named and 0 < len(p.split()) <= 4 and re.match(r"[A-Za-z]", p)
                                   and not _NOT_ARM.search(p)):
            if arms:
                break
            continue
        if _DOSE_ONLY.match(p) and arms and not DOSE.search(arms[-1]) and not _CONTROL.search(arms[-1]):
            arms[-1] = f"{arms[-1]} {p}"         # "oxybutynin, 10 mg/d, or ...": the arm's own dose
            continue
        if _DOSE_ONLY.match(p) and last_drug:   # "omeprazole 10 mg or 20 mg" -> "omeprazole 20 mg"
            p = f"{last_drug} {p}"
        last_drug = p.split()[0] if not _DOSE_ONLY.match(p) and not _CONTROL.search(p) else last_drug
        if p not in arms:
            arms.append(p)
    return arms


def _comparison(sentence: str) -> tuple[str, ...] | None:
    """"X versus Y" / "X compared with Y" / "more with X than with Y" -> (X, Y); "X vs Y vs Z"
    -> (X, Y, Z)."""
    m = _VERSUS.search(sentence)
    if m is None:
        return None
    more = [_arm_phrase(_SPLIT.split(part, maxsplit=1)[0]) for part in _VERSUS.split(sentence[m.end():])[1:]]
    right = _arm_phrase(_SPLIT.split(sentence[m.end():], maxsplit=1)[0])
    # "PTX (400 mg orally 3 times daily) vs. placebo": the bracket before "vs" gives its arm's dose
    before = re.sub(r"\s*\(([^()]*)\)\s*$", lambda b: " " + d.group(0) if (d := DOSE.search(b.group(1))) else b.group(0),
                    sentence[:m.start()])
    left_text = re.split(r"[,;:(]|\b(?:of|with|on|and|by|that|receiving|between)\b", before)[-1]
    left = _arm_phrase(left_text)
    if _is_arm(right):
        rest = [x for x in more if _is_arm(x)]
        # "Bupropion SR vs. methylphenidate vs. placebo": beside a control, a short name is an arm
        named = any(_CONTROL.search(x) for x in (right, *rest)) and 0 < len(left.split()) <= 3 \
            and re.match(r"[A-Za-z]", left) and not _NOT_ARM.search(left) and re.match(r"\s*(?:versus|vs)", m.group(0), re.I)
        return (left if _is_arm(left) or named else "", right, *rest)
    return None


_ASSIGNED = re.compile(r"\brandomi[sz]|\brandomly\b|\bassigned\b|\ballocated\b", re.I)   # not "treated with ..."


def _reference_arm(arms: Sequence[str], body: Sequence[Passage]) -> str | None:
    """The active arm the others are compared with ("Compared with chlorthalidone, ...", "superior to
    terbutaline"): the one arm named most often after a comparison word (CONSORT 5)."""
    if len(arms) < 3:
        return None
    counts = dict.fromkeys(arms, 0)
    for p in body:
        weight = 3 if re.search(r"\bprimary\b", p.text, re.I) else 1   # the primary comparison counts most
        for a in arms:   # the drug's name, not a dose's unit ("200 microg of misoprostol")
            head = next((w for w in re.finditer(r"[A-Za-z][\w-]{3,}", DOSE.sub(" ", a))
                         if w.group(0).lower() not in ("microg", "micrograms", "milligrams", "units")), None)
            if head:
                counts[a] += weight * len(re.findall(
                    r"(?:\b(?:compared (?:with|to)|versus|vs\.?|relative to|superior to|inferior to|than(?: with| in| on)?)|"
                    r"\b(?:superiority|non-?inferiority|equivalence) of [^.;]{1,60}?\bto)\s+(?:the\s+)?(?:as-needed\s+)?"
                    + re.escape(head.group(0)) + r"(?![\w-])", p.text, re.I))
    top = sorted(counts.values(), reverse=True) + [0]
    return max(counts, key=counts.get) if top[0] > top[1] else None


def _arms_and_comparator(body: Sequence[Passage], title: Passage | None,
                         hint: str) -> tuple[tuple[Fact, ...], Fact | None]:
    candidates = ([title] if title else []) + list(body)
    arms_in = cache(_arms_in)      # the sentences before the allocation are read twice (not changed)
    # A title's "A vs B" may leave out the control arm the methods' allocation names ("randomized
    # to A, B, or placebo"): CONSORT item 5 asks for every group, so that sentence is read first when
    # only it names a control, or only it gives the arms their doses (the title says "diuretic").
    allocation = next((p for p in body if _ASSIGNED.search(p.text) and len(arms_in(p.text)) >= 2), None) or next(
        (p for p in body if len(arms_in(p.text)) >= 2), None)
    if title is not None and allocation is not None:
        listed = arms_in(allocation.text)
        titled = [a for a in arms_in(title.text) or (_comparison(title.text) or ()) if a]
        if (any(_CONTROL.search(a) for a in listed) and not any(_CONTROL.search(a) for a in titled)) or (
                any(DOSE.search(a) for a in listed) and not any(DOSE.search(a) for a in titled)):
            candidates = [allocation, *candidates]
    fallback = None
    for p in candidates:
        arms = arms_in(p.text)
        pair = _comparison(p.text) if len(arms) < 2 else None
        if pair and pair[0]:
            arms = list(pair)
        elif pair and not arms:
            arms = ["", *pair[1:]]
        if len(arms) < 2:
            continue
        controls = [a for a in arms if a and _CONTROL.search(a)]
        reference = None if controls else _reference_arm([a for a in arms if a], body)
        # "X plus Y or X alone": the arm without the added drug is the control
        mono = next((a for a in arms if a and not _COMBINED.search(a) and any(
            b and b != a and _COMBINED.search(b) and b.split()[0].lower() == a.split()[0].lower() for b in arms)), None)
        if controls:
            comp = controls[0]
        elif mono:
            comp = mono
        elif reference and not (hint and _matches_hint(reference, hint)):
            comp = reference
        elif hint and any(_matches_hint(a, hint) for a in arms if a) and not all(
                _matches_hint(a, hint) for a in arms if a):
            comp = next(a for a in reversed(arms) if a and not _matches_hint(a, hint))
        else:
            comp = arms[-1]   # the experimental arm is named first, the control last
        # an arm named without its dose (a title, a result) takes the dose the methods give it
        experimental = tuple((None if DOSE.search(a) else dosed(a, body)) or Fact(a, p.seq) for a in arms if a and a != comp)
        # an active comparator, too, takes the dose the methods give it ("oxybutynin, 10 mg/d")
        compared = (None if DOSE.search(comp) or _CONTROL.search(comp) else dosed(comp, body)) or Fact(comp, p.seq)
        if not experimental and fallback is None:   # "X versus Y" whose X is not a name: read on
            fallback = (experimental, compared)
            continue
        return experimental, compared
    if fallback is not None:
        return fallback
    comp = next((Fact(m.group(1).lower(), p.seq) for p in candidates for m in [_CONTROLLED.search(p.text)] if m), None)
    # a review's PICO statement (PRISMA 2020 item 5): "(I) oral naltrexone, (C) placebo or an active drug"
    pico = next((p for p in body if re.search(r"\(I\)\s*\w", p.text) and re.search(r"\(C\)\s*\w", p.text)), None)
    if pico is not None:
        i_text, c_text = (re.search(rf"\({k}\)\s*([^;()]{{3,80}}?)\s*(?:,?\s*(?:and\s+)?\([A-Z]\)|[.;]|$)", pico.text)
                          for k in ("I", "C"))
        if i_text and c_text:
            return (Fact(i_text.group(1), pico.seq),), Fact(c_text.group(1), pico.seq)
    single = next(((a, p) for p in body if _ASSIGNED.search(p.text) for a in _arms_in(p.text, least=1)[:1]
                   if not _CONTROL.search(a)), None)   # one allocated treatment: "allocated to receive X (A or B)"
    if single is not None:
        return ((None if DOSE.search(single[0]) else dosed(single[0], body)) or Fact(single[0], single[1].seq),), comp
    spans = [s for s in intervention_spans(title.text) if not _CONTROL.search(s)] if title is not None else []
    spans = ([s for s in spans if _matches_hint(s, hint)] or spans) if hint else spans
    return tuple(dosed(s, body) or Fact(s, title.seq) for s in spans[:2]), comp


def _kept(fact: Fact | None, by_seq: dict[int, str]) -> Fact | None:
    """The fact, unless a number in it is not written in its passage (a cut can split
    "29,000" into "29"): the table shows only what the passage says."""
    if fact is None or not numbers_in(fact.text) <= numbers_in(by_seq.get(fact.seq, "")):
        return None
    return fact


def trial_facts(record: Record, passages: Sequence[Passage], intervention_hint: str = "") -> TrialFacts:
    """The evidence-table facts of one study, each tied to the passage it is read from.

    ``passages`` are ``evidex.text.passages_of(record)``; ``intervention_hint`` (the asked
    intervention, e.g. "proton pump inhibitors") picks the experimental arm when both arms
    are active drugs, but every fact is found without it.
    """
    title = next((p for p in passages if p.section == "TITLE"), None)
    body = [p for p in passages if p.section != "TITLE"]
    count, count_seq = _total(body)
    roles = sentence_roles(record) if record.sections else ()
    if len(roles) != len(body):
        roles = ()
    arms, comparator = _arms_and_comparator(body, title, intervention_hint)
    by_seq = {p.seq: p.text for p in passages}   # arms are rebuilt from pieces: each keeps only its passage's numbers
    arms, comparator = tuple(a for a in arms if _kept(a, by_seq)), _kept(comparator, by_seq)
    outcome = _kept(named_outcome(body, roles), by_seq)
    effect = _kept(main_effect(body, roles, outcome), by_seq)
    if outcome is None:
        effect_p = next((p for p in body if effect is not None and p.seq == effect.seq), None)
        # the first reading that does not end on a treatment's name ("urapidil", "preoperative acetazolamide")
        named = {w for f in (*arms, comparator) if f for w in re.findall(r"[a-z]{4,}", f.text.lower())} | {
            w for s in (intervention_spans(title.text) if title else ()) for w in re.findall(r"[a-z]{4,}", s.lower())}
        readings = (lambda: outcome_of_sentence(effect_p) if effect_p else None, lambda: outcome_of_effect_text(effect),
                    lambda: aim_outcome([*body, *([title] if title else [])], [*roles, ""] if roles else ()),
                    lambda: measured_outcome(body, roles))
        outcome = _kept(next((f for read in readings for f in [read()] if f and not (
            f.text.split()[-1].lower() in named or intervention_spans(f.text.split()[-1]))), None), by_seq)
    outcome = _kept(expand_abbreviations(outcome, passages), by_seq)
    return TrialFacts(
        n=count.value if count else None,
        n_seq=count_seq,
        n_parts=count.parts if count else (),
        population=(population_phrase(by_seq.get(count_seq, ""), count.span) or "") if count else "",
        arms=arms,
        comparator=comparator,
        outcome=outcome,
        effect=effect,
    )


__all__ = ["Fact", "TrialFacts", "trial_facts"]
