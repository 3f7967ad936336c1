"""``python -m genvsdisc`` is the genvsdisc command, and a run with no PyTorch model
never imports PyTorch (it costs seconds of start-up, in every Dask worker too)."""

import os
import re
import subprocess
import sys
from pathlib import Path

import genvsdisc

SRC = str(Path(genvsdisc.__file__).parents[1])


def _run(*args, **kw):
    env = {**os.environ, "PYTHONPATH": SRC + os.pathsep + os.environ.get("PYTHONPATH", "")}
    env["OMP_NUM_THREADS"] = "1"
    return subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, env=env, timeout=300, **kw
    )


def test_python_m_genvsdisc_is_the_command():
    proc = _run("-m", "genvsdisc", "--version")
    assert proc.returncode == 0 and proc.stdout.startswith("genvsdisc")
    bad = _run("-m", "genvsdisc", "compare")
    assert bad.returncode == 2 and "genvsdisc: error: Missing argument" in bad.stderr


def test_compare_without_a_torch_model_never_imports_torch(tmp_path):
    """`python -X importtime` lists every module the process imported, first imports
    included; the default engine's forked workers share its stderr, so a module one of
    them imported would be listed too. The engine says which it picked."""
    proc = _run(
        "-X",
        "importtime",
        "-m",
        "genvsdisc",
        "compare",
        "iris",
        "--quick",
        "--experiments",
        "accuracy,missing",
        "--models",
        "lda,logreg",
        "--out",
        str(tmp_path / "out"),
        "--no-progress",
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    imported = [
        line.rsplit("|", 1)[-1].strip()
        for line in proc.stderr.splitlines()
        if line.startswith("import time:")
    ]
    assert "genvsdisc.experiments.runner" in imported  # the listing is complete
    assert not [m for m in imported if m == "torch" or m.startswith("torch.")]
    assert re.search(r"genvsdisc: engine: (in-process|local-processes) \(picked:", proc.stderr)
    assert (tmp_path / "out" / "results.json").exists()
