"""Naive Bayes on float32 rows: float64-accurate models, no float64 copy of the rows."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.datasets import load_digits

from genvsdisc.models import make
from genvsdisc.models.generative._nb_rows import float32_mean_var, row_chunks

NB = ("gaussian_nb", "bernoulli_nb", "multinomial_nb")
#: Fitted statistics compared between float32 rows and the same values as float64.
STATS = {
    "gaussian_nb": ("theta_", "var_", "epsilon_", "class_count_"),
    "bernoulli_nb": ("feature_count_", "feature_log_prob_", "feature_log_neg_prob_"),
    "multinomial_nb": ("feature_count_", "feature_log_prob_", "length_mean_", "length_size_"),
}


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    X32 = (X / 16.0).astype(np.float32)
    return X32, X32.astype(np.float64), y


def test_float32_mean_var_is_float64_accurate():
    """A large offset and many rows: float32 arithmetic alone loses digits here."""
    rng = np.random.default_rng(0)
    X = (1e4 + rng.normal(0, 1, size=(20_003, 5))).astype(np.float32)
    mean, var = float32_mean_var(X)
    X64 = X.astype(np.float64)
    # within a hundredth of the float32 spacing at 1e4 (about 1e-3), in units of one std
    np.testing.assert_allclose(mean, X64.mean(axis=0), rtol=0, atol=1e-4)
    np.testing.assert_allclose(var, X64.var(axis=0), rtol=1e-5)
    assert mean.dtype == var.dtype == np.float64
    # numpy's own float32 reduction, for contrast, is off by far more
    assert np.max(np.abs(X.var(axis=0) - X64.var(axis=0)) / X64.var(axis=0)) > 1e-5


def test_row_chunks_cover_every_row_once():
    for n, d in [(1, 3), (7, 1), (540, 64), (10_001, 50)]:
        rows = np.concatenate([np.arange(n)[s] for s in row_chunks(n, d)])
        np.testing.assert_array_equal(rows, np.arange(n))
        assert max(s.stop - s.start for s in row_chunks(n, d)) <= max(1, -(-n // 8))


@pytest.mark.parametrize("name", NB)
def test_float32_fit_equals_float64_fit(digits, name):
    X32, X64, y = digits
    m32, m64 = make(name).fit(X32, y), make(name).fit(X64, y)
    for attr in STATS[name]:
        got, want = getattr(m32, attr), getattr(m64, attr)
        assert np.asarray(got).dtype == np.float64, attr
        np.testing.assert_allclose(got, want, rtol=2e-6, atol=0, err_msg=attr)
    np.testing.assert_array_equal(m32.predict(X32), m64.predict(X64))
    np.testing.assert_allclose(m32.predict_proba(X32), m64.predict_proba(X64), atol=1e-5)
    # log-densities: float32-level differences in tiny variances (constant pixels) show
    np.testing.assert_allclose(m32.score_samples(X32), m64.score_samples(X64), atol=1e-4)


@pytest.mark.parametrize("name", NB)
def test_float32_rows_with_missing_values_score_as_float64(digits, name):
    X32, X64, y = digits
    holes = np.random.default_rng(1).random(X32.shape) < 0.1
    X32n, X64n = np.where(holes, np.nan, X32), np.where(holes, np.nan, X64)
    m32, m64 = make(name).fit(X32, y), make(name).fit(X64, y)
    np.testing.assert_allclose(m32.score_samples(X32n), m64.score_samples(X64n), atol=1e-4)
    np.testing.assert_array_equal(m32.predict(X32n), m64.predict(X64n))


@pytest.mark.parametrize("name", NB)
def test_float32_partial_fit_and_weights_match_float64(digits, name):
    X32, X64, y = digits
    p32, p64 = make(name), make(name)
    for chunk in np.array_split(np.arange(len(y)), 4):
        p32.partial_fit(X32[chunk], y[chunk], classes=np.unique(y))
        p64.partial_fit(X64[chunk], y[chunk], classes=np.unique(y))
    w = np.random.default_rng(2).uniform(0.5, 2.0, len(y))
    w32, w64 = make(name).fit(X32, y, sample_weight=w), make(name).fit(X64, y, sample_weight=w)
    for a, b in ((p32, p64), (w32, w64)):
        for attr in STATS[name]:
            np.testing.assert_allclose(getattr(a, attr), getattr(b, attr), rtol=2e-6, err_msg=attr)


def test_sparse_float32_counts_match_dense(digits):
    X32, X64, y = digits
    dense = make("multinomial_nb").fit(X64, y)
    sparse = make("multinomial_nb").fit(sp.csr_matrix(X32), y)
    np.testing.assert_allclose(sparse.feature_count_, dense.feature_count_, rtol=1e-12)
    np.testing.assert_allclose(
        sparse.predict_proba(sp.csr_matrix(X32)), dense.predict_proba(X64), atol=1e-9
    )


def _peak(fn):
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        fn()
        return tracemalloc.get_traced_memory()[1] - base
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("name", NB)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_peak_extra_memory_is_at_most_one_and_a_half_times_the_rows(name, dtype):
    """No float64 copy of float32 rows (and no second copy of float64 rows), fit or predict."""
    rng = np.random.default_rng(3)
    X = rng.poisson(2.0, size=(4000, 200)).astype(dtype)
    y = rng.integers(0, 4, len(X))
    model = make(name).fit(X, y)
    assert _peak(lambda: make(name).fit(X, y)) <= 1.5 * X.nbytes
    assert _peak(lambda: model.predict_proba(X)) <= 1.5 * X.nbytes


def test_length_terms_take_one_logarithm_per_class_to_the_same_bits():
    from scipy.special import xlogy

    from genvsdisc.models.generative._length import _xlogy

    rng = np.random.default_rng(4)
    N = rng.integers(0, 50, size=(200, 1)).astype(float)
    m = np.r_[0.0, rng.uniform(1e-10, 100, 5)][None, :]
    want = xlogy(N, m)
    got = _xlogy(N, m)
    np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(np.signbit(got), np.signbit(want))
