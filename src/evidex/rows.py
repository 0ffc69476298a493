"""A record and its appraisal encoded for the store: one ``record_data`` row and one lexical document.

Encoding (``to_json``, the content hash, the two JSON texts, zstd, the index body) is most of
what writing a record costs, and none of it needs the database. So a parallel ingest's
workers encode their shards (``encode``) and the single writer (``Store.write_batch``) only
compares hashes, inserts and indexes. The writer encodes the same way itself for records
given to it as (Record, Appraisal) pairs, so both paths store the same bytes.

Compression needs the store's zstd dictionary (``evidex.packing``): a worker packs with the
dictionary it read from the store when it opened the file, and says which (``packed_with``);
the writer keeps those bytes only if that is still its current dictionary (else it unpacks and
packs again), and a row encoded before the store had any dictionary travels as plain UTF-8
JSON (``packed_with`` None), which is also what the writer trains its first dictionary on.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from .packing import Packer
from .records import Appraisal, Record

# ``json.dumps`` with keyword arguments builds a new encoder at every call; these are the same
# encoders (json.dumps's defaults but for the arguments named), built once.
ENCODE = json.JSONEncoder(ensure_ascii=False).encode
ENCODE_SORTED = json.JSONEncoder(ensure_ascii=False, sort_keys=True).encode


@dataclass(frozen=True)
class Row:
    """Everything the writer stores and indexes for one record, already encoded."""

    id: str
    hash: str                 # Record.content_hash()
    title: str
    design: str
    level: int
    year: int | None
    record: bytes             # record JSON without its title: UTF-8, or zstd if packed_with is not None
    appraisal: bytes          # appraisal JSON, likewise
    source: str
    body: str                 # the lexical index's body text (the sections' texts)
    packed_with: int | None = None    # the zstd dictionary id packed with (0: none); None: plain UTF-8


def content_hash_of(data: dict) -> str:
    """``Record.content_hash()`` from the record's ``to_json()`` (which encoding needs anyway:
    building it twice per record was a third of the writer's time). A test holds the two equal."""
    payload = {k: v for k, v in data.items() if k != "source"}
    return hashlib.sha256(ENCODE_SORTED(payload).encode()).hexdigest()[:32]


def encode(record: Record, appraisal: Appraisal, packer: Packer | None = None) -> Row:
    """The row of ``record``; packed with ``packer``'s current dictionary when it has one."""
    data = record.to_json()
    digest = content_hash_of(data)
    data.pop("title", None)
    rec, appr = ENCODE(data).encode("utf-8"), ENCODE(appraisal.to_json()).encode("utf-8")
    packed_with = None
    if packer is not None and packer.trained:
        packed_with = packer.dict_id
        rec, appr = packer.pack_bytes(rec), packer.pack_bytes(appr)
    return Row(record.id, digest, record.title, appraisal.design, appraisal.level, record.year, rec, appr,
               record.source, body(record.sections), packed_with)


def body(sections) -> str:
    return "\n".join(s.text for s in sections)


def plain_json(row: Row, packer: Packer) -> tuple[bytes, bytes]:
    """The row's record and appraisal JSON as UTF-8, unpacked if a worker packed them."""
    if row.packed_with is None:
        return row.record, row.appraisal
    return packer.unpack(row.record).encode("utf-8"), packer.unpack(row.appraisal).encode("utf-8")
