"""Sentence roles (background, objective, methods, results, conclusions) for abstracts.

Labelled sections map straight to roles (NLM's structured-abstract categories:
https://www.nlm.nih.gov/bsd/policy/structured_abstracts.html); sentences of unlabelled
abstracts are classified by a small softmax model over their words and position
(``scripts/train_roles.py``), pure Python at inference. An abstract is read as a sequence:
its roles come in an order (background, aims, methods, results, conclusions), so the most
likely sequence is decoded (Viterbi) from each sentence's role probabilities and the role-to-role
transitions counted in the training abstracts, as sequential sentence classifiers do (Jin &
Szolovits, EMNLP 2018; Dernoncourt & Lee, IJCNLP 2017). A results sentence between two others
("At one year follow-up, LV end-diastolic volume decreased") is no longer read as methods
because its words are.
"""
from __future__ import annotations

import math
import re
from functools import lru_cache

from ..records import Record
from . import models
from .features import class_scores, log_posteriors, tokens
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
def _model() -> tuple[dict[str, list[float]], list[float], tuple[str, ...], dict]:
    p = models.load("roles")["params"]
    return p["weights"], p["bias"], tuple(p["classes"]), p.get("sequence", {})


def decode(logp: list[list[float]], sequence: dict, after: int | None = None, before: int | None = None,
           parts: list[int] | None = None) -> list[int]:
    """The most likely role sequence (Viterbi) for one abstract's per-sentence log posteriors.
    ``sequence`` holds log transition probabilities (``transitions``: k+1 rows and columns, the
    last row the start, the last column the end), the log role prior, and two weights: a
    posterior divided by its prior (``prior_weight``) is a scaled likelihood, so the prior is
    not counted twice with the transitions; both weights are chosen by cross-validation
    (``scripts/train_roles.py --cv``). ``after`` and ``before``: the roles (indices) of the
    labelled sentences around the run, when it sits between labelled sections of an abstract;
    else it starts and ends an abstract. Empty ``sequence``: each sentence's own best role.

    ``parts``: the run's sentence counts by part, when the source kept the parts of a structured
    abstract but not their headings (cohen2006 joins them with "; "). A part is one section, so
    it has one role: the sequence is decoded over parts, each scored by its sentences together
    (with the role's own transitions between them). Read this way the held-out pubmed_xml
    abstracts, headings removed, get 0.974 of their sentences' roles right instead of 0.877, and
    PubMedQA's (never trained on) 0.905 instead of 0.825 (``benchmarks/enrich.py``)."""
    if not logp or not sequence or (len(logp) == 1 and after is None and before is None):
        # (A lone sentence is no abstract, whose openings and endings the transitions counted: an
        # excerpt, a snippet or a one-line abstract is read on its own words.)
        return [row.index(max(row)) for row in logp]
    trans, prior = sequence["transitions"], sequence["prior"]
    lam, alpha = sequence["weight"], sequence["prior_weight"]
    k = len(prior)
    emit = [[v - alpha * prior[j] for j, v in enumerate(row)] for row in logp]
    if parts and (sum(parts) != len(emit) or not all(parts)):
        raise ValueError(f"parts {parts} do not split {len(emit)} sentences")
    sizes = parts or [1] * len(emit)
    units, i = [], 0
    for size in sizes:
        units.append([sum(row[j] for row in emit[i:i + size]) + lam * (size - 1) * trans[j][j] for j in range(k)])
        i += size
    first = k if after is None else after
    end = k if before is None else before
    score = [units[0][j] + lam * trans[first][j] for j in range(k)]
    back: list[list[int]] = []
    for row in units[1:]:
        step = [max(range(k), key=lambda i: score[i] + lam * trans[i][j]) for j in range(k)]
        score = [score[step[j]] + lam * trans[step[j]][j] + row[j] for j in range(k)]
        back.append(step)
    last = max(range(k), key=lambda j: score[j] + lam * trans[j][end])
    path = [last]
    for step in reversed(back):
        path.append(step[path[-1]])
    return [role for role, size in zip(path[::-1], sizes) for _ in range(size)]


# Parts read one role each from this many on: a structured abstract has three sections or more
# (aims, methods, results, conclusions); two paragraphs may be any split of a plain abstract.
MIN_PARTS = 3


def classify_sentences(sentences: list[str], after: str | None = None,
                       before: str | None = None, parts: list[int] | None = None) -> list[tuple[str, float]]:
    """(role, probability) for each sentence of one unlabelled abstract (or of an unlabelled run
    between the roles ``after`` and ``before``), in order: the roles of the most likely
    sequence, each with the probability the sentence alone gives that role (low where the
    sequence overruled the sentence's own best role). ``parts``: see ``decode`` (used from
    ``MIN_PARTS`` parts on)."""
    weights, bias, classes, sequence = _model()
    logp = []
    n = len(sentences)
    for i, s in enumerate(sentences):
        logp.append(log_posteriors(class_scores(weights, bias, sentence_feats(s, i, n))))
    around = [classes.index(r) if r in classes else None for r in (after, before)]
    by_part = parts if parts and len(parts) >= MIN_PARTS else None
    return [(classes[k], round(math.exp(row[k]), 3)) for row, k in zip(logp, decode(logp, sequence, *around, by_part))]


_SPLIT = re.compile(r"\s+")


# A bibliographic reference as a sentence of its own: journal words, year, volume(issue), pages (24 of the
# 120,000 sentences of the shared corpora, all of them references).
_REFERENCE = re.compile(r"^\W*(?:[A-Za-z][\w.&'-]*\s+){0,8}\(?(?:19|20)\d\d\)?\s*[;,]?\s*\d+\s*(?:\(\d+\)\s*)?[,:]\s*\d+"
                        r"\s*(?:[-\u2013]\s*\d+)?\s*\.?\s*$")


@lru_cache(maxsize=1024)
def sentence_roles(record: Record, use_model: bool = True) -> tuple[str, ...]:
    """One role per abstract sentence, in ``passages_of`` order (title excluded).

    Labelled sections give their role to every sentence; unlabelled ones use the model, read
    in sequence with the labelled roles around them (or get "" with ``use_model=False``, the
    cheap path): a "SIDE EFFECTS" section between RESULTS and CONCLUSIONS is no opening
    background. Remembered per record: an answer reads an unlabelled abstract's roles for its
    study and again for its evidence-table row.
    """
    out: list[str] = []
    pending: list[list[str]] = []         # the unlabelled sections of the run, each its sentences

    def flush(before: str | None = None) -> None:
        run = [s for part in pending for s in part]
        if run:
            after = out[-1] if out else None
            out.extend(r for r, _ in classify_sentences(run, after, before, [len(p) for p in pending if p])) \
                if use_model else out.extend([""] * len(run))
        pending.clear()

    every: list[str] = []
    for sec in record.sections:
        sents = sentences(sec.text)
        every += sents
        role = role_of_label(sec.label) if sec.label else None
        if role is None:
            pending.append(sents)
        else:
            flush(role)
            out.extend([role] * len(sents))
    flush()
    # A journal reference left in the abstract ("Journal of Human Hypertension (2000) 14, 205-212.") states nothing.
    return tuple("background" if _REFERENCE.match(text) else role for role, text in zip(out, every))
