"""Ingest orchestration: sources -> records -> appraisals -> store, in batches.

Each batch is one transaction. A file whose checksum was already read to its end is
skipped whole (its problems, if any, are reported again from the store); records whose
content hash is unchanged are neither appraised nor written, so a re-run after a crash
picks up where it stopped and a repeated run writes nothing.

After the records are stored, new and changed records are embedded into the vector index
(``evidex.index``; batched, with a progress bar, idempotent). ``embed=False`` or
``EVIDEX_EMBED=0`` skips that step — hybrid retrieval then embeds what is missing at the
first query.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from importlib.resources import as_file, files
from pathlib import Path

from .enrich import appraise
from .faults import checkpoint
from .ingest import Deletion, expand_paths, iter_file, unreadable
from .ingest.schema import printable
from .records import Problem, Record
from .store import Store, WriteStats

BATCH_SIZE = 2000


@dataclass
class IngestReport:
    files: int = 0
    files_skipped: int = 0
    records_read: int = 0
    stats: WriteStats = field(default_factory=WriteStats)
    problems: list[Problem] = field(default_factory=list)
    embedded: int = 0          # records (re-)embedded into the vector index

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        s = self.stats
        return (f"{self.files} file(s) ({self.files_skipped} unchanged, skipped); "
                f"{self.records_read} record(s) read: {s.added} added, {s.updated} updated, "
                f"{s.unchanged} unchanged, {s.deleted} deleted; {len(self.problems)} problem(s)")


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def ingest_items(store: Store, items: Iterable[Record | Problem | Deletion], report: IngestReport,
                 on_record: Callable[[int], None] = lambda n: None) -> None:
    """Appraise and write records in batches; problems are collected, never raised."""
    batch: list[Record] = []
    deletions: list[str] = []
    for item in items:
        if isinstance(item, Problem):
            report.problems.append(item)
            continue
        if isinstance(item, Deletion):
            deletions.append(item.id)
            continue
        report.records_read += 1
        checkpoint("parse")
        batch.append(item)
        if len(batch) >= BATCH_SIZE:
            _flush(store, batch, deletions, report)
            on_record(len(batch))
            batch, deletions = [], []
    if batch or deletions:
        _flush(store, batch, deletions, report)
        on_record(len(batch))


def _flush(store: Store, batch: list[Record], deletions: list[str], report: IngestReport) -> None:
    """Records already stored with the same content are not appraised again (re-runs are cheap)."""
    latest = list({r.id: r for r in batch}.values())   # update files may repeat a PMID
    stored = store.hashes([r.id for r in latest])
    todo = [r for r in latest if stored.get(r.id) != r.content_hash()]
    report.stats.unchanged += len(batch) - len(todo)
    items = [(r, appraise(r)) for r in todo]
    checkpoint("enrich")
    report.stats += store.write_batch(items, deletions)


def embed_enabled(embed: bool | None = None) -> bool:
    if embed is not None:
        return embed
    from .settings import current     # the embed setting ($EVIDEX_EMBED, config file)
    return current().embed


def sync_vectors(store: Store, progress: bool = False) -> int:
    """Embed new and changed records into the store's vector index; returns how many.
    Does nothing (0) when the store's embedding model is not installed."""
    from .index import embedder_name, set_embedder_name, store_index
    index = store_index(store, sync=False)
    if index is None:
        return 0
    # The first embedding fixes the store's model, so a later $EVIDEX_EMBEDDER cannot switch it silently.
    set_embedder_name(store, embedder_name(store))
    return index.sync(progress=progress).embedded


def ingest_paths(store: Store, paths: Iterable[Path], progress: bool = False,
                 force: bool = False, embed: bool | None = None) -> IngestReport:
    report = IngestReport()
    bar = _progress(progress)
    try:
        for path in expand_paths(paths):
            report.files += 1
            problem = unreadable(path)     # missing, no permission, a FIFO, an unlistable folder
            if problem is None:
                try:
                    digest = file_sha256(path)
                except OSError as exc:
                    problem = Problem(str(path), "", f"cannot read: {exc.strerror or exc}")
            if problem is not None:
                report.problems.append(problem)
                continue
            done = None if force else store.file_done(digest)
            if done is not None:
                report.files_skipped += 1
                report.problems.extend(done)      # the same bad input is reported again
                continue
            before = len(report.problems)
            read_before = report.records_read
            bar.set_postfix_str(path.name[-40:], refresh=False)
            failed: list[Problem] = []
            ingest_items(store, _until_read_error(iter_file(path), path, failed), report, on_record=bar.update)
            if failed:
                continue   # not marked done: the next run reads it again
            store.mark_file_done(printable(str(path)), digest, report.records_read - read_before,
                                 report.problems[before:])
    finally:
        bar.close()
    if embed_enabled(embed):
        report.embedded = sync_vectors(store, progress=progress)
    return report


def _until_read_error(items: Iterator[Record | Problem | Deletion], path: Path,
                      failed: list[Problem]) -> Iterator[Record | Problem | Deletion]:
    """The items of a file; a read error ends them with a Problem (kept in ``failed``), so
    the complete records read before it are still written (they are in the open batch)."""
    try:
        yield from items
    except (OSError, UnicodeDecodeError, EOFError) as exc:
        failed.append(Problem(str(path), "", f"cannot read: {exc}"))
        yield failed[-1]


def starter_path() -> Iterator[Path]:
    """The bundled LDN-for-chronic-pain evidence pack (a context manager's path)."""
    return as_file(files("evidex.starter").joinpath("ldn_pain.jsonl"))


def ingest_starter(store: Store, progress: bool = False, embed: bool | None = None) -> IngestReport:
    with starter_path() as path:
        return ingest_paths(store, [path], progress=progress, embed=embed)


def _progress(enabled: bool):
    from tqdm import tqdm
    return tqdm(total=None, unit=" rec", desc="ingest", disable=not enabled, mininterval=0.5,
                dynamic_ncols=True)
