"""Which vector indexes a store holds, and opening them for retrieval.

A store names its first embedder in ``meta.embedder`` (``evidex ingest --embedder``, or the
first embedding) and any further ones in ``meta.extra_embedders`` (a JSON list, added by
``evidex embed --embedder NAME``). A store of one embedder, as every store before several
existed, keeps exactly its behaviour and files; with several, retrieval fuses them
(``fused.FusedIndex``).
"""
from __future__ import annotations

import json
from pathlib import Path

from ..store import Store
from .embed import DEFAULT_EMBEDDER, EMBEDDERS, Embedder, embedding_available, get_embedder
from .vectors import VectorIndex

_OPEN: dict[tuple[str, str], VectorIndex] = {}
_META_KEY = "embedder"
_EXTRA_KEY = "extra_embedders"


def _meta(store: Store, key: str) -> str | None:
    row = store.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return row[0] if row else None


def _check(name: str) -> None:
    if name not in EMBEDDERS:
        raise ValueError(f"unknown embedder {name!r}; choose from {', '.join(EMBEDDERS)}")


def embedder_name(store: Store) -> str:
    """The embedder a store's vectors are made with: the one recorded in the store (named at
    ingest with ``--embedder``), else ``$EVIDEX_EMBEDDER``, else the default."""
    from ..settings import current    # the embedder setting ($EVIDEX_EMBEDDER, config file)
    return _meta(store, _META_KEY) or current().embedder or DEFAULT_EMBEDDER


def embedder_names(store: Store) -> list[str]:
    """Every embedder whose index the store holds: its own first, then those added."""
    extra = json.loads(_meta(store, _EXTRA_KEY) or "[]")
    first = embedder_name(store)
    return [first, *[n for n in extra if n != first]]


def set_embedder_name(store: Store, name: str) -> None:
    """Record the store's embedder; the next sync builds its index (the old one stays on disk
    under its own settings hash, so switching back costs nothing)."""
    _check(name)
    if _meta(store, _META_KEY) == name:
        return                      # already so: a re-run writes nothing
    with store.conn:
        store.conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (_META_KEY, name))


def add_embedder(store: Store, name: str) -> bool:
    """Give the store an index made by ``name`` beside the ones it has (the first embedder
    when it has none recorded yet); True when the list changed."""
    _check(name)
    if _meta(store, _META_KEY) is None:     # no vectors made yet: this one is the store's own
        set_embedder_name(store, name)
        return True
    names = embedder_names(store)
    if name in names:
        return False
    with store.conn:
        store.conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
                           (_EXTRA_KEY, json.dumps(names[1:] + [name])))
    return True


def drop_embedder(store: Store, name: str) -> bool:
    """Stop using an added index (its files stay, as when switching embedders); the store's
    first embedder cannot be dropped, only replaced with ``ingest --embedder``."""
    names = embedder_names(store)
    if name == names[0]:
        raise ValueError(f"{name!r} is the store's own embedder; switch it with 'evidex ingest --embedder'")
    if name not in names:
        return False
    with store.conn:
        store.conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
                           (_EXTRA_KEY, json.dumps([n for n in names[1:] if n != name])))
    return True


def store_index(store: Store, sync: bool = True, progress: bool = False):
    """The store's vector index (a ``FusedIndex`` when it holds several), or None when its
    embedder is not installed (retrieval is then lexical; ``missing_embedder`` says why).
    An added embedder that is not installed is left out of the fusion."""
    if not embedding_available(embedder_name(store)):
        return None
    names = [n for n in embedder_names(store) if embedding_available(n)]
    indexes = [open_index(store, get_embedder(n), sync=sync, progress=progress) for n in names]
    if len(indexes) == 1:
        return indexes[0]
    from .fused import FusedIndex
    return FusedIndex(indexes)


def missing_embedder(store: Store) -> str | None:
    """A one-line explanation when one of the store's embedders cannot be loaded here, else None."""
    names = embedder_names(store)
    missing = [n for n in names if not embedding_available(n)]
    if not missing:
        return None
    name = missing[0]
    hint = f" (pip install 'evidex[{name}]')" if name != DEFAULT_EMBEDDER else ""
    if name == names[0]:
        return f"the store's embedder {name!r} is not installed{hint}: searching lexically"
    return f"the store's added embedder {name!r} is not installed{hint}: fusing without it"


def open_index(store: Store, embedder: Embedder, sync: bool = True, progress: bool = False) -> VectorIndex:
    """The store's vector index for ``embedder`` (cached per process), synced unless told not to."""
    key = (str(Path(store.path).resolve()), embedder.name)
    ix = _OPEN.get(key)
    if ix is None or ix.store is not store:
        ix = VectorIndex(store, embedder)
        _OPEN[key] = ix
    else:
        ix.refresh()
    if sync and ix.stale():
        ix.sync(progress=progress)
    return ix
