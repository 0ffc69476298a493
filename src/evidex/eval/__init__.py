"""IR evaluation: ``evidex eval retrieval`` (Evidex hybrid vs plain BM25, same data, same run).

Register in cli.py with ``cli.add_command(eval_command)``.
"""
from __future__ import annotations

import json
from pathlib import Path

import click

from ..index.embed import EMBEDDERS, embedding_available
from .datasets import PRESETS, Collection, load, load_preset, preset_paths, subset
from .run import METRICS, evaluate

__all__ = ["Collection", "METRICS", "PRESETS", "eval_command", "evaluate", "load", "load_preset", "subset"]


@click.group("eval")
def eval_command() -> None:
    """Measure retrieval quality on test collections (SciFact, NFCorpus, BioASQ layouts)."""


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
@click.option("--embedder", type=click.Choice(list(EMBEDDERS)),
              help="Embedding model for the semantic side (default: $EVIDEX_EMBEDDER or wordllama).")
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
    if embedder and not embedding_available(embedder):
        raise click.ClickException(f"embedder {embedder!r} is not installed: pip install 'evidex[{embedder}]'")
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
