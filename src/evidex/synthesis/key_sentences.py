"""Which unquoted sentences of the leading studies a clinician would still want quoted: a learned
likelihood that a sentence holds one of the question's key facts.

After the sections have told their sentences, the key points add the few left that matter most
to the question (``answer._with_most_relevant``). Question relevance alone (``select``) picks
sentences that echo the question's words; the facts a clinician looks for are the leading study's
results with their numbers, its participants and doses, from the study the question is about. A
logistic model (``models/key_sentence.json``, trained by ``scripts/train_key_sentence.py`` on the
read clinician question sets, whose key facts are verbatim spans of the abstracts they were
written from; held-out folds by set) weighs the sentence's relevance and role, whether it reports
a result, its numbers and place in the abstract, and the ranker's probability that its study is
the one asked about (``study_rank.rank_shares``). Without the model file, relevance orders them.
"""
from __future__ import annotations

import math

from ..enrich import models
from ..enrich.sentence_reader import result_probability
from .evidence import Study
from .select import QUANTIFIED, Scored
from .study_rank import score


def features(sc: Scored, rank: int, share: float, passages: int) -> dict[str, float]:
    """The model's inputs for one sentence of the study placed ``rank`` (0: first) by the ranker,
    with ``share`` its probability of being the study asked about, of ``passages`` sentences."""
    return {"relevance": sc.relevance, "match": sc.match, "share": share, "log_share": math.log(share + 1e-4) / 9,
            "top_study": float(rank == 0), "rank": 1.0 / (1 + rank), "result": result_probability(sc.passage.text),
            "quantified": float(QUANTIFIED.search(sc.passage.text) is not None),
            "place": sc.passage.seq / max(passages, 1), "length": min(len(sc.passage.text), 400) / 400,
            f"role={sc.role}": 1.0}


def _params() -> dict | None:
    return models.params_or_none("key_sentence")


def most_wanted(found: list[tuple[Study, Scored]], ranked: list[Study],
                shares: dict[str, float]) -> list[tuple[Study, Scored]]:
    """``found`` (a study and one of its sentences) best first: by the model's score (its log-odds that
    the sentence holds a key fact), else by relevance."""
    params = _params()
    if params is None:
        return sorted(found, key=lambda t: -t[1].relevance)
    place = {id(s): i for i, s in enumerate(ranked)}
    return sorted(found, key=lambda t: -score(params, features(
        t[1], place.get(id(t[0]), len(ranked)), shares.get(t[0].record.id, 0.0), len(t[0].passages))))
