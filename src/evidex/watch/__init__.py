"""Saved searches with alerts: ``evidex watch`` and the web app's Atom feeds (``web.feeds``)."""
from .core import (SEARCH_DEPTH, Alert, NewRecord, Rating, Watch, WatchError, add, alert_json, answer_verdict,
                   baseline, check, get, history, init_schema, last_visit, list_watches, mark_visit, now_utc,
                   parse_designs, ratings, remove, run, verdict_text, watch_json)

__all__ = ["Alert", "NewRecord", "Rating", "SEARCH_DEPTH", "Watch", "WatchError", "add", "alert_json",
           "answer_verdict", "baseline", "check", "get", "history", "init_schema", "last_visit", "list_watches",
           "mark_visit", "now_utc", "parse_designs", "ratings", "remove", "run", "verdict_text", "watch_json"]
