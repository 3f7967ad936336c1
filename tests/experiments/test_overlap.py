"""compare(figures=...) combines and draws each experiment while the graph computes:
the same record and the same PNG bytes as combining and drawing after it."""

from __future__ import annotations

import subprocess
import sys
import warnings

import pytest

from genvsdisc.data import load
from genvsdisc.engine import InProcessEngine
from genvsdisc.experiments import Settings, compare
from genvsdisc.report import build_figures

EXPERIMENTS = ["accuracy", "learning_curve", "missing", "novelty", "regions"]


def _run(figures=None):
    settings = Settings.default(quick=True, seeds=(0, 1), n_sizes=3)
    return compare(
        load("moons", n_samples=200),
        models=["gaussian_nb", "lda", "logreg"],
        experiments=EXPERIMENTS,
        settings=settings,
        engine=InProcessEngine(threads=2),
        progress=False,
        figures=figures,
    )


@pytest.fixture(scope="module")
def plain():
    """The record of a run that combines and draws nothing early."""
    return _run()


def test_figures_drawn_during_the_graph_equal_figures_drawn_after(plain, without_timings):
    before = (warnings.showwarning, list(warnings.filters))
    figures = {}
    record = _run(figures)
    # every experiment that ran was combined and drawn on the side thread
    assert set(figures) == {n for n, s in record["experiments"].items() if s["status"] == "ok"}
    assert {n for n, png in figures.items() if png} == set(EXPERIMENTS)
    after = build_figures(record)  # drawn from the saved record, in the main thread
    assert after == {n: png for n, png in figures.items() if png is not None}
    # the record is the one combined after the graph
    assert without_timings(record["experiments"]) == without_timings(plain["experiments"])
    assert record["settings"] == plain["settings"] and record["warnings"] == plain["warnings"]
    # the warning state the tasks (and the drawing thread) shared is back as it was
    assert (warnings.showwarning, list(warnings.filters)) == before


def test_build_figures_draws_only_what_was_not_drawn(plain):
    drawn = {"accuracy": b"given", "regions": None}
    out = build_figures(plain, drawn=drawn)
    assert out["accuracy"] == b"given" and "regions" not in out
    assert set(out) == set(EXPERIMENTS) - {"regions"}


HYGIENE = """
import sys
import genvsdisc, genvsdisc.cli, genvsdisc.experiments, genvsdisc.report, genvsdisc.comparison
heavy = ("torch", "librosa", "soundfile", "hmmlearn", "fastapi", "uvicorn", "distributed")
print(sorted(m for m in (*heavy, "matplotlib") if m in sys.modules))
from genvsdisc.data import load
from genvsdisc.experiments import Settings, compare
compare(load("iris"), experiments=["accuracy"], settings=Settings.default(quick=True),
        progress=False, figures={})
print(sorted(m for m in heavy if m in sys.modules), "matplotlib" in sys.modules)
"""


def test_imports_stay_light():
    """Importing genvsdisc loads no matplotlib (the first figure does, on the drawing
    thread) and a tabular compare loads no torch, audio, web server or cluster code."""
    out = subprocess.run([sys.executable, "-c", HYGIENE], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == ["[]", "[] True"], out.stdout + out.stderr
