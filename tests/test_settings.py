"""One settings object: defaults < config.toml < environment, each value's origin shown,
every setting documented, and the old environment variables still in charge."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from evidex import settings as st

from .conftest import ROOT
from .test_cli import run

DOC = ROOT / "docs" / "config.md"


def _doc_table() -> dict[str, str]:
    """setting -> variable, from the table in docs/config.md."""
    rows = re.findall(r"^\| `([a-z_]+)` \| `([A-Z_]+)` \|", DOC.read_text(), flags=re.M)
    return dict(rows)


def test_every_setting_is_documented_with_its_variable():
    assert _doc_table() == st.ENV_NAMES
    for name, field in st.Settings.model_fields.items():
        assert field.description, f"{name} has no description"


def test_no_module_reads_a_settings_variable_from_the_environment():
    pattern = re.compile(r"environ(?:\.get\(|\[)\s*[\"'](" + "|".join(st.ENV_NAMES.values()) + r")[\"']")
    offenders = [f"{p.relative_to(ROOT)}:{i}" for p in (ROOT / "src" / "evidex").rglob("*.py")
                 if p.name != "settings.py"
                 for i, line in enumerate(p.read_text().splitlines(), 1) if pattern.search(line)]
    assert offenders == []


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    return {"XDG_CONFIG_HOME": str(tmp_path / "cfg"), "XDG_DATA_HOME": str(tmp_path / "data"), **extra}


def test_layers_and_origins(tmp_path):
    loaded = st.load(_env(tmp_path))
    assert not loaded.config_found and set(loaded.origins.values()) == {"default"}
    assert loaded.settings.embed is True and loaded.default_db == tmp_path / "data" / "evidex" / "evidex.db"
    cfg = tmp_path / "cfg" / "evidex" / "config.toml"
    cfg.parent.mkdir(parents=True)
    cfg.write_text('db = "~/lib.db"\nembedder = "minilm"\nembed = false\nncbi_api_key = "sekret"\n')
    loaded = st.load(_env(tmp_path))
    s = loaded.settings
    assert loaded.config_found and s.db == Path("~/lib.db").expanduser() and s.embedder == "minilm" and not s.embed
    assert loaded.origins["db"] == str(cfg) and loaded.origins["eutils_url"] == "default"
    loaded = st.load(_env(tmp_path, EVIDEX_DB=str(tmp_path / "env.db"), EVIDEX_EMBED="1"))
    assert loaded.settings.db == tmp_path / "env.db" and loaded.settings.embed is True
    assert loaded.origins["db"] == "$EVIDEX_DB" and loaded.origins["embed"] == "$EVIDEX_EMBED"
    assert loaded.origins["embedder"] == str(cfg)
    shown = {name: value for name, value, _ in loaded.rows()}
    assert shown["ncbi_api_key"] == "********" and "sekret" not in json.dumps(loaded.rows())


@pytest.mark.parametrize("text, words", [
    ("db = \n", ["not valid TOML", "line 1"]),
    ('dbpath = "x"\n', ["unknown setting(s) dbpath", "docs/config.md"]),
    ('embed = "maybe"\n', ["config.toml: embed"]),
])
def test_a_bad_config_file_is_named_with_the_reason(tmp_path, text, words):
    cfg = tmp_path / "config.toml"
    cfg.write_text(text)
    with pytest.raises(st.SettingsError) as err:
        st.load(_env(tmp_path, EVIDEX_CONFIG=str(cfg)))
    assert str(cfg) in str(err.value) and all(w in str(err.value) for w in words)


def test_a_bad_variable_is_named(tmp_path):
    with pytest.raises(st.SettingsError, match=r"\$EVIDEX_EMBED: embed"):
        st.load(_env(tmp_path, EVIDEX_EMBED="perhaps"))


def test_the_library_reads_the_current_settings(tmp_path, monkeypatch):
    from evidex.eval.datasets import shared_data_dir
    from evidex.ingest.pubmed_online import EUTILS, EUtils
    from evidex.load import embed_enabled
    from evidex.store import default_db_path
    for k, v in _env(tmp_path).items():
        monkeypatch.setenv(k, v)
    for var in (*st.ENV_NAMES.values(), st.CONFIG_ENV):
        monkeypatch.delenv(var, raising=False)
    assert default_db_path() == tmp_path / "data" / "evidex" / "evidex.db"
    assert embed_enabled() is True
    assert EUtils.from_env(None).base_url == EUTILS and EUtils.from_env(None).api_key is None
    cfg = tmp_path / "cfg" / "evidex" / "config.toml"
    cfg.parent.mkdir(parents=True)
    (tmp_path / "sets").mkdir()
    cfg.write_text(f'db = "{tmp_path / "file.db"}"\nembed = false\neutils_url = "http://127.0.0.1:9/eutils"\n'
                   f'ncbi_api_key = "k1"\nshared_data = "{tmp_path / "sets"}"\n')
    assert default_db_path() == tmp_path / "file.db" and embed_enabled() is False
    assert shared_data_dir() == tmp_path / "sets"
    eu = EUtils.from_env(None)
    assert (eu.base_url, eu.api_key) == ("http://127.0.0.1:9/eutils", "k1")
    monkeypatch.setenv("EVIDEX_DB", str(tmp_path / "env.db"))
    monkeypatch.setenv("EVIDEX_EMBED", "yes")
    assert default_db_path() == tmp_path / "env.db" and embed_enabled() is True


def test_config_show_and_global_config_option(tmp_path):
    cfg = tmp_path / "my.toml"
    store = tmp_path / "from-config.db"
    cfg.write_text(f'db = "{store}"\nembed = false\n')
    proc = run(tmp_path, "--config", cfg, "config", "show", "--format", "json", env={"EVIDEX_EMBED": "1"})
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["config_file"] == str(cfg.resolve()) and out["config_found"] is True
    assert out["settings"]["db"] == {"value": str(store), "from": str(cfg.resolve()), "env": "EVIDEX_DB"}
    assert out["settings"]["embed"] == {"value": "True", "from": "$EVIDEX_EMBED", "env": "EVIDEX_EMBED"}
    text = run(tmp_path, "--config", cfg, "config", "show").stdout
    assert re.search(r"^db +=.*from-config\.db +from .*my\.toml$", text, flags=re.M), text
    proc = run(tmp_path, "--config", cfg, "ingest", "--starter", "-q")       # the store named by the file
    assert proc.returncode == 0, proc.stderr
    assert store.exists() and str(store) in proc.stderr
    bad = tmp_path / "bad.toml"
    bad.write_text("embed = [\n")
    proc = run(tmp_path, "--config", bad, "search", "naltrexone")
    assert proc.returncode == 2 and "bad.toml: not valid TOML" in proc.stderr and "Traceback" not in proc.stderr
    proc = run(tmp_path, "config", "show", env={"EVIDEX_EMBED": "perhaps"})
    assert proc.returncode == 2 and "$EVIDEX_EMBED" in proc.stderr
