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


def test_paint_fitted_confidence_is_the_top_class_probability(moons_split):
    from genvsdisc.experiments.regions import grid_axes, grid_points, paint_fitted
    from genvsdisc.models import make

    train, _ = moons_split
    xs, ys = grid_axes(train.X, n=7)
    for name in ("gaussian_nb", "logreg"):
        est = make(name).fit(train.X, train.y)
        painted = paint_fitted(est, xs, ys)
        proba = est.predict_proba(grid_points(xs, ys))
        np.testing.assert_array_equal(painted["confidence"], proba.max(axis=1).reshape(7, 7))
        np.testing.assert_array_equal(painted["label"], proba.argmax(axis=1).reshape(7, 7))
        assert ("log_joint" in painted) == (name == "gaussian_nb")
    assert painted["classes"].tolist() == [0, 1]
