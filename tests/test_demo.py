"""The README's main job: `evidex demo` prints the cited CRPS answer on a fresh store."""
from __future__ import annotations

import os
import subprocess
import sys


def run(*args: str, env_db: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "EVIDEX_DB": env_db}
    return subprocess.run([sys.executable, "-m", "evidex", *args], capture_output=True, text=True, env=env,
                          timeout=120)


def test_demo_prints_cited_crps_answer_and_is_idempotent(tmp_path):
    db = str(tmp_path / "demo.db")
    first = run("demo", env_db=db)
    assert first.returncode == 0, first.stderr
    out = first.stdout
    assert "## From the Guidelines" in out and "### Key Points" in out and "## From the Research" in out
    assert "certainty **very low**" in out or "certainty **low**" in out
    assert "Indirectness" in out
    assert "[1]" in out and "## References" in out
    assert "39 added" in first.stderr
    second = run("demo", env_db=db)
    assert second.returncode == 0
    assert "0 added, 0 updated" in second.stderr or "1 unchanged, skipped" in second.stderr
    assert second.stdout == out, "the same store and question must give the same answer"
