"""The ``evidex`` command, run as a real subprocess: help, exit codes, ingest, search, show."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from evidex.records import DESIGN_LABELS
from evidex.store import Store

from .conftest import need_data

TRUNCATED = "iAmGiG_pubmed_sample_TRUNCATED.xml"
KNOWN = "pmid:19368899"    # an RCT in the 604-citation MEDLINE sample


def _cmd() -> list[str]:
    exe = Path(sys.executable).with_name("evidex")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "evidex"]


@pytest.fixture(scope="module")
def home(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("home")


def run(home: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """Run evidex with a private data dir, so that no test touches the user's default store."""
    full_env = {k: v for k, v in os.environ.items() if k != "EVIDEX_DB"}
    full_env.update({"XDG_DATA_HOME": str(home / "data"), "HOME": str(home), "COLUMNS": "100"})
    full_env.update(env or {})
    return subprocess.run([*_cmd(), *map(str, args)], capture_output=True, text=True, env=full_env, timeout=120)


def _xml_files() -> list[Path]:
    return sorted(need_data("pubmed_xml").iterdir())


@pytest.fixture(scope="module")
def ingested(home, tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("cli") / "store.db"
    proc = run(home, "ingest", *_xml_files(), need_data("ldn", "dev_corpus.jsonl"), "--db", db)
    assert proc.returncode == 2, proc.stderr
    return db


# -- help and usage -------------------------------------------------------------------

def test_top_level_help(home):
    proc = run(home, "--help")
    assert proc.returncode == 0
    assert proc.stdout.startswith("Usage: evidex")
    for cmd in ("ingest", "ask", "search", "show"):
        assert f"\n  {cmd} " in proc.stdout
    assert "evidex ingest --starter" in proc.stdout      # a typical session is shown


def test_version(home):
    proc = run(home, "--version")
    assert proc.returncode == 0 and "0.1.0" in proc.stdout


@pytest.mark.parametrize("cmd, words", [
    ("ingest", ["PATHS", "--pubmed", "--max", "--db", "--force", "--starter", "MEDLINE", "JSONL", "exit code is 2"]),
    ("search", ["QUERY", "--design", "--since", "--limit", "--format", "--db"]),
    ("show", ["RECORD_ID", "--format", "--db"]),
    ("ask", ["QUESTION", "--format", "md", "json", "html", "--db"]),
    ("demo", ["--db", "--question"]),
])
def test_subcommand_help(home, cmd, words):
    proc = run(home, cmd, "--help")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith(f"Usage: evidex {cmd}")
    for word in words:
        assert word in proc.stdout, word
    assert run(home, cmd, "-h").stdout == proc.stdout


def test_ingest_without_arguments_is_usage_error(home):
    proc = run(home, "ingest")
    assert proc.returncode == 1
    assert "PATHS" in proc.stderr and "--pubmed" in proc.stderr and "--starter" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not (home / "data" / "evidex" / "evidex.db").exists()   # nothing was created


@pytest.mark.parametrize("args", [
    ["bogus-command"],
    ["search"],                                   # missing QUERY
    ["search", "pain", "--since", "last-year"],   # not an integer
    ["ask", "q", "--format", "pdf"],
])
def test_usage_errors_exit_1(home, tmp_path, args):
    proc = run(home, *args, "--db", tmp_path / "x.db") if args[0] != "bogus-command" else run(home, *args)
    assert proc.returncode == 1, (proc.returncode, proc.stderr)
    assert "Usage:" in proc.stderr and "Traceback" not in proc.stderr


def test_search_with_unknown_design_exits_1(home, tmp_path):
    proc = run(home, "search", "naltrexone", "--design", "rct,bogus", "--db", tmp_path / "x.db")
    assert proc.returncode == 1
    assert "bogus" in proc.stderr
    assert all(label in proc.stderr for label in DESIGN_LABELS)   # it says what to choose from


# -- ingest ---------------------------------------------------------------------------

def test_ingest_pubmed_xml_exits_2_and_is_idempotent(home, db_path):
    files = _xml_files()
    first = run(home, "ingest", *files, "--db", db_path)
    assert first.returncode == 2
    assert TRUNCATED in first.stderr
    error_lines = [ln for ln in first.stderr.splitlines() if ln.startswith("error:")]
    assert len(error_lines) == 1 and TRUNCATED in error_lines[0] and "line " in error_lines[0]
    assert "625 added" in first.stderr and "store: 625 record(s)" in first.stderr
    with Store(db_path) as store:
        checksum = store.checksum()
        assert store.count() == 625
    second = run(home, "ingest", *files, "--db", db_path)
    assert second.returncode == 2 and TRUNCATED in second.stderr
    assert "0 added, 0 updated" in second.stderr
    with Store(db_path) as store:
        assert store.checksum() == checksum and store.count() == 625


def test_ingest_clean_files_exits_0(home, db_path):
    proc = run(home, "ingest", need_data("medline_text"), "--db", db_path, "-q")
    assert proc.returncode == 0, proc.stderr
    assert "6 added" in proc.stderr and "error:" not in proc.stderr


def test_ingest_embedder_choice_is_kept_by_the_store(home, tmp_path):
    db = tmp_path / "m.db"
    bad = run(home, "ingest", "--starter", "--embedder", "bert-huge", "--db", db, "-q")
    assert bad.returncode == 1 and "bert-huge" in bad.stderr and not db.exists()
    proc = run(home, "ingest", "--starter", "--embedder", "wordllama", "--db", db, "-q")
    assert proc.returncode == 0, proc.stderr
    with Store(db) as store:
        assert store.conn.execute("SELECT value FROM meta WHERE key = 'embedder'").fetchone() == ("wordllama",)
    # The store remembers: a later query needs no flag and prints no note.
    ask = run(home, "search", "naltrexone fibromyalgia", "--db", db, "-k", "2")
    assert ask.returncode == 0 and "note:" not in ask.stderr


def test_deferred_embedding_happens_at_the_first_query_and_says_so(home, tmp_path):
    db = tmp_path / "d.db"
    assert run(home, "ingest", "--starter", "--no-embed", "--db", db, "-q").returncode == 0
    first = run(home, "search", "naltrexone fibromyalgia", "--db", db, "-k", "2")
    assert first.returncode == 0 and "embedding new records" in first.stderr
    again = run(home, "search", "naltrexone fibromyalgia", "--db", db, "-k", "2")
    assert again.returncode == 0 and "embedding" not in again.stderr and again.stdout == first.stdout


def test_ingest_bad_jsonl_names_the_line(home, tmp_path, db_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "ok1", "title": "Naltrexone trial"}\n{"id": "x", "title": \n', encoding="utf-8")
    proc = run(home, "ingest", bad, "--db", db_path)
    assert proc.returncode == 2
    assert f"error: {bad}: line 2" in proc.stderr
    with Store(db_path) as store:
        assert store.has("ok1") and store.count() == 1


def test_ingest_missing_file_exits_2(home, tmp_path, db_path):
    proc = run(home, "ingest", tmp_path / "no-such-file.xml", "--db", db_path)
    assert proc.returncode == 2 and "no-such-file.xml" in proc.stderr


def test_evidex_db_environment_variable(home, tmp_path):
    db = tmp_path / "from-env.db"
    proc = run(home, "ingest", need_data("medline_text", "biopython_pubmed_result1.txt"),
               env={"EVIDEX_DB": str(db)})
    assert proc.returncode == 0, proc.stderr
    with Store(db) as store:
        assert store.has("pmid:12230038")


# -- search and show ------------------------------------------------------------------

def test_search_finds_known_record(home, ingested):
    proc = run(home, "search", "schizophrenia cognitive training", "--db", ingested)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].startswith(" 1. [rct] Is serum brain-derived neurotrophic factor")
    assert KNOWN in lines[1]


def test_search_json_with_filters(home, ingested):
    proc = run(home, "search", "naltrexone", "--design", "rct,systematic_review", "--since", "2015",
               "--limit", "50", "--format", "json", "--db", ingested)
    assert proc.returncode == 0, proc.stderr
    rows = json.loads(proc.stdout)
    assert rows
    assert all(r["design"] in ("rct", "systematic_review") and r["year"] >= 2015 for r in rows)
    assert {"id", "score", "title", "year", "design"} == set(rows[0])
    unfiltered = json.loads(run(home, "search", "naltrexone", "--limit", "50", "--format", "json",
                                "--db", ingested).stdout)
    assert len(unfiltered) > len(rows)
    with Store(ingested) as store:
        for r in rows:
            stored = store.get(r["id"])
            assert stored.appraisal.design == r["design"] and stored.record.year == r["year"]


def test_search_limit_and_no_match(home, ingested):
    proc = run(home, "search", "naltrexone", "--limit", "3", "--format", "json", "--db", ingested)
    assert len(json.loads(proc.stdout)) == 3
    none = run(home, "search", "zzyzxquux", "--db", ingested)
    assert none.returncode == 0 and none.stdout == "" and "no matching records" in none.stderr


def test_show_known_record(home, ingested):
    proc = run(home, "show", KNOWN, "--db", ingested)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert out.startswith("Vinogradov S, Fisher M, Holland C, Shelly W, Wolkowitz O, Mellon SH. Is serum")
    assert "Biol Psychiatry. 2009;66(6):549-53. doi:10.1016/j.biopsych.2009.02.017. PMID: 19368899." in out
    assert "design: rct (from publication_type" in out and "level 2" in out
    assert "\nMETHODS: Fifty-six schizophrenia outpatients" in out


def test_show_json(home, ingested):
    proc = run(home, "show", KNOWN, "--format", "json", "--db", ingested)
    data = json.loads(proc.stdout)
    assert data["record"]["id"] == KNOWN and data["appraisal"]["record_id"] == KNOWN
    assert data["record"]["doi"] == "10.1016/j.biopsych.2009.02.017"
    assert data["appraisal"]["design"] == "rct"


def test_show_unknown_id_exits_1(home, ingested):
    proc = run(home, "show", "nope", "--db", ingested)
    assert proc.returncode == 1
    assert "no record with id 'nope'" in proc.stderr
    assert proc.stdout == "" and "Traceback" not in proc.stderr


def test_ask_on_empty_store_exits_1(home, tmp_path):
    from evidex.store import Store
    Store(tmp_path / "empty.db").close()
    proc = run(home, "ask", "Is naltrexone effective for fibromyalgia?", "--db", tmp_path / "empty.db")
    assert proc.returncode == 1
    assert "store is empty" in proc.stderr and "evidex ingest" in proc.stderr


def test_read_commands_on_missing_store_exit_1_without_creating_it(home, tmp_path):
    missing = tmp_path / "missing.db"
    for args in (("ask", "Is naltrexone effective?"), ("search", "naltrexone"), ("show", "pmid:1")):
        proc = run(home, *args, "--db", missing)
        assert proc.returncode == 1
        assert "no store at" in proc.stderr and "evidex ingest" in proc.stderr
    assert not missing.exists()
