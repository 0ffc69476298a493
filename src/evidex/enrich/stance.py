"""Stance of passages towards a yes/no question (or a claim): yes, no, or neither.

Two readers answer through the same functions (``reader()``, the ``stance_reader`` setting):
the trained MiniLM cross-encoder of ``stance_encoder`` wherever the ``minilm`` extra is
installed (it reads question and passage together; held out it is the better of the two,
benchmarks/RESULTS.md), and, as the fallback without torch, the linear model below.

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
negated questions do not need their own training data. Features are words and bigrams of
the passage, words in the scope of a negation, cue classes from ``direction``
(``effect_polarity``, ``sentence_direction``) and question-passage ties: how many of the
question's content words and bigrams the passage shares, a negation next to one of them, a
look-alike of a missing question word ("lentiviral" for "adenoviral") or its opposite
("poor" for "better") in the passage, absolute words in the question ("the only", "first").
wordllama embeddings (cosine, question x passage products) were measured as features and
bought nothing held-out (BioASQ +0.003), so inference stays pure Python: ~5,500 passages/s,
about 35 ms for the 200 passages of an answer.
"""
from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from . import models, stance_encoder
from .direction import _HEDGE, effect_polarity, sentence_direction
from .features import tokens

__all__ = ["QuestionForm", "Stance", "answer_distribution", "answer_probability", "findings_probability", "pair_features", "passage_stance", "passage_stances",
           "question_form", "reader", "use_model_file", "yes_no_maybe"]

_YES_OR_NO = re.compile(r",?\s*\(?\s*yes\s*(?:,|or|/)\s*no\s*\)?\s*\??\s*$", re.I)
_QNEG = re.compile(r"\b(?:not|never|no)\b|n't\b", re.I)
_NEG_CUES = frozenset("not no nor neither never without lack lacks lacked absence absent none cannot "
                      "fail failed fails unable unlikely".split())
_CLAUSE = re.compile(r"[.;:,()\[\]]|\bbut\b|\bwhereas\b|\bwhile\b|\bhowever\b", re.I)
_STOP = frozenset(
    "a an the of in on at to for from by with and or is are was were be been being do does did can could "
    "should would will may might has have had there their this that these those it its as than then into "
    "any some what which who whom whose how why when where yes no not also more most less between among "
    "after before during patients patient treatment use used using associated association effect effects "
    "role 0 s".split())
_NEG_WINDOW = 4
_ABSOLUTE = frozenset("only all always exclusively solely first sole every entirely completely unique "
                      "universally necessarily sufficient".split())
# Opposites that turn a "yes" question into a "no" when the passage says the other one.
_ANTONYMS = {}
for _a, _b in (("increase", "decrease"), ("increased", "decreased"), ("increases", "decreases"),
               ("higher", "lower"), ("more", "less"), ("better", "worse"), ("better", "poor"), ("good", "poor"),
               ("positive", "negative"), ("positively", "negatively"), ("dominant", "recessive"),
               ("benign", "malignant"), ("upregulation", "downregulation"), ("upregulates", "downregulates"),
               ("upregulated", "downregulated"), ("activation", "repression"), ("activation", "inhibition"),
               ("activates", "inhibits"), ("activator", "repressor"), ("activator", "inhibitor"),
               ("gain", "loss"), ("agonist", "antagonist"), ("acute", "chronic"), ("early", "late"),
               ("hyper", "hypo"), ("inherited", "acquired"), ("common", "rare"), ("large", "small"),
               ("major", "minor"), ("long", "short"), ("male", "female"), ("men", "women"), ("adult", "pediatric"),
               ("adults", "children"), ("dna", "rna"), ("bacterial", "viral"), ("virus", "bacterium"),
               ("intracellular", "extracellular"), ("nuclear", "cytoplasmic"), ("leading", "lagging"),
               ("pooled", "arrayed"), ("x", "y"), ("excitatory", "inhibitory"), ("oncogene", "suppressor"),
               ("protective", "risk"), ("safe", "toxic"), ("mitochondrial", "nuclear"), ("first", "second")):
    if _a != _b:
        _ANTONYMS.setdefault(_a, set()).add(_b)
        _ANTONYMS.setdefault(_b, set()).add(_a)


# Prefix swaps that make a sibling or an opposite: "typical"/"atypical", "increase"/"decrease",
# "adenoviral"/"lentiviral", "akinesia"/"dyskinesia", "monoclonal"/"polyclonal".
_SWAPS = frozenset(frozenset(p.split("/")) for p in (
    "/a", "/non", "/un", "/in", "/dys", "/hypo", "/hyper", "a/dys", "in/de", "mono/poly", "intra/inter",
    "intra/extra", "inter/extra", "hyper/hypo", "up/down", "adeno/lenti", "adeno/retro", "lenti/retro",
    "homo/hetero", "endo/exo", "pro/anti", "ex/in"))
_VOWELS = frozenset("aeiouy")


def _contrasts(missing: set[str], present: set[str]) -> bool:
    """Whether a look-alike of a missing question word is in the passage: the passage names a
    sibling ("lentiviral" for "adenoviral", "CAG" for "CTG"), not the thing asked about."""
    for t in missing:
        n = len(t)
        for s in present:
            if s == t or abs(len(s) - n) > 5:
                continue
            if 3 <= n <= 4 and len(s) == n and sum(a != b for a, b in zip(s, t)) == 1 \
                    and min(sum(c in _VOWELS for c in t), sum(c in _VOWELS for c in s)) == 0:
                return True
            k = 0
            while k < min(n, len(s)) and s[-1 - k] == t[-1 - k]:
                k += 1
            if k >= 4 and frozenset((t[:-k], s[:-k])) in _SWAPS:
                return True
    return False


@dataclass(frozen=True)
class Stance:
    """One passage's probabilities; they sum to 1."""

    yes: float      # P(the passage answers the question "yes" / supports the claim)
    no: float       # P(it answers "no": contradicts, or reports no effect/association)
    neither: float  # P(it does not answer the question either way)


@dataclass(frozen=True)
class QuestionForm:
    """A question reduced to its positive form: answers to the original are flipped if negated."""

    text: str       # the question without "yes or no?" and without its negation
    negated: bool   # "Is X not ...?": a yes to the positive form is a no to the question
    content: frozenset[str]   # content words, for ties to passages
    words: frozenset[str] = frozenset()   # every word (antonyms are often stop-like: more/less)


def question_form(question: str) -> QuestionForm:
    """Strip a trailing "yes or no?" and one negation; note whether one was removed."""
    q = _YES_OR_NO.sub("", question.strip()).strip()
    negated = bool(_QNEG.search(q))
    if negated:
        q = re.sub(r"\s{2,}", " ", _QNEG.sub("", q, count=1))
    words = frozenset(tokens(q))
    content = frozenset(t for t in words if t not in _STOP and len(t) > 2)
    return QuestionForm(q, negated, content, words)


def _bin(n: int, cuts: tuple[int, ...]) -> int:
    return sum(n >= c for c in cuts)


def pair_features(form: QuestionForm, passage: str) -> set[str]:
    """Binary features of one (question, passage) pair; the same in training and inference."""
    feats: set[str] = set()
    toks: list[str] = []
    neg_scope: set[str] = set()
    for clause in _CLAUSE.split(passage.lower()):
        ct = tokens(clause)
        left = 0
        for t in ct:
            if t in _NEG_CUES:
                left = _NEG_WINDOW
                feats.add("neg")
            elif left:
                neg_scope.add(t)
                left -= 1
        toks.extend(ct)
    feats.update("p:" + t for t in toks)
    feats.update("p:" + a + "_" + b for a, b in zip(toks, toks[1:]))
    feats.update("n:" + t for t in neg_scope)
    pol = effect_polarity(passage)
    feats.add("pol:" + pol)
    feats.add("dir:" + sentence_direction(passage))
    if _HEDGE.search(passage):
        feats.add("hedge")
    feats.add("len:" + str(_bin(len(toks), (8, 20, 40, 80))))
    # ties to the question
    q = form.content
    if q:
        tokset = set(toks)
        shared = q & tokset
        frac = len(shared) / len(q)
        ov = "ov:" + str(_bin(int(10 * frac), (2, 4, 6, 8)))
        feats.add(ov)
        feats.add(ov + "&" + pol)
        feats.add("miss:" + str(_bin(len(q) - len(shared), (1, 2, 4))))
        look = _contrasts(q - shared, tokset)
        if look:
            feats.add("lookalike")
            feats.add("lookalike&" + ov)
        opp = any(_ANTONYMS.get(t, set()) & tokset for t in form.words if t not in tokset)
        if opp:
            feats.add("antonym")
            feats.add("antonym&" + ov)
        if shared & neg_scope:
            feats.add("negq")           # a negation governs one of the question's words
            feats.add("negq&" + ov)
    qt = tokens(form.text)
    feats.update("q:" + t for t in qt[:3])
    if form.words & _ABSOLUTE:
        feats.add("qabs")               # "the only", "always", "first": strong claims are often false
        feats.add("qabs&" + pol)
    if qt:
        q0 = "q0:" + "_".join(qt[:2])
        feats.add(q0)
        feats.add(q0 + "&" + pol)
    qbi = {a + "_" + b for a, b in zip(qt, qt[1:]) if a in q or b in q}
    if qbi:
        pbi = {a + "_" + b for a, b in zip(toks, toks[1:])}
        feats.add("bi:" + str(_bin(int(10 * len(qbi & pbi) / len(qbi)), (1, 3, 5, 7))))
    return feats


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


def _margins(form: QuestionForm, passages: list[str]) -> list[tuple[float, float]]:
    """(polarity margin towards the positive form, relevance probability) per passage."""
    m = _model()
    out = []
    for text in passages:
        f = pair_features(form, text or "")
        out.append((m.polarity.margin(f), _sigmoid(m.relevance.margin(f))))
    return out


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
    z, negated = _pooled(question, passages, None)
    p = _sigmoid(z)
    return round(1.0 - p if negated else p, 4)


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
