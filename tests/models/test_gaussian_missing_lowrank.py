"""The low-rank (Woodbury) route and the Schur-complement (precision) route give the
direct marginal log-density log N(x_O; mu_O, Sigma_OO) of rows with missing features."""

import numpy as np
import pytest
from scipy.stats import multivariate_normal

from genvsdisc.experiments.missing import remove_features
from genvsdisc.models.generative import _gaussian_missing as gmiss
from genvsdisc.models.generative.mixture import ClassMixture


def _low_rank_problem(rng, d=40, rank=5, n_covs=3, floor=0.3):
    covs = []
    for _ in range(n_covs):
        U = rng.normal(size=(d, rank))
        covs.append(U @ U.T + floor * np.eye(d))
    means = rng.normal(size=(n_covs, d))
    return means, covs, [floor] * n_covs


def _direct(X, means, covs):
    """One scipy call per (row, covariance) on the observed sub-vector."""
    out = np.empty((len(X), len(means)))
    for i, x in enumerate(X):
        o = ~np.isnan(x)
        for c, (mu, S) in enumerate(zip(means, covs, strict=True)):
            out[i, c] = multivariate_normal(mu[o], S[np.ix_(o, o)]).logpdf(x[o])
    return out


def _marginals(X, means, covs, floors):
    miss = np.isnan(X)
    precs = gmiss.LazyPrecisions([np.linalg.cholesky(S) for S in covs])
    logdets = [np.linalg.slogdet(S)[1] for S in covs]
    return gmiss._missing_rows_log_pdf(
        X, miss, means, range(len(covs)), covs, precs, logdets, floors=floors
    )


def test_the_low_rank_route_is_taken_where_it_is_cheaper():
    assert gmiss._use_low_rank(20, 40, 5)  # half missing: 5 x 5 against 20 x 20 factors
    assert not gmiss._use_low_rank(36, 40, 5)  # 4 observed: a 4 x 4 block is cheaper
    assert not gmiss._use_low_rank(32, 64, 46)  # digits-like: rank close to d


def test_low_rank_factor_rebuilds_the_covariance():
    rng = np.random.default_rng(0)
    _, covs, floors = _low_rank_problem(rng)
    U = gmiss.low_rank_factor(covs[0], floors[0])
    assert U.shape == (40, 5)
    np.testing.assert_allclose(U @ U.T + floors[0] * np.eye(40), covs[0], atol=1e-12)
    full = rng.normal(size=(6, 6))
    assert gmiss.low_rank_factor(full @ full.T + np.eye(6), 1.0) is None  # full rank: no route


@pytest.mark.parametrize("fraction", [0.1, 0.3, 0.5, 0.7, 0.9])
def test_every_route_equals_the_direct_marginal(fraction):
    rng = np.random.default_rng(1)
    means, covs, floors = _low_rank_problem(rng)
    X = remove_features(rng.normal(size=(30, 40)) + means[0], fraction, seed=3)
    expected = _direct(X, means, covs)
    low = _marginals(X, means, covs, floors)  # Woodbury where cheaper
    block = _marginals(X, means, covs, None)  # covariance block, or Schur complement of Λ_MM
    np.testing.assert_allclose(low, expected, rtol=0, atol=1e-10)
    np.testing.assert_allclose(block, expected, rtol=0, atol=1e-10)


def test_wide_mixture_scores_rows_with_nan_the_same_by_both_routes():
    rng = np.random.default_rng(2)
    X = rng.random((120, 60))  # more features than rows per component: low-rank scatter
    y = np.repeat([0, 1], 60)
    X[y == 1, :30] += 0.5
    X = np.clip(X, 0, 1)
    model = ClassMixture(n_components=2, min_rows_per_component=20).fit(X, y)
    assert all(m.floor is not None for m in model.mixtures_)
    X_nan = remove_features(X[:20], 0.5, seed=0)
    fast = model.predict_joint_log_proba(X_nan)
    for m in model.mixtures_:
        m.floor = None  # the block factorisation of every row
    np.testing.assert_allclose(model.predict_joint_log_proba(X_nan), fast, rtol=1e-12, atol=1e-9)
