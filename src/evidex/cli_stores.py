"""Opening a store for a command, shared by every command group (``evidex``, ``evidex watch``):
one place for the "no store yet" message and for embedding records left unembedded before a
hybrid query, so feature commands need not import the top-level CLI (no import circle)."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from .store import Store, default_db_path


def open_store(db: Path | None, must_exist: bool = False) -> Store:
    path = db or default_db_path()
    if must_exist and not Path(path).exists():
        raise click.ClickException(f"no store at {path}: run 'evidex ingest --starter' (or ingest files) first, "
                                   "or point --db / $EVIDEX_DB at an existing store")
    return Store(path)


def prepare_semantic(store: Store) -> None:
    """Before a hybrid query: say when the store's embedder is missing, and embed records
    left unembedded (``ingest --no-embed``) with a progress bar rather than in silence."""
    from .index import missing_embedder, store_index
    note = missing_embedder(store)
    if note:
        click.echo(f"note: {note}", err=True)
        return
    index = store_index(store, sync=False)
    if index is not None and index.stale():
        click.echo(f"note: embedding new records for semantic search ({index.embedder.name}; once)", err=True)
        index.sync(progress=sys.stderr.isatty())
