"""Shared code for ``scripts/train_*.py``: training-data loaders and a numpy/scipy logistic fit.

Training needs numpy and scipy (not inference). Every loader reads ``../shared/data`` and
never the evaluation sets: PMIDs of ``rct_medline/records_dev.medline`` and the LDN dev
corpus are excluded everywhere, so the benchmark figures stay held-out.
"""
from __future__ import annotations

import csv
import datetime as _dt
import json
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DATA = (REPO / ".." / "shared" / "data").resolve()
MODEL_DIR = REPO / "src" / "evidex" / "enrich" / "models"

sys.path.insert(0, str(REPO / "src"))

from evidex.ingest import iter_file  # noqa: E402
from evidex.records import Record  # noqa: E402


def need(*parts: str) -> Path:
    path = DATA.joinpath(*parts)
    if not path.exists():
        sys.exit(f"training data not found: {path} (training needs ../shared/data)")
    return path


def held_out_pmids() -> set[str]:
    """PMIDs of the evaluation sets: never trained on."""
    out = set(re.findall(r"^PMID- (\d+)", need("rct_medline", "records_dev.medline").read_text(), re.M))
    for line in need("ldn", "dev_corpus.jsonl").open(encoding="utf-8"):
        pmid = json.loads(line).get("pmid")
        if pmid:
            out.add(str(pmid))
    return out


def detok(tokens: list[str]) -> str:
    text = " ".join(tokens)
    return re.sub(r" ([.,;:)\]%])", r"\1", re.sub(r"([(\[]) ", r"\1", text))


def ebm_nlp() -> list[dict]:
    """EBM-NLP: RCT abstracts as tokens (title = first sentence), with intervention labels."""
    out = []
    for line in need("ebm_nlp", "interventions.jsonl").open(encoding="utf-8"):
        out.append(json.loads(line))
    return out


def ebm_title_abstract(doc: dict) -> tuple[str, str]:
    toks = doc["tokens"]
    cut = next((i + 1 for i, t in enumerate(toks) if t in (".", "?") and i > 3), len(toks))
    return detok(toks[:cut]), detok(toks[cut:])


def cohen_rows() -> list[dict]:
    """cohen2006 citations, one per PMID (title, abstract, MeSH)."""
    seen: dict[str, dict] = {}
    for path in sorted(need("cohen2006").glob("*.csv")):
        with open(path, newline="", encoding="utf-8-sig", errors="replace") as fh:
            for r in csv.DictReader(fh):
                pmid = (r.get("pubmedID") or "").strip()
                if pmid and pmid not in seen:
                    seen[pmid] = {"pmid": pmid, "title": (r.get("title") or "").strip(),
                                  "abstract": (r.get("abstract") or "").replace("; ", " ").strip(),
                                  "mesh": {m.strip() for m in (r.get("keywords") or "").split(";") if m.strip()}}
    return list(seen.values())


def pqal() -> dict[str, dict]:
    return json.loads(need("pubmedqa", "pqal_dev.json").read_text(encoding="utf-8"))


def pubmed_xml_records() -> list[Record]:
    """Every complete citation in pubmed_xml (the truncated sample's good records included)."""
    out: dict[str, Record] = {}
    for path in sorted(need("pubmed_xml").glob("*.xml")):
        for r in iter_file(path):
            if isinstance(r, Record):
                out.setdefault(r.id, r)
    for path in sorted(need("medline_text").glob("*")):
        for r in iter_file(path):
            if isinstance(r, Record):
                out.setdefault(r.id, r)
    return list(out.values())


def record_abstract(r: Record) -> str:
    return " ".join((f"{s.label}: {s.text}" if s.label else s.text) for s in r.sections)


# -- logistic regression -----------------------------------------------------------------

def fit_logistic(X, y, w, l2: float, iters: int = 400):
    """L2-regularised weighted logistic regression (bias unpenalised) by L-BFGS."""
    import numpy as np
    from scipy.optimize import minimize

    n, d = X.shape

    def f(theta):
        coef, b = theta[:d], theta[d]
        z = X @ coef + b
        p = 1 / (1 + np.exp(-np.clip(z, -30, 30)))
        loss = np.sum(w * (np.logaddexp(0, z) - y * z)) + 0.5 * l2 * coef @ coef
        g = w * (p - y)
        return loss, np.concatenate([X.T @ g + l2 * coef, [g.sum()]])

    res = minimize(f, np.zeros(d + 1), jac=True, method="L-BFGS-B", options={"maxiter": iters})
    return res.x[:d], float(res.x[d])


def fit_softmax(X, y, k, l2, w=None):
    """L2-regularised (weighted) softmax regression by L-BFGS: (W of shape features x k, bias)."""
    import numpy as np
    from scipy.optimize import minimize

    n, d = X.shape
    Y = np.eye(k)[y] * (np.ones(n) if w is None else w)[:, None]

    def f(theta):
        W = theta[: d * k].reshape(d, k)
        b = theta[d * k:]
        Z = X @ W + b
        Z -= Z.max(axis=1, keepdims=True)
        P = np.exp(Z)
        P /= P.sum(axis=1, keepdims=True)
        loss = -np.sum(Y * np.log(P + 1e-12)) + 0.5 * l2 * np.sum(W * W)
        G = P * Y.sum(axis=1, keepdims=True) - Y
        return loss, np.concatenate([(X.T @ G + l2 * W).ravel(), G.sum(axis=0)])

    res = minimize(f, np.zeros(d * k + k), jac=True, method="L-BFGS-B", options={"maxiter": 500})
    return res.x[: d * k].reshape(d, k), res.x[d * k:]


def macro_f1(gold, pred, k):
    """Mean F1 over the classes present in ``gold`` (numpy arrays of class indices)."""
    import numpy as np

    f1s = []
    for c in range(k):
        tp = np.sum((pred == c) & (gold == c))
        p = tp / max(np.sum(pred == c), 1)
        r = tp / max(np.sum(gold == c), 1)
        if np.sum(gold == c):
            f1s.append(0 if p + r == 0 else 2 * p * r / (p + r))
    return float(np.mean(f1s))


def fit_platt(margins, y, w):
    """Platt scaling: p = sigmoid(a * margin + b), fitted on out-of-fold margins."""
    import numpy as np
    from scipy.optimize import minimize

    def f(t):
        z = t[0] * margins + t[1]
        p = 1 / (1 + np.exp(-np.clip(z, -30, 30)))
        loss = np.sum(w * (np.logaddexp(0, z) - y * z))
        g = w * (p - y)
        return loss, np.array([g @ margins, g.sum()])

    res = minimize(f, np.array([1.0, 0.0]), jac=True, method="L-BFGS-B")
    return float(res.x[0]), float(res.x[1])


def sparse_matrix(feature_sets: list[set[str]], vocab: dict[str, int]):
    import numpy as np
    from scipy.sparse import csr_matrix

    rows, cols = [], []
    for i, fs in enumerate(feature_sets):
        for f in fs:
            j = vocab.get(f)
            if j is not None:
                rows.append(i)
                cols.append(j)
    return csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(feature_sets), len(vocab)))


def write_model(name: str, params: dict, manifest: dict, path: Path | None = None) -> Path:
    """Write ``{manifest, params}`` to ``path`` (default: the shipped ``models/<name>.json``)."""
    from evidex.enrich.models import params_sha

    manifest = {"name": name, "created": _dt.date.today().isoformat(), **manifest,
                "params_sha": params_sha(params)}
    path = path or MODEL_DIR / f"{name}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"manifest": manifest, "params": params}, separators=(",", ":"),
                               sort_keys=True), encoding="utf-8")
    return path
