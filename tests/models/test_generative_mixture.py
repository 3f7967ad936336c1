"""Per-class Gaussian mixtures: weighted EM, exact marginals, sampling, BIC, semi-supervised EM."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.special import logsumexp
from scipy.stats import multivariate_normal
from sklearn.mixture import GaussianMixture

from genvsdisc.models.generative.mixture import ClassMixture


@pytest.fixture
def bimodal():
    """Class 0: two well separated 2-D clumps; class 1: one clump between them."""
    rng = np.random.RandomState(0)
    a = rng.normal(size=(60, 2)) * 0.5 + [-4, 0]
    b = rng.normal(size=(60, 2)) * 0.5 + [4, 0]
    c = rng.normal(size=(60, 2)) * 0.5 + [0, 3]
    return np.vstack([a, b, c]), np.repeat([0, 1], [120, 60])


def _full_covariances(mix):
    """(C, d, d) covariances of a fitted class mixture, whatever its covariance type."""
    if mix.chols is not None:
        return np.array(mix.full_covs())
    return np.array([np.diag(v) for v in mix.covariances])


def test_one_component_equals_sklearn_gaussian_mixture(pixels):
    X, y = pixels
    model = ClassMixture(n_components=1).fit(X, y)
    for k in range(2):
        Xk = X[y == k]
        reg = 0.5 * min(1.0, X.shape[1] / len(Xk)) * model.scale_[0]  # "auto", one common unit
        ref = GaussianMixture(1, reg_covar=reg).fit(Xk)
        np.testing.assert_allclose(model.mixtures_[k].means, ref.means_, rtol=1e-10)
        np.testing.assert_allclose(model.mixtures_[k].covariances, ref.covariances_, rtol=1e-8)


def test_weighted_em_equals_em_on_repeated_rows(bimodal):
    X, y = bimodal
    model = ClassMixture(n_components=2, reg_covar=0.01).fit(X, y)
    start = model.mixtures_[0]
    Xk = X[y == 0]
    w = np.where(np.arange(len(Xk)) % 3 == 0, 2.0, 1.0)  # every third row counts twice
    repeated = np.vstack([Xk, Xk[w == 2]])
    a = model._em(Xk, w, start, 0.01)
    b = model._em(repeated, np.ones(len(repeated)), start, 0.01)
    np.testing.assert_allclose(a.means, b.means, rtol=1e-10)
    np.testing.assert_allclose(a.covariances, b.covariances, rtol=1e-10)
    np.testing.assert_allclose(a.weights, b.weights, rtol=1e-10)


@pytest.mark.parametrize("kind", ["full", "tied", "diag", "spherical"])
def test_nan_score_equals_mixture_of_restricted_components(kind, make_blobs):
    X, y = make_blobs(d=4, n_per_class=60)
    model = ClassMixture(n_components=2, covariance_type=kind, min_rows_per_component=20)
    model.fit(X, y)
    X_miss = X[:4].copy()
    masks = [[1], [0, 2, 3], [], [2, 3]]
    for i, m in enumerate(masks):
        X_miss[i, m] = np.nan
    expected = []
    for i in range(4):
        obs = ~np.isnan(X_miss[i])
        per_class = []
        for k, mix in enumerate(model.mixtures_):
            covs = _full_covariances(mix)
            comps = [
                np.log(mix.weights[c])
                + multivariate_normal(mix.means[c][obs], covs[c][np.ix_(obs, obs)]).logpdf(
                    X[i, obs]
                )
                for c in range(len(mix.weights))
            ]
            per_class.append(logsumexp(comps) + model.class_log_prior_[k])
        expected.append(logsumexp(per_class))
    np.testing.assert_allclose(model.score_samples(X_miss), expected, rtol=1e-9)


@pytest.mark.parametrize("kind", ["full", "diag"])
def test_samples_match_the_class_mixture_moments(kind, bimodal, assert_moments):
    X, y = bimodal
    model = ClassMixture(n_components=2, covariance_type=kind, reg_covar=0.01).fit(X, y)
    mix = model.mixtures_[0]
    mean = mix.weights @ mix.means
    second = sum(
        w * (S + np.outer(m, m))
        for w, m, S in zip(mix.weights, mix.means, _full_covariances(mix), strict=True)
    )
    X_new, _ = model.sample(20_000, y=0, random_state=0)
    assert_moments(X_new, mean, second - np.outer(mean, mean), heavy=True)
    near_a = np.linalg.norm(X_new - [-4, 0], axis=1) < 2.5
    assert abs(near_a.mean() - 0.5) < 0.03  # both clumps drawn, each about half the time


def test_bic_picks_two_components_for_two_clumps(bimodal):
    X, y = bimodal
    model = ClassMixture(n_components="bic", max_components=3).fit(X, y)
    assert model.n_components_.tolist() == [2, 1]


def test_components_are_capped_by_rows_and_distinct_rows():
    X = np.vstack(
        [np.zeros((5, 2)), np.ones((5, 2)), np.random.RandomState(0).normal(size=(80, 2))]
    )
    y = np.repeat([0, 1], [10, 80])
    model = ClassMixture(n_components=4, min_rows_per_component=20).fit(X, y)
    assert model.n_components_.tolist() == [1, 4]
    model = ClassMixture(n_components=4, min_rows_per_component=1).fit(X, y)
    assert model.n_components_[0] == 2  # only two distinct rows in class 0


def test_one_row_class_is_usable(blobs):
    X, y = blobs
    keep = np.r_[0, 40:120]  # class 0 has a single row
    model = ClassMixture().fit(X[keep], y[keep])
    assert model.n_components_[0] == 1
    assert np.isfinite(model.score_samples(X)).all()


def test_auto_units_keep_pixels_isotropic_and_standardise_tables(pixels, blobs):
    X, y = pixels
    assert np.ptp(ClassMixture().fit(X, y).scale_) == 0
    X, y = blobs
    np.testing.assert_allclose(ClassMixture().fit(X, y).scale_, X.var(axis=0))


def test_semi_supervised_em_never_lowers_its_objective_and_helps(bimodal):
    X, y = bimodal
    y_semi = np.full(len(y), -1)
    y_semi[[0, 60, 120]] = y[[0, 60, 120]]  # one labeled point per clump
    model = ClassMixture(n_components=2, reg_covar=1e-6, min_rows_per_component=1)
    model.fit(X, y_semi)
    history = np.array(model.em_log_likelihood_)
    assert model.n_em_iter_ >= 1
    assert np.all(np.diff(history) >= -1e-9 * np.abs(history[:-1]))
    assert model.score(X, y) > 0.95


def test_random_state_makes_fits_reproducible(bimodal):
    X, y = bimodal
    a = ClassMixture(n_components=3, random_state=5).fit(X, y)
    b = ClassMixture(n_components=3, random_state=5).fit(X, y)
    np.testing.assert_array_equal(a.mixtures_[0].means, b.mixtures_[0].means)


def test_auto_floor_comes_from_labeled_rows_and_stays_through_em(bimodal):
    X, y = bimodal
    y_semi = np.full(len(y), -1)
    y_semi[[0, 1, 60, 61, 120, 121]] = y[[0, 1, 60, 61, 120, 121]]  # 4 + 2 labeled rows
    model = ClassMixture(min_rows_per_component=1).fit(X, y_semi)
    np.testing.assert_allclose(model.reg_covar_, [0.5 * min(1, 2 / 4), 0.5])
    # a heavy floor makes each M-step inexact: the objective may dip, but only slightly
    history = np.array(model.em_log_likelihood_)
    assert history[-1] > history[0]
    assert np.all(np.diff(history) >= -1e-3 * np.abs(history[:-1]))
