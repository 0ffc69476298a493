"""Question sets for ``evidex eval qa``: BioASQ, PubMedQA and a JSONL file, as ``QASet``.

- **bioasq** (``../shared/data/bioasq/*.json``): every question of every golden file (the
  first copy of a repeated id wins), all four types. The store is the gold-snippet
  pseudo-corpus of ``datasets.load_bioasq`` (one record per gold PubMed id, pooled over all
  questions), the same corpus ``eval retrieval --dataset bioasq`` uses, so each question's
  distractors are other questions' evidence.
- **pubmedqa** (``../shared/data/pubmedqa/pqal_dev.json``, PQA-L, 500 questions): one record
  per question from its CONTEXTS, each labelled with its LABELS entry (the reasoning-required
  setting: no LONG_ANSWER), pooled over all questions; ``reasoning_free`` adds the
  LONG_ANSWER as a CONCLUSIONS section. Gold answers are yes / no / maybe.
- **FILE**: JSONL, one ``{"id", "question", "type", "exact_answer", "ideal_answer",
  "documents"}`` per line, evaluated against an existing store (``--db``).

Folds (held-out evaluation of the stance model, ``benchmarks/qa_folds.py``): the stance model
(``scripts/train_stance.py``) learns from BioASQ yes/no questions and PubMedQA, so its own
cross-validation folds are defined here, once, for the trainer and the evaluator alike:
``bioasq_edition`` / ``bioasq_body_key`` / ``bioasq_yesno_editions`` (leave one edition out:
7b, 8b, 9b, 10b, training13b; a question body seen in several editions belongs to the first
one in file order that gives it as a usable yes/no question) and ``kfold_split`` /
``pubmedqa_folds`` (5 seeded folds of the PQA-L ids). ``restrict_bioasq`` / ``restrict_pubmedqa``
keep one fold's questions of a set (the store keeps every record: distractors stay).
"""
from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..records import Record, Section
from .datasets import _pmid, load_bioasq, shared_data_dir

TYPES = ("yesno", "factoid", "list", "summary")
BIOASQ_EDITIONS = ("10b", "7b", "8b", "9b", "training13b")   # sorted, as the trainer's folds run
PUBMEDQA_FOLDS = 5
FOLD_SEED = 13                # scripts/train_stance.py --seed default
DOC_PREFIX = "doc:"           # record ids of the evaluation stores (as eval/run.py builds them)


class QADataError(ValueError):
    """A question file that cannot be read; the message names the file and line."""


@dataclass(frozen=True)
class QAItem:
    id: str
    question: str
    type: str                                  # yesno | factoid | list | summary
    exact: tuple[tuple[str, ...], ...] = ()    # factoid/list: entities, each a tuple of synonyms
    label: str = ""                            # yesno: yes | no (| maybe for PubMedQA)
    ideal: tuple[str, ...] = ()                # reference summaries
    documents: tuple[str, ...] = ()            # gold documents, normalised (see ``doc_key``)


@dataclass
class QASet:
    name: str
    items: list[QAItem]
    records: list[Record] = field(default_factory=list)   # empty: evaluate against a given store
    yesno_classes: tuple[str, ...] = ("yes", "no")


def doc_key(ref: str) -> str:
    """One spelling for a document id: ``doc:123``, ``pmid:123``, a PubMed URL -> ``123``."""
    ref = str(ref).strip()
    if "/" in ref:
        ref = _pmid(ref)
    for prefix in (DOC_PREFIX, "pmid:"):
        if ref.startswith(prefix):
            return ref[len(prefix):]
    return ref


def _entities(exact: object, qtype: str) -> tuple[tuple[str, ...], ...]:
    """BioASQ's exact_answer as entities with synonyms. A factoid answer is one entity (its
    synonyms are all the strings given, nested or flat); a list answer is a list of entities."""
    if qtype not in ("factoid", "list") or exact in (None, "", []):
        return ()
    items = exact if isinstance(exact, list) else [exact]
    groups = [tuple(str(s) for s in (x if isinstance(x, list) else [x]) if str(s).strip()) for x in items]
    groups = [g for g in groups if g]
    if qtype == "factoid":
        return (tuple(dict.fromkeys(s for g in groups for s in g)),) if groups else ()
    return tuple(groups)


def _ideal(value: object) -> tuple[str, ...]:
    vals = value if isinstance(value, list) else [value] if value else []
    return tuple(" ".join(str(v).split()) for v in vals if str(v).strip())


def _item(d: dict, where: str) -> QAItem:
    qtype = str(d.get("type", "")).strip().lower()
    if qtype not in TYPES:
        raise QADataError(f"{where}: type must be one of {', '.join(TYPES)}, got {d.get('type')!r}")
    question = str(d.get("question") or d.get("body") or "").strip()
    if not question:
        raise QADataError(f"{where}: no question text")
    label = ""
    if qtype == "yesno":
        label = str(d.get("exact_answer") or "").strip().lower()
        if label not in ("yes", "no", "maybe"):
            raise QADataError(f"{where}: a yesno question needs exact_answer yes, no or maybe, got "
                              f"{d.get('exact_answer')!r}")
    docs = d.get("documents") or []
    if not isinstance(docs, list):
        raise QADataError(f"{where}: documents must be a list of ids or PubMed URLs")
    return QAItem(str(d.get("id", "")), question, qtype, _entities(d.get("exact_answer"), qtype), label,
                  _ideal(d.get("ideal_answer")), tuple(doc_key(x) for x in docs))


def _root() -> Path:
    root = shared_data_dir()
    if root is None:
        raise FileNotFoundError("shared data not found: set EVIDEX_SHARED_DATA or run beside ../shared/data")
    return root


def load_bioasq_qa(path: Path | None = None) -> QASet:
    path = path or _root() / "bioasq"
    if not path.exists() or not any(path.glob("*.json")):
        raise FileNotFoundError(f"no BioASQ golden files (*.json) in {path}")
    col = load_bioasq(path)                     # the pooled gold-snippet corpus (shared with eval retrieval)
    in_corpus = {d.id for d in col.docs}
    items, seen = [], set()
    for f in sorted(path.glob("*.json")):
        for q in json.loads(f.read_text(encoding="utf-8")).get("questions", []):
            if q["id"] in seen:
                continue
            seen.add(q["id"])
            it = _item({**q, "question": q.get("body")}, f"{f.name}: question {q['id']}")
            # Gold documents without snippet text are not in the store: they cannot be found.
            items.append(QAItem(it.id, it.question, it.type, it.exact, it.label, it.ideal,
                                tuple(d for d in it.documents if d in in_corpus)))
    records = [Record(id=DOC_PREFIX + d.id, title=d.title, sections=(Section("", d.text),) if d.text else (),
                      source="bioasq") for d in col.docs]
    return QASet("bioasq", items, records)


def load_pubmedqa(path: Path | None = None, reasoning_free: bool = False) -> QASet:
    path = path or _root() / "pubmedqa" / "pqal_dev.json"
    if not path.exists():
        raise FileNotFoundError(f"PubMedQA file not found: {path}")
    data = json.loads(path.read_text(encoding="utf-8"))
    items, records = [], []
    for pmid, q in data.items():
        sections = [Section(str(label).upper(), " ".join(str(text).split()))
                    for text, label in zip(q.get("CONTEXTS") or [], q.get("LABELS") or []) if str(text).strip()]
        if reasoning_free and q.get("LONG_ANSWER"):
            sections.append(Section("CONCLUSIONS", " ".join(q["LONG_ANSWER"].split())))
        records.append(Record(id=DOC_PREFIX + str(pmid), title="", sections=tuple(sections), pmid=str(pmid),
                              source="pubmedqa"))
        label = str(q.get("final_decision", "")).lower()
        items.append(QAItem(str(pmid), q["QUESTION"], "yesno", (), label,
                            _ideal(q.get("LONG_ANSWER")), (str(pmid),)))
    return QASet("pubmedqa" + ("-reasoning-free" if reasoning_free else ""), items, records,
                 ("yes", "no", "maybe"))


def load_file(path: Path) -> QASet:
    """A JSONL question file; a malformed line raises ``QADataError`` naming it."""
    items = []
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            where = f"{path.name} line {n}"
            try:
                d = json.loads(line)
            except json.JSONDecodeError as exc:
                raise QADataError(f"{where}: not JSON ({exc.msg})") from exc
            if not isinstance(d, dict):
                raise QADataError(f"{where}: expected a JSON object")
            items.append(_item(d, where))
    if not items:
        raise QADataError(f"{path.name}: no questions")
    classes = ("yes", "no", "maybe") if any(i.label == "maybe" for i in items) else ("yes", "no")
    return QASet(path.stem, items, [], classes)


def select(qa: QASet, types: tuple[str, ...] = TYPES, limit: int | None = None) -> QASet:
    """A fixed slice: the questions of ``types``, the first ``limit`` of each type in file order."""
    counts: dict[str, int] = {}
    keep = []
    for it in qa.items:
        if it.type in types and (limit is None or counts.get(it.type, 0) < limit):
            counts[it.type] = counts.get(it.type, 0) + 1
            keep.append(it)
    return QASet(qa.name, keep, qa.records, qa.yesno_classes)


# -- the stance model's folds (shared with scripts/train_stance.py) ----------------------------
def bioasq_edition(path: Path) -> str:
    """The edition of a BioASQ golden file: ``7B3_golden.json`` -> ``7b``; the training13b subset."""
    stem = path.stem.lower()
    if stem.startswith("training13b"):
        return "training13b"
    m = re.match(r"(\d+b)", stem)
    if not m:
        raise ValueError(f"{path.name}: not a BioASQ golden file name (7B1_golden.json, training13b_*.json)")
    return m.group(1)


def bioasq_body_key(body: str) -> str:
    """The key under which identical question bodies are merged (case and white space ignored)."""
    return " ".join(body.lower().split())


def _yesno_answer(q: dict) -> str:
    ans = q.get("exact_answer")
    return (ans[0] if isinstance(ans, list) else ans or "").strip().lower()


def bioasq_yesno_editions(path: Path | None = None) -> dict[str, str]:
    """Body key -> edition for every BioASQ yes/no question the stance model trains on (answer yes
    or no, at least one snippet with text): the edition of the first such copy in file order, as
    ``scripts/train_stance.py`` groups its leave-one-edition-out folds."""
    path = path or _root() / "bioasq"
    out: dict[str, str] = {}
    for f in sorted(path.glob("*.json")):
        edition = bioasq_edition(f)
        for q in json.loads(f.read_text(encoding="utf-8")).get("questions", []):
            if q.get("type") != "yesno" or _yesno_answer(q) not in ("yes", "no"):
                continue
            if any(str(s.get("text", "")).strip() for s in q.get("snippets") or []):
                out.setdefault(bioasq_body_key(q["body"]), edition)
    return out


def bioasq_item_editions(path: Path | None = None) -> dict[str, str]:
    """Question id -> edition for ``load_bioasq_qa``'s items: the stance model's fold of the
    question's body when it trains on that body (``bioasq_yesno_editions``), else the edition of
    the file the id was first read from (a question the model never sees)."""
    path = path or _root() / "bioasq"
    trained = bioasq_yesno_editions(path)
    out: dict[str, str] = {}
    for f in sorted(path.glob("*.json")):
        edition = bioasq_edition(f)
        for q in json.loads(f.read_text(encoding="utf-8")).get("questions", []):
            if q["id"] not in out:
                out[q["id"]] = trained.get(bioasq_body_key(q.get("body") or ""), edition)
    return out


def kfold_split(ids, k: int, seed: int) -> dict[str, int]:
    """id -> fold in 0..k-1: the sorted distinct ids shuffled with ``random.Random(seed)``, dealt
    round-robin (the trainer's PubMedQA and SciFact folds)."""
    ordered = sorted(set(ids))
    random.Random(seed).shuffle(ordered)
    return {q: i % k for i, q in enumerate(ordered)}


def pubmedqa_folds(path: Path | None = None, seed: int = FOLD_SEED, k: int = PUBMEDQA_FOLDS) -> dict[str, int]:
    """PQA-L question id (PMID) -> fold, the split ``scripts/train_stance.py --seed`` uses."""
    path = path or _root() / "pubmedqa" / "pqal_dev.json"
    return kfold_split(json.loads(path.read_text(encoding="utf-8")).keys(), k, seed)


def restrict_bioasq(qa: QASet, edition: str, path: Path | None = None) -> QASet:
    """Only the questions of one stance-model fold (``bioasq_item_editions``); every record stays."""
    if edition not in BIOASQ_EDITIONS:
        raise ValueError(f"BioASQ edition must be one of {', '.join(BIOASQ_EDITIONS)}, got {edition!r}")
    of = bioasq_item_editions(path)
    return QASet(qa.name, [it for it in qa.items if of.get(it.id) == edition], qa.records, qa.yesno_classes)


def restrict_pubmedqa(qa: QASet, fold: int, seed: int = FOLD_SEED, path: Path | None = None) -> QASet:
    """Only the questions of PubMedQA fold ``fold`` (``pubmedqa_folds``); every record stays."""
    if not 0 <= fold < PUBMEDQA_FOLDS:
        raise ValueError(f"PubMedQA fold must be 0..{PUBMEDQA_FOLDS - 1}, got {fold}")
    of = pubmedqa_folds(path, seed)
    return QASet(qa.name, [it for it in qa.items if of.get(it.id) == fold], qa.records, qa.yesno_classes)
