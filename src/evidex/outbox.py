"""The outbox that keeps the lexical index (tantivy) in step with SQLite, the source of truth.

Every batch that changes records also writes one ``index_log`` row per changed or deleted
record id, in the same SQLite transaction. Whichever process holds the index's writer (one
per folder: tantivy locks it) applies the rows in seq order: delete the id, add the record's
current version if it is still stored. It commits the index, then — in one SQLite
transaction — records the last applied seq (``meta.lexical_seq``) and clears the rows up to
it. A crash before the index commit leaves the rows to replay; a crash after it replays rows
already applied, and since each replay deletes by id before adding, the index ends the same.
"""
from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Callable

from .faults import checkpoint
from .lexical import Doc, LexicalBusy, LexicalIndex

COMMIT_DOCS = 50_000      # documents applied to the index per commit when replaying a long outbox
LOG_CHUNK = 20_000        # outbox rows read per step of a replay
WRITER_WAIT_S = 30.0      # how long a writing process waits for another to finish applying


class Outbox:
    def __init__(self, conn: sqlite3.Connection, lexical: LexicalIndex, unpack: Callable[[bytes], str]) -> None:
        self.conn, self.lexical, self.unpack = conn, lexical, unpack
        self.applied = 0            # rows applied to this process's open writer (committed or not)
        self.uncommitted = 0
        self.seen = self.committed_seq()

    def committed_seq(self) -> int:
        row = self.conn.execute("SELECT value FROM meta WHERE key = 'lexical_seq'").fetchone()
        return int(row[0]) if row else 0

    def pending(self) -> bool:
        return self.conn.execute("SELECT 1 FROM index_log WHERE seq > ? LIMIT 1", (self.applied,)).fetchone() is not None

    def log_everything(self) -> None:
        """Queue every stored record: rebuilds the index (idempotent, like any replay)."""
        with self.conn:
            self.conn.execute("INSERT INTO index_log (id, op) SELECT id, 'put' FROM record_data ORDER BY rowid")

    def sync(self, wait: bool, fresh: dict[str, Doc] | None = None, fresh_upto: int = 0,
             progress: bool = False) -> None:
        """Apply the outbox to the index and commit it. When another process holds the
        writer: wait for it (``wait``, up to ``WRITER_WAIT_S``) or leave the rows to it.
        ``fresh`` holds the documents of the batch just committed (rows up to
        ``fresh_upto``), so that they are not read back from SQLite."""
        if not self.pending():
            return
        deadline = time.monotonic() + (WRITER_WAIT_S if wait else 0.0)
        while True:
            try:
                self.lexical.writer()
                break
            except LexicalBusy:
                if time.monotonic() >= deadline:
                    return              # the process applying it will clear these rows too
                time.sleep(0.05)
        try:
            self._apply(fresh or {}, fresh_upto, progress)
            self._commit()
        except BaseException:
            self.lexical.release()      # uncommitted documents dropped; the rows stay queued
            self.applied, self.uncommitted = self.committed_seq(), 0
            raise

    def _apply(self, fresh: dict[str, Doc], fresh_upto: int, progress: bool) -> None:
        total = self.conn.execute("SELECT count(*) FROM index_log WHERE seq > ?", (self.applied,)).fetchone()[0]
        bar = _progress(total, progress)
        try:
            while True:
                rows = self.conn.execute("SELECT seq, id FROM index_log WHERE seq > ? ORDER BY seq LIMIT ?",
                                         (self.applied, LOG_CHUNK)).fetchall()
                if not rows:
                    break
                latest = {rid: seq for seq, rid in rows}
                known = {rid for rid, seq in latest.items() if rid in fresh and seq <= fresh_upto}
                docs = [fresh[rid] for rid in known] + self._docs([rid for rid in latest if rid not in known])
                self.lexical.apply(list(latest), docs)
                self.applied = rows[-1][0]
                self.uncommitted += len(latest)
                bar.update(len(rows))
                if self.uncommitted >= COMMIT_DOCS:
                    self._commit(release=False)
        finally:
            bar.close()

    def _commit(self, release: bool = True) -> None:
        checkpoint("index")                 # SQLite committed, the lexical index not yet
        self.lexical.commit()
        with self.conn:
            self.conn.execute("INSERT OR REPLACE INTO meta VALUES ('lexical_seq', ?)", (str(self.applied),))
            self.conn.execute("DELETE FROM index_log WHERE seq <= ?", (self.applied,))
        self.seen = self.applied
        self.uncommitted = 0
        if release:
            self.lexical.release()

    def refresh(self) -> None:
        """See the index's latest commit, whichever process made it."""
        seq = self.committed_seq()
        if seq != self.seen:
            self.lexical.reload()
            self.seen = seq

    def _docs(self, ids: list[str]) -> list[Doc]:
        """The index documents of those ``ids`` still stored, read from SQLite."""
        out: list[Doc] = []
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            marks = ",".join("?" * len(chunk))
            for rowid, rid, title, rec, design, year in self.conn.execute(
                    f"SELECT rowid, id, title, record, design, year FROM record_data WHERE id IN ({marks})", chunk):
                sections = json.loads(self.unpack(rec)).get("sections", ())
                out.append(Doc(rid, rowid, title, "\n".join(s.get("text", "") for s in sections), design, year))
        return out


def _progress(total: int, enabled: bool):
    import sys

    from tqdm import tqdm
    return tqdm(total=total, unit=" rec", desc="lexical index", disable=not (enabled and sys.stderr.isatty()),
                mininterval=0.5)
