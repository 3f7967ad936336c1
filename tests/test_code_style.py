"""The code base stays formatted and lint-clean: ruff runs as part of the suite (and so in CI)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHECKED = ["src", "tests", "benchmarks"]


@pytest.mark.parametrize("command", [["check"], ["format", "--check"]], ids=["lint", "format"])
def test_ruff_is_clean(command):
    proc = subprocess.run(
        [sys.executable, "-m", "ruff", *command, *CHECKED],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


#: Small modules: no source file (Python, JavaScript, HTML, CSS) longer than this.
MAX_LINES = 400


def test_no_source_file_is_too_long():
    files = [p for p in (ROOT / "src").rglob("*") if p.suffix in {".py", ".js", ".html", ".css"}]
    assert len(files) > 50  # the walk found the package
    long = {
        str(p.relative_to(ROOT)): n
        for p in files
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert not long, f"files over {MAX_LINES} lines (split them along a seam): {long}"
