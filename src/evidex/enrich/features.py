"""Cheap text features shared by training scripts and inference, and a linear model over them.

The same functions run in ``scripts/train_*.py`` and at ingest, so a feature can never mean
one thing in training and another in use. Pure Python: no numpy at inference.
"""
from __future__ import annotations

import math
import re
from collections.abc import Iterable
from itertools import repeat
from dataclasses import dataclass
from typing import Any

_TOK = re.compile(r"[a-z]+|\d+")
_SPELL_STEMS = ("randomis", "blinds", "riss", "organis", "utilis", "anaesthetis", "minimis")   # each _SPELL match has one
_DIGITS = re.compile(r"\d+")
# British -> American spellings of design words, so "randomised" and "randomized" are one feature.
_SPELL = re.compile(r"(randomi|blind|ris|organi|utili|anaestheti|minimi)s(ed|ation|e|ing)")


def tokens(text: str) -> list[str]:
    """Lower-case word tokens; every number becomes "0" (values are not design cues).

    The tokens of ``_TOK.findall(_DIGITS.sub("0", low))`` (``reference_tokens``), found with
    C-level string passes instead: non-ASCII characters become "?" (only ``[a-z]`` and digits
    make tokens), ``str.translate`` keeps letters, turns digits into "0" and everything else
    into spaces, each run of "0"s becomes one "0" token and ``split`` does the rest. A
    non-ASCII decimal digit (``\\d`` matches it) takes the regex path.
    """
    low = _normalise_spelling(text.lower())
    if not low.isascii():
        if _has_unicode_decimal(low):
            return _TOK.findall(_DIGITS.sub("0", low))
        low = low.encode("ascii", "replace").decode("ascii")
    low = low.translate(_TOKEN_TABLE)
    if "0" in low:
        while "00" in low:          # each run of digits to one "0" ...
            low = low.replace("00", "0")
        low = low.replace("0", " 0 ")   # ... a token of its own
    return low.split()


def reference_tokens(text: str) -> list[str]:
    """``tokens`` as first written, with regexes: the definition the fast path is tested against."""
    return _TOK.findall(_DIGITS.sub("0", _normalise_spelling(text.lower())))


def _normalise_spelling(low: str) -> str:
    if _contains_any(low, _SPELL_STEMS):        # the substitution scans every position
        low = _SPELL.sub(r"\1z\2", low)
    return low.replace("anaesth", "anesth")


def _contains_any(text: str, needles: tuple[str, ...]) -> bool:
    """``any(n in text for n in needles)`` without a generator per call (hot at ingest)."""
    for needle in needles:
        if needle in text:
            return True
    return False


def _has_unicode_decimal(low: str) -> bool:
    return any(c.isdecimal() for c in set(low) if c > "\x7f")


_TOKEN_TABLE = {i: (chr(i) if "a" <= chr(i) <= "z" else "0" if chr(i).isdigit() else " ") for i in range(128)}


def ngrams(toks: list[str], prefix: str = "") -> set[str]:
    bigrams = map("_".join, zip(toks, toks[1:]))
    if not prefix:
        out = set(toks)
        out.update(bigrams)
        return out
    out = {prefix + t for t in toks}
    out.update(prefix + b for b in bigrams)
    return out


def length_bin(n_tokens: int) -> str:
    if n_tokens == 0:
        return "len:0"
    return "len:s" if n_tokens < 80 else "len:m" if n_tokens < 250 else "len:l"


def design_features(title: str, abstract: str) -> set[str]:
    """Title n-grams (``t:``), abstract n-grams, and the abstract's length bin."""
    tt = tokens(title)
    at = tokens(abstract)
    feats = ngrams(tt, "t:")
    feats.update(ngrams(at))
    feats.add(length_bin(len(at)))
    # A token starts with "random" exactly where " random" occurs in the space-joined tokens
    # with a space in front (tokens hold no spaces): one C-level search instead of a
    # startswith per token.
    if " random" not in " " + " ".join(tt) and " random" not in " " + " ".join(at):
        feats.add("no:random")      # absence cue: a linear model cannot see absence otherwise
    return feats


def class_scores(weights: dict[str, list[float]], bias: list[float], feats: Iterable[str]) -> list[float]:
    """Each class's score under a multi-class linear model stored as feature -> one weight per class."""
    z = list(bias)
    for f in feats:
        w = weights.get(f)
        if w is not None:
            z = [a + b for a, b in zip(z, w)]
    return z


def log_posteriors(z: list[float]) -> list[float]:
    """log softmax of one item's class scores."""
    top = max(z)
    norm = top + math.log(sum(math.exp(v - top) for v in z))
    return [v - norm for v in z]


@dataclass(frozen=True)
class LinearModel:
    """Logistic model over binary features, with Platt calibration of the raw margin."""

    weights: dict[str, float]
    bias: float
    platt_a: float = 1.0
    platt_b: float = 0.0
    threshold: float = 0.5

    @classmethod
    def from_params(cls, params: dict[str, Any]) -> "LinearModel":
        return cls(dict(params["weights"]), float(params["bias"]), float(params.get("platt_a", 1.0)),
                   float(params.get("platt_b", 0.0)), float(params.get("threshold", 0.5)))

    def margin(self, feats: Iterable[str]) -> float:
        # Iterate over the (few hundred) features, not the (many thousand) weights.
        # map() in C, in the same order as a generator would: the same float sum.
        feats = feats if isinstance(feats, set) else set(feats)
        return self.bias + sum(map(self.weights.get, feats, repeat(0.0, len(feats))))

    def prob(self, feats: Iterable[str]) -> float:
        z = self.platt_a * self.margin(feats) + self.platt_b
        return 1.0 / (1.0 + math.exp(-z)) if z > -500 else 0.0
