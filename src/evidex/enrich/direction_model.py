"""A study's direction from its findings sentences, by a trained reader (``scripts/train_direction.py``).

The cue rules (``direction.study_direction``) vote sentence by sentence; this reader weighs what
they see together with the reported tests (``significance``), the effect polarity, the stance
model's P(yes) for the question and a few comparison words, by three one-against-the-rest
logistic models fitted on the hand-labelled studies (docs/labels: table rows and study
directions). Its manifest keeps the held-out figures measured at training time.
"""
from __future__ import annotations

import math
import re

from . import models, stance
from .direction import effect_polarity, sentence_direction, study_direction
from .significance import significance

LABELS = ("favours", "no_difference", "against")
_WORDS = frozenset("similar comparable equivalent superior inferior not no significant significantly difference "
                   "differences differ both versus vs than greater higher lower better worse reduced improved "
                   "increased fewer more less nonsignificant trend".split())
_WORD = re.compile(r"[a-z]+")


def features(question: str, sents: list[str]) -> dict[str, float]:
    """The reader's inputs for one study: no drug or disease words, only how findings are written."""
    f: dict[str, float] = {f"cue={study_direction(sents)}": 1.0}
    for s in sents:
        for key in (f"sd={sentence_direction(s)}", f"sig={significance(s)}", f"pol={effect_polarity(s)}"):
            f[key] = f.get(key, 0.0) + 1.0 / len(sents)
    if sents:
        f[f"last={sentence_direction(sents[-1])}"] = 1.0
        f[f"lastsig={significance(sents[-1])}"] = 1.0
        p = stance.findings_probability(question, sents)
        f.update({"pyes": p, "pyes_hi": float(p > 0.6), "pyes_lo": float(p < 0.4)})
    for w in set(_WORD.findall(" ".join(sents).lower())) & _WORDS:
        f[f"w={w}"] = 1.0
    return f


def scores(params: dict, f: dict[str, float]) -> dict[str, float]:
    """Each label's logistic score (margin) for features ``f`` under ``params`` (a model's
    ``{label: {"coef": ..., "bias": ...}}``, as scripts/train_direction.py writes it)."""
    return {lab: params[lab]["bias"] + sum(params[lab]["coef"].get(k, 0.0) * v for k, v in f.items())
            for lab in LABELS}


def label_of(params: dict, f: dict[str, float]) -> str:
    """The label with the largest score (ties: the order of LABELS)."""
    margin = scores(params, f)
    return max(LABELS, key=lambda lab: (margin[lab], -LABELS.index(lab)))


def read(question: str, sents: list[str]) -> str:
    """favours | no_difference | against for a study whose findings are ``sents`` (non-empty)."""
    return label_of(models.load("direction")["params"], features(question, sents))


def probabilities(question: str, sents: list[str]) -> dict[str, float]:
    """Each label's one-against-the-rest probability (for reports; ``read`` takes the largest score)."""
    margin = scores(models.load("direction")["params"], features(question, sents))
    return {lab: 1 / (1 + math.exp(-m)) for lab, m in margin.items()}
