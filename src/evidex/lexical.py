"""The lexical (BM25) index: tantivy, in a folder beside the store (``<db>.lexical/``).

SQLite stays the source of truth. The index holds, per record, its id, SQLite rowid, title,
abstract, design and year, and nothing else (no stored text: ``show`` reads SQLite). It is
kept in step by the store's outbox (``index_log``, see ``store.py``); this module only knows
how to open the folder, apply documents and deletions, and answer queries.

Queries are the small FTS5 MATCH language that retrieval already writes: ``"a phrase"``,
bare words, ``AND``, ``OR``, ``NOT`` and parentheses (``LexicalIndex.compile``). Words are
analysed the way the FTS5 table did: split on anything not a letter or digit, lower-cased,
diacritics folded, English-stemmed (tantivy's Snowball stemmer where FTS5 had Porter's:
"naltrexone" -> "naltrexon" in both).

Scores follow FTS5's ``bm25(record_fts, 2, 1)``, which is not a sum of per-field BM25: FTS5
adds the weighted term counts of the columns (a title hit counts twice) and saturates them
once against the whole row's length. So the index has one ``text`` field holding the title
``TITLE_WEIGHT`` times, then the abstract (tantivy leaves a position gap between values, so
no phrase spans them). And FTS5's IDF is ln((N - n + 0.5) / (n + 0.5)) (floored at 1e-6),
which all but ignores words in half the documents, where tantivy's (Lucene's) is
ln(1 + ...): each phrase's query is boosted by the ratio of the two. On SciFact claims
(long sentences full of common words) this is worth nDCG@10 0.70 against 0.63.
"""
from __future__ import annotations

import math
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import tantivy

from .lock import folder_lock

TITLE_WEIGHT, BODY_WEIGHT = 2.0, 1.0
ANALYZER = "evidex_en"
WRITER_HEAP = 64_000_000        # bytes; tantivy flushes a segment when the heap is full
SCHEMA_TAG = "2"                # bump when the fields change: the folder is then rebuilt


def analyzer() -> tantivy.TextAnalyzer:
    return (tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple()).filter(tantivy.Filter.lowercase())
            .filter(tantivy.Filter.ascii_fold()).filter(tantivy.Filter.stemmer("english")).build())


def schema() -> tantivy.Schema:
    b = tantivy.SchemaBuilder()
    b.add_text_field("id", tokenizer_name="raw", index_option="basic")
    b.add_unsigned_field("rowid", fast=True)
    b.add_text_field("text", tokenizer_name=ANALYZER, index_option="position")
    b.add_text_field("design", tokenizer_name="raw", index_option="basic")
    b.add_integer_field("year", indexed=True, fast=True)
    return b.build()


@dataclass(frozen=True)
class Doc:
    """What the index holds of one record."""
    id: str
    rowid: int
    title: str
    body: str
    design: str
    year: int | None


class LexicalBusy(RuntimeError):
    """Another process holds the index's writer (tantivy allows one per folder)."""


class LexicalIndex:
    """One tantivy index folder: a reader always, a writer only while applying the outbox."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        tag = self.folder / "evidex-schema"
        self.schema = schema()
        # Checking the tag, removing a stale folder and creating a new one happen under a lock
        # beside the folder: without it, a process opening the store while another has just
        # created the folder (its tag not yet written) would remove the index being built.
        with folder_lock(self.folder):
            if self.folder.exists() and (not tag.exists() or tag.read_text().strip() != SCHEMA_TAG):
                shutil.rmtree(self.folder)          # an index of other fields: rebuilt from SQLite
            self.created = not self.folder.exists()
            self.folder.mkdir(parents=True, exist_ok=True)
            self.index = tantivy.Index(self.schema, path=str(self.folder), reuse=True)
            if self.created:      # (a folder without its tag was removed above, so it is created too)
                # Written whole (a temporary file renamed over it): a reader never sees half a tag.
                part = tag.with_name(f"{tag.name}.{os.getpid()}.part")
                part.write_text(SCHEMA_TAG)
                os.replace(part, tag)
        self.index.register_tokenizer(ANALYZER, analyzer())
        self._analyzer = analyzer()
        self._writer: tantivy.IndexWriter | None = None
        self._rows: dict[tuple[str, ...], int] = {}
        self.searcher = self.index.searcher()

    # -- writing --------------------------------------------------------------------------
    def writer(self) -> tantivy.IndexWriter:
        if self._writer is None:
            try:
                self._writer = self.index.writer(WRITER_HEAP, 1)
            except ValueError as exc:            # tantivy's lock: another process is applying
                raise LexicalBusy(f"the lexical index {self.folder} is being written by another process "
                                  f"({exc})") from None
        return self._writer

    def apply(self, removed: list[str], docs: list[Doc]) -> None:
        """Delete every id in ``removed`` (each changed or deleted record), then add ``docs``
        (the current version of those still stored). Not visible until ``commit``."""
        w = self.writer()
        for rid in removed:
            w.delete_documents_by_term("id", rid)
        for d in docs:
            doc = tantivy.Document()
            doc.add_text("id", d.id)
            doc.add_unsigned("rowid", d.rowid)
            for _ in range(int(TITLE_WEIGHT)):
                doc.add_text("text", d.title)
            doc.add_text("text", d.body)
            doc.add_text("design", d.design)
            if d.year is not None:
                doc.add_integer("year", d.year)
            w.add_document(doc)

    def commit(self) -> None:
        if self._writer is not None:
            self._writer.commit()
            self.reload()

    def release(self) -> None:
        """Drop the writer (and its folder lock) so that another process may write."""
        if self._writer is not None:
            self._writer.rollback()          # nothing uncommitted is left by callers; frees the heap
            self._writer = None

    def clear(self) -> None:
        self.writer().delete_all_documents()

    def reload(self) -> None:
        self.index.reload()
        self.searcher = self.index.searcher()
        self._rows.clear()

    # -- reading --------------------------------------------------------------------------
    def search(self, query: tantivy.Query, limit: int) -> list[tuple[int, float]]:
        """[(rowid, score)], best first; equal scores in rowid order, whatever the segments."""
        if limit <= 0:
            return []
        found = self.searcher.search(query, limit + 16, count=False).hits
        rowids = self.searcher.fast_field_values("rowid", [addr for _, addr in found])
        hits = sorted(((r, float(s)) for (s, _), r in zip(found, rowids) if r is not None),
                      key=lambda h: (-round(h[1], 5), h[0]))
        return hits[:limit]

    def num_docs(self) -> int:
        return self.searcher.num_docs

    def rowids(self) -> list[int]:
        """The SQLite rowid of every live document, sorted (a record indexed twice shows twice):
        for checks that the index holds each stored record exactly once."""
        n = self.searcher.num_docs
        if not n:
            return []
        hits = self.searcher.search(tantivy.Query.all_query(), n, count=False).hits
        return sorted(self.searcher.fast_field_values("rowid", [addr for _, addr in hits]))

    def terms_ending(self, suffixes: tuple[str, ...], limit: int) -> list[str]:
        """Indexed words (stemmed) ending with any suffix, in the most documents first."""
        found = [(term, count) for term, count in self.searcher.terms_with_prefix("text", "")
                 if term.endswith(suffixes)]
        return [t for t, _ in sorted(found, key=lambda kv: (-kv[1], kv[0]))[:limit]]

    # -- queries --------------------------------------------------------------------------
    def words(self, text: str) -> list[str]:
        return [w for w in self._analyzer.analyze(text) if w]

    def phrase(self, text: str) -> tantivy.Query | None:
        """A word or phrase, scored with FTS5's IDF; None if it has no word."""
        words = self.words(text)
        if not words:
            return None
        q = (tantivy.Query.term_query(self.schema, "text", words[0]) if len(words) == 1
             else tantivy.Query.phrase_query(self.schema, "text", words))
        n_docs = self.searcher.num_docs
        freqs = [self.searcher.doc_freq("text", w) for w in words]
        if not n_docs or not min(freqs):
            return q                    # matches nothing: no weight to set
        rows = freqs[0] if len(words) == 1 else self._phrase_rows(tuple(words), q)
        boost = fts5_idf(n_docs, rows) / sum(lucene_idf(n_docs, f) for f in freqs)
        return tantivy.Query.boost_query(q, boost)

    def _phrase_rows(self, words: tuple[str, ...], query: tantivy.Query) -> int:
        """How many documents hold the phrase (FTS5's n for its IDF), counted once per commit."""
        key = words
        if key not in self._rows:
            if len(self._rows) > 10_000:
                self._rows.clear()
            self._rows[key] = self.searcher.search(query, 1, count=True).count or 1
        return self._rows[key]

    def compile(self, match: str, designs: tuple[str, ...] = (), since: int | None = None,
                until: int | None = None) -> tantivy.Query | None:
        """A tantivy query for an FTS5-style MATCH string and the design/year filters."""
        q = _Parser(_lex(match), self.phrase).parse()
        if q is None:
            return None
        must = [(tantivy.Occur.Must, q)]
        if designs:
            must.append((tantivy.Occur.Must, tantivy.Query.const_score_query(
                tantivy.Query.term_set_query(self.schema, "design", list(designs)), 0.0)))
        if since is not None or until is not None:
            must.append((tantivy.Occur.Must, tantivy.Query.const_score_query(tantivy.Query.range_query(
                self.schema, "year", tantivy.FieldType.Integer, since, until), 0.0)))
        return q if len(must) == 1 else tantivy.Query.boolean_query(must)


def fts5_idf(n_docs: int, freq: int) -> float:
    freq = min(freq, n_docs)        # tantivy's counts include replaced documents not yet merged
    return max(1e-6, math.log((n_docs - freq + 0.5) / (freq + 0.5)))


def lucene_idf(n_docs: int, freq: int) -> float:
    freq = min(freq, n_docs)
    return math.log(1 + (n_docs - freq + 0.5) / (freq + 0.5))


_TOKEN = re.compile(r'"([^"]*)"|(\()|(\))|([^\s()"]+)')


def _lex(match: str) -> list[tuple[str, str]]:
    """MATCH text -> [(kind, text)]: ("phrase", words), ("op", AND/OR/NOT), ("(", ), (")", )."""
    out: list[tuple[str, str]] = []
    for m in _TOKEN.finditer(match):
        phrase, lpar, rpar, word = m.groups()
        if phrase is not None:
            out.append(("phrase", phrase))
        elif lpar:
            out.append(("(", "("))
        elif rpar:
            out.append((")", ")"))
        elif word in ("AND", "OR", "NOT"):
            out.append(("op", word))
        else:
            out.append(("phrase", word))
    return out


class _Parser:
    """FTS5 precedence, loosest first: OR, then AND (also implicit between neighbours), then NOT."""

    def __init__(self, toks: list[tuple[str, str]], phrase) -> None:
        self.toks, self.i, self.phrase = toks, 0, phrase

    def peek(self) -> tuple[str, str] | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def parse(self):
        q = self.or_()
        if self.peek() is not None:
            raise ValueError(f"unexpected {self.peek()[1]!r} in the search expression")
        return q

    def or_(self):
        parts = [self.and_()]
        while self.peek() == ("op", "OR"):
            self.i += 1
            parts.append(self.and_())
        parts = [p for p in parts if p is not None]
        if len(parts) <= 1:
            return parts[0] if parts else None
        return tantivy.Query.boolean_query([(tantivy.Occur.Should, p) for p in parts])

    def and_(self):
        parts = [self.not_()]
        while (t := self.peek()) is not None and (t == ("op", "AND") or t[0] in ("phrase", "(")):
            if t == ("op", "AND"):
                self.i += 1
            parts.append(self.not_())
        if any(p is None for p in parts):
            return None                 # a part that matches nothing: so does the conjunction
        return parts[0] if len(parts) == 1 else tantivy.Query.boolean_query(
            [(tantivy.Occur.Must, p) for p in parts])

    def not_(self):
        q = self.atom()
        while self.peek() == ("op", "NOT"):
            self.i += 1
            rhs = self.atom()
            if q is not None and rhs is not None:
                q = tantivy.Query.boolean_query([(tantivy.Occur.Must, q), (tantivy.Occur.MustNot, rhs)])
        return q

    def atom(self):
        t = self.peek()
        if t is None:
            raise ValueError("the search expression ends too early")
        self.i += 1
        if t[0] == "phrase":
            return self.phrase(t[1])
        if t[0] == "(":
            q = self.or_()
            if self.peek() != (")", ")"):
                raise ValueError("a '(' in the search expression is never closed")
            self.i += 1
            return q
        raise ValueError(f"unexpected {t[1]!r} in the search expression")
