"""Shards of many files from a pool of worker processes, handed back in input order.

Each worker runs ``shards.file_shards`` on one whole file and spills each shard to a
temporary pickle file as soon as it is made (written whole, then renamed into place); the
writer (``load``) applies the shards of the oldest file as they appear, while that file is
still being read, and the pool works at most ``2 x workers`` files ahead. So memory holds
about one shard per worker plus the one being written, whatever the number or size of the
files (a shard is at most ``chunk`` records), and the disk holds the spills in flight. Order
is the input order, so the last version of a record wins exactly as in one process.

Parallelism is across files: one huge file is read by one worker (PubMed's files are at
most 30,000 citations each; split a bigger single file to use more cores), but the writer
works on its first shards while the worker reads the rest.
"""
from __future__ import annotations

import multiprocessing
import os
import pickle
import tempfile
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

from .packing import Packer
from .records import Appraisal, Record, Section
from .shards import CHUNK, Lookup, Shard, file_shards, readonly_lookup, readonly_packer


POLL_S = 0.02           # how long the writer waits for a worker's next shard before looking again


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
    for shard in file_shards(Path(path), chunk, _LOOKUPS[db], encode=True, packer=_PACKERS[db]):
        partial = Path(f"{spill}.{n}.partial")
        with open(partial, "wb") as fh:
            pickle.dump(shard, fh, protocol=pickle.HIGHEST_PROTOCOL)
        partial.replace(f"{spill}.{n}")                 # the writer sees a shard only whole
        n += 1
    return n


def _warm_up() -> None:
    from .enrich import appraise
    appraise(Record(id="warm-up", title="Warm-up", sections=(Section("", "Ten adults were randomised."),)))


def _no_bar_monitor() -> None:
    """Stop tqdm's monitor thread, and start no other: a fork copies the locks a running thread
    holds, and a worker forked while the monitor held one waits on it for ever (seen once in a
    loaded test session). The monitor only retunes how often bars redraw."""
    from tqdm import tqdm
    tqdm.monitor_interval = 0
    if tqdm.monitor is not None:
        tqdm.monitor.exit()
        tqdm.monitor = None


def _unspill(spill: Path, future: Future[int]) -> Iterator[Shard]:
    """The shards of one file as its worker writes them; ends when the worker has returned
    and every shard it wrote was read (a worker's exception is raised here, in order)."""
    n = 0
    while True:
        part = Path(f"{spill}.{n}")
        if part.exists():
            with open(part, "rb") as fh:
                shard = pickle.load(fh)
            part.unlink()
            n += 1
            yield shard
        elif future.done() and n >= future.result():
            return
        else:
            wait([future], timeout=POLL_S)


def pool_shards(jobs: Iterable[Job], workers: int, chunk: int = CHUNK,
                db: Path | None = None) -> Iterator[tuple[Job, Shard]]:
    """Shards of ``jobs`` read by ``workers`` processes, yielded in job order. ``db``: the store
    file, read (read-only) by the workers to skip appraising unchanged records."""
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    if method == "fork":
        _warm_up()       # models and vocabulary loaded once here, shared by every forked worker
        _no_bar_monitor()
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
            spill = Path(tmp, f"{counter}")
            queue.append((job, spill, pool.submit(_spill, str(job.path), str(spill), chunk,
                                                  str(db) if db else None)))
            return True

        current: Job | None = None
        try:
            while len(queue) < ahead and submit():
                pass
            while queue:
                current, spill, future = queue.popleft()
                submit()
                for shard in _unspill(spill, future):
                    yield current, shard
        except BrokenProcessPool as exc:      # from result() or from a submit() after the loss
            where = f"; files from {current.path} on were in flight" if current is not None else ""
            raise WorkerLost(f"a worker process died (killed or out of memory){where}; "
                             f"re-run: finished files are kept and skipped") from exc
        finally:
            for _job, _spill_path, future in queue:
                future.cancel()
