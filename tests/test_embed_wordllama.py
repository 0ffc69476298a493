"""index.embed: the wordllama embedder's tokenizer shortcut (ids and masks without offsets)
gives wordllama's own vectors bit for bit, on real abstracts, their sentences and edge strings."""
from __future__ import annotations

import numpy as np
import pytest

from evidex.index import embedding_available, get_embedder
from evidex.ingest import iter_file
from evidex.records import Record
from evidex.text import passages_of

from .conftest import need_data

pytestmark = pytest.mark.skipif(not embedding_available(), reason="the default embedder is not installed")


def test_fast_tokenizer_gives_wordllamas_own_vectors():
    embedder = get_embedder("wordllama")
    model = embedder._model
    if "tokenize" not in vars(model):
        pytest.skip("this tokenizers release has no encode_batch_fast: wordllama's own path is used")
    texts = ["", " ", "a  b\n\tc", "   lead and trail   ", "\u00b5g \u4e2d \U0001F600 \u2581\u2581x", "x" * 3000]
    for parts in (("ldn", "dev_corpus.jsonl"), ("cohen2006", "Triptans.csv")):
        for record in [r for r in iter_file(need_data(*parts)) if isinstance(r, Record)][:150]:
            texts.append(record.text())
            texts += [p.text for p in passages_of(record)]
    embedder.memo.clear()          # both passes compute every vector (none remembered)
    fast = embedder.embed(texts)
    embedder.memo.clear()
    shortcut = vars(model).pop("tokenize")
    try:
        own = embedder.embed(texts)
    finally:
        model.tokenize = shortcut
    assert len(texts) > 1000 and np.array_equal(fast, own)
