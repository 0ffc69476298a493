"""Loaders for the IR test collections in ../shared/data: corpus, queries, qrels.

Layouts read (detected from the file, not its name):
- corpus: SciFact ``corpus.jsonl`` ({"doc_id", "title", "abstract": [sentences]}), BEIR
  ``corpus.jsonl`` ({"_id", "title", "text"}), TSV ``id<TAB>text`` (NFCorpus ``docs.tsv``),
  or BioASQ golden JSON (the corpus is then built from the gold snippets, see below);
- queries: SciFact claims ({"id", "claim"}), BEIR ({"_id", "text"}), TSV ``id<TAB>text``, or
  BioASQ golden JSON ({"questions": [{"id", "body", "documents", "snippets"}]});
- qrels: BEIR TSV (``query-id corpus-id score`` with a header), TREC (``qid 0 docid rel``), or
  the BioASQ golden JSON itself (each listed document is relevant, grade 1).

BioASQ ships no document collection: the corpus here is one pseudo-document per PubMed id,
the concatenation of every gold snippet taken from it (title snippets first), pooled over
all the golden files given (about 12.5k documents for the 2,100 questions of 7b-10b and
the 13b subset). Every document is relevant to some question, so each query's distractors
are other questions' evidence; gold documents with no snippet text cannot be retrieved and
are dropped from the qrels.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

PRESETS: dict[str, dict[str, str]] = {
    "scifact": {"corpus": "scifact/corpus.jsonl", "queries": "scifact/claims_train.jsonl",
                "qrels": "scifact/qrels_train.tsv"},
    "nfcorpus": {"corpus": "nfcorpus/docs.tsv", "queries": "nfcorpus/queries_dev.tsv",
                 "qrels": "nfcorpus/qrels_dev.tsv"},
    "bioasq": {"corpus": "bioasq", "queries": "bioasq", "qrels": "bioasq"},
}


@dataclass(frozen=True)
class Doc:
    id: str
    title: str
    text: str


@dataclass
class Collection:
    name: str
    docs: list[Doc]
    queries: dict[str, str]                       # id -> text, in file order
    qrels: dict[str, dict[str, int]] = field(default_factory=dict)   # qid -> {docid: grade}

    def judged_queries(self) -> list[str]:
        """Queries with at least one relevant document in the corpus, in file order."""
        ids = {d.id for d in self.docs}
        return [q for q in self.queries if any(g > 0 and d in ids for d, g in self.qrels.get(q, {}).items())]


def shared_data_dir() -> Path | None:
    """``$EVIDEX_SHARED_DATA``, else ``../shared/data`` beside the working directory or the repo."""
    from ..settings import current    # the shared_data setting ($EVIDEX_SHARED_DATA, config file)
    env = current().shared_data
    candidates = [Path(env)] if env else []
    candidates += [Path.cwd().parent / "shared" / "data", Path(__file__).resolve().parents[3].parent / "shared" / "data"]
    return next((c for c in candidates if c.is_dir()), None)


def preset_paths(name: str, root: Path | None = None) -> tuple[Path, Path, Path]:
    if name not in PRESETS:
        raise ValueError(f"unknown dataset {name!r}; choose from {', '.join(PRESETS)}")
    base = root or shared_data_dir()
    if base is None:
        raise FileNotFoundError("shared data not found: set EVIDEX_SHARED_DATA or run beside ../shared/data")
    p = PRESETS[name]
    return base / p["corpus"], base / p["queries"], base / p["qrels"]


# -- BioASQ -------------------------------------------------------------------------------
def _bioasq_files(path: Path) -> list[Path]:
    return sorted(path.glob("*.json")) if path.is_dir() else [path]


def _is_bioasq(path: Path) -> bool:
    if path.is_dir():
        return any(path.glob("*golden*.json")) or any(path.glob("*.json"))
    if path.suffix != ".json":
        return False
    with open(path, encoding="utf-8") as fh:
        return fh.read(64).lstrip().startswith('{"questions"') or '"questions"' in fh.read(4096)


def _pmid(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[-1]


def _offset(snippet: dict) -> int:
    try:
        return int(snippet.get("offsetInBeginSection") or 0)
    except (TypeError, ValueError):
        return 0


def load_bioasq(path: Path) -> Collection:
    questions: dict[str, dict] = {}
    for f in _bioasq_files(path):
        for q in json.loads(f.read_text(encoding="utf-8")).get("questions", []):
            questions.setdefault(q["id"], q)
    snippets: dict[str, dict[str, list[tuple[int, str]]]] = {}
    for q in questions.values():
        for s in q.get("snippets") or []:
            doc = snippets.setdefault(_pmid(s["document"]), {"title": [], "abstract": []})
            part = "title" if str(s.get("beginSection", "")).lower() == "title" else "abstract"
            text = " ".join(str(s.get("text", "")).split())
            if text and text not in (t for _, t in doc[part]):
                doc[part].append((_offset(s), text))

    def joined(parts: list[tuple[int, str]]) -> str:
        # In the order of the source text (each snippet's offset), as the abstract reads.
        return " ".join(t for _, t in sorted(parts, key=lambda ot: ot[0]))

    docs = [Doc(pmid, joined(v["title"]), joined(v["abstract"])) for pmid, v in sorted(snippets.items())]
    queries = {qid: q["body"] for qid, q in questions.items()}
    qrels = {qid: {_pmid(u): 1 for u in q.get("documents") or [] if _pmid(u) in snippets}
             for qid, q in questions.items()}
    return Collection("bioasq", docs, queries, qrels)


# -- generic layouts ----------------------------------------------------------------------
def load_corpus(path: Path) -> list[Doc]:
    if _is_bioasq(path):
        return load_bioasq(path).docs
    if path.suffix == ".jsonl":
        out = []
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                if not line.strip():
                    continue
                d = json.loads(line)
                if "doc_id" in d:                               # SciFact
                    body = d.get("abstract") or []
                    out.append(Doc(str(d["doc_id"]), d.get("title") or "",
                                   " ".join(body) if isinstance(body, list) else str(body)))
                else:                                           # BEIR
                    out.append(Doc(str(d["_id"]), d.get("title") or "", d.get("text") or ""))
        return out
    out = []
    with open(path, encoding="utf-8") as fh:                    # id<TAB>text[<TAB>...]
        for line in fh:
            parts = line.rstrip("\n").split("\t")
            if len(parts) >= 2 and parts[0]:
                title, text = (parts[1], " ".join(parts[2:])) if len(parts) > 2 else ("", parts[1])
                out.append(Doc(parts[0], title, text))
    return out


def load_queries(path: Path) -> dict[str, str]:
    if _is_bioasq(path):
        return load_bioasq(path).queries
    out: dict[str, str] = {}
    with open(path, encoding="utf-8") as fh:
        if path.suffix == ".jsonl":
            for line in fh:
                if line.strip():
                    d = json.loads(line)
                    qid = str(d.get("id", d.get("_id")))
                    out[qid] = d.get("claim") or d.get("text") or d.get("query") or ""
        else:
            for line in fh:
                parts = line.rstrip("\n").split("\t")
                if len(parts) >= 2:
                    out[parts[0]] = parts[1]
    return out


def load_qrels(path: Path) -> dict[str, dict[str, int]]:
    if _is_bioasq(path):
        return load_bioasq(path).qrels
    out: dict[str, dict[str, int]] = {}
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            parts = line.split()
            if len(parts) == 4:                                 # TREC: qid 0 docid rel
                qid, _, doc, rel = parts
            elif len(parts) == 3:                               # BEIR: qid docid score
                qid, doc, rel = parts
            else:
                continue
            if not rel.lstrip("-").isdigit():
                continue                                        # header line
            out.setdefault(qid, {})[doc] = int(rel)
    return out


def load(corpus: Path, queries: Path, qrels: Path, name: str = "custom") -> Collection:
    if _is_bioasq(queries):
        col = load_bioasq(queries)
        if corpus != queries and not _is_bioasq(corpus):
            col.docs = load_corpus(corpus)
        return Collection(name, col.docs, col.queries, col.qrels if qrels == queries else load_qrels(qrels))
    return Collection(name, load_corpus(corpus), load_queries(queries), load_qrels(qrels))


def load_preset(name: str, root: Path | None = None) -> Collection:
    return load(*preset_paths(name, root), name=name)


def subset(col: Collection, limit_queries: int | None = None, limit_docs: int | None = None,
           seed: int = 13) -> Collection:
    """A reduced slice: the first ``limit_queries`` judged queries, and a corpus of their
    relevant documents plus others sampled (fixed seed) up to ``limit_docs``."""
    import random
    qids = col.judged_queries()[:limit_queries] if limit_queries else col.judged_queries()
    queries = {q: col.queries[q] for q in qids}
    qrels = {q: col.qrels.get(q, {}) for q in qids}
    docs = col.docs
    if limit_docs and limit_docs < len(docs):
        need = {d for q in qids for d in qrels[q]}
        keep = [d for d in docs if d.id in need]
        rest = [d for d in docs if d.id not in need]
        random.Random(seed).shuffle(rest)
        keep_ids = {d.id for d in keep + rest[:max(0, limit_docs - len(keep))]}
        docs = [d for d in docs if d.id in keep_ids]
    return Collection(col.name, docs, queries, qrels)
