"""The per-file ingest function as Ray tasks, for when one machine is not enough.

Each file becomes one Ray *streaming generator* task running ``shards.file_shards``: shards
reach the writer while the task is still reading, through Ray's object store (which spills
to disk when full, so memory stays bounded). The writer takes the tasks' outputs strictly in
input order; at most ``2 x cluster CPUs`` files are in flight. A task whose worker or node
dies is run again (``max_retries``); the function is deterministic in what it yields, so
Ray's replay keeps the shards already delivered.

Workers read the files by path: on a cluster the input folder must be mounted at the same
path on every node (docs/scale.md). The store stays on the writer's machine; a worker that
cannot open it simply appraises every record, and the writer still skips unchanged ones.
"""
from __future__ import annotations

import os
from collections import deque
from collections.abc import Iterable, Iterator
from pathlib import Path

from .parallel import Job, WorkerLost, default_workers
from .shards import CHUNK, Shard

MAX_RETRIES = 3


def _read_file(path: str, cwd: str, chunk: int, db: str | None) -> Iterator[Shard]:
    """Runs on a Ray worker: the shards of one file. The path is read as the writer wrote it,
    from the writer's folder, so records name their source exactly as in one process."""
    import os

    from evidex.shards import file_shards, readonly_lookup, readonly_packer
    if os.path.isdir(cwd):
        os.chdir(cwd)
    yield from file_shards(Path(path), chunk, readonly_lookup(db), encode=True, packer=readonly_packer(db))


def ray_shards(jobs: Iterable[Job], address: str | None = None, chunk: int = CHUNK,
               db: Path | None = None, num_cpus: int | None = None) -> Iterator[tuple[Job, Shard]]:
    """Shards of ``jobs`` computed by Ray tasks, yielded in job order. ``address``: a running
    cluster ("auto", "ray://head:10001", "head:6379"); None starts a local Ray with
    ``num_cpus`` (default: this machine's cores) and stops it afterwards."""
    try:
        import ray
    except ImportError as exc:      # pragma: no cover - depends on the install
        raise RuntimeError("--ray needs Ray: pip install 'evidex[ray]'") from exc
    started = False
    if not ray.is_initialized():
        options = {"include_dashboard": False, "log_to_driver": False, "logging_level": "warning"}
        if address:
            ray.init(address=address, **options)
        else:
            ray.init(num_cpus=num_cpus or default_workers(), **options)
        started = True
    try:
        task = ray.remote(max_retries=MAX_RETRIES)(_read_file)
        ahead = max(2, 2 * int(ray.cluster_resources().get("CPU", 1)))
        jobs = iter(jobs)
        queue: deque[tuple[Job, object]] = deque()
        db_arg = str(Path(db).resolve()) if db else None
        cwd = os.getcwd()

        def submit() -> bool:
            job = next(jobs, None)
            if job is None:
                return False
            queue.append((job, task.remote(str(job.path), cwd, chunk, db_arg)))
            return True

        while len(queue) < ahead and submit():
            pass
        while queue:
            job, refs = queue.popleft()
            try:
                for ref in refs:
                    yield job, ray.get(ref)
            except (ray.exceptions.WorkerCrashedError, ray.exceptions.NodeDiedError) as exc:
                raise WorkerLost(f"Ray could not read {job.path} after {MAX_RETRIES} retries: {exc}; "
                                 f"re-run: finished files are kept") from exc
            except ray.exceptions.RayTaskError as exc:
                raise exc.as_instanceof_cause() from None   # the worker's own exception, as raised there
            submit()
    finally:
        if started:
            ray.shutdown()
