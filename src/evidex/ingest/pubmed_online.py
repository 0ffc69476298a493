"""PubMed online through NCBI E-utilities: esearch for ids, efetch for MEDLINE XML.

The HTTP client is passed in (httpx), so tests point it at a real local server serving
recorded efetch XML. NCBI asks for at most 3 requests/s without an API key, 10 with one
(https://www.ncbi.nlm.nih.gov/books/NBK25497/); ``NCBI_API_KEY`` is read from the env.
"""
from __future__ import annotations

import io
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import httpx

from ..records import Problem, Record
from . import medline_xml

EUTILS = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils"


class PubMedError(RuntimeError):
    """E-utilities could not be reached or answered with an error after all retries."""


@dataclass
class EUtils:
    client: httpx.Client
    base_url: str = EUTILS
    api_key: str | None = None
    retries: int = 4
    backoff_s: float = 1.0
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    _last: float = 0.0

    @classmethod
    def from_env(cls, client: httpx.Client) -> "EUtils":
        from ..settings import current    # $EVIDEX_EUTILS_URL / $NCBI_API_KEY or the config file
        s = current()
        return cls(client, base_url=s.eutils_url or EUTILS,
                   api_key=s.ncbi_api_key.get_secret_value() if s.ncbi_api_key else None)

    @property
    def min_interval(self) -> float:
        return 0.1 if self.api_key else 0.34

    def _get(self, endpoint: str, params: dict[str, str]) -> httpx.Response:
        params = {**params, "tool": "evidex"}
        if self.api_key:
            params["api_key"] = self.api_key
        url = f"{self.base_url.rstrip('/')}/{endpoint}"
        last_error = ""
        for attempt in range(self.retries + 1):
            wait = self._last + self.min_interval - self.clock()
            if wait > 0:
                self.sleep(wait)
            self._last = self.clock()
            try:
                resp = self.client.post(url, data=params, timeout=60.0)
            except httpx.TransportError as exc:
                last_error = f"{type(exc).__name__}: {exc}"
            else:
                if resp.status_code == 200:
                    return resp
                last_error = f"HTTP {resp.status_code}"
                if resp.status_code not in (429, 500, 502, 503, 504):
                    break
            if attempt < self.retries:
                self.sleep(self.backoff_s * 2 ** attempt)
        raise PubMedError(f"{endpoint} failed: {last_error}")

    def search(self, query: str, max_results: int) -> list[str]:
        resp = self._get("esearch.fcgi", {"db": "pubmed", "term": query, "retmax": str(max_results),
                                          "retmode": "json", "sort": "relevance"})
        try:
            return [str(i) for i in resp.json()["esearchresult"]["idlist"]][:max_results]
        except (ValueError, KeyError) as exc:
            raise PubMedError(f"esearch returned an unexpected body: {exc}") from exc

    def fetch(self, pmids: list[str], batch: int = 200) -> Iterator[Record | Problem]:
        for i in range(0, len(pmids), batch):
            chunk = pmids[i:i + batch]
            resp = self._get("efetch.fcgi", {"db": "pubmed", "id": ",".join(chunk), "retmode": "xml"})
            source = f"pubmed efetch ({chunk[0]}..{chunk[-1]})"
            for item in medline_xml.parse_stream(io.BytesIO(resp.content), source):
                if not isinstance(item, medline_xml.Deletion):
                    yield item


def search_and_fetch(eutils: EUtils, query: str, max_results: int,
                     known: Callable[[str], bool] = lambda _id: False) -> Iterator[Record | Problem]:
    """Ids already stored (``known``) are not fetched again, so an interrupted run resumes."""
    pmids = [p for p in eutils.search(query, max_results) if not known(f"pmid:{p}")]
    yield from eutils.fetch(pmids)
