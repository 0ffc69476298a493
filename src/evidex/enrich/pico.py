"""PICO: intervention spans by a token tagger, population and comparator by cues.

The intervention tagger is a logistic model over each token's word, neighbours, affixes
and shape (``scripts/train_pico.py``, trained on EBM-NLP intervention spans). At ingest it
reads only the title and the sentences that say what was given, to stay fast.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

from . import models
from .features import LinearModel

_TOKEN = re.compile(r"\w+(?:[-'’]\w+)*|[^\w\s]")


def split_tokens(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _TOKEN.finditer(text)]


def _shape(tok: str) -> str:
    if tok.isdigit():
        return "d"
    if tok.isupper() and len(tok) > 1:
        return "X"
    if tok[:1].isupper():
        return "Xx"
    if any(c.isdigit() for c in tok):
        return "xd"
    return "x" if tok.isalpha() else "p"


def token_features(toks: list[str], i: int) -> list[str]:
    w = toks[i].lower()
    prev = toks[i - 1].lower() if i > 0 else "<s>"
    prev2 = toks[i - 2].lower() if i > 1 else "<s>"
    nxt = toks[i + 1].lower() if i + 1 < len(toks) else "</s>"
    nxt2 = toks[i + 2].lower() if i + 2 < len(toks) else "</s>"
    return ["w:" + w, "p:" + prev, "n:" + nxt, "p2:" + prev2, "n2:" + nxt2, "pw:" + prev + "_" + w,
            "wn:" + w + "_" + nxt, "s3:" + w[-3:], "s4:" + w[-4:], "f3:" + w[:3], "sh:" + _shape(toks[i])]


@lru_cache(maxsize=1)
def _model() -> LinearModel:
    return LinearModel.from_params(models.load("pico_interventions")["params"])


def tag_tokens(toks: list[str]) -> list[float]:
    """P(token is part of an intervention mention) for each token."""
    m = _model()
    w, b = m.weights, m.bias
    out = []
    for i in range(len(toks)):
        z = b + sum(w.get(f, 0.0) for f in token_features(toks, i))
        out.append(1.0 / (1.0 + math.exp(-z)) if z > -50 else 0.0)
    return out


def intervention_spans(text: str, threshold: float = 0.5) -> list[str]:
    """Contiguous tagged token runs, as written in ``text``."""
    offs = split_tokens(text)
    toks = [text[s:e] for s, e in offs]
    probs = tag_tokens(toks)
    spans, start = [], None
    for i, p in enumerate(probs + [0.0]):
        if p >= threshold and i < len(toks) and toks[i] not in ".;":
            start = i if start is None else start
        elif start is not None:
            s, e = offs[start][0], offs[i - 1][1]
            span = text[s:e].strip(" ,(")
            if len(span) > 1 and span.lower() not in _GENERIC:
                spans.append(span)
            start = None
    return list(dict.fromkeys(spans))


_GENERIC = {"treatment", "placebo group", "control", "controls", "drug", "study drug", "therapy", "intervention",
            "group", "groups", "treatment group", "control group", "the", "and"}
_GIVEN = re.compile(r"\b(?:randomi[sz]ed|randomly|assigned|allocated|received|receiving|treated with|given|"
                    r"administered|compared|versus|vs\.?|plus|taking|took|started)\b", re.I)
_POPULATION = re.compile(
    r"\b(?:\d+|[A-Z][a-z]+(?:-[a-z]+)?)\s+(?:\w+\s+){0,3}?(?:patients|participants|subjects|women|men|adults|children|"
    r"people|individuals|volunteers|veterans|infants|outpatients)\s+(?:with|who|suffering from|diagnosed with|"
    r"undergoing|scheduled for|aged)\s+[^.;]{3,80}", re.I)
_COMPARATOR = re.compile(r"\b(?:versus|vs\.?|compared (?:with|to)|or)\s+(placebo|usual care|standard care|"
                         r"no treatment|sham\b[\w ]{0,20}|[a-z]+(?:ine|ol|am|ide|ate|one|in|an)\b)", re.I)
_OUTCOME = re.compile(r"\b(?:primary (?:outcome|end ?point)s?|main outcome measures?|outcomes? (?:was|were|included))"
                      r"\s*(?:was|were|is|:|included)?\s*([^.;]{3,120})", re.I)


@dataclass(frozen=True)
class Pico:
    population: str = ""
    interventions: tuple[str, ...] = ()
    comparator: str = ""
    outcomes: tuple[str, ...] = ()

    def to_json(self) -> dict:
        return {"population": self.population, "interventions": list(self.interventions),
                "comparator": self.comparator, "outcomes": list(self.outcomes)}


def extract(title: str, sentences: list[str]) -> Pico:
    """PICO elements from a title and abstract sentences (only cue-bearing ones are tagged)."""
    given = [s for s in sentences if _GIVEN.search(s)][:3]
    spans: list[str] = []
    for text in [title, *given]:
        spans.extend(intervention_spans(text))
    pop = ""
    for s in sentences:
        m = _POPULATION.search(s)
        if m:
            pop = m.group(0).strip()
            break
    comp = ""
    for s in [title, *given]:
        m = _COMPARATOR.search(s)
        if m and m.group(1).lower() not in ("or",):
            comp = m.group(1).strip()
            break
    outcomes = []
    for s in sentences:
        m = _OUTCOME.search(s)
        if m:
            outcomes.append(m.group(1).strip())
    return Pico(pop, tuple(dict.fromkeys(spans))[:6], comp, tuple(outcomes[:3]))
