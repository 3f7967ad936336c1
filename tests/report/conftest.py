"""Results records from real (tiny, quick) comparisons, shared by the report tests."""

from __future__ import annotations

import numpy as np
import pytest

from genvsdisc.data import load
from genvsdisc.experiments import Settings, compare
from genvsdisc.report import write_report

SETTINGS = Settings.default(quick=True, seeds=(0, 1), n_sizes=4)


@pytest.fixture(scope="session")
def record_moons():
    """Every experiment on 160 moons points, incl. the 2-D regions."""
    return compare(
        load("moons", n_samples=160),
        models=["gaussian_nb", "logreg"],
        settings=SETTINGS,
        progress=False,
    )


@pytest.fixture(scope="session")
def record_images():
    """150 8x8 digits of 3 classes: image grids for generation, and a discriminative judge."""
    ds = load("digits")
    ds = ds.subset(np.flatnonzero(ds.y < 3)[:150])
    ds.classes = ds.classes[:3]
    return compare(ds, models=["gaussian_nb", "logreg"], settings=SETTINGS, progress=False)


@pytest.fixture(scope="session")
def report_dir(record_moons, tmp_path_factory):
    out = tmp_path_factory.mktemp("report")
    write_report(record_moons, out)
    return out
