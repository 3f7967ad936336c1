import numpy as np
import pytest

from genvsdisc.exceptions import ParameterError
from genvsdisc.experiments.common import (
    Settings,
    expected_calibration_error,
    make_model,
    per_class_subset,
    reliability_bins,
    stratified_order,
    tuned_params,
)


def test_stratified_order_every_class_first():
    y = np.array([0] * 50 + [1] * 3 + [2] * 20)
    order = stratified_order(y, 3, seed=4)
    assert sorted(order) == list(range(len(y)))
    assert set(y[order[:3]]) == {0, 1, 2}


def test_stratified_order_seeded():
    y = np.arange(40) % 4
    assert np.array_equal(stratified_order(y, 4, 1), stratified_order(y, 4, 1))
    assert not np.array_equal(stratified_order(y, 4, 1), stratified_order(y, 4, 2))


def test_per_class_subset_counts():
    y = np.array([0] * 10 + [1] * 2)
    rows = per_class_subset(y, 3, seed=0)
    assert np.bincount(y[rows]).tolist() == [3, 2]


def test_ece_perfectly_calibrated_is_zero():
    # 10 rows at confidence 0.8, 8 of them right: accuracy equals confidence
    proba = np.tile([0.8, 0.2], (10, 1))
    y = np.array([0] * 8 + [1] * 2)
    assert expected_calibration_error(proba, y) == pytest.approx(0.0)


def test_ece_overconfident():
    proba = np.tile([0.9, 0.1], (10, 1))
    y = np.array([0] * 5 + [1] * 5)
    assert expected_calibration_error(proba, y) == pytest.approx(0.4)
    bins = reliability_bins(proba, y)
    assert sum(bins["count"]) == 10 and bins["count"][8] == 10


def test_settings_default_quick_is_smaller():
    q, full = Settings.default(quick=True), Settings.default()
    assert len(q.seeds) < len(full.seeds) and q.n_sizes < full.n_sizes and q.quick


def test_settings_bad_seed_count():
    with pytest.raises(ParameterError, match="--seeds must be a positive integer; got 0"):
        Settings.default(n_seeds=0)


def test_make_model_seed_and_params():
    m = make_model("hgb", seed=7, settings=Settings(model_params={"hgb": {"max_iter": 5}}))
    assert m.random_state == 7 and m.max_iter == 5


def test_tuned_params_reads_choice(iris_split):
    train, _ = iris_split
    est = make_model("logreg", 0).fit(train.X, train.y)
    assert tuned_params(est) == {"C": est.C_}
    assert tuned_params(make_model("logreg", 0, C=2.0).fit(train.X, train.y)) == {}
