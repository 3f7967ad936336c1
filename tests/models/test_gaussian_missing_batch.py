"""The batched marginal log-density of rows with missing features equals the
per-pattern computation it replaced (kept below as the reference, verbatim but
for its name and the factorisation helper), and the models that use it agree."""

import numpy as np
import pytest
from scipy.linalg import cholesky, solve_triangular

from genvsdisc.exceptions import ParameterError
from genvsdisc.experiments.missing import remove_features
from genvsdisc.models import make
from genvsdisc.models.generative import _gaussian_math as gm

LOG_2PI = gm.LOG_2PI


def safe_cholesky(cov, what="covariance"):
    return cholesky(cov, lower=True, check_finite=False)


# ---- the reference: one Python call per (pattern, covariance), as before batching
def _pattern_log_pdf(Z, V, q1, miss, cov, prec, logdet):
    """(C', r) log-density of rows sharing the missing mask ``miss``, for components sharing one covariance.

    ``Z`` (C', r, d): rows minus each component's mean, zero where missing;
    ``V = Z @ prec`` and ``q1 = z' P z`` (only used on the precision route).
    Uses whichever factorisation is smaller: the observed block of the
    covariance (|O|^3), or the missing block of the precision (|M|^3), with
    z_O' Sigma_OO^-1 z_O = z' P z - b' P_MM^-1 b (b = (P z)_M) and
    log det Sigma_OO = log det Sigma + log det P_MM.
    """
    obs = ~miss
    n_obs, n_mis = int(obs.sum()), int(miss.sum())
    C, r = Z.shape[:2]
    if n_mis < n_obs:
        LA = safe_cholesky(prec[np.ix_(miss, miss)], "precision block")
        W = solve_triangular(
            LA, V[:, :, miss].reshape(C * r, n_mis).T, lower=True, check_finite=False
        )
        quad = q1 - np.einsum("ij,ij->j", W, W).reshape(C, r)
        logdet_obs = logdet + 2.0 * np.log(np.diag(LA)).sum()
    else:
        L = safe_cholesky(cov[np.ix_(obs, obs)])
        W = solve_triangular(
            L, Z[:, :, obs].reshape(C * r, n_obs).T, lower=True, check_finite=False
        )
        quad = np.einsum("ij,ij->j", W, W).reshape(C, r)
        logdet_obs = 2.0 * np.log(np.diag(L)).sum()
    return -0.5 * (quad + logdet_obs + n_obs * LOG_2PI)


def reference_missing_rows_log_pdf(X, miss, means, owner, covs, precs, logdets, chunk=256):
    """(n, C) exact marginal log-densities of rows that each miss some feature.

    Rows are sorted by missing pattern and taken in chunks; within a chunk,
    ``Z @ P`` is one matrix product per covariance (each precision matrix is
    read once per chunk, not once per row) and each pattern is factored once
    per distinct covariance (a tied model factors it once for all classes).
    """
    patterns, inverse = np.unique(miss, axis=0, return_inverse=True)
    inverse = inverse.ravel()
    order = np.argsort(inverse, kind="stable")
    X0 = np.where(miss, 0.0, X)
    owner = np.asarray(owner)
    out = np.empty((len(X), len(means)))
    for start in range(0, len(order), chunk):
        rows = order[start : start + chunk]
        pat = inverse[rows]
        obs = ~patterns[pat]  # (r, d)
        needs_prec = patterns[pat].sum(axis=1) < obs.sum(axis=1)
        for u in range(len(covs)):
            comps = np.flatnonzero(owner == u)
            Z = X0[rows][None] - means[comps][:, None, :] * obs[None]  # (C', r, d)
            V = np.zeros_like(Z)
            if needs_prec.any():
                V[:, needs_prec] = Z[:, needs_prec] @ precs[u]
            q1 = np.einsum("crd,crd->cr", Z, V)
            for p in np.unique(pat):
                sel = pat == p
                out[np.ix_(rows[sel], comps)] = _pattern_log_pdf(
                    Z[:, sel], V[:, sel], q1[:, sel], patterns[p], covs[u], precs[u], logdets[u]
                ).T
    return out


@pytest.fixture(scope="module")
def digits_small():
    from sklearn.datasets import load_digits  # shipped with scikit-learn: no download

    X, y = load_digits(return_X_y=True)
    return X[:400] / 16.0, y[:400]


def _problem(rng, n, d, n_covs, shared_every=0, fraction=None):
    """Random rows with NaN, C = n_covs components each with its own SPD covariance."""
    X = rng.normal(size=(n, d))
    if fraction is None:
        miss = rng.random((n, d)) < rng.uniform(0.05, 0.95, size=(n, 1))
    else:
        miss = np.isnan(remove_features(X, fraction, seed=int(rng.integers(100))))
    if shared_every:
        miss[::shared_every] = miss[0]  # a pattern many rows share
    miss[miss.all(axis=1), 0] = False  # never a whole row
    miss[~miss.any(axis=1), -1] = True  # every row misses something
    X[miss] = np.nan
    means = rng.normal(size=(n_covs, d))
    covs = []
    for _ in range(n_covs):
        A = rng.normal(size=(d, d))
        covs.append(A @ A.T / d + 0.1 * np.eye(d))
    precs = [np.linalg.inv(S) for S in covs]
    logdets = [np.linalg.slogdet(S)[1] for S in covs]
    return X, miss, means, covs, precs, logdets


@pytest.mark.parametrize(
    ("n", "d", "n_covs", "shared_every", "fraction"),
    [
        (200, 12, 3, 0, None),  # every row its own pattern, counts vary
        (150, 9, 2, 4, None),  # some patterns shared
        (120, 16, 4, 0, 0.25),  # one count per group: the precision route
        (120, 16, 4, 0, 0.75),  # ... and the covariance route
        (60, 3, 1, 0, None),
    ],
)
def test_batched_equals_per_pattern_reference(n, d, n_covs, shared_every, fraction):
    rng = np.random.default_rng([n, d, n_covs])
    X, miss, means, covs, precs, logdets = _problem(rng, n, d, n_covs, shared_every, fraction)
    owner = list(range(n_covs))
    expected = reference_missing_rows_log_pdf(X, miss, means, owner, covs, precs, logdets)
    got = gm._missing_rows_log_pdf(X, miss, means, owner, covs, precs, logdets)
    np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-10)
    tiny = gm._missing_rows_log_pdf(X, miss, means, owner, covs, precs, logdets, chunk=3)
    np.testing.assert_allclose(tiny, expected, rtol=1e-10, atol=1e-10)


def test_batched_equals_reference_for_a_tied_covariance():
    rng = np.random.default_rng(7)
    X, miss, means, covs, precs, logdets = _problem(rng, 100, 10, 1)
    means = rng.normal(size=(4, 10))  # four classes share the one covariance
    owner = [0, 0, 0, 0]
    expected = reference_missing_rows_log_pdf(X, miss, means, owner, covs, precs, logdets)
    got = gm._missing_rows_log_pdf(X, miss, means, owner, covs, precs, logdets)
    np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-10)


def test_batched_equals_the_marginal_gaussian_computed_directly():
    from scipy.stats import multivariate_normal

    rng = np.random.default_rng(3)
    X, miss, means, covs, precs, logdets = _problem(rng, 40, 7, 2)
    got = gm._missing_rows_log_pdf(X, miss, means, [0, 1], covs, precs, logdets)
    for i in range(len(X)):
        o = ~miss[i]
        for c in range(2):
            ref = multivariate_normal(means[c][o], covs[c][np.ix_(o, o)]).logpdf(X[i, o])
            assert got[i, c] == pytest.approx(ref, rel=1e-10)


def test_a_block_that_is_not_positive_definite_is_one_clear_error():
    X = np.array([[np.nan, 1.0, 2.0]])
    cov = np.diag([-1.0, 1.0, 1.0])  # not a covariance: its missing block is negative
    with pytest.raises(ParameterError, match="not positive definite"):
        gm._missing_rows_log_pdf(X, np.isnan(X), np.zeros((1, 3)), [0], [cov], [cov], [0.0])


@pytest.mark.parametrize("name", ["gmm", "qda", "lda"])
def test_models_predict_the_same_on_masked_digits_stacked_or_alone(name, digits_small):
    """Stacking every mask into one predict call (as the missing experiment does) changes
    nothing: each row's marginal depends on that row only."""
    X, y = digits_small
    model = make(name).fit(X[:300], y[:300])
    masked = [remove_features(X[300:400], f, seed=s) for f in (0.25, 0.5, 0.9) for s in (0, 1)]
    alone = np.concatenate([model.predict_joint_log_proba(Xm) for Xm in masked])
    stacked = model.predict_joint_log_proba(np.vstack(masked))
    np.testing.assert_allclose(stacked, alone, rtol=1e-10)
