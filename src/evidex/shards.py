"""The unit of (parallel) ingest: one source file -> shards of records with their appraisals.

``file_shards`` reads and appraises one file and touches nothing else, so the same function
runs in this process (``--workers 1``), in a process pool (``evidex.parallel``) or as a Ray
task (``evidex.ray_ingest``); exactly one writer (``evidex.load``) applies the shards, in
input order. A file becomes several shards of at most ``chunk`` records, so a 30,000-citation
PubMed file never sits in memory whole.

Records whose content hash equals the stored one (``lookup``) are not appraised: they travel
with ``None`` for an appraisal, and the writer checks again against the store as it is when
the shard is applied (a worker may have looked before an earlier file changed the record).

With ``encode`` (what the pool and Ray workers ask for) every appraised record travels as a
``rows.Row``, encoded and packed, so that the single writer does no per-record encoding.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from .enrich import appraise as _appraise
from .faults import checkpoint
from .ingest import Deletion, iter_file
from .packing import Packer
from .records import Appraisal, Problem, Record
from .rows import Row
from .rows import encode as encode_row

CHUNK = 2000
Lookup = Callable[[Sequence[str]], dict[str, str]]     # ids -> stored content hash


@dataclass(frozen=True)
class Shard:
    """Part of one file, in file order: upserts, then deletions, then the problems met."""

    path: str
    seq: int
    items: tuple[tuple[Record, Appraisal | None] | Row, ...] = ()   # None: unchanged when looked up
    deletions: tuple[str, ...] = ()
    problems: tuple[Problem, ...] = ()
    read: int = 0            # records read into this shard, repeats of one id included
    last: bool = False       # the file's final shard
    failed: bool = False     # a read error ended the file early: it must be read again next run


def file_digest(path: Path, algorithm: str) -> str:
    """Hex digest of a file read in 1 MiB blocks (md5 for PubMed's sidecars, sha256 for the file ledger)."""
    h = hashlib.new(algorithm)
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def file_md5(path: Path) -> str:
    return file_digest(path, "md5")


def file_shards(path: Path, chunk: int = CHUNK, lookup: Lookup | None = None,
                appraise: Callable[[Record], Appraisal] = _appraise, encode: bool = False,
                packer: Packer | None = None) -> Iterator[Shard]:
    """Shards of ``path``: parsed, deduplicated within a shard (the last version wins) and
    appraised; the last shard has ``last=True`` (and ``failed=True`` after a read error).
    ``encode``: appraised records as rows, packed with ``packer``'s dictionary if it has one."""
    failed: list[Problem] = []
    items = _until_read_error(iter_file(path), path, failed)
    yield from item_shards(items, str(path), chunk, lookup, appraise, failed, encode, packer)


def item_shards(items: Iterable[Record | Problem | Deletion], path: str = "", chunk: int = CHUNK,
                lookup: Lookup | None = None, appraise: Callable[[Record], Appraisal] = _appraise,
                failed: Sequence[Problem] = (), encode: bool = False,
                packer: Packer | None = None) -> Iterator[Shard]:
    """Cut a stream of items into shards. A record after a deletion starts a new shard, so a
    deletion is never applied after a later version of the same record."""
    seq = 0
    batch: list[Record] = []
    deletions: list[str] = []
    problems: list[Problem] = []
    for item in items:
        if isinstance(item, Problem):
            problems.append(item)
            continue
        if isinstance(item, Deletion):
            deletions.append(item.id)
            continue
        if deletions or len(batch) >= chunk:
            yield _shard(path, seq, batch, deletions, problems, lookup, appraise, encode=encode, packer=packer)
            seq += 1
            batch, deletions, problems = [], [], []
        checkpoint("parse")
        batch.append(item)
    yield _shard(path, seq, batch, deletions, problems, lookup, appraise, last=True, failed=bool(failed),
                 encode=encode, packer=packer)


def _shard(path: str, seq: int, batch: list[Record], deletions: list[str], problems: list[Problem],
           lookup: Lookup | None, appraise: Callable[[Record], Appraisal],
           last: bool = False, failed: bool = False, encode: bool = False, packer: Packer | None = None) -> Shard:
    latest = list({r.id: r for r in batch}.values())      # update files may repeat a PMID
    stored = lookup([r.id for r in latest]) if lookup is not None and latest else {}
    items = tuple((r, None if _unchanged(stored.get(r.id), r) else appraise(r)) for r in latest)
    checkpoint("enrich")
    if encode:
        _refresh(packer)
        items = tuple(item if item[1] is None else encode_row(item[0], item[1], packer) for item in items)
    return Shard(path, seq, items, tuple(deletions), tuple(problems), len(batch), last, failed)


def _refresh(packer: Packer | None) -> None:
    """Load a dictionary the writer trained since (a read error only leaves rows unpacked)."""
    if packer is not None:
        import sqlite3
        try:
            packer.refresh()
        except sqlite3.Error:
            pass


def _unchanged(stored_hash: str | None, record: Record) -> bool:
    """The record's content hash equals the stored one; not computed for a record not stored."""
    return stored_hash is not None and stored_hash == record.content_hash()


def _until_read_error(items: Iterator[Record | Problem | Deletion], path: Path,
                      failed: list[Problem]) -> Iterator[Record | Problem | Deletion]:
    """The items of a file; a read error ends them with a Problem (kept in ``failed``), so
    the complete records read before it are still written."""
    try:
        yield from items
    except (OSError, UnicodeDecodeError, EOFError) as exc:
        failed.append(Problem(str(path), "", f"cannot read: {exc}"))
        yield failed[-1]


def readonly_packer(db: str | Path | None) -> Packer | None:
    """The store's zstd dictionaries over a read-only connection, looked at again for each
    shard (the writer trains the store's first dictionary on its first batch); None where the
    store cannot be read (the rows then travel unpacked and the writer packs them)."""
    if db is None:
        return None
    import sqlite3
    try:
        conn = sqlite3.connect(f"file:{Path(db).resolve()}?mode=ro", uri=True, check_same_thread=False)
        conn.execute("PRAGMA busy_timeout=10000")
        return Packer(conn)
    except sqlite3.Error:
        return None


def readonly_lookup(db: str | Path | None) -> Lookup | None:
    """Stored content hashes read from the store file over a read-only connection (for a
    worker process); None where the store cannot be read (a Ray node without the file):
    then every record is appraised and the writer still skips unchanged ones."""
    if db is None:
        return None
    import sqlite3
    try:
        conn = sqlite3.connect(f"file:{Path(db).resolve()}?mode=ro", uri=True, check_same_thread=False)
        conn.execute("PRAGMA busy_timeout=10000")
    except sqlite3.Error:
        return None
    for table in ("record_data", "records"):     # the slim store's table; the view of older stores
        try:
            conn.execute(f"SELECT id, hash FROM {table} LIMIT 1").fetchall()
            break
        except sqlite3.Error:
            continue
    else:
        conn.close()
        return None

    def lookup(ids: Sequence[str]) -> dict[str, str]:
        out: dict[str, str] = {}
        for i in range(0, len(ids), 500):
            part = list(ids[i:i + 500])
            marks = ",".join("?" * len(part))
            out.update(conn.execute(f"SELECT id, hash FROM {table} WHERE id IN ({marks})", part))
        return out
    return lookup
