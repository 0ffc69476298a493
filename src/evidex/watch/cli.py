"""``evidex watch add|list|run|remove``: saved searches and what is new for them.

Registered in ``evidex.cli``. Exit codes: 0 ok, 1 usage error (no store, unknown watch),
2 bad input (a design label or rating outside the scale).
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ..records import DESIGN_NAMES
from ..cli_stores import open_store, prepare_semantic
from . import core

DB_HELP = "SQLite store (default: the db setting, $EVIDEX_DB, else ~/.local/share/evidex/evidex.db)."


def _open(db: Path | None, lexical: bool):
    store = open_store(db, must_exist=True)
    if not lexical:
        prepare_semantic(store)
    return store


def _bad(exc: core.WatchError) -> None:
    click.echo(f"error: {exc}", err=True)
    sys.exit(2)


@click.group("watch")
def watch_command() -> None:
    """Saved searches: save a question or query, then see what is new for it.

    \b
      evidex watch add "Is low-dose naltrexone effective for fibromyalgia?" --design rct,systematic_review
      evidex watch list
      evidex watch run              # records stored since, matching, with design and rating
    The web app serves each saved search as an Atom feed (/feeds/TOKEN.atom, shown by list)."""


@watch_command.command("add")
@click.argument("query")
@click.option("--design", help="Comma-separated design labels, e.g. rct,systematic_review.")
@click.option("--min-rating", type=float, help="Only records clinicians rated at least this (1-7) on both "
                                               "relevance and newsworthiness (web app ratings).")
@click.option("--db", type=click.Path(path_type=Path), help=DB_HELP)
@click.option("--lexical", is_flag=True, help="BM25 only (no semantic search) for today's verdict.")
def add_command(query: str, design: str | None, min_rating: float | None, db: Path | None, lexical: bool) -> None:
    """Save QUERY (a question or search words); records stored from now on are checked by 'run'."""
    try:
        designs = core.parse_designs(design)
    except core.WatchError as exc:
        _bad(exc)
    with _open(db, lexical) as store:
        try:
            watch = core.add(store, query, designs, min_rating,
                             verdict=core.baseline(store, query, "lexical" if lexical else "hybrid"))
        except core.WatchError as exc:
            _bad(exc)
    click.echo(f"saved search {watch.id}: {watch.query}")
    click.echo(f"  verdict today: {watch.verdict}; feed: {watch.feed_path} (evidex serve)")


@watch_command.command("list")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--db", type=click.Path(path_type=Path), help=DB_HELP)
def list_command(fmt: str, db: Path | None) -> None:
    """The saved searches, with their filters, last run and verdict."""
    with open_store(db, must_exist=True) as store:
        watches = core.list_watches(store.conn)
    if fmt == "json":
        click.echo(json.dumps([core.watch_json(w) for w in watches], indent=2, ensure_ascii=False))
        return
    if not watches:
        click.echo("no saved searches: add one with evidex watch add \"QUESTION\"", err=True)
    for w in watches:
        filters = "".join([f"; designs {','.join(w.designs)}" if w.designs else "",
                           f"; rating >= {w.min_rating:g}" if w.min_rating is not None else ""])
        click.echo(f"{w.id:>3}. {w.query}{filters}\n     last run {w.last_run or 'never'}; "
                   f"verdict {w.verdict or 'unknown'}; feed {w.feed_path}")


def render_alert(alert: core.Alert) -> str:
    w = alert.watch
    lines = [f"saved search {w.id}: {w.query}",
             f"  {len(alert.new)} new record(s)"]
    for n in alert.new:
        rating = (f"rating {n.rating.score:g} ({n.rating.raters} rater{'s' if n.rating.raters != 1 else ''})"
                  if n.rating else "unrated")
        lines.append(f"  [{DESIGN_NAMES.get(n.design, n.design)}] {n.title} ({n.year or 'n.d.'})\n"
                     f"      {n.id}  {rating}")
    if alert.verdict_changed:
        lines.append(f"  VERDICT CHANGED: was {alert.verdict_before}, now {alert.verdict_after}")
    else:
        lines.append(f"  verdict unchanged: {alert.verdict_after}")
    return "\n".join(lines)


@watch_command.command("run")
@click.argument("ids", nargs=-1, type=int)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--db", type=click.Path(path_type=Path), help=DB_HELP)
@click.option("--lexical", is_flag=True, help="BM25 only (no semantic search).")
def run_command(ids: tuple[int, ...], fmt: str, db: Path | None, lexical: bool) -> None:
    """What is new for each saved search (or those with IDS) since its last run; the run is
    remembered, so each record is reported once. Says when the verdict changed."""
    with _open(db, lexical) as store:
        try:
            watches = [core.get(store.conn, i) for i in ids] if ids else core.list_watches(store.conn)
        except core.WatchError as exc:
            raise click.ClickException(str(exc)) from None
        alerts = [core.check(store, w, mode="lexical" if lexical else "hybrid") for w in watches]
    if fmt == "json":
        click.echo(json.dumps([core.alert_json(a) for a in alerts], indent=2, ensure_ascii=False))
        return
    if not alerts:
        click.echo("no saved searches: add one with evidex watch add \"QUESTION\"", err=True)
    click.echo("\n\n".join(render_alert(a) for a in alerts))


@watch_command.command("remove")
@click.argument("watch_id", type=int)
@click.option("--db", type=click.Path(path_type=Path), help=DB_HELP)
def remove_command(watch_id: int, db: Path | None) -> None:
    """Delete saved search WATCH_ID and what it reported."""
    with open_store(db, must_exist=True) as store:
        try:
            core.remove(store.conn, watch_id)
        except core.WatchError as exc:
            raise click.ClickException(str(exc)) from None
    click.echo(f"removed saved search {watch_id}")
