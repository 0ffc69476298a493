"""A client for an OpenAI-compatible chat endpoint (llama.cpp server, Ollama, vLLM, LM Studio,
a hosted API) and where its settings come from.

Nothing is called unless a base URL is configured. Every failure — refused connection, no
answer within the time left, an HTTP error, a body that is not a chat completion — is one
exception, ``LLMUnavailable``, so that the caller can fall back to the extractive writer.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import httpx
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .settings import SettingsError, current, load

WRITERS = ("extractive", "llm")
DEFAULT_TIMEOUT = 60.0


class LLMUnavailable(RuntimeError):
    """The endpoint could not give a usable answer (down, too slow, or garbage)."""


@dataclass(frozen=True)
class LLMSettings:
    base_url: str                       # e.g. http://127.0.0.1:8080/v1
    model: str = "local"
    api_key: str | None = field(default=None, repr=False)
    timeout: float = DEFAULT_TIMEOUT    # seconds one answer may wait for the model, all calls together


@dataclass(frozen=True)
class WriterSettings:
    writer: str = "extractive"          # which writer answers by default: extractive | llm
    llm: LLMSettings | None = None      # None: no endpoint configured, nothing is ever called


def writer_settings(environ: Mapping[str, str] | None = None, *, writer: str | None = None,
                    base_url: str | None = None, model: str | None = None) -> WriterSettings:
    """The writer's settings from the one settings object (explicit arguments win):
    ``writer``, ``llm_base_url``, ``llm_model``, ``llm_api_key``, ``llm_timeout`` (config file, or
    EVIDEX_WRITER, EVIDEX_LLM_BASE_URL, EVIDEX_LLM_MODEL, EVIDEX_LLM_API_KEY, EVIDEX_LLM_TIMEOUT).
    A value that cannot be used raises ``SettingsError`` naming it (the CLI: exit 2)."""
    conf = current() if environ is None else load(environ).settings
    chosen = (writer or conf.writer or "extractive").strip().lower()
    if chosen not in WRITERS:
        raise SettingsError(f"EVIDEX_WRITER must be one of {', '.join(WRITERS)}, not {chosen!r}")
    url = (base_url or conf.llm_base_url or "").strip()
    if url and not url.startswith(("http://", "https://")):
        raise SettingsError(f"the LLM base URL must start with http:// or https://, not {url!r}")
    key = conf.llm_api_key.get_secret_value() if conf.llm_api_key else None
    llm = LLMSettings(url.rstrip("/"), (model or conf.llm_model or "local").strip(), key or None,
                      conf.llm_timeout) if url else None
    return WriterSettings(chosen, llm)


class _Message(BaseModel):
    model_config = ConfigDict(extra="ignore")
    content: str


class _Choice(BaseModel):
    model_config = ConfigDict(extra="ignore")
    message: _Message


class _Completion(BaseModel):
    """The part of an OpenAI chat completion this client reads."""

    model_config = ConfigDict(extra="ignore")
    choices: list[_Choice] = Field(min_length=1)


class ChatClient:
    """``complete(messages, timeout)`` -> the reply's text. Pass ``http`` (an ``httpx.Client``,
    e.g. with a ``MockTransport``) to choose the transport; otherwise one is made and owned."""

    def __init__(self, settings: LLMSettings, http: httpx.Client | None = None) -> None:
        self.settings = settings
        self._http = http or httpx.Client()
        self._owned = http is None

    def close(self) -> None:
        if self._owned:
            self._http.close()

    def __enter__(self) -> "ChatClient":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def complete(self, messages: list[dict[str, str]], timeout: float | None = None,
                 max_tokens: int = 400) -> str:
        s = self.settings
        wait = s.timeout if timeout is None else timeout
        if wait <= 0:
            raise LLMUnavailable("no time left for the language model")
        headers = {"Authorization": f"Bearer {s.api_key}"} if s.api_key else {}
        body = {"model": s.model, "messages": messages, "temperature": 0, "max_tokens": max_tokens,
                "stream": False}
        url = f"{s.base_url}/chat/completions"
        try:
            r = self._http.post(url, json=body, headers=headers, timeout=httpx.Timeout(wait))
        except httpx.TimeoutException:
            raise LLMUnavailable(f"{url} gave no answer within {wait:.0f} s") from None
        except httpx.HTTPError as exc:
            raise LLMUnavailable(f"{url} could not be reached ({type(exc).__name__}: {exc})") from None
        if r.status_code != 200:
            raise LLMUnavailable(f"{url} answered HTTP {r.status_code}: {r.text[:200]!r}")
        try:
            reply = _Completion.model_validate_json(r.content).choices[0].message.content
        except ValidationError as exc:
            raise LLMUnavailable(f"{url} did not return a chat completion "
                                 f"({exc.error_count()} problem(s), e.g. {exc.errors()[0]['msg']})") from None
        if not reply.strip():
            raise LLMUnavailable(f"{url} returned an empty reply")
        return reply
