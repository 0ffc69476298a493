"""Answer benchmark: the whole answer pipeline scored on the clinician dev set.

    .venv/bin/python benchmarks/answers.py                      # both corpora, stores in a temp dir
    .venv/bin/python benchmarks/answers.py --db-dir benchmarks/out/answers --record
    .venv/bin/python benchmarks/answers.py --corpus ldn --limit 3   # smoke run

The dev set (``data/clinician_dev.jsonl``, 43 questions written by an annotator) asks
questions of two corpora, each in its own store built with the project's ingest. Held-out
sets in the same format were written later by annotators who saw only the abstracts, never
an answer, one per session: ``data/clinician_heldout.jsonl`` (h01-h30),
``data/clinician_heldout2.jsonl`` (k01-k24), ``data/clinician_heldout3.jsonl`` (m01-m30),
and so on to ``data/clinician_heldout23.jsonl`` (i01-i30); each file's ids share one letter.
Score one with ``--dev-set``. Each set was scored only, never read, until a later
session wrote the next one; then its failures were read for kinds of error, so only the
newest set is held out (RESULTS.md says which figure is which).

- ``cohen2006``: ``evidex.load.ingest_paths(store, [../shared/data/cohen2006])``, the 14
  screening CSVs (13.9k distinct records, wordllama vectors included; about a minute);
- ``ldn``: ``../shared/data/ldn/dev_corpus.jsonl`` (51 records on low-dose naltrexone).

``--db-dir DIR`` keeps the stores (``DIR/<corpus>.db``) for later runs; ingest is
idempotent, so a store that already holds the data is reused at once. Without it the
stores live in a temporary folder removed at the end.

Each question is answered with ``evidex.synthesis.ask(store, question)`` and rendered with
``evidex.render.to_contract``. Checks, each pass or fail:

- direction: ``verdict.direction`` is one of ``expected_direction``;
- certainty: ``verdict.certainty`` is one of ``certainty_range``;
- comparator (when the question has one): it is found in ``query.comparators``, leniently
  (case-insensitive substring either way: "ibuprofen or naproxen" ~ "naproxen");
- key facts: one check per fact; the (lower-case) fact is a substring of the answer's text:
  every statement, key point and subsection statement, and every evidence-table cell,
  lower-cased, with Unicode dashes read as "-" and runs of white space as one space;
- gold: at least one of ``gold_ids`` is among the references' ids;
- faithfulness: ``evidex.synthesis.violations(answer)`` is empty (one check per question).

The score is the share of all checks passed (goal: at least 90%), shown per check type and
per corpus. Beside it, a "BM25 top record" baseline scored with the same checks: plain BM25
(``evidex.retrieve.bm25_match`` + ``store.search``) top 5 records; direction from
``evidex.enrich.direction.study_direction`` over the top record's results and conclusions
sentences (all its sentences when it has none tagged so); certainty always "low"; no
comparator; key facts against the text of the 5 records; gold against their ids; it makes
no statements, so it passes faithfulness trivially.

Latency: ``ask`` p50/p95 over the cohen2006 questions, each asked once (the scored call,
timed with ``time.perf_counter``) after one untimed warm-up question; beside it the p50 of
the baseline's ``store.search`` on the same questions. Goal: ask p50 at most 1.5 s on the
cohen2006 store (on 2 cores; the process is not pinned).

Per-question details (got/expected direction and certainty, the failed checks, the
baseline's) go to ``--details`` (JSONL; default ``out/answers-<corpus>.jsonl``). ``--record``
appends the report to RESULTS.md with ``common.append_results``.

Like the other benchmarks, the code under test is a frozen snapshot of src/evidex
(``out/code-<sha>``; ``--code`` to reuse one), unless evidex was imported before ``main``
ran (a driver that patches it), in which case that imported code is measured and said so.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
import traceback
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

DEV_SET = common.BENCH_DIR / "data" / "clinician_dev.jsonl"
CORPORA = ("cohen2006", "ldn")
CORPUS_INPUT = {"cohen2006": common.SHARED_DATA / "cohen2006",
                "ldn": common.SHARED_DATA / "ldn" / "dev_corpus.jsonl"}
# Records a complete store holds (13,938 distinct cohen2006 PMIDs less the 23 with neither
# title nor abstract; the 51 LDN records); a smaller store is ingested again (idempotent).
EXPECTED_RECORDS = {"cohen2006": 13_900, "ldn": 51}
WARMUP_QUESTION = "Is omeprazole effective for healing erosive oesophagitis?"
BASELINE_K = 5
CHECK_TYPES = ("direction", "certainty", "comparator", "key_fact", "gold", "faithfulness")

GOAL_SHARE = common.Goal("share of checks passed", ">=", 90, "%")
GOAL_P50 = common.Goal("ask latency p50 (cohen2006 store)", "<=", 1500, "ms")


# -- the dev set ---------------------------------------------------------------------------
def load_dev_set(path: Path = DEV_SET, corpus: str = "all", limit: int | None = None) -> list[dict]:
    """The questions of ``path`` for ``corpus`` ("all", "cohen2006" or "ldn"), at most
    ``limit`` per corpus, in file order."""
    if not path.is_file():
        sys.exit(f"dev set not found: {path}")
    out: list[dict] = []
    seen: Counter = Counter()
    for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            q = json.loads(line)
        except json.JSONDecodeError as exc:
            sys.exit(f"{path}:{i}: not JSON: {exc}")
        missing = {"id", "corpus", "question", "expected_direction", "certainty_range", "key_facts",
                   "gold_ids"} - set(q)
        if missing:
            sys.exit(f"{path}:{i}: missing fields {sorted(missing)}")
        if q["corpus"] not in CORPORA:
            sys.exit(f"{path}:{i}: unknown corpus {q['corpus']!r}")
        if corpus != "all" and q["corpus"] != corpus:
            continue
        if limit is not None and seen[q["corpus"]] >= limit:
            continue
        seen[q["corpus"]] += 1
        out.append(q)
    return out


# -- checks --------------------------------------------------------------------------------
_DASHES = re.compile(r"[\u2010-\u2015\u2212]")
_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Lower case, Unicode dashes as "-", white space runs as one space."""
    return _SPACE.sub(" ", _DASHES.sub("-", text.lower().replace("\u00a0", " "))).strip()


def answer_text(data: dict) -> str:
    """All the words of a contract a reader sees as the answer: statements, key points and
    subsection statements of every section, and every evidence-table cell (normalised)."""
    parts: list[str] = []
    for s in data.get("sections", []):
        parts += [x["text"] for x in s.get("statements", [])]
        parts += [x["text"] for x in s.get("key_points", [])]
        for sub in s.get("subsections", []):
            parts += [x["text"] for x in sub.get("statements", [])]
    for row in data.get("evidence_table", []):
        parts += [str(v) for k, v in row.items() if k != "ref" and v is not None]
    return normalise("\n".join(parts))


def comparator_found(expected: str, got: list[str]) -> bool:
    """The expected comparator inside a named one or the other way round; a name shown as the
    question wrote it with the library's name in brackets ("prevacid (lansoprazole)") counts by
    either name."""
    e = expected.lower().strip()
    names = []
    for g in (g.strip() for g in got if g.strip()):
        both = re.fullmatch(r"(.+?)\s*\((.+)\)", g)
        names += [g, *(both.groups() if both else ())]
    return any(e in n.lower() or n.lower().strip() in e for n in names)


@dataclass
class Check:
    kind: str           # one of CHECK_TYPES
    ok: bool
    label: str          # e.g. "key_fact '8 weeks'"
    expected: str
    got: str


def score(q: dict, direction: str, certainty: str, comparators: list[str] | None, text: str,
          ref_ids: list[str], n_violations: int | None) -> list[Check]:
    """The checks of one question. ``comparators`` None: the system names none (the
    baseline); ``n_violations`` None: the system makes no statements (passes)."""
    checks = [Check("direction", direction in q["expected_direction"], "direction",
                    "/".join(q["expected_direction"]), direction),
              Check("certainty", certainty in q["certainty_range"], "certainty",
                    "/".join(q["certainty_range"]), certainty)]
    if q.get("comparator"):
        got = list(comparators or [])
        checks.append(Check("comparator", comparator_found(q["comparator"], got), "comparator",
                            q["comparator"], ", ".join(got) or "none"))
    for fact in q["key_facts"]:
        checks.append(Check("key_fact", normalise(fact) in text, f"key_fact '{fact}'", fact,
                            "present" if normalise(fact) in text else "absent"))
    gold = set(q["gold_ids"])
    hit = [r for r in ref_ids if r in gold]
    checks.append(Check("gold", bool(hit), "gold", ", ".join(q["gold_ids"]),
                        ", ".join(hit) if hit else f"{len(ref_ids)} refs, none gold"))
    nv = n_violations or 0
    checks.append(Check("faithfulness", nv == 0, "faithfulness", "0 violations", f"{nv} violations"))
    return checks


@dataclass
class Result:
    q: dict
    system: str                       # "evidex" or "bm25"
    direction: str
    certainty: str
    checks: list[Check]
    ms: float
    refs: int = 0
    violations: list[str] = field(default_factory=list)
    comparators: list[str] = field(default_factory=list)
    error: str = ""

    @property
    def failed(self) -> list[Check]:
        return [c for c in self.checks if not c.ok]


def failed_all(q: dict, system: str, error: str, ms: float) -> Result:
    """A question whose pipeline raised: every check fails, the error is kept."""
    checks = score(q, "error", "error", [], "", [], 1)
    for c in checks:
        c.ok, c.got = False, "error"
    return Result(q, system, "error", "error", checks, ms, error=error)


def run_evidex(store, q: dict) -> Result:
    from evidex.render import to_contract
    from evidex.synthesis import ask, violations
    t0 = time.perf_counter()
    try:
        answer = ask(store, q["question"])
    except Exception as exc:  # noqa: BLE001 - the harness must survive a broken pipeline
        ms = (time.perf_counter() - t0) * 1000
        return failed_all(q, "evidex", f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=-3)}", ms)
    ms = (time.perf_counter() - t0) * 1000
    try:
        bad = list(violations(answer))
        data = to_contract(answer)
    except Exception as exc:  # noqa: BLE001
        return failed_all(q, "evidex", f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=-3)}", ms)
    comps = list(data["query"]["comparators"])
    checks = score(q, data["verdict"]["direction"], data["verdict"]["certainty"], comps, answer_text(data),
                   [r["id"] for r in data["references"]], len(bad))
    return Result(q, "evidex", data["verdict"]["direction"], data["verdict"]["certainty"], checks, ms,
                  refs=len(data["references"]), violations=[str(v) for v in bad], comparators=comps)


def _decisive_sentences(stored) -> list[str]:
    """The record's results and conclusions sentences (its sentence roles), else all of them."""
    from evidex.text import passages_of
    passages = [p for p in passages_of(stored.record) if p.section != "TITLE"]
    roles = stored.appraisal.sentence_roles
    picked = [p.text for p, r in zip(passages, roles) if r in ("results", "conclusions")]
    return picked or [p.text for p in passages] or [stored.record.title]


def bm25_search(store, question: str, k: int = BASELINE_K):
    from evidex.retrieve import bm25_match
    return store.search(bm25_match(question), k)


def run_bm25(store, q: dict, k: int = BASELINE_K) -> Result:
    from evidex.enrich.direction import study_direction
    t0 = time.perf_counter()
    hits = bm25_search(store, q["question"], k)
    ms = (time.perf_counter() - t0) * 1000
    ids = [h.record_id for h in hits]
    stored = store.get_many(ids)
    recs = [stored[i] for i in ids if i in stored]
    direction = study_direction(_decisive_sentences(recs[0])) if recs else "insufficient"
    if direction == "unclear":
        direction = "insufficient"      # the verdict's word for "nothing decisive"
    text = normalise("\n".join(r.record.text() for r in recs))
    checks = score(q, direction, "low", None, text, ids, None)
    return Result(q, "bm25", direction, "low", checks, ms, refs=len(ids))


# -- stores --------------------------------------------------------------------------------
def open_store(corpus: str, db_dir: Path, code: str = "unknown", progress: bool = False):
    """Open ``db_dir/<corpus>.db``, ingesting the corpus when it is not all there.
    Returns (store, note on how it was prepared)."""
    from evidex.load import ingest_paths, sync_vectors
    from evidex.store import Store
    src = CORPUS_INPUT[corpus]
    if not src.exists():
        sys.exit(f"benchmark data not found: {src} (the answer benchmark needs ../shared/data)")
    db_dir.mkdir(parents=True, exist_ok=True)
    db = db_dir / f"{corpus}.db"
    built_by = db_dir / f"{corpus}.db.code"
    store = Store(db)
    t0 = time.perf_counter()
    have = store.count()
    if have >= EXPECTED_RECORDS[corpus]:
        embedded = sync_vectors(store, progress=progress)       # no-op when up to date
        note = f"reused ({have:,} records{f', {embedded:,} embedded now' if embedded else ''})"
    else:
        rep = ingest_paths(store, [src], progress=progress)
        built_by.write_text(code)
        note = (f"ingested {rep.records_read:,} records ({rep.stats.added:,} added, {rep.embedded:,} embedded, "
                f"{len(rep.problems)} problems)")
    dt = time.perf_counter() - t0
    made = built_by.read_text().strip() if built_by.is_file() else "unknown"
    if made != code:
        print(f"warning: {db} was built by code {made}, the questions run on code {code}; "
              f"delete it (or use another --db-dir) for a store of this code", file=sys.stderr)
    return store, f"{note} in {dt:.1f} s; appraised by code {made}"


# -- the run -------------------------------------------------------------------------------
def _bar(items, desc: str):
    try:
        from tqdm import tqdm
        return tqdm(items, desc=desc, unit="q", file=sys.stderr, disable=not sys.stderr.isatty())
    except ImportError:
        return items


def run_corpus(store, questions: list[dict], warmup: bool = True) -> tuple[list[Result], list[Result], float]:
    """Evidex and the baseline on ``questions``; returns (evidex, bm25, warm-up ms)."""
    from evidex.synthesis import ask
    warm_ms = 0.0
    if warmup and questions:
        t0 = time.perf_counter()
        try:
            ask(store, WARMUP_QUESTION)
            store.search(_warm_match(), BASELINE_K)
        except Exception as exc:  # noqa: BLE001
            print(f"warning: warm-up question failed: {exc}", file=sys.stderr)
        warm_ms = (time.perf_counter() - t0) * 1000
    ev, bm = [], []
    for q in _bar(questions, f"{questions[0]['corpus'] if questions else ''} questions"):
        ev.append(run_evidex(store, q))
        bm.append(run_bm25(store, q))
    return ev, bm, warm_ms


def _warm_match() -> str:
    from evidex.retrieve import bm25_match
    return bm25_match(WARMUP_QUESTION)


def shares(results: list[Result]) -> dict[str, tuple[int, int]]:
    """{"all" | check type: (passed, total)}."""
    out: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for r in results:
        for c in r.checks:
            for key in ("all", c.kind):
                out[key][0] += c.ok
                out[key][1] += 1
    return {k: (v[0], v[1]) for k, v in out.items()}


def pct(p: tuple[int, int] | None) -> str:
    if not p or not p[1]:
        return "—"
    return f"{100 * p[0] / p[1]:.1f}% ({p[0]}/{p[1]})"


def failure_kinds(results: list[Result]) -> list[tuple[str, int, list[str]]]:
    """Failures grouped by kind, most common first: (kind, count, examples)."""
    kinds: dict[str, list[str]] = defaultdict(list)
    for r in results:
        qid = r.q["id"]
        if r.error:
            kinds["pipeline error"].append(f"{qid}: {r.error.splitlines()[0][:120]}")
            continue
        for c in r.failed:
            if c.kind == "direction":
                kind = f"direction: got {c.got}, another expected"
            elif c.kind == "certainty":
                kind = f"certainty {_certainty_side(c.got, r.q['certainty_range'])} the expected range"
            elif c.kind == "comparator":
                kind = "comparator not parsed" if c.got == "none" else "comparator parsed differently"
            elif c.kind == "key_fact":
                kind = ("key fact absent from the answer text (a number)" if any(ch.isdigit() for ch in c.expected)
                        else "key fact absent from the answer text (a term)")
            elif c.kind == "gold":
                kind = "no gold record cited"
            else:
                kind = "faithfulness violation"
            kinds[kind].append(f"{qid}: expected {c.expected!r}, got {c.got!r}"
                               + (f" ({r.violations[0][:100]})" if c.kind == "faithfulness" and r.violations else ""))
    return sorted(((k, len(v), v) for k, v in kinds.items()), key=lambda t: (-t[1], t[0]))


_CERTAINTY = ("very_low", "low", "moderate", "high")


def _certainty_side(got: str, expected: list[str]) -> str:
    if got not in _CERTAINTY:
        return "outside"
    ranks = [_CERTAINTY.index(e) for e in expected if e in _CERTAINTY]
    if not ranks:
        return "outside"
    return "above" if _CERTAINTY.index(got) > max(ranks) else "below"


def detail_row(ev: Result, bm: Result) -> dict:
    return {"id": ev.q["id"], "corpus": ev.q["corpus"], "question": ev.q["question"],
            "direction": ev.direction, "expected_direction": ev.q["expected_direction"],
            "certainty": ev.certainty, "certainty_range": ev.q["certainty_range"],
            "comparator": ev.q.get("comparator"), "comparators": ev.comparators,
            "passed": sum(c.ok for c in ev.checks), "checks": len(ev.checks),
            "failed": [{"check": c.label, "expected": c.expected, "got": c.got} for c in ev.failed],
            "ms": round(ev.ms, 1), "references": ev.refs, "violations": ev.violations, "error": ev.error,
            "bm25": {"direction": bm.direction, "passed": sum(c.ok for c in bm.checks), "checks": len(bm.checks),
                     "failed": [c.label for c in bm.failed], "ms": round(bm.ms, 2)}}


def question_table(evs: list[Result]) -> str:
    rows = []
    for r in evs:
        rows.append([r.q["id"], f"{r.direction} / {'|'.join(r.q['expected_direction'])}",
                     f"{r.certainty} / {'|'.join(r.q['certainty_range'])}",
                     f"{sum(c.ok for c in r.checks)}/{len(r.checks)}",
                     "; ".join(c.label for c in r.failed).replace("|", "/") or "—"])
    return common.table(["id", "direction got / expected", "certainty got / expected", "passed",
                         "failed checks"], rows)


def report(evs: list[Result], bms: list[Result], prep: dict[str, str], warm: dict[str, float],
           wall_s: float, dev_set: Path = DEV_SET) -> tuple[str, bool]:
    corpora = [c for c in CORPORA if any(r.q["corpus"] == c for r in evs)]
    se, sb = shares(evs), shares(bms)
    per = Counter(r.q["corpus"] for r in evs)
    parts = [f"Question set `benchmarks/data/{dev_set.name}`: {len(evs)} questions "
             f"({', '.join(f'{c} {per[c]}' for c in corpora)}); whole run (stores included) {wall_s:.0f} s.\n",
             common.table(["store", "prepared"], [[c, prep[c]] for c in corpora]),
             "\nShare of checks passed, Evidex (`ask`) beside the BM25 top-record baseline "
             f"(top {BASELINE_K} records, direction of the top record, certainty always low):\n"]
    rows = [["all checks", pct(se.get("all")), pct(sb.get("all"))]]
    rows += [[k, pct(se.get(k)), pct(sb.get(k))] for k in CHECK_TYPES if k in se]
    for c in corpora:
        rows.append([f"corpus {c}", pct(shares([r for r in evs if r.q["corpus"] == c]).get("all")),
                     pct(shares([r for r in bms if r.q["corpus"] == c]).get("all"))])
    rows.append(["questions with every check passed", f"{sum(not r.failed for r in evs)}/{len(evs)}",
                 f"{sum(not r.failed for r in bms)}/{len(bms)}"])
    parts.append(common.table(["check", "Evidex", "BM25 top record"], rows))
    errors = [r for r in evs if r.error]
    if errors:
        parts.append(f"\n{len(errors)} question(s) raised in the pipeline (every check counted failed): "
                     + ", ".join(r.q["id"] for r in errors))

    cohen = [i for i, r in enumerate(evs) if r.q["corpus"] == "cohen2006" and not r.error]
    p50 = None
    if cohen:
        ask_ms = [evs[i].ms for i in cohen]
        bm_ms = [bms[i].ms for i in cohen]
        p50, p95 = common.percentile(ask_ms, 50), common.percentile(ask_ms, 95)
        b50 = common.percentile(bm_ms, 50)
        parts.append(f"\nLatency on the cohen2006 store over {len(cohen)} questions, each asked once after one "
                     f"untimed warm-up ({warm.get('cohen2006', 0):.0f} ms), {common.machine_info()['nproc']} "
                     f"CPU(s), not pinned:\n")
        parts.append(common.table(
            ["measure", "p50 ms", "p95 ms", "max ms"],
            [["`evidex.synthesis.ask`", f"{p50:.0f}", f"{p95:.0f}", f"{max(ask_ms):.0f}"],
             [f"BM25 `store.search` (top {BASELINE_K})", f"{b50:.1f}",
              f"{common.percentile(bm_ms, 95):.1f}", f"{max(bm_ms):.1f}"],
             ["ratio ask / BM25 (p50)", f"{p50 / b50:.0f}x" if b50 else "—", "", ""]]))
        slow = sorted((evs[i] for i in cohen), key=lambda r: -r.ms)[:5]
        parts.append("\nSlowest questions:\n")
        parts.append(common.table(["id", "ms", "refs", "question"],
                                  [[r.q["id"], f"{r.ms:.0f}", r.refs, r.q["question"]] for r in slow]))
    kinds = failure_kinds(evs)
    if kinds:
        parts.append("\nMost common failures (Evidex):\n")
        parts.append(common.table(["failure", "count", "examples"],
                                  [[k, n, "; ".join(ex[:3]).replace("|", "/")] for k, n, ex in kinds[:8]]))
    share = 100 * se["all"][0] / se["all"][1] if se.get("all") and se["all"][1] else 0.0
    goal_rows = [[GOAL_SHARE.name, GOAL_SHARE.text(), f"{share:.1f}%", GOAL_SHARE.check(share)]]
    if p50 is not None:
        goal_rows.append([GOAL_P50.name, GOAL_P50.text(), f"{p50:.0f} ms", GOAL_P50.check(p50)])
    parts.append("\nGoals:\n")
    parts.append(common.table(["measure", "goal", "measured", "status"], goal_rows))
    return "\n".join(parts) + "\n", all(r[-1] == "OK" for r in goal_rows)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db-dir", type=Path, help="keep the stores here (DIR/<corpus>.db) and reuse them; "
                    "default: a temporary folder removed at the end")
    ap.add_argument("--corpus", default="all", choices=["all", *CORPORA])
    ap.add_argument("--limit", type=int, help="at most N questions per corpus")
    ap.add_argument("--details", type=Path, help="per-question JSONL (default out/answers-<corpus>.jsonl)")
    ap.add_argument("--dev-set", type=Path, default=DEV_SET,
                    help="question set to score (default data/clinician_dev.jsonl; the held-out sets: "
                         "data/clinician_heldout.jsonl, data/clinician_heldout2.jsonl)")
    ap.add_argument("--code", type=Path, help="measure this earlier snapshot (out/code-<sha>)")
    ap.add_argument("--out", type=Path, default=common.DEFAULT_OUT, help="scratch folder (gitignored)")
    ap.add_argument("--record", action="store_true", help="append the report to RESULTS.md")
    a = ap.parse_args(argv)
    if a.limit is not None and a.limit < 1:
        ap.error("--limit must be at least 1")
    questions = load_dev_set(a.dev_set, a.corpus, a.limit)
    if not questions:
        sys.exit(f"no questions for corpus {a.corpus} in {a.dev_set}")
    for c in dict.fromkeys(q["corpus"] for q in questions):
        if not CORPUS_INPUT[c].exists():
            sys.exit(f"benchmark data not found: {CORPUS_INPUT[c]} (the answer benchmark needs ../shared/data)")
    a.out.mkdir(parents=True, exist_ok=True)
    start = common.machine_info()
    preloaded = "evidex" in sys.modules
    if preloaded:
        # A driver imported (and maybe patched) evidex first: measure what it imported.
        import evidex
        where = Path(evidex.__file__).resolve().parent
        _, start["code"], start["code_commit"] = common.snapshot_code(a.out, a.code)
        start["code"] += f" (evidex imported before the run from {where}, not the snapshot)"
        print(f"note: evidex was imported before the benchmark started; measuring {where}", file=sys.stderr)
    else:
        code_dir, start["code"], start["code_commit"] = common.snapshot_code(a.out, a.code)
        common.use_snapshot(code_dir)

    t_run = time.perf_counter()
    tmp = None
    db_dir = a.db_dir
    if db_dir is None:
        tmp = tempfile.TemporaryDirectory(prefix="evidex-answers-")
        db_dir = Path(tmp.name)
    evs: list[Result] = []
    bms: list[Result] = []
    prep: dict[str, str] = {}
    warm: dict[str, float] = {}
    try:
        for corpus in CORPORA:
            qs = [q for q in questions if q["corpus"] == corpus]
            if not qs:
                continue
            print(f"{corpus}: preparing store in {db_dir} ...", file=sys.stderr, flush=True)
            store, prep[corpus] = open_store(corpus, db_dir, start["code"].split()[0], progress=sys.stderr.isatty())
            print(f"{corpus}: {prep[corpus]}", file=sys.stderr, flush=True)
            try:
                e, b, warm[corpus] = run_corpus(store, qs)
            finally:
                store.close()
            evs += e
            bms += b
    finally:
        if tmp is not None:
            tmp.cleanup()
    wall_s = time.perf_counter() - t_run

    details = a.details or a.out / f"answers-{a.corpus}.jsonl"
    details.parent.mkdir(parents=True, exist_ok=True)
    with open(details, "w", encoding="utf-8") as fh:
        for e, b in zip(evs, bms):
            fh.write(json.dumps(detail_row(e, b), ensure_ascii=False) + "\n")

    body, ok = report(evs, bms, prep, warm, wall_s, a.dev_set)
    print("\nPer question (Evidex):\n")
    print(question_table(evs))
    print("\n" + body)
    print(f"details: {details}")
    print("ALL GOALS OK" if ok else "SOME GOALS FAIL")
    if a.record:
        cmd = "python benchmarks/answers.py " + " ".join(argv if argv is not None else sys.argv[1:])
        title = "clinician dev set" if a.dev_set.resolve() == DEV_SET.resolve() else f"clinician set {a.dev_set.stem}"
        common.append_results(f"Answers ({title})", cmd.strip(), body, start)
        print(f"appended to {common.RESULTS_MD}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
