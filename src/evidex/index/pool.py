"""Embedding across worker processes (``evidex embed --workers N``).

Each worker loads the embedder once and embeds a contiguous slice of a batch; the parent
keeps every write (index adds, saves, SQLite commits), so crash safety and resumability are
the single-process sync's. Worth it only where one process leaves cores idle: measured in
benchmarks/RESULTS.md ("Embedding across processes").
"""
from __future__ import annotations

import multiprocessing as mp
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor

import numpy as np

_WORKER = None


def _init(name: str) -> None:
    global _WORKER
    os.environ.setdefault("OMP_NUM_THREADS", "1")       # one core per worker: the pool is the parallelism
    try:
        import torch
        torch.set_num_threads(1)
    except ImportError:
        pass
    from .embed import get_embedder
    _WORKER = get_embedder(name)


def _embed(texts: list[str]) -> np.ndarray:
    return _WORKER.embed(texts)


class EmbedPool:
    """``embed(texts, on_batch)`` as the embedder's, run by ``workers`` processes."""

    def __init__(self, name: str, workers: int) -> None:
        self.workers = workers
        ctx = mp.get_context("spawn")        # no fork of a parent holding SQLite and torch state
        self._pool = ProcessPoolExecutor(workers, mp_context=ctx, initializer=_init, initargs=(name,))

    def embed(self, texts: Sequence[str], on_batch: Callable[[int], None] = lambda n: None) -> np.ndarray:
        step = max(1, -(-len(texts) // (self.workers * 4)))      # 4 slices per worker: the bar moves
        parts = [list(texts[i:i + step]) for i in range(0, len(texts), step)]
        out = []
        for part, vecs in zip(parts, self._pool.map(_embed, parts)):
            out.append(vecs)
            on_batch(len(part))
        return np.concatenate(out) if out else np.zeros((0, 0), dtype=np.float32)

    def close(self) -> None:
        self._pool.shutdown(cancel_futures=True)

    def __enter__(self) -> EmbedPool:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
