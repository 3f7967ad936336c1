"""Fits in pieces: lda/qda and text partial_fit match one fit; gmm stopped by max_iter."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from scipy.special import logsumexp
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import HashingVectorizer

from genvsdisc.exceptions import ParameterError
from genvsdisc.models.generative.gaussian import LinearDiscriminant, QuadraticDiscriminant
from genvsdisc.models.generative.mixture import ClassMixture
from genvsdisc.models.generative.multinomial import MultinomialNaiveBayes
from genvsdisc.models.text import HASHED_FEATURES


def _unit_first_then_wide(make_blobs):
    """Rows whose first chunk lies in [0, 1] while the others do not, shape (120, 3)."""
    X, y = make_blobs(n_per_class=40, d=3, K=3, seed=2)
    X = X * np.array([1.0, 30.0, 0.05])  # features in very different units
    first = np.concatenate([np.flatnonzero(y == k)[:5] for k in range(3)])
    X[first] = np.random.RandomState(0).uniform(0.0, 1.0, (len(first), 3))
    rest = np.setdiff1d(np.arange(len(y)), first)
    return X, y, [first, *np.array_split(rest, 3)]


@pytest.mark.parametrize("factory", [LinearDiscriminant, QuadraticDiscriminant])
@pytest.mark.parametrize("shrinkage", ["auto", "oas", None])
def test_auto_standardize_is_decided_from_every_chunk(factory, shrinkage, make_blobs):
    X, y, chunks = _unit_first_then_wide(make_blobs)
    full = factory(shrinkage=shrinkage).fit(X, y)
    chunked = factory(shrinkage=shrinkage)
    for rows in chunks:
        chunked.partial_fit(X[rows], y[rows], classes=[0, 1, 2])
    assert full.standardize_ and chunked.standardize_
    assert np.mean(chunked.predict(X) == full.predict(X)) == 1.0
    np.testing.assert_allclose(chunked.means_, full.means_, rtol=1e-9)
    np.testing.assert_allclose(chunked.shrinkage_, full.shrinkage_, rtol=1e-7, atol=1e-12)
    cov = "covariance_" if factory is LinearDiscriminant else "covariances_"
    np.testing.assert_allclose(getattr(chunked, cov), getattr(full, cov), rtol=1e-7, atol=1e-12)
    np.testing.assert_allclose(chunked.predict_proba(X), full.predict_proba(X), atol=1e-8)


@pytest.mark.parametrize("factory", [LinearDiscriminant, QuadraticDiscriminant])
def test_chunks_all_in_unit_range_keep_one_common_scale(factory, make_blobs):
    X, y = make_blobs(seed=3)
    X = (X - X.min()) / np.ptp(X)  # every value in [0, 1]: pixels
    full = factory(shrinkage="auto").fit(X, y)
    chunked = factory(shrinkage="auto")
    for rows in np.array_split(np.random.RandomState(0).permutation(len(y)), 4):
        chunked.partial_fit(X[rows], y[rows], classes=[0, 1, 2])
    assert not full.standardize_ and not chunked.standardize_
    np.testing.assert_allclose(chunked.shrinkage_, full.shrinkage_, rtol=1e-9)
    np.testing.assert_allclose(chunked.predict_proba(X), full.predict_proba(X), atol=1e-9)


def test_partial_fit_after_a_unit_range_fit_refuses_wide_rows(make_blobs):
    X, y = make_blobs(seed=3)
    unit = (X - X.min()) / np.ptp(X)
    model = QuadraticDiscriminant().fit(unit, y)
    before = model.means_.copy()
    with pytest.raises(ParameterError, match="pass standardize=True or standardize=False"):
        model.partial_fit(X, y)
    np.testing.assert_array_equal(model.means_, before)  # nothing half-added
    QuadraticDiscriminant(standardize=False).fit(unit, y).partial_fit(X, y)  # as told


# ------------------------------------------------------------- gmm max_iter
def _three_clusters_per_class(seed=0):
    rng = np.random.RandomState(seed)
    centres = np.array([[0.0, 0.0], [4.0, 0.0], [0.0, 4.0]])
    X = np.vstack([rng.normal(c + 20 * k, 1.0, (60, 2)) for k in range(2) for c in centres])
    return X, np.repeat([0, 1], 180)


def test_gmm_candidate_stopped_by_max_iter_keeps_its_likelihood_and_warns():
    X, y = _three_clusters_per_class()
    model = ClassMixture(n_components="bic", max_components=3, max_iter=1, reg_covar=1e-6)
    with pytest.warns(ConvergenceWarning) as record:
        model.fit(X, y)
    messages = {str(w.message) for w in record}
    assert any(
        "3-component mixture of class 0 did not converge in max_iter=1" in m for m in messages
    )
    assert any("2-component mixture of class 1" in m for m in messages)
    assert all(np.isfinite(m.log_likelihood) for m in model.mixtures_)
    # with -inf likelihoods BIC rejected every multi-component candidate
    assert model.n_components_.tolist() == [3, 3]
    last = model.mixtures_[0]
    rows = y == 0
    expected = np.mean(logsumexp(last.log_pdf(X[rows]), axis=1))
    assert last.log_likelihood == pytest.approx(expected, rel=1e-12)


def test_gmm_that_converges_does_not_warn():
    X, y = _three_clusters_per_class()
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        model = ClassMixture(n_components=3, min_rows_per_component=10).fit(X, y)
    assert np.all(model.n_iter_ < model.max_iter)


# --------------------------------------------------------------- text streams
def test_text_partial_fit_learns_words_first_seen_in_later_chunks(docs):
    texts, y = docs
    later = np.array(["cricket wicket bowler", "cricket innings", "senate ballot", "ballot senate"])
    later_y = np.array(["sport", "sport", "politics", "politics"])
    model = MultinomialNaiveBayes()
    model.partial_fit(texts, y, classes=["politics", "sport"])
    model.partial_fit(later, later_y)
    assert model.predict(["cricket wicket", "senate ballot"]).tolist() == ["sport", "politics"]
    assert isinstance(model.vectorizer_, HashingVectorizer)
    assert model.text_features_ == f"hashed words ({HASHED_FEATURES} columns)"
    # the same model as one fit on the hashed counts of every document
    hashed = model.vectorizer_.transform(np.concatenate([texts, later]))
    assert hashed.min() >= 0  # alternate_sign=False: counts, as multinomial NB needs
    full = MultinomialNaiveBayes().fit(hashed, np.concatenate([y, later_y]))
    np.testing.assert_allclose(model.feature_log_prob_, full.feature_log_prob_, rtol=1e-12)
    np.testing.assert_allclose(model.length_size_, full.length_size_, rtol=1e-12)
    assert "the" not in " ".join(model.vectorizer_.build_analyzer()("the goal"))  # stop words


def test_text_partial_fit_refusals(docs):
    texts, y = docs
    streamed = MultinomialNaiveBayes().partial_fit(texts, y, classes=["politics", "sport"])
    X_new, _ = streamed.sample(2, random_state=0)
    with pytest.raises(ParameterError, match="hashed words, which cannot be turned back"):
        streamed.bag_of_words(X_new)
    fitted = MultinomialNaiveBayes(min_df=1).fit(texts, y)
    with pytest.raises(ParameterError, match="partial_fit got raw text after fit fixed its vocab"):
        fitted.partial_fit(texts, y)
