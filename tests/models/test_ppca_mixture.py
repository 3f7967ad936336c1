"""Mixture of PPCA per class: exact densities and marginals, EM, weights, sampling, errors."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.special import logsumexp
from scipy.stats import multivariate_normal
from sklearn.datasets import load_digits
from sklearn.decomposition import PCA

from genvsdisc.exceptions import ParameterError
from genvsdisc.models.generative._ppca_math import (
    ppca_em_update,
    ppca_from_moments,
    ppca_log_pdf,
)
from genvsdisc.models.generative.ppca_mixture import PPCAMixture


@pytest.fixture
def component():
    rng = np.random.RandomState(0)
    return rng.normal(size=7), rng.normal(size=(7, 3)), 0.3


@pytest.fixture
def digits():
    X, y = load_digits(return_X_y=True)
    return X / 16, y


def test_log_pdf_equals_the_full_gaussian(component):
    mean, W, noise = component
    Z = np.random.RandomState(1).normal(size=(6, 7))
    ref = multivariate_normal(mean, W @ W.T + noise * np.eye(7)).logpdf(Z)
    np.testing.assert_allclose(ppca_log_pdf(Z, mean, W, noise), ref, rtol=1e-10)


def test_log_pdf_with_nan_is_the_exact_marginal(component):
    mean, W, noise = component
    cov = W @ W.T + noise * np.eye(7)
    Z = np.random.RandomState(2).normal(size=(3, 7))
    Z[0, [1, 4]] = np.nan
    Z[1, :6] = np.nan
    out = ppca_log_pdf(Z, mean, W, noise)
    for i in range(3):
        o = ~np.isnan(Z[i])
        ref = multivariate_normal(mean[o], cov[np.ix_(o, o)]).logpdf(Z[i, o])
        assert out[i] == pytest.approx(ref, rel=1e-10)


def test_weighted_pca_start_equals_sklearn_pca_model():
    X = np.random.RandomState(3).normal(size=(200, 6)) @ np.diag([3, 2, 1, 0.5, 0.4, 0.3])
    W, noise = ppca_from_moments(X - X.mean(axis=0), np.ones(200), 2, 1e-9)
    pca = PCA(n_components=2).fit(X)
    # sklearn divides by n - 1; PPCA's maximum likelihood by n.
    np.testing.assert_allclose(W @ W.T + noise * np.eye(6), pca.get_covariance() * 199 / 200)


def test_em_update_never_lowers_the_likelihood():
    rng = np.random.RandomState(4)
    D = rng.normal(size=(150, 8)) @ rng.normal(size=(8, 8))
    D -= D.mean(axis=0)
    W, noise = rng.normal(size=(8, 2)), 1.0
    lls = []
    for _ in range(15):
        lls.append(ppca_log_pdf(D, np.zeros(8), W, noise).mean())
        W, noise = ppca_em_update(D, np.ones(150), W, noise, 1e-9)
    assert np.all(np.diff(lls) >= -1e-9) and lls[-1] > lls[0]


def test_fit_predicts_digits_and_scores_are_a_density(digits):
    X, y = digits
    model = PPCAMixture(n_components=2, n_latent=8, min_noise=0.3).fit(X[::2], y[::2])
    assert (model.predict(X[1::2]) == y[1::2]).mean() > 0.95
    jll = model.predict_joint_log_proba(X[1:5])
    np.testing.assert_allclose(model.score_samples(X[1:5]), logsumexp(jll, axis=1))


def test_class_density_with_missing_pixels_is_the_marginal_mixture(digits):
    X, y = digits
    model = PPCAMixture(n_components=2, n_latent=4, min_noise=0.3).fit(X, y)
    row = X[:1].copy()
    row[0, ::3] = np.nan
    o = ~np.isnan(row[0])
    mix, unit = model.mixtures_[0], model.scale_[0]  # pixels: one common unit
    ref = logsumexp(
        [
            np.log(w)
            + multivariate_normal(
                m[o] * np.sqrt(unit), unit * (W @ W.T + s * np.eye(64))[np.ix_(o, o)]
            ).logpdf(row[0, o])
            for w, m, W, s in zip(mix.weights, mix.means, mix.loadings, mix.noises, strict=True)
        ]
    )
    got = model.predict_joint_log_proba(row)[0, 0] - model.class_log_prior_[0]
    assert got == pytest.approx(ref, rel=1e-9)


def test_weights_equal_repeated_rows(digits):
    X, y = digits
    X, y = X[:300], y[:300]
    w = np.where(np.arange(300) % 4 == 0, 2, 1)
    a = PPCAMixture(n_components=1, n_latent=3).fit(X, y, sample_weight=w)
    b = PPCAMixture(n_components=1, n_latent=3).fit(np.repeat(X, w, axis=0), np.repeat(y, w))
    np.testing.assert_allclose(a.predict_joint_log_proba(X), b.predict_joint_log_proba(X))


def test_samples_follow_the_component_gaussian():
    rng = np.random.RandomState(5)
    X = rng.normal(size=(400, 3)) @ np.array([[2.0, 0, 0], [1, 1, 0], [0, 0, 0.5]]) + 5
    y = np.zeros(400, dtype=int)
    y[:200] = 1
    model = PPCAMixture(n_components=1, n_latent=2, min_noise=1e-6).fit(X, y)
    draws, labels = model.sample(20000, y=1, random_state=0)
    assert set(labels) == {1}
    assert np.abs(draws.mean(axis=0) - X[y == 1].mean(axis=0)).max() < 0.1
    mix = model.mixtures_[1]
    unit = np.sqrt(model.scale_)  # fitted in standardised units: D^1/2 C D^1/2
    cov = (mix.loadings[0] @ mix.loadings[0].T + mix.noises[0] * np.eye(3)) * np.outer(unit, unit)
    np.testing.assert_allclose(np.cov(draws.T), cov, atol=0.15)


def test_semi_supervised_em_climbs(digits):
    X, y = digits
    y_part = np.where(np.arange(len(y)) % 5 == 0, y, -1)
    model = PPCAMixture(n_components=1, n_latent=4, em_max_iter=5).fit(X[:600], y_part[:600])
    history = np.array(model.em_log_likelihood_)
    assert model.n_em_iter_ >= 1 and history[-1] > history[0]


@pytest.mark.parametrize(
    ("param", "value", "match"),
    [
        ("n_latent", 0, r"'n_latent' parameter of PPCAMixture must be an int in the range \[1"),
        ("min_noise", 0.0, r"'min_noise' parameter of PPCAMixture must be a float in the range"),
    ],
)
def test_bad_parameters_are_named(param, value, match, digits):
    X, y = digits
    with pytest.raises(ParameterError, match=match):
        PPCAMixture(**{param: value}).fit(X[:50], y[:50])


def test_latent_dimensions_are_capped_below_the_feature_count():
    X = np.random.RandomState(6).normal(size=(60, 2))
    model = PPCAMixture(n_components=1, n_latent=20).fit(X, np.repeat([0, 1], 30))
    assert model.n_latent_ == 1 and model.mixtures_[0].loadings.shape == (1, 2, 1)
    X_nan = X[:2].copy()
    X_nan[:, 0] = np.nan
    assert np.isfinite(model.predict_joint_log_proba(X_nan)).all()
