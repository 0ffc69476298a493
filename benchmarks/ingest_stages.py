"""Ingest CPU per stage for one copy of the code, and a dump of the store it builds (identity checks).

    PYTHONPATH=<code>/src python benchmarks/ingest_stages.py OUT_DIR [ingest]

Input: every ../shared/data/pubmed_xml file, rct_medline records_dev.medline and cohen2006 15k
(common.build_dataset; 15,011 records). CPU seconds (time.process_time: the machine is
shared) for parse (every file to Records), enrich (appraise of those Records) and ingest
(load.ingest_paths into a fresh store, embed=False: parse + enrich + store + lexical index);
store + index is ingest minus the other two. With ``ingest`` only the ingest is timed.
Then every stored record is read back (Store.get) and written to OUT_DIR/dump.jsonl with its
row, text and appraisal JSON, and three searches' hits are hashed: run it for two codes
(``git worktree add --detach <dir> <rev>``, alternating sides) and ``cmp`` the dumps.
"""
from __future__ import annotations

import hashlib
import json
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

QUERIES = ("randomized placebo pain", "cohort mortality", "children asthma")


def main() -> None:
    from evidex import load
    from evidex.enrich import appraise
    from evidex.ingest import iter_file
    from evidex.records import Record
    from evidex.store import Store
    out = Path(sys.argv[1])
    only_ingest = sys.argv[2:] == ["ingest"]
    data = common.SHARED_DATA
    paths = (sorted((data / "pubmed_xml").glob("*.xml")) + [data / "rct_medline" / "records_dev.medline"]
             + [common.build_dataset("15k")[0]])
    cpu = time.process_time
    appraise(next(r for r in iter_file(paths[0]) if isinstance(r, Record)))   # models loaded before timing
    res: dict[str, object] = {}
    if not only_ingest:
        t = cpu()
        records = [r for p in paths for r in iter_file(p) if isinstance(r, Record)]
        res["parse"], res["records"] = cpu() - t, len(records)
        t = cpu()
        for r in records:
            appraise(r)
        res["enrich"] = cpu() - t
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    db = out / "s.db"
    t = cpu()
    with Store(db) as store:
        report = load.ingest_paths(store, paths, embed=False)
    res["ingest"], res["summary"] = cpu() - t, report.summary()
    if not only_ingest:
        res["store_index"] = res["ingest"] - res["parse"] - res["enrich"]
    digest, n = hashlib.sha256(), 0
    with Store(db) as store, open(out / "dump.jsonl", "w", encoding="utf-8") as fh:
        for (rid,) in store.conn.execute("SELECT id FROM record_data ORDER BY id").fetchall():
            got = store.get(rid)
            row = store.conn.execute("SELECT hash, title, design, level, year, source FROM record_data WHERE id=?",
                                     (rid,)).fetchone()
            line = json.dumps({"id": rid, "row": row, "record": got.record.to_json(), "text": got.record.text(),
                               "appraisal": got.appraisal.to_json()}, sort_keys=True, ensure_ascii=False)
            fh.write(line + "\n")
            digest.update(line.encode())
            n += 1
        digest.update(json.dumps([[str(h) for h in store.search(q, 20)] for q in QUERIES]).encode())
    res["stored"], res["digest"] = n, digest.hexdigest()[:16]
    print(json.dumps(res))


if __name__ == "__main__":
    main()
