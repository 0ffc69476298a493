"""Small, self-describing models trained by ``scripts/train_*.py`` (JSON, no pickle).

Each file holds a ``manifest`` (name, version, training data, settings, sha of the weights,
metrics measured at training time) beside its parameters. ``load(name)`` reads one from
the package directory once and caches it.
"""
from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

MODEL_DIR = Path(__file__).resolve().parent


class ModelMissing(RuntimeError):
    """A model file is not installed (a packaging error, not a user error)."""


@lru_cache(maxsize=None)
def load(name: str) -> dict[str, Any]:
    path = MODEL_DIR / f"{name}.json"
    if not path.exists():
        raise ModelMissing(f"model file {path} is missing: reinstall evidex or run scripts/train_*.py")
    data = json.loads(path.read_text(encoding="utf-8"))
    if data.get("manifest", {}).get("name") != name:
        raise ModelMissing(f"{path}: manifest names {data.get('manifest', {}).get('name')!r}, expected {name!r}")
    return data


def params_or_none(name: str) -> dict[str, Any] | None:
    """A model's parameters, or None where its file is not installed (for a model with a fallback:
    the order it replaced)."""
    try:
        return load(name)["params"]
    except ModelMissing:
        return None


def params_sha(params: Any) -> str:
    """Checksum of a model's parameters as written (stable key order)."""
    blob = json.dumps(params, sort_keys=True, separators=(",", ":")).encode()
    return hashlib.sha256(blob).hexdigest()[:16]
