"""Build the packaged condition synonym table from MeSH (public-domain NLM vocabulary).

Input: ../shared/data/mesh/ctd_mesh_descriptor_synonyms.jsonl (MeSH disease descriptors
with entry terms). Output: src/evidex/vocab/mesh_conditions.tsv.gz with lines
``term<TAB>canonical<TAB>mesh_id``. Inverted entry terms ("Pain, Deafferentation") and
plural duplicates are dropped; curated rows in curated.tsv override these at load time.

    python scripts/build_vocab.py [--source PATH]
"""
from __future__ import annotations

import argparse
import gzip
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--source", type=Path,
                    default=ROOT.parent / "shared/data/mesh/ctd_mesh_descriptor_synonyms.jsonl")
    args = ap.parse_args()
    rows: dict[str, tuple[str, str]] = {}
    for line in args.source.open(encoding="utf-8"):
        d = json.loads(line)
        canonical = d["name"].lower()
        for term in [d["name"], *d["entry_terms"]]:
            if "," in term or len(term) < 3:
                continue
            key = " ".join(term.lower().split())
            rows.setdefault(key, (canonical, d["mesh_id"]))
    out = ROOT / "src/evidex/vocab/mesh_conditions.tsv.gz"
    with gzip.open(out, "wt", encoding="utf-8", compresslevel=9) as fh:
        for term in sorted(rows):
            fh.write(f"{term}\t{rows[term][0]}\t{rows[term][1]}\n")
    print(f"wrote {len(rows)} terms to {out} ({out.stat().st_size // 1024} KiB)")


if __name__ == "__main__":
    main()
