"""Opening a source file for a parser: gzip or plain, and never an exception mid-stream.

A gzip file cut short (a download that stopped), corrupt deflate data or a disk read error
raise from inside ``read`` — in the middle of a parser, after some records were already
read. ``open_source`` turns such an error into the end of the stream and keeps it on
``Source.error``; the parser yields the complete records it got, then ``Source.problem``.
Errors opening the file (no permission, not a regular file) still raise: the caller reports
them before any record exists.
"""
from __future__ import annotations

import gzip
import io
import zlib
from pathlib import Path
from typing import IO

from ..records import Problem

__all__ = ["Source", "open_source"]

GZIP_MAGIC = b"\x1f\x8b"
_READ_ERRORS = (EOFError, OSError, zlib.error)


class _Guarded(io.RawIOBase):
    """Raw bytes of ``inner``; the first read error ends the stream and is kept."""

    def __init__(self, inner: IO[bytes], closers: tuple[IO[bytes], ...]):
        self._inner = inner
        self._closers = closers
        self.error: BaseException | None = None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        if self.error is not None:
            return 0
        try:
            data = self._inner.read(len(buffer))
        except _READ_ERRORS as exc:
            self.error = exc
            return 0
        buffer[:len(data)] = data
        return len(data)

    def close(self) -> None:
        try:
            for fh in self._closers:
                fh.close()
        finally:
            super().close()


class Source(io.BufferedReader):
    """A buffered byte stream (``read``, ``peek``, lines) whose read errors end it quietly."""

    @property
    def error(self) -> BaseException | None:
        return self.raw.error

    def problem(self, source: str, where: str) -> Problem:
        """The read error as a ``Problem``: what happened, and that what came before was kept."""
        exc = self.error
        if isinstance(exc, EOFError):
            what = "the compressed file ends early (cut short?)"
        elif isinstance(exc, (zlib.error, gzip.BadGzipFile)):
            what = f"the compressed data is corrupt ({exc})"
        elif isinstance(exc, OSError):
            what = f"read error ({exc.strerror or exc})"
        else:
            what = f"read error ({exc})"
        return Problem(source, where, f"{what}; the complete records before it were read")


def open_source(path: Path) -> Source:
    """``path`` opened for reading, decompressed when it starts with the gzip signature."""
    fh = open(path, "rb")
    try:
        magic = fh.read(2)
        fh.seek(0)
    except OSError:
        fh.close()
        raise
    if magic == GZIP_MAGIC:
        gz = gzip.GzipFile(fileobj=fh)
        return Source(_Guarded(gz, (gz, fh)), buffer_size=1 << 16)
    return Source(_Guarded(fh, (fh,)), buffer_size=1 << 16)
