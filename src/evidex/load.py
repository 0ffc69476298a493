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

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from importlib.resources import as_file, files
from pathlib import Path

from .enrich import appraise
from .ingest import Deletion, expand_paths, unreadable
from .ingest.pubmed_files import Ledger, SeriesFile, expected_md5, split_series
from .ingest.schema import printable
from .parallel import Job, serial_shards
from .records import Appraisal, Problem, Record
from .rows import Row
from .shards import Shard, file_digest, file_md5, item_shards
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
    return file_digest(path, "sha256")


def ingest_items(store: Store, items: Iterable[Record | Problem | Deletion], report: IngestReport,
                 on_record: Callable[[int], None] = lambda n: None) -> None:
    """Appraise and write records in batches; problems are collected, never raised."""
    for shard in item_shards(items, "", BATCH_SIZE, store.hashes, appraise):
        _apply(store, shard, report, on_record)


def _apply(store: Store, shard: Shard, report: IngestReport,
           on_record: Callable[[int], None] = lambda n: None) -> WriteStats:
    """Write one shard (one transaction). Records a worker found unchanged are checked again
    against the store as it is now: an earlier file of this run may have changed them. Rows a
    worker encoded go to the store as they are."""
    report.problems.extend(shard.problems)
    report.records_read += shard.read
    report.stats.unchanged += shard.read - len(shard.items)       # repeats of one id in the shard
    looked = [it[0].id for it in shard.items if not isinstance(it, Row) and it[1] is None]
    current = store.hashes(looked) if looked else {}
    items: list[Row | tuple[Record, Appraisal]] = []
    for item in shard.items:
        if not isinstance(item, Row) and item[1] is None:
            record = item[0]
            if current.get(record.id) == record.content_hash():
                report.stats.unchanged += 1
                continue
            item = (record, appraise(record))
        items.append(item)
    stats = WriteStats()
    if items or shard.deletions:
        stats = store.write_batch(items, shard.deletions)
        report.stats += stats
    on_record(shard.read)
    return stats


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


def ingest_paths(store: Store, paths: Iterable[Path], progress: bool = False, force: bool = False,
                 embed: bool | None = None, workers: int = 1, ray: str | None = None) -> IngestReport:
    """Read ``paths`` into ``store``. ``workers`` > 1 parses and appraises files in that many
    processes (``evidex.parallel``); ``ray`` (an address, or "" for a local Ray) runs the same
    per-file function as Ray tasks. Either way this process alone writes, in input order.
    PubMed baseline/update files are applied in series order under a ledger
    (``ingest.pubmed_files``)."""
    report = IngestReport()
    bar = _progress(progress)
    others, series = split_series(expand_paths(paths))
    ledger = Ledger(store.conn) if series else None
    jobs = _jobs(store, others, series, ledger, force, report)
    if ray is not None:
        from .ray_ingest import ray_shards
        stream = ray_shards(jobs, ray or None, BATCH_SIZE, db=store.path, num_cpus=workers if workers > 1 else None)
    elif workers > 1:
        from .parallel import pool_shards
        stream = pool_shards(jobs, workers, BATCH_SIZE, db=store.path)
    else:
        stream = serial_shards(jobs, BATCH_SIZE, store.hashes, appraise)
    totals, problems, read = WriteStats(), [], 0
    try:
        for job, shard in stream:
            if shard.seq == 0:
                totals, problems, read = WriteStats(), [], 0
                bar.set_postfix_str(job.path.name[-40:], refresh=False)
            totals += _apply(store, shard, report, on_record=bar.update)
            problems.extend(shard.problems)
            read += shard.read
            if not shard.last or shard.failed:
                continue      # a file that failed to read is not marked done: the next run reads it again
            if isinstance(job.tag, tuple):          # (PubMed series file, its md5)
                assert ledger is not None
                ledger.record(job.tag[0], job.tag[1], read, totals.added, totals.updated, totals.deleted, problems)
            else:
                store.mark_file_done(printable(str(job.path)), str(job.tag), read, problems)
    finally:
        bar.close()
    if embed_enabled(embed):
        report.embedded = sync_vectors(store, progress=progress)
    return report


def _jobs(store: Store, others: list[Path], series: list[SeriesFile], ledger: Ledger | None,
          force: bool, report: IngestReport) -> Iterator[Job]:
    """The files to read, decided before each is opened: a file whose checksum was read to its
    end before is skipped (its problems reported again), and so is a PubMed series file the
    ledger holds with the same md5 -- unless an earlier series file was applied in this run,
    which makes every later one apply again (the last version of a record must win)."""
    for path in others:
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
        yield Job(path, digest)
    done_series = ledger.done() if ledger is not None else {}
    replay = force
    for f in series:
        report.files += 1
        problem = unreadable(f.path)
        want = have = None
        if problem is None:
            try:
                want = expected_md5(f.path)     # the sidecar: the ledger is checked before the file is read
                prior = done_series.get(f.name)
                if prior is not None and not replay and prior.md5 == (want or (have := file_md5(f.path))):
                    report.files_skipped += 1
                    report.problems.extend(prior.problems)
                    continue
                have = have or file_md5(f.path)
            except (OSError, ValueError) as exc:
                problem = Problem(str(f.path), "", f"cannot read: {getattr(exc, 'strerror', None) or exc}")
        if problem is None and want is not None and have != want:
            problem = Problem(str(f.path), "", f"MD5 mismatch: the file's MD5 is {have} but {f.name}.md5 says "
                                               f"{want} (a broken download?); not applied, download it again")
        if problem is not None:
            report.problems.append(problem)
            continue
        replay = True
        yield Job(f.path, (f, have))


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
