"""Lexical engine benchmark: tantivy (``Store.search``) against SQLite FTS5 and ``bm25s`` on a shared corpus.

    .venv/bin/python benchmarks/lexical.py                      # nfcorpus (3.2k docs), 300 queries
    .venv/bin/python benchmarks/lexical.py --corpus scifact     # 5.2k docs
    .venv/bin/python benchmarks/lexical.py --record             # and append to RESULTS.md
    .venv/bin/python benchmarks/lexical.py --store out/answers/cohen2006.db   # an existing store vs FTS5

One store is built from the corpus (records with a fixed appraisal: this measures the
index, not enrichment); the FTS5 index the store used to keep is rebuilt beside it
(``evidex.fts5_reference``), and ``bm25s`` (method "lucene", k1 1.2, b 0.75) indexes the
same analysed words (``LexicalIndex.words``), the title counted twice, with Robertson's IDF,
as the store scores (see ``evidex.lexical``). Each query is the plain BM25 OR-query of
its words (``retrieve.bm25_match``). Reported, in the same run:

- agreement: mean overlap of the top 10 (|A ∩ B| / 10) and the share of queries with the same
  top hit, tantivy vs bm25s and tantivy vs FTS5 (differences: tantivy's 1-byte field-length
  norms, Snowball against Porter stemming, FTS5 not counting the title twice in the
  length); the same against FTS5 for phrase queries (the two-word phrases of each query);
- query latency p50/p95 (ms, warm, 1 thread) for tantivy and FTS5;
- bytes: the store file per record (after VACUUM), the tantivy folder, the FTS5 file.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

CORPORA = {"nfcorpus": ("nfcorpus/docs.tsv", "nfcorpus/queries_dev.tsv"),
           "scifact": ("scifact/corpus.jsonl", "scifact/claims_train.jsonl")}


def build_store(docs, db: Path):
    """A store holding ``docs`` (eval ``Doc``s) as records with one fixed appraisal."""
    from evidex.records import Appraisal, Record, Section
    from evidex.store import Store
    store = Store(db)
    batch = []
    for d in docs:
        rec = Record(id=f"doc:{d.id}", title=d.title, sections=(Section("", d.text),) if d.text else (),
                     source="bench")
        batch.append((rec, Appraisal(record_id=rec.id, design="other", design_source="default",
                                     design_score=0.0, level=5)))
        if len(batch) == 2000:
            store.write_batch(batch)
            batch = []
    if batch:
        store.write_batch(batch)
    return store


class BM25SReference:
    """The store's BM25 with bm25s: the title's words ``TITLE_WEIGHT`` times then the
    abstract's, one document each; Robertson's IDF (0 below 0: FTS5 floors it at 1e-6)."""

    def __init__(self, store) -> None:
        import json

        import bm25s

        from evidex.lexical import TITLE_WEIGHT
        rows = store.conn.execute("SELECT id, title, record FROM record_data ORDER BY rowid").fetchall()
        self.ids = [r[0] for r in rows]
        words = store.lexical.words
        corpus = []
        for _, title, rec in rows:
            body = "\n".join(s.get("text", "") for s in json.loads(store.packer.unpack(rec)).get("sections", ()))
            corpus.append(words(title) * int(TITLE_WEIGHT) + words(body) or [""])
        ix = bm25s.BM25(k1=1.2, b=0.75, method="robertson")
        ix.index(corpus, show_progress=False)
        self.fields = [(ix, 1.0)]
        self.words = words

    def search(self, text: str, k: int) -> list[str]:
        import numpy as np
        q = list(dict.fromkeys(self.words(text)))
        total = np.zeros(len(self.ids))
        for ix, weight in self.fields:
            known = [w for w in q if w in ix.vocab_dict]
            if known:
                total += weight * ix.get_scores(known)
        # Equal scores in store order (rowid), as Store.search breaks ties.
        order = sorted(np.flatnonzero(total > 0), key=lambda i: (-round(float(total[i]), 4), i))
        return [self.ids[i] for i in order[:k]]


def overlap(a: list[str], b: list[str], k: int) -> float:
    if not a and not b:
        return 1.0
    return len(set(a[:k]) & set(b[:k])) / max(1, min(k, max(len(a), len(b))))


def phrase_queries(text: str) -> str:
    from evidex.text import tokens
    words = [w for w in tokens(text)]
    pairs = [f'"{a} {b}"' for a, b in zip(words, words[1:])]
    return " OR ".join(pairs)


def compare(store, ref, bm, queries: list[str], k: int = 10) -> dict[str, float]:
    from evidex.retrieve import bm25_match
    out = {"queries": 0, "bm25s_overlap": 0.0, "bm25s_top1": 0.0, "fts5_overlap": 0.0, "fts5_top1": 0.0,
           "phrase_queries": 0, "fts5_phrase_overlap": 0.0, "fts5_phrase_top1": 0.0}
    t_tan, t_fts = [], []
    for q in queries:
        match = bm25_match(q)
        if not match:
            continue
        t0 = time.perf_counter()
        mine = [h.record_id for h in store.search(match, k)]
        t1 = time.perf_counter()
        theirs = [h.record_id for h in ref.search(match, k)]
        t2 = time.perf_counter()
        t_tan.append((t1 - t0) * 1000)
        t_fts.append((t2 - t1) * 1000)
        out["queries"] += 1
        if bm is not None:
            b = bm.search(match.replace('"', " ").replace(" OR ", " "), k)      # the same words
            out["bm25s_overlap"] += overlap(mine, b, k)
            out["bm25s_top1"] += bool(mine[:1] == b[:1])
        out["fts5_overlap"] += overlap(mine, theirs, k)
        out["fts5_top1"] += bool(mine[:1] == theirs[:1])
        ph = phrase_queries(q)
        if ph:
            a, b2 = [h.record_id for h in store.search(ph, k)], [h.record_id for h in ref.search(ph, k)]
            if a or b2:
                out["phrase_queries"] += 1
                out["fts5_phrase_overlap"] += overlap(a, b2, k)
                out["fts5_phrase_top1"] += bool(a[:1] == b2[:1])
    n, p = max(1, out["queries"]), max(1, out["phrase_queries"])
    for key in ("bm25s_overlap", "bm25s_top1", "fts5_overlap", "fts5_top1"):
        out[key] = round(out[key] / n, 3)
    for key in ("fts5_phrase_overlap", "fts5_phrase_top1"):
        out[key] = round(out[key] / p, 3)
    out["tantivy_p50_ms"] = round(common.percentile(t_tan, 50), 2)
    out["tantivy_p95_ms"] = round(common.percentile(t_tan, 95), 2)
    out["fts5_p50_ms"] = round(common.percentile(t_fts, 50), 2)
    out["fts5_p95_ms"] = round(common.percentile(t_fts, 95), 2)
    return out


def sizes(store, ref_path: Path) -> dict[str, float]:
    n = store.count()
    store.conn.execute("VACUUM")
    folder = Path(str(store.path) + ".lexical")
    lexical = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
    return {"records": n, "store_bytes_per_record": round(store.path.stat().st_size / n),
            "tantivy_bytes_per_record": round(lexical / n),
            "fts5_bytes_per_record": round(ref_path.stat().st_size / n)}


def run(corpus: str, n_queries: int, work: Path, with_bm25s: bool = True) -> dict[str, object]:
    from evidex.eval.datasets import load_corpus, load_queries
    from evidex.fts5_reference import fts5_reference
    docs_path, queries_path = (common.SHARED_DATA / p for p in CORPORA[corpus])
    docs = load_corpus(docs_path)
    queries = list(load_queries(queries_path).values())[:n_queries]
    t0 = time.perf_counter()
    store = build_store(docs, work / f"{corpus}.db")
    t1 = time.perf_counter()
    ref = fts5_reference(store, work / f"{corpus}.fts5.db")
    t2 = time.perf_counter()
    bm = BM25SReference(store) if with_bm25s else None
    out: dict[str, object] = {"corpus": corpus, "store_build_s": round(t1 - t0, 2), "fts5_build_s": round(t2 - t1, 2)}
    for q in queries[:5]:                       # warm both
        store.search(q.split()[0], 1)
    out.update(compare(store, ref, bm, queries))
    out.update(sizes(store, work / f"{corpus}.fts5.db"))
    ref.close()
    store.close()
    return out


def run_store(db: Path, questions: Path, work: Path) -> dict[str, object]:
    """An existing store (e.g. the cohen2006 store of benchmarks/answers.py): agreement with
    FTS5 and query latency, the two engines timed query by query in turn (so both see the
    same machine load), over the questions' plain and synonym-expanded BM25 queries."""
    from evidex.fts5_reference import fts5_reference
    from evidex.retrieve import bm25_match, expanded_match
    from evidex.store import Store
    texts = [line.split("\t", 1)[-1].strip() for line in questions.read_text(encoding="utf-8").splitlines()
             if line.strip() and not line.startswith("#")]
    store = Store(db)
    t0 = time.perf_counter()
    ref = fts5_reference(store, work / "ref.fts5.db")
    out: dict[str, object] = {"store": db.name, "records": store.count(), "fts5_build_s": round(time.perf_counter() - t0, 1)}
    for name, make in (("plain", bm25_match), ("expanded", expanded_match)):
        t_tan, t_fts, over, top1, n = [], [], 0.0, 0, 0
        for q in texts:
            match = make(q)
            if not match:
                continue
            for _ in range(2):              # the second round is timed (warm)
                t1 = time.perf_counter()
                mine = [h.record_id for h in store.search(match, 10)]
                t2 = time.perf_counter()
                theirs = [h.record_id for h in ref.search(match, 10)]
                t3 = time.perf_counter()
            t_tan.append((t2 - t1) * 1000)
            t_fts.append((t3 - t2) * 1000)
            over += overlap(mine, theirs, 10)
            top1 += mine[:1] == theirs[:1]
            n += 1
        out[f"{name}_queries"] = n
        out[f"{name}_fts5_overlap@10"] = round(over / max(1, n), 3)
        out[f"{name}_fts5_top1"] = round(top1 / max(1, n), 3)
        for label, times in (("tantivy", t_tan), ("fts5", t_fts)):
            out[f"{name}_{label}_p50_ms"] = round(common.percentile(times, 50), 2)
            out[f"{name}_{label}_p95_ms"] = round(common.percentile(times, 95), 2)
    ref.close()
    store.close()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    ap.add_argument("--corpus", choices=sorted(CORPORA), default="nfcorpus")
    ap.add_argument("--queries", type=int, default=300)
    ap.add_argument("--store", type=Path, help="measure this existing store against FTS5 instead (its queries: "
                                               "--questions, plain and synonym-expanded)")
    ap.add_argument("--questions", type=Path, default=common.BENCH_DIR / "questions.txt")
    ap.add_argument("--record", action="store_true", help="append the table to RESULTS.md")
    a = ap.parse_args()
    start = common.machine_info()
    start["code"], start["code_commit"] = "(working tree)", start["commit"]
    with tempfile.TemporaryDirectory() as tmp:
        res = run_store(a.store, a.questions, Path(tmp)) if a.store else run(a.corpus, a.queries, Path(tmp))
    body = common.table(["measure", "value"], [[k, v] for k, v in res.items()])
    print(body)
    if a.record:
        what = f"--store {a.store.name}" if a.store else f"--corpus {a.corpus} --queries {a.queries}"
        common.append_results(f"Lexical engine: tantivy vs FTS5 ({what})", f"python benchmarks/lexical.py {what}",
                              body, start)


if __name__ == "__main__":
    main()
