"""Train the stance model -> src/evidex/enrich/models/stance.json.

    .venv/bin/python scripts/train_stance.py [--seed 13] [--variants]
    .venv/bin/python scripts/train_stance.py --holdout-bioasq 8b --no-cv --out /tmp/stance-8b.json
    .venv/bin/python scripts/train_stance.py --holdout-pubmedqa-fold 2 --no-cv --out /tmp/stance-pqa2.json

Fold models (``--holdout-bioasq EDITION``, ``--holdout-pubmedqa-fold K``; they need ``--out``, never
the shipped path): the questions of one CV fold below are left out of everything the model is
fitted on (polarity and relevance examples, the vocabulary, Platt scaling and the maybe table),
so ``evidex eval qa --stance-model FILE --bioasq-edition EDITION`` / ``--pubmedqa-fold K`` scores
the whole answer pipeline held out (``benchmarks/qa_folds.py``). The folds are the ones
``evidex.eval.qa_data`` defines for trainer and evaluator alike; a BioASQ fold also drops
training questions whose body equals a held-out one up to punctuation (one pair, an apostrophe).
``--no-cv`` skips the CV figures: calibration then comes from a quicker inner CV whose folds
share one relevance model fitted on all the training data (polarity refitted per fold).

Data (../shared/data): BioASQ golden yes/no questions with their gold snippets (7b-10b and the
training13b subset; identical bodies merged into one question), PubMedQA PQA-L (question +
CONTEXTS, and question + LONG_ANSWER as a second view), SciFact train claims with their
SUPPORT/CONTRADICT rationale sentences (other sentences of the cited abstracts are "neither").

Held-out figures (every one beside its majority-class baseline):
- BioASQ: leave-one-edition-out (7b, 8b, 9b, 10b, training13b), question + gold snippets;
- PubMedQA: 5-fold CV (seeded), reasoning-required (CONTEXTS) and reasoning-free (LONG_ANSWER),
  3 classes yes/no/maybe;
- SciFact: 5-fold CV by claim, SUPPORT vs CONTRADICT from the rationale sentences.
In every fold the models are refitted without the held-out questions (all of the other
datasets stay in). The shipped model is then fitted on everything; Platt scaling and the
yes/no/maybe table come from the out-of-fold margins.

Variants (``--variants``; seed 13; BioASQ acc / macro-F1, PubMedQA-RR yes/no acc, SciFact acc),
majority 0.671 / 0.402, 0.620, 0.656:
    base (mean pooling, relevance weights, l2 3)  0.793 / 0.724  0.683  0.628
    pqa03 (PubMedQA x0.3, SciFact x0.2)           0.795 / 0.723  0.692  0.661   <- shipped
    passage (train on each snippet)               0.772 / 0.678  0.627  0.621   (earlier features)
    no_rel (unweighted mean)                      0.786 / 0.711  0.631  0.631   (earlier features)
    cue2_pqa05 / cue3_pqa03 (weaker L2 on cues)   0.795 / 0.733  0.672  0.626  /  0.793 / 0.738  0.654  0.638
    cos / emb (wordllama cosine / products)       0.792 / 0.721  0.679  0.628  /  0.793 / 0.722  0.676  0.624
Synthetic "no" questions (a shared word swapped for an opposite or another question's word)
and all question words as features both lowered BioASQ accuracy (0.70-0.77); dropped.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from scipy.sparse import coo_matrix, csr_matrix

from train_common import MODEL_DIR, fit_logistic, fit_platt, need, pqal, write_model

from evidex.enrich.stance import pair_features, question_form
from evidex.eval.qa_data import BIOASQ_EDITIONS, PUBMEDQA_FOLDS, bioasq_body_key, bioasq_edition, kfold_split
from evidex.text import sentence_spans

_BACKGROUND = ("BACKGROUND", "OBJECTIVE", "AIM", "PURPOSE", "INTRODUCTION", "METHOD", "DESIGN", "SETTING",
               "PATIENT", "PARTICIPANT", "SUBJECT", "MATERIAL", "INTERVENTION", "MEASURE", "CONTEXT")


@dataclass
class Unit:
    """One question-level example: a question, its passages, a label, and where it came from."""

    source: str               # bioasq | pqa_rr | pqa_rf | scifact
    group: str                # CV group: edition (bioasq) or question/claim id
    question: str
    passages: list[str]
    label: str                # yes | no | maybe
    feats: list[set[str]] = field(default_factory=list)
    dense: np.ndarray | None = None     # per passage, embedding features (Config.dense)
    negated: bool = False


def sentences(text: str) -> list[str]:
    return [text[a:b] for a, b in sentence_spans(text)]


def bioasq_units() -> list[Unit]:
    by_body: dict[str, Unit] = {}
    for path in sorted(need("bioasq").glob("*.json")):
        edition = bioasq_edition(path)          # the folds evidex.eval.qa_data defines for the evaluator
        for q in json.loads(path.read_text(encoding="utf-8"))["questions"]:
            if q.get("type") != "yesno":
                continue
            ans = q.get("exact_answer")
            ans = (ans[0] if isinstance(ans, list) else ans or "").strip().lower()
            if ans not in ("yes", "no"):
                continue
            key = bioasq_body_key(q["body"])
            snippets = list(dict.fromkeys(s["text"].strip() for s in q.get("snippets", []) if s.get("text", "").strip()))
            if key in by_body:          # the same question in a later edition: one fold, snippets merged
                u = by_body[key]
                u.passages = list(dict.fromkeys(u.passages + snippets))
                continue
            if snippets:
                by_body[key] = Unit("bioasq", edition, q["body"], snippets, ans)
    return list(by_body.values())


def pubmedqa_units() -> tuple[list[Unit], list[tuple[str, str, str, int]]]:
    """Units for both views, and (question, sentence, answers-it?) pairs for relevance."""
    units, rel = [], []
    for qid, d in pqal().items():
        ctx = []
        for text, lab in zip(d["CONTEXTS"], d.get("LABELS", [""] * len(d["CONTEXTS"]))):
            for s in sentences(text):
                ctx.append(s)
                up = (lab or "").upper()
                if "RESULT" in up or "FINDING" in up:
                    rel.append((qid, d["QUESTION"], s, 1))
                elif any(k in up for k in _BACKGROUND):
                    rel.append((qid, d["QUESTION"], s, 0))
        long = sentences(d["LONG_ANSWER"])
        rel.extend((qid, d["QUESTION"], s, 1) for s in long)
        units.append(Unit("pqa_rr", qid, d["QUESTION"], ctx, d["final_decision"]))
        units.append(Unit("pqa_rf", qid, d["QUESTION"], long, d["final_decision"]))
    return units, rel


def scifact_units() -> tuple[list[Unit], list[tuple[str, str, str, int]]]:
    corpus = {}
    for line in need("scifact", "corpus.jsonl").open(encoding="utf-8"):
        d = json.loads(line)
        corpus[str(d["doc_id"])] = d["abstract"]
    units, rel = [], []
    for line in need("scifact", "claims_train.jsonl").open(encoding="utf-8"):
        c = json.loads(line)
        cid = "sf" + str(c["id"])
        ev = c.get("evidence") or {}
        for doc in map(str, c.get("cited_doc_ids", [])):
            sents = corpus.get(doc)
            if not sents:
                continue
            rationale: set[int] = set()
            labels = set()
            for e in ev.get(doc, []):
                rationale.update(e["sentences"])
                labels.add(e["label"])
            for i, s in enumerate(sents):
                rel.append((cid, c["claim"], s, int(i in rationale)))
            if len(labels) == 1:
                lab = "yes" if labels == {"SUPPORT"} else "no"
                units.append(Unit("scifact", cid, c["claim"], [sents[i] for i in sorted(rationale)], lab))
    return units, rel


# -- features -------------------------------------------------------------------------------

class Featurizer:
    BAG = ("p:", "n:")

    def __init__(self, min_df: int, cue_scale: float = 1.0):
        self.min_df = min_df
        self.cue_scale = cue_scale
        self.vocab: dict[str, int] = {}
        self.scale = np.ones(0)

    def fit(self, feature_sets):
        df: dict[str, int] = defaultdict(int)
        for fs in feature_sets:
            for f in fs:
                df[f] += 1
        self.vocab = {f: i for i, f in enumerate(sorted(f for f, c in df.items() if c >= self.min_df))}
        self.scale = np.array([1.0 if f.startswith(self.BAG) else self.cue_scale for f in self.vocab])

    def set_scale(self, cue_scale: float):
        """Cue features (not passage words) count ``cue_scale`` times: a weaker L2 on them."""
        self.cue_scale = cue_scale
        self.scale = np.array([1.0 if f.startswith(self.BAG) else cue_scale for f in self.vocab])

    def rows(self, feature_sets) -> csr_matrix:
        r, c = [], []
        for i, fs in enumerate(feature_sets):
            for f in fs:
                j = self.vocab.get(f)
                if j is not None:
                    r.append(i)
                    c.append(j)
        return csr_matrix((self.scale[c], (r, c)), shape=(len(feature_sets), len(self.vocab)))

    def means(self, units: list[Unit], weights: list[np.ndarray]) -> csr_matrix:
        """Per unit, the weighted mean of its passages' binary feature vectors."""
        r, c, v = [], [], []
        for i, (u, w) in enumerate(zip(units, weights)):
            w = w / max(w.sum(), 1e-9)
            for fs, wj in zip(u.feats, w):
                for f in fs:
                    j = self.vocab.get(f)
                    if j is not None:
                        r.append(i)
                        c.append(j)
                        v.append(wj * self.scale[j])
        return coo_matrix((v, (r, c)), shape=(len(units), len(self.vocab))).tocsr()


def dense_of(cfg, D):
    if not cfg.dense or D is None:
        return None
    return D[:, :1] if cfg.dense == "cos" else D


def with_dense(cfg, X, dense_rows):
    """Append dense columns (rows aligned with X) when the config uses them."""
    if not cfg.dense:
        return X
    from scipy.sparse import hstack
    return hstack([X, csr_matrix(np.vstack([dense_of(cfg, d) for d in dense_rows]))]).tocsr()


def sigmoid(z):
    return 1 / (1 + np.exp(-np.clip(z, -30, 30)))


@dataclass
class Config:
    l2_pol: float = 3.0
    l2_rel: float = 3.0
    w_bioasq: float = 1.0
    w_pqa: float = 1.0
    w_scifact: float = 0.5
    floor: float = 0.2          # least relevance weight a passage keeps when pooling
    train_on: str = "mean"      # mean (question-level mean of passage features) | passage
    use_rel: bool = True
    dense: str = ""             # "" | cos | full: wordllama features of question and passage
    cue_scale: float = 1.0      # cue features' value (vs 1 for passage words): a weaker L2 on them


class Fold:
    """Relevance + polarity models fitted on some units; predicts pooled margins for others."""

    _rel_cache: dict = {}

    def __init__(self, cfg: Config, fz: Featurizer, units: list[Unit], rel: list[tuple], key: str = ""):
        self.cfg, self.fz = cfg, fz
        if fz.cue_scale != cfg.cue_scale:
            fz.set_scale(cfg.cue_scale)
        ck = (key, cfg.l2_rel, cfg.dense, cfg.use_rel, cfg.cue_scale)
        if key and ck in Fold._rel_cache:
            self.wr, self.br = Fold._rel_cache[ck]
        elif cfg.use_rel:
            Xr = with_dense(cfg, fz.rows([r[0] for r in rel]), [r[5] for r in rel]) if cfg.dense else \
                fz.rows([r[0] for r in rel])
            self.wr, self.br = fit_logistic(Xr, np.array([r[1] for r in rel], float),
                                            np.array([r[2] for r in rel]), cfg.l2_rel)
        else:
            self.wr, self.br = np.zeros(len(fz.vocab) + self.ndense(units)), 0.0
        Fold._rel_cache[ck] = (self.wr, self.br)
        units = [u for u in units if u.label in ("yes", "no")]
        sw = {"bioasq": cfg.w_bioasq, "pqa_rr": cfg.w_pqa, "pqa_rf": cfg.w_pqa, "scifact": cfg.w_scifact}
        y = np.array([(u.label == "yes") != u.negated for u in units], float)
        if cfg.train_on == "mean":
            X = self.means(units)
            w = np.array([sw[u.source] for u in units])
        else:
            X = with_dense(cfg, fz.rows([f for u in units for f in u.feats]), [u.dense for u in units])
            y = np.concatenate([[yi] * len(u.feats) for yi, u in zip(y, units)])
            w = np.concatenate([sw[u.source] / len(u.feats) * self.pool_weights(u) / self.pool_weights(u).mean()
                                for u in units])
        self.wp, self.bp = fit_logistic(X, y, w, cfg.l2_pol)

    def ndense(self, units):
        return dense_of(self.cfg, units[0].dense).shape[1] if self.cfg.dense else 0

    def means(self, units):
        ws = [self.pool_weights(u) for u in units]
        X = self.fz.means(units, ws)
        if not self.cfg.dense:
            return X
        rows = [(w[:, None] * dense_of(self.cfg, u.dense)).sum(0, keepdims=True) / w.sum() for u, w in zip(units, ws)]
        return with_dense(self.cfg, X, rows)

    def relevance(self, u: Unit) -> np.ndarray:
        X = with_dense(self.cfg, self.fz.rows(u.feats), [u.dense]) if self.cfg.dense else self.fz.rows(u.feats)
        return sigmoid(X @ self.wr + self.br)

    def pool_weights(self, u: Unit) -> np.ndarray:
        return np.maximum(self.relevance(u), self.cfg.floor) if self.cfg.use_rel else np.ones(len(u.feats))

    def pooled(self, units: list[Unit]) -> np.ndarray:
        """Pooled margin towards each unit's positive form (flip for negated questions after)."""
        return self.means(units) @ self.wp + self.bp


def signed(units, z):
    return np.array([-zi if u.negated else zi for u, zi in zip(units, z)])


def macro_f1(gold: list[str], pred: list[str], classes) -> float:
    f1s = []
    for c in classes:
        tp = sum(g == c and p == c for g, p in zip(gold, pred))
        npred, ngold = sum(p == c for p in pred), sum(g == c for g in gold)
        if ngold:
            pr, rc = tp / max(npred, 1), tp / ngold
            f1s.append(0.0 if pr + rc == 0 else 2 * pr * rc / (pr + rc))
    return float(np.mean(f1s))


def yn_metrics(gold, pred) -> dict:
    maj = max(set(gold), key=gold.count)
    return {"n": len(gold), "accuracy": round(float(np.mean([g == p for g, p in zip(gold, pred)])), 4),
            "macro_f1": round(macro_f1(gold, pred, sorted(set(gold))), 4),
            "majority_accuracy": round(gold.count(maj) / len(gold), 4),
            "majority_macro_f1": round(macro_f1(gold, [maj] * len(gold), sorted(set(gold))), 4)}


def kfold(ids: list[str], k: int, seed: int) -> dict[str, int]:
    """The seeded split of evidex.eval.qa_data.kfold_split (the evaluator's PubMedQA folds)."""
    return kfold_split(ids, k, seed)


N_BINS = 10


def maybe_table(p: np.ndarray, gold: list[str]) -> list[list[float]]:
    """Per bin of calibrated P(yes), the smoothed share of yes/no/maybe answers (PubMedQA)."""
    table = []
    for k in range(N_BINS):
        idx = [i for i, x in enumerate(p) if min(int(x * N_BINS), N_BINS - 1) == k]
        mid = (k + 0.5) / N_BINS
        prior = [mid * 0.9, (1 - mid) * 0.9, 0.1]            # 2 pseudo-answers
        counts = [sum(gold[i] == c for i in idx) + 2 * pr for c, pr in zip(("yes", "no", "maybe"), prior)]
        table.append([round(c / sum(counts), 4) for c in counts])
    return table


def three_way(p: np.ndarray, table) -> list[str]:
    labels = ("yes", "no", "maybe")
    return [labels[int(np.argmax(table[min(int(x * N_BINS), N_BINS - 1)]))] for x in p]


# -- cross-validation ------------------------------------------------------------------------

def crossval(cfg: Config, fz: Featurizer, units: list[Unit], rel, seed: int, verbose=True,
             rel_key: str = "") -> dict:
    """Out-of-fold margins and figures. ``rel_key``: every fold reuses the relevance model cached
    under that key (the quick CV of ``--no-cv``) instead of fitting its own."""
    bio = [u for u in units if u.source == "bioasq"]
    pqa_ids = [u.group for u in units if u.source.startswith("pqa")]
    pfold = kfold(pqa_ids, 5, seed)
    sf_ids = [u.group for u in units if u.source == "scifact"]
    sfold = kfold(sf_ids, 5, seed)
    out: dict = {}
    oof: dict[int, float] = {}

    def held(u_or_group: str, test_groups: set[str]) -> bool:
        return u_or_group in test_groups

    # BioASQ: leave one edition out
    gold, pred = [], []
    for ed in sorted({u.group for u in bio}):
        tr = [u for u in units if not (u.source == "bioasq" and u.group == ed)]
        te = [u for u in bio if u.group == ed]
        trel = [r for r in rel if not (r[3] == "bioasq" and r[4] == ed)]
        model = Fold(cfg, fz, tr, trel, key=rel_key or f"bio-{ed}")
        z = signed(te, model.pooled(te))
        for u, zi in zip(te, z):
            oof[id(u)] = zi
        gold += [u.label for u in te]
        pred += ["yes" if zi > 0 else "no" for zi in z]
        if verbose:
            print(f"  bioasq {ed}: n={len(te)} acc={np.mean([g == p for g, p in zip(gold[-len(te):], pred[-len(te):])]):.3f}")
    out["bioasq_loeo"] = yn_metrics(gold, pred)
    # PubMedQA 5-fold and SciFact 5-fold, fitted together (disjoint groups)
    for k in range(5):
        test_p = {q for q, f in pfold.items() if f == k}
        test_s = {q for q, f in sfold.items() if f == k}
        test = test_p | test_s
        tr = [u for u in units if u.group not in test]
        te = [u for u in units if u.group in test]
        model = Fold(cfg, fz, tr, [r for r in rel if r[4] not in test], key=rel_key or f"k{k}")
        z = signed(te, model.pooled(te))
        for u, zi in zip(te, z):
            oof[id(u)] = zi
    for src in ("pqa_rr", "pqa_rf", "scifact"):
        us = [u for u in units if u.source == src]
        z = np.array([oof[id(u)] for u in us])
        g2 = [u.label for u in us if u.label != "maybe"]
        p2 = ["yes" if zi > 0 else "no" for u, zi in zip(us, z) if u.label != "maybe"]
        out[src + "_yesno"] = yn_metrics(g2, p2)
    out["_oof"] = oof
    return out


def pubmedqa_three_way(seed: int, units: list[Unit], oof: dict[int, float], a: float, b: float) -> dict:
    """3-class figures: the yes/no/maybe table is built on the other folds' out-of-fold P(yes)."""
    out = {}
    for src in ("pqa_rr", "pqa_rf"):
        us = [u for u in units if u.source == src]
        p = sigmoid(a * np.array([oof[id(u)] for u in us]) + b)
        fold = kfold([u.group for u in us], 5, seed)
        pred = [""] * len(us)
        for k in range(5):
            tr = [i for i, u in enumerate(us) if fold[u.group] != k]
            table = maybe_table(p[tr], [us[i].label for i in tr])
            for i, u in enumerate(us):
                if fold[u.group] == k:
                    pred[i] = three_way(p[i:i + 1], table)[0]
        gold = [u.label for u in us]
        m = yn_metrics(gold, pred)
        m["predicted_maybe"] = pred.count("maybe")
        out[src + "_3way"] = m
    return out


def embedding_features(q: np.ndarray, P: np.ndarray) -> np.ndarray:
    """[cosine, q*p elementwise * 16] per passage row (wordllama, unit vectors)."""
    return np.hstack([P @ q[:, None], 16.0 * P * q[None, :]])


def add_embeddings(units, rel):
    from evidex.index.embed import get_embedder
    emb = get_embedder("wordllama")
    texts = sorted({u.question for u in units} | {p for u in units for p in u.passages} | {r[6] for r in rel}
                   | {r[7] for r in rel})
    t0 = time.time()
    V = emb.embed(texts)
    print(f"embedded {len(texts)} texts in {time.time() - t0:.0f}s")
    ix = {t: i for i, t in enumerate(texts)}
    for u in units:
        u.dense = embedding_features(V[ix[u.question]], V[[ix[p] for p in u.passages]])
    for i, r in enumerate(rel):
        rel[i] = r[:5] + (embedding_features(V[ix[r[6]]], V[[ix[r[7]]]]),) + r[6:]


def prepare(seed: int, embed: bool = False):
    t0 = time.time()
    bio = bioasq_units()
    pqa, prel = pubmedqa_units()
    sf, srel = scifact_units()
    units = bio + pqa + sf
    for u in units:
        form = question_form(u.question)
        u.negated = form.negated
        u.feats = [pair_features(form, p) for p in u.passages]
    forms: dict[str, object] = {}
    rel = []      # (features, answers-it?, weight, source, group)
    for u in bio:
        rel.extend((f, 1, 0.3, "bioasq", u.group, None, u.question, p) for f, p in zip(u.feats, u.passages))
    for src, pairs in (("pqa", prel), ("scifact", srel)):
        for g, q, s, y in pairs:
            form = forms.get(g) or forms.setdefault(g, question_form(q))
            rel.append((pair_features(form, s), y, 1.0, src, g, None, q, s))
    if embed:
        add_embeddings(units, rel)
    print(f"data: bioasq {len(bio)} questions ({sum(u.label == 'yes' for u in bio)} yes), pubmedqa "
          f"{len(pqa) // 2}, scifact {len(sf)} claim-doc pairs, relevance pairs {len(rel)}; "
          f"negated questions {sum(u.negated for u in units)}; features in {time.time() - t0:.0f}s")
    return units, rel


def _loose(body: str) -> str:
    return re.sub(r"[^a-z0-9]", "", body.lower())


def holdout(units: list[Unit], rel: list[tuple], seed: int, edition: str | None, pqa_fold: int | None):
    """(training units, training relevance pairs, manifest entry): without the held-out fold's
    questions. BioASQ: the units of ``edition`` (train_stance's grouping) and any other unit whose
    body equals one of them up to punctuation; PubMedQA: fold ``pqa_fold`` of the seeded split,
    both views and their relevance sentences."""
    info: dict = {}
    drop: set[int] = set()
    drop_q: set[str] = set()
    if edition:
        ed_units = [u for u in units if u.source == "bioasq" and u.group == edition]
        loose = {_loose(u.question) for u in ed_units}
        near = [u for u in units if u.source == "bioasq" and u.group != edition and _loose(u.question) in loose]
        for u in ed_units + near:
            drop.add(id(u))
            drop_q.add(u.question)
        info.update(bioasq_edition=edition, bioasq_questions=len(ed_units),
                    bioasq_near_duplicates_dropped=[f"{u.group}: {u.question}" for u in near])
    test_p: set[str] = set()
    if pqa_fold is not None:
        fold = kfold([u.group for u in units if u.source.startswith("pqa")], PUBMEDQA_FOLDS, seed)
        test_p = {q for q, f in fold.items() if f == pqa_fold}
        drop.update(id(u) for u in units if u.source.startswith("pqa") and u.group in test_p)
        info.update(pubmedqa_fold=pqa_fold, pubmedqa_k=PUBMEDQA_FOLDS, pubmedqa_seed=seed,
                    pubmedqa_questions=len(test_p))
    tr = [u for u in units if id(u) not in drop]
    trel = [r for r in rel if not ((r[3] == "bioasq" and r[6] in drop_q) or (r[3] == "pqa" and r[4] in test_p))]
    if info:
        info["excluded_from"] = ("polarity and relevance training examples, the vocabulary, Platt scaling "
                                 "and the yes/no/maybe table")
        info["relevance_pairs_dropped"] = len(rel) - len(trel)
    return tr, trel, info


def show(name, res):
    parts = []
    for k, m in res.items():
        if k.startswith("_"):
            continue
        parts.append(f"{k}: acc {m['accuracy']:.3f} F1 {m['macro_f1']:.3f} (maj {m['majority_accuracy']:.3f}/"
                     f"{m['majority_macro_f1']:.3f})")
    print(f"[{name}] " + " | ".join(parts))
    sys.stdout.flush()


VARIANTS = {
    "base": Config(),
    "passage": Config(train_on="passage"),
    "no_rel": Config(use_rel=False),
    "l2_1": Config(l2_pol=1.0),
    "l2_10": Config(l2_pol=10.0),
    "bio2": Config(w_bioasq=2.0),
    "floor05": Config(floor=0.5),
    "cue3": Config(cue_scale=3.0),
    "cue3_l2_10": Config(cue_scale=3.0, l2_pol=10.0),
    "cue10_l2_10": Config(cue_scale=10.0, l2_pol=10.0),
    "pqa03": Config(w_pqa=0.3, w_scifact=0.2),
    "cue3_pqa03": Config(cue_scale=3.0, w_pqa=0.3, w_scifact=0.2),
    "cue2_pqa05": Config(cue_scale=2.0, w_pqa=0.5, w_scifact=0.3),
    "cue3_pqa03_l2_5": Config(cue_scale=3.0, w_pqa=0.3, w_scifact=0.2, l2_pol=5.0),
    "cos": Config(dense="cos"),
    "emb": Config(dense="full"),
}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--min-df", type=int, default=3)
    ap.add_argument("--variants", nargs="*", default=None, help="compare these variants by CV (no file written)")
    ap.add_argument("--variant", default="pqa03", help="the variant to ship (chosen by --variants CV)")
    ap.add_argument("--prune", type=float, default=0.01, help="drop weights smaller than this")
    ap.add_argument("--holdout-bioasq", choices=BIOASQ_EDITIONS, metavar="EDITION",
                    help=f"leave this BioASQ edition's questions out of training ({', '.join(BIOASQ_EDITIONS)})")
    ap.add_argument("--holdout-pubmedqa-fold", type=int, choices=range(PUBMEDQA_FOLDS), metavar="K",
                    help=f"leave PubMedQA fold K (0-{PUBMEDQA_FOLDS - 1}, the --seed split) out of training")
    ap.add_argument("--out", type=Path, help="write the model here (default: the shipped "
                                             "src/evidex/enrich/models/stance.json)")
    ap.add_argument("--no-cv", action="store_true", help="skip the CV figures (calibration from a quick inner CV)")
    args = ap.parse_args()
    held = args.holdout_bioasq is not None or args.holdout_pubmedqa_fold is not None
    shipped = (MODEL_DIR / "stance.json").resolve()
    if (held or args.no_cv) and (args.out is None or args.out.resolve() == shipped):
        ap.error("a fold model or a --no-cv model must not replace the shipped model: give --out PATH")
    if args.variants is not None and (held or args.no_cv):
        ap.error("--variants compares variants by CV on all the data; it takes no --holdout/--no-cv")
    t_start = time.time()
    names = args.variants or (list(VARIANTS) if args.variants is not None else [args.variant])
    units, rel = prepare(args.seed, embed=any(VARIANTS[n].dense for n in names))
    units, rel, held_info = holdout(units, rel, args.seed, args.holdout_bioasq, args.holdout_pubmedqa_fold)
    if held_info:
        print(f"held out: {json.dumps({k: v for k, v in held_info.items() if k != 'excluded_from'})}; "
              f"training on {len(units)} units, {len(rel)} relevance pairs")
    fz = Featurizer(args.min_df)
    fz.fit([f for u in units for f in u.feats])
    print(f"vocabulary {len(fz.vocab)}")
    if args.variants is not None:
        for name in names:
            t0 = time.time()
            res = crossval(VARIANTS[name], fz, units, rel, args.seed, verbose=False)
            show(f"{name} {time.time() - t0:.0f}s", res)
        return
    cfg = VARIANTS[args.variant]
    final = None
    if args.no_cv:
        t0 = time.time()
        final = Fold(cfg, fz, units, rel, key="all")     # its relevance model is shared by the quick CV
        res = crossval(cfg, fz, units, rel, args.seed, verbose=False, rel_key="all")
        print(f"final fit and quick CV (calibration only) in {time.time() - t0:.0f}s")
    else:
        res = crossval(cfg, fz, units, rel, args.seed)
    oof = res.pop("_oof")
    cal = [u for u in units if u.source in ("bioasq", "pqa_rr", "pqa_rf") and u.label != "maybe"]
    a, b = fit_platt(np.array([oof[id(u)] for u in cal]), np.array([u.label == "yes" for u in cal], float),
                     np.ones(len(cal)))
    res.update(pubmedqa_three_way(args.seed, units, oof, a, b))
    if not args.no_cv:
        show(args.variant, res)
    pq = [u for u in units if u.source in ("pqa_rr", "pqa_rf")]
    table = maybe_table(sigmoid(a * np.array([oof[id(u)] for u in pq]) + b), [u.label for u in pq])
    t0 = time.time()
    if final is None:
        final = Fold(cfg, fz, units, rel)
        print(f"final fit on {'the training' if held else 'all'} data in {time.time() - t0:.0f}s; "
              f"platt a={a:.3f} b={b:.3f}")
    else:
        print(f"platt a={a:.3f} b={b:.3f}")
    inv = sorted(fz.vocab, key=fz.vocab.get)

    def sparse_weights(w, cut):
        w = w[:len(inv)] * fz.scale           # the value a feature had in training, folded in
        return {f: round(float(v), 4) for f, v in zip(inv, w) if abs(v) >= cut}

    params = {
        "polarity": {"weights": sparse_weights(final.wp, args.prune), "bias": round(float(final.bp), 4)},
        "relevance": {"weights": sparse_weights(final.wr, args.prune), "bias": round(float(final.br), 4)},
        "answer": {"platt_a": round(a, 4), "platt_b": round(b, 4), "relevance_floor": cfg.floor,
                   "maybe_table": table},
    }
    if cfg.dense:
        params["polarity"]["dense"] = [round(float(v), 4) for v in final.wp[len(inv):]]
        params["relevance"]["dense"] = [round(float(v), 4) for v in final.wr[len(inv):]]
        params["dense"] = {"embedder": "wordllama", "features": cfg.dense}
    extra: dict = {}
    cv_protocol = ("bioasq leave-one-edition-out; pubmedqa and scifact 5-fold by question (seeded); "
                   "other datasets always in training; decision at margin 0 (2-way), "
                   "yes/no/maybe table from the other folds (3-way)")
    cv: dict = {"protocol": cv_protocol, **res}
    if held_info:
        extra["holdout"] = held_info
        extra["note"] = ("a fold model for held-out evaluation (benchmarks/qa_folds.py), trained WITHOUT the "
                         "held-out questions; not the shipped model")
        cv["protocol"] = "inner CV over the training data only (held-out questions excluded); " + cv_protocol
    if args.no_cv:
        cv = {"skipped": "--no-cv: no CV figures; Platt scaling and the maybe table come from a quick inner CV "
                         "(folds as below, one relevance model fitted on all the training data shared by "
                         "the folds, polarity refitted per fold)", "protocol": cv["protocol"]}
    path = write_model("stance", params, {
        "version": 1, "trained_by": "scripts/train_stance.py", "seed": args.seed, "min_df": args.min_df,
        "prune": args.prune, "variant": args.variant, "config": cfg.__dict__,
        "kind": "two logistic models (relevance, polarity) over evidex.enrich.stance.pair_features; "
                "question answer = relevance-weighted mean of passage polarity margins, Platt-calibrated",
        "data": {"bioasq": "../shared/data/bioasq/*.json yesno questions + gold snippets "
                           f"({sum(u.source == 'bioasq' for u in units)} after merging identical bodies)",
                 "pubmedqa": "../shared/data/pubmedqa/pqal_dev.json (CONTEXTS and LONG_ANSWER views)",
                 "scifact": "../shared/data/scifact/claims_train.jsonl + corpus.jsonl rationales"},
        "cv": cv,
        "note": "the shipped model is refitted on all data; the cv figures are held-out folds only",
        **extra,
    }, path=args.out)
    print(f"wrote {path} ({path.stat().st_size / 1e6:.2f} MB, polarity {len(params['polarity']['weights'])} "
          f"and relevance {len(params['relevance']['weights'])} weights) in {time.time() - t_start:.0f}s")


if __name__ == "__main__":
    main()
