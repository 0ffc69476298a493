"""Enrichment CPU per record, code at a git revision beside the code now, with an output digest.

    .venv/bin/python benchmarks/enrich_speed.py --against REV [--repeat 3] [--record]

The input is fixed: every real citation of ../shared/data/pubmed_xml, medline_text and
rct_medline (dev), plus the first 3,000 cohen2006 citations (benchmarks/common.py, "3k"):
about 4,000 records. Each side runs in a fresh interpreter importing its own copy of
src/evidex (REV from git, "now" a snapshot of the working tree), the two sides interleaved
``--repeat`` times (best CPU time kept, since the machine is shared). Besides the time, each
side hashes every output of enrichment over the same records: ``appraise`` with detail off
(what ingest stores) and on, ``passages_of``, and the public number/role/PICO/direction
functions that other modules call. A speed-up counts only if the digests are equal.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

SCRIPT = Path(__file__).resolve()


def _inputs() -> list[Path]:
    data = common.SHARED_DATA
    path, _ = common.build_dataset("3k")
    return (sorted((data / "pubmed_xml").glob("*.xml")) + sorted((data / "medline_text").glob("*.txt"))
            + [data / "rct_medline" / "records_dev.medline", path])


def _worker(repeat: int) -> None:
    """In the interpreter of one side: CPU ms per record (best of ``repeat``) and the digests."""
    from dataclasses import asdict

    from evidex.enrich import appraise, direction, numbers, pico, roles
    from evidex.ingest import iter_file
    from evidex.records import Record
    from evidex.text import numbers_in, passages_of
    records = [r for p in _inputs() for r in iter_file(p) if isinstance(r, Record)]
    appraise(records[0], detail=True)              # models and vocabulary loaded before timing
    out: dict[str, object] = {"records": len(records)}
    for name, detail in (("fast", False), ("detail", True)):
        best = float("inf")
        for _ in range(repeat if not detail else 1):
            t = time.process_time()
            for r in records:
                appraise(r, detail=detail)
            best = min(best, time.process_time() - t)
        out[f"{name}_ms"] = 1000 * best / len(records)
    digests = {k: hashlib.sha256() for k in ("fast", "detail", "passages", "parts")}

    def put(key: str, obj: object) -> None:
        digests[key].update(json.dumps(obj, sort_keys=True, default=str, ensure_ascii=False).encode() + b"\n")
    for r in records:
        put("fast", appraise(r).to_json())
        put("detail", appraise(r, detail=True).to_json())
        ps = passages_of(r)
        put("passages", [asdict(p) for p in ps])
        for p in ps:
            put("parts", [repr(numbers.counts(p.text)), repr(numbers.effect_numbers(p.text)),
                          direction.sentence_direction(p.text), direction.effect_polarity(p.text),
                          sorted(numbers_in(p.text))])
        body = " ".join(s.text for s in r.sections)
        put("parts", [repr(numbers.sample_size(body)), repr(numbers.doses(body)),
                      repr(pico.extract(r.title, [p.text for p in ps][1:6])), roles.sentence_roles(r),
                      roles.sentence_roles(r, use_model=False)])
    out.update({f"digest_{k}": h.hexdigest()[:16] for k, h in digests.items()})
    print(json.dumps(out))


def _run(code: Path, repeat: int) -> dict:
    env = dict(os.environ, PYTHONPATH=str(code))
    proc = subprocess.run([sys.executable, str(SCRIPT), "--worker", str(repeat)], capture_output=True, text=True,
                          env=env, timeout=3600)
    if proc.returncode != 0:
        raise RuntimeError(f"worker failed ({proc.returncode}):\n{proc.stderr[-4000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--worker":
        _worker(int(sys.argv[2]))
        return
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--against", required=True, metavar="REV", help="git revision of the code to compare with")
    ap.add_argument("--repeat", type=int, default=3, help="timed passes per side for detail off (best kept)")
    ap.add_argument("--rounds", type=int, default=2, help="old/new interleaved rounds (best kept)")
    ap.add_argument("--out", type=Path, default=common.DEFAULT_OUT)
    ap.add_argument("--record", action="store_true", help="append a section to RESULTS.md")
    a = ap.parse_args()
    import importlib.util
    spec = importlib.util.spec_from_file_location("bench_web", SCRIPT.with_name("web.py"))
    web = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(web)
    a.out.mkdir(parents=True, exist_ok=True)
    start = common.machine_info()
    new_dir, start["code"], start["code_commit"] = common.snapshot_code(a.out)
    old_dir, old_sha = web.code_of(a.against, a.out)
    runs: dict[str, list[dict]] = {"old": [], "new": []}
    for _ in range(a.rounds):
        for side, code in (("old", old_dir), ("new", new_dir)):
            r = _run(code, a.repeat)
            runs[side].append(r)
            print(f"  {side}: {r['fast_ms']:.3f} ms/record (detail off), {r['detail_ms']:.3f} (on)", flush=True)
    best = {s: {k: min(r[k] for r in rs) for k in ("fast_ms", "detail_ms")} for s, rs in runs.items()}
    keys = [k for k in runs["old"][0] if k.startswith("digest_")]
    same = {k: len({r[k] for rs in runs.values() for r in rs}) == 1 for k in keys}
    rows = [[f"appraise, detail {'off (ingest)' if k == 'fast_ms' else 'on (show, web)'}",
             f"{best['old'][k]:.3f}", f"{best['new'][k]:.3f}", f"{best['old'][k] / best['new'][k]:.2f}x",
             common.fmt(1000 / best["new"][k])] for k in ("fast_ms", "detail_ms")]
    body = (f"Input: {runs['new'][0]['records']:,} real citations (pubmed_xml, medline_text, rct_medline dev, "
            f"cohen2006 3k); old = code at `{old_sha}`, new = `{new_dir.name}`; each side a fresh process, "
            f"{a.rounds} interleaved rounds, best CPU time kept.\n\n"
            + common.table(["CPU ms per record", "old", "new", "old / new", "new records/CPU-s"], rows)
            + "\n\nOutput digests (sha256 of every output, old = new?): "
            + ", ".join(f"{k.removeprefix('digest_')} {runs['new'][0][k]} {'equal' if v else 'DIFFERENT'}"
                        for k, v in same.items()) + "\n")
    print("\n" + body)
    if a.record:
        cmd = "python benchmarks/enrich_speed.py " + " ".join(sys.argv[1:])
        common.append_results(f"Enrichment CPU per record: code at {old_sha} vs now", cmd, body, start)
    if not all(same.values()):
        sys.exit("outputs differ between the two codes")


if __name__ == "__main__":
    main()
