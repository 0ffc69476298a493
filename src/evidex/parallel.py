"""Shards of many files from a pool of worker processes, handed back in input order.

Each worker runs ``shards.file_shards`` on one whole file and spills its shards to a
temporary pickle stream as it makes them; the writer (``load``) reads the spill of the
oldest file while the pool works at most ``2 x workers`` files ahead. So memory holds about
one shard per worker plus the one being written, whatever the number or size of the files
(a shard is at most ``chunk`` records), and the disk holds the spills of the files in flight.
Order is the input order, so the last version of a record wins exactly as in one process.

Parallelism is across files: one huge file is read by one worker (PubMed's files are at
most 30,000 citations each; split a bigger single file to use more cores).
"""
from __future__ import annotations

import multiprocessing
import os
import pickle
import tempfile
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

from .packing import Packer
from .records import Appraisal, Record, Section
from .shards import CHUNK, Lookup, Shard, file_shards, readonly_lookup, readonly_packer


@dataclass(frozen=True)
class Job:
    """One file to read; ``tag`` is the writer's own note about it (checksum, series entry)."""

    path: Path
    tag: object = field(default=None, compare=False)


class WorkerLost(RuntimeError):
    """A worker process died (killed, out of memory) while reading a file."""


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


def serial_shards(jobs: Iterable[Job], chunk: int = CHUNK, lookup: Lookup | None = None,
                  appraise: Callable[[Record], Appraisal] | None = None) -> Iterator[tuple[Job, Shard]]:
    """The same shards in this process, produced as the writer asks for them."""
    extra = {} if appraise is None else {"appraise": appraise}
    for job in jobs:
        for shard in file_shards(job.path, chunk, lookup, **extra):
            yield job, shard


_LOOKUPS: dict[str | None, Lookup | None] = {}
_PACKERS: dict[str | None, Packer | None] = {}


def _spill(path: str, spill: str, chunk: int, db: str | None) -> int:
    """Worker side: write the shards of ``path`` to ``spill``, their records encoded as the
    store's rows (``evidex.rows``) so that the writer only inserts them; returns how many."""
    if db not in _LOOKUPS:
        _LOOKUPS[db], _PACKERS[db] = readonly_lookup(db), readonly_packer(db)
    n = 0
    with open(spill, "wb") as fh:
        for shard in file_shards(Path(path), chunk, _LOOKUPS[db], encode=True, packer=_PACKERS[db]):
            pickle.dump(shard, fh, protocol=pickle.HIGHEST_PROTOCOL)
            n += 1
    return n


def _warm_up() -> None:
    from .enrich import appraise
    appraise(Record(id="warm-up", title="Warm-up", sections=(Section("", "Ten adults were randomised."),)))


def _unspill(spill: Path, count: int) -> Iterator[Shard]:
    try:
        with open(spill, "rb") as fh:
            for _ in range(count):
                yield pickle.load(fh)
    finally:
        spill.unlink(missing_ok=True)


def pool_shards(jobs: Iterable[Job], workers: int, chunk: int = CHUNK,
                db: Path | None = None) -> Iterator[tuple[Job, Shard]]:
    """Shards of ``jobs`` read by ``workers`` processes, yielded in job order. ``db``: the store
    file, read (read-only) by the workers to skip appraising unchanged records."""
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    if method == "fork":
        _warm_up()       # models and vocabulary loaded once here, shared by every forked worker
    ahead = 2 * workers
    jobs = iter(jobs)
    with tempfile.TemporaryDirectory(prefix="evidex-shards-") as tmp, \
            ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context(method)) as pool:
        queue: deque[tuple[Job, Path, Future[int]]] = deque()
        counter = 0

        def submit() -> bool:
            nonlocal counter
            job = next(jobs, None)
            if job is None:
                return False
            counter += 1
            spill = Path(tmp, f"{counter}.pickle")
            queue.append((job, spill, pool.submit(_spill, str(job.path), str(spill), chunk,
                                                  str(db) if db else None)))
            return True

        current: Job | None = None
        try:
            while len(queue) < ahead and submit():
                pass
            while queue:
                current, spill, future = queue.popleft()
                count = future.result()
                submit()
                for shard in _unspill(spill, count):
                    yield current, shard
        except BrokenProcessPool as exc:      # from result() or from a submit() after the loss
            where = f"; files from {current.path} on were in flight" if current is not None else ""
            raise WorkerLost(f"a worker process died (killed or out of memory){where}; "
                             f"re-run: finished files are kept and skipped") from exc
        finally:
            for _job, _spill_path, future in queue:
                future.cancel()
