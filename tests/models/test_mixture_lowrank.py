"""A full-covariance mixture component of low rank (floor I + U'U) scores rows as its full
covariance does: complete rows, rows with NaN, EM's fits, sampling and pickling."""

import pickle

import numpy as np
import pytest
from scipy.stats import multivariate_normal

from genvsdisc.models.generative import _lowrank_gaussian as lrg
from genvsdisc.models.generative._gaussian_math import _log_pdf_complete, gaussian_log_pdf
from genvsdisc.models.generative.mixture import ClassMixture
from genvsdisc.models.generative.mixture_parts import _weighted_scatter


def _few_rows_many_features(seed=0, n_per_class=40, d=200):
    """Pixel-like rows in [0, 1] (one isotropic floor), fewer rows per class than features."""
    rng = np.random.default_rng(seed)
    centres = rng.random((3, d))
    X = np.vstack([np.clip(c + 0.15 * rng.normal(size=(n_per_class, d)), 0, 1) for c in centres])
    return X, np.repeat([0, 1, 2], n_per_class)


@pytest.fixture(scope="module")
def fitted():
    X, y = _few_rows_many_features()
    return ClassMixture(n_components=2, min_rows_per_component=20).fit(X, y), X


def _full_form(mix, X):
    """The same components scored from their (d, d) covariances and Cholesky factors."""
    covs = [f.covariance() for f in mix.lowrank]
    chols = [np.linalg.cholesky(S) for S in covs]
    if not np.isnan(X).any():
        lp = _log_pdf_complete(X, mix.means, chols)
    else:
        lp = gaussian_log_pdf(X, mix.means, covs, chols, [mix.floor] * len(covs))
    return lp + np.log(mix.weights)


def test_pixels_with_few_rows_take_the_low_rank_form(fitted):
    model, X = fitted
    for mix in model.mixtures_:
        assert mix.lowrank is not None
        assert all(f.U.shape[0] <= lrg.LOW_RANK_SHARE * X.shape[1] for f in mix.lowrank)


def test_low_rank_scores_equal_the_full_covariance_and_scipy(fitted):
    model, X = fitted
    rng = np.random.default_rng(1)
    X_new = np.clip(X[::7] + 0.1 * rng.normal(size=X[::7].shape), 0, 1)
    for mix in model.mixtures_:
        got = mix.log_pdf(X_new, complete=True)
        np.testing.assert_allclose(got, _full_form(mix, X_new), rtol=1e-10)
        np.testing.assert_allclose(mix.log_pdf(X_new), got, rtol=0, atol=0)
        c = 1
        ref = multivariate_normal(mix.means[c], mix.covariances[c]).logpdf(X_new[:5])
        np.testing.assert_allclose(got[:5, c] - np.log(mix.weights[c]), ref, rtol=1e-10)


@pytest.mark.parametrize("fraction", [0.05, 0.5, 0.95])
def test_low_rank_marginals_equal_the_full_covariance(fitted, fraction):
    model, X = fitted
    rng = np.random.default_rng(2)
    X_nan = X[::5].copy()
    X_nan[rng.random(X_nan.shape) < fraction] = np.nan
    X_nan[0] = X[0]  # one complete row among them
    for mix in model.mixtures_:
        np.testing.assert_allclose(mix.log_pdf(X_nan), _full_form(mix, X_nan), rtol=1e-10)


def test_the_dropped_rows_change_the_scatter_by_less_than_rounding():
    rng = np.random.default_rng(3)
    X = rng.random((300, 120))
    resp = np.exp(-rng.uniform(0, 800, 300))  # most responsibilities astronomically small
    resp[:20] = rng.random(20)
    nk, floor = resp.sum(), 0.05
    mean = resp @ X / nk
    factor = lrg.low_rank_scatter(X, mean, resp, nk, floor, max_rank=100)
    assert factor is not None and factor.U.shape[0] < 40  # rank kept well below the 300 rows
    full = np.empty((120, 120))
    _weighted_scatter(X, mean, resp, nk, full)
    full[np.diag_indices(120)] += floor
    np.testing.assert_allclose(factor.covariance(), full, rtol=0, atol=50 * np.finfo(float).eps)
    np.testing.assert_allclose(factor.logdet, np.linalg.slogdet(full)[1], rtol=1e-12)
    np.testing.assert_allclose(factor.precision(), np.linalg.inv(full), rtol=1e-9, atol=1e-9)
    assert lrg.low_rank_scatter(X, mean, resp, nk, floor, max_rank=5) is None  # too many rows


def test_the_low_rank_fit_is_the_full_fit(fitted, monkeypatch):
    model, X = fitted
    y = np.repeat([0, 1, 2], 40)
    monkeypatch.setattr("genvsdisc.models.generative.mixture.LOW_RANK_SHARE", 0.0)
    full = ClassMixture(n_components=2, min_rows_per_component=20).fit(X, y)
    assert all(m.lowrank is None for m in full.mixtures_)
    for a, b in zip(model.mixtures_, full.mixtures_, strict=True):
        np.testing.assert_allclose(a.means, b.means, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(a.covariances, b.covariances, rtol=0, atol=1e-13)
        np.testing.assert_allclose(a.log_likelihood, b.log_likelihood, rtol=1e-11)
    np.testing.assert_array_equal(model.predict(X), full.predict(X))
    np.testing.assert_allclose(model.predict_proba(X), full.predict_proba(X), atol=1e-9)


def test_digits_like_rank_keeps_the_full_form():
    rng = np.random.default_rng(4)
    X = rng.random((200, 16))  # 100 rows per class, 16 features: rank would reach d
    model = ClassMixture(n_components=1).fit(X, np.repeat([0, 1], 100))
    assert all(m.lowrank is None and m.chols is not None for m in model.mixtures_)


def test_sampling_and_pickling_read_the_built_covariances(fitted):
    model, _ = fitted
    clone = pickle.loads(pickle.dumps(model))
    X_a, _ = model.sample(5, y=1, random_state=0)
    X_b, _ = clone.sample(5, y=1, random_state=0)
    np.testing.assert_array_equal(X_a, X_b)
    mix = model.mixtures_[1]
    np.testing.assert_allclose(mix.chols[0] @ mix.chols[0].T, mix.covariances[0], atol=1e-12)


def test_large_blocks_factor_as_numpy_does():
    from genvsdisc.exceptions import ParameterError
    from genvsdisc.models.generative import _gaussian_missing as gmiss

    rng = np.random.default_rng(5)
    d, s = 160, gmiss.LOOP_FROM + 10
    A = rng.normal(size=(d, d))
    S = A @ A.T + np.eye(d)
    idx = np.sort(np.argsort(rng.random((3, d)), axis=1)[:, :s], axis=1)
    flat = idx[:, :, None] * d + idx[:, None, :]
    want = np.linalg.cholesky(S[idx[:, :, None], idx[:, None, :]])
    np.testing.assert_allclose(gmiss._block_cholesky(S, flat, "covariance"), want, atol=1e-10)
    with pytest.raises(ParameterError, match="not positive definite"):
        gmiss._block_cholesky(-S, flat, "covariance")


def test_a_mixture_pickled_before_the_low_rank_form_still_loads():
    from genvsdisc.models.generative.mixture_parts import _Mixture

    rng = np.random.default_rng(6)
    S = np.cov(rng.normal(size=(30, 3)), rowvar=False) + np.eye(3)
    old_state = {  # the attributes of the former dataclass
        "weights": np.ones(1),
        "means": np.zeros((1, 3)),
        "covariances": S[None],
        "chols": [np.linalg.cholesky(S)],
        "log_likelihood": -1.0,
        "n_iter": 2,
        "floor": 1.0,
    }
    mix = _Mixture.__new__(_Mixture)
    mix.__setstate__(dict(old_state))
    assert mix.lowrank is None and mix.n_iter == 2
    np.testing.assert_array_equal(mix.covariances, S[None])
    ref = multivariate_normal(np.zeros(3), S).logpdf(np.ones((2, 3)))
    np.testing.assert_allclose(mix.log_pdf(np.ones((2, 3)))[:, 0], ref, rtol=1e-12)


@pytest.mark.parametrize("n_missing", [105, 115])  # precision route, covariance route
def test_large_blocks_give_the_direct_marginal(n_missing):
    from genvsdisc.models.generative import _gaussian_missing as gmiss

    rng = np.random.default_rng(7)
    d = 220
    A = rng.normal(size=(d, d))
    covs = [A @ A.T / d + np.eye(d)]
    means = rng.normal(size=(1, d))
    X = rng.normal(size=(3, d))
    for row in X:
        row[rng.choice(d, n_missing, replace=False)] = np.nan
    miss = np.isnan(X)
    precs = gmiss.LazyPrecisions([np.linalg.cholesky(covs[0])])
    got = gmiss._missing_rows_log_pdf(
        X, miss, means, [0], covs, precs, [np.linalg.slogdet(covs[0])[1]]
    )
    for i, x in enumerate(X):
        o = ~miss[i]
        want = multivariate_normal(means[0][o], covs[0][np.ix_(o, o)]).logpdf(x[o])
        np.testing.assert_allclose(got[i, 0], want, rtol=1e-10)
