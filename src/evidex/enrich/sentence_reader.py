"""Whether a sentence reports a result, and which way: favours, no_difference, against or unclear
(it reports none), read by a softmax model (``scripts/train_sentence_direction.py``) trained on
hand-labelled abstract sentences (docs/labels/sentence_directions.jsonl).

The reporting cues (``direction.sentence_direction``) miss much of how a result can be worded
("were similar in the two groups", "no statistically significant group differences") and take
result words in a description for a result; the model reads the sentence's words and word pairs
beside what the cues, the reported tests and the effect wording say, and learns where each is
right. Measured against the cues on the labelled sentences (5-fold CV by record) it is the better
reader of whether a sentence reports a result, and ``synthesis.results.reports_finding`` asks
it: which sentences an answer quotes as results, and which primary-outcome sentences a study's
direction reads first. The direction itself stays with the cues and the study reader trained on
them (``direction_model``): with this reader in their place the study-direction labels and the
answers' direction checks both fell (RESULTS.md, session 36).
Pure Python at inference, as every enrichment model here.
"""
from __future__ import annotations

import math
from functools import lru_cache

from . import models
from .direction import effect_polarity, sentence_direction
from .significance import significance
from .effect import aside
from .features import class_scores, log_posteriors, ngrams, tokens

LABELS = ("favours", "no_difference", "against", "unclear")


def features(sentence: str) -> set[str]:
    """Words and word pairs (numbers as "0"), and what the cues, tests and effect wording say."""
    feats = ngrams(tokens(sentence))
    feats.update((f"cue={sentence_direction(sentence)}", f"sig={significance(sentence) or 'none'}",
                  f"pol={effect_polarity(sentence)}"))
    if aside(sentence):
        feats.add("aside")
    return feats


@lru_cache(maxsize=1)
def _model() -> tuple[dict[str, list[float]], list[float], tuple[str, ...]]:
    p = models.load("sentence_direction")["params"]
    return p["weights"], p["bias"], tuple(p["classes"])


@lru_cache(maxsize=8192)
def _log_posteriors(sentence: str) -> tuple[float, ...]:
    """Each label's log probability for the sentence. Remembered: an answer asks of the same
    findings sentences section by section, for a reading and for a probability."""
    weights, bias, _ = _model()
    return tuple(log_posteriors(class_scores(weights, bias, features(sentence))))


def result_probability(sentence: str) -> float:
    """The model's probability that the sentence reports a result (any label but "unclear")."""
    return 1.0 - math.exp(_log_posteriors(sentence)[_model()[2].index("unclear")])


def reading(sentence: str) -> str:
    """The most probable label (favours | no_difference | against | unclear)."""
    logp = _log_posteriors(sentence)
    return _model()[2][logp.index(max(logp))]
