"""The code passes the project's own linters: ruff and mypy, as configured in pyproject.toml.

They run here, from the test command, so `bin/test` and CI fail when either finds something.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, timeout=600)


def test_ruff_finds_nothing_under_the_project_configuration():
    done = run("ruff", "check", "--no-cache", "--output-format", "concise", ".")
    assert done.returncode == 0, done.stdout + done.stderr


def test_mypy_finds_nothing_under_the_project_configuration():
    # The files mypy checks are listed in pyproject.toml; its cache (.mypy_cache) makes a rerun quick.
    done = run("mypy")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Success: no issues found" in done.stdout
