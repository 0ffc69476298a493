"""What is embedded for a record: pure functions from a stored row to the texts an embedder sees."""
from __future__ import annotations

import json

from ..text import sentence_spans


def embed_text(title: str, record_json: str) -> str:
    """What is embedded for a record: its title and abstract sections."""
    data = json.loads(record_json)
    return " ".join([title, *(s.get("text", "") for s in data.get("sections", ()))])


def record_texts(title: str, record_json: str, sentences_per_chunk: int = 0) -> list[str]:
    """The texts embedded for one record: the whole record (0), or passages of a few
    sentences, the title leading the first, so that a claim matching one passage of a long
    abstract is not diluted by the rest (or cut off by a contextual model's length limit)."""
    if sentences_per_chunk <= 0:
        return [embed_text(title, record_json)]
    data = json.loads(record_json)
    body = " ".join(s.get("text", "") for s in data.get("sections", ()) if s.get("text"))
    sentences = [body[a:b] for a, b in sentence_spans(body)]
    if not sentences:
        return [" ".join(p for p in (title, body) if p) or " "]
    chunks = [" ".join(sentences[i:i + sentences_per_chunk]) for i in range(0, len(sentences), sentences_per_chunk)]
    chunks[0] = f"{title}. {chunks[0]}" if title else chunks[0]
    return chunks
