"""Which stored URLs may become links: only absolute http(s) URLs with a host.

A record's ``url`` comes from the files a user ingests, so it can hold anything —
``javascript:alert(document.cookie)``, ``data:text/html,…``, ``vbscript:``. Escaping does
not help (the scheme is the attack), and the Content-Security-Policy only blocks it in
browsers that honour it; so every renderer (HTML page, Markdown, JSON contract, web
pages) passes the URL through ``web_link`` and shows no link when it returns "".
"""
from __future__ import annotations

import unicodedata
from urllib.parse import urlsplit

SCHEMES = frozenset({"http", "https"})
# Characters that would end or break a link in an attribute or a Markdown autolink.
_BREAKING = frozenset(' <>"`\\{}|^')


def web_link(url: str | None) -> str:
    """``url`` stripped of surrounding spaces when it is an absolute http(s) URL with a host,
    else "" (no link). Control or whitespace characters inside are refused: browsers drop
    tabs and newlines inside a scheme, so ``java\\tscript:`` would run as ``javascript:``."""
    if not url or not isinstance(url, str):
        return ""
    url = url.strip()
    if any(ch in _BREAKING or unicodedata.category(ch)[0] in "CZ" for ch in url):
        return ""
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:                       # e.g. an invalid IPv6 literal "http://[x/"
        return ""
    if parts.scheme.lower() not in SCHEMES or not host:
        return ""
    return url


__all__ = ["SCHEMES", "web_link"]
