"""The vector index's files, switched atomically by a SQLite commit so a crash never splits them.

The index file lives outside SQLite, but which records it holds (``vector_state``) lives
inside; a crash between writing one and committing the other used to leave them disagreeing.
So a save is a small two-phase commit in which the SQLite transaction decides:

1. the new index is written to ``index.next-<g>.usearch`` (temp file, fsync, rename);
2. one transaction commits the records it holds (``vector_state``) and its generation,
   entry count and size (``vector_files``): from here on generation g is the index;
3. the file is renamed to ``index.usearch``, then ``manifest.json`` is written last
   (temp, fsync, rename), naming the generation, count and size it describes.

A kill before 2 leaves the old file, matching the old state (the next file is a leftover);
a kill after 2 leaves a committed next file that ``heal`` renames into place. ``heal`` runs
when the index is opened or synced by a process holding the store's writer lock (a reader
that finds it taken leaves the repair to that writer): it finishes or discards a save,
rewrites a manifest that
does not match the commit, and rebuilds (drops the state, so everything is re-embedded) an
index whose file is missing or of the wrong size. Stores made before generations existed
are adopted: state rows for keys missing from the file are dropped and re-embedded.
"""
from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..faults import checkpoint

FILES_TABLE = """CREATE TABLE IF NOT EXISTS vector_files (
    index_key TEXT PRIMARY KEY, generation INTEGER NOT NULL, count INTEGER NOT NULL, bytes INTEGER NOT NULL)"""
STATE_TABLE = """CREATE TABLE IF NOT EXISTS vector_state (
    index_key TEXT NOT NULL, rowid INTEGER NOT NULL, hash TEXT NOT NULL,
    PRIMARY KEY (index_key, rowid))"""


def ensure_tables(conn: sqlite3.Connection) -> None:
    if conn.execute("SELECT count(*) FROM sqlite_master WHERE name IN ('vector_files', 'vector_state')"
                    ).fetchone()[0] < 2:     # only a new store pays for a write here
        conn.execute(STATE_TABLE)
        conn.execute(FILES_TABLE)


@dataclass(frozen=True)
class Generation:
    number: int
    count: int          # entries in the file (vectors; a passage index files several per record)
    bytes: int


def fsync_path(path: Path) -> None:
    """Flush a file's (or a folder's entries') data to disk: a rename is durable only then."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    fsync_path(path.parent)


class IndexFiles:
    """The files of one vector index file (one settings hash, or one shard of it) and their
    committed generation. A shard names its own ``key`` (its row in ``vector_files``) and
    the range of record rowids it holds, whose ``vector_state`` rows stay under the
    index's ``state_key``."""

    def __init__(self, conn: sqlite3.Connection, folder: Path, key: str, state_key: str | None = None,
                 rows: tuple[int, int] | None = None) -> None:
        self.conn = conn
        self.folder = folder
        self.key = key
        self.state_key = state_key or key
        self.rows = rows
        self.path = folder / "index.usearch"
        self.manifest_path = folder / "manifest.json"
        ensure_tables(conn)

    def _state(self) -> tuple[str, tuple[object, ...]]:
        """The WHERE clause (and its parameters) selecting this file's ``vector_state`` rows."""
        if self.rows is None:
            return "index_key = ?", (self.state_key,)
        return "index_key = ? AND rowid >= ? AND rowid < ?", (self.state_key, *self.rows)

    def next_path(self, number: int) -> Path:
        return self.folder / f"index.next-{number}.usearch"

    def committed(self) -> Generation | None:
        row = self.conn.execute("SELECT generation, count, bytes FROM vector_files WHERE index_key = ?",
                                (self.key,)).fetchone()
        return Generation(*row) if row else None

    # -- a save, in three steps -----------------------------------------------------------
    def write_next(self, save: Callable[[str], None], count: int) -> Generation:
        """Step 1: the index (``save(path)``) as the next generation's file, on disk for sure."""
        self.folder.mkdir(parents=True, exist_ok=True)
        current = self.committed()
        number = (current.number if current else 0) + 1
        target = self.next_path(number)
        tmp = target.with_name(target.name + ".tmp")
        save(str(tmp))
        fsync_path(tmp)
        os.replace(tmp, target)
        fsync_path(self.folder)
        checkpoint("vector_save")
        return Generation(number, count, target.stat().st_size)

    def record(self, cur: sqlite3.Cursor, gen: Generation) -> None:
        """Step 2, inside the caller's transaction (with the ``vector_state`` rows it covers)."""
        cur.execute("INSERT OR REPLACE INTO vector_files (index_key, generation, count, bytes) VALUES (?,?,?,?)",
                    (self.key, gen.number, gen.count, gen.bytes))

    def install(self, gen: Generation, manifest: dict[str, object]) -> None:
        """Step 3: the committed file into place, then the manifest, last."""
        nxt = self.next_path(gen.number)
        if nxt.exists():
            os.replace(nxt, self.path)
            fsync_path(self.folder)
        where, params = self._state()
        records = self.conn.execute(f"SELECT count(*) FROM vector_state WHERE {where}", params).fetchone()[0]
        body = {**manifest, "generation": gen.number, "count": gen.count, "bytes": gen.bytes,
                "records": records, "file": self.path.name, "file_key": self.key}
        write_atomic(self.manifest_path, json.dumps(body, indent=2, sort_keys=True).encode())
        checkpoint("manifest")
        self._drop_leftovers()

    # -- repair -----------------------------------------------------------------------------
    def manifest(self) -> dict[str, object] | None:
        try:
            return json.loads(self.manifest_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def heal(self, manifest: dict[str, object], view: Callable[[Path], Any]) -> str:
        """Make the files agree with the committed state (the caller holds the writer lock).
        ``view(path)`` opens an index file read-only (None: unreadable). Returns what was
        done: ok, finished, manifest, adopted, rebuilt or empty."""
        gen = self.committed()
        if gen is None:
            return self._adopt(manifest, view)
        done = "ok"
        if self.next_path(gen.number).exists():        # killed between the commit and the rename
            os.replace(self.next_path(gen.number), self.path)
            fsync_path(self.folder)
            done = "finished"
        self._drop_leftovers()
        if not self.path.exists() or self.path.stat().st_size != gen.bytes:
            self.reset()
            return "rebuilt"
        found = self.manifest() or {}
        if any(found.get(k) != v for k, v in (("generation", gen.number), ("count", gen.count),
                                               ("bytes", gen.bytes), ("file_key", self.key),
                                               ("settings_hash", manifest.get("settings_hash")))):
            self.install(gen, manifest)
            done = "manifest" if done == "ok" else done
        return done

    def _adopt(self, manifest: dict[str, object], view: Callable[[Path], Any]) -> str:
        """No committed generation: a new index, or one saved before generations existed."""
        self._drop_leftovers()
        where, params = self._state()
        rowids = [r for (r,) in self.conn.execute(f"SELECT rowid FROM vector_state WHERE {where}", params)]
        if not rowids and not self.path.exists():
            return "empty"
        index = view(self.path) if self.path.exists() else None
        if index is None:
            self.reset()
            return "rebuilt"
        held = index.contains(np.array(rowids, dtype=np.uint64)) if rowids else np.array([], dtype=bool)
        missing = [r for r, ok in zip(rowids, np.atleast_1d(held).tolist()) if not ok]
        count = len(index)
        del index
        cur = self.conn.cursor()
        cur.execute("BEGIN IMMEDIATE")
        try:
            cur.executemany("DELETE FROM vector_state WHERE index_key = ? AND rowid = ?",
                            [(self.state_key, r) for r in missing])
            gen = Generation(0, count, self.path.stat().st_size)
            self.record(cur, gen)
            cur.execute("COMMIT")
        except BaseException:
            cur.execute("ROLLBACK")
            raise
        self.install(gen, manifest)
        return "adopted"

    def reset(self) -> None:
        """Forget the index: no state, no generation, no files (the next sync embeds everything)."""
        cur = self.conn.cursor()
        cur.execute("BEGIN IMMEDIATE")
        try:
            where, params = self._state()
            cur.execute(f"DELETE FROM vector_state WHERE {where}", params)
            cur.execute("DELETE FROM vector_files WHERE index_key = ?", (self.key,))
            cur.execute("COMMIT")
        except BaseException:
            cur.execute("ROLLBACK")
            raise
        for p in (self.path, self.manifest_path):
            p.unlink(missing_ok=True)
        self._drop_leftovers()

    def _drop_leftovers(self) -> None:
        """Files of saves that never committed (or were installed): never part of the index."""
        if not self.folder.exists():
            return
        for p in self.folder.iterdir():
            if p.name.startswith("index.next-") or p.name.endswith(".tmp"):
                p.unlink(missing_ok=True)
