"""Request guards shared by pages and API: who is asking, CSRF, content types, roles."""
from __future__ import annotations

from typing import Annotated

from fastapi import HTTPException, Path, Request, Response

from . import auth
from .db import MAX_ROWID, User

# A row id in a path (comment, watch, ...): a positive 64-bit integer, else 422 before any
# SQL runs (a larger Python int cannot be bound to SQLite and used to end in a 500).
RowId = Annotated[int, Path(ge=1, le=MAX_ROWID, description="row id (positive 64-bit integer)")]

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def resources(request: Request):
    return request.app.state.res


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def current_user(request: Request) -> User | None:
    try:
        return request.state.user
    except AttributeError:
        token = request.cookies.get(auth.SESSION_COOKIE)
        request.state.user = auth.session_user(resources(request).conn(), token) if token else None
        return request.state.user


def sign_in(request: Request, response: Response, user: User) -> None:
    """Start ``user``'s session (ending the one this client held and the account's earlier
    ones) and set its cookie: HttpOnly, SameSite=Lax, Path=/, Secure with --secure-cookies."""
    res = resources(request)
    token = auth.start_session(res.conn(), user, request.cookies.get(auth.SESSION_COOKIE))
    response.set_cookie(auth.SESSION_COOKIE, token, max_age=auth.SESSION_TTL_S, httponly=True, samesite="lax",
                        secure=res.secure_cookies, path="/")


def sign_out(request: Request, response: Response) -> None:
    """End this client's session and expire its cookie (with the same flags it was set with)."""
    res = resources(request)
    auth.end_session(res.conn(), request.cookies.get(auth.SESSION_COOKIE))
    response.delete_cookie(auth.SESSION_COOKIE, path="/", httponly=True, samesite="lax", secure=res.secure_cookies)


def _media_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


async def form_with_csrf(request: Request):
    """Dependency for HTML form posts: a form body whose csrf_token matches the client cookie."""
    if _media_type(request) not in FORM_TYPES:
        raise HTTPException(415, "This form expects application/x-www-form-urlencoded data.")
    form = await request.form()
    token = form.get("csrf_token")
    if not auth.csrf_ok(resources(request).secret, request.cookies.get(auth.CLIENT_COOKIE),
                        token if isinstance(token, str) else None):
        raise HTTPException(403, "The form's security token is missing or expired. Reload the page and try again.")
    return form


async def json_with_csrf(request: Request) -> None:
    """Dependency for API writes: JSON body and an X-CSRF-Token header matching the client cookie."""
    if _media_type(request) != "application/json":
        raise HTTPException(415, "Send the body as application/json.")
    if not auth.csrf_ok(resources(request).secret, request.cookies.get(auth.CLIENT_COOKIE),
                        request.headers.get("x-csrf-token")):
        raise HTTPException(403, "CSRF token missing or invalid: send X-CSRF-Token from GET /api/csrf.")


def require_role(request: Request, role: str) -> User:
    user = current_user(request)
    if user is None:
        raise HTTPException(401, "Sign in first.")
    if user.role != role:
        raise HTTPException(403, f"Only {role}s may do this.")
    return user


def ascii_int(text: str, max_digits: int) -> int | None:
    """``text`` as a non-negative integer when it is 1..max_digits ASCII digits, else None
    (``str.isdigit`` also accepts "²", which ``int`` then refuses)."""
    return int(text) if text.isascii() and text.isdigit() and len(text) <= max_digits else None


def form_int(form, name: str, low: int, high: int) -> int:
    """A whole-number form field within [low, high], else 400 naming the field."""
    value = ascii_int(form_text(form, name, 20), 19)
    if value is None or not low <= value <= high:
        raise HTTPException(400, f"{name}: a whole number from {low} to {high}")
    return value


def form_text(form, name: str, limit: int) -> str:
    value = form.get(name, "")
    if not isinstance(value, str):
        raise HTTPException(400, f"{name}: expected text")
    value = value.replace("\r\n", "\n").strip()
    if len(value) > limit:
        raise HTTPException(400, f"{name}: at most {limit} characters")
    return value
