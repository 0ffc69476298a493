"""One writer per store: an advisory lock on a file beside it (``<db>.lock``, ``fcntl.flock``).

SQLite serialises single transactions, but an ingest is many (record batches, then the
vector index, whose file lives outside SQLite). Two writers at once would interleave their
batches and each save a vector index lacking the other's vectors, so whatever writes a
store — ``evidex ingest``, a query that embeds records left unembedded — holds this lock.
Readers never take it: WAL lets them read beside the writer.

The kernel drops the lock when its holder dies, even by SIGKILL, so a crash never leaves a
stale lock behind. The holder writes its pid into the file, so a refused writer can say who
holds it. The lock is re-entrant within a thread (ingest holds it, then syncs the vectors).
"""
from __future__ import annotations

import errno
import fcntl
import os
import threading
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path


class StoreBusy(RuntimeError):
    """Another process (or thread) is writing this store, or it cannot be locked for writing
    (a read-only folder): either way this process must not write it now."""

    def __init__(self, db: Path, holder: str, reason: str = "") -> None:
        who = f"pid {holder}" if holder else "another process"
        super().__init__(reason or f"the store {db} is being written by another evidex process ({who}); "
                                   "wait for it to finish, then run again")
        self.db = db
        self.holder = holder


def lock_path(db: str | Path) -> Path:
    return Path(str(db) + ".lock")


_held: dict[str, tuple[int, int, int]] = {}      # lock path -> (fd, owning thread, depth)
_guard = threading.Lock()


@contextmanager
def store_lock(db: str | Path, wait: bool = False) -> Iterator[None]:
    """Hold the writer lock of the store at ``db``; raise ``StoreBusy`` if another process or
    thread holds it (or wait for it, with ``wait=True``)."""
    path = lock_path(db)
    key, me = str(path.resolve()), threading.get_ident()
    with _guard:
        held = _held.get(key)
        if held is not None and held[1] == me:
            _held[key] = (held[0], me, held[2] + 1)
            mine = None
        else:
            mine = key
    if mine is None:            # re-entered by the thread that holds it
        try:
            yield
        finally:
            with _guard:
                fd, owner, depth = _held[key]
                _held[key] = (fd, owner, depth - 1)
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:      # a read-only store: readers go on without writing
        raise StoreBusy(Path(db), "", f"cannot lock the store {db} for writing ({path}: {exc.strerror})") from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                raise
            raise StoreBusy(Path(db), os.pread(fd, 32, 0).decode("ascii", "replace").strip()) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        with _guard:
            _held[key] = (fd, me, 1)
        try:
            yield
        finally:
            with _guard:
                _held.pop(key, None)
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


@contextmanager
def folder_lock(folder: str | Path) -> Iterator[None]:
    """Wait for the lock on ``<folder>.lock`` (``store_lock``), held while a folder beside it is
    checked, removed or created; where the lock file cannot be made (a read-only place), nothing
    can be created either, so the caller goes on without it."""
    with ExitStack() as stack:
        try:
            stack.enter_context(store_lock(folder, wait=True))
        except StoreBusy:
            pass
        yield
