"""Smoke test of the installed `genvsdisc` console script (not the in-process click runner)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import genvsdisc

SCRIPT = Path(sys.executable).parent / ("genvsdisc.exe" if sys.platform == "win32" else "genvsdisc")


def _run(*args: str) -> subprocess.CompletedProcess:
    assert SCRIPT.exists(), f"console script {SCRIPT} not installed; run scripts/install.sh"
    return subprocess.run([str(SCRIPT), *args], capture_output=True, text=True, timeout=120)


def test_installed_script_version():
    out = _run("--version")
    assert (
        out.returncode == 0 and out.stdout.strip() == f"genvsdisc, version {genvsdisc.__version__}"
    )


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("datasets",), "bbc_news"),
        (("inspect", "iris"), "classes:  3: setosa 50, versicolor 50, virginica 50"),
    ],
)
def test_installed_script_commands(args, expected):
    out = _run(*args)
    assert out.returncode == 0, out.stderr
    assert expected in out.stdout and out.stderr == ""


def test_installed_script_user_error_exit_2(tmp_path):
    out = _run("inspect", str(tmp_path / "missing.csv"))
    assert out.returncode == 2
    assert out.stderr.count("\n") == 1 and "missing.csv: no such file or folder" in out.stderr
