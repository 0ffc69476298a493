"""Shared fixtures. Real data comes from ../shared/data; tests needing it skip when absent."""
from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
DATA = SHARED / "data"


def need_data(*parts: str) -> Path:
    path = DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"shared data not available: {path} (clone ../shared beside the repo to run this)")
    return path


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "evidex.db"


def full_digest(store) -> str:
    """Every stored record and appraisal, not only the content hashes ``Store.checksum`` covers:
    what a parallel or Ray ingest must reproduce exactly."""
    import hashlib
    h = hashlib.sha256()
    ids = [r[0] for r in store.conn.execute("SELECT id FROM records ORDER BY id")]
    got = store.get_many(ids)
    for rid in ids:
        h.update(repr((got[rid].record, got[rid].appraisal)).encode())
    return h.hexdigest()


@pytest.fixture(scope="module")
def starter(tmp_path_factory):
    """A real store of the starter pack, no vectors: one per test module that asks for it."""
    from evidex.load import ingest_starter
    from evidex.store import Store
    store = Store(tmp_path_factory.mktemp("starter") / "s.db")
    assert ingest_starter(store, embed=False).ok
    yield store
    store.close()
