"""gmm's fast linear algebra (syrk scatter, stacked whitening) equals the textbook formulas."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.linalg import cholesky, solve_triangular
from scipy.stats import multivariate_normal
from sklearn.datasets import load_digits, make_classification

from genvsdisc.models.generative import _gaussian_math, mixture, mixture_parts
from genvsdisc.models.generative._gaussian_math import LOG_2PI, _log_pdf_complete
from genvsdisc.models.generative.mixture import (
    ClassMixture,
    _distinct_rows_up_to,
    _weighted_scatter,
)


def test_weighted_scatter_equals_the_general_product():
    rng = np.random.default_rng(0)
    X, resp = rng.normal(size=(300, 7)), rng.random(300)
    mean = resp @ X / resp.sum()
    out = np.full((7, 7), np.nan)  # every cell must be written
    _weighted_scatter(X, mean, resp, resp.sum(), out)
    diff = X - mean
    want = (resp[:, None] * diff).T @ diff / resp.sum()
    np.testing.assert_allclose(out, want, rtol=1e-12, atol=1e-14)
    assert np.array_equal(out, out.T)


@pytest.mark.parametrize("n", [5, 200])  # fewer rows than features (solve), more (inverse)
@pytest.mark.parametrize("tied", [False, True])
def test_complete_log_pdf_equals_scipy(n, tied):
    rng = np.random.default_rng(1)
    d, C = 6, 3
    X, means = rng.normal(size=(n, d)), rng.normal(size=(C, d))
    covs = [np.cov(rng.normal(size=(20, d)).T) + 0.1 * np.eye(d) for _ in range(C)]
    covs = [covs[0]] * C if tied else covs
    chols = [cholesky(S, lower=True) for S in covs]
    chols = [chols[0]] * C if tied else chols  # tied: one factor object, reused
    got = _log_pdf_complete(X, means, chols)
    want = np.column_stack(
        [multivariate_normal(m, S).logpdf(X) for m, S in zip(means, covs, strict=True)]
    )
    np.testing.assert_allclose(got, want.reshape(n, C), rtol=1e-10)


def test_distinct_rows_up_to_counts_rows_beyond_the_head():
    X = np.zeros((50, 2))
    assert _distinct_rows_up_to(X, 3) == 1
    X[40] = 1.0  # a second distinct row far past the first 4 m rows
    assert _distinct_rows_up_to(X, 3) == 2
    assert _distinct_rows_up_to(np.arange(100.0).reshape(50, 2), 3) == 3
    assert _distinct_rows_up_to(np.array([[0.0], [-0.0]]), 2) == 1  # -0.0 is 0.0


def _textbook_log_pdf(X, means, chols):
    """The formula before the fast paths: x L^-T per component, L^-1 by solving against I."""
    d = X.shape[1]
    out = np.empty((len(X), len(means)))
    for c, (mu, L) in enumerate(zip(means, chols, strict=True)):
        L_inv = solve_triangular(L, np.eye(d), lower=True)
        Z = X @ L_inv.T - L_inv @ mu
        out[:, c] = -0.5 * (np.einsum("ij,ij->i", Z, Z) + 2 * np.log(np.diag(L)).sum())
    return out - 0.5 * d * LOG_2PI


class _TextbookMixture(ClassMixture):
    """The M-step before the fast paths: the general weighted product per component."""

    def _m(self, X, resp, reg):
        real = mixture._weighted_scatter

        def general(X, mean, r, nk, out):
            diff = X - mean
            out[:] = (r[:, None] * diff).T @ diff / nk

        mixture._weighted_scatter = general
        try:
            return super()._m(X, resp, reg)
        finally:
            mixture._weighted_scatter = real


@pytest.mark.parametrize("kind", ["full", "tied"])
@pytest.mark.parametrize("data", ["table", "pixels"])
def test_fitted_mixtures_equal_the_textbook_fit(kind, data, monkeypatch):
    if data == "table":
        X, y = make_classification(600, 8, n_informative=5, n_classes=3, random_state=0)
    else:
        X, y = load_digits(return_X_y=True)
        X, y = X[:300] / 16, y[:300]  # 30 rows a class, 64 features: the n <= d route
    fast = ClassMixture(covariance_type=kind, min_rows_per_component=10).fit(X, y)
    monkeypatch.setattr(mixture_parts, "_log_pdf_complete", _textbook_log_pdf)
    monkeypatch.setattr(_gaussian_math, "_log_pdf_complete", _textbook_log_pdf)
    slow = _TextbookMixture(covariance_type=kind, min_rows_per_component=10).fit(X, y)
    np.testing.assert_array_equal(fast.n_iter_, slow.n_iter_)
    for a, b in zip(fast.mixtures_, slow.mixtures_, strict=True):
        for name in ("weights", "means", "covariances"):
            u, v = getattr(a, name), getattr(b, name)
            np.testing.assert_allclose(u, v, rtol=1e-10, atol=1e-10 * np.abs(v).max())
    np.testing.assert_allclose(fast.predict_proba(X), slow.predict_proba(X), atol=1e-10)


class _ScoresEveryPass(ClassMixture):
    """Semi-supervised EM scoring the rows afresh at every step (no reuse between steps)."""

    def _reuses_scores(self):
        return False


@pytest.mark.parametrize("data", ["overlapping", "digits"])  # every posterior > 0, or not
def test_semi_supervised_em_reusing_scores_equals_scoring_afresh(data):
    if data == "digits":
        X, y = load_digits(return_X_y=True)
        X, y = X[:500] / 16, y[:500]
    else:
        X, y = make_classification(
            500, 4, n_informative=3, n_redundant=0, n_classes=3, class_sep=0.5, random_state=0
        )
    y_semi = np.where(np.arange(len(y)) % 4 == 0, y, -1)
    fast = ClassMixture(min_rows_per_component=10).fit(X, y_semi)
    slow = _ScoresEveryPass(min_rows_per_component=10).fit(X, y_semi)
    assert fast.n_em_iter_ == slow.n_em_iter_ > 1
    np.testing.assert_allclose(fast.em_log_likelihood_, slow.em_log_likelihood_, rtol=1e-12)
    for a, b in zip(fast.mixtures_, slow.mixtures_, strict=True):
        np.testing.assert_allclose(a.covariances, b.covariances, rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(a.means, b.means, rtol=1e-10, atol=1e-12)
    assert fast._score_cache is None  # a fit's scratch is not kept with the model
