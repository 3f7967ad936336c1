"""Plain-label fast paths fit exactly what the weighted paths fit; rows are not copied or up-cast."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.datasets import load_digits

from genvsdisc.exceptions import MissingValuesError, ParameterError
from genvsdisc.models import make

NB_STATS = {
    "gaussian_nb": ("theta_", "var_", "epsilon_", "class_count_", "class_log_prior_"),
    "bernoulli_nb": (
        "feature_count_",
        "feature_log_prob_",
        "feature_log_neg_prob_",
        "class_count_",
    ),
}


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return X / 16.0, y


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("name", sorted(NB_STATS))
def test_unweighted_fit_equals_unit_weights(digits, name, dtype):
    X, y = digits[0].astype(dtype), digits[1]
    plain = make(name).fit(X, y)
    unit = make(name).fit(X, y, sample_weight=np.ones(len(y)))
    # float32 Gaussian statistics: float32 blocks summed in float64 (test_nb_float32.py)
    rtol = 2e-6 if (dtype, name) == (np.float32, "gaussian_nb") else 0.0
    for attr in NB_STATS[name]:
        np.testing.assert_allclose(
            getattr(plain, attr), getattr(unit, attr), rtol=rtol, atol=0, err_msg=attr
        )


@pytest.mark.parametrize("name", sorted(NB_STATS))
def test_unweighted_partial_fit_equals_unit_weights(digits, name):
    X, y = digits
    plain, unit = make(name), make(name)
    for chunk in np.array_split(np.arange(len(y)), 3):
        plain.partial_fit(X[chunk], y[chunk], classes=np.unique(y))
        unit.partial_fit(
            X[chunk], y[chunk], classes=np.unique(y), sample_weight=np.ones(len(chunk))
        )
    for attr in NB_STATS[name]:
        np.testing.assert_allclose(
            getattr(plain, attr), getattr(unit, attr), rtol=1e-12, atol=1e-12
        )


def test_gaussian_nb_float32_rows_give_float64_statistics(digits):
    X, y = digits
    m32 = make("gaussian_nb").fit(X.astype(np.float32), y)
    m64 = make("gaussian_nb").fit(X.astype(np.float32).astype(np.float64), y)
    assert m32.theta_.dtype == m32.var_.dtype == np.float64
    np.testing.assert_allclose(m32.theta_, m64.theta_, rtol=2e-6, atol=0)
    np.testing.assert_allclose(m32.var_, m64.var_, rtol=2e-6, atol=0)
    np.testing.assert_array_equal(m32.predict(X.astype(np.float32)), m64.predict(X))


@pytest.mark.parametrize("name", sorted(NB_STATS))
def test_float32_rows_are_not_up_cast(digits, name, monkeypatch):
    X, y = digits[0].astype(np.float32), digits[1]
    model = make(name)
    seen = {}
    original = type(model)._fit_labeled

    def spy(self, X_lab, y_idx, weights):
        seen["X"] = X_lab
        return original(self, X_lab, y_idx, weights)

    monkeypatch.setattr(type(model), "_fit_labeled", spy)
    model.fit(X, y)
    assert seen["X"].dtype == np.float32
    assert np.shares_memory(seen["X"], X)  # every row labeled: no copy of the rows


def test_labeled_rows_are_copied_only_when_some_are_unlabeled(digits, monkeypatch):
    X, y = digits
    y_semi = y.copy()
    y_semi[::5] = -1
    model = make("gaussian_nb", em_max_iter=2)
    seen = {}
    original = type(model)._fit_labeled

    def spy(self, X_lab, y_idx, weights):
        seen["X"], seen["y"] = X_lab, y_idx
        return original(self, X_lab, y_idx, weights)

    monkeypatch.setattr(type(model), "_fit_labeled", spy)
    model.fit(X, y_semi)
    np.testing.assert_array_equal(seen["X"], X[y_semi != -1])
    assert model.n_em_iter_ >= 1


def test_bernoulli_complete_rows_score_as_in_the_missing_value_path(digits):
    X, _ = digits
    model = make("bernoulli_nb").fit(X, digits[1])
    with_nan = X[:20].copy()
    with_nan[0, 3] = np.nan  # row 0 takes the NaN path, so the whole batch does
    np.testing.assert_allclose(
        model.predict_joint_log_proba(with_nan)[1:], model.predict_joint_log_proba(X[1:20])
    )


def test_predict_checks_still_refuse_inf_and_nan_but_accept_huge_values():
    X = np.array([[0.0, 1.0], [1.0, 0.0], [0.5, 0.2], [0.1, 0.9]])
    y = [0, 1, 0, 1]
    model = make("gaussian_nb").fit(X, y)
    huge = np.full((2, 2), 1e308)  # their sum overflows: the detailed check must pass them
    assert np.isfinite(make("bernoulli_nb").fit(X, y).predict_proba(huge)).all()
    with pytest.raises(ParameterError, match="inf"):
        model.predict_proba(np.array([[np.inf, 0.0]]))
    with pytest.raises(MissingValuesError, match="every feature is NaN"):
        model.predict_proba(np.array([[np.nan, np.nan]]))
    assert np.isfinite(model.predict_proba(np.array([[np.nan, 0.3]]))).all()
