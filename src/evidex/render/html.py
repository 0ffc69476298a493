"""Answer -> a standalone, escaped HTML page (Jinja2 autoescaping; no script)."""
from __future__ import annotations

from jinja2 import Environment, PackageLoader, select_autoescape

from ..synthesis.answer import Answer
from .links import web_link

_ENV = Environment(loader=PackageLoader("evidex.render", "templates"),
                   autoescape=select_autoescape(default=True, default_for_string=True))
_ENV.filters["web_link"] = web_link


def to_html(answer: Answer) -> str:
    return _ENV.get_template("answer.html").render(a=answer,
                                                   certainty=answer.verdict.certainty.replace("_", " "))
