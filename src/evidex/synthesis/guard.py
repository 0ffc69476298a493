"""The citation guard: whether a sentence written by a language model may be shown.

A model's sentence is kept only if everything it states is written in the passages it cites:
it cites at least one passage that it was given; every number is in a cited passage (the
faithfulness check of ``faithfulness``), every dose with its unit and every percentage too,
and a dose keeps the drug and regimen part (start, titration, maximum) a cited passage gives
it; every drug and condition name is in a cited passage; most of its content words are;
and the stance model does not read a cited passage as contradicting it. Passages that read
as instructions to a model (prompt injection inside an abstract) never count as support,
and a sentence that itself reads as one is refused. Pure: no model call, no I/O.
"""
from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..enrich.numbers import DOSE
from ..enrich.stance import passage_stances
from ..phrases import stem_drugs
from ..retrieve import STOPWORDS
from ..text import normalise, numbers_in, tokens
from ..vocab import find_terms
from .dosing import PARTS
from .faithfulness import unsupported_numbers

# A cited passage contradicts a sentence when the stance model's answer leans the other way by
# at least the margin, with at least this probability.
CONTRADICTION = 0.5
CONTRADICTION_MARGIN = 0.2
# Share of a sentence's content words (5-letter stems) that its cited passages must write.
GROUNDING = 0.6
_NAME_KINDS = ("condition", "intervention", "comparator")
_DRUG_KINDS = ("intervention", "comparator")
_REGIMEN = {name: rx for name, rx in PARTS if name in ("Starting dose", "Titration", "Maximum")}
_PERCENT = re.compile(r"(?<![\w.])(\d+(?:[.,\u00b7]\d+)?)\s?(?:%|per ?cent\b)", re.I)
_CLAUSE = re.compile(r"[,;:]|\b(?:and|then|or|but|while|whereas)\b", re.I)
_INSTRUCTION = re.compile(
    r"\b(?:ignore|disregard|forget|override)\b[^.]{0,40}\b(?:instructions?|prompts?|rules|directions|"
    r"above|previous|prior)\b|"
    r"\b(?:system|developer) (?:prompt|message)\b|\bas an ai\b|\blanguage model\b|"
    r"\byou are (?:now )?(?:an?|the|my) (?:\w+ ){0,2}(?:assistant|ai|model|chatbot|bot)\b|"
    r"\b(?:new|updated|real) instructions?\b|<\|[^|>]{1,30}\|>|\[/?INST\]|^\s*#{2,}\s*(?:system|instruction)",
    re.I)
_UNIT_FORMS = {"µg": "mcg", "μg": "mcg", "ug": "mcg", "microg": "mcg", "ml": "ml", "units": "unit"}


@dataclass(frozen=True)
class Sentence:
    """One generated sentence, its citation marks taken off: ``text`` and the passage numbers."""

    text: str
    citations: tuple[int, ...]


@dataclass(frozen=True)
class Checked:
    """A sentence and why it was refused; no reasons means it is kept."""

    sentence: Sentence
    reasons: tuple[str, ...]

    @property
    def kept(self) -> bool:
        return not self.reasons


def instruction_like(text: str) -> bool:
    """Text addressed to a model rather than reporting evidence (prompt injection, chat tokens)."""
    return bool(_INSTRUCTION.search(text))


def guard(sentence: Sentence, passages: Mapping[int, Sequence[str]]) -> Checked:
    """Check one sentence against the passages it was given, numbered as it may cite them."""
    reasons: list[str] = []
    text = sentence.text.strip()
    if len(tokens(text)) < 3:
        reasons.append("not a sentence")
    if instruction_like(text):
        reasons.append("reads as an instruction to a model")
    if not sentence.citations:
        reasons.append("cites no passage")
    foreign = sorted({n for n in sentence.citations if n not in passages})
    if foreign:
        reasons.append(f"cites passage(s) {foreign} that it was not given")
    cited = [p for n in dict.fromkeys(sentence.citations) if n in passages for p in passages[n]
             if not instruction_like(p)]
    if sentence.citations and not foreign and not cited:
        reasons.append("its cited passages hold no evidence (only instructions to a model)")
    if reasons:
        return Checked(sentence, tuple(reasons))
    for check in (_numbers, _quantities, _regimen, _names, _grounding, _contradiction):
        reason = check(text, cited)
        if reason:
            reasons.append(reason)
    return Checked(sentence, tuple(reasons))


def guard_all(sentences: Sequence[Sentence], passages: Mapping[int, Sequence[str]]) -> list[Checked]:
    return [guard(s, passages) for s in sentences]


def _numbers(text: str, cited: list[str]) -> str | None:
    bad = unsupported_numbers(text, cited)
    return f"number(s) {sorted(bad)} not in a cited passage" if bad else None


def _unit(unit: str) -> str:
    u = unit.lower()
    return _UNIT_FORMS.get(u, u)


def _doses(text: str) -> list[tuple[int, str, str]]:
    """(offset, amount, unit) of every dose amount; a range "1-5 mg" gives both ends."""
    out = []
    for m in DOSE.finditer(text):
        unit = _unit(m.group(3)) + (f"/{m.group(4).lower()}" if m.group(4) else "")
        for amount in (m.group(1), m.group(2)):
            if amount:
                out.append((m.start(), next(iter(numbers_in(amount)), amount), unit))
    return out


def _percents(text: str) -> set[str]:
    return {n for m in _PERCENT.finditer(text) for n in numbers_in(m.group(1))}


def _quantities(text: str, cited: list[str]) -> str | None:
    """A number written as a dose or a percentage must be one in a cited passage, unit and all."""
    given = {(a, u) for p in cited for _, a, u in _doses(p)}
    given_units = {(a, u.split("/")[0]) for a, u in given}
    bad = [f"{a} {u}" for _, a, u in _doses(text)
           if (a, u) not in given and ("/" in u or (a, u) not in given_units)]
    pct = _percents(text) - {x for p in cited for x in _percents(p)}
    bad += [f"{x}%" for x in sorted(pct)]
    return f"dose(s) or percentage(s) {bad} not in a cited passage" if bad else None


def _drug_before(text: str, at: int) -> str | None:
    found = find_terms(text[:at], _DRUG_KINDS)
    return found[-1].canonical.split()[-1].lower() if found else None


def _part_at(text: str, at: int) -> str | None:
    """The regimen part (start, titration, maximum) the clause around offset ``at`` states."""
    cuts = [m.start() for m in _CLAUSE.finditer(text)]
    start = max([c for c in cuts if c <= at], default=0)
    end = min([c for c in cuts if c > at], default=len(text))
    clause = text[start:end]
    return next((name for name, rx in _REGIMEN.items() if rx.search(clause)), None)


def _regimen(text: str, cited: list[str]) -> str | None:
    """Swapped doses: a dose the passages give only to another drug or another regimen part."""
    seen: dict[str, list[tuple[str | None, str | None]]] = {}
    for p in cited:
        for at, amount, unit in _doses(p):
            seen.setdefault(f"{amount} {unit.split('/')[0]}", []).append((_drug_before(p, at), _part_at(p, at)))
    bad = []
    for at, amount, unit in _doses(text):
        key = f"{amount} {unit.split('/')[0]}"
        drug, part = _drug_before(text, at), _part_at(text, at)
        uses = seen.get(key, [])
        if uses and not any((drug is None or d is None or d == drug) and (part is None or q is None or q == part)
                            for d, q in uses):
            bad.append(f"{key} ({' '.join(x for x in (drug, part and part.lower()) if x)})")
    return f"dose(s) {bad} given to another drug or regimen step in the cited passages" if bad else None


def _names(text: str, cited: list[str]) -> str | None:
    """Drug and condition names (vocabulary terms and words with a drug-class stem) must be cited."""
    written = normalise(" ".join(cited))
    canon = {m.canonical for p in cited for m in find_terms(p, _NAME_KINDS)}
    missing = []
    for m in find_terms(text, _NAME_KINDS):
        if len(m.text) <= 4 and not m.text.isupper():
            continue                     # "all" is not ALL (a leukaemia)
        if m.canonical in canon or re.search(rf"(?<![\w-]){re.escape(m.canonical.lower())}(?![\w-])", written):
            continue
        missing.append(m.text)
    words = set(tokens(written))
    missing += [w for w in stem_drugs(text) if w not in words]
    return f"name(s) {missing} not in a cited passage" if missing else None


def _stems(text: str) -> set[str]:
    return {t[:5] for t in tokens(text) if len(t) > 3 and t not in STOPWORDS and not t[0].isdigit()}


def _grounding(text: str, cited: list[str]) -> str | None:
    own = _stems(text)
    if not own:
        return None
    support = set().union(*(_stems(p) for p in cited))
    share = len(own & support) / len(own)
    return None if share >= GROUNDING else \
        f"only {share:.0%} of its content words are in a cited passage (needs {GROUNDING:.0%})"


def _contradiction(text: str, cited: list[str]) -> str | None:
    """A cited passage points the other way from the sentence and none points its way. Which
    way the sentence points is its stance towards itself (so a null finding, "neither improved
    pain nor sleep", is not read as contradicted by the passage it quotes); a sentence whose own
    stance is undecided cannot be judged and is left to the other checks."""
    own, *stances = passage_stances(text, [text, *cited])
    lean = own.yes - own.no
    if abs(lean) < CONTRADICTION_MARGIN:
        return None
    sign = 1.0 if lean > 0 else -1.0
    if any(sign * (st.yes - st.no) >= CONTRADICTION_MARGIN for st in stances):
        return None
    for passage, st in zip(cited, stances):
        if sign * (st.no - st.yes) >= CONTRADICTION_MARGIN and max(st.yes, st.no) >= CONTRADICTION:
            return f"the stance model reads a cited passage as contradicting it: {passage[:80]!r}"
    return None
