"""Compressed JSON columns: zstd with a dictionary trained on the store's own records.

A MEDLINE citation's record JSON is ~2.2 KB and its appraisal ~0.5 KB; zstd alone takes
them to ~1.1 KB and ~0.3 KB, because one record is too short to teach the compressor the
keys and phrases that every record repeats. A 64 KB dictionary trained on the first large
batch (``train``) takes them to ~0.7 KB and ~0.1 KB. Each compressed value names its
dictionary (the zstd frame's dict id; 0 = none), and the dictionaries live in the store
(``zstd_dicts``), so every value stays readable whichever dictionary wrote it.
"""
from __future__ import annotations

import sqlite3

import zstandard

LEVEL = 3
DICT_SIZE = 65536
TRAIN_MIN = 200            # samples needed before a dictionary is worth training
TRAIN_MAX = 2000

SCHEMA = "CREATE TABLE IF NOT EXISTS zstd_dicts (dict_id INTEGER PRIMARY KEY, data BLOB NOT NULL);"


class Packer:
    """Compresses with the store's newest dictionary, decompresses with whichever a value names."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self._plain = zstandard.ZstdCompressor(level=LEVEL, write_content_size=True)
        self._dicts: dict[int, zstandard.ZstdCompressionDict] = {}
        self._decompressors: dict[int, zstandard.ZstdDecompressor] = {0: zstandard.ZstdDecompressor()}
        self._compressor = self._plain
        self.dict_id = 0                 # the dictionary ``pack`` uses (0: none)
        self.refresh()

    def refresh(self) -> None:
        """Load the dictionaries another connection may have added."""
        for dict_id, data in self.conn.execute("SELECT dict_id, data FROM zstd_dicts ORDER BY rowid"):
            if dict_id not in self._dicts:
                d = zstandard.ZstdCompressionDict(data)
                self._dicts[dict_id] = d
                self._decompressors[dict_id] = zstandard.ZstdDecompressor(dict_data=d)
                self._use(dict_id, d)

    def _use(self, dict_id: int, d: zstandard.ZstdCompressionDict | None) -> None:
        self.dict_id = dict_id
        self._compressor = self._plain if d is None else \
            zstandard.ZstdCompressor(level=LEVEL, dict_data=d, write_content_size=True)

    @property
    def trained(self) -> bool:
        return bool(self._dicts)

    def train(self, cur: sqlite3.Cursor, samples: list[bytes]) -> None:
        """Train a dictionary on ``samples`` and keep it (in the caller's open transaction)."""
        d = zstandard.train_dictionary(DICT_SIZE, samples[:TRAIN_MAX])
        cur.execute("INSERT OR IGNORE INTO zstd_dicts (dict_id, data) VALUES (?, ?)", (d.dict_id(), d.as_bytes()))
        self._dicts[d.dict_id()] = d
        self._decompressors[d.dict_id()] = zstandard.ZstdDecompressor(dict_data=d)
        self._use(d.dict_id(), d)

    def forget_uncommitted(self) -> None:
        """After a rollback: drop dictionaries the store does not hold."""
        kept = {i for (i,) in self.conn.execute("SELECT dict_id FROM zstd_dicts")}
        for dict_id in [i for i in self._dicts if i not in kept]:
            del self._dicts[dict_id]
            del self._decompressors[dict_id]
        self._use(0, None)
        if self._dicts:
            self._use(*list(self._dicts.items())[-1])

    def pack(self, text: str) -> bytes:
        return self._compressor.compress(text.encode("utf-8"))

    def pack_bytes(self, data: bytes) -> bytes:
        """``pack`` of text already encoded as UTF-8."""
        return self._compressor.compress(data)

    def unpack(self, data: bytes | str | None) -> str | None:
        """Text of a packed value; text and NULL pass through (stores written before packing)."""
        if data is None or isinstance(data, str):
            return data
        dict_id = zstandard.get_frame_parameters(data).dict_id
        if dict_id not in self._decompressors:
            self.refresh()
        return self._decompressors[dict_id].decompress(data).decode("utf-8")
