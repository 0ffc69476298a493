"""The Evidex web app: server-rendered pages and a JSON API over the store.

Public surface: ``create_app(db_path)`` (an ASGI app), ``create_user(db_path, ...)``, and
the click commands ``serve_command`` / ``users_command`` for the ``evidex`` CLI. FastAPI
and its friends are imported only when an app is created.
"""
from __future__ import annotations

from typing import Any

from .commands import serve_command, users_command

__all__ = ["create_app", "create_user", "serve_command", "users_command"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from .app import create_app
        return create_app
    if name == "create_user":
        from .auth import create_user
        return create_user
    raise AttributeError(name)
