"""LDA and QDA: shrinkage from statistics, exact marginals, sampling, partial_fit, EM."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.special import logsumexp
from scipy.stats import multivariate_normal
from sklearn.covariance import ledoit_wolf, ledoit_wolf_shrinkage, oas

from genvsdisc.exceptions import MissingValuesError, ParameterError
from genvsdisc.models.generative._gaussian_math import (
    ClassMoments,
    ledoit_wolf_intensity,
    oas_intensity,
)
from genvsdisc.models.generative.gaussian import LinearDiscriminant, QuadraticDiscriminant
from genvsdisc.models.generative.naive_bayes import GaussianNaiveBayes


@pytest.fixture
def offset_rows():
    """60 correlated rows with features on very different scales and offsets."""
    rng = np.random.RandomState(0)
    A = rng.standard_normal((5, 5))
    return rng.standard_normal((60, 5)) @ A * [1, 10, 100, 0.1, 1] + [1e3, -5, 3, 0, 7]


# ---------------------------------------------------------------- shrinkage
@pytest.mark.parametrize("fourth", ["scalar", "matrix"])
def test_ledoit_wolf_from_chunked_statistics_equals_sklearn(offset_rows, fourth):
    X = offset_rows
    st = ClassMoments(1, 5, fourth=fourth)
    for rows in np.array_split(np.arange(60), 3):
        st.update(X[rows], np.ones((len(rows), 1)))
    s = ledoit_wolf_intensity(st.scatter(0) / 60, 60, st.fourth_moment(0))
    assert s == pytest.approx(ledoit_wolf_shrinkage(X), rel=1e-9)


def test_ledoit_wolf_in_standardised_units_equals_sklearn(offset_rows):
    X = offset_rows
    scale = X.var(axis=0)
    st = ClassMoments(1, 5, fourth="matrix")
    st.update(X, np.ones((60, 1)))
    emp = st.scatter(0) / 60 / np.sqrt(np.outer(scale, scale))
    s = ledoit_wolf_intensity(emp, 60, st.fourth_moment(0, scale))
    assert s == pytest.approx(ledoit_wolf_shrinkage(X / np.sqrt(scale)), rel=1e-9)


def test_scalar_statistics_refuse_per_feature_scaling(offset_rows):
    st = ClassMoments(1, 5, fourth="scalar")
    st.update(offset_rows, np.ones((60, 1)))
    with pytest.raises(ValueError, match="needs ClassMoments"):
        st.fourth_moment(0, offset_rows.var(axis=0))


def test_oas_intensity_equals_sklearn(offset_rows):
    X = offset_rows
    emp = np.cov(X.T, bias=True)
    assert oas_intensity(emp, 60) == pytest.approx(oas(X)[1], rel=1e-9)


def test_qda_covariance_is_sklearn_ledoit_wolf_in_standardised_units(blobs):
    X, y = blobs
    model = QuadraticDiscriminant(reg_covar=0.0, standardize=True).fit(X, y)
    unit = np.sqrt(X.var(axis=0))
    for k in range(3):
        cov, s = ledoit_wolf(X[y == k] / unit)
        np.testing.assert_allclose(model.covariances_[k], cov * np.outer(unit, unit), rtol=1e-8)
        assert model.shrinkage_[k] == pytest.approx(s, rel=1e-8)


def test_lda_without_shrinkage_is_the_pooled_covariance(blobs):
    X, y = blobs
    model = LinearDiscriminant(reg_covar=0.0).fit(X, y)
    pooled = sum(np.cov(X[y == k].T, bias=True) * np.mean(y == k) for k in range(3))
    np.testing.assert_allclose(model.covariance_, pooled, rtol=1e-10)


def test_qda_works_when_features_outnumber_rows():
    rng = np.random.RandomState(0)
    X = np.vstack([rng.normal(size=(10, 40)), rng.normal(size=(10, 40)) + 1.5])
    y = np.repeat([0, 1], 10)
    model = QuadraticDiscriminant().fit(X, y)
    assert np.all(np.linalg.eigvalsh(model.covariances_) > 0)
    X_test = np.vstack([rng.normal(size=(20, 40)), rng.normal(size=(20, 40)) + 1.5])
    assert model.score(X_test, np.repeat([0, 1], 20)) > 0.9


def test_singular_covariance_without_floor_raises():
    X = np.random.RandomState(0).normal(size=(10, 20))
    with pytest.raises(ParameterError, match="not positive definite; increase 'reg_covar'"):
        QuadraticDiscriminant(shrinkage=None, reg_covar=0.0).fit(X, np.repeat([0, 1], 5))


# ---------------------------------------------------------- marginalisation
def _restricted_score(model, x, obs):
    """log p(x_obs) built by hand from the fitted parameters restricted to ``obs``."""
    covs = getattr(model, "covariances_", None)
    if covs is None:
        covs = [model.covariance_] * len(model.classes_)
    parts = [
        multivariate_normal(model.means_[k][obs], covs[k][np.ix_(obs, obs)]).logpdf(x[obs])
        + model.class_log_prior_[k]
        for k in range(len(model.classes_))
    ]
    return logsumexp(parts)


@pytest.mark.parametrize("factory", [LinearDiscriminant, QuadraticDiscriminant])
def test_nan_score_equals_model_restricted_to_observed_features(factory, make_blobs):
    X, y = make_blobs(d=5)
    model = factory().fit(X, y)
    X_miss = X[:6].copy()
    # one missing (precision route), three missing (covariance route), mixed patterns
    masks = [[1], [0, 2, 4], [1], [3], [0, 1, 2], []]
    for i, m in enumerate(masks):
        X_miss[i, m] = np.nan
    expected = [_restricted_score(model, X[i], ~np.isnan(X_miss[i])) for i in range(6)]
    np.testing.assert_allclose(model.score_samples(X_miss), expected, rtol=1e-9)


def test_nan_to_a_model_that_cannot_integrate_it_raises(blobs):
    class NoMissing(GaussianNaiveBayes):
        handles_missing = False

    X, y = blobs
    model = NoMissing().fit(X, y)
    X[0, 0] = np.nan
    with pytest.raises(MissingValuesError, match="NoMissing cannot integrate missing features"):
        model.predict(X)


def test_sparse_input_is_refused(blobs):
    X, y = blobs
    with pytest.raises(TypeError, match="dense data is required"):
        QuadraticDiscriminant().fit(sp.csr_matrix(X), y)


# ----------------------------------------------------------------- sampling
def test_samples_match_fitted_parameters(blobs, assert_moments):
    X, y = blobs
    n = 20_000
    qda = QuadraticDiscriminant().fit(X, y)
    X_new, _ = qda.sample(n, y=2, random_state=0)
    assert_moments(X_new, qda.means_[2], qda.covariances_[2])
    lda = LinearDiscriminant().fit(X[y > 0], y[y > 0])  # priors 1/2, 1/2
    X_new, y_new = lda.sample(n, random_state=1)
    assert abs(np.mean(y_new == 1) - 0.5) < 5 * np.sqrt(0.25 / n)
    assert_moments(X_new[y_new == 1], lda.means_[0], lda.covariance_)


# --------------------------------------------------------------- partial_fit
@pytest.mark.parametrize("factory", [LinearDiscriminant, QuadraticDiscriminant])
@pytest.mark.parametrize("shrinkage", ["auto", "oas", None])
@pytest.mark.parametrize("standardize", [True, False])
def test_fit_equals_chunked_partial_fit(factory, shrinkage, standardize, blobs):
    X, y = blobs
    X = X * [1.0, 100.0, 0.01] + [0, 1e4, 0]
    params = {"shrinkage": shrinkage, "standardize": standardize}
    full = factory(**params).fit(X, y)
    chunked = factory(**params)
    for rows in np.array_split(np.random.RandomState(0).permutation(len(X)), 5):
        chunked.partial_fit(X[rows], y[rows], classes=[0, 1, 2])
    np.testing.assert_allclose(chunked.means_, full.means_, rtol=1e-10)
    np.testing.assert_allclose(chunked.shrinkage_, full.shrinkage_, rtol=1e-7, atol=1e-12)
    np.testing.assert_allclose(chunked._covs, full._covs, rtol=1e-7, atol=1e-12)
    np.testing.assert_allclose(chunked.class_log_prior_, full.class_log_prior_)


def test_partial_fit_with_an_unseen_class_still_predicts(blobs):
    X, y = blobs
    model = QuadraticDiscriminant().partial_fit(X[y < 2], y[y < 2], classes=[0, 1, 2])
    assert model.class_log_prior_[2] == -np.inf
    assert set(model.predict(X)) <= {0, 1}
    model.partial_fit(X[y == 2], y[y == 2])
    assert model.score(X, y) > 0.9


# ----------------------------------------------------------------------- EM
@pytest.mark.parametrize("factory", [LinearDiscriminant, QuadraticDiscriminant])
def test_em_never_lowers_its_objective_without_shrinkage(factory, make_blobs):
    X, y = make_blobs(n_per_class=40)
    y_semi = y.copy()
    y_semi[np.arange(len(y)) % 8 != 0] = -1
    model = factory(shrinkage=None, reg_covar=1e-9).fit(X, y_semi)
    history = np.array(model.em_log_likelihood_)
    assert model.n_em_iter_ >= 1
    assert np.all(np.diff(history) >= -1e-9 * np.abs(history[:-1]))
    assert model.score(X, y) > 0.9


def test_marginals_do_not_depend_on_chunking_or_pattern_grouping(make_blobs):
    from genvsdisc.models.generative import _gaussian_math as gm

    X, y = make_blobs(d=5)
    model = QuadraticDiscriminant().fit(X, y)
    X_miss = X[:30].copy()
    rng = np.random.RandomState(0)
    X_miss[rng.random_sample(X_miss.shape) < 0.4] = np.nan
    X_miss[::3, :2] = np.nan  # a pattern shared by several rows
    X_miss[np.isnan(X_miss).all(axis=1), 4] = 1.0  # never a whole row missing
    rows = np.isnan(X_miss).any(axis=1)
    precs = [np.linalg.inv(S) for S in model._covs]
    logdets = [np.linalg.slogdet(S)[1] for S in model._covs]
    args = (X_miss[rows], np.isnan(X_miss[rows]), model.means_, range(3), model._covs)
    whole = gm._missing_rows_log_pdf(*args, precs, logdets)
    tiny = gm._missing_rows_log_pdf(*args, precs, logdets, chunk=2)
    np.testing.assert_allclose(tiny, whole, rtol=1e-10)
    expected = [
        _restricted_score(model, X_miss[i], ~np.isnan(X_miss[i])) for i in np.flatnonzero(rows)
    ]
    np.testing.assert_allclose(logsumexp(whole + model.class_log_prior_, axis=1), expected)
