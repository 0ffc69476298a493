"""Sentence roles (background, objective, methods, results, conclusions) for abstracts.

Labelled sections map straight to roles (NLM's structured-abstract categories:
https://www.nlm.nih.gov/bsd/policy/structured_abstracts.html); sentences of unlabelled
abstracts are classified by a small softmax model over their words and position
(``scripts/train_roles.py``), pure Python at inference.
"""
from __future__ import annotations

import math
import re
from functools import lru_cache

from ..records import Record
from . import models
from .features import tokens
from .split import sentences

ROLES = ("background", "objective", "methods", "results", "conclusions")
_LABEL_RULES = (
    ("background", ("BACKGROUND", "INTRODUCTION", "IMPORTANCE", "CONTEXT", "RATIONALE")),
    ("objective", ("OBJECTIVE", "AIM", "PURPOSE", "GOAL", "QUESTION")),
    ("conclusions", ("CONCLUSION", "INTERPRETATION", "DISCUSSION", "IMPLICATION", "SIGNIFICANCE")),
    ("results", ("RESULT", "FINDING", "OUTCOMES AND RESULTS")),
    ("methods", ("METHOD", "DESIGN", "SETTING", "PATIENT", "PARTICIPANT", "SUBJECT", "INTERVENTION", "MEASURE",
                 "MATERIAL", "STATISTIC", "PROTOCOL", "POPULATION", "CASE", "SEARCH", "SELECTION", "DATA")),
)


def role_of_label(label: str) -> str | None:
    """The role an abstract heading names, or None (e.g. FUNDING, UNLABELLED, '')."""
    up = label.upper()
    best = None
    for role, keys in _LABEL_RULES:
        for k in keys:
            i = up.find(k)
            if i != -1 and (best is None or i < best[0]):
                best = (i, role)
    return best[1] if best else None


def position_bin(i: int, n: int) -> str:
    return f"pos:{min(4, int(5 * i / max(n, 1)))}"


# What a sentence reports, whatever its words: a test, an interval, a share, a count of people.
_REPORTS = (("has:p", re.compile(r"\b[Pp]\s*(?:[<=>\u2264\u2265]|value)")),
            ("has:ci", re.compile(r"\b(?:95|90|99)\s*%\s*(?:CI|confidence)|\bCI\b")),
            ("has:pct", re.compile(r"\d\s*%")),
            ("has:n", re.compile(r"\b[nN]\s*=\s*\d")),
            # a result per arm: two shares, a count of a total, a mean with its spread
            ("has:pct2", re.compile(r"\d\s*%.*\d\s*%")),
            ("has:frac", re.compile(r"(?<![/\d.])\d+\s*/\s*\d+(?![/\d])|\b\d+\s+of\s+\d+\b")),   # not a date
            ("has:sd", re.compile(r"\+/-|\u00b1")))


def sentence_feats(sentence: str, i: int, n: int) -> list[str]:
    feats = list(dict.fromkeys(tokens(sentence)))
    feats += [name for name, rx in _REPORTS if rx.search(sentence)]
    feats.append(position_bin(i, n))
    if i == 0:
        feats.append("pos:first")
    if i == n - 1:
        feats.append("pos:last")
    return feats


@lru_cache(maxsize=1)
def _model() -> tuple[dict[str, list[float]], list[float], tuple[str, ...]]:
    p = models.load("roles")["params"]
    return p["weights"], p["bias"], tuple(p["classes"])


def classify_sentences(sentences: list[str]) -> list[tuple[str, float]]:
    """(role, probability) for each sentence of one unlabelled abstract, in order."""
    weights, bias, classes = _model()
    out = []
    n = len(sentences)
    for i, s in enumerate(sentences):
        z = list(bias)
        for f in sentence_feats(s, i, n):
            w = weights.get(f)
            if w is not None:
                z = [a + b for a, b in zip(z, w)]
        top = max(z)
        exps = [math.exp(v - top) for v in z]
        k = exps.index(max(exps))
        out.append((classes[k], round(exps[k] / sum(exps), 3)))
    return out


_SPLIT = re.compile(r"\s+")


@lru_cache(maxsize=1024)
def sentence_roles(record: Record, use_model: bool = True) -> tuple[str, ...]:
    """One role per abstract sentence, in ``passages_of`` order (title excluded).

    Labelled sections give their role to every sentence; unlabelled ones use the model
    (or get "" with ``use_model=False``, the cheap path). Remembered per record: an answer
    reads an unlabelled abstract's roles for its study and again for its evidence-table row.
    """
    out: list[str] = []
    pending: list[str] = []

    def flush() -> None:
        if pending:
            out.extend(r for r, _ in classify_sentences(pending)) if use_model else out.extend([""] * len(pending))
            pending.clear()

    for sec in record.sections:
        sents = sentences(sec.text)
        role = role_of_label(sec.label) if sec.label else None
        if role is None:
            pending.extend(sents)
        else:
            flush()
            out.extend([role] * len(sents))
    flush()
    return tuple(out)
