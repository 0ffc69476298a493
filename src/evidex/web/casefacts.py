"""Patient-level facts of a case report, each with the sentence it was read from (seed 004).

Regular expressions over the record's passages: age, sex, condition, prior treatments,
intervention and dose, outcome scores before/after (e.g. NRS 8–10 → 5–6), time to
effect, time on treatment, outcome and adverse effects. Nothing is inferred: a fact is
shown only with the passage that states it, so a reader can check every value.

Sections labelled "CASE 1", "CASE 1 OUTCOME", … are grouped per patient; the other
sections (background, adverse effects, conclusions) count for the whole report.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..records import Appraisal, Passage
from ..vocab import find_terms

_NUM = r"\d+(?:[.\u00b7]\d+)?"
_RANGE = rf"{_NUM}(?:\s*(?:-|–|to)\s*{_NUM})?"
_AGE = (re.compile(r"\b(\d{1,3})[- ]year[- ]old\b", re.I),
        re.compile(r"\bin (?:his|her|their) (?:early |mid-?|late )?(\d0)s\b", re.I),
        re.compile(r"\b(?:aged|age of)\s+(\d{1,3})\b", re.I),
        re.compile(r"\b((?:about |around |approximately )?\d{1,3}) years? old\b", re.I))
_SEX = re.compile(r"\b(man|woman|girl|boy|male|female|gentleman|lady|mother|father|wife|husband)\b", re.I)
_FEMALE = {"woman", "girl", "female", "lady", "mother", "wife"}
_PRIOR = re.compile(r"\b(?:had (?:previously )?(?:received|tried|taken|been (?:treated|managed) with)|"
                    r"previously (?:received|tried|treated with)|prior (?:treatments?|therapies) (?:included|were))\s+"
                    r"([^.;]+)", re.I)
_REFRACTORY = re.compile(r"\b(?:treatment[- ])?(?:refractory|resistant|unresponsive)\b(?: to [^,.;]+)?|"
                         r"\bfailed (?:to respond to )?[^,.;]+", re.I)
_SCALE = re.compile(r"\b(NRS|VAS|numeric(?:al)? rating scale|visual analog(?:ue)? scale|pain scores?|"
                    r"[A-Z]{2,6} score)\b", re.I)
_BEFORE_AFTER = re.compile(rf"\bfrom\s+(?:an? \w+ of\s+)?({_RANGE})\s+(?:(?:[a-z]+\s+){{0,3}})?(?:down |up )?to\s+({_RANGE})",
                           re.I)
_TIME_TO_EFFECT = re.compile(r"\b(?:[Ww]ithin|[Aa]fter)\s+((?:\d+|one|two|three|four|five|six|a few|several)\s+"
                             r"(?:days?|weeks?|months?))\b(?:\s+of\s+(?:starting|commencing|beginning|initiating)[^,.;]*)?")
_ON_TREATMENT = re.compile(r"\b(?:on|maintained on|stayed on|continued|taking)\s+(?:[\w-]+\s+){0,3}?"
                           r"(?:naltrexone|LDN|treatment|therapy|the drug|it)\s+for\s+"
                           r"(\d+\s+(?:weeks?|months?|years?))", re.I)
_CUT = re.compile(r"\s+(?:but|which|that|when|while|until)\s+", re.I)
_OUTCOME = re.compile(r"\b(?:resolved|resolution|remission|went away|ceased|discontinued|disappeared|"
                      r"improved|improvement|fell|reduced|reduction|lessened|did not spread)\b", re.I)
_ADVERSE = re.compile(r"\b(?:side[- ]effects?|adverse (?:effects?|events?|reactions?))\b", re.I)
_NEGATED = re.compile(r"\b(?:no|none|without|not)\b", re.I)
_CASE_LABEL = re.compile(r"\bCASE\s*(\d+)?", re.I)


@dataclass(frozen=True)
class Fact:
    label: str
    value: str
    seq: int          # passage the value was read from
    sentence: str


@dataclass(frozen=True)
class CaseFacts:
    heading: str
    facts: tuple[Fact, ...]


def _case_key(section: str) -> str | None:
    m = _CASE_LABEL.search(section or "")
    if not m:
        return None
    return f"Case {m.group(1)}" if m.group(1) else "Patient"


def _clause(sentence: str, start: int, end: int) -> str:
    left = max(sentence.rfind(",", 0, start), sentence.rfind(";", 0, start))
    right = min([i for i in (sentence.find(",", end), sentence.find(";", end)) if i != -1] or [len(sentence)])
    clause = sentence[left + 1:right].strip().rstrip(".")
    return re.sub(r"^(?:and|but|while|although)\s+", "", clause, flags=re.I)


def _facts_in(p: Passage, appraisal: Appraisal, first_only: set[str]) -> list[Fact]:
    text, out = p.text, []

    def add(label: str, value: str) -> None:
        value = " ".join(value.split()).strip(" ,;")
        if not value or (label in first_only and any(f.label == label for f in out)):
            return
        out.append(Fact(label, value, p.seq, text))

    for rx in _AGE:
        m = rx.search(text)
        if m:
            add("Age", f"{m.group(1)}s" if rx is _AGE[1] else f"{m.group(1)} years")
            break
    m = _SEX.search(text)
    if m:
        add("Sex", "female" if m.group(1).lower() in _FEMALE else "male")
    for term in find_terms(text, ("condition",)):
        if term.canonical in appraisal.conditions:
            add("Condition", term.canonical)
    for m in _PRIOR.finditer(text):
        add("Prior treatments", _treatment_list(m.group(1)))
    if not any(f.label == "Prior treatments" for f in out):
        m = _REFRACTORY.search(text)
        if m:
            add("Prior treatments", m.group(0)[:160] + " (as stated)")
    for d in appraisal.doses:
        if d.span in text:
            add("Intervention and dose", d.span + (f" {d.frequency}" if d.frequency and d.frequency in text.lower() else ""))
    for m in _BEFORE_AFTER.finditer(text):
        scale = _SCALE.search(text)
        name = scale.group(1) if scale else "Score"
        if name.lower().startswith("numeric"):
            name = "NRS"
        before, after = (re.sub(r"\s*(?:-|–|to)\s*", "–", g) for g in m.groups())
        add("Score before → after", f"{name} {before} → {after}")
    for m in _TIME_TO_EFFECT.finditer(text):
        add("Time to effect", m.group(0).strip())
    for m in _ON_TREATMENT.finditer(text):
        add("Time on treatment", m.group(1))
    if p.section and ("OUTCOME" in p.section or _case_key(p.section)):
        for m in _OUTCOME.finditer(text):
            clause = _clause(text, m.start(), m.end())
            if not _AGE[0].search(clause) and not any(clause in f.value for f in out if f.label == "Outcome"):
                add("Outcome", clause[:200])
    if _ADVERSE.search(text):
        add("Adverse effects", "none reported" if _NEGATED.search(text) else _clause(text, *_ADVERSE.search(text).span()))
    return out


def _treatment_list(text: str) -> str:
    """"opioids, anticonvulsants and physical therapy, and ketamine infusions helped at first"
    -> the list before the clause that starts talking about effects."""
    text = _CUT.split(text, 1)[0]
    head, sep, tail = text.rpartition(", and ")
    if sep and re.search(r"\b\w+ed\b", tail):
        text = head
    return text[:200]


def extract(passages: list[Passage] | tuple[Passage, ...], appraisal: Appraisal) -> tuple[CaseFacts, ...]:
    """Facts per patient (and for the whole report), in passage order, with sources."""
    body = [p for p in passages if p.section != "TITLE"]
    has_cases = any(_case_key(p.section) for p in body)
    groups: dict[str, list[Fact]] = {}
    once = {"Age", "Sex"}
    for p in body:
        key = (_case_key(p.section) or "Whole report") if has_cases else "Patient"
        facts = _facts_in(p, appraisal, once)
        if key == "Whole report":
            facts = [f for f in facts if f.label not in ("Age", "Sex", "Condition", "Prior treatments", "Outcome")]
        bucket = groups.setdefault(key, [])
        for f in facts:
            if f.value.endswith("(as stated)") and any(g.label == f.label for g in bucket):
                continue
            if f.label in once and any(g.label == f.label for g in bucket):
                continue
            if any(g.label == f.label and g.value.lower() == f.value.lower() for g in bucket):
                continue
            bucket.append(f)
    if appraisal.interventions and not any(f.label == "Intervention and dose" for g in groups.values() for f in g):
        words = [w for w in (appraisal.interventions[0], "LDN") if w]
        first = next((p for p in body if any(w.lower() in p.text.lower() for w in words)), None)
        if first is not None:
            key = (_case_key(first.section) or "Whole report") if has_cases else "Patient"
            groups.setdefault(key, []).append(Fact("Intervention and dose",
                                                   f"{appraisal.interventions[0]} (no dose stated in the report)",
                                                   first.seq, first.text))
    order = sorted(groups, key=lambda k: (k == "Whole report", k))
    return tuple(CaseFacts(k, tuple(sorted(groups[k], key=_rank))) for k in order if groups[k])


_ORDER = ["Age", "Sex", "Condition", "Prior treatments", "Intervention and dose", "Score before → after",
          "Time to effect", "Time on treatment", "Outcome", "Adverse effects"]


def _rank(f: Fact) -> tuple[int, int]:
    return (_ORDER.index(f.label), f.seq)


@dataclass(frozen=True)
class SentenceFacts:
    """The facts read from one sentence, shown together with that sentence once."""

    seq: int
    sentence: str
    items: tuple[tuple[str, str], ...]     # (label, values joined)


def by_sentence(case: CaseFacts) -> tuple[SentenceFacts, ...]:
    order: list[int] = []
    found: dict[int, tuple[str, dict[str, list[str]]]] = {}
    for f in case.facts:
        if f.seq not in found:
            order.append(f.seq)
            found[f.seq] = (f.sentence, {})
        found[f.seq][1].setdefault(f.label, []).append(f.value)
    out = []
    for seq in sorted(order, key=lambda s: min(_rank(f) for f in case.facts if f.seq == s)):
        sentence, labels = found[seq]
        out.append(SentenceFacts(seq, sentence, tuple((k, "; ".join(v)) for k, v in labels.items())))
    return tuple(out)
