"""Build the packaged condition synonym table from MeSH (public-domain NLM vocabulary).

Input: ../shared/data/mesh/ctd_mesh_descriptor_synonyms.jsonl (MeSH disease descriptors
with entry terms). Output: src/evidex/vocab/mesh_conditions.tsv.gz with lines
``term<TAB>canonical<TAB>mesh_id``; a term MeSH writes only in capitals ("ALL", "AIDS") keeps them,
so that a lower-case word ("all", "aids") is not read as the acronym. Inverted entry terms ("Pain, Deafferentation") and
plural duplicates are dropped; curated rows in curated.tsv override these at load time.

Second output: src/evidex/vocab/mesh_symptoms.tsv, the MeSH descriptors under "Signs and
Symptoms" (tree C23.888, from ../shared/data/mesh/dhimmel_mesh2015_tree-numbers.tsv) as
``mesh_id<TAB>name``: a symptom measured on a scale, not an event a trial counts.

    python scripts/build_vocab.py [--source PATH] [--trees PATH]
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
    ap.add_argument("--trees", type=Path,
                    default=ROOT.parent / "shared/data/mesh/dhimmel_mesh2015_tree-numbers.tsv")
    args = ap.parse_args()
    rows: dict[str, tuple[str, str]] = {}
    lower_case: set[str] = set()            # keys some spelling writes other than all in capitals
    for line in args.source.open(encoding="utf-8"):
        d = json.loads(line)
        canonical = d["name"].lower()
        for term in [d["name"], *d["entry_terms"]]:
            if "," in term or len(term) < 3:
                continue
            key = " ".join(term.lower().split())
            rows.setdefault(key, (canonical, d["mesh_id"]))
            if not term.isupper():
                lower_case.add(key)
    out = ROOT / "src/evidex/vocab/mesh_conditions.tsv.gz"
    with gzip.open(out, "wt", encoding="utf-8", compresslevel=9) as fh:
        for term in sorted(rows):
            written = term if term in lower_case else term.upper()
            fh.write(f"{written}\t{rows[term][0]}\t{rows[term][1]}\n")
    print(f"wrote {len(rows)} terms to {out} ({out.stat().st_size // 1024} KiB)")
    symptoms: dict[str, str] = {}
    with args.trees.open(encoding="utf-8") as fh:
        next(fh)                                   # header: mesh_id, mesh_name, mesh_tree_number
        for line in fh:
            mesh_id, name, tree = line.rstrip("\n").split("\t")
            if tree.startswith("C23.888"):
                symptoms.setdefault(mesh_id, name.lower())
    out = ROOT / "src/evidex/vocab/mesh_symptoms.tsv"
    out.write_text("".join(f"{i}\t{n}\n" for i, n in sorted(symptoms.items())), encoding="utf-8")
    print(f"wrote {len(symptoms)} symptom descriptors to {out}")


if __name__ == "__main__":
    main()
