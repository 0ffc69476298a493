"""Answering questions in worker processes, so CPU-bound synthesis never starves page views.

``ask`` is pure Python and holds the GIL for ~0.1-0.3 s per new question; run in the web
process's threads, a burst of questions queued every browse and record request behind
it (measured: p95 1.5 s for record pages under 50 clients, see benchmarks/web.py).
A small ``spawn`` process pool, each worker with its own read-only store connection,
keeps page latency flat. ``workers=0`` answers in the calling thread (tests, tiny setups).
"""
from __future__ import annotations

import asyncio
import multiprocessing
import os
import threading
import time
from concurrent.futures import Executor, ProcessPoolExecutor
from pathlib import Path

from ..synthesis.answer import Answer

_store = None


def _init(db_path: str) -> None:
    global _store
    from ..store import Store
    _store = Store(Path(db_path))
    threading.Thread(target=_exit_with_parent, args=(os.getppid(),), daemon=True).start()


def _exit_with_parent(parent: int) -> None:
    """A worker whose server died (even by SIGKILL) exits instead of lingering."""
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(0)


def _answer(question: str) -> Answer:
    from ..synthesis import ask
    from ..synthesis.prose import configured      # the LLM writer when $EVIDEX_WRITER=llm (issue 12)
    return configured(ask(_store, question))


def _ping() -> bool:
    return _store is not None


class AskPool:
    def __init__(self, db_path: Path, workers: int) -> None:
        self.db_path = db_path
        self.workers = workers
        self._pool: Executor | None = None
        self._lock = threading.Lock()

    def _executor(self) -> Executor:
        with self._lock:
            if self._pool is None:
                self._pool = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"),
                                                 initializer=_init, initargs=(str(self.db_path),))
            return self._pool

    async def answer(self, question: str, local) -> Answer:
        """Answer in a worker process; ``local`` is the in-process fallback (workers=0)."""
        if self.workers <= 0:
            from starlette.concurrency import run_in_threadpool
            return await run_in_threadpool(local, question)
        return await asyncio.wrap_future(self._executor().submit(_answer, question))

    def warm(self) -> None:
        """Start the workers now (spawning takes a second or two) instead of on the first question."""
        if self.workers > 0:
            for _ in range(self.workers):
                self._executor().submit(_ping)

    def shutdown(self) -> None:
        with self._lock:
            if self._pool is not None:
                self._pool.shutdown(wait=True, cancel_futures=True)
                self._pool = None
