import numpy as np
import pytest

from genvsdisc.experiments import Skip, run_experiment
from genvsdisc.experiments.regions import GRID


def test_regions_grid_and_density(moons_split, quick):
    out = run_experiment("regions", *moons_split, ["gaussian_nb", "logreg"], quick)
    nb, lr = out.rows
    assert np.shape(nb["label"]) == (GRID, GRID) and np.shape(nb["log_density"]) == (2, GRID, GRID)
    assert "log_density" not in lr and nb["accuracy"] > 0.7
    assert len(nb["samples"]["y"]) == 2 * 60


def test_regions_skip_more_than_two_features(iris_split, quick):
    with pytest.raises(Skip, match="the data has 4 features"):
        run_experiment("regions", *iris_split, ["logreg"], quick)
