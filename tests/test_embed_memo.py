"""wordllama's remembered sentence vectors (``index.embed.SentenceMemo``) are the vectors it
computes, bit for bit, whatever batch a text was first embedded in; abstracts are not kept."""
from __future__ import annotations

import random

import numpy as np
import pytest

from evidex.index import embedding_available, get_embedder
from evidex.index.embed import SentenceMemo
from evidex.load import ingest_starter
from evidex.store import Store
from evidex.text import passages_of

pytestmark = pytest.mark.skipif(not embedding_available("wordllama"), reason="wordllama not installed")


@pytest.fixture(scope="module")
def sentences(tmp_path_factory) -> list[str]:
    store = Store(tmp_path_factory.mktemp("memo") / "s.db")
    assert ingest_starter(store, embed=False).ok
    ids = [r for (r,) in store.conn.execute("SELECT id FROM records")]
    out = [p.text for s in store.get_many(ids).values() for p in passages_of(s.record)]
    store.close()
    return out


def test_remembered_vectors_equal_fresh_ones_in_any_batch(sentences):
    e = get_embedder("wordllama")
    e.memo.clear()
    cold = e.embed(sentences)                       # computed, in batches of 64
    rng = random.Random(7)
    for _ in range(5):
        e.memo.clear()
        order = rng.sample(range(len(sentences)), len(sentences))
        part = order[:rng.randint(1, len(order))]
        e.embed([sentences[i] for i in part])        # some remembered, from other batches
        again = e.embed(sentences)
        assert np.array_equal(again, cold)
    assert np.array_equal(e.embed([sentences[3]])[0], cold[3])


def test_progress_counts_remembered_texts_and_abstracts_are_not_kept(sentences):
    e = get_embedder("wordllama")
    e.memo.clear()
    e.embed(sentences[:10])
    seen: list[int] = []
    e.embed(sentences[:20], on_batch=seen.append)
    assert sum(seen) == 20
    long = " ".join(sentences[:30])
    e.embed([long])
    assert long not in e.memo._vecs


def test_the_memo_is_bounded():
    memo = SentenceMemo(size=3)
    memo.keep(["a", "b", "c", "d"], np.eye(4, dtype=np.float32))
    out = np.zeros((4, 4), dtype=np.float32)
    assert memo.fill(["a", "b", "c", "d"], out) == [0]
    assert np.array_equal(out[3], np.eye(4, dtype=np.float32)[3])
