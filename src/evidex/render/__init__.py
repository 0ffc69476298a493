"""Answer -> text: Markdown (default), the JSON contract of DESIGN.md, and HTML."""
from .html import to_html
from .json import to_contract, to_json
from .markdown import to_markdown

__all__ = ["to_contract", "to_html", "to_json", "to_markdown"]
