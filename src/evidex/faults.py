"""Test-only fault injection: SIGKILL this process at a named stage of ingest.

The crash tests (tests/test_crash.py, benchmarks/crash.py) must stop ``evidex ingest`` at a
precise point, the way ``kill -9`` or the OOM killer would: no ``finally``, no atexit, no
flush. Setting ``EVIDEX_CRASH_AT=<stage>[:<n>]`` (read once, here and nowhere else) makes
the n-th call (default: the first) of ``checkpoint(<stage>)`` in this process send itself
SIGKILL. Unset, as always outside those tests, ``checkpoint`` is one comparison.

Stages, in pipeline order (``STAGES``):
  parse          a record has been read from a source file        (load.ingest_items)
  enrich         a batch has been appraised, not yet written      (load._flush)
  lexical        a batch's records and outbox rows written, transaction still open (store.write_batch)
  commit         a batch's transaction committed                  (store.write_batch)
  index          outbox applied to the lexical index (tantivy), not yet committed there
                                                                  (store._commit_lexical)
  embed          a batch of records embedded, not yet in the index (index.vectors.sync)
  vector_add     vectors added to the in-memory index, not saved      (index.vectors.sync)
  vector_save    the next index file written and synced, not yet committed (index.files)
  vector_commit  vector_state and the index generation committed, file not yet in place
                                                                  (index.vectors._commit)
  manifest       index file in place and manifest written: the last step of a save (index.files)
"""
from __future__ import annotations

import os
import signal

ENV = "EVIDEX_CRASH_AT"
STAGES = ("parse", "enrich", "lexical", "commit", "index", "embed", "vector_add", "vector_save", "vector_commit",
          "manifest")


def parse_target(value: str) -> tuple[str, int] | None:
    """``"stage[:n]"`` -> (stage, n); empty -> None; anything else is a ValueError (a typo in a
    crash test must fail loudly, not silently crash nowhere)."""
    value = value.strip()
    if not value:
        return None
    stage, _, count = value.partition(":")
    if stage not in STAGES:
        raise ValueError(f"{ENV}={value!r}: unknown stage {stage!r}; choose from {', '.join(STAGES)}")
    if count and not (count.isdigit() and int(count) >= 1):
        raise ValueError(f"{ENV}={value!r}: the count after ':' must be a whole number >= 1")
    return stage, int(count or 1)


_TARGET = parse_target(os.environ.get(ENV, ""))
_seen: dict[str, int] = {}


def checkpoint(stage: str) -> None:
    """Mark that ``stage`` was reached; SIGKILL this process if it is the configured one."""
    if _TARGET is None or _TARGET[0] != stage:
        return
    _seen[stage] = _seen.get(stage, 0) + 1
    if _seen[stage] == _TARGET[1]:
        os.kill(os.getpid(), signal.SIGKILL)
