"""Train the sentence-role model -> src/evidex/enrich/models/roles.json.

    .venv/bin/python scripts/train_roles.py [--seed 13] [--cv]

Data: sentences of the labelled AbstractText sections in ../shared/data/pubmed_xml, each
labelled with the role its heading names (evidex.enrich.roles.role_of_label). Records are
split 80/20 by a seeded shuffle; the 20% is the held-out test reported in the manifest and
by benchmarks/enrich.py (which also scores PIBOSO, collapsed to 3 roles, as out-of-domain
data). The training part is joined by the structured abstracts of the SciFact corpus, whose
sentence lists keep each section's heading in capitals before its first sentence ("RESULTS
Mortality was ..."): 776 abstracts, five times the pubmed_xml ones. A heading that names no
single role ("METHODS AND RESULTS", "FUNDING") drops its abstract. Model: softmax regression
over sentence words + relative position, L2, by L-BFGS; each abstract is then decoded as a
sequence (Viterbi over the role-to-role transitions counted in the training split, weights by
``--cv``: transition weight 0.75, prior weight 0.5 — accuracy 0.828 -> 0.847, macro-F1 0.774 -> 0.799).

SciFact's abstracts are mostly not trials (cohorts, laboratory and genetic studies), whose methods
sentences carry numbers as trial results do; weighed as much as the pubmed_xml sentences they
pulled per-arm results ("occurred in 21% of placebo patients and 11% of carvedilol patients")
into methods. Each SciFact sentence therefore weighs 0.1 of a pubmed_xml one, with L2 6: ``--cv``
compares the settings of CV_GRID by 5-fold cross-validation within the pubmed_xml training split
(the test split untouched): pubmed_xml alone 0.807 accuracy, SciFact at weight 0.05-0.1 0.828-0.830,
at 1.0 0.821 (differences of 0.002 are noise: a fold is ~300 sentences). ``--no-scifact --l2 3`` is
the recipe before SciFact was added (with today's features: ``roles._REPORTS`` gained three that
mark a result given per arm).
"""
from __future__ import annotations

import argparse
import json
import random
import re
from collections import Counter
from pathlib import Path

import numpy as np

from train_common import fit_softmax, macro_f1, need, pubmed_xml_records, sparse_matrix, write_model

from evidex.enrich.roles import ROLES, decode, role_of_label, sentence_feats
from evidex.text import sentence_spans


def labelled_abstracts():
    """[(record id, [(sentence, role)...])] for records whose every section has a role."""
    out = []
    for r in pubmed_xml_records():
        if not r.sections or any(role_of_label(s.label) is None for s in r.sections if s.label):
            continue
        if not all(s.label for s in r.sections):
            continue
        sents = []
        for s in r.sections:
            role = role_of_label(s.label)
            sents.extend((s.text[a:b], role) for a, b in sentence_spans(s.text))
        out.append((r.id, sents))
    return out


# A heading as SciFact prints it: words in capitals (two letters or more) before the sentence
# ("MAIN OUTCOME MEASURES The ...", "DESIGN, SETTING, AND PARTICIPANTS A total of ...").
_CAPS = re.compile(r"[A-Z][A-Z&/-]*[A-Z]")
_MIN_HEADING = 10         # a run of capitals counts as a heading only if that many sentences open with it


def _caps_words(sentence: str) -> list[tuple[str, int]]:
    """The words in capitals that open a sentence, each with the offset where it ends."""
    out = []
    for m in re.finditer(r"\S+", sentence):
        word = m.group(0).rstrip(":,")
        if not _CAPS.fullmatch(word):
            break
        out.append((word, m.end()))
    return out


def heading_role(heading: str) -> str | None:
    """The one role a heading names ("MATERIALS AND METHODS": methods), or None when it names
    none ("FUNDING") or two ("METHODS AND RESULTS", "BACKGROUND AND AIMS")."""
    roles = {role_of_label(part) for part in re.split(r"\s+AND\s+", heading.replace(",", " ")) if part.strip()}
    return roles.pop() if len(roles) == 1 and None not in roles else None


def scifact_abstracts(skip_titles: set[str]):
    """[(doc id, [(sentence, role)...])] for SciFact abstracts whose every sentence falls under a
    heading of one role; ``skip_titles`` (lower-cased) keeps the test abstracts out. A frequent
    heading of no single role drops its abstract; capitals that open a sentence without heading
    it ("DNA methylation was ...": a lower-case word follows) are part of the sentence."""
    docs = [json.loads(line) for line in need("scifact", "corpus.jsonl").open(encoding="utf-8")]
    counts: Counter = Counter()
    for d in docs:
        for sent in d["abstract"]:
            words = [w for w, _ in _caps_words(sent)]
            counts.update(" ".join(words[:j]) for j in range(1, len(words) + 1))
    frequent = {h for h, c in counts.items() if c >= _MIN_HEADING}
    out = []
    for d in docs:
        if " ".join(d["title"].lower().split()) in skip_titles:
            continue
        sents, role, ok = [], None, True
        for sent in d["abstract"]:
            words = _caps_words(sent)
            # every run of opening capitals with the offset where it ends, the longest first
            prefixes = [(" ".join(w for w, _ in words[:j]), words[j - 1][1]) for j in range(len(words), 0, -1)]
            whole, end = prefixes[0] if prefixes else ("", 0)
            after = sent[end:].lstrip(": ")
            if whole in frequent and heading_role(whole) is None and (
                    role_of_label(whole) is not None or (after[:1].isupper() and after[1:2].islower())):
                ok = False            # "METHODS AND RESULTS", "FUNDING This work ...": no single role
                break
            head = next(((h, e) for h, e in prefixes if h in frequent and heading_role(h)), None)
            if head is not None:
                role = heading_role(head[0])
                sent = sent[head[1]:].lstrip(": ").strip()
            if role is None:
                ok = False            # sentences before the first heading
                break
            if sent:
                sents.append((sent, role))
        if ok and len({r for _, r in sents}) >= 2:
            out.append((f"scifact:{d['doc_id']}", sents))
    return out


def examples(abstracts):
    X, y = [], []
    for _, sents in abstracts:
        n = len(sents)
        for i, (s, role) in enumerate(sents):
            X.append(set(sentence_feats(s, i, n)))
            y.append(ROLES.index(role))
    return X, np.array(y)


def fit(train, extra, l2: float, weight: float):
    """(vocabulary, W, b) fitted on ``train`` + ``extra`` (each ``extra`` sentence weighing ``weight``)."""
    X, y = examples(train + extra)
    df: Counter = Counter(f for fs in X for f in fs)
    vocab = {f: i for i, f in enumerate(sorted(f for f, c in df.items() if c >= 2))}
    n_extra = sum(len(sents) for _, sents in extra)
    w = np.concatenate([np.ones(len(y) - n_extra), np.full(n_extra, weight)])
    W, b = fit_softmax(sparse_matrix(X, vocab), y, len(ROLES), l2, w)
    return vocab, W, b


def sequence_params(train, weight: float, prior_weight: float) -> dict:
    """What ``roles.decode`` reads: log role-to-role transition probabilities counted in the
    ``train`` abstracts (add-0.5 smoothing; the last row is the start, the last column the end),
    the log role prior, and the two decoding weights."""
    k = len(ROLES)
    counts = np.full((k + 1, k + 1), 0.5)
    labels = Counter()
    for _, sents in train:
        prev = k
        for _, role in sents:
            counts[prev, ROLES.index(role)] += 1
            labels[role] += 1
            prev = ROLES.index(role)
        counts[prev, k] += 1
    total = sum(labels.values())
    return {"transitions": np.log(counts / counts.sum(axis=1, keepdims=True)).round(4).tolist(),
            "prior": [round(float(np.log(labels[r] / total)), 4) for r in ROLES],
            "weight": weight, "prior_weight": prior_weight}


def evaluate(model, abstracts, sequence: dict | None = None) -> tuple[float, float]:
    """(accuracy, macro-F1) of ``model`` on the sentences of ``abstracts``, each abstract decoded
    as a sequence (``roles.decode``) unless ``sequence`` is None."""
    vocab, W, b = model
    gold, pred = [], []
    for abstract in abstracts:
        X, y = examples([abstract])
        Z = sparse_matrix(X, vocab) @ W + b
        logp = Z - Z.max(axis=1, keepdims=True)
        logp -= np.log(np.exp(logp).sum(axis=1, keepdims=True))
        gold += list(y)
        pred += decode(logp.tolist(), sequence or {})
    gold, pred = np.array(gold), np.array(pred)
    return float(np.mean(pred == gold)), macro_f1(gold, pred, len(ROLES))


# (L2, SciFact weight) settings compared by ``--cv``; weight 0 is pubmed_xml alone.
CV_GRID = ((3.0, 0.0), (6.0, 0.05), (3.0, 0.1), (6.0, 0.1), (12.0, 0.1), (6.0, 0.3), (6.0, 1.0))
# (transition weight, prior weight) of the sequence decoding compared by ``--cv``; 0 is none.
SEQ_GRID = ((0.0, 0.0), (0.5, 0.25), (0.5, 0.5), (0.75, 0.25), (0.75, 0.5), (0.75, 0.75), (1.0, 0.5),
            (1.5, 0.5), (1.5, 1.0))


def cross_validate(train, extra, l2: float, scifact_weight: float, folds: int = 5) -> None:
    """Print each CV_GRID setting's mean accuracy and macro-F1 over ``folds`` folds of the
    pubmed_xml training split (SciFact always in training, the test split never used), each
    sentence on its own; then each SEQ_GRID decoding of the chosen fit (``l2``, ``scifact_weight``)."""
    parts = [train[i::folds] for i in range(folds)]
    rest = [[a for j, p in enumerate(parts) if j != k for a in p] for k in range(folds)]
    for l2_, weight in CV_GRID:
        scores = [evaluate(fit(rest[k], extra if weight else [], l2_, weight), parts[k]) for k in range(folds)]
        print(f"L2 {l2_:g}, SciFact weight {weight:g}: accuracy {np.mean([a for a, _ in scores]):.4f}, "
              f"macro-F1 {np.mean([f for _, f in scores]):.4f}", flush=True)
    models = [fit(rest[k], extra, l2, scifact_weight) for k in range(folds)]
    for lam, alpha in SEQ_GRID:
        scores = [evaluate(models[k], parts[k], sequence_params(rest[k], lam, alpha) if lam else None)
                  for k in range(folds)]
        print(f"L2 {l2:g}, SciFact weight {scifact_weight:g}, decoded with transition weight {lam:g}, prior weight "
              f"{alpha:g}: accuracy {np.mean([a for a, _ in scores]):.4f}, macro-F1 {np.mean([f for _, f in scores]):.4f}",
              flush=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--l2", type=float, default=6.0)
    ap.add_argument("--no-scifact", action="store_true", help="train on the pubmed_xml abstracts alone")
    ap.add_argument("--scifact-weight", type=float, default=0.1,
                    help="weight of a SciFact sentence against a pubmed_xml one in the fit")
    ap.add_argument("--seq-weight", type=float, default=0.75,
                    help="weight of the role-to-role transitions when an abstract is decoded as a sequence (0: none)")
    ap.add_argument("--prior-weight", type=float, default=0.5,
                    help="how much of the role prior is divided out of each sentence's probabilities when decoding")
    ap.add_argument("--cv", action="store_true",
                    help="compare the settings of CV_GRID by 5-fold cross-validation on the training split, write nothing")
    ap.add_argument("--out", type=Path, default=None, help="write the model here instead of the shipped path")
    args = ap.parse_args()
    abstracts = labelled_abstracts()
    random.Random(args.seed).shuffle(abstracts)
    cut = int(0.8 * len(abstracts))
    train, test = abstracts[:cut], abstracts[cut:]
    by_id = {r.id: r for r in pubmed_xml_records()}
    extra = [] if args.no_scifact else scifact_abstracts({" ".join(by_id[rid].title.lower().split()) for rid, _ in test})
    if args.cv:
        cross_validate(train, extra, args.l2, args.scifact_weight)
        return
    vocab, W, b = fit(train, extra, args.l2, args.scifact_weight)
    sequence = sequence_params(train, args.seq_weight, args.prior_weight) if args.seq_weight else {}
    alone = evaluate((vocab, W, b), test)
    acc, f1 = evaluate((vocab, W, b), test, sequence)
    n_train, n_test = (sum(len(sents) for _, sents in part) for part in (train + extra, test))
    print(f"SciFact structured abstracts added: {len(extra)}")
    print(f"train {len(train) + len(extra)} abstracts / {n_train} sentences; test {len(test)} / {n_test}: "
          f"macro-F1 {f1:.3f}, accuracy {acc:.3f} (each sentence on its own: {alone[1]:.3f}, {alone[0]:.3f})")
    inv = {i: f for f, i in vocab.items()}
    weights = {inv[i]: [round(float(v), 3) for v in W[i]] for i in range(len(vocab)) if np.abs(W[i]).max() >= 0.01}
    params = {"classes": list(ROLES), "weights": weights, "bias": [round(float(v), 4) for v in b],
              "sequence": sequence}
    test_ids = sorted(rid for rid, _ in test)
    path = write_model("roles", params, {
        "version": 2, "kind": "softmax regression over sentence words + position (evidex.enrich.roles.sentence_feats), "
                              "decoded per abstract with role transitions (evidex.enrich.roles.decode)",
        "trained_by": "scripts/train_roles.py", "seed": args.seed, "l2": args.l2,
        "scifact_weight": 0.0 if args.no_scifact else args.scifact_weight,
        "sequence": {"weight": args.seq_weight, "prior_weight": args.prior_weight,
                     "transitions_from": "the pubmed_xml training split's labelled abstracts"},
        "data": "labelled AbstractText sentences of ../shared/data/pubmed_xml (80% split)"
                + ("" if args.no_scifact else f" + {len(extra)} structured SciFact corpus abstracts (headings in capitals)"),
        "held_out_test": {"abstracts": len(test), "sentences": n_test, "macro_f1": round(f1, 4),
                          "accuracy": round(acc, 4), "record_ids": test_ids,
                          "each_sentence_alone": {"macro_f1": round(alone[1], 4), "accuracy": round(alone[0], 4)}},
        "note": "the shipped model is the one measured: the pubmed_xml test split is never trained on",
    }, args.out)
    print(f"wrote {path} ({path.stat().st_size / 1e6:.2f} MB)")


if __name__ == "__main__":
    main()
