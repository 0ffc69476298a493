"""Click commands for the web app: ``evidex serve`` and ``evidex users``.

Only click is imported here, so registering these commands costs the CLI nothing until
they run; FastAPI, uvicorn and argon2 are imported inside the command bodies.
"""
from __future__ import annotations

import ipaddress
import sys
from pathlib import Path

import click

DB_HELP = "SQLite store to use (default: $EVIDEX_DB, else ~/.local/share/evidex/evidex.db)."


def _db(db: Path | None) -> Path:
    from ..store import default_db_path
    return db or default_db_path()


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@click.option("--db", type=click.Path(path_type=Path), help=DB_HELP)
@click.option("--secure-cookies", is_flag=True,
              help="Mark cookies Secure (use when served over HTTPS, e.g. behind a TLS proxy).")
@click.option("--log-level", default="warning", show_default=True,
              type=click.Choice(["critical", "error", "warning", "info", "debug"]))
def serve_command(host: str, port: int, db: Path | None, secure_cookies: bool, log_level: str) -> None:
    """Serve the web UI and JSON API (ask, browse, records, ratings, comments).

    \b
    Accounts for raters and admins:  evidex users add NAME --role rater
    OpenAPI document:                 http://HOST:PORT/openapi.json
    """
    import uvicorn

    from .app import create_app
    path = _db(db)
    if not _is_loopback(host) and not secure_cookies:
        click.echo(f"warning: listening on {host} without --secure-cookies; put it behind HTTPS", err=True)
    app = create_app(path, secure_cookies=secure_cookies)
    click.echo(f"Evidex on http://{host}:{port}/  (store: {path})", err=True)
    uvicorn.run(app, host=host, port=port, log_level=log_level, proxy_headers=False, server_header=False)


@click.group("users")
def users_command() -> None:
    """Manage rater and admin accounts of the web app (readers need none)."""


@users_command.command("add")
@click.argument("username")
@click.option("--role", type=click.Choice(["rater", "admin"]), required=True)
@click.option("--discipline", default="Physician", show_default=True,
              type=click.Choice(["Physician", "Pharmacist", "Nurse", "Physiotherapist", "Psychologist",
                                 "Dentist", "Other"]))
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.option("--db", type=click.Path(path_type=Path), help=DB_HELP)
def users_add(username: str, role: str, discipline: str, password_stdin: bool, db: Path | None) -> None:
    """Create an account (password asked twice, or read from stdin)."""
    from .auth import AuthError, create_user
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = create_user(_db(db), username, password, role, discipline)
    except AuthError as exc:
        raise click.BadParameter(str(exc)) from exc
    click.echo(f"created {user.role} {user.username} ({user.discipline})")


@users_command.command("list")
@click.option("--db", type=click.Path(path_type=Path), help=DB_HELP)
def users_list(db: Path | None) -> None:
    """List accounts."""
    from . import db as webdb
    conn = webdb.connect(_db(db))
    try:
        webdb.init_schema(conn)
        for u in webdb.list_users(conn):
            click.echo(f"{u.username}\t{u.role}\t{u.discipline}")
    finally:
        conn.close()
