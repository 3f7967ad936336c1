"""Kernel density per class: exact density, exact marginals, bandwidth search, sampling."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.special import logsumexp
from scipy.stats import multivariate_normal
from sklearn.model_selection import KFold

from genvsdisc.models.generative.kde import ClassKernelDensity


def _brute_force_score(model, X_train, y_train, x, obs):
    """log p(x_obs) = log sum_k pi_k mean_i N(x_obs; t_i,obs, h_k^2 diag(scale_obs)), by hand."""
    parts = []
    for k, c in enumerate(model.classes_):
        T = X_train[y_train == c][:, obs]
        cov = model.bandwidths_[k] ** 2 * np.diag(model.scale_[obs])
        dens = [multivariate_normal(t, cov).logpdf(x[obs]) for t in T]
        parts.append(logsumexp(dens) - np.log(len(T)) + model.class_log_prior_[k])
    return logsumexp(parts)


@pytest.mark.parametrize("standardize", [True, False])
def test_density_equals_brute_force_in_user_units(standardize, blobs):
    X, y = blobs
    model = ClassKernelDensity(bandwidth=0.3, standardize=standardize).fit(X, y)
    expected = [_brute_force_score(model, X, y, x, np.ones(3, bool)) for x in X[:5]]
    np.testing.assert_allclose(model.score_samples(X[:5]), expected, rtol=1e-10)


def test_density_is_exact_far_from_the_data_in_many_dimensions():
    # scikit-learn's tree-based score_samples is off by many nats here (issue #7492)
    rng = np.random.RandomState(0)
    X = rng.uniform(size=(60, 30))
    y = np.repeat([0, 1], 30)
    model = ClassKernelDensity(bandwidth=0.1, standardize=False).fit(X, y)
    x_far = rng.uniform(size=(3, 30))
    expected = [_brute_force_score(model, X, y, x, np.ones(30, bool)) for x in x_far]
    np.testing.assert_allclose(model.score_samples(x_far), expected, rtol=1e-10)


def test_nan_score_equals_kernel_density_on_observed_features(blobs):
    X, y = blobs
    model = ClassKernelDensity().fit(X, y)
    X_miss = X[:4].copy()
    masks = [[0], [1, 2], [], [2]]
    for i, m in enumerate(masks):
        X_miss[i, m] = np.nan
    expected = [_brute_force_score(model, X, y, X[i], ~np.isnan(X_miss[i])) for i in range(4)]
    np.testing.assert_allclose(model.score_samples(X_miss), expected, rtol=1e-10)


def test_bandwidth_choices(blobs):
    X, y = blobs
    assert np.all(ClassKernelDensity(bandwidth=0.7).fit(X, y).bandwidths_ == 0.7)
    assert np.all(ClassKernelDensity(bandwidth="scott").fit(X, y).bandwidths_ > 0)
    cv = ClassKernelDensity(cv=3).fit(X, y)
    assert cv.bandwidths_.shape == (3,)


def test_cv_bandwidth_maximises_held_out_likelihood_on_its_grid(blobs):
    X, y = blobs
    model = ClassKernelDensity(cv=2, random_state=0).fit(X[y == 0], y[y == 0])
    Z = X[y == 0] / np.sqrt(model.scale_)
    grid = np.logspace(-2.5, 0, 16) * np.sqrt(3)
    folds = list(KFold(2, shuffle=True, random_state=0).split(Z))

    def held_out(h):  # mean over folds of the exact held-out log-likelihood, in numpy
        total = 0.0
        for train, test in folds:
            d2 = ((Z[test][:, None] - Z[train][None]) ** 2).sum(-1)
            log_k = -0.5 * d2 / h**2 - 3 * np.log(h) - 1.5 * np.log(2 * np.pi)
            total += (logsumexp(log_k, axis=1) - np.log(len(train))).sum()
        return total / len(folds)

    assert model.bandwidths_[0] == pytest.approx(grid[np.argmax([held_out(h) for h in grid])])


def test_samples_match_kernel_density_moments(blobs, assert_moments):
    X, y = blobs
    model = ClassKernelDensity(bandwidth=0.5).fit(X, y)
    X_new, _ = model.sample(20_000, y=1, random_state=0)
    T = X[y == 1]
    cov = np.cov(T.T, bias=True) + 0.25 * np.diag(model.scale_)
    assert_moments(X_new, T.mean(axis=0), cov, heavy=True)


def test_one_row_class_uses_scotts_rule(blobs):
    X, y = blobs
    keep = np.r_[0, 40:120]
    model = ClassKernelDensity().fit(X[keep], y[keep])
    assert model.bandwidths_[0] == pytest.approx(1.0)  # Scott: n ** (-1 / (d + 4)) with n = 1
