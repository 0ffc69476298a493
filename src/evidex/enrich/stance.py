"""Stance of passages towards a yes/no question (or a claim): yes, no, or neither.

Two readers answer through the same functions (``reader()``, the ``stance_reader`` setting):
the linear model below (the default) and the trained MiniLM cross-encoder of
``stance_encoder`` (the ``minilm`` extra), which reads question and passage together. The
encoder is the better reader of single passages held out, but not the better reader of whole
answers, either reading everything or only each answer's pooled passages (``pooled``);
benchmarks/RESULTS.md has both.

The linear reader: two small logistic models trained by ``scripts/train_stance.py`` on BioASQ yes/no questions
with their gold snippets, PubMedQA (PQA-L) and SciFact rationales:

- *relevance*: does the passage answer the question either way (a reported finding that
  shares the question's terms) or is it background? SciFact rationale vs other sentences of
  the cited abstracts, PubMedQA results/conclusions vs background/methods sentences.
- *polarity*: given that it answers, is the answer yes (an effect or association reported,
  the claim supported) or no (a null finding, a contradiction)?

A passage's stance is ``yes = r * p``, ``no = r * (1 - p)``, ``neither = 1 - r``. A
question's answer pools the passages' polarity margins weighted by relevance (a linear
model over the mean of passage features is the mean of passage margins, which is how the
polarity model was trained), then Platt-calibrates the pooled margin. A negated question
("Is X *not* associated with Y?") is answered as its positive form and flipped, so rare
negated questions do not need their own training data. The features are
``stance_features.pair_features``. wordllama embeddings (cosine, question x passage products) were measured as features and
bought nothing held-out (BioASQ +0.003), so inference stays pure Python: ~5,500 passages/s,
about 35 ms for the 200 passages of an answer.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from . import models, stance_encoder
from .stance_features import QuestionForm, pair_features, passage_side, question_features, question_form

__all__ = ["QuestionForm", "Stance", "answer_distribution", "answer_probability", "findings_probability", "pair_features", "passage_stance", "passage_stances",
           "question_form", "reader", "use_model_file", "yes_no_maybe"]

@dataclass(frozen=True)
class Stance:
    """One passage's probabilities; they sum to 1."""

    yes: float      # P(the passage answers the question "yes" / supports the claim)
    no: float       # P(it answers "no": contradicts, or reports no effect/association)
    neither: float  # P(it does not answer the question either way)


# -- inference --------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Linear:
    weights: dict[str, float]
    bias: float

    def margin(self, feats: set[str]) -> float:
        get = self.weights.get
        return self.bias + sum(get(f, 0.0) for f in feats)


@dataclass(frozen=True)
class _Model:
    polarity: _Linear
    relevance: _Linear
    platt_a: float
    platt_b: float
    maybe_table: tuple[tuple[float, float, float], ...]   # per tenth of P(yes): P(yes, no, maybe)
    relevance_floor: float


_MODEL_FILE: Path | None = None     # None: the shipped model (models/stance.json)
_ENCODER_FILE: Path | None = None   # None: the shipped adapters (models/stance_encoder.npz)


def use_model_file(*paths: Path | str | None) -> None:
    """For evaluation only: answer with the stance model(s) in ``paths`` instead of the shipped
    ones, for every later call in this process; no path (or ``None``) restores the shipped
    models. A ``.npz`` is a cross-encoder adapter file (``scripts/train_stance_encoder.py``, e.g.
    a fold model trained without the questions being scored); a ``.json`` is a linear model
    (``scripts/train_stance.py --out``). One file alone also selects its reader; one of each
    leaves the choice to the ``stance_reader`` setting (``pooled`` reads with both). Each file
    is read and checked at once, so a bad path fails here rather than at the first question."""
    global _MODEL_FILE, _ENCODER_FILE, _FORCED
    _MODEL_FILE = _ENCODER_FILE = _FORCED = None
    given = [Path(p) for p in paths if p is not None]
    for path in given:
        if path.suffix == ".npz":
            if not stance_encoder.available():
                raise models.ModelMissing(f"{path}: an encoder model needs the minilm extra (torch)")
            stance_encoder.passage_probs(path, "Is aspirin effective?", ["Aspirin reduced pain."])
            _ENCODER_FILE = path
        else:
            _read(path)
            _MODEL_FILE = path
    if len(given) == 1:
        _FORCED = "encoder" if _ENCODER_FILE else "linear"
    _model.cache_clear()
    _passage_margins.cache_clear()
    _pair_margins.cache_clear()
    reader.cache_clear()


_FORCED: str | None = None


@lru_cache(maxsize=1)
def reader() -> str:
    """Which reader answers (the ``stance_reader`` setting): "encoder" (the trained cross-encoder
    reads everything), "pooled" (the encoder reads a question's pooled passages, once per
    answer; the linear model reads single passages, ~100 per answer) or "linear"; ``auto``
    takes "pooled" where the minilm extra is installed."""
    if _FORCED:
        return _FORCED
    from ..settings import current
    want = current().stance_reader
    if want == "linear" or (want == "auto" and not stance_encoder.available()):
        return "linear"
    if not stance_encoder.available():
        raise models.ModelMissing(f"stance_reader = {want}, but the minilm extra (torch) is not installed: "
                                  "pip install 'evidex[minilm]', or set stance_reader = auto")
    return "pooled" if want == "auto" else want


def _pooled_by_encoder() -> bool:
    return reader() in ("encoder", "pooled")


def _adapters() -> Path:
    return _ENCODER_FILE or models.MODEL_DIR / "stance_encoder.npz"


def model_manifest() -> dict[str, Any]:
    """The manifest of the model in use (the shipped one unless ``use_model_file`` chose another);
    with the pooled reader, the encoder's, carrying the linear model's as ``linear``."""
    linear = dict(_read(_MODEL_FILE)["manifest"]) if _MODEL_FILE is not None else dict(models.load("stance")["manifest"])
    if reader() == "linear":
        return linear
    import hashlib
    path = _adapters()
    fold = path.with_suffix(".json")      # a fold model's training report sits beside it
    out = {**stance_encoder.manifest(), "adapters": str(path),
           "params_sha": hashlib.sha256(path.read_bytes()).hexdigest()[:16],
           "holdout": json.loads(fold.read_text(encoding="utf-8")).get("config") if _ENCODER_FILE and fold.exists()
           else None}
    return {**out, "linear": linear} if reader() == "pooled" else out


def _read(path: Path) -> dict[str, Any]:
    data = json.loads(path.read_text(encoding="utf-8"))
    if data.get("manifest", {}).get("name") != "stance":
        raise models.ModelMissing(f"{path}: not a stance model (manifest name {data.get('manifest', {}).get('name')!r})")
    return data


@lru_cache(maxsize=1)
def _model() -> _Model:
    p: dict[str, Any] = (_read(_MODEL_FILE) if _MODEL_FILE is not None else models.load("stance"))["params"]
    return _Model(_Linear(p["polarity"]["weights"], p["polarity"]["bias"]),
                  _Linear(p["relevance"]["weights"], p["relevance"]["bias"]),
                  p["answer"]["platt_a"], p["answer"]["platt_b"],
                  tuple(tuple(r) for r in p["answer"]["maybe_table"]), p["answer"]["relevance_floor"])


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z)) if z > -500 else 0.0


@lru_cache(maxsize=32_768)
def _passage_margins(passage: str) -> tuple[float, float]:
    """The polarity and relevance models' sums over the passage's own features (bias included):
    what every question adds to. Cleared with the model (``use_model_file``)."""
    m, feats = _model(), passage_side(passage).feats
    return m.polarity.margin(feats), m.relevance.margin(feats)


@lru_cache(maxsize=32_768)
def _pair_margins(form: QuestionForm, passage: str) -> tuple[float, float]:
    """(polarity margin towards the positive form, relevance probability) of one pair. An answer
    reads each study's findings twice for one question (their stances, then the study's own
    P(yes)), so a pair is read once and remembered. Cleared with the model (``use_model_file``)."""
    m = _model()
    p0, r0 = _passage_margins(passage)
    qf = question_features(form, passage_side(passage))     # names apart from the passage's own
    pol, rel = m.polarity.weights.get, m.relevance.weights.get
    return p0 + sum(pol(f, 0.0) for f in qf), _sigmoid(r0 + sum(rel(f, 0.0) for f in qf))


def _margins(form: QuestionForm, passages: list[str]) -> list[tuple[float, float]]:
    """(polarity margin towards the positive form, relevance probability) per passage."""
    return [_pair_margins(form, text or "") for text in passages]


def passage_stances(question: str, passages: list[str]) -> list[Stance]:
    """Stance of each passage towards ``question`` (batched: the question is parsed once)."""
    if reader() == "encoder":
        return [Stance(round(y, 4), round(n, 4), round(max(0.0, 1.0 - round(y, 4) - round(n, 4)), 4))
                for y, n, _ in _encoder_probs(question, passages)]
    form = question_form(question)
    out = []
    for margin, r in _margins(form, passages):
        p = _sigmoid(-margin if form.negated else margin)
        yes, no = round(r * p, 4), round(r * (1 - p), 4)
        out.append(Stance(yes, no, round(1.0 - yes - no, 4)))
    return out


def passage_stance(question: str, passage: str) -> Stance:
    """Stance of one passage towards ``question``."""
    return passage_stances(question, [passage])[0]


def _pooled(question: str, passages: list[str], weights: list[float] | None) -> tuple[float, bool]:
    form = question_form(question)
    m = _model()
    pairs = _margins(form, passages)
    if weights is not None and len(weights) != len(pairs):
        raise ValueError(f"{len(weights)} weights for {len(pairs)} passages")
    num = den = 0.0
    for i, (margin, r) in enumerate(pairs):
        w = (weights[i] if weights is not None else 1.0) * max(r, m.relevance_floor)
        num += w * margin
        den += w
    z = num / den if den > 0 else m.polarity.bias
    return m.platt_a * z + m.platt_b, form.negated


def answer_probability(question: str, passages: list[str], weights: list[float] | None = None) -> float:
    """P(the answer to the yes/no question is yes) from the passages (aggregated).

    The passages' polarity margins are averaged, weighted by ``weights`` (e.g. retrieval
    scores or study quality) times each passage's relevance, then calibrated. With no
    passages this is the training prior.
    """
    if _pooled_by_encoder():
        if weights is not None and len(weights) != len(passages):
            raise ValueError(f"{len(weights)} weights for {len(passages)} passages")
        if not passages:
            return 0.5
        y, n, _ = _encoder_probs(question, passages, weights, pooled=True)[0]
        return round(y / (y + n), 4) if y + n > 0 else 0.5
    return _linear_probability(question, passages, weights)


def _linear_probability(question: str, passages: list[str], weights: list[float] | None) -> float:
    z, negated = _pooled(question, passages, weights)
    p = _sigmoid(z)
    return round(1.0 - p if negated else p, 4)


def findings_probability(question: str, passages: list[str]) -> float:
    """P(yes) from one study's own findings: ``answer_probability`` through the single-passage
    reader (the linear model under ``pooled``: an answer reads some twenty studies, too many
    for an encoder read each within the latency budget; the question's own answer is the
    encoder's pooled read)."""
    if reader() == "encoder":
        return answer_probability(question, passages)
    return _linear_probability(question, passages, None)


def _encoder_probs(question: str, passages: list[str], weights: list[float] | None = None,
                   pooled: bool = False) -> list[tuple[float, float, float]]:
    """The encoder's (yes, no, neither) per passage, or once for the pooled passages. A negated
    question is read in its positive form and the answer flipped, as the linear reader does:
    negated questions are too rare in the training data for the model to learn them."""
    form = question_form(question)
    asked = form.text if form.negated and form.text else question
    rows = ([stance_encoder.pooled_probs(_adapters(), asked, passages, weights)] if pooled
            else stance_encoder.passage_probs(_adapters(), asked, passages))
    return [(n, y, m) for y, n, m in rows] if form.negated and form.text else rows


def answer_distribution(question: str, passages: list[str],
                        weights: list[float] | None = None) -> dict[str, float]:
    """P(yes), P(no), P(maybe) for the question from its passages: the encoder reads them
    together (maybe = they do not settle it); the linear reader's P(yes) goes through its
    yes/no/maybe table."""
    if _pooled_by_encoder() and passages:
        y, n, m = _encoder_probs(question, passages, weights, pooled=True)[0]
        return {"yes": round(y, 4), "no": round(n, 4), "maybe": round(m, 4)}
    return yes_no_maybe(question, passages, weights)[1]


def yes_no_maybe(question: str, passages: list[str],
                 weights: list[float] | None = None) -> tuple[str, dict[str, float]]:
    """PubMedQA-style 3-way answer: yes | no | maybe, with probabilities.

    P(yes) from ``answer_probability`` is read through a table, built from out-of-fold
    PubMedQA answers, of how often questions with that P(yes) were answered yes, no or maybe
    (so "maybe" is as likely as the data say, not a fixed band); the label is the most probable.
    """
    if _pooled_by_encoder() and passages:
        probs = answer_distribution(question, passages, weights)
        return max(probs, key=probs.get), probs
    p = answer_probability(question, passages, weights)
    table = _model().maybe_table
    row = table[min(int(p * len(table)), len(table) - 1)]
    probs = dict(zip(("yes", "no", "maybe"), row))
    return max(probs, key=probs.get), probs
