"""Question answering: the whole ``ask`` pipeline beside simple baselines, same store, same run.

Systems:
- ``evidex``: ``synthesis.answer.ask``. Its yes/no answer is ``verdict.answer`` when the
  pipeline gives one, else derived from the direction (favours -> yes, no_difference and
  against -> no, anything else -> uncertain).
- ``majority``: every yes/no question answered with the most frequent gold label of the
  questions evaluated (it peeks at the labels: the floor any system must clear).
- ``bm25-top``: plain BM25 (``retrieve.bm25_match``, no synonyms, no vectors), the top record
  only; its sentences sharing most words with the question are answered by the stance model
  (``enrich.stance.yes_no_maybe``) or, where that model is absent, the cue rules of
  ``enrich.direction.yes_no``; a summary is the record's first two sentences.

Metrics (BioASQ task b, Tsatsaronis et al. 2015; PubMedQA, Jin et al. 2019): yes/no accuracy
and macro-F1 over the gold classes (an "uncertain" answer to a BioASQ question is wrong and
counted; for PubMedQA it is "maybe"); factoid MRR over the first 5 candidates; list mean
precision / recall / F1 over the first 5 candidates; summary ROUGE-2 F; the share of answers
citing at least one gold document; faithfulness violations.

Factoid and list candidates are a *baseline-quality* extraction (``candidates``) until the
answer carries an explicit entity list: phrases of the cited statements, not in the question.
"""
from __future__ import annotations

import re
import statistics
import tempfile
import time
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from ..records import DESIGN_NAMES, Record
from ..store import Store
from ..text import passages_of, tokens
from .qa_data import QAItem, QASet, doc_key

FACTOID_K = 5      # BioASQ scores up to 5 ranked factoid candidates
LIST_K = 5
SUMMARY_STATEMENTS = 3
BASELINE_SENTENCES = 3
METRIC_KEYS = ("yesno_accuracy", "yesno_macro_f1", "yesno_uncertain", "factoid_mrr", "list_precision",
               "list_recall", "list_f1", "summary_rouge2_f", "gold_doc_recall", "faithfulness_violations")
SYSTEMS = ("evidex", "majority", "bm25-top")
CANDIDATE_METHOD = ("baseline-quality: maximal runs of non-stopword tokens of the cited statements (at most "
                    "4 tokens, question words excluded), scored by the citations of the statements "
                    "holding them, doubled for entity-like terms (a digit, an inner capital or a hyphen), "
                    "ties by first occurrence")


# -- metrics ---------------------------------------------------------------------------------
def rouge2(candidate: str, reference: str) -> float:
    """ROUGE-2 F-measure: bigram overlap of two texts (Lin 2004, "ROUGE: A Package for Automatic
    Evaluation of Summaries", ACL workshop), clipped counts, lower-cased alphanumeric tokens, no
    stemming and no stop-word removal."""
    def grams(text: str) -> Counter:
        t = tokens(text)
        return Counter(zip(t, t[1:]))
    c, r = grams(candidate), grams(reference)
    overlap = sum((c & r).values())
    if not overlap:
        return 0.0
    p, rec = overlap / sum(c.values()), overlap / sum(r.values())
    return 2 * p * rec / (p + rec)


def classification(gold: list[str], pred: list[str], classes: tuple[str, ...]) -> dict[str, float]:
    """Accuracy and macro-F1 over ``classes``; a prediction outside them is simply wrong."""
    if not gold:
        return {"accuracy": None, "macro_f1": None}
    f1s = []
    for c in classes:
        tp = sum(g == c and p == c for g, p in zip(gold, pred))
        fp = sum(g != c and p == c for g, p in zip(gold, pred))
        fn = sum(g == c and p != c for g, p in zip(gold, pred))
        f1s.append(2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 0.0)
    return {"accuracy": sum(g == p for g, p in zip(gold, pred)) / len(gold), "macro_f1": sum(f1s) / len(f1s)}


def _norm(s: str) -> str:
    """Lenient match key: case-, space- and punctuation-insensitive."""
    return re.sub(r"[\W_]+", "", s.lower())


def reciprocal_rank(cands: list[str], synonyms: Iterable[str]) -> float:
    keys = {_norm(s) for s in synonyms} - {""}
    return next((1.0 / i for i, c in enumerate(cands[:FACTOID_K], 1) if _norm(c) in keys), 0.0)


def list_prf(cands: list[str], entities: tuple[tuple[str, ...], ...]) -> tuple[float, float, float]:
    keys = [{_norm(s) for s in e} - {""} for e in entities]
    pred = [_norm(c) for c in cands[:LIST_K]]
    right = sum(any(c in k for k in keys) for c in pred)
    found = sum(any(c in k for c in pred) for k in keys)
    p = right / len(pred) if pred else 0.0
    r = found / len(keys) if keys else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


# -- candidates and texts from an answer -------------------------------------------------------
_STOP = frozenset("""a an and are as at be been being but by can could did do does for from had has have
how however if in into is it its may might more most no nor not of on or our such than that the their
them then there these they this those to was were what when where which while who whom whose why will
with would also both each either other others all any some only very well within without between among
after before during about against over under up down out via vs versus further than per study studies
patients patient results result showed shown show shows found find reported report suggest suggests
suggested associated association effect effects role using used use based including include includes
increased decreased reduced higher lower significant significantly compared group groups case cases
data analysis method methods here we our new novel recent recently known present addition although
respectively mainly mostly often type types level levels background objective objectives aim aims
purpose introduction method results conclusion conclusions discussion findings""".split())
_WORD = re.compile(r"[A-Za-z0-9\u0370-\u03ff][A-Za-z0-9\u0370-\u03ff'+/-]*")
# The label before an indirect quote ("Indirect evidence (fibromyalgia): "), and the design
# labels answers wrote before (still read, for answers saved by earlier versions).
_LABEL_PREFIX = re.compile(r"^(?:Indirect evidence \([^)]*\)(?:, [^:]{0,60})?|(?:%s)(?: in [^:]{1,120})?): "
                           % "|".join(re.escape(v) for v in DESIGN_NAMES.values()))


def statements(answer) -> list:
    """Every statement of an answer in reading order (statements, key points, subsections)."""
    out = []
    for sec in answer.sections:
        out += list(sec.statements) + list(sec.key_points)
        for sub in sec.subsections:
            out += list(sub.statements)
    return out


def source_text(text: str) -> str:
    """A statement without the label put before its quoted sentence."""
    return _LABEL_PREFIX.sub("", text, count=1)


def _entity_like(w: str) -> bool:
    return any(ch.isdigit() for ch in w) or "-" in w or any(ch.isupper() for ch in w[1:])


def candidates(texts: list[tuple[str, int]], question: str) -> list[str]:
    """Ranked answer phrases from (sentence, citation count) pairs; see ``CANDIDATE_METHOD``."""
    asked = set(tokens(question))
    score: dict[str, float] = {}
    first: dict[str, int] = {}
    spelled: dict[str, str] = {}
    pos = 0
    for text, cites in texts:
        for chunk in re.split(r"[,;:.()\[\]{}\"?!]|\s-\s", text):
            run: list[str] = []
            for w in [*_WORD.findall(chunk), ""]:
                low = w.lower().strip("-/+'")
                toks = set(tokens(low))
                if w and low not in _STOP and not (toks and toks <= asked) and len(low) > 1:
                    run.append(w.strip("-/+'"))
                    continue
                phrases = [" ".join(run)] if 0 < len(run) <= 4 else [x for x in run if _entity_like(x)]
                for ph in phrases:
                    key = _norm(ph)
                    if not key or key.isdigit():
                        continue
                    weight = (1 + cites) * (2 if any(_entity_like(x) for x in ph.split()) else 1)
                    score[key] = score.get(key, 0) + weight
                    first.setdefault(key, pos)
                    spelled.setdefault(key, ph)
                    pos += 1
                run = []
    return [spelled[k] for k in sorted(score, key=lambda k: (-score[k], first[k]))]


def evidex_texts(answer) -> list[tuple[str, int]]:
    """The answer's cited, non-template statements as (source sentence, citation count)."""
    return [(source_text(s.text), len(s.citations)) for s in statements(answer)
            if s.citations and s.kind != "summary"]


def evidex_yes_no(answer) -> tuple[str, str]:
    """(yes | no | uncertain, where it came from)."""
    given = getattr(answer.verdict, "answer", None)
    if given in ("yes", "no", "uncertain"):
        return given, "verdict.answer"
    d = answer.verdict.direction
    return {"favours": "yes", "no_difference": "no", "against": "no"}.get(d, "uncertain"), "direction"


# -- the baseline's stance function ----------------------------------------------------------
def stance_function():
    """(name, fn(question, sentences) -> yes|no|maybe): the stance model if it loads, else cues."""
    try:
        from ..enrich.stance import yes_no_maybe
        yes_no_maybe("Is aspirin effective?", ["Aspirin reduced pain."])
        return "enrich.stance.yes_no_maybe", lambda q, s: yes_no_maybe(q, s)[0]
    except Exception:   # noqa: BLE001 - the model is optional; any failure to load means "absent"
        from ..enrich.direction import yes_no
        return "enrich.direction.yes_no", lambda q, s: yes_no(s)


def best_sentences(record: Record, question: str, k: int = BASELINE_SENTENCES) -> list[str]:
    """The ``k`` sentences sharing most content words with the question, in text order."""
    asked = set(tokens(question)) - _STOP
    ps = passages_of(record)
    top = sorted(ps, key=lambda p: (-len(asked & set(tokens(p.text))), p.seq))[:k]
    return [p.text for p in sorted(top, key=lambda p: p.seq)]


def first_sentences(record: Record, k: int = 2) -> str:
    ps = passages_of(record)
    body = [p.text for p in ps if p.section != "TITLE"] or [p.text for p in ps]
    return " ".join(body[:k])


# -- running -----------------------------------------------------------------------------------
def build_store(records: list[Record], db: Path, progress: bool = False) -> tuple[Store, dict[str, float]]:
    """Records -> a store with enrichment, FTS5 and vectors (as eval/run.py builds one)."""
    from ..load import IngestReport, ingest_items, sync_vectors
    store = Store(db)
    t0 = time.perf_counter()
    ingest_items(store, iter(records), IngestReport())
    t1 = time.perf_counter()
    sync_vectors(store, progress=progress)
    return store, {"ingest_s": round(t1 - t0, 2), "embed_s": round(time.perf_counter() - t1, 2)}


def evaluate(qa: QASet, db: Path | None = None, mode: str = "hybrid", progress: bool = False,
             details: list[dict] | None = None, stance_model: Path | tuple[Path, ...] | None = None
             ) -> dict[str, object]:
    """Build the store (unless the set comes with none: then ``db`` must be a store), ask every
    question, run the baselines, score. Returns the JSON the CLI prints.

    ``stance_model``: stance model file(s) (``enrich.stance.use_model_file``) used instead of the
    shipped ones by the pipeline and by the bm25-top baseline, for this call only (held-out
    figures: a model trained without the questions scored; ``benchmarks/qa_folds.py``)."""
    from ..enrich import stance as stance_mod
    files = (stance_model,) if isinstance(stance_model, Path) else tuple(stance_model or ())
    with tempfile.TemporaryDirectory(prefix="evidex-qa-") as tmp:
        if qa.records:
            store, timings = build_store(qa.records, db or Path(tmp) / "qa.db", progress=progress)
        else:
            store, timings = Store(db), {}
        try:
            if files:
                stance_mod.use_model_file(*files)
            out = _evaluate(qa, store, mode, progress, timings, details)
            man = stance_mod.model_manifest()
            out["settings"]["stance_model"] = {"file": ", ".join(map(str, files)) or "shipped",
                                               "reader": stance_mod.reader(),
                                               "params_sha": man.get("params_sha"),
                                               "linear_params_sha": man.get("linear", {}).get("params_sha"),
                                               "holdout": man.get("holdout")}
            return out
        finally:
            if files:
                stance_mod.use_model_file(None)
            store.close()


def _evaluate(qa: QASet, store: Store, mode: str, progress: bool, timings: dict,
              details: list[dict] | None) -> dict[str, object]:
    from tqdm import tqdm

    from ..retrieve import bm25_match
    from ..synthesis.answer import ask
    from ..synthesis.faithfulness import violations
    stance_name, stance = stance_function()
    three_way = "maybe" in qa.yesno_classes
    rows: list[dict] = []
    ask_s: list[float] = []
    sources: Counter = Counter()
    errors: list[str] = []
    t_all = time.perf_counter()
    for it in tqdm(qa.items, desc="questions", unit="q", disable=not progress):
        t = time.perf_counter()
        try:
            answer = ask(store, it.question, limit=40, mode=mode)
        except Exception as exc:   # noqa: BLE001 - one failing question must not end the run: counted
            errors.append(f"{it.id}: {type(exc).__name__}: {exc}")
            answer = None
        ask_s.append(time.perf_counter() - t)
        yn, src = evidex_yes_no(answer) if answer else ("uncertain", "error")
        sources[src] += 1
        texts = evidex_texts(answer) if answer else []
        refs = [doc_key(r.id) for r in answer.references] if answer else []
        hit = next(iter(store.search(bm25_match(it.question), 1)), None)
        top = store.get(hit.record_id) if hit else None
        best = best_sentences(top.record, it.question) if top else []
        bm_yn = stance(it.question, best)
        rows.append({
            "item": it,
            "evidex": {"answer": "maybe" if three_way and yn == "uncertain" else yn,
                       "direction": answer.verdict.direction if answer else "error",
                       "p_yes": getattr(answer.verdict, "p_yes", None) if answer else None,
                       "question_type": getattr(answer.query, "question_type", None) if answer else None,
                       "candidates": candidates(texts, it.question) if it.type in ("factoid", "list") else [],
                       "summary": " ".join(t for t, _ in texts[:SUMMARY_STATEMENTS]), "refs": refs,
                       "violations": violations(answer) if answer else []},
            "bm25-top": {"answer": bm_yn if three_way or bm_yn != "maybe" else "uncertain",
                         "candidates": candidates([(s, 0) for s in best], it.question)
                         if it.type in ("factoid", "list") else [],
                         "summary": first_sentences(top.record) if top else "",
                         "refs": [doc_key(hit.record_id)] if hit else []}})
    wall = time.perf_counter() - t_all
    yes_no = [r for r in rows if r["item"].type == "yesno"]
    majority = Counter(r["item"].label for r in yes_no).most_common(1)[0][0] if yes_no else None
    for r in rows:
        r["majority"] = {"answer": majority if r["item"].type == "yesno" else None}
    out: dict[str, object] = {"dataset": qa.name, "questions": dict(Counter(it.type for it in qa.items)),
                              "docs": len(qa.records) if qa.records else store.count()}
    for system in SYSTEMS:
        out[system] = _score(rows, system, qa.yesno_classes)
    qtypes = [(r["evidex"]["question_type"], r["item"].type) for r in rows if r["evidex"]["question_type"]]
    out["evidex"]["question_type_accuracy"] = (round(sum(a == b for a, b in qtypes) / len(qtypes), 4)
                                               if qtypes else None)
    out["evidex"]["answers_with_violations"] = sum(bool(r["evidex"]["violations"]) for r in rows)
    out["evidex"]["ask_errors"] = len(errors)
    if errors:
        out["errors"] = errors[:20]
    out["timing"] = {**timings, "ask_ms_p50": round(_median(ask_s) * 1000, 2),
                     "ask_ms_p90": round(_pct(ask_s, 90) * 1000, 2), "wall_s": round(wall, 2),
                     "s_per_question": round(wall / max(len(rows), 1), 4)}
    out["settings"] = {"mode": mode, "yesno_classes": list(qa.yesno_classes), "majority_class": majority,
                       "evidex_yesno_from": dict(sources), "bm25_stance": stance_name,
                       "factoid_k": FACTOID_K, "list_k": LIST_K, "summary_statements": SUMMARY_STATEMENTS,
                       "candidates": CANDIDATE_METHOD}
    if details is not None:
        details += [_detail(r) for r in rows]
    return out


def _score(rows: list[dict], system: str, classes: tuple[str, ...]) -> dict[str, object]:
    res: dict[str, object] = dict.fromkeys(METRIC_KEYS)
    yn = [r for r in rows if r["item"].type == "yesno" and r["item"].label]
    if yn:
        gold = [r["item"].label for r in yn]
        pred = [r[system]["answer"] for r in yn]
        m = classification(gold, pred, classes)
        res.update(yesno_accuracy=round(m["accuracy"], 4), yesno_macro_f1=round(m["macro_f1"], 4),
                   yesno_uncertain=sum(p not in classes for p in pred))
    if system == "majority":
        return res
    fac = [r for r in rows if r["item"].type == "factoid" and r["item"].exact]
    if fac:
        res["factoid_mrr"] = _mean(reciprocal_rank(r[system]["candidates"], r["item"].exact[0]) for r in fac)
    lst = [list_prf(r[system]["candidates"], r["item"].exact) for r in rows
           if r["item"].type == "list" and r["item"].exact]
    if lst:
        res.update(list_precision=_mean(x[0] for x in lst), list_recall=_mean(x[1] for x in lst),
                   list_f1=_mean(x[2] for x in lst))
    summ = [r for r in rows if r["item"].type == "summary" and r["item"].ideal]
    if summ:
        res["summary_rouge2_f"] = _mean(max(rouge2(r[system]["summary"], ref) for ref in r["item"].ideal)
                                        for r in summ)
    gold_rows = [r for r in rows if r["item"].documents]
    if gold_rows:
        res["gold_doc_recall"] = _mean(float(bool(set(r[system]["refs"]) & set(r["item"].documents)))
                                       for r in gold_rows)
    if system == "evidex":
        res["faithfulness_violations"] = sum(len(r["evidex"]["violations"]) for r in rows)
    return res


def _detail(r: dict) -> dict:
    it: QAItem = r["item"]
    ev, bm = r["evidex"], r["bm25-top"]
    return {"id": it.id, "type": it.type, "question": it.question,
            "gold": it.label or [e[0] for e in it.exact] or (it.ideal[0][:300] if it.ideal else ""),
            "gold_documents": len(it.documents),
            "evidex": {**{k: ev[k] for k in ("answer", "direction", "p_yes", "question_type", "violations")},
                       "candidates": ev["candidates"][:LIST_K], "summary": ev["summary"][:500],
                       "references": len(ev["refs"]), "gold_in_refs": bool(set(ev["refs"]) & set(it.documents))},
            "bm25-top": {"answer": bm["answer"], "candidates": bm["candidates"][:LIST_K],
                         "top": bm["refs"][0] if bm["refs"] else None,
                         "gold_top": bool(set(bm["refs"]) & set(it.documents))}}


def _mean(xs: Iterable[float]) -> float:
    xs = list(xs)
    return round(sum(xs) / len(xs), 4) if xs else 0.0


def _median(xs: list[float]) -> float:
    return statistics.median(xs) if xs else 0.0


def _pct(xs: list[float], q: float) -> float:
    s = sorted(xs)
    return s[min(len(s) - 1, int(round((len(s) - 1) * q / 100)))] if s else 0.0
