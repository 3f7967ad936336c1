"""Tiny data sets and model factories shared by the generative model tests."""

from __future__ import annotations

import numpy as np
import pytest

from genvsdisc.models.generative.gaussian import LinearDiscriminant, QuadraticDiscriminant
from genvsdisc.models.generative.kde import ClassKernelDensity
from genvsdisc.models.generative.mixture import ClassMixture
from genvsdisc.models.generative.multinomial import MultinomialNaiveBayes
from genvsdisc.models.generative.naive_bayes import (
    BernoulliNaiveBayes,
    GaussianNaiveBayes,
)
from genvsdisc.models.generative.ppca_mixture import PPCAMixture

#: One small, fast instance of every classical generative model, by registry name.
_FACTORIES = {
    "gaussian_nb": GaussianNaiveBayes,
    "bernoulli_nb": BernoulliNaiveBayes,
    "multinomial_nb": lambda: MultinomialNaiveBayes(min_df=1, max_df=1.0),
    "lda": LinearDiscriminant,
    "qda": QuadraticDiscriminant,
    "gmm": lambda: ClassMixture(n_components=2, min_rows_per_component=10, random_state=0),
    "kde": lambda: ClassKernelDensity(cv=3),
    "mppca": lambda: PPCAMixture(n_components=2, n_latent=2, min_rows_per_component=10),
}


@pytest.fixture
def make_generative():
    """``make_generative(name)``: a small, fast, unfitted generative model by registry name."""
    return lambda name: _FACTORIES[name]()


def _make_blobs(n_per_class=40, d=3, K=3, seed=0):
    """Correlated Gaussian classes with distinct means, shape (K * n, d) and labels (K * n,)."""
    rng = np.random.RandomState(seed)
    X, y = [], []
    for k in range(K):
        A = rng.normal(size=(d, d)) * 0.5 + np.eye(d)
        X.append(rng.normal(size=(n_per_class, d)) @ A + 6.0 * rng.normal(size=d))
        y.append(np.full(n_per_class, k))
    return np.vstack(X), np.concatenate(y)


@pytest.fixture
def make_blobs():
    """``make_blobs(n_per_class=40, d=3, K=3, seed=0) -> (X, y)``: correlated Gaussian classes."""
    return _make_blobs


@pytest.fixture
def blobs():
    """Three correlated 3-D Gaussian classes, 40 rows each."""
    return _make_blobs()


@pytest.fixture
def pixels():
    """Two classes of 6-pixel 'images' in [0, 1] (class 1 is bright on the right)."""
    rng = np.random.RandomState(1)
    X0 = np.clip(rng.beta(2, 5, size=(50, 6)), 0, 1)
    X1 = np.clip(rng.beta(2, 5, size=(50, 6)) + [0, 0, 0, 0.4, 0.5, 0.6], 0, 1)
    return np.vstack([X0, X1]), np.repeat([0, 1], 50)


@pytest.fixture
def counts():
    """Word counts of 60 documents over 8 words, two topics."""
    rng = np.random.RandomState(2)
    p0 = np.array([8, 6, 4, 2, 1, 1, 1, 1], float)
    p1 = p0[::-1].copy()
    rows = [rng.multinomial(rng.randint(20, 40), p / p.sum()) for p in [p0] * 30 + [p1] * 30]
    return np.array(rows, dtype=float), np.repeat(["a", "b"], 30)


@pytest.fixture
def docs():
    """Twelve short raw-text documents on two topics."""
    sport = ["goal match team win", "team goal score", "match win league goal"]
    politics = ["vote party election", "party leader vote", "election law party"]
    texts = [t + " the" for t in sport * 2 + politics * 2]
    return np.array(texts, dtype=object), np.array(["sport"] * 6 + ["politics"] * 6)


@pytest.fixture
def assert_moments():
    """``assert_moments(samples, mean, cov)``: sample mean and covariance within 5 standard errors.

    Standard error of a mean: sqrt(var / n); of a covariance entry of Gaussian
    draws: sqrt((S_jj S_ll + S_jl^2) / n). For non-Gaussian draws (mixtures,
    kernel densities) the covariance tolerance uses 8 errors instead of 5
    (``heavy=True``): their fourth moments are larger.
    """

    def check(samples, mean, cov, heavy=False):
        n = len(samples)
        var = np.diag(cov)
        k = 8 if heavy else 5
        assert np.all(np.abs(samples.mean(axis=0) - mean) < 5 * np.sqrt(var / n))
        cov_err = np.abs(np.cov(samples.T, bias=True) - cov)
        assert np.all(cov_err < k * np.sqrt((np.outer(var, var) + cov**2) / n))

    return check
