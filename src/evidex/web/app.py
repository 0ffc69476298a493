"""The ASGI application: ``create_app(db_path)`` wires resources, guards and routes.

One SQLite file holds the literature (``evidex.store``) and the web tables
(``evidex.web.db``). Each worker thread opens its own connections (SQLite connections
are not shared across threads); WAL lets readers run beside the one writer.
"""
from __future__ import annotations

import asyncio
import logging
from contextlib import asynccontextmanager
import secrets
import sqlite3
import threading
from collections import OrderedDict
from http.cookies import SimpleCookie
from importlib.resources import files
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.exceptions import HTTPException as StarletteHTTPException

from .. import __version__
from ..store import Store, StoredRecord
from ..synthesis.answer import Answer
from . import auth, db, views

log = logging.getLogger("evidex.web")

MAX_BODY = 64 * 1024              # bytes: a comment is at most a few kB
MAX_QUESTION = 500                 # characters
ANSWER_CACHE = 128
RECORD_VIEW_CACHE = 512            # record pages: ~5 ms of appraisal detail each to derive
CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
       "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'")
HSTS = "max-age=31536000"           # one year (RFC 6797); sent only with secure cookies (behind TLS)
_UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


class Resources:
    """Per-thread connections, the CSRF secret, and small caches, for one database file."""

    def __init__(self, db_path: str | Path, secure_cookies: bool = False, comments_per_window: int = 5,
                 ask_workers: int = 1) -> None:
        from .workers import AskPool
        self.db_path = Path(db_path)
        self.secure_cookies = secure_cookies
        self.comments_per_window = comments_per_window
        self.asker = AskPool(self.db_path, ask_workers)
        self._local = threading.local()
        self._lock = threading.Lock()
        self._topics: views.TopicIndex | None = None
        self._answers: OrderedDict[tuple, Answer] = OrderedDict()
        self._views: OrderedDict[tuple[str, str], views.RecordView] = OrderedDict()
        self._pending: dict[tuple, asyncio.Future] = {}     # in-flight answers, shared by equal questions
        store = Store(self.db_path)          # creates the literature tables if new
        store.close()
        conn = db.connect(self.db_path)
        db.init_schema(conn)
        self.secret = db.app_secret(conn)
        conn.close()

    def store(self) -> Store:
        s = getattr(self._local, "store", None)
        if s is None:
            s = self._local.store = Store(self.db_path)
        return s

    def conn(self) -> sqlite3.Connection:
        c = getattr(self._local, "conn", None)
        if c is None:
            c = self._local.conn = db.connect(self.db_path)
        return c

    def version(self) -> tuple:
        return views.store_version(self.store().conn)

    def topics(self) -> views.TopicIndex:
        version = self.version()
        current = self._topics
        if current is None or current.version != version:
            current = views.build_topic_index(self.store().conn, version)
            self._topics = current
        return current

    def record_view(self, stored: StoredRecord, highlight: int | None) -> views.RecordView:
        """The record page's view model, cached per record content: the stored appraisal is
        derived from the content alone, so equal content hashes give equal views."""
        key = (stored.record.id, stored.record.content_hash())
        with self._lock:
            view = self._views.get(key)
            if view is not None:
                self._views.move_to_end(key)
        if view is None:
            view = views.record_view(stored, None)
            with self._lock:
                self._views[key] = view
                while len(self._views) > RECORD_VIEW_CACHE:
                    self._views.popitem(last=False)
        return views.with_highlight(view, highlight)

    async def answer(self, question: str) -> Answer:
        """The answer to ``question`` (cached per store version; computed off the event loop)."""
        key = (" ".join(question.split()).lower(), self.version())
        with self._lock:
            hit = self._answers.get(key)
            if hit is not None:
                self._answers.move_to_end(key)
                return hit
        pending = self._pending.get(key)
        if pending is not None:                 # the same question is being answered: wait for it
            return await asyncio.shield(pending)
        task = asyncio.ensure_future(self.asker.answer(question, self._answer_here))
        self._pending[key] = task
        try:
            found = await asyncio.shield(task)
        finally:
            self._pending.pop(key, None)
        with self._lock:
            self._answers[key] = found
            while len(self._answers) > ANSWER_CACHE:
                self._answers.popitem(last=False)
        return found

    def _answer_here(self, question: str) -> Answer:
        from ..synthesis import ask
        from ..synthesis.prose import configured      # the LLM writer when $EVIDEX_WRITER=llm (issue 12)
        return configured(ask(self.store(), question))


class GuardMiddleware:
    """Pure ASGI guard: body-size limit, the client-id cookie for CSRF, security headers."""

    def __init__(self, app, resources: Resources) -> None:
        self.app = app
        self.res = resources

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        if scope["method"] in _UNSAFE:
            length = headers.get("content-length")
            if length is None and headers.get("transfer-encoding"):
                return await _plain(send, 411, "Length Required: send a Content-Length header.")
            if length is not None and (not (length.isascii() and length.isdigit()) or int(length) > MAX_BODY):
                return await _plain(send, 413, f"Request body too large (limit {MAX_BODY // 1024} kB).")
        cookies = SimpleCookie()
        try:
            cookies.load(headers.get("cookie", ""))
        except Exception:  # a malformed Cookie header is treated as no cookie
            cookies = SimpleCookie()
        client = cookies.get(auth.CLIENT_COOKIE)
        client_id = client.value if client is not None and 20 <= len(client.value) <= 100 else None
        new_client = client_id is None
        if new_client:
            client_id = secrets.token_urlsafe(24)
        state = scope.setdefault("state", {})
        state["client_id"] = client_id
        secure = "; Secure" if self.res.secure_cookies else ""

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                extra = [(b"content-security-policy", CSP.encode()), (b"x-content-type-options", b"nosniff"),
                         (b"referrer-policy", b"same-origin"), (b"x-frame-options", b"DENY")]
                if self.res.secure_cookies:    # served over HTTPS: browsers should never fall back to HTTP
                    extra.append((b"strict-transport-security", HSTS.encode()))
                if new_client:
                    extra.append((b"set-cookie", f"{auth.CLIENT_COOKIE}={client_id}; Path=/; HttpOnly; "
                                                 f"SameSite=Lax; Max-Age=31536000{secure}".encode()))
                message = {**message, "headers": list(message.get("headers", [])) + extra}
            await send(message)

        return await self.app(scope, receive, send_with_headers)


async def _plain(send, status: int, text: str) -> None:
    body = text.encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                            (b"content-length", str(len(body)).encode()), (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})


def template_env() -> Environment:
    env = Environment(loader=PackageLoader("evidex.web", "templates"),
                      autoescape=select_autoescape(default=True, default_for_string=True),
                      trim_blocks=True, lstrip_blocks=True)
    env.globals.update(record_href=views.record_href, topic_href=views.topic_href,
                       design_name=views.design_name, short_design=views.short_design,
                       version=__version__)
    return env


def create_app(db_path: str | Path, *, secure_cookies: bool = False, comments_per_window: int = 5,
               ask_workers: int = 1) -> FastAPI:
    """The web UI and JSON API over the store at ``db_path`` (created if missing).

    ``comments_per_window``: most reader comments one client address may post in ten
    minutes (flood control; the spam check is separate). ``ask_workers``: processes that
    compute answers (0 = in the web process's threads).
    """
    from . import api, downloads, feeds, pages
    res = Resources(db_path, secure_cookies=secure_cookies, comments_per_window=comments_per_window,
                    ask_workers=ask_workers)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        res.asker.warm()
        yield
        res.asker.shutdown()

    app = FastAPI(title="Evidex API", version=__version__, docs_url=None, redoc_url=None, lifespan=lifespan,
                  description="Cited answers, search, appraised records, ratings and comments. "
                              "Unsafe requests need the X-CSRF-Token header from GET /api/csrf.")
    app.state.res = res
    app.state.templates = template_env()
    app.mount("/static", StaticFiles(directory=str(files("evidex.web").joinpath("static"))), name="static")
    app.include_router(api.router)
    app.include_router(pages.router)
    app.include_router(downloads.router)       # RIS/BibTeX/CSL-JSON/CSV of answers, searches, browse pages
    app.include_router(feeds.router)           # saved searches: Atom feeds, new since the last visit
    app.state.templates.globals["export_links"] = downloads.export_links
    app.add_middleware(GuardMiddleware, resources=res)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        if request.url.path.startswith("/api"):
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)
        return pages.error_page(request, exc.status_code, str(exc.detail))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError):
        if request.url.path.startswith("/api"):
            return JSONResponse({"detail": _jsonable(exc.errors())}, status_code=422)
        return pages.error_page(request, 422, "Some fields of the request are missing or invalid.")

    @app.exception_handler(Exception)
    async def crashed(request: Request, exc: Exception):
        log.exception("unhandled error on %s", request.url.path)
        if request.url.path.startswith("/api"):
            return JSONResponse({"detail": "internal error"}, status_code=500)
        return pages.error_page(request, 500, "Something went wrong on our side; the error was logged.")

    return app


def _jsonable(errors) -> list:
    """Validation errors without the rejected input (it may be huge), every text made encodable:
    a key spelled with a lone surrogate escape comes back in ``loc``."""
    def clean(v):
        if isinstance(v, list | tuple):
            return [clean(x) for x in v]
        if isinstance(v, int | float | type(None)):
            return v
        return str(v).encode("utf-8", "replace").decode("utf-8")
    return [{k: clean(v) for k, v in e.items() if k not in ("ctx", "input")} for e in errors]


def html(request: Request, template: str, /, *, status: int = 200, **ctx) -> HTMLResponse:
    """Render a template with the common context (user, CSRF token, path)."""
    from .guards import current_user
    res: Resources = request.app.state.res
    env: Environment = request.app.state.templates
    user = current_user(request)
    body = env.get_template(template).render(
        user=user, csrf=auth.csrf_token(res.secret, getattr(request.state, "client_id", "")),
        path=request.url.path,
        **ctx)
    return HTMLResponse(body, status_code=status)


__all__ = ["Resources", "create_app", "html"]
